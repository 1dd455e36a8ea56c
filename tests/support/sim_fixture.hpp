// The fixture of every simulator-backed test (tests/sim, tests/http, tests/mcp): a fresh
// proxmox::sim cluster per test, started in SetUp, and helpers to read its request log.
//
//     class Backups : public proxmox::testing::sim_fixture {
//     protected:
//         void tune(proxmox::sim::options& o) override { o.task_seconds = 0.6; }
//     };
//     TEST_F(Backups, GuestIsLocked) { client c(info()); ... }
//
// A suite changes the simulator's options in tune() and nowhere else; a test that needs other
// options than its suite is named there with test_is(). A suite that needs more per-test state
// (clients, seeded tasks) overrides SetUp() and calls sim_fixture::SetUp() first.
//
// This header needs the simulator only (not the SDK); sdk_sim_fixture.hpp adds the SDK's client
// options for tests/http.
#ifndef PROXMOX_TESTS_SUPPORT_SIM_FIXTURE_HPP
#define PROXMOX_TESTS_SUPPORT_SIM_FIXTURE_HPP

#include <proxmox/sim/server.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace proxmox::testing {

/// The options a fixture starts from, before its tune(): worker tasks end after 50 ms and a 401
/// comes after 20 ms (PVE: 3 s), so tests do not wait for the real timings.
inline sim::options quick_sim_options() {
    sim::options o;
    o.task_seconds = 0.05;
    o.unauthorized_delay = std::chrono::milliseconds(20);
    return o;
}

class sim_fixture : public ::testing::Test {
protected:
    /// Starts a simulator with quick_sim_options() as tune() adjusted them.
    void SetUp() override {
        auto o = quick_sim_options();
        tune(o);
        server_ = std::make_unique<sim::server>(std::move(o));
        server_->start();
    }

    /// The one place a suite changes the simulator's options; the default keeps them.
    virtual void tune(sim::options&) {}

    /// Whether the running test is `name` (without the suite), for a tune() that gives one test
    /// of the suite other options. Fails the test when the suite has no test of that name, so a
    /// renamed test cannot silently lose its options.
    static bool test_is(std::string_view name) {
        const auto* unit = ::testing::UnitTest::GetInstance();
        const auto* suite = unit->current_test_suite();
        bool known = false;
        for (int i = 0; suite && i < suite->total_test_count(); ++i)
            known = known || suite->GetTestInfo(i)->name() == name;
        if (!known)
            ADD_FAILURE() << "tune() names '" << name << "', which is no test of this suite";
        return unit->current_test_info() && unit->current_test_info()->name() == name;
    }

    /// The running simulator.
    sim::server& server() const { return *server_; }
    /// Where it listens, its certificate and the token of `root@pam!sim` (or the first of tune()'s).
    const sim::endpoint_info& info() const { return server_->info(); }

    /// Requests in the log with this method whose API path matches exactly, oldest first.
    std::vector<sim::request_log_entry> logged(std::string_view method, std::string_view path) const {
        std::vector<sim::request_log_entry> out;
        for (auto& e : server_->request_log())
            if (e.method == method && e.path == path)
                out.push_back(std::move(e));
        return out;
    }

    /// How many requests the log has with this method and exact API path.
    std::size_t count(std::string_view method, std::string_view path) const {
        auto log = server_->request_log();
        return static_cast<std::size_t>(
            std::count_if(log.begin(), log.end(), [&](const sim::request_log_entry& e) {
                return e.method == method && e.path == path;
            }));
    }

    /// The parameters (query and body, as JSON object text) of the last logged request with
    /// this method and path; empty when there is none.
    std::string last_params(std::string_view method, std::string_view path) const {
        std::string params;
        for (const auto& e : server_->request_log())
            if (e.method == method && e.path == path)
                params = e.params;
        return params;
    }

    /// Distinct TCP connections the log saw.
    std::size_t connections() const {
        std::set<std::uint64_t> ids;
        for (const auto& e : server_->request_log())
            ids.insert(e.connection);
        return ids.size();
    }

private:
    std::unique_ptr<sim::server> server_;
};

} // namespace proxmox::testing

#endif // PROXMOX_TESTS_SUPPORT_SIM_FIXTURE_HPP
