// qemu_handle and lxc_handle side by side: the same operation has the same name, takes its
// <type>_<operation>_options, and sends exactly the parameters PVE defines for that guest type.

#include "sdk_sim_fixture.hpp"

#include <proxmox/client.hpp>

using namespace proxmox;
using namespace std::chrono_literals;

namespace {

class GuestConvention : public proxmox::testing::sdk_sim_fixture {
protected:
    static result<task_status> wait(blocking_client& pve, const result<task_handle>& task) {
        if (!task)
            return task.error();
        return pve.run(task->async_wait({.timeout = 20s, .initial_interval = 10ms}));
    }
};

bool has(const std::string& params, std::string_view key_value) {
    return params.find(key_value) != std::string::npos;
}

TEST_F(GuestConvention, QemuPowerOptionsReachTheWire) {
    blocking_client pve(token_options());
    const auto g = vm_in(pve, "running");
    const auto vm = pve.async().node(g.node).qemu(g.vmid);
    const auto base = "/nodes/" + g.node + "/qemu/" + std::to_string(g.vmid) + "/status/";

    ASSERT_TRUE(wait(pve, pve.run(vm.async_shutdown({.timeout = 5s, .force_stop = true}))));
    auto sent = last_params("POST", base + "shutdown");
    EXPECT_TRUE(has(sent, R"("timeout":"5")")) << sent;
    EXPECT_TRUE(has(sent, R"("forceStop":"1")")) << sent;
    EXPECT_FALSE(has(sent, "keepActive")) << sent; // unset options are not sent

    ASSERT_TRUE(wait(pve, pve.run(vm.async_start({.timeout = 40s}))));
    EXPECT_TRUE(has(last_params("POST", base + "start"), R"("timeout":"40")"));

    ASSERT_TRUE(wait(pve, pve.run(vm.async_stop({.timeout = 7s, .overrule_shutdown = true}))));
    sent = last_params("POST", base + "stop");
    EXPECT_TRUE(has(sent, R"("timeout":"7")")) << sent;
    EXPECT_TRUE(has(sent, R"("overrule-shutdown":"1")")) << sent;

    // skiplock is root@pam's alone: an API token gets PVE's parameter error
    auto locked = pve.run(vm.async_start({.skiplock = true}));
    ASSERT_FALSE(locked);
    EXPECT_EQ(locked.error().code, errc::invalid_parameter);
    ASSERT_EQ(locked.error().field_errors.count("skiplock"), 1u) << locked.error().to_string();
    EXPECT_EQ(locked.error().field_errors.at("skiplock"), "Only root may use this option.");
}

TEST_F(GuestConvention, LxcPowerOptionsReachTheWire) {
    blocking_client pve(token_options());
    const auto g = container_in(pve, "running");
    const auto ct = pve.async().node(g.node).lxc(g.vmid);
    const auto base = "/nodes/" + g.node + "/lxc/" + std::to_string(g.vmid) + "/status/";

    ASSERT_TRUE(wait(pve, pve.run(ct.async_reboot({.timeout = 9s}))));
    EXPECT_TRUE(has(last_params("POST", base + "reboot"), R"("timeout":"9")"));

    ASSERT_TRUE(wait(pve, pve.run(ct.async_stop({.overrule_shutdown = true}))));
    EXPECT_TRUE(has(last_params("POST", base + "stop"), R"("overrule-shutdown":"1")"));

    ASSERT_TRUE(wait(pve, pve.run(ct.async_start({.debug = true}))));
    EXPECT_TRUE(has(last_params("POST", base + "start"), R"("debug":"1")"));

    ASSERT_TRUE(wait(pve, pve.run(ct.async_shutdown({.timeout = 3s, .force_stop = true}))));
    auto sent = last_params("POST", base + "shutdown");
    EXPECT_TRUE(has(sent, R"("timeout":"3")")) << sent;
    EXPECT_TRUE(has(sent, R"("forceStop":"1")")) << sent;
}

TEST_F(GuestConvention, NegativeDurationsAreRefusedBeforeSending) {
    blocking_client pve(token_options());
    const auto g = vm_in(pve, "running");
    const auto before = server().request_log().size();
    auto vm = pve.run(pve.async().node(g.node).qemu(g.vmid).async_reboot({.timeout = -1s}));
    ASSERT_FALSE(vm);
    EXPECT_EQ(vm.error().code, errc::invalid_argument);
    EXPECT_NE(vm.error().message.find("reboot timeout -1 s is negative"), std::string::npos)
        << vm.error().message;
    auto ct = pve.run(pve.async().node("pve").lxc(202).async_shutdown({.timeout = -5s}));
    ASSERT_FALSE(ct);
    EXPECT_EQ(ct.error().code, errc::invalid_argument);
    EXPECT_EQ(server().request_log().size(), before);
}

TEST_F(GuestConvention, ConfigUpdatesTakeFreeFormKeysCheckedAgainstTheSchema) {
    blocking_client pve(token_options());
    const auto g = container_in(pve, "running");
    const auto ct = pve.async().node(g.node).lxc(g.vmid);
    // any container key, not only typed ones
    lxc_config_update change;
    change.set("onboot", "1").set("nameserver", "10.0.0.53").set("tags", "web;prod");
    ASSERT_TRUE(pve.run(ct.async_update_config(change)));
    auto config = pve.run(ct.async_config());
    ASSERT_TRUE(config);
    EXPECT_EQ(config->get("onboot"), "1");
    EXPECT_EQ(config->get("nameserver"), "10.0.0.53");
    EXPECT_TRUE(config->onboot);

    const auto before = server().request_log().size();
    lxc_config_update vm_key; // `sockets` is a VM key
    vm_key.set("sockets", "2");
    auto refused = pve.run(ct.async_update_config(vm_key));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, errc::invalid_argument);
    EXPECT_NE(refused.error().message.find("'sockets' is not a container config key"), std::string::npos)
        << refused.error().to_string();

