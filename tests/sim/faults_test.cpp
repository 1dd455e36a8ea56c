// Fault injection observed on the wire, and the request log that tests count with.
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace {

using namespace simtest;
using proxmox::sim::fault;
using proxmox::sim::parse_fault;

class SimFaults : public proxmox::testing::sim_fixture {
protected:
    std::string vm_status(client& c, const std::string& node, const std::string& vmid) {
        return text(data(c.get("/nodes/" + node + "/qemu/" + vmid + "/status/current")), "status");
    }

    /// Tasks of any state on `node` for `vmid`.
    std::size_t tasks_for(client& c, const std::string& node, const std::string& vmid) {
        return data(c.get("/nodes/" + node + "/tasks?source=all&vmid=" + vmid)).as_array().size();
    }
};

TEST(SimFaultSpec, ParsesTheCliSyntax) {
    auto f = parse_fault("POST /nodes/*/qemu/*/status/start:status=595,nth=1");
    EXPECT_EQ(f.method, "POST");
    EXPECT_EQ(f.path, "/nodes/*/qemu/*/status/start");
    EXPECT_EQ(f.kind, fault::action::status);
    EXPECT_EQ(f.status, 595u);
    EXPECT_EQ(f.nth, 1u);

    f = parse_fault("/cluster/resources:delay=250,p=0.5,first=3");
    EXPECT_TRUE(f.method.empty());
    EXPECT_EQ(f.kind, fault::action::delay);
    EXPECT_EQ(f.delay, std::chrono::milliseconds(250));
    EXPECT_DOUBLE_EQ(f.probability, 0.5);
    EXPECT_EQ(f.first, 3u);

    f = parse_fault("* /**:status=500,msg=can't lock file '/var/lock/x' - got timeout, sorry");
    EXPECT_EQ(f.message, "can't lock file '/var/lock/x' - got timeout, sorry");
    EXPECT_EQ(parse_fault("GET /version:truncate=10").truncate_bytes, 10u);
    EXPECT_EQ(parse_fault("DELETE /nodes/**:reset_after").kind, fault::action::reset_after);
    EXPECT_EQ(parse_fault("/version:stall").kind, fault::action::stall);
    EXPECT_EQ(parse_fault("/version:close_idle").kind, fault::action::close_idle);
    EXPECT_EQ(parse_fault("/version:reset").kind, fault::action::reset);
    f = parse_fault("offline_node=pve2");
    EXPECT_EQ(f.kind, fault::action::offline_node);
    EXPECT_EQ(f.node, "pve2");

    for (const char* bad :
         {"", "nodes/x:reset", "/version", "/version:", "/version:explode", "/version:status",
          "/version:reset,stall", "/version:nth=0,reset", "/version:p=2,reset", "/version:delay=soon",
          "/version:reset=1", "PATCH /version:reset", "offline_node=", "/version:reset,msg=x"})
        EXPECT_THROW(parse_fault(bad), std::invalid_argument) << bad;
}

TEST_F(SimFaults, StatusFaultAnswersWithoutRunningTheHandler) {
    client c(info());
    auto [node, vmid] = stopped_vm(c);
    const auto path = "/nodes/" + node + "/qemu/" + vmid + "/status/start";
    server().add_fault(parse_fault("POST /nodes/*/qemu/*/status/start:status=595,nth=1"));

    auto refused = c.post(path);
    EXPECT_EQ(refused.status, 595u);
    EXPECT_EQ(refused.reason, "Connection refused");
    EXPECT_EQ(refused.body, "");
    EXPECT_EQ(refused.header("content-type"), "");
    EXPECT_EQ(refused.header("connection"), "close");
    EXPECT_EQ(tasks_for(c, node, vmid), 0u) << "the handler did not run";

    auto upid = std::string(data(c.post(path)).as_string()); // nth=1: the second one goes through
    EXPECT_EQ(text(wait_for_task(c, upid), "exitstatus"), "OK");

    server().add_fault(parse_fault("GET /version:status=500,msg=got timeout"));
    auto err = c.get("/version");
    EXPECT_EQ(err.status, 500u);
    EXPECT_EQ(err.reason, "got timeout");
    EXPECT_EQ(body_json(err).at("message"), "got timeout\n");
    EXPECT_EQ(err.header("content-type"), "application/json;charset=UTF-8");
    server().add_fault(parse_fault("GET /nodes:status=596"));
    EXPECT_EQ(c.get("/nodes").reason, "Connection timed out");

    const auto entries = logged("POST", path);
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0].status, 595u);
    EXPECT_EQ(entries[0].fault, "status");
    EXPECT_EQ(entries[1].status, 200u);
    EXPECT_EQ(entries[1].fault, "");
}

