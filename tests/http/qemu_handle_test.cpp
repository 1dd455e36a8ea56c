// qemu_handle against the simulated cluster: typed reads, config writes, cloud-init, power,
// lifecycle tasks and the checks that run before anything is sent.

#include "sdk_sim_fixture.hpp"

#include <proxmox/client.hpp>

using namespace proxmox;
using namespace std::chrono_literals;

namespace {

std::string vm_path(const qemu_handle& h) {
    return "/nodes/" + h.node() + "/qemu/" + std::to_string(h.vmid());
}

class QemuHandle : public proxmox::testing::sdk_sim_fixture {
protected:
    static task_wait_options quick() {
        task_wait_options o;
        o.timeout = 10s;
        o.initial_interval = 10ms;
        o.max_interval = 50ms;
        return o;
    }

    qemu_handle vm(blocking_client& pve, std::string_view status) {
        auto g = vm_in(pve, status);
        return pve.async().node(g.node).qemu(g.vmid);
    }
};

TEST_F(QemuHandle, StatusIsTyped) {
    blocking_client pve(token_options());
    auto running = pve.run(vm(pve, "running").async_status());
    ASSERT_TRUE(running) << running.error().to_string();
    EXPECT_TRUE(running->running());
    EXPECT_EQ(running->qmpstatus, "running");
    EXPECT_TRUE(running->pid.has_value());
    EXPECT_GT(running->uptime, 0u);
    EXPECT_GT(running->cpus, 0u);
    EXPECT_GT(running->maxmem, running->mem);
    EXPECT_FALSE(running->name.empty());
    EXPECT_TRUE(running->raw.contains("ha"));

    auto stopped = pve.run(vm(pve, "stopped").async_status());
    ASSERT_TRUE(stopped) << stopped.error().to_string();
    EXPECT_EQ(stopped->status, "stopped");
    EXPECT_FALSE(stopped->pid.has_value());
    EXPECT_EQ(stopped->uptime, 0u);

    auto missing = pve.run(pve.async().node("pve").qemu(4242).async_status());
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().http_status, 500u) << missing.error().to_string();
}

TEST_F(QemuHandle, ConfigHasEveryKeyAndTypedViews) {
    blocking_client pve(token_options());
    auto g = vm_in(pve, "running");
    auto config = pve.run(pve.async().node(g.node).qemu(g.vmid).async_config());
    ASSERT_TRUE(config) << config.error().to_string();
    EXPECT_FALSE(config->digest().empty());
    EXPECT_FALSE(config->contains("digest"));
    EXPECT_EQ(config->name(), g.name);
    EXPECT_EQ(config->cores(), g.cpus);
    EXPECT_EQ(config->sockets(), 1u);
    EXPECT_EQ(config->memory_mib(), g.maxmem / (1024 * 1024));
    auto nets_read = config->nets();
    ASSERT_TRUE(nets_read) << nets_read.error().to_string();
    auto& nets = *nets_read;
    ASSERT_EQ(nets.count(0), 1u);
    EXPECT_EQ(nets[0].bridge, "vmbr0");
    EXPECT_EQ(nets[0].macaddr.substr(0, 8), "BC:24:11");
    auto disks_read = config->disks();
    ASSERT_TRUE(disks_read) << disks_read.error().to_string();
    auto& disks = *disks_read;
    ASSERT_EQ(disks.count("scsi0"), 1u);
    EXPECT_TRUE(disks["scsi0"].size.has_value());
    ASSERT_EQ(disks.count("ide2"), 1u);
    EXPECT_EQ(disks["ide2"].media, "cdrom");
    EXPECT_FALSE(config->is_template());
    // the order PVE sent, numbers as text
    ASSERT_FALSE(config->entries().empty());
    EXPECT_EQ(config->get("cores"), std::to_string(g.cpus));

    auto tmpl = pve.run(pve.async().node("pve").qemu(9000).async_config());
    ASSERT_TRUE(tmpl) << tmpl.error().to_string();
    EXPECT_TRUE(tmpl->is_template());
}

