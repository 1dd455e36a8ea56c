// The guest config models read alike: typed device views fail naming the key they cannot parse,
// and config changes check their keys against PVE's schema for the guest type.

#include <proxmox/generated/field_groups.hpp>
#include <proxmox/models/guest.hpp>
#include <proxmox/models/lxc_config.hpp>
#include <proxmox/models/qemu_config.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value_to.hpp>

#include <gtest/gtest.h>

using namespace proxmox;

namespace {

qemu_config vm_config(const char* json) {
    return boost::json::value_to<qemu_config>(boost::json::parse(json));
}

lxc_config ct_config(const char* json) {
    return boost::json::value_to<lxc_config>(boost::json::parse(json));
}

TEST(GuestModels, UnparsableDevicesFailNamingTheKey) {
    const auto vm = vm_config(R"({"digest":"ab","net0":"virtio=BC:24:11:00:00:01,bridge=vmbr0","net1":"=,=",
                                  "scsi0":"local-lvm:vm-100-disk-0,size=8G","ipconfig0":"ip=dhcp"})");
    auto nets = vm.nets();
    ASSERT_FALSE(nets);
    EXPECT_EQ(nets.error().code, errc::invalid_argument);
    EXPECT_TRUE(nets.error().message.starts_with("net1: ")) << nets.error().message;
    EXPECT_EQ(vm.get("net1"), "=,="); // the text stays readable
    auto disks = vm.disks();
    ASSERT_TRUE(disks) << disks.error().message;
    EXPECT_EQ(disks->at("scsi0").size, "8G");
    EXPECT_TRUE(vm.ipconfigs());

    const auto ct = ct_config(R"({"digest":"ab","rootfs":"local-lvm:vm-200-disk-0,size=8G",
                                  "mp0":"local-lvm:vm-200-disk-1,mp=/srv","mp1":",,","net0":"name=eth0,bridge=vmbr0"})");
    auto volumes = ct.disks();
    ASSERT_FALSE(volumes);
    EXPECT_TRUE(volumes.error().message.starts_with("mp1: ")) << volumes.error().message;
    EXPECT_TRUE(ct.nets());
}

TEST(GuestModels, DriveKeysAreTheBusDrivesEfiAndTpm) {
    for (const char* key : {"ide2", "sata0", "scsi0", "scsi30", "virtio15", "efidisk0", "tpmstate0"})
        EXPECT_TRUE(proxmox::is_drive_key(key)) << key;
    for (const char* key : {"scsi", "net0", "unused0", "ipconfig0", "scsihw", "ide2x", "efidisk", "cores"})
        EXPECT_FALSE(proxmox::is_drive_key(key)) << key;
}

TEST(GuestModels, LxcConfigDisksAndGet) {
    const auto ct =
        ct_config(R"({"rootfs":"local-lvm:vm-200-disk-0,size=8G","mp3":"local-lvm:vm-200-disk-1,mp=/srv",
                                  "cores":2,"onboot":1,"description":"web"})");
    auto volumes = ct.disks();
    ASSERT_TRUE(volumes) << volumes.error().message;
    ASSERT_EQ(volumes->size(), 2u);
    EXPECT_EQ(volumes->at("rootfs").volume, "local-lvm:vm-200-disk-0");
    EXPECT_EQ(volumes->at("mp3").mp, "/srv");
    EXPECT_EQ(ct.get("cores"), "2");
    EXPECT_EQ(ct.get("onboot"), "1");
    EXPECT_EQ(ct.get("description"), "web");
    EXPECT_FALSE(ct.get("memory"));
}

TEST(GuestModels, FieldKeysFollowTheSchema) {
    const auto vm = gen::qemu_config_keys();
    EXPECT_TRUE(gen::is_field_key(vm, "cores"));
    EXPECT_TRUE(gen::is_field_key(vm, "net0"));
    EXPECT_TRUE(gen::is_field_key(vm, "scsi30"));
    EXPECT_FALSE(gen::is_field_key(vm, "net"));   // a numbered key needs its number
    EXPECT_FALSE(gen::is_field_key(vm, "net01")); // PVE writes no leading zero
    EXPECT_FALSE(gen::is_field_key(vm, "net1000"));
    EXPECT_FALSE(gen::is_field_key(vm, "cores2"));
    EXPECT_FALSE(gen::is_field_key(vm, "hostname"));
    EXPECT_FALSE(gen::is_field_key(vm, "digest")); // a parameter of the call, not a config key
    const auto ct = gen::lxc_config_keys();
    EXPECT_TRUE(gen::is_field_key(ct, "hostname"));
    EXPECT_TRUE(gen::is_field_key(ct, "mp255"));
    EXPECT_FALSE(gen::is_field_key(ct, "sockets"));
}

TEST(GuestModels, ConfigChangesRememberTheirFirstProblem) {
    qemu_config_update vm;
    vm.set("cores", "4").remove("cores");
    ASSERT_TRUE(vm.problem());
    EXPECT_NE(vm.problem()->message.find("both set and deleted"), std::string::npos);

    qemu_config_update bad_nic;
    bad_nic.set_nic(32, qemu_nic{});
    ASSERT_TRUE(bad_nic.problem());
    EXPECT_NE(bad_nic.problem()->message.find("net index 32 is out of range (net0 .. net31)"),
              std::string::npos)
        << bad_nic.problem()->message;

    lxc_config_update ct;
    ct.set_mount_point(0, lxc_volume{}); // no volume
    ASSERT_TRUE(ct.problem());
    EXPECT_TRUE(ct.problem()->message.starts_with("lxc_config_update: mp0: ")) << ct.problem()->message;

    lxc_config_update fine;
    fine.set("memory", "1024").remove("mp1");
    EXPECT_FALSE(fine.problem());
    EXPECT_EQ(fine.values().size(), 1u);
    EXPECT_EQ(fine.deletions(), std::vector<std::string>{"mp1"});
}

TEST(GuestModels, PowerActionsHavePveNames) {
    EXPECT_EQ(to_string(power_action::start), "start");
    EXPECT_EQ(to_string(power_action::shutdown), "shutdown");
    EXPECT_EQ(to_string(power_action::reset), "reset");
    EXPECT_EQ(to_string(power_action::resume), "resume");
}

} // namespace
