// proxmox::sim driven over plain HTTPS: TLS, envelope, errors, auth, validation, tasks.
#include "client.hpp"
#include "test_util.hpp"

#include <proxmox/sim/server.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

namespace {

namespace json = boost::json;
using simtest::client;
using simtest::reply;
using simtest::request;

// Shared helpers of the simulator tests (test_util.hpp).
using simtest::body_json;
using simtest::data;
using simtest::number;
using simtest::text;

/// The 401 delay the delay tests below measure against.
constexpr std::chrono::milliseconds unauthorized_delay{50};

/// quick_sim_options with that 401 delay, for the tests that build their own servers.
proxmox::sim::options fast_options() {
    auto o = simtest::quick_sim_options();
    o.unauthorized_delay = unauthorized_delay;
    return o;
}

const std::regex upid_re(
    R"(^UPID:([a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?):([0-9A-F]{8}):([0-9A-F]{8,9}):([0-9A-F]{8}):([^:\s/]+):([^:\s/]*):([^:\s/]+):$)");

class Sim : public proxmox::testing::sim_fixture {
protected:
    void tune(proxmox::sim::options& o) override { o.unauthorized_delay = unauthorized_delay; }

    /// The first guest matching the predicate, from /cluster/resources.
    template <class Pred> json::object find_guest(Pred pred) {
        client c(info());
        auto all = data(c.get("/cluster/resources?type=vm"));
        for (const auto& g : all.as_array())
            if (pred(g.as_object()))
                return g.as_object();
        ADD_FAILURE() << "no such guest in " << json::serialize(all);
        return {};
    }

