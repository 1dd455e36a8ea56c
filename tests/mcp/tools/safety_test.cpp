// The safety model across every write tool, as an agent meets it: without confirm nothing is
// written, dry_run previews with reads only, read-only mode lists and runs only reading tools,
// allow-lists refuse and hide, and executed writes leave an audit line. The simulator's request
// log proves "nothing was written".
#include "tool_fixture.hpp"

#include <boost/json/parse.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace {

namespace json = boost::json;
using proxmox::mcp::testing::is_error;
using proxmox::mcp::testing::text_of;
using proxmox::mcp::testing::tool_fixture;

/// Arguments that target something real in the simulated cluster, for every write tool.
const std::map<std::string, json::object>& sample_arguments() {
    static const std::map<std::string, json::object> args{
        {"proxmox-clone-vm", {{"source_vmid", 9000}, {"new_vmid", 150}, {"name", "clone1"}}},
        {"proxmox-create-vm", {{"vmid", 151}, {"name", "new1"}}},
        {"proxmox-delete-vm", {{"vmid", 101}}},
        {"proxmox-start-vm", {{"vmid", 101}}},
        {"proxmox-stop-vm", {{"vmid", 100}}},
        {"proxmox-reboot-vm", {{"vmid", 100}}},
        {"proxmox-shutdown-vm", {{"vmid", 100}}},
        {"proxmox-migrate-vm", {{"vmid", 101}, {"target_node", "pve"}}},
        {"proxmox-resize-vm-disk", {{"vmid", 101}, {"disk", "scsi0"}, {"grow_gb", 1}}},
        {"proxmox-configure-vm", {{"vmid", 101}, {"params", json::object{{"cores", 4}}}}},
        {"proxmox-create-lxc",
         {{"vmid", 250},
          {"hostname", "ct1"},
          {"ostemplate", "local:vztmpl/debian-13-standard_13.1-2_amd64.tar.zst"}}},
        {"proxmox-delete-lxc", {{"vmid", 202}}},
        {"proxmox-start-lxc", {{"vmid", 200}}},
        {"proxmox-stop-lxc", {{"vmid", 200}}},
        {"proxmox-configure-lxc", {{"vmid", 200}, {"params", json::object{{"cores", 3}}}}},
        {"proxmox-cloudinit-set", {{"vmid", 101}, {"ciuser", "admin"}, {"cipassword", "pw-secret-1"}}},
        {"proxmox-vm-nic-add", {{"vmid", 101}}},
        {"proxmox-vm-nic-remove", {{"vmid", 101}, {"slot", 0}}},
        {"proxmox-vm-firewall-set", {{"vmid", 101}, {"enable", true}}},
        {"proxmox-upload-iso", {{"file_path", "/tmp/x.iso"}}},
        {"proxmox-upload-template", {{"file_path", "/tmp/x.tar.zst"}}},
        {"proxmox-template-vm", {{"vmid", 101}}},
        {"proxmox-create-snapshot", {{"vmid", 101}, {"snapname", "s1"}}},
        {"proxmox-delete-snapshot", {{"vmid", 101}, {"snapname", "s1"}}},
        {"proxmox-rollback-snapshot", {{"vmid", 101}, {"snapname", "s1"}}},
        {"proxmox-backup-vm", {{"vmid", 101}}},
        {"proxmox-restore-vm",
         {{"vmid", 152}, {"archive", "local:backup/vzdump-qemu-101-2026_01_01-00_00_00.vma.zst"}}},
        {"proxmox-create-pool", {{"poolid", "p1"}}},
        {"proxmox-delete-pool", {{"poolid", "p1"}}},
        {"proxmox-pool-add", {{"poolid", "p1"}, {"vmid", 101}}},
        {"proxmox-pool-remove", {{"poolid", "p1"}, {"vmid", 101}}},
        {"proxmox-assign-permission", {{"path", "/vms/101"}, {"roles", "PVEVMUser"}, {"users", "root@pam"}}},
        {"proxmox-guest-exec", {{"vmid", 100}, {"command", "uptime"}}},
    };
    return args;
}

