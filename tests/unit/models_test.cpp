#include <proxmox/client.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value_to.hpp>

#include <gtest/gtest.h>

using namespace proxmox;

TEST(Models, GuestReaderIsLenientAndKeepsUnknownKeys) {
    auto v = boost::json::parse(
        R"({"vmid":"101","name":"web01","status":"running","template":"0","cpus":2,"maxmem":"2147483648","cpu":0.25,"uptime":12,"x-new":true})");
    auto g = boost::json::value_to<guest_summary>(v);
    EXPECT_EQ(g.vmid, 101u);
    EXPECT_EQ(g.name, "web01");
    EXPECT_FALSE(g.is_template);
    EXPECT_EQ(g.cpus, 2u);
    EXPECT_EQ(g.maxmem, 2147483648u);
    EXPECT_DOUBLE_EQ(g.cpu, 0.25);
    EXPECT_TRUE(g.raw.contains("x-new"));
}

TEST(Models, TemplateAsJsonBoolean) {
    auto g = boost::json::value_to<guest_summary>(boost::json::parse(R"({"vmid":9000,"template":true})"));
    EXPECT_TRUE(g.is_template);
}

TEST(Models, ClusterResourceToGuest) {
    auto r = boost::json::value_to<cluster_resource>(boost::json::parse(
        R"({"id":"lxc/200","type":"lxc","vmid":200,"name":"ct-dns01","node":"pve2","status":"stopped","maxcpu":1})"));
    EXPECT_TRUE(r.is_guest());
    ASSERT_TRUE(r.vmid);
    auto g = r.to_guest();
    EXPECT_EQ(g.type, guest_type::lxc);
    EXPECT_EQ(g.node, "pve2");
    EXPECT_EQ(g.cpus, 1u);
}

TEST(Models, TaskStatusSuccessRules) {
    auto parse = [](const char* json) {
        return boost::json::value_to<task_status>(boost::json::parse(json));
    };
    EXPECT_TRUE(parse(R"({"status":"stopped","exitstatus":"OK"})").succeeded());
    auto warned = parse(R"({"status":"stopped","exitstatus":"WARNINGS: 3"})");
    EXPECT_TRUE(warned.succeeded());
    EXPECT_EQ(warned.warnings(), 3u);
    EXPECT_FALSE(parse(R"({"status":"stopped","exitstatus":"VM 100 already running"})").succeeded());
    EXPECT_FALSE(parse(R"({"status":"stopped","exitstatus":"unexpected status"})").succeeded());
    auto running = parse(R"({"status":"running"})");
    EXPECT_TRUE(running.running());
    EXPECT_FALSE(running.succeeded());
    EXPECT_FALSE(running.exit_status);
}

TEST(Models, NodeStatusNested) {
    auto s = boost::json::value_to<node_status>(boost::json::parse(
        R"({"cpu":0.1,"loadavg":["0.50","0.25","0.10"],"memory":{"total":100,"used":40,"free":60},"cpuinfo":{"model":"Xeon","cpus":8,"sockets":1},"pveversion":"pve-manager/9.1.9"})"));
    ASSERT_EQ(s.loadavg.size(), 3u);
    EXPECT_DOUBLE_EQ(s.loadavg[0], 0.5);
    EXPECT_EQ(s.memory_used, 40u);
    EXPECT_EQ(s.cpus, 8u);
    EXPECT_EQ(s.pveversion, "pve-manager/9.1.9");
}

TEST(Models, ListsSkipEmptyItemsInBothForms) {
    // PVE sends some lists as arrays, some as text; an empty item is no group in either
    const auto from_array = boost::json::value_to<proxmox::user_info>(
        boost::json::parse(R"({"userid":"a@pve","groups":["admins","","ops"]})"));
    EXPECT_EQ(from_array.groups, (std::vector<std::string>{"admins", "ops"}));
    const auto from_text = boost::json::value_to<proxmox::user_info>(
        boost::json::parse(R"({"userid":"a@pve","groups":"admins,,ops"})"));
    EXPECT_EQ(from_text.groups, from_array.groups);
}
