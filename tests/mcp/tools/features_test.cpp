// What proxmox-mcp offers besides tools, against the simulator: resources (cluster, node status,
// guest config, task status and log, subscriptions to a running task), prompts, completions from
// one cached listing, task log lines as log messages, and writes confirmed by elicitation.
#include "tool_fixture.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <set>

namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using proxmox::mcp::testing::is_error;
using proxmox::mcp::testing::text_of;
using proxmox::mcp::testing::tool_fixture;

class FeatureTools : public tool_fixture {
protected:
    json::value read(const std::string& uri) { return mcp().request("resources/read", {{"uri", uri}}); }

    /// The JSON text of a resource read that must succeed.
    json::value read_json(const std::string& uri) {
        auto r = read(uri);
        if (!r.as_object().contains("result")) {
            ADD_FAILURE() << uri << ": " << json::serialize(r);
            return nullptr;
        }
        const auto& c = r.at("result").at("contents").at(0);
        EXPECT_EQ(c.at("uri"), json::value(uri));
        EXPECT_EQ(c.at("mimeType"), "application/json");
        return json::parse(c.at("text").as_string());
    }

    static int error_code(const json::value& r) {
        const auto* o = r.if_object();
        return o && o->contains("error") ? static_cast<int>(r.at("error").at("code").as_int64()) : 0;
    }

    std::vector<std::string> complete(json::object ref, const char* argument, const char* typed) {
        auto r = mcp().request(
            "completion/complete",
            {{"ref", std::move(ref)}, {"argument", json::object{{"name", argument}, {"value", typed}}}});
        std::vector<std::string> out;
        for (const auto& v : r.at("result").at("completion").at("values").as_array())
            out.emplace_back(v.as_string());
        return out;
    }
};

/// Tasks that run long enough to be watched.
class SlowTaskTools : public FeatureTools {
protected:
    void tune(proxmox::sim::options& o) override { o.task_seconds = 3; }
};

TEST_F(FeatureTools, ResourcesReadTheCluster) {
    auto listed = mcp().request("resources/list").at("result").at("resources").as_array();
    ASSERT_EQ(listed.size(), 1u);
    auto cluster = read_json("proxmox://cluster/resources");
    ASSERT_TRUE(cluster.is_array());
    std::set<std::string> types;
    for (const auto& e : cluster.as_array())
        types.insert(std::string(e.at("type").as_string()));
    EXPECT_TRUE(types.count("node") && types.count("qemu") && types.count("lxc") && types.count("storage"));

    auto status = read_json("proxmox://nodes/pve/status");
    EXPECT_TRUE(status.as_object().contains("cpuinfo"));
    auto config = read_json("proxmox://guests/100/config");
    EXPECT_EQ(config.at("type"), "qemu");
    EXPECT_TRUE(config.at("config").as_object().contains("memory"));
    EXPECT_EQ(count("GET", "/nodes/pve/qemu/100/config"), 1u);
    auto ct = read_json("proxmox://guests/200/config");
    EXPECT_EQ(ct.at("type"), "lxc");

    auto missing = read("proxmox://guests/99999/config");
    EXPECT_EQ(error_code(missing), -32002);
    EXPECT_NE(missing.at("error").at("message").as_string().find("proxmox-list-vms"), json::string::npos);
    EXPECT_EQ(error_code(read("proxmox://nodes/nope/status")), -32002);
    EXPECT_EQ(error_code(read("proxmox://tasks/not-a-upid/log")), -32002);
    EXPECT_EQ(error_code(read("proxmox://guests/1/2/config")), -32002);
}