class SafetyTools : public tool_fixture {
protected:
    void tune(proxmox::sim::options& o) override {
        tool_fixture::tune(o);
        if (test_is("AWaitThatTimesOutNamesTheUpidToFollow"))
            o.task_seconds = 3;
        if (test_is("ListingTenThousandGuestsAnswersAPageWithin8KB")) {
            o.nodes = 32;
            o.guests = 10000;
        }
    }

    /// The listed write and destructive tools with their sample arguments; fails for a write
    /// tool without sample arguments, so a new tool cannot skip these tests.
    std::vector<std::pair<std::string, json::object>> write_tools() {
        std::vector<std::pair<std::string, json::object>> out;
        for (const auto& [name, tool] : listed()) {
            if (tool.at("annotations").at("readOnlyHint").as_bool())
                continue;
            auto it = sample_arguments().find(name);
            if (it == sample_arguments().end()) {
                ADD_FAILURE() << name << " has no sample arguments in safety_test.cpp";
                continue;
            }
            out.emplace_back(name, it->second);
        }
        return out;
    }
};

TEST_F(SafetyTools, WithoutConfirmNoToolWritesAndEachShowsWhatItWouldDo) {
    start_server({{"PROXMOX_ALLOW_GUEST_EXEC", "true"}});
    ok("proxmox-create-pool", {{"poolid", "p1"}, {"confirm", true}}); // so the pool tools reach their plan
    auto tools = write_tools();
    EXPECT_GE(tools.size(), 30u);
    server().clear_request_log();
    for (const auto& [name, args] : tools) {
        SCOPED_TRACE(name);
        auto r = call(name.c_str(), args);
        const auto text = text_of(r);
        EXPECT_EQ(text.find("pw-secret-1"), std::string::npos) << "a secret was echoed: " << text;
        if (!is_error(r)) { // only a guest already in the wanted state answers without confirm
            EXPECT_EQ(r.at("structuredContent").at("already"), true) << text;
            continue;
        }
        EXPECT_NE(text.find("Nothing was sent"), std::string::npos) << text;
    }
    auto sent = writes();
    EXPECT_TRUE(sent.empty()) << sent.front().method << " " << sent.front().path;
}

TEST_F(SafetyTools, DryRunChecksWithReadsOnlyAndListsTheRequests) {
    start_server({{"PROXMOX_ALLOW_GUEST_EXEC", "true"}});
    server().clear_request_log();
    std::size_t previews = 0;
    for (auto [name, args] : write_tools()) {
        SCOPED_TRACE(name);
        args["dry_run"] = true;
        auto r = call(name.c_str(), args);
        if (is_error(r)) { // refused before planning (e.g. uploads without PROXMOX_UPLOAD_DIR)
            EXPECT_FALSE(text_of(r).empty());
            continue;
        }
        ++previews;
        const auto& out = r.at("structuredContent").as_object();
        if (out.contains("already"))
            continue; // already in the wanted state: nothing to preview
        EXPECT_EQ(out.at("dry_run"), true) << json::serialize(out);
        EXPECT_FALSE(out.at("summary").as_string().empty());
        EXPECT_TRUE(out.at("checks").is_array());
        ASSERT_TRUE(out.at("requests").is_array());
        EXPECT_FALSE(out.at("requests").as_array().empty()) << json::serialize(out);
        for (const auto& req : out.at("requests").as_array()) {
            EXPECT_NE(req.at("method"), "GET");
            EXPECT_EQ(std::string(req.at("path").as_string()).substr(0, 1), "/");
        }
        EXPECT_EQ(json::serialize(out).find("pw-secret-1"), std::string::npos) << "secrets are redacted";
    }
    EXPECT_GE(previews, 25u);
    auto sent = writes();
    EXPECT_TRUE(sent.empty()) << sent.front().method << " " << sent.front().path;
}

