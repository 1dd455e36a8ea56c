// The generated typed calls (proxmox::gen::api, client::async_call) against the simulator: the
// request each one sends, and the result shape by task kind.

#include "sdk_sim_fixture.hpp"

#include <proxmox/generated/api.hpp>

using namespace proxmox;

namespace {

class TypedCalls : public proxmox::testing::sdk_sim_fixture {};

TEST_F(TypedCalls, RawDataForReads) {
    blocking_client pve(token_options());
    gen::api api(pve.async());
    auto version = pve.run(api.async_version_get({}));
    ASSERT_TRUE(version) << version.error().to_string();
    EXPECT_EQ(version->data.at("release"), "9.1");

    auto vms =
        pve.run(api.async_cluster_resources_get({.type = gen::cluster_resources_get_params::type_enum::vm}));
    ASSERT_TRUE(vms) << vms.error().to_string();
    ASSERT_FALSE(vms->data.as_array().empty());
    for (const auto& r : vms->data.as_array())
        EXPECT_TRUE(r.at("type") == "qemu" || r.at("type") == "lxc") << r;
    EXPECT_EQ(count("GET", "/cluster/resources"), 1u);
}

TEST_F(TypedCalls, WorkerCallsCompleteWithTheirTask) {
    blocking_client pve(token_options());
    gen::api api(pve.async());
    const auto vm = vm_in(pve, "stopped");
    auto task = pve.run(api.async_nodes_qemu_status_start_post({.node = vm.node, .vmid = vm.vmid}));
    ASSERT_TRUE(task) << task.error().to_string();
    static_assert(std::is_same_v<decltype(task)::value_type, task_handle>);
    EXPECT_EQ(task->id().type, "qmstart");
    EXPECT_EQ(task->id().node, vm.node);
    auto done = pve.run(task->async_wait());
    ASSERT_TRUE(done) << done.error().to_string();

    // a failing worker is an error of the wait, never a success
    auto again = pve.run(api.async_nodes_qemu_status_start_post({.node = vm.node, .vmid = vm.vmid}));
    ASSERT_TRUE(again) << again.error().to_string();
    auto failed = pve.run(again->async_wait());
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error().code, errc::task_failed);
    EXPECT_NE(failed.error().message.find("already running"), std::string::npos) << failed.error().message;
}

TEST_F(TypedCalls, OnlySetFieldsAreSentAndErrorsNameTheField) {
    blocking_client pve(token_options());
    const auto vm = vm_in(pve, "running");
    gen::nodes_qemu_status_stop_post_params stop{.node = vm.node, .vmid = vm.vmid};
    stop.timeout = 30;
    auto task = pve.run(pve.async().async_call(stop));
    ASSERT_TRUE(task) << task.error().to_string();
    auto log = server().request_log();
    ASSERT_FALSE(log.empty());
    EXPECT_EQ(log.back().params, R"({"timeout":"30"})");

    // PVE's own validation, with the field named
    gen::nodes_qemu_status_stop_post_params bad{.node = vm.node, .vmid = vm.vmid};
    bad.timeout = -5;
    auto rejected = pve.run(pve.async().async_call(bad));
    ASSERT_FALSE(rejected);
    EXPECT_EQ(rejected.error().http_status, 400u);
    EXPECT_TRUE(rejected.error().field_errors.contains("timeout")) << rejected.error().to_string();

    // an empty path parameter never leaves the client
    const auto before = server().request_count();
    auto empty =
        pve.run(pve.async().async_call(gen::nodes_qemu_status_stop_post_params{.node = "", .vmid = vm.vmid}));
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().code, errc::invalid_argument);
    EXPECT_NE(empty.error().message.find("'node'"), std::string::npos) << empty.error().message;
    EXPECT_EQ(server().request_count(), before);
}

} // namespace
