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

TEST(Models, ClusterResourceToGuestReadsAsTheGuestListDoes) {
    // A full /cluster/resources guest entry: the view from the typed fields equals
    // value_to<guest_summary> of the same object, field by field; the rvalue form moves `raw`.
    const auto entry = boost::json::parse(
        R"({"id":"qemu/100","type":"qemu","vmid":100,"name":"web01","node":"pve","status":"running",)"
        R"("template":0,"cpu":0.25,"maxcpu":4,"mem":1073741824,"maxmem":4294967296,"disk":0,)"
        R"("maxdisk":34359738368,"uptime":3600,"netin":1234,"netout":5678,"diskread":1,"diskwrite":2,)"
        R"("lock":"backup","tags":"prod;web","pool":"web","hastate":"started"})");
    const auto expected = boost::json::value_to<guest_summary>(entry);
    auto r = cluster_resource::from_json(entry.as_object());
    for (const guest_summary& g : {r.to_guest(), cluster_resource(r).to_guest()}) {
        EXPECT_EQ(g.vmid, expected.vmid);
        EXPECT_EQ(g.name, expected.name);
        EXPECT_EQ(g.node, expected.node);
        EXPECT_EQ(g.type, expected.type);
        EXPECT_EQ(g.status, expected.status);
        EXPECT_EQ(g.is_template, expected.is_template);
        EXPECT_EQ(g.cpu, expected.cpu);
        EXPECT_EQ(g.cpus, 4u);
        EXPECT_EQ(g.cpus, expected.cpus);
        EXPECT_EQ(g.mem, expected.mem);
        EXPECT_EQ(g.maxmem, expected.maxmem);
        EXPECT_EQ(g.disk, expected.disk);
        EXPECT_EQ(g.maxdisk, expected.maxdisk);
        EXPECT_EQ(g.uptime, expected.uptime);
        EXPECT_EQ(g.netin, 1234u);
        EXPECT_EQ(g.netout, expected.netout);
        EXPECT_EQ(g.lock, expected.lock);
        EXPECT_EQ(g.tags, expected.tags);
        EXPECT_EQ(g.pool, expected.pool);
        EXPECT_EQ(g.raw, entry.as_object());
    }
    auto moved = std::move(r).to_guest();
    EXPECT_EQ(moved.raw, entry.as_object());
    EXPECT_TRUE(r.raw.empty()) << "the rvalue form moves raw instead of copying it";
}

TEST(Models, ClusterResourceFieldsAreReadLeniently) {
    // Perl may send numbers as strings and booleans as JSON booleans; missing fields stay empty
    auto r = cluster_resource::from_json(
        boost::json::parse(R"({"id":"qemu/100","type":"qemu","vmid":"100","template":true,)"
                           R"("maxcpu":"4","cpu":"0.5","mem":-1,"uptime":12.6,"name":42})")
            .as_object());
    ASSERT_TRUE(r.vmid);
    EXPECT_EQ(*r.vmid, 100u);
    EXPECT_TRUE(r.is_template);
    EXPECT_EQ(r.maxcpu, 4u);
    EXPECT_EQ(r.cpu, 0.5);
    EXPECT_EQ(r.mem, 0u) << "a negative size is 0";
    EXPECT_EQ(r.uptime, 13u);
    EXPECT_EQ(r.name, "42");
    EXPECT_EQ(r.node, "");
    EXPECT_FALSE(cluster_resource::from_json(boost::json::parse(R"({"vmid":"x"})").as_object()).vmid);
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
