// Property strings and the typed device builders: the exact text PVE expects, round trips of
// what PVE writes into configs, and errors that name the field.

#include <proxmox/models/guest_devices.hpp>
#include <proxmox/models/property_string.hpp>

#include <gtest/gtest.h>

using namespace proxmox;

namespace {

std::string text_of(const result<std::string>& r) {
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : std::string{};
}

/// The message of a failed conversion (and a test failure if it did not fail).
template <class R> std::string error_of(const R& r) {
    EXPECT_FALSE(r);
    return r ? std::string{} : r.error().message;
}

TEST(PropertyString, KeepsOrderAndTheValueWithoutKey) {
    auto p = property_string::parse("local-lvm:vm-100-disk-0,iothread=1,size=32G");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->default_value(), "local-lvm:vm-100-disk-0");
    EXPECT_EQ(p->get("size"), "32G");
    EXPECT_FALSE(p->get("cache"));
    p->set("size", "40G");
    p->set("cache", "none");
    EXPECT_TRUE(p->erase("iothread"));
    EXPECT_FALSE(p->erase("iothread"));
    EXPECT_EQ(p->str(), "local-lvm:vm-100-disk-0,size=40G,cache=none");
    EXPECT_EQ(property_string::parse(" ,a=1,,b=2")->str(), "a=1,b=2"); // empty parts are skipped, as in PVE
}

TEST(PropertyString, RejectsWhatPveRejects) {
    EXPECT_NE(error_of(property_string::parse("a=1,a=2")).find("key 'a' appears twice"), std::string::npos);
    EXPECT_NE(error_of(property_string::parse("virtio,e1000")).find("two values without a key"),
              std::string::npos);
    EXPECT_NE(error_of(property_string::parse("=x")).find("has no key"), std::string::npos);
}