TEST_F(SimFaults, DelayWaitsThenAnswersNormally) {
    client c(info());
    server().add_fault(parse_fault("GET /version:delay=300"));
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(c.get("/version").status, 200u);
    EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(300));
    EXPECT_GE(logged("GET", "/version").back().duration_ms, 300.0);
}

TEST_F(SimFaults, ResetBeforeTheHandlerLeavesTheStateAlone) {
    client c(info());
    auto [node, vmid] = stopped_vm(c);
    server().add_fault(parse_fault("POST /nodes/*/qemu/*/status/start:reset"));
    EXPECT_ANY_THROW(c.post("/nodes/" + node + "/qemu/" + vmid + "/status/start"));
    std::this_thread::sleep_for(std::chrono::milliseconds(200)); // longer than a task
    EXPECT_EQ(vm_status(c, node, vmid), "stopped");
    EXPECT_EQ(tasks_for(c, node, vmid), 0u);
    const auto e = logged("POST", "/nodes/" + node + "/qemu/" + vmid + "/status/start");
    ASSERT_EQ(e.size(), 1u);
    EXPECT_EQ(e[0].status, 0u);
    EXPECT_EQ(e[0].fault, "reset");
}

TEST_F(SimFaults, ResetAfterTheHandlerLosesOnlyTheAnswer) {
    client c(info());
    auto [node, vmid] = stopped_vm(c);
    server().add_fault(parse_fault("POST /nodes/*/qemu/*/status/start:reset_after"));
    EXPECT_ANY_THROW(c.post("/nodes/" + node + "/qemu/" + vmid + "/status/start"));
    EXPECT_EQ(tasks_for(c, node, vmid), 1u) << "the handler ran and started a task";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (vm_status(c, node, vmid) != "running" && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_EQ(vm_status(c, node, vmid), "running");
    const auto e = logged("POST", "/nodes/" + node + "/qemu/" + vmid + "/status/start");
    ASSERT_EQ(e.size(), 1u);
    EXPECT_EQ(e[0].status, 0u);
    EXPECT_EQ(e[0].fault, "reset_after");
}

TEST_F(SimFaults, StallNeverAnswersUntilTheClientGivesUp) {
    server().add_fault(parse_fault("GET /cluster/resources:stall"));
    client stalled(info());
    stalled.set_timeout(std::chrono::milliseconds(300));
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_ANY_THROW(stalled.get("/cluster/resources"));
    EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(300));
    client other(info());
    EXPECT_EQ(other.get("/version").status, 200u) << "a stalled request blocks nobody else";
    const auto e = logged("GET", "/cluster/resources");
    ASSERT_EQ(e.size(), 1u);
    EXPECT_EQ(e[0].status, 0u);
    EXPECT_EQ(e[0].fault, "stall");
}

TEST_F(SimFaults, TruncateSendsTheFullContentLengthButFewerBytes) {
    server().add_fault(parse_fault("GET /nodes:truncate=10"));
    client c(info());
    request r;
    r.target = "/api2/json/nodes";
    const std::string raw = c.send_raw(r);
    const auto end = raw.find("\r\n\r\n");
    ASSERT_NE(end, std::string::npos) << raw;
    EXPECT_TRUE(raw.starts_with("HTTP/1.1 200 OK\r\n")) << raw;
    std::smatch m;
    const std::string head = raw.substr(0, end);
    ASSERT_TRUE(std::regex_search(head, m, std::regex("Content-Length: (\\d+)")));
    EXPECT_GT(std::stoul(m[1].str()), 100u);
    EXPECT_EQ(raw.size() - end - 4, 10u) << "only 10 body bytes, then the connection ended";
    EXPECT_EQ(raw.substr(end + 4), std::string("{\"data\":[{").substr(0, 10));

    client parsing(info());
    EXPECT_ANY_THROW(parsing.get("/nodes"));
}