TEST_F(FeatureTools, AllowListsHideWhatToolsCannotTouch) {
    start_server({{"PROXMOX_ALLOWED_VMIDS", "100-199"}});
    auto cluster = read_json("proxmox://cluster/resources");
    for (const auto& e : cluster.as_array())
        if (const auto* vmid = e.as_object().if_contains("vmid")) {
            EXPECT_LT(vmid->to_number<std::int64_t>(), 200) << json::serialize(e);
        }
    EXPECT_EQ(error_code(read("proxmox://guests/200/config")), -32002);
    for (const auto& v :
         complete({{"type", "ref/resource"}, {"uri", "proxmox://guests/{vmid}/config"}}, "vmid", "2"))
        ADD_FAILURE() << "completion offered " << v;
}

TEST_F(FeatureTools, CompletionsComeFromOneCachedListing) {
    mcp();
    auto before = count("GET", "/cluster/resources");
    auto nodes =
        complete({{"type", "ref/resource"}, {"uri", "proxmox://nodes/{node}/status"}}, "node", "pve");
    EXPECT_EQ(nodes, (std::vector<std::string>{"pve", "pve2", "pve3"}));
    auto templates = complete({{"type", "ref/prompt"}, {"name", "provision-vm"}}, "template", "");
    EXPECT_FALSE(templates.empty());
    for (const auto& t : templates)
        EXPECT_TRUE(t == "9000" || t == "9001" || t.find("template") != std::string::npos) << t;
    auto storages = complete({{"type", "ref/prompt"}, {"name", "provision-vm"}}, "storage", "local");
    EXPECT_FALSE(storages.empty());
    EXPECT_EQ(count("GET", "/cluster/resources") - before, 1u);
}

TEST_F(FeatureTools, PromptsBuildWorkflowsFromLiveState) {
    auto prompts = mcp().request("prompts/list").at("result").at("prompts").as_array();
    std::set<std::string> names;
    for (const auto& p : prompts)
        names.insert(std::string(p.at("name").as_string()));
    EXPECT_EQ(names, (std::set<std::string>{"provision-vm", "diagnose-guest-start", "node-capacity-report"}));

    auto diagnose =
        mcp().request("prompts/get", {{"name", "diagnose-guest-start"}, {"arguments", {{"guest", "web01"}}}});
    auto messages = diagnose.at("result").at("messages").as_array();
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_EQ(json::parse(messages[0].at("content").at("resource").at("text").as_string()).at("vmid"), 100);
    EXPECT_NE(messages[1].at("content").at("text").as_string().find("proxmox-list-tasks"),
              json::string::npos);

    auto not_template = mcp().request(
        "prompts/get", {{"name", "provision-vm"}, {"arguments", {{"template", "100"}, {"name", "a"}}}});
    EXPECT_EQ(error_code(not_template), -32602);
    EXPECT_NE(not_template.at("error").at("message").as_string().find("9000"), json::string::npos);
    auto provision = mcp().request(
        "prompts/get", {{"name", "provision-vm"}, {"arguments", {{"template", "9000"}, {"name", "web9"}}}});
    EXPECT_NE(json::serialize(provision).find("proxmox-clone-vm"), std::string::npos);

    auto capacity =
        mcp().request("prompts/get", {{"name", "node-capacity-report"}, {"arguments", {{"node", "nah"}}}});
    EXPECT_NE(capacity.at("error").at("message").as_string().find("pve2"), json::string::npos);
    EXPECT_TRUE(writes().empty());
}

TEST_F(FeatureTools, TaskLogLinesReachTheClientLogWhenItAsksForInfo) {
    EXPECT_EQ(mcp().request("logging/setLevel", {{"level", "info"}}).at("result"), json::object{});
    auto id = mcp().send_call("proxmox-start-vm", {{"vmid", 101}, {"confirm", true}, {"wait", true}});
    auto answer = mcp().response(id);
    ASSERT_FALSE(is_error(answer.at("result").as_object())) << json::serialize(answer);
    std::string upid(answer.at("result").at("structuredContent").at("upid").as_string());
    std::size_t lines = 0;
    for (;;) {
        auto n = mcp().next(200ms);
        if (n.is_null())
            break;
        if (n.at("method") == "notifications/message") {
            EXPECT_EQ(n.at("params").at("level"), "info");
            EXPECT_EQ(n.at("params").at("data").at("upid"), json::value(upid));
            ++lines;
        }
    }
    EXPECT_GE(lines, 1u);
}

