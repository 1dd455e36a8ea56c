// proxmox::sim over plain HTTPS: node network, RRD series, next free VMID, guest firewalls and
// the QEMU guest agent.
#include "client.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <set>

namespace {

using namespace simtest;

/// Parameters as PVE clients send them: in the body of POST/PUT, in the query of DELETE.
reply send_params(client& c,
                  const std::string& method,
                  const std::string& path,
                  const std::string& form = {}) {
    request r;
    r.method = method;
    r.target = "/api2/json" + path + (method == "DELETE" && !form.empty() ? "?" + form : "");
    if (method != "DELETE" && method != "GET") {
        r.body = form;
        r.content_type = "application/x-www-form-urlencoded";
    }
    return c.send(r);
}

/// The JSON `message` of an error answer.
std::string message(const reply& r) {
    return text(body_json(r), "message");
}

/// The `errors` entry for `param` of a 400 answer.
std::string param_error(const reply& r, std::string_view param) {
    auto body = body_json(r);
    const auto* errors = body.is_object() ? body.as_object().if_contains("errors") : nullptr;
    return errors ? text(*errors, param) : std::string{};
}

const json::object* find_by(const json::array& items, std::string_view key, std::string_view value) {
    for (const auto& i : items)
        if (text(i, key) == value)
            return &i.as_object();
    return nullptr;
}

/// A VM from /cluster/resources: {node, vmid, name}.
struct vm_ref {
    std::string node, vmid, name;
    std::string path() const { return "/nodes/" + node + "/qemu/" + vmid; }
};

vm_ref to_ref(const json::object& o) {
    return {std::string(o.at("node").as_string()), std::to_string(o.at("vmid").to_number<int>()),
            std::string(o.at("name").as_string())};
}

/// A running (or stopped) non-template VM whose guest agent is (or is not) enabled.
vm_ref find_vm(client& c, bool running, bool agent) {
    auto all = data(c.get("/cluster/resources?type=vm"));
    for (const auto& g : all.as_array()) {
        const auto& o = g.as_object();
        if (o.at("type") != "qemu" || o.at("template").to_number<int>() != 0 ||
            (o.at("status") == "running") != running)
            continue;
        auto ref = to_ref(o);
        auto st = data(c.get(ref.path() + "/status/current"));
        if ((number(st, "agent") == 1) == agent)
            return ref;
    }
    ADD_FAILURE() << "no VM running=" << running << " agent=" << agent;
    return {};
}

// --- network ---------------------------------------------------------------------------------

class NodeNetwork : public proxmox::testing::sim_fixture {};

TEST_F(NodeNetwork, ListsTheBridgeAndTheNicsAsPveReadsThem) {
    client c(info());
    auto list = data(c.get("/nodes/pve2/network")).as_array();
    EXPECT_EQ(find_by(list, "iface", "lo"), nullptr) << "the loopback device is never listed";

    const auto* bridge = find_by(list, "iface", "vmbr0");
    ASSERT_NE(bridge, nullptr);
    EXPECT_EQ(bridge->at("type"), "bridge");
    EXPECT_EQ(bridge->at("method"), "static");
    EXPECT_EQ(bridge->at("method6"), "manual");
    EXPECT_EQ(bridge->at("cidr"), "192.168.1.11/24");
    EXPECT_EQ(bridge->at("address"), "192.168.1.11");
    EXPECT_EQ(bridge->at("netmask"), "24");
    EXPECT_EQ(bridge->at("gateway"), "192.168.1.1");
    EXPECT_EQ(bridge->at("bridge_ports"), "eno1");
    EXPECT_EQ(bridge->at("bridge_stp"), "off");
    EXPECT_EQ(bridge->at("bridge_fd"), "0");
    EXPECT_EQ(bridge->at("autostart"), 1);
    EXPECT_EQ(bridge->at("active"), 1);
    EXPECT_EQ(bridge->at("families"), (json::array{"inet"}));

    const auto* port = find_by(list, "iface", "eno1");
    ASSERT_NE(port, nullptr);
    EXPECT_EQ(port->at("type"), "eth");
    EXPECT_EQ(port->at("method"), "manual");
    EXPECT_EQ(port->at("exists"), 1);
    EXPECT_EQ(port->at("active"), 1);
    EXPECT_FALSE(port->contains("autostart")) << "the installer writes no 'auto eno1'";
    EXPECT_LT(port->at("priority").as_int64(), bridge->at("priority").as_int64()) << "file order";

    const auto* spare = find_by(list, "iface", "eno2");
    ASSERT_NE(spare, nullptr) << "an unconfigured physical NIC is listed too";
    EXPECT_EQ(spare->at("exists"), 1);
    EXPECT_FALSE(spare->contains("active"));
    EXPECT_FALSE(spare->contains("priority"));
}

TEST_F(NodeNetwork, FiltersByTypeAndReadsOneInterface) {
    client c(info());
    auto names = [&](const std::string& query) {
        std::set<std::string> out;
        const auto list = data(c.get("/nodes/pve/network" + query));
        for (const auto& i : list.as_array())
            out.insert(text(i, "iface"));
        return out;
    };
    EXPECT_EQ(names("?type=bridge"), (std::set<std::string>{"vmbr0"}));
    EXPECT_EQ(names("?type=any_bridge"), (std::set<std::string>{"vmbr0"}));
    EXPECT_EQ(names("?type=eth"), (std::set<std::string>{"eno1", "eno2"}));
    EXPECT_TRUE(names("?type=bond").empty());
    EXPECT_EQ(names("?type=include_sdn").size(), 3u);
    EXPECT_EQ(c.get("/nodes/pve/network?type=wifi").status, 400u);

    auto vmbr0 = data(c.get("/nodes/pve/network/vmbr0"));
    EXPECT_EQ(text(vmbr0, "cidr"), "192.168.1.10/24");
    EXPECT_FALSE(vmbr0.as_object().contains("iface")) << "only the list adds the name";
    auto lo = data(c.get("/nodes/pve/network/lo"));
    EXPECT_EQ(text(lo, "type"), "loopback");
    EXPECT_EQ(text(lo, "method"), "loopback");

    auto missing = c.get("/nodes/pve/network/vmbr9");
    EXPECT_EQ(missing.status, 400u);
    EXPECT_EQ(param_error(missing, "iface"), "interface does not exist");
}

// --- next id ---------------------------------------------------------------------------------

class NextId : public proxmox::testing::sim_fixture {
protected:
    void tune(proxmox::sim::options& o) override {
        if (test_is("SkipsEveryUsedIdWithoutGuests"))
            o.guests = 0;
    }
};

TEST_F(NextId, AnswersTheLowestFreeVmidAsAString) {
    client c(info());
    std::set<int> used;
    const auto guests = data(c.get("/cluster/resources?type=vm"));
    for (const auto& g : guests.as_array())
        used.insert(g.at("vmid").to_number<int>());
    int expected = 100;
    while (used.contains(expected))
        ++expected;

    auto next = data(c.get("/cluster/nextid"));
    ASSERT_TRUE(next.is_string()) << json::serialize(next);
    EXPECT_EQ(next.as_string(), std::to_string(expected));

    auto free = data(c.get("/cluster/nextid?vmid=4242"));
    ASSERT_TRUE(free.is_string());
    EXPECT_EQ(free.as_string(), "4242");

    auto taken = c.get("/cluster/nextid?vmid=100");
    EXPECT_EQ(taken.status, 400u);
    EXPECT_EQ(message(taken), "Parameter verification failed.\n");
    EXPECT_EQ(param_error(taken, "vmid"), "VM 100 already exists");
    EXPECT_EQ(c.get("/cluster/nextid?vmid=99").status, 400u) << "below the VMID range";
}

TEST_F(NextId, SkipsEveryUsedIdWithoutGuests) {
    client c(info());
    EXPECT_EQ(data(c.get("/cluster/nextid")).as_string(), "100");
}

// --- RRD -------------------------------------------------------------------------------------

std::int64_t step_of(const json::array& rows) {
    return rows.size() < 2 ? 0 : number(rows[1], "time") - number(rows[0], "time");
}

class RrdData : public proxmox::testing::sim_fixture {};

TEST_F(RrdData, NodeSeriesUseThePve9Resolutions) {
    client c(info());
    const struct {
        const char* timeframe;
        std::size_t count;
        std::int64_t step;
    } frames[] = {{"hour", 60, 60},      {"day", 1440, 60},     {"week", 336, 1800},
                  {"month", 1440, 1800}, {"year", 1440, 21600}, {"decade", 570, 604800}};
    for (const auto& f : frames) {
        const auto before = std::time(nullptr);
        auto rows = data(c.get(std::string("/nodes/pve/rrddata?timeframe=") + f.timeframe)).as_array();
        ASSERT_EQ(rows.size(), f.count) << f.timeframe;
        EXPECT_EQ(step_of(rows), f.step) << f.timeframe;
        const auto last = number(rows.back(), "time");
        EXPECT_EQ(last % f.step, 0) << "aligned to the step";
        EXPECT_LE(last, std::time(nullptr));
        EXPECT_GT(last + f.step, before) << "the last row is the current step";
    }
    EXPECT_EQ(c.get("/nodes/pve/qemu/100/rrddata?timeframe=decade").status, 400u) << "guests have no decade";
    EXPECT_EQ(c.get("/nodes/pve/rrddata").status, 400u) << "timeframe is required";
}

TEST_F(RrdData, NodeRowsCarryPvesDataSources) {
    client c(info());
    auto rows = data(c.get("/nodes/pve/rrddata?timeframe=hour")).as_array();
    const auto& row = rows.back().as_object();
    for (const char* key :
         {"loadavg", "maxcpu", "cpu", "iowait", "memtotal", "memused", "swaptotal", "swapused", "roottotal",
          "rootused", "netin", "netout", "memfree", "memavailable"})
        EXPECT_TRUE(row.contains(key)) << key;
    EXPECT_GE(row.at("cpu").to_number<double>(), 0.0);
    EXPECT_LE(row.at("cpu").to_number<double>(), 1.0);
    EXPECT_LE(row.at("memused").to_number<double>(), row.at("memtotal").to_number<double>());
    EXPECT_EQ(row.at("memavailable"), row.at("memfree"));

    auto again = data(c.get("/nodes/pve/rrddata?timeframe=hour")).as_array();
    EXPECT_EQ(json::serialize(again.front()), json::serialize(rows.front())) << "deterministic";

    auto unknown = c.get("/nodes/nosuchnode/rrddata?timeframe=hour");
    EXPECT_EQ(unknown.status, 500u);
    EXPECT_EQ(message(unknown),
              "RRD error: rrdcached: rrd_fetch_r failed: opening "
              "'/var/lib/rrdcached/db/pve-node-9.0/nosuchnode': No such file or directory\n");
}

TEST_F(RrdData, MaxIsNeverBelowAverage) {
    client c(info());
    const auto vm = find_vm(c, true, true);
    auto compare = [&](const std::string& timeframe, bool expect_difference) {
        auto avg = data(c.get(vm.path() + "/rrddata?timeframe=" + timeframe)).as_array();
        auto max = data(c.get(vm.path() + "/rrddata?timeframe=" + timeframe + "&cf=MAX")).as_array();
        ASSERT_EQ(avg.size(), max.size());
        bool differs = false;
        for (std::size_t i = 0; i < avg.size(); ++i) {
            EXPECT_EQ(number(avg[i], "time"), number(max[i], "time"));
            for (const auto& [key, value] : avg[i].as_object()) {
                if (key == "time")
                    continue;
                const double a = value.to_number<double>();
                const double m = max[i].at(key).to_number<double>();
                EXPECT_GE(m, a) << timeframe << " " << key;
                differs = differs || m > a;
            }
        }
        EXPECT_EQ(differs, expect_difference) << timeframe;
    };
    compare("hour", false); // one sample per row: both functions agree
    compare("week", true);
}

TEST_F(RrdData, StoppedGuestsReportOnlyTheirLimits) {
    client c(info());
    const auto running = find_vm(c, true, true);
    auto row = data(c.get(running.path() + "/rrddata?timeframe=hour")).as_array().back().as_object();
    for (const char* key : {"cpu", "maxcpu", "mem", "maxmem", "disk", "maxdisk", "netin", "netout",
                            "diskread", "diskwrite", "memhost", "pressurecpusome"})
        EXPECT_TRUE(row.contains(key)) << key;
    EXPECT_LE(row.at("mem").to_number<double>(), row.at("maxmem").to_number<double>());

    auto [node, vmid] = stopped_vm(c);
    auto stopped = data(c.get("/nodes/" + node + "/qemu/" + vmid + "/rrddata?timeframe=hour")).as_array();
    ASSERT_EQ(stopped.size(), 60u);
    for (const auto& r : stopped) {
        const auto& o = r.as_object();
        EXPECT_TRUE(o.contains("maxcpu") && o.contains("maxmem") && o.contains("maxdisk") &&
                    o.contains("disk"));
        EXPECT_FALSE(o.contains("cpu") || o.contains("mem") || o.contains("netin") || o.contains("diskwrite"))
            << json::serialize(o);
    }

    auto ct = find_resource(
        c, [](const json::object& o) { return o.at("type") == "lxc" && o.at("status") == "running"; });
    auto ct_rows = data(c.get("/nodes/" + std::string(ct.at("node").as_string()) + "/lxc/" +
                              std::to_string(ct.at("vmid").to_number<int>()) + "/rrddata?timeframe=day"))
                       .as_array();
    ASSERT_EQ(ct_rows.size(), 1440u);
    EXPECT_GT(ct_rows.back().at("disk").to_number<double>(), 0.0)
        << "a running container reports its disk use";

    auto unknown = c.get("/nodes/pve/qemu/7777/rrddata?timeframe=hour");
    EXPECT_EQ(unknown.status, 500u);
    EXPECT_EQ(message(unknown), "RRD error: rrdcached: rrd_fetch_r failed: opening "
                                "'/var/lib/rrdcached/db/pve-vm-9.0/7777': No such file or directory\n");
}

TEST_F(RrdData, AStartedGuestReportsUsageFromTheNextStep) {
    client c(info());
    auto [node, vmid] = stopped_vm(c);
    const auto path = "/nodes/" + node + "/qemu/" + vmid;
    wait_for_task(c, std::string(data(c.post(path + "/status/start")).as_string()));
    server().advance_clock(std::chrono::minutes(3));
    auto rows = data(c.get(path + "/rrddata?timeframe=hour")).as_array();
    EXPECT_TRUE(rows.back().as_object().contains("cpu"));
    EXPECT_TRUE(rows.back().as_object().contains("netin"));
    EXPECT_FALSE(rows.front().as_object().contains("cpu")) << "an hour ago it was stopped";
}

TEST_F(RrdData, StorageSeriesHaveTotalAndUsed) {
    client c(info());
    auto rows = data(c.get("/nodes/pve2/storage/local-lvm/rrddata?timeframe=month&cf=MAX")).as_array();
    ASSERT_EQ(rows.size(), 1440u);
    const auto& last = rows.back().as_object();
    EXPECT_GT(last.at("total").to_number<double>(), 0.0);
    EXPECT_LE(last.at("used").to_number<double>(), last.at("total").to_number<double>());
    EXPECT_LE(rows.front().at("used").to_number<double>(), last.at("used").to_number<double>());

    auto missing = c.get("/nodes/pve2/storage/nfs1/rrddata?timeframe=hour");
    EXPECT_EQ(missing.status, 500u);
    EXPECT_EQ(message(missing),
              "RRD error: rrdcached: rrd_fetch_r failed: opening "
              "'/var/lib/rrdcached/db/pve-storage-9.0/pve2/nfs1': No such file or directory\n");
}

// --- firewall --------------------------------------------------------------------------------

constexpr const char* empty_sha1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";

class FirewallOptions : public proxmox::testing::sim_fixture {};

TEST_F(FirewallOptions, StartEmptyAndChangeWithDigestAndDelete) {
    client c(info());
    const std::string path = "/nodes/pve/qemu/100/firewall/options";
    auto initial = data(c.get(path));
    EXPECT_EQ(json::serialize(initial), std::string("{\"digest\":\"") + empty_sha1 + "\"}")
        << "an empty VMID.fw: no defaults are filled in";

    auto put = send_params(c, "PUT", path,
                           "enable=1&policy_in=DROP&log_level_in=info&macfilter=0&digest=" +
                               std::string(empty_sha1));
    EXPECT_EQ(put.status, 200u) << put.body;
    EXPECT_TRUE(body_json(put).at("data").is_null());
    auto opts = data(c.get(path));
    EXPECT_EQ(opts.at("enable"), 1);
    EXPECT_EQ(opts.at("macfilter"), 0);
    EXPECT_EQ(text(opts, "policy_in"), "DROP");
    EXPECT_EQ(text(opts, "log_level_in"), "info");
    EXPECT_NE(text(opts, "digest"), empty_sha1);

    auto stale = send_params(c, "PUT", path, "enable=0&digest=" + std::string(empty_sha1));
    EXPECT_EQ(stale.status, 500u);
    EXPECT_EQ(message(stale), "detected modified configuration - file changed by other user? Try again.\n");

    auto bogus = send_params(c, "PUT", path, "delete=bogus");
    EXPECT_EQ(bogus.status, 400u);
    EXPECT_EQ(param_error(bogus, "delete"), "no such option 'bogus'");

    EXPECT_EQ(
        send_params(c, "PUT", path, "delete=policy_in,log_level_in&digest=" + text(opts, "digest")).status,
        200u);
    auto after = data(c.get(path));
    EXPECT_FALSE(after.as_object().contains("policy_in"));
    EXPECT_FALSE(after.as_object().contains("log_level_in"));
    EXPECT_EQ(after.at("enable"), 1);

    EXPECT_EQ(send_params(c, "PUT", path, "enable=maybe").status, 400u) << "schema: boolean";
}

class FirewallRules : public proxmox::testing::sim_fixture {};

TEST_F(FirewallRules, CreateListMoveAndDeleteRenumber) {
    client c(info());
    const std::string rules = "/nodes/pve/qemu/100/firewall/rules";
    EXPECT_TRUE(data(c.get(rules)).as_array().empty());

    ASSERT_EQ(
        send_params(c, "POST", rules, "type=in&action=ACCEPT&proto=tcp&dport=22&enable=1&comment=ssh").status,
        200u);
    ASSERT_EQ(send_params(c, "POST", rules, "type=out&action=DROP&macro=http&source=10.0.0.0/8").status,
              200u);
    ASSERT_EQ(send_params(c, "POST", rules, "type=in&action=REJECT&proto=icmp").status, 200u);

    auto list = data(c.get(rules)).as_array();
    ASSERT_EQ(list.size(), 3u);
    EXPECT_EQ(text(list[0], "action"), "REJECT") << "a new rule goes to the top";
    EXPECT_EQ(number(list[0], "ipversion"), 4) << "icmp is IPv4";
    EXPECT_EQ(text(list[1], "macro"), "HTTP") << "the macro's preferred spelling";
    EXPECT_EQ(number(list[1], "enable"), 0) << "rules start disabled";
    EXPECT_EQ(number(list[1], "ipversion"), 4);
    EXPECT_EQ(text(list[2], "dport"), "22");
    EXPECT_EQ(number(list[2], "enable"), 1);
    EXPECT_EQ(text(list[2], "comment"), "ssh");
    for (std::size_t i = 0; i < list.size(); ++i) {
        EXPECT_EQ(number(list[i], "pos"), static_cast<std::int64_t>(i));
        EXPECT_EQ(text(list[i], "digest"), text(list[0], "digest")) << "the digest of the whole list";
    }

    auto one = data(c.get(rules + "/2"));
    EXPECT_EQ(text(one, "comment"), "ssh");
    EXPECT_EQ(number(one, "pos"), 2);

    // move the ssh rule to the top: the others move down
    ASSERT_EQ(send_params(c, "PUT", rules + "/2", "moveto=0&comment=ignored").status, 200u);
    list = data(c.get(rules)).as_array();
    EXPECT_EQ(text(list[0], "comment"), "ssh") << "moveto ignores the other arguments";
    EXPECT_EQ(text(list[1], "action"), "REJECT");
    EXPECT_EQ(text(list[2], "macro"), "HTTP");
    // and past the end: it goes last
    ASSERT_EQ(send_params(c, "PUT", rules + "/0", "moveto=10").status, 200u);
    list = data(c.get(rules)).as_array();
    EXPECT_EQ(text(list[2], "comment"), "ssh");

    auto stale = send_params(c, "DELETE", rules + "/0", "digest=" + std::string(empty_sha1));
    EXPECT_EQ(stale.status, 500u);
    EXPECT_EQ(message(stale), "detected modified configuration - file changed by other user? Try again.\n");
    ASSERT_EQ(send_params(c, "DELETE", rules + "/0", "digest=" + text(list[0], "digest")).status, 200u);
    list = data(c.get(rules)).as_array();
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(text(list[0], "macro"), "HTTP");
    EXPECT_EQ(number(list[1], "pos"), 1);

    auto missing = c.get(rules + "/5");
    EXPECT_EQ(missing.status, 500u);
    EXPECT_EQ(message(missing), "no rule at position 5\n");
    EXPECT_EQ(message(send_params(c, "DELETE", rules + "/2")), "no rule at position 2\n");
}

TEST_F(FirewallRules, VerifyRuleErrorsLikePve) {
    client c(info());
    const std::string rules = "/nodes/pve/qemu/101/firewall/rules";
    auto expect_error = [&](const std::string& form, const char* param, const std::string& text) {
        auto r = send_params(c, "POST", rules, form);
        EXPECT_EQ(r.status, 400u) << form;
        EXPECT_EQ(param_error(r, param), text) << form << " -> " << r.body;
    };
    expect_error("type=in&action=ACCEPT&dport=22", "proto",
                 "missing property - 'dport' requires this property");
    expect_error("type=in&action=FORWARD", "action", "unknown action 'FORWARD'");
    expect_error("type=in&action=ACCEPT&macro=Nope", "macro", "unknown macro 'Nope'");
    expect_error("type=in&action=ACCEPT&iface=eth0", "iface",
                 "value does not match the regex pattern 'net\\d+'");
    expect_error("type=in&action=ACCEPT&macro=SSH&proto=udp", "proto",
                 "parameter 'proto' already define in macro (value = 'tcp')");
    expect_error("type=in&action=ACCEPT&source=office", "source", "no such alias 'office'");
    expect_error("type=in&action=ACCEPT&dest=%2Bblocked", "dest", "no such ipset 'blocked'");
    // pve-firewall's formats: checked with the schema, before the handler
    expect_error("type=in&action=ACCEPT&proto=icmp&dport=70000", "dport",
                 "invalid format - invalid port '70000'\n");
    expect_error("type=in&action=ACCEPT&proto=gre&dport=80", "dport",
                 "protocol 'gre' does not support ports");
    expect_error("type=in&action=ACCEPT&proto=tcp&dport=90:80", "dport",
                 "invalid format - backwards range '90:80' not allowed, did you mean '80:90'?\n");
    expect_error("type=in&action=ACCEPT&source=10.0.0.1,fd00::1", "source",
                 "invalid format - detected mixed ipv4/ipv6 addresses in address list '10.0.0.1,fd00::1'\n");
    expect_error("type=in&action=ACCEPT&proto=icmp&source=fd00::1", "source",
                 "detected mixed ipv4/ipv6 addresses in rule");
    expect_error("type=in&action=ACCEPT&proto=nosuch", "proto",
                 "invalid format - unknown protocol 'nosuch'\n");
    EXPECT_EQ(send_params(c, "POST", rules, "type=sideways&action=ACCEPT").status, 400u) << "schema enum";
    EXPECT_TRUE(data(c.get(rules)).as_array().empty()) << "no failed rule was saved";

    ASSERT_EQ(
        send_params(c, "POST", rules, "type=in&action=ACCEPT&iface=net0&source=fd00::/64&proto=tcp&dport=443")
            .status,
        200u);
    auto rule = data(c.get(rules + "/0"));
    EXPECT_EQ(number(rule, "ipversion"), 6);
    EXPECT_EQ(text(rule, "iface"), "net0");
}

TEST_F(FirewallRules, UpdateChangesAndDeletesProperties) {
    client c(info());
    const std::string rules = "/nodes/pve/lxc/200/firewall/rules";
    ASSERT_EQ(send_params(c, "POST", rules, "type=in&action=ACCEPT&proto=tcp&dport=80&log=info").status,
              200u);
    auto before = data(c.get(rules + "/0"));

    ASSERT_EQ(send_params(c, "PUT", rules + "/0",
                          "comment=web&enable=1&delete=log&digest=" + text(before, "digest"))
                  .status,
              200u);
    auto after = data(c.get(rules + "/0"));
    EXPECT_EQ(text(after, "comment"), "web");
    EXPECT_EQ(number(after, "enable"), 1);
    EXPECT_FALSE(after.as_object().contains("log"));
    EXPECT_NE(text(after, "digest"), text(before, "digest"));

    // a form value `comment=` arrives as undef (Perl's split), which changes nothing; '-' deletes
    ASSERT_EQ(send_params(c, "PUT", rules + "/0", "comment=").status, 200u);
    EXPECT_EQ(text(data(c.get(rules + "/0")), "comment"), "web");
    ASSERT_EQ(send_params(c, "PUT", rules + "/0", "comment=-").status, 200u);
    EXPECT_FALSE(data(c.get(rules + "/0")).as_object().contains("comment"));

    auto required = send_params(c, "PUT", rules + "/0", "delete=action");
    EXPECT_EQ(required.status, 400u);
    EXPECT_EQ(param_error(required, "delete"), "unable to delete required property 'action'");
    auto unknown = send_params(c, "PUT", rules + "/0", "delete=color");
    EXPECT_EQ(param_error(unknown, "delete"), "no such property ('color')");
    auto invalid = send_params(c, "PUT", rules + "/0", "delete=proto");
    EXPECT_EQ(param_error(invalid, "proto"), "missing property - 'dport' requires this property");
    auto stale = send_params(c, "PUT", rules + "/0", "comment=x&digest=" + text(before, "digest"));
    EXPECT_EQ(stale.status, 500u);
}

TEST_F(FirewallRules, BelongToTheVmidNotToANode) {
    client c(info());
    auto index = data(c.get("/nodes/pve/qemu/100/firewall")).as_array();
    std::set<std::string> names;
    for (const auto& i : index)
        names.insert(text(i, "name"));
    EXPECT_EQ(names, (std::set<std::string>{"rules", "aliases", "ipset", "refs", "options"}));

    // the rule calls are not proxied: any node name reaches VMID.fw
    ASSERT_EQ(send_params(c, "POST", "/nodes/pve3/qemu/100/firewall/rules", "type=in&action=DROP").status,
              200u);
    EXPECT_EQ(data(c.get("/nodes/pve/qemu/100/firewall/rules")).as_array().size(), 1u);
    EXPECT_TRUE(data(c.get("/nodes/pve/qemu/101/firewall/rules")).as_array().empty()) << "per VMID";

    // a VMID without a guest has an (empty) firewall file too, and writes create it
    EXPECT_TRUE(data(c.get("/nodes/pve/qemu/5555/firewall/rules")).as_array().empty());
    ASSERT_EQ(send_params(c, "POST", "/nodes/pve/qemu/5555/firewall/rules", "type=out&action=ACCEPT").status,
              200u);
    EXPECT_EQ(data(c.get("/nodes/pve/lxc/5555/firewall/rules")).as_array().size(), 1u);
}

// --- guest agent -----------------------------------------------------------------------------

/// Polls exec-status until the program ended.
json::value exec_and_wait(client& c, const vm_ref& vm, const std::string& form) {
    auto started = c.post(vm.path() + "/agent/exec", form);
    auto pid = data(started);
    EXPECT_GT(number(pid, "pid"), 0) << started.body;
    const auto status_path = vm.path() + "/agent/exec-status?pid=" + std::to_string(number(pid, "pid"));
    for (int i = 0; i < 500; ++i) {
        auto st = data(c.get(status_path));
        if (number(st, "exited") == 1)
            return st;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "the program did not end";
    return nullptr;
}

class AgentErrors : public proxmox::testing::sim_fixture {};

TEST_F(AgentErrors, NeedAConfiguredAgentAndARunningVm) {
    client c(info());
    const auto no_agent = find_vm(c, true, false);
    auto r = c.post(no_agent.path() + "/agent/ping");
    EXPECT_EQ(r.status, 500u);
    EXPECT_EQ(message(r), "No QEMU guest agent configured\n");
    EXPECT_EQ(r.reason, "No QEMU guest agent configured");

    const auto stopped = find_vm(c, false, true);
    r = c.get(stopped.path() + "/agent/get-osinfo");
    EXPECT_EQ(r.status, 500u);
    EXPECT_EQ(message(r), "VM " + stopped.vmid + " is not running\n");
    EXPECT_EQ(message(c.post(stopped.path() + "/agent/exec", "command=hostname")),
              "VM " + stopped.vmid + " is not running\n");

    r = c.post("/nodes/pve/qemu/7777/agent/exec", "command=hostname");
    EXPECT_EQ(r.status, 500u);
    EXPECT_EQ(message(r), "Configuration file 'nodes/pve/qemu-server/7777.conf' does not exist\n");

    EXPECT_EQ(c.post(no_agent.path() + "/agent/exec").status, 400u) << "command is required";
}

class AgentExec : public proxmox::testing::sim_fixture {
protected:
    void tune(proxmox::sim::options& o) override {
        if (test_is("RunsAProgramAndReportsItOnce"))
            o.task_seconds = 0.6; // the program runs 0.3 s
    }
};

TEST_F(AgentExec, RunsAProgramAndReportsItOnce) {
    client c(info());
    const auto vm = find_vm(c, true, true);
    auto started = data(c.post(vm.path() + "/agent/exec", "command=hostname"));
    const auto pid = std::to_string(number(started, "pid"));
    auto running = data(c.get(vm.path() + "/agent/exec-status?pid=" + pid));
    EXPECT_EQ(json::serialize(running), "{\"exited\":0}");

    json::value done;
    for (int i = 0; i < 200 && number(done, "exited") != 1; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        done = data(c.get(vm.path() + "/agent/exec-status?pid=" + pid));
    }
    EXPECT_EQ(number(done, "exited"), 1);
    EXPECT_EQ(number(done, "exitcode"), 0);
    EXPECT_EQ(text(done, "out-data"), vm.name + "\n");
    EXPECT_EQ(number(done, "out-truncated"), 0);
    EXPECT_FALSE(done.as_object().contains("err-data")) << "no output, no field";

    auto gone = c.get(vm.path() + "/agent/exec-status?pid=" + pid);
    EXPECT_EQ(gone.status, 500u);
    EXPECT_EQ(message(gone), "Agent error: Invalid parameter 'pid'\n");

    auto second = data(c.post(vm.path() + "/agent/exec", "command=true"));
    EXPECT_NE(number(second, "pid"), number(started, "pid"));
}

TEST_F(AgentExec, SimulatesCommonCommands) {
    client c(info());
    const auto vm = find_vm(c, true, true);

    auto uname = exec_and_wait(c, vm, "command=uname&command=-a");
    EXPECT_EQ(text(uname, "out-data").rfind("Linux " + vm.name + " ", 0), 0u) << text(uname, "out-data");
    EXPECT_NE(text(uname, "out-data").find("x86_64 GNU/Linux\n"), std::string::npos);

    auto release = exec_and_wait(c, vm, "command=cat&command=%2Fetc%2Fos-release");
    EXPECT_NE(text(release, "out-data").find("ID=debian\n"), std::string::npos);

    auto echo = exec_and_wait(c, vm, "command=echo&command=hello&command=world");
    EXPECT_EQ(text(echo, "out-data"), "hello world\n");

    auto shell = exec_and_wait(c, vm, "command=%2Fbin%2Fsh&command=-c&command=uname%20-r");
    EXPECT_EQ(text(shell, "out-data"), "6.12.48+deb13-amd64\n");

    auto not_found = exec_and_wait(c, vm, "command=sh&command=-c&command=frobnicate%20now");
    EXPECT_EQ(number(not_found, "exitcode"), 127) << "the shell starts, the program is missing";
    EXPECT_EQ(text(not_found, "err-data"), "sh: 1: frobnicate: not found\n");

    auto fails = exec_and_wait(c, vm, "command=false");
    EXPECT_EQ(number(fails, "exitcode"), 1);

    auto missing = exec_and_wait(c, vm, "command=cat&command=%2Fnope");
    EXPECT_EQ(number(missing, "exitcode"), 1);
    EXPECT_EQ(text(missing, "err-data"), "cat: /nope: No such file or directory\n");
    EXPECT_EQ(number(missing, "err-truncated"), 0);

    auto stdin_cat = exec_and_wait(c, vm, "command=cat&input-data=piped%20text");
    EXPECT_EQ(text(stdin_cat, "out-data"), "piped text");

    auto ip = exec_and_wait(c, vm, "command=ip&command=-j&command=a");
    auto links = json::parse(text(ip, "out-data")).as_array();
    ASSERT_EQ(links.size(), 2u);
    EXPECT_EQ(text(links[1], "ifname"), "eth0");
    EXPECT_EQ(text(links[1], "address").rfind("bc:24:11:", 0), 0u);

    auto unknown = c.post(vm.path() + "/agent/exec", "command=nosuchprogram&command=--help");
    EXPECT_EQ(unknown.status, 500u);
    EXPECT_EQ(message(unknown), "Agent error: Guest agent command failed, error was 'Failed to execute child "
                                "process \u201cnosuchprogram\u201d (No such file or directory)'\n");
}

class AgentCommands : public proxmox::testing::sim_fixture {};

TEST_F(AgentCommands, AnswerWithQgaResults) {
    client c(info());
    const auto vm = find_vm(c, true, true);

    EXPECT_EQ(body_json(c.post(vm.path() + "/agent/ping")).at("data"),
              (json::object{{"result", json::object{}}}));
    EXPECT_EQ(text(data(c.get(vm.path() + "/agent/get-host-name")).at("result"), "host-name"), vm.name);
    auto os = data(c.get(vm.path() + "/agent/get-osinfo")).at("result");
    EXPECT_EQ(text(os, "id"), "debian");
    EXPECT_EQ(text(os, "version-id"), "13");
    auto info = data(c.get(vm.path() + "/agent/info")).at("result");
    EXPECT_FALSE(text(info, "version").empty());
    bool has_exec = false;
    for (const auto& cmd : info.at("supported_commands").as_array())
        has_exec = has_exec || text(cmd, "name") == "guest-exec";
    EXPECT_TRUE(has_exec);
    EXPECT_EQ(data(c.post(vm.path() + "/agent", "command=get-host-name")).at("result").at("host-name"),
              vm.name.c_str())
        << "the old POST .../agent endpoint";

    auto nics = data(c.get(vm.path() + "/agent/network-get-interfaces")).at("result").as_array();
    ASSERT_EQ(nics.size(), 2u);
    EXPECT_EQ(text(nics[0], "name"), "lo");
    EXPECT_EQ(text(nics[1], "name"), "eth0");
    const auto mac = text(nics[1], "hardware-address");
    ASSERT_EQ(mac.size(), 17u);
    EXPECT_EQ(mac.substr(0, 9), "bc:24:11:");
    // the link-local address is the MAC's EUI-64
    const auto& addrs = nics[1].at("ip-addresses").as_array();
    ASSERT_EQ(addrs.size(), 2u);
    EXPECT_EQ(text(addrs[0], "ip-address-type"), "ipv4");
    EXPECT_EQ(text(addrs[1], "ip-address").substr(0, 18), "fe80::be24:11ff:fe");
    EXPECT_GT(nics[1].at("statistics").at("rx-bytes").to_number<std::int64_t>(), 0);
    auto cfg = c.get(vm.path() + "/config");
    if (cfg.status == 200) {
        auto net0 = text(body_json(cfg).at("data"), "net0");
        std::string upper = mac;
        for (auto& ch : upper)
            ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        EXPECT_NE(net0.find(upper), std::string::npos) << net0;
    }

    auto index = data(c.get(vm.path() + "/agent")).as_array();
    EXPECT_NE(find_by(index, "name", "exec-status"), nullptr);
    EXPECT_NE(find_by(index, "name", "network-get-interfaces"), nullptr);
}

} // namespace