TEST_F(QemuHandle, UpdateIsVisibleInTheNextRead) {
    blocking_client pve(token_options());
    auto handle = vm(pve, "stopped");
    qemu_config_update u;
    u.set("cores", "3").set("tags", "lab;sdk").remove("ide2");
    u.set_nic(2, qemu_nic{.model = "e1000",
                          .macaddr = {},
                          .bridge = "vmbr0",
                          .firewall = {},
                          .tag = 20u,
                          .mtu = {},
                          .queues = {},
                          .rate = {},
                          .link_down = {},
                          .other = {}});
    ASSERT_FALSE(u.problem());
    auto done = pve.run(handle.async_update_config(u));
    ASSERT_TRUE(done) << done.error().to_string();
    EXPECT_EQ(count("PUT", vm_path(handle) + "/config"), 1u);

    auto config = pve.run(handle.async_config());
    ASSERT_TRUE(config) << config.error().to_string();
    EXPECT_EQ(config->cores(), 3u);
    EXPECT_EQ(config->tags(), (std::vector<std::string>{"lab", "sdk"}));
    EXPECT_FALSE(config->contains("ide2"));
    auto nets_read = config->nets();
    ASSERT_TRUE(nets_read) << nets_read.error().to_string();
    auto& nets = *nets_read;
    ASSERT_EQ(nets.count(2), 1u);
    EXPECT_EQ(nets[2].model, "e1000");
    EXPECT_EQ(nets[2].tag, 20u);
    EXPECT_FALSE(nets[2].macaddr.empty()); // PVE generated one

    // the cluster view follows
    auto listed = pve.run(pve.async().cluster().async_resources(resource_filter::vm));
    ASSERT_TRUE(listed);
    auto it =
        std::find_if(listed->begin(), listed->end(), [&](const auto& r) { return r.vmid == handle.vmid(); });
    ASSERT_NE(it, listed->end());
    EXPECT_EQ(it->maxcpu, 3u);
}

TEST_F(QemuHandle, UpdateViaTaskWaitsForQmconfig) {
    blocking_client pve(token_options());
    auto handle = vm(pve, "stopped");
    qemu_config_update u;
    u.set_disk("scsi1", qemu_disk::new_disk("local-lvm", 4));
    u.via_task = true;
    auto done = pve.run(handle.async_update_config(u));
    ASSERT_TRUE(done) << done.error().to_string();
    EXPECT_EQ(count("POST", vm_path(handle) + "/config"), 1u);
    auto config = pve.run(handle.async_config());
    ASSERT_TRUE(config);
    auto disks_read = config->disks();
    ASSERT_TRUE(disks_read) << disks_read.error().to_string();
    auto& disks = *disks_read;
    ASSERT_EQ(disks.count("scsi1"), 1u);
    EXPECT_EQ(disks["scsi1"].size, "4G");
}

TEST_F(QemuHandle, StaleDigestConflicts) {
    blocking_client pve(token_options());
    auto handle = vm(pve, "stopped");
    auto before = pve.run(handle.async_config());
    ASSERT_TRUE(before);
    qemu_config_update first;
    first.set("description", "first");
    first.digest = before->digest();
    ASSERT_TRUE(pve.run(handle.async_update_config(first)));

    qemu_config_update second;
    second.set("description", "second");
    second.digest = before->digest(); // stale now
    auto refused = pve.run(handle.async_update_config(second));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, errc::server_error);
    EXPECT_NE(refused.error().message.find("checksum mismatch"), std::string::npos)
        << refused.error().to_string();
    auto after = pve.run(handle.async_config());
    ASSERT_TRUE(after);
    EXPECT_EQ(after->get("description"), "first");
}

TEST_F(QemuHandle, BadInputIsRejectedBeforeSending) {
    blocking_client pve(token_options());
    auto handle = pve.async().node("pve").qemu(100);
    auto expect_invalid = [&](auto r, std::string_view mentions) {
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, errc::invalid_argument);
        EXPECT_NE(r.error().message.find(mentions), std::string::npos) << r.error().message;
    };
    expect_invalid(pve.run(handle.async_update_config(qemu_config_update{})), "empty");
    qemu_config_update bad_key;
    bad_key.set("Cores!", "2");
    expect_invalid(pve.run(handle.async_update_config(bad_key)), "Cores!");
    qemu_config_update bad_nic;
    bad_nic.set_nic(0, qemu_nic{.model = "virtio",
                                .macaddr = {},
                                .bridge = "vmbr0",
                                .firewall = {},
                                .tag = 5000u,
                                .mtu = {},
                                .queues = {},
                                .rate = {},
                                .link_down = {},
                                .other = {}});
    expect_invalid(pve.run(handle.async_update_config(bad_nic)), "tag");
    qemu_config_update both;
    both.set("cores", "2").remove("cores");
    expect_invalid(pve.run(handle.async_update_config(both)), "both");
    qemu_config_update bad_digest;
    bad_digest.set("cores", "2");
    bad_digest.digest = "not-a-digest";
    expect_invalid(pve.run(handle.async_update_config(bad_digest)), "digest");
    expect_invalid(pve.run(pve.async().node("").qemu(100).async_status()), "node");
    expect_invalid(pve.run(pve.async().node("pve").qemu(42).async_config()), "vmid 42");
    expect_invalid(pve.run(handle.async_resize_disk("scsi0", "10X")), "10X");
    expect_invalid(pve.run(handle.async_resize_disk("scsi99", "+1G")), "scsi99");
    expect_invalid(pve.run(handle.async_migrate({})), "target");
    qemu_migrate_options here;
    here.target = "pve";
    expect_invalid(pve.run(handle.async_migrate(here)), "pve");
    qemu_clone_options bad_name;
    bad_name.name = "no spaces";
    expect_invalid(pve.run(handle.async_clone(bad_name)), "no spaces");
    expect_invalid(pve.run(handle.async_remove_nic(32)), "32");
    cloudinit_settings bad_key_text;
    bad_key_text.sshkeys = std::vector<std::string>{"not-a-key"};
    expect_invalid(pve.run(handle.async_set_cloudinit(bad_key_text)), "not-a-key");
    expect_invalid(pve.run(handle.async_set_cloudinit({})), "empty");
    expect_invalid(pve.run(handle.async_shutdown(qemu_shutdown_options{.timeout = std::chrono::seconds(-1)})),
                   "negative");
    EXPECT_TRUE(server().request_log().empty());
}

