// End to end against a configured simulator: hostile arguments, hostile configuration and every
// simulator fault reach the client as clear isError results (or exit 2 at start-up), nothing
// hangs, nothing crashes, no secret is printed, and a write is sent at most once.
#include "child_process.hpp"
#include "mcp_client.hpp"
#include "sim_fixture.hpp"

#include <boost/json/serialize.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace json = boost::json;
using proxmox::mcp::testing::is_error;
using proxmox::mcp::testing::mcp_client;
using proxmox::mcp::testing::text_of;
using namespace std::chrono_literals;

namespace {

class McpHostile : public proxmox::testing::sim_fixture {
protected:
    void tune(proxmox::sim::options& o) override {
        o.task_seconds = 0.1;
        o.users = {{"alice@pve", "wonderland", "", "Administrator"}};
    }

    /// The environment of a correctly configured server, with `extra` on top.
    std::map<std::string, std::string> env(std::map<std::string, std::string> extra = {}) const {
        std::map<std::string, std::string> e{{"PROXMOX_API_URL", info().url},
                                             {"PROXMOX_TOKEN_ID", info().token_id},
                                             {"PROXMOX_TOKEN_SECRET", info().token_secret},
                                             {"PROXMOX_FINGERPRINT", info().fingerprint}};
        for (auto& [k, v] : extra)
            e[k] = v;
        return e;
    }

    /// Logged requests with this method whose path contains `path_part`.
    std::size_t count_containing(std::string_view method, std::string_view path_part) const {
        auto log = server().request_log();
        return static_cast<std::size_t>(std::count_if(log.begin(), log.end(), [&](const auto& e) {
            return e.method == method && e.path.find(path_part) != std::string::npos;
        }));
    }

