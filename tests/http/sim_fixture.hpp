#ifndef PROXMOX_TESTS_HTTP_SIM_FIXTURE_HPP
#define PROXMOX_TESTS_HTTP_SIM_FIXTURE_HPP

// A fresh simulated cluster per test, and helpers to read its request log.

#include <proxmox/blocking_client.hpp>
#include <proxmox/sim/server.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

namespace proxmox::testing {

class fresh_sim : public ::testing::Test {
protected:
    /// Starts a simulator with quick tasks and a short 401 delay; `tune` adjusts the options.
    template <class Tune> void start(Tune tune) {
        sim::options o;
        o.task_seconds = 0.05;
        o.unauthorized_delay = std::chrono::milliseconds(20);
        tune(o);
        server_ = std::make_unique<sim::server>(o);
        server_->start();
    }
    void start() {
        start([](sim::options&) {});
    }

    /// Token auth, pinned certificate, fast retries.
    client_options token_options() const {
        const auto& info = server_->info();
        client_options o;
        o.url = info.url;
        o.token = {info.token_id, info.token_secret};
        o.tls.fingerprint = info.fingerprint;
        o.retry.initial_backoff = std::chrono::milliseconds(1);
        o.retry.max_backoff = std::chrono::milliseconds(5);
        return o;
    }

    /// Requests in the log with this method whose path matches exactly.
    std::size_t count(std::string_view method, std::string_view path) const {
        auto log = server_->request_log();
        return static_cast<std::size_t>(
            std::count_if(log.begin(), log.end(), [&](const sim::request_log_entry& e) {
                return e.method == method && e.path == path;
            }));
    }

    /// A QEMU VM (not a template) of the simulated cluster in `status`, found through the SDK.
    static guest_summary vm_in(blocking_client& pve, std::string_view status) {
        auto all = pve.run(pve.async().cluster().async_resources(resource_filter::vm));
        EXPECT_TRUE(all) << all.error().to_string();
        if (all)
            for (const auto& r : *all)
                if (r.type == "qemu" && !r.is_template && r.status == status)
                    return r.to_guest();
        ADD_FAILURE() << "the simulated cluster has no VM that is " << status;
        return {};
    }

    /// Distinct TCP connections the log saw.
    std::size_t connections() const {
        std::set<std::uint64_t> ids;
        for (const auto& e : server_->request_log())
            ids.insert(e.connection);
        return ids.size();
    }

    std::unique_ptr<sim::server> server_;
};

} // namespace proxmox::testing

#endif