TEST_F(SimFaults, CloseIdleDropsTheKeptAliveConnection) {
    server().add_fault(parse_fault("GET /version:close_idle,first=1"));
    client c(info());
    auto first = c.get("/version");
    EXPECT_EQ(first.status, 200u);
    EXPECT_EQ(first.header("connection"), "Keep-Alive") << "answered as if the connection stayed";
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_ANY_THROW(c.get("/nodes")) << "the reused connection is dead";
    EXPECT_EQ(c.connections_opened(), 1);
    EXPECT_EQ(c.get("/nodes").status, 200u) << "a fresh connection works";
    EXPECT_EQ(c.connections_opened(), 2);
}

TEST_F(SimFaults, TriggersCountMatchingRequests) {
    client c(info());
    server().add_fault(parse_fault("GET /nodes/*/status:status=503,first=2"));
    EXPECT_EQ(c.get("/nodes/pve/status").status, 503u);
    EXPECT_EQ(c.get("/nodes/pve2/status").status, 503u);
    EXPECT_EQ(c.get("/nodes/pve3/status").status, 200u);
    EXPECT_EQ(c.get("/nodes/pve/status").status, 200u);
    EXPECT_EQ(c.get("/nodes").status, 200u) << "* matches one segment only";
    server().clear_faults();
    server().add_fault(parse_fault("/nodes/**:status=500,nth=3"));
    EXPECT_EQ(c.get("/nodes").status, 200u) << "/nodes/** needs something below /nodes";
    EXPECT_EQ(c.get("/nodes/pve/qemu").status, 200u);   // 1st match
    EXPECT_EQ(c.get("/version").status, 200u);          // no match
    EXPECT_EQ(c.get("/nodes/pve/status").status, 200u); // 2nd
    EXPECT_EQ(c.get("/nodes/pve/lxc").status, 500u);    // 3rd
    EXPECT_EQ(c.get("/nodes/pve/status").status, 200u);
}

std::vector<unsigned> probability_pattern(std::uint64_t seed) {
    auto o = quick_sim_options();
    o.seed = seed;
    o.faults = {parse_fault("GET /version:status=500,p=0.5")};
    proxmox::sim::server sim(o);
    client c(sim.start());
    std::vector<unsigned> out;
    for (int i = 0; i < 24; ++i)
        out.push_back(c.get("/version").status);
    return out;
}

TEST(SimFaultProbability, IsDrawnFromTheSeed) {
    const auto a = probability_pattern(11);
    EXPECT_EQ(a, probability_pattern(11));
    const auto failed = std::count(a.begin(), a.end(), 500u);
    EXPECT_GT(failed, 3);
    EXPECT_LT(failed, 21);
}

TEST_F(SimFaults, OfflineNodeRefusesProxiedCallsAndShowsInTheViews) {
    client c(info());
    EXPECT_THROW(server().add_fault(parse_fault("offline_node=pve")), std::invalid_argument);
    EXPECT_THROW(server().add_fault(parse_fault("offline_node=pve9")), std::invalid_argument);
    server().add_fault(parse_fault("offline_node=pve2"));

    auto refused = c.get("/nodes/pve2/qemu");
    EXPECT_EQ(refused.status, 595u);
    EXPECT_EQ(refused.reason, "Connection refused");
    EXPECT_EQ(refused.body, "");
    EXPECT_EQ(c.get("/nodes/pve3/qemu").status, 200u);

    auto resources = data(c.get("/cluster/resources"));
    int offline_guests = 0;
    for (const auto& r : resources.as_array()) {
        if (text(r, "node") != "pve2")
            continue;
        if (text(r, "type") == "node") {
            EXPECT_EQ(text(r, "status"), "offline");
            EXPECT_FALSE(r.as_object().contains("cpu"));
        } else if (text(r, "type") == "qemu" || text(r, "type") == "lxc") {
            EXPECT_EQ(text(r, "status"), "unknown");
            ++offline_guests;
        }
    }
    EXPECT_GT(offline_guests, 0);
    const auto nodes = data(c.get("/nodes"));
    for (const auto& n : nodes.as_array())
        EXPECT_EQ(text(n, "status"), text(n, "node") == "pve2" ? "offline" : "online");

    server().clear_faults();
    EXPECT_EQ(c.get("/nodes/pve2/qemu").status, 200u);
}