TEST_F(FeatureTools, AnUnconfirmedWriteAsksTheUserWhenTheClientCan) {
    start_server({}, {{"elicitation", json::object{}}});
    auto id = mcp().send_call("proxmox-start-vm", {{"vmid", 101}});
    auto ask = mcp().next();
    ASSERT_EQ(ask.at("method"), "elicitation/create") << json::serialize(ask);
    EXPECT_NE(ask.at("params").at("message").as_string().find("POST /nodes/pve2/qemu/101/status/start"),
              json::string::npos)
        << ask.at("params").at("message");
    EXPECT_TRUE(writes().empty()) << "a write before the user answered";
    mcp().send(json::object{{"jsonrpc", "2.0"}, {"id", ask.at("id")}, {"result", {{"action", "decline"}}}});
    auto declined = mcp().response(id);
    EXPECT_TRUE(is_error(declined.at("result").as_object()));
    EXPECT_NE(text_of(declined.at("result").as_object()).find("decline"), std::string::npos);
    EXPECT_TRUE(writes().empty()) << "a write after the user declined";

    id = mcp().send_call("proxmox-start-vm", {{"vmid", 101}});
    ask = mcp().next();
    ASSERT_EQ(ask.at("method"), "elicitation/create");
    mcp().send(json::object{{"jsonrpc", "2.0"},
                            {"id", ask.at("id")},
                            {"result", {{"action", "accept"}, {"content", {{"confirm", true}}}}}});
    auto accepted = mcp().response(id);
    EXPECT_FALSE(is_error(accepted.at("result").as_object())) << json::serialize(accepted);
    EXPECT_EQ(count("POST", "/nodes/pve2/qemu/101/status/start"), 1u);
}

TEST_F(FeatureTools, AWriteWhoseChecksFailIsRefusedWithoutAskingAndChecksOnce) {
    start_server({}, {{"elicitation", json::object{}}});
    server().clear_request_log();
    auto preview = ok("proxmox-delete-vm", {{"vmid", 100}, {"dry_run", true}});
    ASSERT_TRUE(preview.contains("would_run")) << json::serialize(preview);
    ASSERT_EQ(preview.at("would_run"), false) << json::serialize(preview);
    const auto preview_requests = server().request_log().size();
    server().clear_request_log();

    auto id = mcp().send_call("proxmox-delete-vm", {{"vmid", 100}});
    auto answer = mcp().next();
    ASSERT_TRUE(answer.is_object() && answer.as_object().contains("id")) << json::serialize(answer);
    ASSERT_EQ(answer.at("id"), id) << "no question for a write that would fail: " << json::serialize(answer);
    const auto& result = answer.at("result").as_object();
    EXPECT_TRUE(is_error(result));
    // the text a client without elicitation gets
    EXPECT_EQ(
        text_of(result),
        "Not done: destroy VM 100 (web01) on pve and its disks (purge). It would fail: the VM is stopped "
        "(it is running; stop it first with proxmox-stop-vm). Nothing was sent.\n"
        R"({"requests":[{"method":"DELETE","path":"/nodes/pve/qemu/100","params":{"purge":"1"}}]})");
    EXPECT_EQ(server().request_log().size(), preview_requests) << "the checks ran once, as for a preview";
    EXPECT_TRUE(writes().empty());
}

