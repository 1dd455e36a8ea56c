// End to end over stdio, as an agent works: whole workflows through proxmox-mcp against the
// simulator, each step confirmed and waited for, the state read back through the tools.
#include "tool_fixture.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <string>

namespace {

namespace json = boost::json;
using proxmox::mcp::testing::tool_fixture;

class Scenario : public tool_fixture {
protected:
    /// A write with confirm (and wait, for a tool that starts a task); its task must end OK.
    json::object step(const char* tool, json::object args, bool starts_a_task = true) {
        args["confirm"] = true;
        if (starts_a_task)
            args["wait"] = true;
        auto out = ok(tool, std::move(args));
        if (const auto* task = out.if_contains("task")) {
            EXPECT_EQ(task->at("exitstatus"), "OK") << tool << ": " << json::serialize(out);
        }
        return out;
    }

    /// The guest's entry in proxmox-list-vms / -list-lxc, or null.
    json::value listed_guest(const char* tool, std::int64_t vmid) {
        auto list = ok(tool, {{"limit", 1000}});
        const char* key = std::string(tool) == "proxmox-list-vms" ? "vms" : "containers";
        for (const auto& g : list.at(key).as_array())
            if (g.at("vmid").to_number<std::int64_t>() == vmid)
                return g;
        return nullptr;
    }

    std::string status_of(const char* tool, std::int64_t vmid) {
        auto g = listed_guest(tool, vmid);
        return g.is_null() ? "<missing>" : std::string(g.at("status").as_string());
    }
};

TEST_F(Scenario, AVmFromTemplateToRestoredCopyAndBack) {
    // clone the template
    step("proxmox-clone-vm", {{"source_vmid", 9000}, {"new_vmid", 150}, {"name", "web-new"}, {"full", true}});
    ASSERT_EQ(status_of("proxmox-list-vms", 150), "stopped");

    // cloud-init, a second NIC, the guest agent
    step("proxmox-cloudinit-set",
         {{"vmid", 150}, {"ciuser", "admin"}, {"ipconfig0", "ip=10.0.0.50/24,gw=10.0.0.1"}}, false);
    auto nic = step("proxmox-vm-nic-add", {{"vmid", 150}, {"bridge", "vmbr0"}}, false);
    const std::string slot(nic.at("nic").as_string());
    step("proxmox-configure-vm", {{"vmid", 150}, {"params", json::object{{"agent", "1"}}}});
    auto info = ok("proxmox-vm-info", {{"vmid", 150}});
    EXPECT_NE(json::serialize(info).find(slot), std::string::npos) << json::serialize(info);
    EXPECT_NE(json::serialize(info).find("10.0.0.50"), std::string::npos) << json::serialize(info);

    // start, snapshot, change, roll back
    step("proxmox-start-vm", {{"vmid", 150}});
    EXPECT_EQ(status_of("proxmox-list-vms", 150), "running");
    step("proxmox-create-snapshot", {{"vmid", 150}, {"snapname", "before"}});
    step("proxmox-configure-vm", {{"vmid", 150}, {"params", json::object{{"description", "changed"}}}});
    step("proxmox-rollback-snapshot", {{"vmid", 150}, {"snapname", "before"}});
    auto snaps = ok("proxmox-list-snapshots", {{"vmid", 150}});
    EXPECT_NE(json::serialize(snaps).find("before"), std::string::npos) << json::serialize(snaps);

    // the agent knows the guest's addresses: an Ansible inventory
    if (status_of("proxmox-list-vms", 150) != "running")
        step("proxmox-start-vm", {{"vmid", 150}});
    auto host = ok("proxmox-register-vm-as-host", {{"vmid", 150}});
    const std::string address(host.at("ansible_host").as_string());
    EXPECT_FALSE(address.empty());
    EXPECT_NE(address.rfind("127.", 0), 0u) << address;

    // stop, back up, restore as a new vmid, delete both
    step("proxmox-stop-vm", {{"vmid", 150}, {"hard", true}});
    EXPECT_EQ(status_of("proxmox-list-vms", 150), "stopped");
    auto backup = step("proxmox-backup-vm", {{"vmid", 150}, {"mode", "stop"}});
    const std::string archive(backup.at("archive").as_string());
    auto content =
        ok("proxmox-storage-content", {{"node", "pve"}, {"storage", "local"}, {"content", "backup"}});
    EXPECT_NE(json::serialize(content).find(archive), std::string::npos) << archive;
    step("proxmox-restore-vm", {{"node", "pve"}, {"vmid", 151}, {"archive", archive}});
    EXPECT_EQ(status_of("proxmox-list-vms", 151), "stopped");
    step("proxmox-delete-vm", {{"vmid", 151}});
    step("proxmox-delete-vm", {{"vmid", 150}});
    EXPECT_TRUE(listed_guest("proxmox-list-vms", 150).is_null());
    EXPECT_TRUE(listed_guest("proxmox-list-vms", 151).is_null());
}

TEST_F(Scenario, AContainerFromCreateToDelete) {
    step("proxmox-create-lxc", {{"vmid", 260},
                                {"hostname", "ct-new"},
                                {"ostemplate", "local:vztmpl/debian-13-standard_13.1-2_amd64.tar.zst"},
                                {"node", "pve"}});
    EXPECT_EQ(status_of("proxmox-list-lxc", 260), "stopped");
    step("proxmox-start-lxc", {{"vmid", 260}});
    EXPECT_EQ(status_of("proxmox-list-lxc", 260), "running");
    step("proxmox-stop-lxc", {{"vmid", 260}});
    EXPECT_EQ(status_of("proxmox-list-lxc", 260), "stopped");
    step("proxmox-delete-lxc", {{"vmid", 260}});
    EXPECT_TRUE(listed_guest("proxmox-list-lxc", 260).is_null());
}

TEST_F(Scenario, APoolWithAGuestAndAPermissionOnIt) {
    step("proxmox-create-pool", {{"poolid", "lab"}, {"comment", "agent lab"}}, false);
    step("proxmox-pool-add", {{"poolid", "lab"}, {"vmid", 101}}, false);
    auto pools = ok("proxmox-list-pools");
    EXPECT_NE(json::serialize(pools).find("101"), std::string::npos) << json::serialize(pools);
    step("proxmox-assign-permission",
         {{"path", "/pool/lab"},
          {"roles", json::array{"PVEVMUser"}},
          {"users", "root@pam"},
          {"propagate", true}},
         false);
    // the pool now scopes an allow-list: a server limited to it sees only its guest
    start_server({{"PROXMOX_ALLOWED_POOLS", "lab"}});
    auto vms = ok("proxmox-list-vms");
    ASSERT_EQ(vms.at("vms").as_array().size(), 1u) << json::serialize(vms);
    EXPECT_EQ(vms.at("vms").at(0).at("vmid"), 101);
    start_server();
    step("proxmox-pool-remove", {{"poolid", "lab"}, {"vmid", 101}}, false);
    step("proxmox-delete-pool", {{"poolid", "lab"}}, false);
    EXPECT_EQ(json::serialize(ok("proxmox-list-pools")).find("\"lab\""), std::string::npos);
}

} // namespace