TEST_F(SafetyTools, ReadOnlyModeListsOnlyReadersAndRefusesEveryWrite) {
    start_server({{"PROXMOX_READ_ONLY", "true"}, {"PROXMOX_ALLOW_GUEST_EXEC", "true"}});
    for (const auto& [name, tool] : listed())
        EXPECT_TRUE(tool.at("annotations").at("readOnlyHint").as_bool())
            << name << " is listed in read-only mode";
    EXPECT_GE(listed().size(), 18u);
    server().clear_request_log();
    for (const auto& [name, sample] : sample_arguments()) {
        SCOPED_TRACE(name);
        auto args = sample;
        args["confirm"] = true;
        auto text = err(name.c_str(), args);
        EXPECT_NE(text.find("PROXMOX_READ_ONLY"), std::string::npos) << text;
    }
    EXPECT_TRUE(writes().empty());
    auto vms = ok("proxmox-list-vms");
    EXPECT_GE(vms.at("total").as_int64(), 3);
}

TEST_F(SafetyTools, AllowListsRefuseNamingTheSettingAndHideTheRest) {
    start_server({{"PROXMOX_ALLOWED_NODES", "pve"}, {"PROXMOX_ALLOWED_VMIDS", "100-199"}});
    auto nodes = ok("proxmox-list-nodes");
    ASSERT_EQ(nodes.at("nodes").as_array().size(), 1u);
    EXPECT_EQ(nodes.at("nodes").at(0).at("node"), "pve");
    const auto vms = ok("proxmox-list-vms");
    for (const auto& vm : vms.at("vms").as_array()) {
        EXPECT_EQ(vm.at("node"), "pve");
        EXPECT_LT(vm.at("vmid").as_int64(), 200);
    }
    server().clear_request_log();
    auto on_other_node = err("proxmox-start-vm", {{"vmid", 101}, {"confirm", true}}); // 101 is on pve2
    EXPECT_NE(on_other_node.find("PROXMOX_ALLOWED_NODES"), std::string::npos) << on_other_node;
    auto template_vm = err("proxmox-start-vm", {{"vmid", 9000}, {"confirm", true}});
    EXPECT_NE(template_vm.find("PROXMOX_ALLOWED_VMIDS"), std::string::npos) << template_vm;
    auto status = err("proxmox-node-status", {{"node", "pve2"}});
    EXPECT_NE(status.find("PROXMOX_ALLOWED_NODES"), std::string::npos) << status;
    EXPECT_TRUE(writes().empty());
}