TEST_F(SlowTaskTools, ASubscriptionToARunningTaskReportsItsEnd) {
    auto started = ok("proxmox-start-vm", {{"vmid", 101}, {"confirm", true}});
    std::string uri = "proxmox://tasks/" + std::string(started.at("upid").as_string()) + "/status";
    EXPECT_EQ(mcp().request("resources/subscribe", {{"uri", uri}}).at("result"), json::object{});
    // Each update (new log lines, then the end) is followed by a read, until the task has ended.
    std::size_t updates = 0;
    json::value status;
    auto deadline = std::chrono::steady_clock::now() + 15s;
    while (std::chrono::steady_clock::now() < deadline) {
        auto n = mcp().next(1s);
        if (!n.is_object() || n.at("method") != "notifications/resources/updated")
            continue;
        EXPECT_EQ(n.at("params").at("uri"), json::value(uri));
        ++updates;
        status = read_json(uri);
        if (status.at("status") == "stopped")
            break;
    }
    ASSERT_GE(updates, 1u) << "no notifications/resources/updated for " << uri;
    ASSERT_TRUE(status.is_object());
    EXPECT_EQ(status.at("status"), "stopped");
    EXPECT_EQ(status.at("exitstatus"), "OK");
    auto log = read("proxmox://tasks/" + std::string(started.at("upid").as_string()) + "/log");
    EXPECT_NE(log.at("result").at("contents").at(0).at("text").as_string().find("TASK OK"),
              json::string::npos);
}

} // namespace

namespace {

TEST_F(FeatureTools, ProfilesServeSeveralClustersFromOneServer) {
    // Two profiles on the same simulator, told apart by their default node and read-only switch.
    const std::string path = ::testing::TempDir() + "proxmox-mcp-profiles.json";
    {
        json::object common{{"PROXMOX_API_URL", info().url},
                            {"PROXMOX_TOKEN_ID", info().token_id},
                            {"PROXMOX_TOKEN_SECRET", info().token_secret},
                            {"PROXMOX_FINGERPRINT", info().fingerprint}};
        json::object lab = common, prod = common;
        lab["PROXMOX_DEFAULT_NODE"] = "pve2";
        prod["PROXMOX_DEFAULT_NODE"] = "pve3";
        prod["PROXMOX_READ_ONLY"] = true;
        std::ofstream(path) << json::serialize(
            json::object{{"default", "lab"}, {"clusters", json::object{{"lab", lab}, {"prod", prod}}}});
    }
    start_server({{"PROXMOX_PROFILES", path}, {"PROXMOX_API_URL", ""}, {"PROXMOX_DEFAULT_NODE", ""}});
    EXPECT_EQ(ok("proxmox-node-status").at("node"), "pve2");
    EXPECT_EQ(ok("proxmox-node-status", {{"cluster", "prod"}}).at("node"), "pve3");
    EXPECT_EQ(ok("proxmox-node-status", {{"cluster", "lab"}}).at("node"), "pve2");
    auto unknown = err("proxmox-node-status", {{"cluster", "dev"}});
    EXPECT_NE(unknown.find("lab, prod"), std::string::npos) << unknown;
    // prod is read-only: its writes are refused before they leave the process.
    auto refused = err("proxmox-start-vm", {{"vmid", 101}, {"confirm", true}, {"cluster", "prod"}});
    EXPECT_NE(refused.find("PROXMOX_READ_ONLY"), std::string::npos) << refused;
    EXPECT_TRUE(writes().empty());
    ok("proxmox-start-vm", {{"vmid", 101}, {"confirm", true}, {"cluster", "lab"}});
    EXPECT_EQ(writes().size(), 1u);
    std::remove(path.c_str());
}

} // namespace

namespace {

TEST_F(FeatureTools, ToolsetsListOnlyTheirTools) {
    start_server({{"PROXMOX_TOOLSETS", "discovery,metrics"}});
    const auto& tools = listed();
    EXPECT_EQ(tools.size(), 13u);
    EXPECT_TRUE(tools.count("proxmox-list-vms") && tools.count("proxmox-vm-metrics"));
    EXPECT_FALSE(tools.count("proxmox-start-vm"));
    auto refused = err("proxmox-start-vm", {{"vmid", 101}, {"confirm", true}});
    EXPECT_NE(refused.find("PROXMOX_TOOLSETS"), std::string::npos) << refused;
    EXPECT_TRUE(writes().empty());
}

} // namespace
