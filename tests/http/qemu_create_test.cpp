// node_handle::async_create_qemu against the simulator: what it sends, what PVE builds, the
// refusals a user meets first.

#include "sdk_sim_fixture.hpp"

#include <proxmox/client.hpp>

using namespace proxmox;
using namespace std::chrono_literals;

namespace {

class QemuCreate : public proxmox::testing::sdk_sim_fixture {};

qemu_create_options web_server() {
    qemu_create_options o;
    o.name = "web-01";
    o.cores = 2;
    o.memory = 2048;
    o.ostype = "l26";
    o.scsihw = "virtio-scsi-single";
    o.disks["scsi0"] = qemu_disk::new_disk("local-lvm", 16);
    o.nets[0] = qemu_nic{};
    o.iso = "local:iso/debian-13.1.0-amd64-netinst.iso";
    o.boot_order = {"scsi0", "ide2", "net0"};
    o.agent = true;
    return o;
}

TEST_F(QemuCreate, BuildsTheVmItDescribes) {
    blocking_client pve(token_options());
    auto created = pve.run(pve.async().node("pve").async_create_qemu(web_server()));
    ASSERT_TRUE(created) << created.error().to_string();
    EXPECT_GE(created->vmid, 100u);
    EXPECT_EQ(created->task.id().type, "qmcreate");
    auto done = pve.wait(created->task, {.timeout = 20s, .initial_interval = 10ms});
    ASSERT_TRUE(done) << done.error().to_string();

    auto config = pve.run(pve.async().node("pve").qemu(created->vmid).async_config());
    ASSERT_TRUE(config) << config.error().to_string();
    EXPECT_EQ(config->name(), "web-01");
    EXPECT_EQ(config->cores(), 2u);
    EXPECT_EQ(config->memory_mib(), 2048u);
    EXPECT_EQ(config->get("ostype"), "l26");
    EXPECT_EQ(config->get("boot"), "order=scsi0;ide2;net0");
    EXPECT_TRUE(config->agent_enabled());
    auto disks = config->disks();
    ASSERT_TRUE(disks) << disks.error().to_string();
    ASSERT_EQ(disks->count("scsi0"), 1u);
    EXPECT_EQ(disks->at("scsi0").volume, "local-lvm:vm-" + std::to_string(created->vmid) + "-disk-0");
    EXPECT_EQ(disks->at("scsi0").size, "16G");
    ASSERT_EQ(disks->count("ide2"), 1u);
    EXPECT_EQ(disks->at("ide2").media, "cdrom");
    EXPECT_EQ(disks->at("ide2").volume, "local:iso/debian-13.1.0-amd64-netinst.iso");
    auto nets = config->nets();
    ASSERT_TRUE(nets);
    ASSERT_EQ(nets->count(0), 1u);
    EXPECT_EQ(nets->at(0).bridge, "vmbr0");
    EXPECT_FALSE(nets->at(0).macaddr.empty()); // PVE generated one

    auto status = pve.run(pve.async().node("pve").qemu(created->vmid).async_status());
    ASSERT_TRUE(status);
    EXPECT_EQ(status->status, "stopped"); // start was not asked for
}

TEST_F(QemuCreate, StartAfterCreateRunsIt) {
    blocking_client pve(token_options());
    auto o = web_server();
    o.start = true;
    o.vmid = 4242;
    auto created = pve.run(pve.async().node("pve").async_create_qemu(o));
    ASSERT_TRUE(created) << created.error().to_string();
    EXPECT_EQ(created->vmid, 4242u);
    EXPECT_EQ(count("GET", "/cluster/nextid"), 0u); // a given vmid needs no lookup
    ASSERT_TRUE(pve.wait(created->task, {.timeout = 20s, .initial_interval = 10ms}));
    auto status = pve.run(pve.async().node("pve").qemu(4242).async_status());
    ASSERT_TRUE(status);
    EXPECT_EQ(status->status, "running");
}

TEST_F(QemuCreate, ATakenVmidIsPvesError) {
    blocking_client pve(token_options());
    const auto existing = vm_in(pve, "stopped");
    auto o = web_server();
    o.vmid = existing.vmid;
    auto refused = pve.run(pve.async().node("pve").async_create_qemu(o));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, errc::server_error);
    EXPECT_NE(refused.error().message.find("VM " + std::to_string(existing.vmid) + " already exists on node"),
              std::string::npos)
        << refused.error().to_string();
}

TEST_F(QemuCreate, BadOptionsAreRefusedBeforeSending) {
    blocking_client pve(token_options());
    const auto node = pve.async().node("pve");
    auto expect_invalid = [&](qemu_create_options o, std::string_view names) {
        auto r = pve.run(node.async_create_qemu(std::move(o)));
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, errc::invalid_argument);
        EXPECT_NE(r.error().message.find(names), std::string::npos) << r.error().message;
    };
    auto o = web_server();
    o.disks["scsi31"] = qemu_disk::new_disk("local-lvm", 1);
    expect_invalid(o, "'scsi31' is not a drive");
    o = web_server();
    o.disks["ide2"] = qemu_disk::cdrom();
    expect_invalid(o, "iso goes on ide2");
    o = web_server();
    o.name = "web 01";
    expect_invalid(o, "qemu_create_options.name");
    o = web_server();
    o.vmid = 42;
    expect_invalid(o, "qemu_create_options.vmid 42");
    o = web_server();
    o.boot_order = {"scsi0;net0"};
    expect_invalid(o, "boot_order");
    o = web_server();
    o.nets[0].tag = 5000;
    expect_invalid(o, "qemu_create_options.nets[0]");
    EXPECT_TRUE(server().request_log().empty());
}

} // namespace
