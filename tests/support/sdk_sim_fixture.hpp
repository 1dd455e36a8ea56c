// sim_fixture for the SDK's tests (tests/http): client options that reach the fresh simulator,
// and guests of its cluster found through the SDK.
#ifndef PROXMOX_TESTS_SUPPORT_SDK_SIM_FIXTURE_HPP
#define PROXMOX_TESTS_SUPPORT_SDK_SIM_FIXTURE_HPP

#include "sim_fixture.hpp"

#include <proxmox/blocking_client.hpp>

#include <string>
#include <string_view>

namespace proxmox::testing {

class sdk_sim_fixture : public sim_fixture {
protected:
    /// Token auth with the pinned certificate; the SDK's default retry timings.
    client_options pinned_options() const {
        client_options o;
        o.url = info().url;
        o.token = {info().token_id, info().token_secret};
        o.tls.fingerprint = info().fingerprint;
        return o;
    }

    /// pinned_options() with fast retries (1 ms, at most 5 ms between attempts).
    client_options token_options() const {
        auto o = pinned_options();
        o.retry.initial_backoff = std::chrono::milliseconds(1);
        o.retry.max_backoff = std::chrono::milliseconds(5);
        return o;
    }

    /// The first guest of the simulated cluster (no template) matching `pred`, found through the
    /// SDK; fails the test naming `what` when there is none.
    template <class Pred>
    static guest_summary guest_where(blocking_client& pve, Pred pred, std::string_view what) {
        auto all = pve.run(pve.async().cluster().async_resources(resource_filter::vm));
        EXPECT_TRUE(all) << all.error().to_string();
        if (all)
            for (const auto& r : *all)
                if (!r.is_template && pred(r))
                    return r.to_guest();
        ADD_FAILURE() << "the simulated cluster has no " << what;
        return {};
    }

    /// A QEMU VM (not a template) in `status`.
    static guest_summary vm_in(blocking_client& pve, std::string_view status) {
        return guest_where(
            pve, [&](const cluster_resource& r) { return r.type == "qemu" && r.status == status; },
            "VM that is " + std::string(status));
    }

    /// A container (not a template) in `status`.
    static guest_summary container_in(blocking_client& pve, std::string_view status) {
        return guest_where(
            pve, [&](const cluster_resource& r) { return r.type == "lxc" && r.status == status; },
            "container that is " + std::string(status));
    }
};

} // namespace proxmox::testing

#endif // PROXMOX_TESTS_SUPPORT_SDK_SIM_FIXTURE_HPP