    json::object vm(bool running, bool tmpl = false) {
        return find_guest([&](const json::object& g) {
            return g.at("type") == "qemu" && (g.at("status") == "running") == running &&
                   (g.at("template").to_number<int>() == 1) == tmpl;
        });
    }
};

/// Polls a task until it is stopped (at most 10 s) and returns its last status.
json::value wait_task(client& c, const std::string& upid) {
    std::smatch m;
    EXPECT_TRUE(std::regex_match(upid, m, upid_re)) << upid;
    const std::string node = m[1].str();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
        auto st = data(c.get("/nodes/" + node + "/tasks/" + simtest::encode_segment(upid) + "/status"));
        if (text(st, "status") == "stopped" || std::chrono::steady_clock::now() > deadline)
            return st;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

json::value task_log(client& c, const std::string& node, const std::string& upid, std::string query = {}) {
    return body_json(c.get("/nodes/" + node + "/tasks/" + simtest::encode_segment(upid) + "/log" + query));
}

// --- TLS ------------------------------------------------------------------------------------

TEST_F(Sim, TlsVerifiesAgainstTheCaFileAndPinsTheLeafFingerprint) {
    EXPECT_TRUE(info().url.starts_with("https://127.0.0.1:")) << info().url;
    EXPECT_TRUE(std::regex_match(info().fingerprint, std::regex("^([0-9A-F]{2}:){31}[0-9A-F]{2}$")))
        << info().fingerprint;
    std::ifstream ca(info().ca_file);
    std::stringstream pem;
    pem << ca.rdbuf();
    EXPECT_NE(pem.str().find("-----BEGIN CERTIFICATE-----"), std::string::npos);

    client c(info());
    EXPECT_EQ(c.get("/version").status, 200u);
    EXPECT_EQ(c.peer_fingerprint(), info().fingerprint);
}

TEST_F(Sim, TlsFailsWithoutTheClusterCa) {
    client c(info(), /*verify_with_ca=*/false);
    EXPECT_ANY_THROW(c.get("/version"));
}

// --- shapes ---------------------------------------------------------------------------------

TEST_F(Sim, VersionHasPveNineOneFields) {
    client c(info());
    auto r = c.get("/version");
    EXPECT_EQ(r.header("server"), "pve-api-daemon/3.0");
    EXPECT_EQ(r.header("content-type"), "application/json;charset=UTF-8");
    EXPECT_EQ(r.header("cache-control"), "max-age=0");
    EXPECT_EQ(r.header("pragma"), "no-cache");
    EXPECT_FALSE(r.header("expires").empty());
    auto v = data(r);
    EXPECT_EQ(text(v, "release"), "9.1");
    EXPECT_TRUE(text(v, "version").starts_with("9.1."));
    EXPECT_TRUE(std::regex_match(text(v, "repoid"), std::regex("[0-9a-fA-F]{8,64}")));
}

TEST_F(Sim, NodesListsPvePve2Pve3Online) {
    client c(info());
    auto nodes = data(c.get("/nodes"));
    ASSERT_TRUE(nodes.is_array());
    std::set<std::string> names;
    for (const auto& n : nodes.as_array()) {
        names.insert(text(n, "node"));
        EXPECT_EQ(text(n, "status"), "online");
        EXPECT_GT(number(n, "maxcpu"), 0);
        EXPECT_GT(number(n, "maxmem"), number(n, "mem"));
        EXPECT_GT(number(n, "uptime"), 0);
        EXPECT_EQ(text(n, "ssl_fingerprint"), info().fingerprint);
    }
    EXPECT_EQ(names, (std::set<std::string>{"pve", "pve2", "pve3"}));
}

TEST_F(Sim, NodeStatusDescribesTheHost) {
    client c(info());
    auto st = data(c.get("/nodes/pve2/status"));
    EXPECT_TRUE(text(st, "pveversion").starts_with("pve-manager/9.1."));
    EXPECT_EQ(st.at("loadavg").as_array().size(), 3u);
    EXPECT_GT(st.at("memory").at("total").to_number<double>(),
              st.at("memory").at("used").to_number<double>());
    EXPECT_GT(st.at("cpuinfo").at("cpus").to_number<int>(), 0);
}

TEST_F(Sim, ClusterResourcesUsesPveIdsAndFilters) {
    client c(info());
    auto all = data(c.get("/cluster/resources"));
    std::set<std::string> ids;
    int guests = 0;
    for (const auto& r : all.as_array()) {
        ids.insert(text(r, "id"));
        guests += text(r, "type") == "qemu" || text(r, "type") == "lxc";
    }
    EXPECT_EQ(guests, 12);
    for (const char* id : {"qemu/100", "lxc/200", "node/pve", "node/pve3", "storage/pve/local",
                           "storage/pve2/local-lvm", "qemu/9000", "qemu/9001"})
        EXPECT_TRUE(ids.contains(id)) << id;

    auto vms = data(c.get("/cluster/resources?type=vm"));
    int templates = 0;
    for (const auto& r : vms.as_array()) {
        const auto type = text(r, "type");
        EXPECT_TRUE(type == "qemu" || type == "lxc") << type;
        EXPECT_EQ(text(r, "id"), type + "/" + std::to_string(number(r, "vmid")));
        templates += number(r, "template") == 1;
        if (number(r, "vmid") == 9000) {
            EXPECT_EQ(text(r, "name"), "debian-12-template");
        }
        if (number(r, "vmid") == 9001) {
            EXPECT_EQ(text(r, "name"), "ubuntu-24.04-template");
        }
    }
    EXPECT_EQ(templates, 2);
    EXPECT_EQ(vms.as_array().size(), 12u);

    auto storage = data(c.get("/cluster/resources?type=storage"));
    EXPECT_EQ(storage.as_array().size(), 6u); // local + local-lvm on three nodes
    for (const auto& s : storage.as_array()) {
        EXPECT_EQ(text(s, "type"), "storage");
        EXPECT_EQ(text(s, "id"), "storage/" + text(s, "node") + "/" + text(s, "storage"));
        EXPECT_TRUE(text(s, "content") == "backup,iso,vztmpl" || text(s, "content") == "images,rootdir");
    }
}

TEST_F(Sim, ClusterResourcesAreOrderedAndShapedLikePveNineOne) {
    client c(info());
    // a pool with a running VM (100), a stopped one (101) and a running container (200)
    ASSERT_EQ(c.post("/pools", "poolid=web").status, 200u);
    ASSERT_EQ(send_form(c, "PUT", "/pools/web", "vms=100,101,200").status, 200u);
    // VMID 1000 sorts between 100 and 101 (Cluster.pm: `sort keys`, a string sort)
    ASSERT_EQ(c.post("/nodes/pve/qemu", "vmid=1000").status, 200u);

    auto all = data(c.get("/cluster/resources")).as_array();
    ASSERT_FALSE(all.empty());
    EXPECT_EQ(text(all[0], "id"), "/pool/web") << "pools come first";
    std::vector<std::string> order;
    std::set<std::string> types;
    for (const auto& r : all) {
        types.insert(text(r, "type"));
        if (text(r, "type") == "qemu" || text(r, "type") == "lxc")
            order.push_back(std::to_string(number(r, "vmid")));
    }
    ASSERT_GE(order.size(), 3u);
    EXPECT_EQ((std::vector<std::string>{order[0], order[1], order[2]}),
              (std::vector<std::string>{"100", "1000", "101"}));
    EXPECT_FALSE(types.contains("sdn")) << "a 9.x node publishes network entries instead";

    // the pool sums its running members: maxcpu, mem, maxmem; cpu weighted by maxcpu; the
    // longest uptime
    json::object vm100, ct200;
    std::vector<json::object> zones;
    for (const auto& r : all) {
        if (text(r, "id") == "qemu/100")
            vm100 = r.as_object();
        if (text(r, "id") == "lxc/200")
            ct200 = r.as_object();
        if (text(r, "type") == "network")
            zones.push_back(r.as_object());
        if (text(r, "type") == "node") {
            EXPECT_EQ(number(r, "cgroup-mode"), 2) << text(r, "id");
        }
    }
    ASSERT_EQ(text(vm100, "status"), "running");
    ASSERT_EQ(text(ct200, "status"), "running");
    const auto& pool = all[0].as_object();
    EXPECT_EQ(number(pool, "maxcpu"), number(vm100, "maxcpu") + number(ct200, "maxcpu"));
    EXPECT_EQ(number(pool, "maxmem"), number(vm100, "maxmem") + number(ct200, "maxmem"));
    EXPECT_EQ(number(pool, "mem"), number(vm100, "mem") + number(ct200, "mem"));
    EXPECT_EQ(number(pool, "uptime"), std::max(number(vm100, "uptime"), number(ct200, "uptime")));
    const auto cpu = [](const json::object& o) { return o.at("cpu").to_number<double>(); };
    const double maxcpu_vm = vm100.at("maxcpu").to_number<double>(),
                 maxcpu_ct = ct200.at("maxcpu").to_number<double>();
    EXPECT_NEAR(cpu(pool), (cpu(vm100) * maxcpu_vm + cpu(ct200) * maxcpu_ct) / (maxcpu_vm + maxcpu_ct), 1e-9);
    EXPECT_FALSE(pool.contains("disk")) << "disks are not summed";

    // the default zone of every node, as a `network` entry
    ASSERT_EQ(zones.size(), 3u);
    EXPECT_EQ(json::serialize(zones[0]),
              R"({"id":"network/pve/zone/localnetwork","type":"network","network-type":"zone",)"
              R"("network":"localnetwork","node":"pve","status":"ok"})");
    // only without a filter; `type=sdn` finds no legacy entries
    EXPECT_TRUE(data(c.get("/cluster/resources?type=sdn")).as_array().empty());
    const auto guests = data(c.get("/cluster/resources?type=vm"));
    for (const auto& r : guests.as_array())
        EXPECT_NE(text(r, "type"), "pool");
}

TEST_F(Sim, GuestListsArePerNode) {
    client c(info());
    auto resources = data(c.get("/cluster/resources?type=vm"));
    for (const std::string node : {"pve", "pve2", "pve3"}) {
        for (const std::string kind : {"qemu", "lxc"}) {
            std::set<std::int64_t> expected, listed;
            for (const auto& r : resources.as_array())
                if (text(r, "node") == node && text(r, "type") == kind)
                    expected.insert(number(r, "vmid"));
            const auto list = data(c.get("/nodes/" + node + "/" + kind));
            for (const auto& g : list.as_array()) {
                listed.insert(number(g, "vmid"));
                const auto status = text(g, "status");
                EXPECT_TRUE(status == "running" || status == "stopped");
                if (status == "running") {
                    EXPECT_GT(number(g, "uptime"), 0);
                }
            }
            EXPECT_EQ(listed, expected) << node << " " << kind;
        }
    }
}

/// Checks that an answer fits the schema's `returns`: required properties are there, known
/// properties have the right JSON type, strings are in their enum.
void check_returns(const json::value& v, const json::object& schema, const std::string& path) {
    const auto type = schema.contains("type") ? std::string(schema.at("type").as_string()) : std::string{};
    if (type == "array") {
        ASSERT_TRUE(v.is_array()) << path;
        if (const auto* items = schema.if_contains("items"))
            for (std::size_t i = 0; i < v.as_array().size(); ++i)
                check_returns(v.as_array()[i], items->as_object(), path + "[" + std::to_string(i) + "]");
    } else if (type == "object") {
        ASSERT_TRUE(v.is_object()) << path;
        if (const auto* props = schema.if_contains("properties")) {
            for (const auto& [key, prop] : props->as_object()) {
                const auto* value = v.as_object().if_contains(key);
                const auto* opt = prop.as_object().if_contains("optional");
                if (!value) {
                    EXPECT_TRUE(opt && opt->is_bool() && opt->get_bool())
                        << path << "." << key << " is missing";
                    continue;
                }
                check_returns(*value, prop.as_object(), path + "." + std::string(key));
            }
        }
    } else if (type == "integer") {
        EXPECT_TRUE(v.is_int64() || v.is_uint64()) << path << " = " << json::serialize(v);
    } else if (type == "number") {
        EXPECT_TRUE(v.is_number()) << path << " = " << json::serialize(v);
    } else if (type == "boolean") {
        EXPECT_TRUE(v.is_bool() || ((v.is_int64() || v.is_uint64()) && v.to_number<int>() <= 1))
            << path << " = " << json::serialize(v);
    } else if (type == "string") {
        ASSERT_TRUE(v.is_string()) << path << " = " << json::serialize(v);
        if (const auto* en = schema.if_contains("enum")) {
            bool found = false;
            for (const auto& e : en->as_array())
                found = found || e == v;
            EXPECT_TRUE(found) << path << " = " << json::serialize(v) << " is not in "
                               << json::serialize(*en);
        }
    }
}

TEST_F(Sim, AnswersFitTheSchemaReturns) {
    std::ifstream f(PROXMOX_SIM_SCHEMA_JSON);
    std::stringstream text;
    text << f.rdbuf();
    const auto schema = json::parse(text.str());
    auto returns_of = [&](std::string_view method, std::string_view path) -> json::object {
        for (const auto& e : schema.at("endpoints").as_array())
            if (e.at("method").as_string() == method && e.at("path").as_string() == path)
                return e.at("returns").as_object();
        ADD_FAILURE() << "no endpoint " << path;
        return {};
    };

    client c(info());
    const auto running = vm(true);
    const auto vmid = std::to_string(running.at("vmid").to_number<int>());
    const auto node = std::string(running.at("node").as_string());
    const auto upid =
        std::string(data(c.post("/nodes/" + node + "/qemu/" + vmid + "/status/start")).as_string());
    wait_task(c, upid);
    const auto ct = find_guest([](const json::object& g) { return g.at("type") == "lxc"; });

    const std::vector<std::pair<std::string, std::string>> calls = {
        {"/version", "/version"},
        {"/nodes", "/nodes"},
        {"/nodes/{node}/status", "/nodes/pve/status"},
        {"/cluster/resources", "/cluster/resources"},
        {"/nodes/{node}/qemu", "/nodes/pve/qemu?full=1"},
        {"/nodes/{node}/lxc", "/nodes/pve/lxc"},
        {"/nodes/{node}/qemu/{vmid}/status/current", "/nodes/" + node + "/qemu/" + vmid + "/status/current"},
        {"/nodes/{node}/lxc/{vmid}/status/current",
         "/nodes/" + std::string(ct.at("node").as_string()) + "/lxc/" +
             std::to_string(ct.at("vmid").to_number<int>()) + "/status/current"},
        {"/nodes/{node}/tasks/{upid}/status",
         "/nodes/" + node + "/tasks/" + simtest::encode_segment(upid) + "/status"},
        {"/nodes/{node}/tasks/{upid}/log",
         "/nodes/" + node + "/tasks/" + simtest::encode_segment(upid) + "/log"},
        {"/nodes/{node}/tasks", "/nodes/" + node + "/tasks?source=all"},
        {"/cluster/tasks", "/cluster/tasks"},
        {"/nodes/{node}/storage/{storage}/content", "/nodes/pve/storage/local/content"},
        {"/nodes/{node}/storage/{storage}/content", "/nodes/pve/storage/local-lvm/content"},
        {"/access/ticket", "/access/ticket"},
    };
    for (const auto& [tmpl, path] : calls) {
        SCOPED_TRACE(path);
        check_returns(data(c.get(path)), returns_of("GET", tmpl), tmpl);
    }
}

// --- authentication -------------------------------------------------------------------------

TEST_F(Sim, MissingTokenIs401NoTicketWithEmptyBodyAfterTheDelay) {
    client c(info());
    request r;
    r.target = "/api2/json/version";
    r.auth = false;
    const auto t0 = std::chrono::steady_clock::now();
    auto res = c.send(r);
    const auto elapsed = std::chrono::steady_clock::now() - t0;
    EXPECT_EQ(res.status, 401u);
    EXPECT_EQ(res.reason, "No ticket");
    EXPECT_EQ(res.body, "");
    EXPECT_EQ(res.header("connection"), "close");
    EXPECT_GE(elapsed, std::chrono::milliseconds(50)); // the configured delay is a lower bound
}

TEST_F(Sim, WrongSecretIs401AuthenticationFailed) {
    client c(info());
    request r;
    r.target = "/api2/json/version";
    r.auth = false;
    r.headers = {{"Authorization", "PVEAPIToken=" + info().token_id + "=not-the-secret"}};
    auto res = c.send(r);
    EXPECT_EQ(res.status, 401u);
    EXPECT_EQ(res.reason, "Authentication failed!");
    EXPECT_EQ(res.body, "");
}

TEST_F(Sim, TokenHeaderAcceptsTheSpaceFormAndUriEscapes) {
    client c(info());
    request r;
    r.target = "/api2/json/version";
    r.auth = false;
    r.headers = {{"Authorization", "PVEAPIToken " + info().token_id + "=" + info().token_secret}};
    EXPECT_EQ(c.send(r).status, 200u);
    r.headers = {{"Authorization", "PVEAPIToken=root%40pam%21sim=" + info().token_secret}};
    EXPECT_EQ(c.send(r).status, 200u);
}

TEST(SimAuth, ConfiguredTokensAreTheOnlyOnes) {
    proxmox::sim::options o = fast_options();
    o.tokens = {{"ci@pve", "runner", "s3cret"}, {"root@pam", "other", "x-y-z"}};
    proxmox::sim::server sim(o);
    auto info = sim.start();
    EXPECT_EQ(info.token_id, "ci@pve!runner");
    EXPECT_EQ(info.token_secret, "s3cret");
    client c(info);
    EXPECT_EQ(c.get("/version").status, 200u);
    request r;
    r.target = "/api2/json/version";
    r.auth = false;
    r.headers = {{"Authorization", "PVEAPIToken=root@pam!other=x-y-z"}};
    EXPECT_EQ(c.send(r).status, 200u);
    r.headers = {{"Authorization", "PVEAPIToken=root@pam!sim=x-y-z"}};
    EXPECT_EQ(c.send(r).status, 401u);
}

TEST(SimAuth, TheUnauthorizedDelayDoesNotBlockOtherSessions) {
    proxmox::sim::options o = fast_options();
    o.unauthorized_delay = std::chrono::milliseconds(800);
    proxmox::sim::server sim(o);
    auto info = sim.start();

    std::atomic<bool> rejected{false};
    std::thread slow([&] {
        client c(info);
        request r;
        r.target = "/api2/json/version";
        r.auth = false;
        EXPECT_EQ(c.send(r).status, 401u);
        rejected = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    client c(info);
    EXPECT_EQ(c.get("/nodes").status, 200u);
    EXPECT_FALSE(rejected.load()) << "a delayed 401 held up another session";
    slow.join();
    EXPECT_TRUE(rejected.load());
}

// --- 501 ------------------------------------------------------------------------------------

TEST_F(Sim, UnknownMethodIs501NotAvailable) {
    client c(info());
    request r;
    r.method = "PATCH";
    r.target = "/api2/json/version";
    auto res = c.send(r);
    EXPECT_EQ(res.status, 501u);
    EXPECT_EQ(res.reason, "method 'PATCH' not available");
    EXPECT_EQ(res.body, "");
    EXPECT_EQ(res.header("connection"), "close");
}

TEST_F(Sim, UnknownPathOrMethodIs501NotImplemented) {
    client c(info());
    auto res = c.get("/nope/nothing");
    EXPECT_EQ(res.status, 501u);
    EXPECT_EQ(res.reason, "Method 'GET /nope/nothing' not implemented");
    auto body = body_json(res);
    EXPECT_TRUE(body.at("data").is_null());
    EXPECT_EQ(body.at("message"), "Method 'GET /nope/nothing' not implemented");

    auto post = c.post("/version");
    EXPECT_EQ(post.status, 501u);
    EXPECT_EQ(post.reason, "Method 'POST /version' not implemented");
}

TEST_F(Sim, ChunkedBodyIs501) {
    client c(info());
    request r;
    r.method = "POST";
    r.target = "/api2/json/nodes/pve/qemu/100/status/start";
    r.body = "timeout=10";
    r.content_type = "application/x-www-form-urlencoded";
    r.chunked = true;
    auto res = c.send(r);
    EXPECT_EQ(res.status, 501u);
    EXPECT_EQ(res.reason, "chunked transfer encoding not supported");
}

TEST_F(Sim, BodyOnGetOrDeleteIs501) {
    client c(info());
    request r;
    r.method = "DELETE";
    r.target = "/api2/json/nodes/pve/qemu/100";
    r.body = "purge=1";
    r.content_type = "application/x-www-form-urlencoded";
    auto res = c.send(r);
    EXPECT_EQ(res.status, 501u);
    EXPECT_EQ(res.reason, "Unexpected content for method 'DELETE'");
    r.method = "GET";
    r.target = "/api2/json/version";
    EXPECT_EQ(c.send(r).reason, "Unexpected content for method 'GET'");
}

TEST_F(Sim, EndpointTheSimulatorDoesNotModelIs501) {
    client c(info());
    auto res = c.get("/nodes/pve/apt/versions");
    EXPECT_EQ(res.status, 501u);
    const auto msg = std::string(body_json(res).at("message").as_string());
    EXPECT_NE(msg.find("proxmox-sim"), std::string::npos) << msg;
    EXPECT_NE(msg.find("GET /nodes/{node}/apt/versions"), std::string::npos) << msg;
    EXPECT_TRUE(res.reason.starts_with("proxmox-sim does not implement")) << res.reason;
}

TEST_F(Sim, BadBaseUriOrFormatIs501) {
    client c(info());
    request r;
    r.target = "/api2";
    EXPECT_EQ(c.send(r).reason, "no such uri");
    r.target = "/api2/xml/version";
    auto res = c.send(r);
    EXPECT_EQ(res.status, 501u);
    EXPECT_EQ(res.reason, "no formatter for uri /version, xml");
}

// --- 400 ------------------------------------------------------------------------------------

json::object errors_of(const reply& r) {
    EXPECT_EQ(r.status, 400u) << r.body;
    EXPECT_EQ(r.reason, "Parameter verification failed.");
    auto body = body_json(r);
    EXPECT_EQ(body.at("message"), "Parameter verification failed.\n");
    EXPECT_TRUE(body.at("data").is_null());
    const auto* e = body.as_object().if_contains("errors");
    return e && e->is_object() ? e->as_object() : json::object{};
}

TEST_F(Sim, UnknownParameterIs400) {
    client c(info());
    auto errors = errors_of(c.get("/version?foo=1"));
    EXPECT_EQ(errors.at("foo"),
              "property is not defined in schema and the schema does not allow additional properties");
    EXPECT_EQ(c.get("/version?_dc=12345").status, 200u) << "_dc is dropped";
}

TEST_F(Sim, MissingRequiredParameterIs400) {
    client c(info());
    auto errors = errors_of(c.post("/nodes/pve/qemu/100/snapshot"));
    EXPECT_EQ(errors.at("snapname"), "property is missing and it is not optional");
}

TEST_F(Sim, BadlyTypedParametersAre400WithPveTexts) {
    client c(info());
    EXPECT_EQ(errors_of(c.get("/nodes/pve/qemu/abc/status/current")).at("vmid"),
              "type check ('integer') failed - got 'abc'");
    EXPECT_EQ(errors_of(c.get("/nodes/pve/qemu/99/status/current")).at("vmid"),
              "invalid format - value does not look like a valid VM ID\n");
    EXPECT_EQ(errors_of(c.get("/nodes/pve/qemu?full=true")).at("full"),
              "type check ('boolean') failed - got 'true'");
    EXPECT_EQ(errors_of(c.get("/cluster/resources?type=foo")).at("type"),
              "value 'foo' does not have a value in the enumeration 'vm, storage, node, sdn'");
    EXPECT_EQ(errors_of(c.post("/nodes/pve/qemu/100/status/start", "timeout=-1")).at("timeout"),
              "value must have a minimum value of 0");
    EXPECT_EQ(c.get("/nodes/pve/qemu?full=1").status, 200u);
}

TEST_F(Sim, ConflictingDuplicateOfAPathParameterIs400) {
    client c(info());
    auto errors = errors_of(c.post("/nodes/pve/qemu/100/status/stop", "vmid=101"));
    EXPECT_EQ(errors.at("vmid"), "duplicate parameter (already defined in URI) with conflicting values!");
    EXPECT_EQ(c.post("/nodes/pve/qemu/100/status/stop", "vmid=100").status, 200u);
}

TEST_F(Sim, JsonBodiesAreAcceptedLikeForms) {
    client c(info());
    const auto stopped = vm(false);
    const auto path = "/api2/json/nodes/" + std::string(stopped.at("node").as_string()) + "/qemu/" +
                      std::to_string(stopped.at("vmid").to_number<int>()) + "/status/start";
    request r;
    r.method = "POST";
    r.target = path;
    r.content_type = "application/json";
    r.body = R"({"timeout": 30})";
    auto res = c.send(r);
    ASSERT_EQ(res.status, 200u) << res.body;
    EXPECT_TRUE(std::regex_match(std::string(body_json(res).at("data").as_string()), upid_re));
    r.body = R"({"timeout": "soon"})";
    EXPECT_EQ(errors_of(c.send(r)).at("timeout"), "type check ('integer') failed - got 'soon'");
    r.target = path + "?timeout=30"; // the query string wins over the body
    EXPECT_EQ(c.send(r).status, 200u);
}

TEST_F(Sim, RepeatedKeysBecomeArraysAndQueriesArePercentDecoded) {
    client c(info());
    // `command` is an array: repeated keys and a single value both pass validation
    EXPECT_NE(c.post("/nodes/pve/qemu/100/agent/exec", "command=ls&command=-l").status, 400u);
    EXPECT_NE(c.post("/nodes/pve/qemu/100/agent/exec", "command=uname").status, 400u);
    EXPECT_EQ(errors_of(c.post("/nodes/pve/qemu/100/agent/exec")).at("command"),
              "property is missing and it is not optional");
    EXPECT_EQ(errors_of(c.post("/nodes/pve/qemu/100/status/start", "timeout=1&timeout=2")).at("timeout"),
              "type check ('integer') failed - got ARRAY");
    auto vms = data(c.get("/cluster/resources?type=v%6D"));
    ASSERT_TRUE(vms.is_array());
    EXPECT_EQ(vms.as_array().size(), 12u);
}

TEST_F(Sim, AFormValueEndsAtTheNextUnescapedEqualsSignAsInPveproxy) {
    // pve-http-server AnyEvent.pm decode_urlencoded: `my ($k, $v) = split(/=/, $kv);` (no limit),
    // so `description=a=b` stores `a`; clients must percent-encode `=` inside values
    client c(info());
    auto raw = send_form(c, "PUT", "/nodes/pve2/qemu/101/config", "description=a=b");
    ASSERT_EQ(raw.status, 200u) << raw.body;
    EXPECT_EQ(text(data(c.get("/nodes/pve2/qemu/101/config")), "description"), "a");
    ASSERT_EQ(send_form(c, "PUT", "/nodes/pve2/qemu/101/config", "description=a%3Db").status, 200u);
    EXPECT_EQ(text(data(c.get("/nodes/pve2/qemu/101/config")), "description"), "a=b");
    // `;` separates pairs too, and a key without `=` is undefined (here: a missing property)
    EXPECT_EQ(errors_of(send_form(c, "POST", "/nodes/pve/qemu/100/agent/exec", "command;x=1")).at("command"),
              "property is missing and it is not optional");
}

// --- 500 ------------------------------------------------------------------------------------

TEST_F(Sim, UnknownNodeFailsTheHostnameLookup) {
    client c(info());
    auto res = c.get("/nodes/nope/qemu");
    EXPECT_EQ(res.status, 500u);
    EXPECT_EQ(
        res.reason,
        "hostname lookup 'nope' failed - failed to get address info for: nope: Name or service not known");
}

TEST_F(Sim, GuestOnAnotherNodeHasNoConfigFileThere) {
    client c(info());
    const auto g = vm(true);
    const auto vmid = std::to_string(g.at("vmid").to_number<int>());
    const std::string other = g.at("node") == "pve" ? "pve2" : "pve";
    auto res = c.get("/nodes/" + other + "/qemu/" + vmid + "/status/current");
    EXPECT_EQ(res.status, 500u);
    const auto expected =
        "Configuration file 'nodes/" + other + "/qemu-server/" + vmid + ".conf' does not exist";
    EXPECT_EQ(res.reason, expected);
    EXPECT_EQ(text(body_json(res), "message"), expected + "\n");
    EXPECT_EQ(
        c.get("/nodes/" + std::string(g.at("node").as_string()) + "/qemu/" + vmid + "/status/current").status,
        200u);
}

// --- tasks ----------------------------------------------------------------------------------

class SimTasks : public proxmox::testing::sim_fixture {
protected:
    void tune(proxmox::sim::options& o) override { o.task_seconds = 1.0; } // long enough to observe it
};

TEST_F(SimTasks, StartRunsATaskAndTheVmRunsWhenItEnds) {
    client c(info());

    std::string node, vmid;
    const auto guests = data(c.get("/cluster/resources?type=vm"));
    for (const auto& g : guests.as_array())
        if (text(g, "type") == "qemu" && text(g, "status") == "stopped" && number(g, "template") == 0) {
            node = text(g, "node");
            vmid = std::to_string(number(g, "vmid"));
            break;
        }
    ASSERT_FALSE(vmid.empty());
    const auto status_path = "/nodes/" + node + "/qemu/" + vmid + "/status/current";

    auto upid = std::string(data(c.post("/nodes/" + node + "/qemu/" + vmid + "/status/start")).as_string());
    std::smatch m;
    ASSERT_TRUE(std::regex_match(upid, m, upid_re)) << upid;
    EXPECT_EQ(m[1].str(), node);
    EXPECT_EQ(m[6].str(), "qmstart");
    EXPECT_EQ(m[7].str(), vmid);
    EXPECT_EQ(m[8].str(), "root@pam!sim");

    auto running = data(c.get("/nodes/" + node + "/tasks/" + simtest::encode_segment(upid) + "/status"));
    EXPECT_EQ(text(running, "status"), "running");
    EXPECT_FALSE(running.as_object().contains("exitstatus"));
    EXPECT_EQ(text(data(c.get(status_path)), "status"), "stopped") << "state changes when the task ends";

    auto done = wait_task(c, upid);
    EXPECT_EQ(text(done, "status"), "stopped");
    EXPECT_EQ(text(done, "exitstatus"), "OK");
    EXPECT_EQ(text(done, "upid"), upid);
    EXPECT_EQ(text(done, "type"), "qmstart");
    EXPECT_EQ(text(done, "id"), vmid);
    EXPECT_EQ(text(done, "user"), "root@pam");
    EXPECT_EQ(text(done, "tokenid"), "sim");
    EXPECT_EQ(text(data(c.get(status_path)), "status"), "running");

    auto log = task_log(c, node, upid);
    ASSERT_FALSE(log.at("data").as_array().empty());
    EXPECT_EQ(log.at("data").as_array().back().at("t"), "TASK OK");
    EXPECT_EQ(log.at("total").to_number<int>(), static_cast<int>(log.at("data").as_array().size()));
}

TEST_F(Sim, StartingARunningVmEndsWithPvesError) {
    client c(info());
    const auto g = vm(true);
    const auto vmid = std::to_string(g.at("vmid").to_number<int>());
    const auto node = std::string(g.at("node").as_string());
    auto upid = std::string(data(c.post("/nodes/" + node + "/qemu/" + vmid + "/status/start")).as_string());
    auto done = wait_task(c, upid);
    EXPECT_EQ(text(done, "exitstatus"), "VM " + vmid + " already running");
    auto log = task_log(c, node, upid);
    EXPECT_EQ(text(log.at("data").as_array().back(), "t"), "TASK ERROR: VM " + vmid + " already running");
}

TEST_F(Sim, StartingATemplateFails) {
    client c(info());
    const auto t = vm(false, /*tmpl=*/true);
    const auto node = std::string(t.at("node").as_string());
    auto upid = std::string(data(c.post("/nodes/" + node + "/qemu/" +
                                        std::to_string(t.at("vmid").to_number<int>()) + "/status/start"))
                                .as_string());
    EXPECT_EQ(text(wait_task(c, upid), "exitstatus"), "you can't start a vm if it's a template");
}

TEST_F(Sim, StartingAVmOfAnotherNodeFailsInTheWorker) {
    client c(info());
    const auto g = vm(false);
    const auto vmid = std::to_string(g.at("vmid").to_number<int>());
    const std::string other = g.at("node") == "pve" ? "pve2" : "pve";
    auto upid = std::string(data(c.post("/nodes/" + other + "/qemu/" + vmid + "/status/start")).as_string());
    EXPECT_EQ(text(wait_task(c, upid), "exitstatus"),
              "Configuration file 'nodes/" + other + "/qemu-server/" + vmid + ".conf' does not exist");
}

TEST_F(Sim, StoppingStopsAndStoppingAStoppedVmSucceeds) {
    client c(info());
    const auto g = vm(true);
    const auto vmid = std::to_string(g.at("vmid").to_number<int>());
    const auto node = std::string(g.at("node").as_string());
    for (int round = 0; round < 2; ++round) {
        auto upid =
            std::string(data(c.post("/nodes/" + node + "/qemu/" + vmid + "/status/stop")).as_string());
        auto done = wait_task(c, upid);
        EXPECT_EQ(text(done, "type"), "qmstop");
        EXPECT_EQ(text(done, "exitstatus"), "OK") << "round " << round;
        EXPECT_EQ(text(data(c.get("/nodes/" + node + "/qemu/" + vmid + "/status/current")), "status"),
                  "stopped");
    }
}

TEST_F(Sim, UnknownOrMalformedUpidIs400) {
    client c(info());
    const std::string fake = "UPID:pve:00001234:00ABCDEF:65000000:qmstart:100:root@pam:";
    EXPECT_EQ(errors_of(c.get("/nodes/pve/tasks/" + simtest::encode_segment(fake) + "/status")).at("upid"),
              "no such task");
    EXPECT_EQ(errors_of(c.get("/nodes/pve/tasks/garbage/status")).at("upid"), "unable to parse worker upid");
}

TEST_F(Sim, TaskLogPagesWithStartAndLimit) {
    client c(info());
    const auto g = vm(true);
    const auto node = std::string(g.at("node").as_string());
    auto upid = std::string(data(c.post("/nodes/" + node + "/qemu/" +
                                        std::to_string(g.at("vmid").to_number<int>()) + "/status/start"))
                                .as_string());
    wait_task(c, upid);
    auto all = task_log(c, node, upid);
    const auto total = all.at("total").to_number<int>();
    ASSERT_GE(total, 1);
    auto last = task_log(c, node, upid, "?start=" + std::to_string(total - 1) + "&limit=1");
    ASSERT_EQ(last.at("data").as_array().size(), 1u);
    EXPECT_EQ(last.at("data").as_array()[0].at("n").to_number<int>(), total);
    EXPECT_EQ(last.at("total").to_number<int>(), total);
    auto past = task_log(c, node, upid, "?start=" + std::to_string(total));
    EXPECT_TRUE(past.at("data").as_array().empty());
}

// --- connections ----------------------------------------------------------------------------

TEST_F(Sim, SuccessKeepsTheConnectionAndErrorsCloseIt) {
    client c(info());
    auto first = c.get("/version");
    EXPECT_EQ(first.header("connection"), "Keep-Alive");
    EXPECT_EQ(c.get("/nodes").status, 200u);
    EXPECT_EQ(c.connections_opened(), 1);

    auto err = c.get("/nodes/pve/qemu/abc/status/current");
    EXPECT_EQ(err.status, 400u);
    EXPECT_EQ(err.header("connection"), "close");
    EXPECT_TRUE(c.server_closed());

    EXPECT_EQ(c.get("/version").status, 200u);
    EXPECT_EQ(c.connections_opened(), 2);
}

TEST_F(Sim, AConnectionServesAHundredRequestsLikePveproxy) {
    client c(info());
    for (int i = 1; i < 100; ++i)
        ASSERT_EQ(c.get("/version").header("connection"), "Keep-Alive") << "request " << i;
    EXPECT_EQ(c.get("/version").header("connection"), "close") << "request 100";
    EXPECT_TRUE(c.server_closed());
    EXPECT_EQ(c.connections_opened(), 1);
}

TEST_F(Sim, ConnectionCloseFromTheClientIsHonoured) {
    client c(info());
    request r;
    r.target = "/api2/json/version";
    r.headers = {{"Connection", "close"}};
    auto res = c.send(r);
    EXPECT_EQ(res.status, 200u);
    EXPECT_EQ(res.header("connection"), "close");
    EXPECT_TRUE(c.server_closed());
}

TEST(SimServer, StopClosesIdleKeepAliveSessionsAndIsIdempotent) {
    proxmox::sim::server sim(fast_options());
    auto info = sim.start();
    client c(info);
    EXPECT_EQ(c.get("/version").status, 200u); // connection stays open
    const auto t0 = std::chrono::steady_clock::now();
    sim.stop();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(4))
        << "an idle session kept stop() waiting";
    EXPECT_TRUE(c.server_closed());
    sim.stop();
    EXPECT_FALSE(std::ifstream(info.ca_file).good()) << "the CA file is removed on stop";
    EXPECT_THROW(sim.start(), std::logic_error);
}

TEST_F(Sim, RequestCountCountsAnsweredRequests) {
    const auto before = server().request_count();
    client c(info());
    c.get("/version");
    c.get("/nope");
    EXPECT_EQ(server().request_count(), before + 2);
}

// --- state and options ----------------------------------------------------------------------

std::vector<std::string> fingerprint_of_state(const proxmox::sim::endpoint_info& info) {
    client c(info);
    std::vector<std::string> out;
    const auto guests = data(c.get("/cluster/resources?type=vm"));
    for (const auto& r : guests.as_array())
        out.push_back(text(r, "id") + " " + text(r, "name") + " " + text(r, "node") + " " +
                      text(r, "status") + " " + std::to_string(number(r, "maxmem")) + " " +
                      std::to_string(number(r, "maxdisk")));
    return out;
}

TEST(SimState, TheSameSeedGivesTheSameCluster) {
    proxmox::sim::options o = fast_options();
    o.seed = 7;
    proxmox::sim::server a(o), b(o);
    const auto sa = fingerprint_of_state(a.start());
    EXPECT_EQ(sa, fingerprint_of_state(b.start()));
    o.seed = 8;
    proxmox::sim::server d(o);
    EXPECT_NE(sa, fingerprint_of_state(d.start()));
}

TEST(SimState, NodeAndGuestCountsFollowTheOptions) {
    proxmox::sim::options o = fast_options();
    o.nodes = 1;
    o.guests = 30;
    proxmox::sim::server sim(o);
    client c(sim.start());
    EXPECT_EQ(data(c.get("/nodes")).as_array().size(), 1u);
    EXPECT_EQ(data(c.get("/cluster/resources?type=vm")).as_array().size(), 30u);
}

TEST(SimOptions, BadOptionsAreRejected) {
    auto start_with = [](auto change) {
        proxmox::sim::options o = fast_options();
        change(o);
        proxmox::sim::server sim(o);
        sim.start();
    };
    EXPECT_THROW(start_with([](auto& o) { o.nodes = 0; }), std::invalid_argument);
    EXPECT_THROW(start_with([](auto& o) { o.guests = 100001; }), std::invalid_argument);
    EXPECT_THROW(start_with([](auto& o) { o.task_seconds = -1; }), std::invalid_argument);
    EXPECT_THROW(start_with([](auto& o) { o.listen_host = "localhost"; }), std::invalid_argument);
    EXPECT_THROW(start_with([](auto& o) { o.tokens = {{"root", "sim", "x"}}; }), std::invalid_argument);
    EXPECT_THROW(start_with([](auto& o) { o.tokens = {{"root@pam", "sim", ""}}; }), std::invalid_argument);
}

} // namespace