// --- the request log ----------------------------------------------------------------------

TEST(SimRequestLog, RecordsEveryRequestWithItsConnectionAndNoSecrets) {
    auto o = quick_sim_options();
    o.users = {{"alice@pve", "hunter2-secret", ""}};
    char path[] = "/tmp/proxmox-sim-log-XXXXXX";
    const int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    close(fd);
    o.request_log_file = path;
    proxmox::sim::server sim(o);
    auto info = sim.start();

    client a(info), b(info);
    a.get("/version");
    a.get("/nodes?_dc=1");
    b.get("/cluster/resources?type=vm");
    const auto ticket = text(data(ticket_login(b, "username=alice@pve&password=hunter2-secret")), "ticket");
    ticket_login(b, "username=alice@pve&password=" + form_value(ticket)); // a renewal
    request with_ticket;
    with_ticket.target = "/api2/json/version";
    with_ticket.auth = false;
    with_ticket.headers = {{"Cookie", "PVEAuthCookie=" + encode_segment(ticket)}};
    b.send(with_ticket);
    request anonymous;
    anonymous.target = "/api2/json/version";
    anonymous.auth = false;
    b.send(anonymous);

    const auto log = sim.request_log();
    ASSERT_EQ(log.size(), 7u);
    EXPECT_EQ(log[0].method, "GET");
    EXPECT_EQ(log[0].path, "/version");
    EXPECT_EQ(log[0].status, 200u);
    EXPECT_EQ(log[0].auth, "token");
    EXPECT_EQ(log[1].params, R"({"_dc":"1"})");
    EXPECT_EQ(log[0].connection, log[1].connection) << "keep-alive: the same connection";
    EXPECT_NE(log[0].connection, log[2].connection) << "another client, another connection";
    EXPECT_EQ(log[2].params, R"({"type":"vm"})");
    EXPECT_EQ(log[3].path, "/access/ticket");
    EXPECT_EQ(log[3].auth, "none");
    EXPECT_NE(log[3].params.find(R"("username":"alice@pve")"), std::string::npos) << log[3].params;
    EXPECT_EQ(log[3].params.find("hunter2"), std::string::npos) << log[3].params;
    EXPECT_EQ(log[4].params.find(ticket.substr(20, 30)), std::string::npos)
        << "a renewal's ticket is a password";
    EXPECT_EQ(log[5].auth, "ticket");
    EXPECT_EQ(log[6].auth, "none");
    EXPECT_EQ(log[6].status, 401u);
    for (const auto& e : log) {
        EXPECT_GE(e.duration_ms, 0.0);
        EXPECT_GT(e.time.time_since_epoch().count(), 0);
    }

    sim.stop();
    std::ifstream f(path);
    std::stringstream all;
    all << f.rdbuf();
    std::remove(path);
    const std::string text_log = all.str();
    EXPECT_EQ(text_log.find("hunter2"), std::string::npos);
    EXPECT_EQ(text_log.find(ticket.substr(20, 30)), std::string::npos) << "no ticket in the log file";
    EXPECT_EQ(text_log.find(info.token_secret), std::string::npos) << "no token secret in the log file";
    std::istringstream lines(text_log);
    std::string line;
    int n = 0;
    while (std::getline(lines, line)) {
        auto j = json::parse(line).as_object();
        for (const char* key :
             {"time", "method", "path", "params", "status", "duration_ms", "auth", "connection"})
            EXPECT_TRUE(j.contains(key)) << key << " in " << line;
        EXPECT_TRUE(j.at("params").is_object());
        EXPECT_TRUE(std::regex_match(std::string(j.at("time").as_string()),
                                     std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
        ++n;
    }
    EXPECT_EQ(n, 7);
}

} // namespace
