// Cluster views (next free VMID, cluster task list) and node views (network, RRD statistics)
// against the simulator.

#include "sdk_sim_fixture.hpp"

#include <boost/json/parse.hpp>

#include <set>

using namespace proxmox;

namespace {

class ClusterViews : public proxmox::testing::sdk_sim_fixture {
protected:
    void tune(sim::options& o) override {
        if (test_is("TasksShowRunningAndFinishedTasks"))
            o.task_seconds = 5; // the task still runs when the list is read
    }
};

class NodeViews : public proxmox::testing::sdk_sim_fixture {
protected:
    /// The parameters the simulator logged for the last GET of `path` (empty when none).
    boost::json::object get_params(std::string_view path) const {
        const auto text = last_params("GET", path);
        return text.empty() ? boost::json::object{} : boost::json::parse(text).as_object();
    }
};

TEST_F(ClusterViews, NextIdIsTheLowestFreeVmidAsANumber) {
    blocking_client pve(token_options());
    auto all = pve.run(pve.async().cluster().async_resources(resource_filter::vm));
    ASSERT_TRUE(all) << all.error().to_string();
    std::set<vmid_t> used;
    for (const auto& r : *all)
        if (r.vmid)
            used.insert(*r.vmid);
    vmid_t lowest = 100;
    while (used.contains(lowest))
        ++lowest;

    auto next = pve.run(pve.async().cluster().async_next_id());
    ASSERT_TRUE(next) << next.error().to_string();
    EXPECT_EQ(*next, lowest);
    EXPECT_FALSE(used.contains(*next));
    EXPECT_EQ(count("GET", "/cluster/nextid"), 1u);
}

TEST_F(ClusterViews, TasksShowRunningAndFinishedTasks) {
    blocking_client pve(token_options());
    const auto vm = vm_in(pve, "stopped");
    auto task = pve.run(pve.async().node(vm.node).qemu(vm.vmid).async_start());
    ASSERT_TRUE(task) << task.error().to_string();

    auto running = pve.run(pve.async().cluster().async_tasks());
    ASSERT_TRUE(running) << running.error().to_string();
    const cluster_task* found = nullptr;
    for (const auto& t : *running)
        if (t.upid == task->upid())
            found = &t;
    ASSERT_NE(found, nullptr) << "the started task is not in /cluster/tasks";
    EXPECT_TRUE(found->running());
    EXPECT_FALSE(found->status);
    EXPECT_EQ(found->type, "qmstart");
    EXPECT_EQ(found->node, vm.node);
    EXPECT_EQ(found->id, std::to_string(vm.vmid));
    EXPECT_EQ(found->user, "root@pam"); // PVE splits a token's UPID user
    EXPECT_EQ(found->tokenid, "sim");
    EXPECT_EQ(found->authid(), task->id().user);
    EXPECT_GT(found->starttime, 0);

    auto stopped = pve.run(task->async_stop());
    ASSERT_TRUE(stopped) << stopped.error().to_string();
    auto after = pve.run(pve.async().cluster().async_tasks());
    ASSERT_TRUE(after) << after.error().to_string();
    bool seen = false;
    for (const auto& t : *after)
        if (t.upid == task->upid()) {
            seen = true;
            EXPECT_FALSE(t.running());
            ASSERT_TRUE(t.endtime);
            EXPECT_GE(*t.endtime, t.starttime);
            ASSERT_TRUE(t.status);
            EXPECT_FALSE(t.succeeded()) << *t.status; // interrupted
        }
    EXPECT_TRUE(seen);
}

TEST_F(ClusterViews, FinishedTaskSucceeded) {
    blocking_client pve(token_options());
    const auto vm = vm_in(pve, "stopped");
    auto task = pve.run(pve.async().node(vm.node).qemu(vm.vmid).async_start());
    ASSERT_TRUE(task) << task.error().to_string();
    ASSERT_TRUE(pve.run(task->async_wait()));
    auto tasks = pve.run(pve.async().cluster().async_tasks());
    ASSERT_TRUE(tasks) << tasks.error().to_string();
    auto it = std::find_if(tasks->begin(), tasks->end(),
                           [&](const cluster_task& t) { return t.upid == task->upid(); });
    ASSERT_NE(it, tasks->end());
    EXPECT_EQ(it->status.value_or(""), "OK");
    EXPECT_TRUE(it->succeeded());
}

TEST_F(NodeViews, NetworkListsTypedInterfaces) {
    blocking_client pve(token_options());
    auto all = pve.run(pve.async().node("pve").async_network());
    ASSERT_TRUE(all) << all.error().to_string();
    auto bridge =
        std::find_if(all->begin(), all->end(), [](const network_interface& n) { return n.iface == "vmbr0"; });
    ASSERT_NE(bridge, all->end());
    EXPECT_EQ(bridge->type, "bridge");
    EXPECT_TRUE(bridge->active);
    EXPECT_TRUE(bridge->autostart);
    EXPECT_EQ(bridge->method, "static");
    EXPECT_EQ(bridge->cidr, "192.168.1.10/24");
    EXPECT_EQ(bridge->address, "192.168.1.10");
    EXPECT_EQ(bridge->netmask, "24");
    EXPECT_FALSE(bridge->gateway.empty());
    ASSERT_FALSE(bridge->bridge_ports.empty());
    EXPECT_EQ(bridge->families, std::vector<std::string>{"inet"});
    // the bridge's port is an eth interface of the same node
    auto port = std::find_if(all->begin(), all->end(), [&](const network_interface& n) {
        return n.iface == bridge->bridge_ports.front();
    });
    ASSERT_NE(port, all->end());
    EXPECT_EQ(port->type, "eth");
    EXPECT_FALSE(get_params("/nodes/pve/network").contains("type"));

    auto bridges = pve.run(pve.async().node("pve2").async_network(network_filter::bridge));
    ASSERT_TRUE(bridges) << bridges.error().to_string();
    ASSERT_FALSE(bridges->empty());
    for (const auto& n : *bridges)
        EXPECT_EQ(n.type, "bridge") << n.iface;
    EXPECT_EQ(get_params("/nodes/pve2/network").at("type"), "bridge");
    auto vmbr0 =
        std::find_if(bridges->begin(), bridges->end(), [](const auto& n) { return n.iface == "vmbr0"; });
    ASSERT_NE(vmbr0, bridges->end());
    EXPECT_EQ(vmbr0->cidr, "192.168.1.11/24");

    auto eths = pve.run(pve.async().node("pve").async_network(network_filter::eth));
    ASSERT_TRUE(eths) << eths.error().to_string();
    ASSERT_FALSE(eths->empty());
    for (const auto& n : *eths)
        EXPECT_EQ(n.type, "eth") << n.iface;
}

TEST_F(NodeViews, EmptyNodeIsRejectedBeforeSending) {
    blocking_client pve(token_options());
    const auto before = server().request_count();
    auto network = pve.run(pve.async().node("").async_network());
    ASSERT_FALSE(network);
    EXPECT_EQ(network.error().code, errc::invalid_argument);
    auto rrd = pve.run(pve.async().node("").async_rrd());
    ASSERT_FALSE(rrd);
    EXPECT_EQ(rrd.error().code, errc::invalid_argument);
    EXPECT_NE(rrd.error().message.find("node"), std::string::npos);
    EXPECT_EQ(server().request_count(), before);
}

TEST_F(NodeViews, RrdRowsFollowTimeframeAndConsolidation) {
    blocking_client pve(token_options());
    auto hour = pve.run(pve.async().node("pve").async_rrd());
    ASSERT_TRUE(hour) << hour.error().to_string();
    ASSERT_EQ(hour->size(), 60u); // one row per minute
    EXPECT_EQ((*hour)[1].time - (*hour)[0].time, 60);
    for (const auto& s : *hour) {
        ASSERT_TRUE(s.cpu);
        EXPECT_GE(*s.cpu, 0.0);
        EXPECT_LE(*s.cpu, 1.0);
        ASSERT_TRUE(s.memtotal && s.memused);
        EXPECT_GT(*s.memtotal, *s.memused);
        EXPECT_TRUE(s.netin && s.loadavg && s.rootused);
    }
    auto params = get_params("/nodes/pve/rrddata");
    EXPECT_EQ(params.at("timeframe"), "hour");
    EXPECT_EQ(params.at("cf"), "AVERAGE");

    auto week_max = pve.run(pve.async().node("pve").async_rrd(rrd_timeframe::week, rrd_cf::max));
    ASSERT_TRUE(week_max) << week_max.error().to_string();
    ASSERT_GT(week_max->size(), 2u);
    EXPECT_EQ((*week_max)[1].time - (*week_max)[0].time, 1800); // 30-minute rows
    auto week_avg = pve.run(pve.async().node("pve").async_rrd(rrd_timeframe::week, rrd_cf::average));
    ASSERT_TRUE(week_avg) << week_avg.error().to_string();
    ASSERT_EQ(week_avg->size(), week_max->size());
    // a row's maximum is never below its average
    const auto& last_max = week_max->back();
    const auto& last_avg = week_avg->back();
    ASSERT_EQ(last_max.time, last_avg.time);
    EXPECT_GE(*last_max.cpu, *last_avg.cpu);
    params = get_params("/nodes/pve/rrddata");
    EXPECT_EQ(params.at("timeframe"), "week");
}

TEST_F(NodeViews, UnknownNodeIsPvesError) {
    blocking_client pve(token_options());
    // the network call is proxied to the node; rrddata reads the cluster's rrdcached instead
    auto network = pve.run(pve.async().node("nope").async_network());
    ASSERT_FALSE(network);
    EXPECT_EQ(network.error().http_status, 500u);
    EXPECT_NE(network.error().message.find("hostname lookup 'nope' failed"), std::string::npos)
        << network.error().message;
    auto rrd = pve.run(pve.async().node("nope").async_rrd());
    ASSERT_FALSE(rrd);
    EXPECT_EQ(rrd.error().http_status, 500u);
    EXPECT_NE(rrd.error().message.find("RRD error"), std::string::npos) << rrd.error().message;
}

} // namespace