TEST_F(SafetyTools, ExecutedWritesLeaveOneAuditLineEach) {
    auto dir = std::filesystem::temp_directory_path() / ("mcp-audit-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto log = (dir / "audit.log").string();
    start_server({{"PROXMOX_AUDIT_LOG", log}});
    err("proxmox-start-vm", {{"vmid", 101}}); // not confirmed: no audit line
    auto started = ok("proxmox-start-vm", {{"vmid", 101}, {"confirm", true}, {"wait", true}});
    ok("proxmox-list-vms");
    std::ifstream in(log);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    ASSERT_EQ(lines.size(), 1u);
    auto entry = json::parse(lines[0]).as_object();
    EXPECT_EQ(entry.at("tool"), "proxmox-start-vm");
    EXPECT_EQ(entry.at("outcome"), "ok");
    EXPECT_EQ(entry.at("target").at("vmid"), 101);
    EXPECT_EQ(entry.at("upid"), started.at("upid"));
    std::filesystem::remove_all(dir);
}

TEST_F(SafetyTools, ListingTenThousandGuestsAnswersAPageWithin8KB) {
    auto r = call("proxmox-list-vms");
    ASSERT_FALSE(is_error(r)) << text_of(r);
    const auto& out = r.at("structuredContent").as_object();
    const auto bytes = json::serialize(out).size();
    std::printf(
        "proxmox-list-vms on 32 nodes / 10000 guests: %zu of %lld VMs, result %zu bytes (the text block "
        "repeats it: %zu bytes in all)\n",
        out.at("vms").as_array().size(), static_cast<long long>(out.at("total").as_int64()), bytes,
        json::serialize(r).size());
    EXPECT_EQ(out.at("vms").as_array().size(), 50u);
    EXPECT_GT(out.at("total").as_int64(), 1000);
    EXPECT_EQ(out.at("next_offset"), 50);
    EXPECT_LE(bytes, 8u * 1024);
    auto next =
        ok("proxmox-list-vms", {{"offset", 50}, {"limit", 10}, {"fields", json::array{"vmid", "maxdisk"}}});
    ASSERT_EQ(next.at("vms").as_array().size(), 10u);
    EXPECT_EQ(next.at("vms").at(0).as_object().size(), 2u);
    EXPECT_TRUE(next.at("vms").at(0).as_object().contains("maxdisk"));
}

TEST_F(SafetyTools, ASelectorWhoseVmidAndNameDisagreeShowsBothGuests) {
    auto text = err("proxmox-start-vm", {{"vmid", 101}, {"name", "web01"}, {"confirm", true}});
    EXPECT_NE(text.find("db01"), std::string::npos) << text;
    EXPECT_NE(text.find("web01"), std::string::npos) << text;
    EXPECT_NE(text.find("100"), std::string::npos) << "names the guest called web01: " << text;
    EXPECT_TRUE(writes().empty());
}

TEST_F(SafetyTools, AContainerVmidNamesTheContainerTool) {
    auto text = err("proxmox-start-vm", {{"vmid", 200}, {"confirm", true}});
    EXPECT_NE(text.find("container"), std::string::npos) << text;
    EXPECT_NE(text.find("proxmox-start-lxc"), std::string::npos) << text;
}

TEST_F(SafetyTools, StartingARunningGuestOrStoppingAStoppedOneIsAnIdempotentSuccess) {
    server().clear_request_log();
    auto running = ok("proxmox-start-vm", {{"vmid", 100}, {"confirm", true}});
    EXPECT_EQ(running.at("already"), true);
    auto stopped = ok("proxmox-stop-vm", {{"vmid", 101}, {"confirm", true}});
    EXPECT_EQ(stopped.at("already"), true);
    EXPECT_TRUE(writes().empty()) << "no task for a guest already in that state";
}

TEST_F(SafetyTools, AFailedTaskIsAnErrorWithExitStatusAndLogTail) {
    // PVE starts the task and fails it when the VM holds a config lock.
    ok("proxmox-configure-vm",
       {{"vmid", 101}, {"params", json::object{{"lock", "backup"}}}, {"confirm", true}, {"wait", true}});
    auto r = call("proxmox-start-vm", {{"vmid", 101}, {"confirm", true}, {"wait", true}});
    ASSERT_TRUE(is_error(r)) << json::serialize(r);
    const auto text = text_of(r);
    EXPECT_NE(text.find("VM is locked (backup)"), std::string::npos) << text;
    EXPECT_NE(text.find("\"exitstatus\""), std::string::npos) << text;
    EXPECT_NE(text.find("\"log_tail\""), std::string::npos) << text;
    EXPECT_NE(text.find("\"upid\""), std::string::npos) << text;
}

TEST_F(SafetyTools, AWaitThatTimesOutNamesTheUpidToFollow) {
    // tune() makes tasks of this test run 3 s.
    auto r = call("proxmox-start-vm", {{"vmid", 101}, {"confirm", true}, {"wait", true}, {"timeout", 1}});
    ASSERT_TRUE(is_error(r)) << json::serialize(r);
    EXPECT_NE(text_of(r).find("proxmox-wait-task"), std::string::npos) << text_of(r);
    EXPECT_NE(text_of(r).find("UPID:"), std::string::npos) << text_of(r);
}

} // namespace