    /// A stopped VM of the simulated cluster (vmid), through the server itself.
    std::int64_t stopped_vm(mcp_client& c) {
        auto r = c.call("proxmox-list-vms", {{"status", "stopped"}});
        for (const auto& vm : r.at("structuredContent").at("vms").as_array())
            if (!vm.at("template").as_bool())
                return vm.at("vmid").as_int64();
        ADD_FAILURE() << "no stopped VM";
        return 0;
    }
};

TEST_F(McpHostile, PathParametersCannotAddressAnotherEndpoint) {
    mcp_client c({}, env());
    ASSERT_TRUE(c.initialize().is_object()) << c.proc().stderr_text();
    server().clear_request_log();
    for (const char* node : {"pve/qemu/100", "pve/../../version", "..", "."}) {
        auto status = c.call("proxmox-node-status", {{"node", node}});
        ASSERT_TRUE(is_error(status)) << node << ": " << json::serialize(status);
        EXPECT_NE(text_of(status).find("node"), std::string::npos) << text_of(status);
        // list-vms filters one cluster-wide answer by node: no node name reaches a path.
        auto vms = c.call("proxmox-list-vms", {{"node", node}});
        ASSERT_FALSE(is_error(vms)) << node;
        EXPECT_EQ(vms.at("structuredContent").at("total"), 0) << node;
    }
    for (const auto& e : server().request_log())
        EXPECT_EQ(e.path, "/cluster/resources") << "a node name reached a path";
}

TEST_F(McpHostile, HugeArgumentsAreRefusedAndTheServerStaysUp) {
    mcp_client c({}, env());
    ASSERT_TRUE(c.initialize().is_object());
    // These crashed the server (std::regex on the UPID and node name overflowed the stack).
    const std::string upid =
        "UPID:pve:0012AB34:0A1B2C3D:6650A1B2:" + std::string(30'000, 'q') + ":100:root@pam:";
    auto task = c.call("proxmox-task-status", {{"upid", upid}});
    ASSERT_TRUE(is_error(task));
    EXPECT_LT(json::serialize(task).size(), 2048u);
    auto node = c.call("proxmox-node-status", {{"node", std::string(50'000, 'n')}});
    ASSERT_TRUE(is_error(node));
    EXPECT_LT(json::serialize(node).size(), 2048u);
    const std::string short_upid =
        "UPID:pve:0012AB34:0A1B2C3D:6650A1B2:" + std::string(900, 'q') + ":100:root@pam:";
    auto bad = c.call("proxmox-task-status", {{"upid", short_upid}});
    ASSERT_TRUE(is_error(bad)) << "no such task";
    auto nodes = c.call("proxmox-list-nodes");
    EXPECT_FALSE(is_error(nodes)) << text_of(nodes);
    c.proc().close_stdin();
    EXPECT_EQ(c.proc().wait_exit(10s), 0);
}

TEST_F(McpHostile, BadConfigurationIsShownWithoutPrintingSecrets) {
    const std::string secret = "5ec7a1b2-3c4d-4e5f-8a9b-0c1d2e3f4a5b";
    for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
             {"PROXMOX_TOKEN_SECRET", secret + "\r\nX-Evil: 1"},
             {"PROXMOX_TOKEN_SECRET", secret + "\n"},
             {"PROXMOX_TOKEN_ID", info().token_id + " " + secret},
             {"PROXMOX_TOKEN_ID", info().token_id + ":" + secret},
             {"PROXMOX_TOKEN_ID", secret},
             {"PROXMOX_API_URL", info().url + "/?token=" + secret},
             {"PROXMOX_API_URL", "https://root:" + secret + "@" + info().url.substr(8)}}) {
        mcp_client c({}, env({{key, value}}));
        ASSERT_TRUE(c.initialize().is_object()) << key;
        auto r = c.call("proxmox-list-nodes");
        ASSERT_TRUE(is_error(r)) << key;
        EXPECT_NE(text_of(r).find(key), std::string::npos) << text_of(r);
        EXPECT_EQ(text_of(r).find("5ec7"), std::string::npos) << text_of(r);
        c.proc().close_stdin();
        EXPECT_EQ(c.proc().wait_exit(10s), 0) << key;
        const auto err = c.proc().stderr_text();
        EXPECT_NE(err.find(key), std::string::npos) << err;
        EXPECT_EQ(err.find("5ec7"), std::string::npos) << err;
        EXPECT_TRUE(server().request_log().empty()) << "a misconfigured server sent a request";
    }
}

TEST_F(McpHostile, PasswordLoginWorksInTheServer) {
    auto e = env({{"PROXMOX_USER", "alice@pve"}, {"PROXMOX_PASSWORD", "wonderland"}});
    e.erase("PROXMOX_TOKEN_ID");
    e.erase("PROXMOX_TOKEN_SECRET");
    mcp_client c({}, e);
    ASSERT_TRUE(c.initialize().is_object()) << c.proc().stderr_text();
    auto nodes = c.call("proxmox-list-nodes");
    ASSERT_FALSE(is_error(nodes)) << text_of(nodes);
    EXPECT_EQ(count_containing("POST", "/access/ticket"), 1u);
    EXPECT_EQ(c.proc().stderr_text().find("wonderland"), std::string::npos);
}

TEST_F(McpHostile, StalledCallsDoNotHoldUpAnUnrelatedOne) {
    proxmox::sim::fault stall;
    stall.method = "GET";
    stall.path = "/nodes/*/status";
    stall.kind = proxmox::sim::fault::action::stall;
    server().add_fault(stall);
    mcp_client c({}, env({{"PROXMOX_TIMEOUT", "8"}}));
    ASSERT_TRUE(c.initialize().is_object());
    std::vector<json::value> stalled;
    for (int i = 0; i < 4; ++i)
        stalled.push_back(c.send_call("proxmox-node-status", {{"node", "pve"}}));
    auto unrelated = c.send_call("proxmox-list-nodes", {});
    // The first answer to arrive is the unrelated call's; the stalled ones end at PROXMOX_TIMEOUT.
    auto first = c.next(20s);
    ASSERT_TRUE(first.is_object()) << c.proc().stderr_text();
    ASSERT_EQ(first.at("id"), unrelated) << json::serialize(first);
    EXPECT_FALSE(is_error(first.at("result").as_object())) << json::serialize(first);
    for (const auto& id : stalled) {
        auto r = c.response(id, 20s);
        ASSERT_TRUE(r.is_object());
        const auto& result = r.at("result").as_object();
        ASSERT_TRUE(is_error(result));
        EXPECT_NE(text_of(result).find("PROXMOX_TIMEOUT"), std::string::npos) << text_of(result);
    }
}

TEST_F(McpHostile, ALostAnswerToAStartIsAnUnknownOutcomeSentOnce) {
    mcp_client c({}, env());
    ASSERT_TRUE(c.initialize().is_object());
    const auto vmid = stopped_vm(c);
    proxmox::sim::fault lost;
    lost.method = "POST";
    lost.path = "/nodes/*/qemu/*/status/start";
    lost.kind = proxmox::sim::fault::action::reset_after;
    server().add_fault(lost);
    auto r = c.call("proxmox-start-vm", {{"vmid", vmid}, {"wait", true}, {"confirm", true}});
    ASSERT_TRUE(is_error(r)) << json::serialize(r);
    EXPECT_NE(text_of(r).find("may have been applied"), std::string::npos) << text_of(r);
    EXPECT_EQ(count_containing("POST", "/status/start"), 1u) << "a write is never sent twice";
}

/// Every fault the simulator can inject, on a read tool and on a write tool.
TEST_F(McpHostile, EveryFaultEndsInAClearResultAndAWriteIsSentOnce) {
    using action = proxmox::sim::fault::action;
    struct fault_case {
        const char* name;
        action kind;
        unsigned status = 500;
        std::chrono::milliseconds delay{0};
    };
    const std::vector<fault_case> cases{{"status 500", action::status, 500},
                                        {"status 595", action::status, 595},
                                        {"status 503", action::status, 503},
                                        {"delay past the timeout", action::delay, 500, 6s},
                                        {"reset", action::reset},
                                        {"reset after the handler", action::reset_after},
                                        {"stall", action::stall},
                                        {"truncated body", action::truncate},
                                        {"close when idle", action::close_idle}};
    mcp_client c({}, env({{"PROXMOX_TIMEOUT", "3"}}));
    ASSERT_TRUE(c.initialize().is_object());
    const auto vmid = stopped_vm(c);
    for (const auto& fc : cases) {
        for (bool write : {false, true}) {
            SCOPED_TRACE(std::string(fc.name) + (write ? " on start-vm" : " on list-nodes"));
            server().clear_faults();
            if (write) // a running VM would be answered "already running" without a request
                c.call("proxmox-stop-vm",
                       {{"vmid", vmid}, {"hard", true}, {"confirm", true}, {"wait", true}});
            server().clear_request_log();
            proxmox::sim::fault f;
            f.method = write ? "POST" : "GET";
            f.path = write ? "/nodes/*/qemu/*/status/start" : "/nodes";
            f.kind = fc.kind;
            f.status = fc.status;
            f.delay = fc.delay;
            f.truncate_bytes = 5;
            server().add_fault(f);
            auto r = write ? c.call("proxmox-start-vm", {{"vmid", vmid}, {"confirm", true}})
                           : c.call("proxmox-list-nodes");
            ASSERT_TRUE(r.contains("content")) << "no answer: " << c.proc().stderr_text();
            if (is_error(r)) {
                EXPECT_FALSE(text_of(r).empty());
                EXPECT_LT(text_of(r).size(), 6000u);
            }
            if (write) {
                EXPECT_LE(count_containing("POST", "/status/start"), 1u) << "a write was sent twice";
            }
        }
    }
    auto ping = c.request("ping");
    EXPECT_TRUE(ping.is_object() && ping.as_object().contains("result")) << "the server still answers";
}

} // namespace

namespace {

/// 1,000 concurrent calls with pings and cancellations in between: every call that was not
/// cancelled is answered exactly once, every ping too, no cancelled call is answered, and stdout
/// carries nothing but JSON-RPC. The cancelled calls are stalled in the cluster, so only the
/// cancellation can end them within the test.
TEST_F(McpHostile, AThousandConcurrentCallsWithPingsAndCancellations) {
    proxmox::sim::fault stall;
    stall.method = "GET";
    stall.path = "/nodes/pve2/status";
    stall.kind = proxmox::sim::fault::action::stall;
    server().add_fault(stall);
    mcp_client c({}, env({{"PROXMOX_TIMEOUT", "600"}}));
    ASSERT_TRUE(c.initialize().is_object());

    std::vector<std::string> lines;
    std::set<std::string> expected, cancelled;
    auto call_line = [](const std::string& id, const char* tool, json::object args) {
        return json::serialize(
            json::object{{"jsonrpc", "2.0"},
                         {"id", id},
                         {"method", "tools/call"},
                         {"params", json::object{{"name", tool}, {"arguments", std::move(args)}}}});
    };
    for (int i = 0; i < 1000; ++i) {
        const std::string id = "c" + std::to_string(i);
        if (i % 3 == 0) {
            lines.push_back(call_line(id, "proxmox-node-status", {{"node", "pve2"}}));
            lines.push_back(json::serialize(json::object{{"jsonrpc", "2.0"},
                                                         {"method", "notifications/cancelled"},
                                                         {"params", json::object{{"requestId", id}}}}));
            cancelled.insert(id);
        } else {
            lines.push_back(i % 3 == 1 ? call_line(id, "proxmox-list-nodes", {})
                                       : call_line(id, "proxmox-node-status", {{"node", "pve"}}));
            expected.insert(id);
        }
        if (i % 10 == 0) {
            const std::string ping = "p" + std::to_string(i);
            lines.push_back(
                json::serialize(json::object{{"jsonrpc", "2.0"}, {"id", ping}, {"method", "ping"}}));
            expected.insert(ping);
        }
    }
    std::thread sender([&] {
        for (const auto& line : lines)
            if (!c.proc().send_line(line))
                return;
    });

    std::map<std::string, int> answered;
    std::size_t errors = 0;
    const auto deadline = std::chrono::steady_clock::now() + 120s;
    std::size_t done = 0;
    while (done < expected.size() && std::chrono::steady_clock::now() < deadline) {
        auto m = c.next(30s); // fails the test on a line that is not JSON
        if (m.is_null())
            break;
        ASSERT_TRUE(m.is_object() && m.at("jsonrpc") == "2.0") << json::serialize(m);
        ASSERT_TRUE(m.as_object().contains("id")) << "unexpected message " << json::serialize(m);
        const std::string id(m.at("id").as_string());
        if (++answered[id] == 1 && expected.count(id))
            ++done;
        if (m.as_object().contains("result") && m.at("result").as_object().contains("isError") &&
            m.at("result").at("isError").as_bool())
            ++errors;
    }
    sender.join();
    EXPECT_TRUE(c.next(1s).is_null()) << "an answer after every expected one arrived";
    EXPECT_EQ(done, expected.size()) << c.proc().stderr_text().substr(0, 2000);
    for (const auto& [id, n] : answered) {
        EXPECT_EQ(n, 1) << id << " answered " << n << " times";
        EXPECT_FALSE(cancelled.count(id)) << "cancelled call " << id << " was answered";
    }
    EXPECT_EQ(errors, 0u);
}

} // namespace

namespace {

/// The SDK retries a GET that met a 503; the client that asked for warnings hears of it while
/// the call runs, and the call still succeeds.
TEST_F(McpHostile, ARetryReachesTheClientLogAsAWarning) {
    mcp_client c({}, env());
    ASSERT_TRUE(c.initialize().is_object());
    EXPECT_TRUE(c.request("logging/setLevel", {{"level", "warning"}}).as_object().contains("result"));
    proxmox::sim::fault f;
    f.method = "GET";
    f.path = "/nodes";
    f.kind = proxmox::sim::fault::action::status;
    f.status = 503;
    f.first = 1;
    server().add_fault(f);
    auto id = c.send_call("proxmox-list-nodes", {});
    auto answer = c.response(id);
    EXPECT_FALSE(is_error(answer.at("result").as_object())) << boost::json::serialize(answer);
    bool warned = false;
    for (auto n = c.next(std::chrono::milliseconds(500)); n.is_object();
         n = c.next(std::chrono::milliseconds(200)))
        if (n.at("method") == "notifications/message" && n.at("params").at("level") == "warning")
            warned = warned || n.at("params").at("data").as_string().starts_with("retrying");
    EXPECT_TRUE(warned) << "no warning about the retry";
}

} // namespace
