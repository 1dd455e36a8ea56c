// Tools of the discovery family against the simulator (see tool_fixture.hpp): guest details,
// bridges, firewall, storages, tasks and metrics. All of them read: no test may see a write
// that the test itself did not cause.
#include "tool_fixture.hpp"

#include <proxmox/blocking_client.hpp>

#include <boost/json/serialize.hpp>

#include <set>
#include <string>

namespace {

namespace json = boost::json;
using proxmox::mcp::testing::tool_fixture;

bool has(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

/// The entry of `list` whose `key` is `value`, or null.
const json::object* find_by(const json::value& list, std::string_view key, std::string_view value) {
    for (const auto& item : list.as_array())
        if (const auto* v = item.as_object().if_contains(key);
            v && v->is_string() && v->get_string() == value)
            return &item.as_object();
    return nullptr;
}

class DiscoveryTools : public tool_fixture {
protected:
    void tune(proxmox::sim::options& o) override {
        tool_fixture::tune(o);
        if (test_is("WaitTaskTimeoutIsAnErrorNamingTheUpid"))
            o.task_seconds = 5;
    }

    /// Starts a stopped VM through proxmox-start-vm and waits; returns the UPID.
    std::string start_vm(int vmid) {
        auto out = ok("proxmox-start-vm", {{"vmid", vmid}, {"confirm", true}, {"wait", true}});
        EXPECT_EQ(out.at("task").at("exitstatus"), "OK");
        return std::string(out.at("upid").as_string());
    }

    std::string stop_vm(int vmid) {
        auto out = ok("proxmox-stop-vm", {{"vmid", vmid}, {"hard", true}, {"confirm", true}, {"wait", true}});
        EXPECT_EQ(out.at("task").at("exitstatus"), "OK");
        return std::string(out.at("upid").as_string());
    }
};

// ---- proxmox-vm-info / proxmox-lxc-info ------------------------------------------------------

TEST_F(DiscoveryTools, VmInfoShowsHardwareConfigAndLiveUsage) {
    auto out = ok("proxmox-vm-info", {{"vmid", 100}});
    EXPECT_EQ(out.at("vmid"), 100);
    EXPECT_EQ(out.at("name"), "web01");
    EXPECT_EQ(out.at("node"), "pve");
    EXPECT_EQ(out.at("type"), "qemu");
    EXPECT_EQ(out.at("status"), "running");
    EXPECT_EQ(out.at("template"), false);
    EXPECT_GE(out.at("cores").as_int64(), 1);
    EXPECT_EQ(out.at("vcpus").as_int64(), out.at("cores").as_int64() * out.at("sockets").as_int64());
    EXPECT_GT(out.at("memory_mb").as_int64(), 0);
    const auto* scsi0 = find_by(out.at("disks"), "key", "scsi0");
    ASSERT_NE(scsi0, nullptr) << json::serialize(out);
    EXPECT_EQ(scsi0->at("volume"), "local-lvm:vm-100-disk-0");
    EXPECT_TRUE(scsi0->contains("size"));
    const auto* net0 = find_by(out.at("nets"), "key", "net0");
    ASSERT_NE(net0, nullptr) << json::serialize(out);
    EXPECT_EQ(net0->at("bridge"), "vmbr0");
    EXPECT_FALSE(net0->at("macaddr").as_string().empty());
    // everything else of the config, without what is shown above
    const auto& config = out.at("config").as_object();
    EXPECT_TRUE(config.contains("ostype")) << json::serialize(config);
    EXPECT_FALSE(config.contains("scsi0"));
    EXPECT_FALSE(config.contains("digest"));
    // live usage of a running VM from status/current
    EXPECT_GT(out.at("uptime").as_int64(), 0);
    EXPECT_TRUE(out.contains("mem"));
    EXPECT_EQ(count("GET", "/nodes/pve/qemu/100/config"), 1u);
    EXPECT_EQ(count("GET", "/nodes/pve/qemu/100/status/current"), 1u);
    EXPECT_TRUE(writes().empty());
}

TEST_F(DiscoveryTools, VmInfoByNameOfAStoppedVmReadsNoStatus) {
    auto out = ok("proxmox-vm-info", {{"name", "db01"}});
    EXPECT_EQ(out.at("vmid"), 101);
    EXPECT_EQ(out.at("status"), "stopped");
    EXPECT_FALSE(out.contains("uptime"));
    EXPECT_EQ(count("GET", "/nodes/pve2/qemu/101/status/current"), 0u);
}

TEST_F(DiscoveryTools, VmInfoSeesAConfigChange) {
    auto& pve = this->pve();
    proxmox::qemu_config_update update;
    update.set("cores", "3").set("ipconfig0", "ip=10.0.0.5/24,gw=10.0.0.1");
    auto changed = pve.run(pve.async().node("pve2").qemu(101).async_update_config(update));
    ASSERT_TRUE(changed) << changed.error().to_string();
    auto out = ok("proxmox-vm-info", {{"vmid", 101}});
    EXPECT_EQ(out.at("cores"), 3);
    EXPECT_EQ(out.at("ipconfigs").at("ipconfig0"), "ip=10.0.0.5/24,gw=10.0.0.1");
}

TEST_F(DiscoveryTools, VmInfoOfAContainerNamesLxcInfo) {
    auto text = err("proxmox-vm-info", {{"vmid", 200}});
    EXPECT_TRUE(has(text, "container")) << text;
    EXPECT_TRUE(has(text, "proxmox-lxc-info")) << text;
}

TEST_F(DiscoveryTools, VmInfoOfAnUnknownVmidNamesTheListTool) {
    auto text = err("proxmox-vm-info", {{"vmid", 999}});
    EXPECT_TRUE(has(text, "999")) << text;
    EXPECT_TRUE(has(text, "proxmox-list-vms")) << text;
}

TEST_F(DiscoveryTools, LxcInfoShowsVolumesNicsAndUsage) {
    auto out = ok("proxmox-lxc-info", {{"vmid", 200}});
    EXPECT_EQ(out.at("type"), "lxc");
    EXPECT_EQ(out.at("node"), "pve2");
    EXPECT_EQ(out.at("status"), "running");
    EXPECT_GT(out.at("memory_mb").as_int64(), 0);
    const auto* rootfs = find_by(out.at("disks"), "key", "rootfs");
    ASSERT_NE(rootfs, nullptr) << json::serialize(out);
    EXPECT_EQ(rootfs->at("volume"), "local-lvm:vm-200-disk-0");
    const auto* net0 = find_by(out.at("nets"), "key", "net0");
    ASSERT_NE(net0, nullptr) << json::serialize(out);
    EXPECT_EQ(net0->at("name"), "eth0");
    EXPECT_EQ(net0->at("bridge"), "vmbr0");
    EXPECT_GT(out.at("uptime").as_int64(), 0);
    EXPECT_EQ(count("GET", "/nodes/pve2/lxc/200/config"), 1u);
    EXPECT_EQ(count("GET", "/nodes/pve2/lxc/200/status/current"), 1u);
}

TEST_F(DiscoveryTools, LxcInfoOfAVmNamesVmInfo) {
    auto text = err("proxmox-lxc-info", {{"vmid", 100}});
    EXPECT_TRUE(has(text, "proxmox-vm-info")) << text;
}

TEST_F(DiscoveryTools, InfoRefusesAGuestOutsideTheAllowedNodes) {
    start_server({{"PROXMOX_ALLOWED_NODES", "pve"}});
    auto text = err("proxmox-lxc-info", {{"vmid", 200}}); // on pve2
    EXPECT_TRUE(has(text, "PROXMOX_ALLOWED_NODES")) << text;
    EXPECT_EQ(count("GET", "/nodes/pve2/lxc/200/config"), 0u);
}

// ---- proxmox-list-bridges ------------------------------------------------------------------

TEST_F(DiscoveryTools, ListBridgesOfTheDefaultAndAnotherNode) {
    auto out = ok("proxmox-list-bridges");
    EXPECT_EQ(out.at("node"), "pve");
    EXPECT_EQ(out.at("count"), 1);
    const auto* vmbr0 = find_by(out.at("bridges"), "iface", "vmbr0");
    ASSERT_NE(vmbr0, nullptr) << json::serialize(out);
    EXPECT_EQ(vmbr0->at("cidr"), "192.168.1.10/24");
    EXPECT_EQ(vmbr0->at("ports"), json::array{"eno1"});
    EXPECT_EQ(out.at("bridges").as_array().size(), 1u); // eno1/eno2 are no bridges

    auto pve2 = ok("proxmox-list-bridges", {{"node", "pve2"}});
    EXPECT_EQ(find_by(pve2.at("bridges"), "iface", "vmbr0")->at("cidr"), "192.168.1.11/24");
    auto asked = logged("GET", "/nodes/pve2/network");
    ASSERT_EQ(asked.size(), 1u);
    EXPECT_TRUE(has(asked[0].params, "any_bridge")) << asked[0].params;
}

TEST_F(DiscoveryTools, ListBridgesOfAnUnknownNodeListsTheNodes) {
    auto text = err("proxmox-list-bridges", {{"node", "pve9"}});
    EXPECT_TRUE(has(text, "not in the cluster")) << text;
    EXPECT_TRUE(has(text, "pve, pve2, pve3")) << text;
}

TEST_F(DiscoveryTools, ListBridgesRefusesANodeOutsideTheAllowList) {
    start_server({{"PROXMOX_ALLOWED_NODES", "pve"}});
    auto text = err("proxmox-list-bridges", {{"node", "pve2"}});
    EXPECT_TRUE(has(text, "PROXMOX_ALLOWED_NODES")) << text;
    EXPECT_EQ(count("GET", "/nodes/pve2/network"), 0u);
    EXPECT_EQ(ok("proxmox-list-bridges").at("node"), "pve");
}

// ---- proxmox-vm-firewall-get ---------------------------------------------------------------

TEST_F(DiscoveryTools, FirewallGetShowsOptionsAndRules) {
    auto before = ok("proxmox-vm-firewall-get", {{"vmid", 100}});
    EXPECT_EQ(before.at("enabled"), false);
    EXPECT_EQ(before.at("count"), 0);

    auto& pve = this->pve();
    const auto fw = pve.async().node("pve").qemu(100).firewall();
    proxmox::firewall_options enable;
    enable.enable = true;
    enable.policy_in = proxmox::firewall_policy::drop;
    ASSERT_TRUE(pve.run(fw.async_set_options(enable)));
    proxmox::firewall_rule ssh;
    ssh.type = proxmox::firewall_rule_type::in;
    ssh.action = "ACCEPT";
    ssh.proto = "tcp";
    ssh.dport = "22";
    ssh.comment = "ssh";
    ssh.enable = true;
    ASSERT_TRUE(pve.run(fw.async_add_rule(ssh)));

    auto out = ok("proxmox-vm-firewall-get", {{"name", "web01"}});
    EXPECT_EQ(out.at("vmid"), 100);
    EXPECT_EQ(out.at("enabled"), true);
    EXPECT_EQ(out.at("options").at("policy_in"), "DROP");
    ASSERT_EQ(out.at("count"), 1);
    const auto& rule = out.at("rules").at(0).as_object();
    EXPECT_EQ(rule.at("pos"), 0);
    EXPECT_EQ(rule.at("type"), "in");
    EXPECT_EQ(rule.at("action"), "ACCEPT");
    EXPECT_EQ(rule.at("dport"), "22");
    EXPECT_EQ(rule.at("enable"), true);
    EXPECT_EQ(rule.at("comment"), "ssh");
}

TEST_F(DiscoveryTools, FirewallGetWorksForContainersAndNamesUnknownGuests) {
    auto out = ok("proxmox-vm-firewall-get", {{"vmid", 200}});
    EXPECT_EQ(out.at("type"), "lxc");
    EXPECT_EQ(count("GET", "/nodes/pve2/lxc/200/firewall/rules"), 1u);
    auto text = err("proxmox-vm-firewall-get", {{"vmid", 4242}});
    EXPECT_TRUE(has(text, "4242")) << text;
    EXPECT_TRUE(has(text, "proxmox-list-vms")) << text;
}

// ---- proxmox-list-storage / proxmox-storage-content ----------------------------------------

TEST_F(DiscoveryTools, ListStorageShowsDefinitionsAndUsagePerNode) {
    auto out = ok("proxmox-list-storage");
    EXPECT_EQ(out.at("total"), 2);
    const auto* local = find_by(out.at("storages"), "storage", "local");
    ASSERT_NE(local, nullptr) << json::serialize(out);
    EXPECT_EQ(local->at("type"), "dir");
    EXPECT_EQ(local->at("content"), (json::array{"backup", "iso", "vztmpl"}));
    EXPECT_EQ(local->at("path"), "/var/lib/vz");
    const auto& usage = local->at("usage").as_object();
    EXPECT_EQ(usage.size(), 3u);
    EXPECT_GT(usage.at("pve2").at("total").as_int64(), usage.at("pve2").at("used").as_int64());
    EXPECT_EQ(count("GET", "/storage"), 1u);
    EXPECT_EQ(count("GET", "/cluster/resources"), 1u);
}

TEST_F(DiscoveryTools, ListStoragePagesAndPicksFields) {
    auto first = ok("proxmox-list-storage", {{"limit", 1}, {"fields", json::array{"storage", "type"}}});
    EXPECT_EQ(first.at("total"), 2);
    EXPECT_EQ(first.at("next_offset"), 1);
    ASSERT_EQ(first.at("storages").as_array().size(), 1u);
    EXPECT_EQ(first.at("storages").at(0).as_object().size(), 2u);
    auto second = ok("proxmox-list-storage", {{"limit", 1}, {"offset", 1}});
    EXPECT_FALSE(second.contains("next_offset"));
    EXPECT_NE(first.at("storages").at(0).at("storage"), second.at("storages").at(0).at("storage"));
}

TEST_F(DiscoveryTools, ListStorageHidesUsageOfNodesOutsideTheAllowList) {
    start_server({{"PROXMOX_ALLOWED_NODES", "pve"}});
    auto out = ok("proxmox-list-storage");
    EXPECT_EQ(out.at("total"), 2); // every definition stays
    for (const auto& s : out.at("storages").as_array()) {
        const auto& usage = s.at("usage").as_object();
        EXPECT_EQ(usage.size(), 1u) << json::serialize(s);
        EXPECT_TRUE(usage.contains("pve"));
    }
}

TEST_F(DiscoveryTools, StorageContentOfTheDefaultStorageAndWithAFilter) {
    auto disks = ok("proxmox-storage-content"); // PROXMOX_DEFAULT_STORAGE local-lvm on pve
    EXPECT_EQ(disks.at("storage"), "local-lvm");
    EXPECT_EQ(disks.at("node"), "pve");
    const auto* disk = find_by(disks.at("volumes"), "volid", "local-lvm:vm-100-disk-0");
    ASSERT_NE(disk, nullptr) << json::serialize(disks);
    EXPECT_EQ(disk->at("vmid"), 100);
    EXPECT_EQ(disk->at("content"), "images");

    auto isos = ok("proxmox-storage-content", {{"storage", "local"}, {"content", "iso"}});
    ASSERT_EQ(isos.at("total"), 1) << json::serialize(isos);
    EXPECT_EQ(isos.at("volumes").at(0).at("volid"), "local:iso/debian-13.1.0-amd64-netinst.iso");
    auto asked = logged("GET", "/nodes/pve/storage/local/content");
    ASSERT_EQ(asked.size(), 1u);
    EXPECT_TRUE(has(asked[0].params, "\"content\":\"iso\"")) << asked[0].params;
}

TEST_F(DiscoveryTools, StorageContentPagesAndPicksFields) {
    auto all = ok("proxmox-storage-content", {{"node", "pve"}, {"storage", "local-lvm"}});
    const auto total = all.at("total").as_int64();
    ASSERT_GE(total, 3) << json::serialize(all);
    auto page = ok("proxmox-storage-content",
                   {{"storage", "local-lvm"}, {"limit", 2}, {"offset", 1}, {"fields", json::array{"volid"}}});
    EXPECT_EQ(page.at("total"), total);
    EXPECT_EQ(page.at("offset"), 1);
    ASSERT_EQ(page.at("volumes").as_array().size(), 2u);
    EXPECT_EQ(page.at("volumes").at(0), (json::object{{"volid", all.at("volumes").at(1).at("volid")}}));
    if (total > 3) {
        EXPECT_EQ(page.at("next_offset"), 3);
    } else {
        EXPECT_FALSE(page.contains("next_offset"));
    }
}

TEST_F(DiscoveryTools, StorageContentErrorsNameTheFix) {
    auto storage = err("proxmox-storage-content", {{"storage", "tank"}});
    EXPECT_TRUE(has(storage, "tank")) << storage;
    EXPECT_TRUE(has(storage, "local, local-lvm")) << storage;
    auto node = err("proxmox-storage-content", {{"node", "pve7"}, {"storage", "local"}});
    EXPECT_TRUE(has(node, "not in the cluster")) << node;
    EXPECT_TRUE(has(node, "pve, pve2, pve3")) << node;
    auto content = err("proxmox-storage-content", {{"storage", "local"}, {"content", "movies"}});
    EXPECT_TRUE(has(content, "iso, vztmpl, backup")) << content;
}

// ---- proxmox-list-tasks / proxmox-task-status / proxmox-wait-task --------------------------

TEST_F(DiscoveryTools, ListTasksOfTheClusterNewestFirstAndByUser) {
    const auto on_pve2 = start_vm(101);
    const auto on_pve = start_vm(106);
    auto out = ok("proxmox-list-tasks");
    ASSERT_EQ(out.at("total"), 2) << json::serialize(out);
    EXPECT_EQ(out.at("tasks").at(0).at("upid"), json::value(on_pve));
    EXPECT_EQ(out.at("tasks").at(1).at("upid"), json::value(on_pve2));
    const auto& task = out.at("tasks").at(1).as_object();
    EXPECT_EQ(task.at("node"), "pve2");
    EXPECT_EQ(task.at("type"), "qmstart");
    EXPECT_EQ(task.at("id"), "101");
    EXPECT_EQ(task.at("status"), "OK");
    EXPECT_EQ(task.at("user"), json::value(info().token_id));
    EXPECT_TRUE(task.contains("endtime"));

    EXPECT_EQ(ok("proxmox-list-tasks", {{"user", "root@pam"}}).at("total"), 2);
    EXPECT_EQ(ok("proxmox-list-tasks", {{"user", "alice@pve"}}).at("total"), 0);
    EXPECT_EQ(count("GET", "/cluster/tasks"), 3u);
}

TEST_F(DiscoveryTools, ListTasksOfANodePagesWithPve) {
    const auto first = start_vm(106);
    const auto second = stop_vm(106);
    const auto third = start_vm(106);
    start_vm(101); // another node: not listed
    auto page =
        ok("proxmox-list-tasks", {{"node", "pve"}, {"limit", 2}, {"fields", json::array{"upid", "status"}}});
    EXPECT_EQ(page.at("total"), 3) << json::serialize(page);
    EXPECT_EQ(page.at("offset"), 0);
    EXPECT_EQ(page.at("next_offset"), 2);
    ASSERT_EQ(page.at("tasks").as_array().size(), 2u);
    EXPECT_EQ(page.at("tasks").at(0), (json::object{{"upid", third}, {"status", "OK"}}));
    EXPECT_EQ(page.at("tasks").at(1).at("upid"), json::value(second));
    auto rest = ok("proxmox-list-tasks", {{"node", "pve"}, {"limit", 2}, {"offset", 2}});
    ASSERT_EQ(rest.at("tasks").as_array().size(), 1u);
    EXPECT_EQ(rest.at("tasks").at(0).at("upid"), json::value(first));
    EXPECT_FALSE(rest.contains("next_offset"));
    // PVE pages: the second call asked for start=2, limit=2
    auto asked = logged("GET", "/nodes/pve/tasks");
    ASSERT_EQ(asked.size(), 2u);
    EXPECT_TRUE(has(asked[1].params, "\"start\":\"2\"") || has(asked[1].params, "\"start\":2"))
        << asked[1].params;
}

TEST_F(DiscoveryTools, ListTasksOfAnUnknownNodeListsTheNodes) {
    auto text = err("proxmox-list-tasks", {{"node", "nowhere"}});
    EXPECT_TRUE(has(text, "not in the cluster")) << text;
    EXPECT_TRUE(has(text, "pve, pve2, pve3")) << text;
}

TEST_F(DiscoveryTools, AllowedNodesHideAndRefuseTasksOfOtherNodes) {
    const auto on_pve2 = start_vm(101);
    const auto on_pve = start_vm(106);
    start_server({{"PROXMOX_ALLOWED_NODES", "pve"}});
    auto out = ok("proxmox-list-tasks");
    ASSERT_EQ(out.at("total"), 1) << json::serialize(out);
    EXPECT_EQ(out.at("tasks").at(0).at("upid"), json::value(on_pve));
    auto node = err("proxmox-list-tasks", {{"node", "pve2"}});
    EXPECT_TRUE(has(node, "PROXMOX_ALLOWED_NODES")) << node;
    auto status = err("proxmox-task-status", {{"upid", on_pve2}});
    EXPECT_TRUE(has(status, "PROXMOX_ALLOWED_NODES")) << status;
    auto wait = err("proxmox-wait-task", {{"upid", on_pve2}});
    EXPECT_TRUE(has(wait, "PROXMOX_ALLOWED_NODES")) << wait;
    EXPECT_EQ(count("GET", "/nodes/pve2/tasks"), 0u);
}

TEST_F(DiscoveryTools, TaskStatusReadsTheTaskAndAcceptsNode) {
    const auto upid = start_vm(101);
    auto out = ok("proxmox-task-status", {{"upid", upid}, {"node", "pve2"}});
    EXPECT_EQ(out.at("upid"), json::value(upid));
    EXPECT_EQ(out.at("status"), "stopped");
    EXPECT_EQ(out.at("exitstatus"), "OK");
    EXPECT_EQ(out.at("succeeded"), true);
    auto text = err("proxmox-task-status", {{"upid", "not-a-upid"}});
    EXPECT_TRUE(has(text, "upid")) << text;
}

TEST_F(DiscoveryTools, WaitTaskWaitsUntilTheTaskEnds) {
    auto started = ok("proxmox-start-vm", {{"vmid", 101}, {"confirm", true}});
    const std::string upid(started.at("upid").as_string());
    auto out = ok("proxmox-wait-task", {{"upid", upid}, {"poll_interval", 0.1}});
    EXPECT_EQ(out.at("upid"), json::value(upid));
    EXPECT_EQ(out.at("waited"), true);
    EXPECT_EQ(out.at("task").at("status"), "stopped");
    EXPECT_EQ(out.at("task").at("exitstatus"), "OK");
    EXPECT_EQ(ok("proxmox-vm-info", {{"vmid", 101}}).at("status"), "running");
    // a finished task answers at once
    EXPECT_EQ(ok("proxmox-wait-task", {{"upid", upid}}).at("task").at("exitstatus"), "OK");
}

TEST_F(DiscoveryTools, WaitTaskOfAFailedTaskIsAnErrorWithExitStatusAndLog) {
    auto& pve = this->pve();
    auto task = pve.run(pve.async().node("pve").qemu(100).async_start()); // already running
    ASSERT_TRUE(task) << task.error().to_string();
    auto r = call("proxmox-wait-task", {{"upid", task->upid()}, {"poll_interval", 0.1}});
    ASSERT_TRUE(proxmox::mcp::testing::is_error(r)) << json::serialize(r);
    auto text = proxmox::mcp::testing::text_of(r);
    EXPECT_TRUE(has(text, "already running")) << text;
    EXPECT_TRUE(has(text, "log_tail")) << text;
    EXPECT_TRUE(has(text, task->upid())) << text;
}

TEST_F(DiscoveryTools, WaitTaskTimeoutIsAnErrorNamingTheUpid) {
    auto started = ok("proxmox-start-vm", {{"vmid", 101}, {"confirm", true}});
    const std::string upid(started.at("upid").as_string());
    auto text = err("proxmox-wait-task", {{"upid", upid}, {"timeout", 1}, {"poll_interval", 0.2}});
    EXPECT_TRUE(has(text, "still running")) << text;
    EXPECT_TRUE(has(text, upid)) << text;
}

TEST_F(DiscoveryTools, WaitTaskIsAReadToolWithoutConfirm) {
    const auto& tool = listed().at("proxmox-wait-task");
    const auto& props = tool.at("inputSchema").at("properties").as_object();
    EXPECT_FALSE(props.contains("confirm"));
    EXPECT_FALSE(props.contains("dry_run"));
    EXPECT_EQ(props.at("timeout").at("default"), 900);
    EXPECT_EQ(tool.at("annotations").at("readOnlyHint"), true);
    const auto upid = start_vm(101);
    start_server({{"PROXMOX_READ_ONLY", "true"}});
    EXPECT_EQ(ok("proxmox-wait-task", {{"upid", upid}}).at("task").at("exitstatus"), "OK");
}

// ---- proxmox-vm-metrics / proxmox-node-metrics ---------------------------------------------

TEST_F(DiscoveryTools, VmMetricsSummarizeTheWindowCompactly) {
    auto r = call("proxmox-vm-metrics", {{"vmid", 100}});
    ASSERT_FALSE(proxmox::mcp::testing::is_error(r)) << json::serialize(r);
    EXPECT_LT(proxmox::mcp::testing::text_of(r).size(), 4096u);
    auto out = ok("proxmox-vm-metrics", {{"vmid", 100}});
    EXPECT_EQ(out.at("timeframe"), "hour");
    EXPECT_EQ(out.at("cf"), "AVERAGE");
    EXPECT_EQ(out.at("count"), 60);
    EXPECT_LT(out.at("from").as_int64(), out.at("to").as_int64());
    const auto& cpu = out.at("metrics").at("cpu").as_object();
    EXPECT_LE(cpu.at("avg").to_number<double>(), cpu.at("max").to_number<double>());
    EXPECT_TRUE(cpu.contains("latest"));
    EXPECT_EQ(out.at("metrics").at("maxmem"), 4294967296); // constant: one number
    EXPECT_FALSE(out.contains("points"));
    auto asked = logged("GET", "/nodes/pve/qemu/100/rrddata");
    ASSERT_EQ(asked.size(), 2u);
    EXPECT_TRUE(has(asked[0].params, "\"timeframe\":\"hour\"")) << asked[0].params;
}

TEST_F(DiscoveryTools, VmMetricsPointsAreBoundedAndUseTheCf) {
    auto out =
        ok("proxmox-vm-metrics", {{"vmid", 100}, {"timeframe", "day"}, {"cf", "MAX"}, {"points", true}});
    EXPECT_EQ(out.at("count"), 1440);
    const auto& points = out.at("points").as_array();
    ASSERT_GT(points.size(), 0u);
    EXPECT_LE(points.size(), 60u); // 1440 rows consolidated by 24
    EXPECT_TRUE(points.at(0).as_object().contains("time"));
    EXPECT_TRUE(points.at(0).as_object().contains("cpu"));
    EXPECT_FALSE(points.at(0).as_object().contains("maxmem")); // constant: in the summary only
    auto asked = logged("GET", "/nodes/pve/qemu/100/rrddata");
    ASSERT_EQ(asked.size(), 1u);
    EXPECT_TRUE(has(asked[0].params, "\"cf\":\"MAX\"")) << asked[0].params;
    EXPECT_TRUE(has(asked[0].params, "\"timeframe\":\"day\"")) << asked[0].params;
}

TEST_F(DiscoveryTools, VmMetricsOfAContainer) {
    auto out = ok("proxmox-vm-metrics", {{"name", "ct-dns01"}});
    EXPECT_EQ(out.at("type"), "lxc");
    EXPECT_TRUE(out.at("metrics").as_object().contains("cpu"));
    EXPECT_EQ(count("GET", "/nodes/pve2/lxc/200/rrddata"), 1u);
}

TEST_F(DiscoveryTools, NodeMetricsOfTheDefaultNodeAndErrors) {
    auto r = call("proxmox-node-metrics");
    ASSERT_FALSE(proxmox::mcp::testing::is_error(r)) << json::serialize(r);
    EXPECT_LT(proxmox::mcp::testing::text_of(r).size(), 4096u);
    auto out = ok("proxmox-node-metrics", {{"node", "pve3"}, {"timeframe", "week"}});
    EXPECT_EQ(out.at("node"), "pve3");
    for (const char* m : {"cpu", "loadavg", "memused", "netin"})
        EXPECT_TRUE(out.at("metrics").as_object().contains(m)) << m;
    EXPECT_EQ(count("GET", "/nodes/pve3/rrddata"), 1u);

    auto text = err("proxmox-node-metrics", {{"node", "pve4"}});
    EXPECT_TRUE(has(text, "not in the cluster")) << text;
    EXPECT_TRUE(has(text, "pve, pve2, pve3")) << text;
    start_server({{"PROXMOX_ALLOWED_NODES", "pve"}});
    auto refused = err("proxmox-node-metrics", {{"node", "pve3"}});
    EXPECT_TRUE(has(refused, "PROXMOX_ALLOWED_NODES")) << refused;
}

TEST_F(DiscoveryTools, EveryToolOfTheFamilyOnlyReads) {
    for (const char* name :
         {"proxmox-vm-info", "proxmox-lxc-info", "proxmox-list-bridges", "proxmox-vm-firewall-get",
          "proxmox-list-storage", "proxmox-storage-content", "proxmox-list-tasks", "proxmox-task-status",
          "proxmox-wait-task", "proxmox-vm-metrics", "proxmox-node-metrics"}) {
        auto it = listed().find(name);
        ASSERT_NE(it, listed().end()) << name;
        const auto& a = it->second.at("annotations");
        EXPECT_EQ(a.at("readOnlyHint"), true) << name;
        EXPECT_EQ(a.at("idempotentHint"), true) << name;
        EXPECT_FALSE(it->second.at("inputSchema").at("properties").as_object().contains("confirm")) << name;
    }
}

} // namespace