    qemu_config_update ct_key; // `hostname` is a container key
    ct_key.set("hostname", "web");
    const auto vm = vm_in(pve, "running");
    auto vm_refused = pve.run(pve.async().node(vm.node).qemu(vm.vmid).async_update_config(ct_key));
    ASSERT_FALSE(vm_refused);
    EXPECT_NE(vm_refused.error().message.find("'hostname' is not a VM config key"), std::string::npos)
        << vm_refused.error().to_string();
    EXPECT_EQ(server().request_log().size(), before + 1); // only the cluster lookup of vm_in
}

TEST_F(GuestConvention, ConfigModelsGiveDevicesAlike) {
    blocking_client pve(token_options());
    const auto g = vm_in(pve, "running");
    auto vm = pve.run(pve.async().node(g.node).qemu(g.vmid).async_config());
    ASSERT_TRUE(vm);
    auto drives = vm->disks();
    ASSERT_TRUE(drives) << drives.error().to_string();
    EXPECT_EQ(drives->count("scsi0"), 1u);
    auto vm_nets = vm->nets();
    ASSERT_TRUE(vm_nets);
    EXPECT_EQ(vm_nets->count(0), 1u);

    const auto c = container_in(pve, "running");
    auto ct = pve.run(pve.async().node(c.node).lxc(c.vmid).async_config());
    ASSERT_TRUE(ct);
    auto volumes = ct->disks();
    ASSERT_TRUE(volumes) << volumes.error().to_string();
    ASSERT_EQ(volumes->count("rootfs"), 1u);
    EXPECT_FALSE(volumes->at("rootfs").volume.empty());
    auto ct_nets = ct->nets();
    ASSERT_TRUE(ct_nets);
    EXPECT_EQ(ct_nets->count(0), 1u);
}

TEST_F(GuestConvention, CloneCompletesWithTheSameResultForBoth) {
    blocking_client pve(token_options());
    const auto g = vm_in(pve, "stopped");
    auto vm_clone = pve.run(pve.async().node(g.node).qemu(g.vmid).async_clone({.name = "vm-copy"}));
    ASSERT_TRUE(vm_clone) << vm_clone.error().to_string();
    guest_creation created = *vm_clone;
    EXPECT_GE(created.vmid, 100u);
    ASSERT_TRUE(wait(pve, created.task));

    auto deleted = pve.run(pve.async().node(g.node).qemu(created.vmid).async_delete({.purge = true}));
    ASSERT_TRUE(wait(pve, deleted));
    EXPECT_TRUE(has(last_params("DELETE", "/nodes/" + g.node + "/qemu/" + std::to_string(created.vmid)),
                    R"("purge":"1")"));
}

} // namespace