TEST_F(QemuHandle, NicsAreAddedAtTheLowestFreeIndex) {
    blocking_client pve(token_options());
    auto handle = vm(pve, "stopped");
    auto first = pve.run(handle.async_add_nic(qemu_nic{}));
    ASSERT_TRUE(first) << first.error().to_string();
    EXPECT_EQ(*first, 1); // net0 exists
    auto second = pve.run(handle.async_add_nic(qemu_nic{}));
    ASSERT_TRUE(second);
    EXPECT_EQ(*second, 2);
    ASSERT_TRUE(pve.run(handle.async_remove_nic(1)));
    auto config = pve.run(handle.async_config());
    ASSERT_TRUE(config);
    EXPECT_FALSE(config->contains("net1"));
    EXPECT_TRUE(config->contains("net2"));
    auto refill = pve.run(handle.async_add_nic(qemu_nic{}));
    ASSERT_TRUE(refill);
    EXPECT_EQ(*refill, 1);

    auto absent = pve.run(handle.async_remove_nic(7));
    ASSERT_FALSE(absent);
    EXPECT_EQ(absent.error().code, errc::not_found);
}

TEST_F(QemuHandle, CloudInitSettingsReachTheDrive) {
    blocking_client pve(token_options());
    // IDE drives are not hot-plugged: add the cloud-init drive while the VM is stopped
    auto handle = vm(pve, "stopped");
    qemu_config_update drive;
    drive.set_disk("ide0", qemu_disk::cdrom("local-lvm:cloudinit"));
    ASSERT_TRUE(pve.run(handle.async_update_config(drive)));
    auto started = pve.run(handle.async_start());
    ASSERT_TRUE(started) << started.error().to_string();
    ASSERT_TRUE(pve.run(started->async_wait(quick())));

    cloudinit_settings ci;
    ci.ciuser = "admin";
    ci.cipassword = "s3cret";
    ci.sshkeys = std::vector<std::string>{"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB+key1 alice@laptop",
                                          "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ== bob@host"};
    ci.nameserver = "1.1.1.1 9.9.9.9";
    ci.ipconfig[0] = ip_config{.ip = "10.0.0.5/24", .gw = "10.0.0.1", .ip6 = {}, .gw6 = {}};
    auto done = pve.run(handle.async_set_cloudinit(ci));
    ASSERT_TRUE(done) << done.error().to_string();

    auto config = pve.run(handle.async_config());
    ASSERT_TRUE(config);
    EXPECT_EQ(config->get("ciuser"), "admin");
    EXPECT_NE(config->get("cipassword"), "s3cret"); // PVE stores a hash
    EXPECT_EQ(decode_ssh_keys(config->get("sshkeys").value_or("")), *ci.sshkeys);
    auto ipconfigs = config->ipconfigs();
    ASSERT_TRUE(ipconfigs);
    ASSERT_EQ(ipconfigs->count(0), 1u);
    EXPECT_EQ(ipconfigs->at(0).gw, "10.0.0.1");

    const auto base = vm_path(handle) + "/cloudinit";
    auto user_data = pve.run(pve.async().async_request(http_method::get, base + "/dump", {{"type", "user"}}));
    ASSERT_TRUE(user_data);
    EXPECT_NE(user_data->data.as_string().find("  - ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ== bob@host"),
              std::string::npos)
        << user_data->data.as_string();

    auto pending = pve.run(pve.async().async_request(http_method::get, base));
    ASSERT_TRUE(pending);
    auto has_pending = [](const api_response& r) {
        for (const auto& item : r.data.as_array())
            if (item.as_object().contains("pending"))
                return true;
        return false;
    };
    EXPECT_TRUE(has_pending(*pending)); // running VM: the drive still has the old values
    ASSERT_TRUE(pve.run(handle.async_regenerate_cloudinit()));
    auto regenerated = pve.run(pve.async().async_request(http_method::get, base));
    ASSERT_TRUE(regenerated);
    EXPECT_FALSE(has_pending(*regenerated));

    cloudinit_settings clear;
    clear.ciuser = "";
    ASSERT_TRUE(pve.run(handle.async_set_cloudinit(clear)));
    auto cleared = pve.run(handle.async_config());
    ASSERT_TRUE(cleared);
    EXPECT_FALSE(cleared->contains("ciuser"));
}

} // namespace