TEST(PropertyString, ErrorsQuoteLongTextAtBoundedLength) {
    // A config value can be long; an error about it stays short enough for a log line.
    const std::string tail(100'000, 'x');
    for (const std::string& text :
         {"a=1,a=2," + tail, "=" + tail, "virtio,e1000," + tail, "a=1," + tail + "=1," + tail + "=2"}) {
        auto p = property_string::parse(text);
        ASSERT_FALSE(p);
        EXPECT_LT(p.error().message.size(), 1024u) << p.error().message.substr(0, 100);
    }
    for (const std::string& text : {"virtio,tag=" + tail, "virtio,rate=" + tail, "name=eth0,mtu=" + tail}) {
        auto nic = qemu_nic::parse(text);
        auto lxc = lxc_nic::parse(text);
        ASSERT_FALSE(nic && lxc) << text.substr(0, 20);
        if (!nic) {
            EXPECT_LT(nic.error().message.size(), 1024u) << nic.error().message.substr(0, 100);
        }
        if (!lxc) {
            EXPECT_LT(lxc.error().message.size(), 1024u) << lxc.error().message.substr(0, 100);
        }
    }
    EXPECT_LT(error_of(qemu_disk::parse("iothread=1," + tail + "=1")).size(), 1024u);
    EXPECT_LT(error_of(lxc_nic::parse("bridge=vmbr0," + tail + "=1")).size(), 1024u);
    qemu_nic nic;
    nic.bridge = tail + " ";
    EXPECT_LT(error_of(nic.to_property_string()).size(), 1024u);
    qemu_disk disk;
    disk.volume = tail + ",";
    EXPECT_LT(error_of(disk.to_property_string()).size(), 1024u);
    ip_config ip;
    ip.ip = tail;
    EXPECT_LT(error_of(ip.to_property_string()).size(), 1024u);
}

TEST(QemuNic, BuildsPvesText) {
    EXPECT_EQ(text_of(qemu_nic{}.to_property_string()), "virtio,bridge=vmbr0");
    qemu_nic nic{.model = "e1000", .macaddr = "BC:24:11:2C:4E:01", .bridge = "vmbr1"};
    nic.firewall = true;
    nic.tag = 20;
    nic.rate = 12.5;
    EXPECT_EQ(text_of(nic.to_property_string()),
              "e1000=BC:24:11:2C:4E:01,bridge=vmbr1,firewall=1,rate=12.5,tag=20");
}

TEST(QemuNic, RoundTripsAConfigValueWithUnknownKeys) {
    auto nic = qemu_nic::parse("virtio=BC:24:11:2C:4E:01,bridge=vmbr0,firewall=1,trunks=10;20");
    ASSERT_TRUE(nic) << nic.error().message;
    EXPECT_EQ(nic->model, "virtio");
    EXPECT_EQ(nic->macaddr, "BC:24:11:2C:4E:01");
    EXPECT_EQ(nic->firewall, true);
    nic->tag = 30;
    EXPECT_EQ(text_of(nic->to_property_string()),
              "virtio=BC:24:11:2C:4E:01,bridge=vmbr0,firewall=1,tag=30,trunks=10;20");
}

TEST(QemuNic, ErrorsNameTheField) {
    EXPECT_NE(error_of(qemu_nic{.model = "virtio", .macaddr = "01:00:5E:00:00:01"}.to_property_string())
                  .find("qemu_nic.macaddr"),
              std::string::npos); // multicast
    EXPECT_NE(
        error_of(qemu_nic{.model = "virtio", .macaddr = "BC:24:11"}.to_property_string()).find("macaddr"),
        std::string::npos);
    EXPECT_NE(error_of(qemu_nic{.model = "virtio9"}.to_property_string()).find("qemu_nic.model"),
              std::string::npos);
    qemu_nic vlan;
    vlan.tag = 4095;
    EXPECT_NE(error_of(vlan.to_property_string()).find("qemu_nic.tag: VLAN tag 4095"), std::string::npos);
    EXPECT_NE(
        error_of(qemu_nic{.model = "virtio", .macaddr = {}, .bridge = "vmbr0,tag=3"}.to_property_string())
            .find("qemu_nic.bridge"),
        std::string::npos);
    EXPECT_NE(error_of(qemu_nic::parse("virtio,tag=x")).find("qemu_nic.tag"), std::string::npos);
}

TEST(QemuDisk, NewDisksCdromsAndExistingOnes) {
    auto disk = qemu_disk::new_disk("local-lvm", 32);
    disk.iothread = true;
    disk.discard = "on";
    EXPECT_EQ(text_of(disk.to_property_string()), "local-lvm:32,discard=on,iothread=1");
    EXPECT_EQ(text_of(qemu_disk::cdrom("local:iso/debian-13.iso").to_property_string()),
              "local:iso/debian-13.iso,media=cdrom");
    EXPECT_EQ(text_of(qemu_disk::cdrom().to_property_string()), "none,media=cdrom");

    auto parsed = qemu_disk::parse("file=local-lvm:vm-100-disk-0,aio=native,iothread=1,size=32G");
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(parsed->volume, "local-lvm:vm-100-disk-0");
    EXPECT_EQ(parsed->size, "32G");
    EXPECT_EQ(text_of(parsed->to_property_string()),
              "local-lvm:vm-100-disk-0,iothread=1,size=32G,aio=native");

    EXPECT_NE(error_of(qemu_disk{}.to_property_string()).find("qemu_disk.volume"), std::string::npos);
    auto bad_cache = qemu_disk::new_disk("local-lvm", 8);
    bad_cache.cache = "fast";
    EXPECT_NE(error_of(bad_cache.to_property_string()).find("qemu_disk.cache: 'fast' is not one of none"),
              std::string::npos);
}

TEST(QemuDisk, ABlankVolumeIsNoVolume) {
    // Written out, a volume of blanks is a part the parser skips: the disk would lose its volume.
    qemu_disk blank;
    blank.volume = " \t";
    EXPECT_NE(error_of(blank.to_property_string()).find("qemu_disk.volume"), std::string::npos);
    EXPECT_NE(error_of(qemu_disk::parse("file=\t,iothread=1")).find("qemu_disk.volume"), std::string::npos);
}

TEST(IpConfig, StaticDhcpAndIpv6) {
    EXPECT_EQ(text_of(ip_config{.ip = "192.168.1.50/24", .gw = "192.168.1.1"}.to_property_string()),
              "gw=192.168.1.1,ip=192.168.1.50/24");
    EXPECT_EQ(text_of(ip_config::dhcp().to_property_string()), "ip=dhcp");
    EXPECT_EQ(text_of(ip_config{.ip = {}, .gw = {}, .ip6 = "2001:db8::5/64", .gw6 = "2001:db8::1"}
                          .to_property_string()),
              "gw6=2001:db8::1,ip6=2001:db8::5/64");
    auto parsed = ip_config::parse("ip=10.0.0.5/8,gw=10.0.0.1");
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->ip, "10.0.0.5/8");
    EXPECT_EQ(parsed->gw, "10.0.0.1");

    EXPECT_NE(error_of(ip_config{.ip = "192.168.1.50"}.to_property_string()).find("ip_config.ip"),
              std::string::npos);
    EXPECT_NE(error_of(ip_config{.ip = "192.168.1.50/33"}.to_property_string()).find("ip_config.ip"),
              std::string::npos);
    EXPECT_NE(error_of(ip_config{.ip = "300.1.1.1/24"}.to_property_string()).find("ip_config.ip"),
              std::string::npos);
    EXPECT_NE(error_of(ip_config{.ip = "dhcp", .gw = "gateway"}.to_property_string()).find("ip_config.gw"),
              std::string::npos);
    EXPECT_NE(error_of(ip_config{.ip = {}, .gw = "10.0.0.1"}.to_property_string())
                  .find("ip_config.gw: a gateway needs an ip"),
              std::string::npos);
    EXPECT_NE(error_of(ip_config{}.to_property_string()).find("set ip or ip6"), std::string::npos);
}

TEST(LxcNic, BuildsAndParses) {
    lxc_nic nic;
    nic.ip = "192.168.1.60/24";
    nic.gw = "192.168.1.1";
    nic.firewall = true;
    EXPECT_EQ(text_of(nic.to_property_string()),
              "name=eth0,bridge=vmbr0,firewall=1,gw=192.168.1.1,ip=192.168.1.60/24,type=veth");
    auto parsed =
        lxc_nic::parse("name=eth0,bridge=vmbr0,firewall=1,hwaddr=BC:24:11:00:00:02,ip=dhcp,type=veth");
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(parsed->hwaddr, "BC:24:11:00:00:02");
    EXPECT_EQ(parsed->ip, "dhcp");
    EXPECT_EQ(text_of(parsed->to_property_string()),
              "name=eth0,bridge=vmbr0,firewall=1,hwaddr=BC:24:11:00:00:02,ip=dhcp,type=veth");
    EXPECT_NE(error_of(lxc_nic::parse("bridge=vmbr0")).find("lxc_nic.name"), std::string::npos);
    lxc_nic small_mtu;
    small_mtu.mtu = 20;
    EXPECT_NE(error_of(small_mtu.to_property_string()).find("lxc_nic.mtu"), std::string::npos);
}

} // namespace