namespace {

TEST_F(GuestConvention, BlockingClientFindsStartsWaitsAndStops) {
    blocking_client pve(token_options());
    const auto stopped = vm_in(pve, "stopped");
    auto found = pve.find_guest({.vmid = stopped.vmid});
    ASSERT_TRUE(found) << found.error().to_string();
    EXPECT_EQ(found->name, stopped.name);

    auto started = pve.start(*found);
    ASSERT_TRUE(started) << started.error().to_string();
    auto done = pve.wait(*started, {.timeout = 20s, .initial_interval = 10ms});
    ASSERT_TRUE(done) << done.error().to_string();
    EXPECT_TRUE(done->succeeded());

    // a second start fails in its task: wait() reports it as an error
    auto again = pve.start(*found);
    ASSERT_TRUE(again);
    auto failed = pve.wait(*again, {.timeout = 20s, .initial_interval = 10ms});
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error().code, errc::task_failed);

    auto halted = pve.stop(*found);
    ASSERT_TRUE(halted);
    ASSERT_TRUE(pve.wait(*halted, {.timeout = 20s, .initial_interval = 10ms}));

    auto missing = pve.find_guest({.name = "no-such-guest"});
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, errc::not_found);
}

} // namespace

namespace {

TEST_F(GuestConvention, SelectorMismatchesNameTheGuestsInvolved) {
    blocking_client pve(token_options());
    const auto vm = vm_in(pve, "running");
    const auto other = vm_in(pve, "stopped");
    const auto ct = container_in(pve, "running");
    auto find = [&](guest_selector sel) { return pve.find_guest(std::move(sel)); };

    // a vmid and a name of two different guests: an error showing both, not the vmid's guest
    auto disagree = find({.vmid = vm.vmid, .name = other.name});
    ASSERT_FALSE(disagree);
    EXPECT_EQ(disagree.error().code, errc::invalid_argument);
    const auto& both = disagree.error().message;
    EXPECT_NE(both.find("vmid " + std::to_string(vm.vmid) + " is qemu " + std::to_string(vm.vmid) + " '" +
                        vm.name + "'"),
              std::string::npos)
        << both;
    EXPECT_NE(both.find("qemu " + std::to_string(other.vmid) + " '" + other.name + "'"), std::string::npos)
        << both;
    // agreeing vmid and name find the guest
    auto agree = find({.vmid = vm.vmid, .name = vm.name});
    ASSERT_TRUE(agree) << agree.error().to_string();
    EXPECT_EQ(agree->vmid, vm.vmid);

    // a container's vmid asked for as a VM: say what it is
    auto wrong_type = find({.vmid = ct.vmid, .name = {}, .node = {}, .type = guest_type::qemu});
    ASSERT_FALSE(wrong_type);
    EXPECT_EQ(wrong_type.error().code, errc::not_found);
    EXPECT_NE(wrong_type.error().message.find("is a container (lxc " + std::to_string(ct.vmid)),
              std::string::npos)
        << wrong_type.error().message;
    EXPECT_NE(wrong_type.error().message.find("not a VM"), std::string::npos) << wrong_type.error().message;

    // the right guest on another node than asked: say where it is
    const std::string elsewhere = vm.node == "pve" ? "pve2" : "pve";
    auto wrong_node = find({.vmid = vm.vmid, .name = {}, .node = elsewhere});
    ASSERT_FALSE(wrong_node);
    EXPECT_EQ(wrong_node.error().code, errc::not_found);
    EXPECT_NE(wrong_node.error().message.find("is on node '" + vm.node + "', not on '" + elsewhere + "'"),
              std::string::npos)
        << wrong_node.error().message;
}

} // namespace
