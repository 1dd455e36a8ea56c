// How many requests each tool sends to the cluster, read from the simulator's request log: reads
// as an agent calls them, writes as a dry_run preview (its checks) and as executed. Prints the
// table docs/performance.md shows, and holds the counts the design promises (a cluster-wide list
// and a name resolution are one request each).
#include "tool_fixture.hpp"

#include <fmt/format.h>

#include <chrono>
#include <iostream>
#include <thread>

namespace {

namespace json = boost::json;
using proxmox::mcp::testing::tool_fixture;

struct counted {
    std::size_t gets = 0;
    std::size_t writes = 0;
};

class RequestsPerTool : public tool_fixture {
protected:
    counted run(const char* tool, json::object args) {
        const auto before = server().request_log().size();
        call(tool, std::move(args));
        counted c;
        auto log = server().request_log();
        for (std::size_t i = before; i < log.size(); ++i)
            (log[i].method == "GET" ? c.gets : c.writes) += 1;
        return c;
    }
};

TEST_F(RequestsPerTool, Table) {
    mcp();
    const std::vector<std::pair<const char*, json::object>> reads{
        {"proxmox-list-nodes", {}},
        {"proxmox-node-status", {{"node", "pve"}}},
        {"proxmox-list-vms", {}},
        {"proxmox-list-vms", {{"node", "pve"}, {"status", "running"}}},
        {"proxmox-vm-info", {{"vmid", 100}}},
        {"proxmox-vm-info", {{"name", "web01"}}},
        {"proxmox-list-lxc", {}},
        {"proxmox-lxc-info", {{"vmid", 200}}},
        {"proxmox-list-storage", {}},
        {"proxmox-storage-content", {{"node", "pve"}, {"storage", "local"}}},
        {"proxmox-list-bridges", {{"node", "pve"}}},
        {"proxmox-list-tasks", {{"limit", 5}}},
        {"proxmox-list-snapshots", {{"vmid", 100}}},
        {"proxmox-vm-metrics", {{"vmid", 100}}},
        {"proxmox-node-metrics", {{"node", "pve"}}},
        {"proxmox-list-pools", {}},
        {"proxmox-list-users", {}},
        {"proxmox-list-roles", {}},
        {"proxmox-vm-firewall-get", {{"vmid", 100}}},
    };
    const std::vector<std::pair<const char*, json::object>> writes{
        {"proxmox-start-vm", {{"vmid", 101}}},
        {"proxmox-stop-vm", {{"vmid", 100}}},
        {"proxmox-clone-vm", {{"source_vmid", 9000}, {"new_vmid", 150}, {"name", "clone1"}}},
        {"proxmox-create-vm", {{"vmid", 151}, {"name", "new1"}}},
        {"proxmox-configure-vm", {{"vmid", 101}, {"params", json::object{{"cores", 4}}}}},
        {"proxmox-create-snapshot", {{"vmid", 101}, {"snapname", "s1"}}},
        {"proxmox-backup-vm", {{"vmid", 101}}},
        {"proxmox-delete-vm", {{"vmid", 104}}},
    };
    std::string table = "| tool | arguments | GET | writes |\n| --- | --- | ---: | ---: |\n";
    std::map<std::string, counted> seen;
    for (const auto& [tool, args] : reads) {
        auto c = run(tool, args);
        table += fmt::format("| {} | `{}` | {} | {} |\n", tool, json::serialize(args), c.gets, c.writes);
        EXPECT_EQ(c.writes, 0u) << tool;
        seen[std::string(tool) + json::serialize(args)] = c;
    }
    for (const auto& [tool, args] : writes) {
        auto preview = args;
        preview["dry_run"] = true;
        auto p = run(tool, preview);
        EXPECT_EQ(p.writes, 0u) << tool << " wrote during dry_run";
        auto executed = args;
        executed["confirm"] = true;
        auto e = run(tool, executed);
        std::this_thread::sleep_for(std::chrono::milliseconds(300)); // its task (0.1 s) ends, its lock goes
        table += fmt::format("| {} | `{}` dry_run / confirm | {} / {} | {} / {} |\n", tool,
                             json::serialize(args), p.gets, e.gets, p.writes, e.writes);
        EXPECT_EQ(e.writes, 1u) << tool << " sends one write";
    }
    std::cout << "\n" << table << std::endl;
    // A cluster-wide listing is one request; so is resolving a guest by vmid or by name.
    EXPECT_EQ(seen["proxmox-list-vms{}"].gets, 1u);
    EXPECT_EQ(seen["proxmox-list-lxc{}"].gets, 1u);
    EXPECT_EQ(seen["proxmox-vm-info{\"vmid\":100}"].gets, seen["proxmox-vm-info{\"name\":\"web01\"}"].gets);
}

} // namespace
