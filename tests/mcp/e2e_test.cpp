// End to end: spawn `proxmox-mcp --demo` (an in-process simulated cluster) with pipes and speak
// JSON-RPC over its stdin/stdout, as an MCP client does.
#include "child_process.hpp"
#include "mcp_client.hpp"
#include "schema_validation.hpp"

#ifdef PROXMOX_MCP_TEST_HAVE_SIM
#include "sim_fixture.hpp"
#endif

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <unistd.h>

namespace json = boost::json;
using proxmox::mcp::testing::child_process;
using proxmox::mcp::testing::is_error;
using proxmox::mcp::testing::mcp_client;
using proxmox::mcp::testing::text_of;
using namespace std::chrono_literals;

namespace {

const std::string exe = PROXMOX_MCP_EXE;

const json::array& vms_of(const json::object& result) {
    return result.at("structuredContent").at("vms").as_array();
}

/// First VM (not a template) in `status`, from proxmox-list-vms; 0 if none.
std::int64_t find_vm(mcp_client& c, const char* status, std::int64_t skip = 0) {
    auto r = c.call("proxmox-list-vms", {{"status", status}});
    for (const auto& vm : vms_of(r)) {
        if (vm.at("template").as_bool())
            continue;
        auto id = vm.at("vmid").to_number<std::int64_t>();
        if (id != skip)
            return id;
    }
    return 0;
}

std::string vm_status(mcp_client& c, std::int64_t vmid) {
    auto r = c.call("proxmox-list-vms");
    for (const auto& vm : vms_of(r))
        if (vm.at("vmid").to_number<std::int64_t>() == vmid)
            return std::string(vm.at("status").as_string());
    return "<missing>";
}

class McpEndToEnd : public ::testing::Test {
protected:
    void SetUp() override {
        client = std::make_unique<mcp_client>();
        auto r = client->initialize();
        ASSERT_TRUE(r.is_object()) << client->proc().stderr_text();
        ASSERT_TRUE(r.as_object().contains("result")) << json::serialize(r);
        tools = client->tools();
    }

    void TearDown() override {
        // Every session ends with a clean exit (status 0), whatever the test did.
        client->proc().close_stdin();
        EXPECT_EQ(client->proc().wait_exit(5s), std::optional<int>(0)) << "exit status of proxmox-mcp";
        if (HasFailure())
            std::cerr << "server stderr:\n" << client->proc().stderr_text();
    }

    /// Checks a successful result against the tool's outputSchema and its text block.
    void expect_conforms(const char* tool, const json::object& result) {
        ASSERT_FALSE(is_error(result)) << text_of(result);
        ASSERT_TRUE(result.contains("structuredContent")) << tool;
        const auto& structured = result.at("structuredContent");
        auto problem =
            proxmox::mcp::validate_result(tools.at(tool).at("outputSchema").as_object(), structured);
        EXPECT_FALSE(problem) << tool << ": " << (problem ? problem->message : "");
        EXPECT_EQ(json::parse(text_of(result)), structured) << tool;
    }

    std::unique_ptr<mcp_client> client;
    std::map<std::string, json::object> tools;
};

} // namespace

TEST_F(McpEndToEnd, HandshakeAndToolList) {
    ASSERT_EQ(tools.size(), 53u); // --demo enables proxmox-guest-exec
    for (const auto& [name, t] : tools) {
        EXPECT_EQ(t.at("inputSchema").at("type"), "object") << name;
        EXPECT_EQ(t.at("outputSchema").at("type"), "object") << name;
        EXPECT_FALSE(t.at("title").as_string().empty()) << name;
        EXPECT_FALSE(t.at("description").as_string().empty()) << name;
        for (const char* hint : {"readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"})
            EXPECT_TRUE(t.at("annotations").at(hint).is_bool()) << name << " " << hint;
    }
    EXPECT_EQ(client->request("ping").at("result"), json::object{});
}

TEST_F(McpEndToEnd, InitializeResult) {
    mcp_client second;
    auto r = second.initialize("2025-06-18");
    const auto& res = r.at("result").as_object();
    EXPECT_EQ(res.at("protocolVersion"), "2025-06-18");
    EXPECT_EQ(res.at("serverInfo").at("name"), "proxmox-mcp");
    EXPECT_EQ(res.at("capabilities"), json::parse(R"({"tools":{"listChanged":false},"logging":{},
                              "resources":{"subscribe":true,"listChanged":false},
                              "prompts":{"listChanged":false},"completions":{}})"));
    EXPECT_TRUE(res.contains("instructions"));
}

TEST_F(McpEndToEnd, ListsTheSimulatedCluster) {
    auto nodes = client->call("proxmox-list-nodes");
    expect_conforms("proxmox-list-nodes", nodes);
    std::set<std::string> names;
    for (const auto& n : nodes.at("structuredContent").at("nodes").as_array())
        names.insert(std::string(n.at("node").as_string()));
    EXPECT_EQ(names, (std::set<std::string>{"pve", "pve2", "pve3"}));

    auto vms = client->call("proxmox-list-vms");
    expect_conforms("proxmox-list-vms", vms);
    const auto& list = vms_of(vms);
    EXPECT_GE(list.size(), 3u);
    EXPECT_EQ(vms.at("structuredContent").at("total").to_number<std::size_t>(), list.size());
    for (const auto& vm : list) {
        EXPECT_GE(vm.at("vmid").to_number<std::int64_t>(), 100);
        EXPECT_TRUE(names.count(std::string(vm.at("node").as_string()))) << json::serialize(vm);
    }

    auto on_pve2 = client->call("proxmox-list-vms", {{"node", "pve2"}});
    expect_conforms("proxmox-list-vms", on_pve2);
    for (const auto& vm : vms_of(on_pve2))
        EXPECT_EQ(vm.at("node"), "pve2");

    auto running = client->call("proxmox-list-vms", {{"status", "running"}});
    for (const auto& vm : vms_of(running))
        EXPECT_EQ(vm.at("status"), "running");

    // name filter: a substring of the first VM's name, in upper case
    std::string name(list.at(0).at("name").as_string());
    ASSERT_FALSE(name.empty());
    std::string needle = name.substr(0, std::min<std::size_t>(3, name.size()));
    for (auto& ch : needle)
        ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    auto by_name = client->call("proxmox-list-vms", {{"search", needle}});
    EXPECT_FALSE(vms_of(by_name).empty());
    EXPECT_EQ(vms_of(client->call("proxmox-list-vms", {{"name", needle}})), vms_of(by_name)); // older name

    auto status = client->call("proxmox-node-status"); // PROXMOX_DEFAULT_NODE: pve in demo mode
    expect_conforms("proxmox-node-status", status);
    EXPECT_EQ(status.at("structuredContent").at("node"), "pve");
}

TEST_F(McpEndToEnd, StartStoppedVmAndWait) {
    auto vmid = find_vm(*client, "stopped");
    ASSERT_NE(vmid, 0) << "the simulator has no stopped VM";
    auto r = client->call("proxmox-start-vm", {{"vmid", vmid}, {"wait", true}, {"confirm", true}});
    expect_conforms("proxmox-start-vm", r);
    const auto& s = r.at("structuredContent").as_object();
    EXPECT_EQ(s.at("vmid").to_number<std::int64_t>(), vmid);
    EXPECT_EQ(s.at("task").at("status"), "stopped");
    EXPECT_EQ(s.at("task").at("exitstatus"), "OK");
    EXPECT_EQ(vm_status(*client, vmid), "running");

    auto task = client->call("proxmox-task-status", {{"upid", s.at("upid")}});
    expect_conforms("proxmox-task-status", task);
    EXPECT_EQ(task.at("structuredContent").at("exitstatus"), "OK");
}

TEST_F(McpEndToEnd, StartingARunningVmSucceedsWithoutATask) {
    auto vmid = find_vm(*client, "running");
    ASSERT_NE(vmid, 0) << "the simulator has no running VM";
    auto r = client->call("proxmox-start-vm", {{"vmid", vmid}, {"wait", true}, {"confirm", true}});
    expect_conforms("proxmox-start-vm", r);
    EXPECT_EQ(r.at("structuredContent").at("already"), true);
    EXPECT_FALSE(r.at("structuredContent").as_object().contains("upid"));
}

TEST_F(McpEndToEnd, WritesNeedConfirm) {
    auto vmid = find_vm(*client, "stopped");
    ASSERT_NE(vmid, 0);
    auto r = client->call("proxmox-start-vm", {{"vmid", vmid}, {"wait", true}});
    ASSERT_TRUE(is_error(r));
    EXPECT_NE(text_of(r).find("confirm: true"), std::string::npos) << text_of(r);
    EXPECT_NE(text_of(r).find("/status/start"), std::string::npos) << "shows the request: " << text_of(r);
    EXPECT_EQ(vm_status(*client, vmid), "stopped");
}

TEST_F(McpEndToEnd, StartWithoutWaitReturnsTheTask) {
    auto vmid = find_vm(*client, "stopped");
    ASSERT_NE(vmid, 0);
    auto r = client->call("proxmox-start-vm", {{"vmid", vmid}, {"confirm", true}});
    expect_conforms("proxmox-start-vm", r);
    std::string upid(r.at("structuredContent").at("upid").as_string());
    EXPECT_EQ(upid.rfind("UPID:", 0), 0u) << upid;
    EXPECT_EQ(r.at("structuredContent").at("waited"), false);
    auto task = client->call("proxmox-task-status", {{"upid", upid}});
    expect_conforms("proxmox-task-status", task);
}

TEST_F(McpEndToEnd, PingIsAnsweredWhileACallWaits) {
    auto vmid = find_vm(*client, "stopped");
    ASSERT_NE(vmid, 0);
    auto call_id = client->send_call("proxmox-start-vm", {{"vmid", vmid}, {"wait", true}, {"confirm", true}});
    client->send(json::parse(R"({"jsonrpc":"2.0","id":"ping-1","method":"ping"})"));
    auto first = client->next();
    ASSERT_TRUE(first.is_object());
    EXPECT_EQ(first.at("id"), "ping-1") << "the waiting call blocked the ping: " << json::serialize(first);
    auto done = client->response(call_id);
    ASSERT_TRUE(done.is_object());
    EXPECT_FALSE(is_error(done.at("result").as_object())) << json::serialize(done);
}

TEST_F(McpEndToEnd, CancelledCallIsNotAnswered) {
    auto vmid = find_vm(*client, "stopped");
    ASSERT_NE(vmid, 0);
    auto call_id = client->send_call("proxmox-start-vm", {{"vmid", vmid}, {"wait", true}, {"confirm", true}});
    std::this_thread::sleep_for(200ms);
    client->send(json::object{{"jsonrpc", "2.0"},
                              {"method", "notifications/cancelled"},
                              {"params", json::object{{"requestId", call_id}, {"reason", "test"}}}});
    client->send(json::parse(R"({"jsonrpc":"2.0","id":"after","method":"ping"})"));
    EXPECT_EQ(client->next().at("id"), "after");
    auto extra = client->next(3500ms); // the task takes 2 s; its response must not come
    EXPECT_TRUE(extra.is_null()) << json::serialize(extra);
}

TEST_F(McpEndToEnd, ArgumentErrorsAreToolErrors) {
    auto r = client->call("proxmox-start-vm", {{"vmid", "abc"}});
    ASSERT_TRUE(is_error(r));
    EXPECT_NE(text_of(r).find("'vmid'"), std::string::npos) << text_of(r);
    r = client->call("proxmox-start-vm", {});
    ASSERT_TRUE(is_error(r));
    EXPECT_NE(text_of(r).find("vmid"), std::string::npos) << text_of(r);
    r = client->call("proxmox-list-vms", {{"status", "sleeping"}});
    ASSERT_TRUE(is_error(r));
    EXPECT_NE(text_of(r).find("\"running\""), std::string::npos) << text_of(r);
    r = client->call("proxmox-start-vm", {{"vmid", 99999}});
    ASSERT_TRUE(is_error(r)) << "a VM that does not exist";
    EXPECT_NE(text_of(r).find("proxmox-list-vms"), std::string::npos) << "names the fix: " << text_of(r);
    r = client->call("proxmox-task-status", {{"upid", "not-a-upid"}});
    ASSERT_TRUE(is_error(r));
}

TEST_F(McpEndToEnd, ProtocolErrors) {
    client->send_raw("{this is not json");
    auto r = client->next();
    ASSERT_TRUE(r.is_object());
    EXPECT_EQ(r.at("error").at("code"), -32700);
    EXPECT_TRUE(r.at("id").is_null());

    r = client->request("no/such/method");
    EXPECT_EQ(r.at("error").at("code"), -32601);

    r = client->request("tools/call", {{"name", "proxmox-nope"}});
    EXPECT_EQ(r.at("error").at("code"), -32602);

    client->send_raw(R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])");
    r = client->next();
    EXPECT_EQ(r.at("error").at("code"), -32600);

    EXPECT_EQ(client->request("ping").at("result"), json::object{}); // still serving
}

TEST_F(McpEndToEnd, ExitsOnStdinEof) {
    expect_conforms("proxmox-list-nodes", client->call("proxmox-list-nodes")); // keeps a connection open
    client->proc().close_stdin();
    auto code = client->proc().wait_exit(5s);
    ASSERT_TRUE(code.has_value()) << "still running 5 s after stdin EOF";
    EXPECT_EQ(*code, 0);
}

TEST_F(McpEndToEnd, OnStdinEofACallInFlightFinishesAndAnswers) {
    // Piped input: the start must not be lost when the client closes its side first.
    auto vmid = find_vm(*client, "stopped");
    ASSERT_NE(vmid, 0);
    auto id = client->send_call("proxmox-start-vm",
                                {{"vmid", vmid}, {"wait", true}, {"timeout", 600}, {"confirm", true}});
    std::this_thread::sleep_for(100ms);
    client->proc().close_stdin();
    auto answer = client->response(id, 20s);
    ASSERT_TRUE(answer.is_object()) << "the call's answer was lost";
    EXPECT_FALSE(is_error(answer.at("result").as_object())) << json::serialize(answer);
    EXPECT_EQ(answer.at("result").at("structuredContent").at("task").at("exitstatus"), "OK");
    auto code = client->proc().wait_exit(5s);
    ASSERT_TRUE(code.has_value()) << "still running after the last answer";
    EXPECT_EQ(*code, 0);
}

TEST_F(McpEndToEnd, ExitsOnSigterm) {
    client->proc().signal(SIGTERM);
    auto code = client->proc().wait_exit(5s);
    ASSERT_TRUE(code.has_value());
    EXPECT_EQ(*code, 0);
}

TEST(McpExecutable, HelpVersionAndBadFlags) {
    {
        child_process p(exe, {"--help"});
        auto line = p.read_line(5s);
        ASSERT_TRUE(line);
        EXPECT_NE(line->find("Usage: proxmox-mcp"), std::string::npos);
        EXPECT_EQ(p.wait_exit(5s), 0);
    }
    {
        child_process p(exe, {"--version"});
        auto line = p.read_line(5s);
        ASSERT_TRUE(line);
        EXPECT_EQ(line->rfind("proxmox-mcp ", 0), 0u);
        EXPECT_EQ(p.wait_exit(5s), 0);
    }
    {
        child_process p(exe, {"--frobnicate"});
        EXPECT_EQ(p.wait_exit(5s), 2);
        EXPECT_FALSE(p.read_line(100ms)) << "stdout must stay empty";
        EXPECT_NE(p.stderr_text().find("--frobnicate"), std::string::npos);
    }
}

TEST(McpExecutable, MissingConfigurationIsShownInEveryToolCall) {
    // MCP clients hide stderr: the server keeps serving and every call says what to fix.
    mcp_client c(
        {}, {{"PROXMOX_TOKEN_SECRET", "s3cr3t-value"}, {"HOME", "/nonexistent"}, {"PROXMOX_API_URL", ""}});
    auto init = c.initialize();
    ASSERT_TRUE(init.is_object() && init.as_object().contains("result")) << c.proc().stderr_text();
    EXPECT_EQ(c.tools().size(), 52u);
    auto r = c.call("proxmox-list-nodes");
    ASSERT_TRUE(is_error(r));
    EXPECT_NE(text_of(r).find("not configured"), std::string::npos) << text_of(r);
    EXPECT_NE(text_of(r).find("PROXMOX_API_URL"), std::string::npos) << text_of(r);
    EXPECT_NE(text_of(r).find("env block"), std::string::npos) << "names where to set it: " << text_of(r);
    EXPECT_EQ(text_of(r).find("s3cr3t-value"), std::string::npos) << text_of(r);
    c.proc().close_stdin();
    EXPECT_EQ(c.proc().wait_exit(5s), 0);
    EXPECT_EQ(c.proc().stderr_text().find("s3cr3t-value"), std::string::npos);
}

TEST(McpExecutable, MissingEnvFileIsShownInEveryToolCall) {
    mcp_client c({"--env-file", "/nonexistent/proxmox.env"}, {});
    ASSERT_TRUE(c.initialize().is_object()) << c.proc().stderr_text();
    auto r = c.call("proxmox-start-vm", {{"vmid", 100}, {"confirm", true}});
    ASSERT_TRUE(is_error(r));
    EXPECT_NE(text_of(r).find("/nonexistent/proxmox.env"), std::string::npos) << text_of(r);
}

TEST(McpExecutable, DemoSaysItIsSimulated) {
    child_process p(exe, {"--demo"});
    p.send_line(R"({"jsonrpc":"2.0","id":1,"method":"ping"})");
    auto line = p.read_line(10s);
    ASSERT_TRUE(line) << p.stderr_text();
    EXPECT_EQ(json::parse(*line), json::parse(R"({"jsonrpc":"2.0","id":1,"result":{}})"));
    p.close_stdin();
    EXPECT_EQ(p.wait_exit(5s), 0);
    EXPECT_NE(p.stderr_text().find("SIMULATED"), std::string::npos) << p.stderr_text();
}

#ifdef PROXMOX_MCP_TEST_HAVE_SIM
namespace {
/// A simulator in this process; the server reaches it through its configuration (no --demo).
class McpConfigured : public proxmox::testing::sim_fixture {
protected:
    void tune(proxmox::sim::options& o) override {
        o.task_seconds = 0.2;
        o.users = {{"alice@pve", "wonderland", "", "Administrator"}};
    }

    void SetUp() override {
        sim_fixture::SetUp();
        char dir[] = "/tmp/mcp-envfile-XXXXXX";
        ASSERT_TRUE(::mkdtemp(dir));
        env_dir = dir;
    }

    void TearDown() override {
        std::error_code ec;
        std::filesystem::remove_all(env_dir, ec);
    }

    /// Writes an env file with the URL and token id; the secret and `extra` come from the environment.
    std::string write_env_file(const std::string& fingerprint) {
        std::string path = env_dir + "/proxmox.env";
        std::ofstream out(path);
        out << "# written by the test\n"
            << "PROXMOX_API_URL=\"" << info().url << "\"\n"
            << "export PROXMOX_TOKEN_ID=" << info().token_id << "\n"
            << "PROXMOX_TOKEN_SECRET=\"wrong-secret-the-environment-wins\"\n"
            << "PROXMOX_FINGERPRINT='" << fingerprint << "'\n"
            << "PROXMOX_DEFAULT_NODE=pve3\n";
        return path;
    }

    std::string env_dir;
};
} // namespace

TEST_F(McpConfigured, EnvFileAndEnvironmentReachTheCluster) {
    mcp_client c({"--env-file", write_env_file(info().fingerprint)},
                 {{"PROXMOX_TOKEN_SECRET", info().token_secret}});
    ASSERT_TRUE(c.initialize().is_object()) << c.proc().stderr_text();
    auto nodes = c.call("proxmox-list-nodes");
    ASSERT_FALSE(is_error(nodes)) << text_of(nodes) << "\n" << c.proc().stderr_text();
    EXPECT_EQ(nodes.at("structuredContent").at("count"), 3);
    auto status = c.call("proxmox-node-status"); // PROXMOX_DEFAULT_NODE from the file
    ASSERT_FALSE(is_error(status)) << text_of(status);
    EXPECT_EQ(status.at("structuredContent").at("node"), "pve3");
    c.proc().close_stdin();
    EXPECT_EQ(c.proc().wait_exit(5s), 0);
    EXPECT_EQ(c.proc().stderr_text().find(info().token_secret), std::string::npos)
        << "the secret was printed";
}

TEST_F(McpConfigured, PerUserEnvFileIsFoundWithoutAnEnvFileArgument) {
    // A client starts the server in some directory; the per-user file is found anyway.
    std::filesystem::create_directories(env_dir + "/config/proxmox-mcp");
    std::filesystem::copy_file(write_env_file(info().fingerprint), env_dir + "/config/proxmox-mcp/env");
    mcp_client c({},
                 {{"XDG_CONFIG_HOME", env_dir + "/config"}, {"PROXMOX_TOKEN_SECRET", info().token_secret}});
    ASSERT_TRUE(c.initialize().is_object()) << c.proc().stderr_text();
    auto status = c.call("proxmox-node-status");
    ASSERT_FALSE(is_error(status)) << text_of(status) << "\n" << c.proc().stderr_text();
    EXPECT_EQ(status.at("structuredContent").at("node"), "pve3"); // PROXMOX_DEFAULT_NODE of the file
}

TEST_F(McpConfigured, PasswordLoginWorks) {
    mcp_client c({"--env-file", "/dev/null"}, {{"PROXMOX_API_URL", info().url},
                                               {"PROXMOX_USER", "alice@pve"},
                                               {"PROXMOX_PASSWORD", "wonderland"},
                                               {"PROXMOX_FINGERPRINT", info().fingerprint}});
    ASSERT_TRUE(c.initialize().is_object()) << c.proc().stderr_text();
    auto vms = c.call("proxmox-list-vms");
    ASSERT_FALSE(is_error(vms)) << text_of(vms) << "\n" << c.proc().stderr_text();
    EXPECT_GE(vms.at("structuredContent").at("total").to_number<int>(), 3);
    auto start = c.call("proxmox-start-vm", {{"vmid", 101}, {"confirm", true}, {"wait", true}});
    ASSERT_FALSE(is_error(start)) << text_of(start);
    EXPECT_EQ(start.at("structuredContent").at("task").at("exitstatus"), "OK");
    c.proc().close_stdin();
    EXPECT_EQ(c.proc().wait_exit(5s), 0);
    EXPECT_EQ(c.proc().stderr_text().find("wonderland"), std::string::npos) << "the password was printed";
}

TEST_F(McpConfigured, WrongFingerprintIsAToolErrorWithoutSecrets) {
    std::string wrong(info().fingerprint);
    wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
    mcp_client c({"--env-file", write_env_file(wrong)}, {{"PROXMOX_TOKEN_SECRET", info().token_secret}});
    ASSERT_TRUE(c.initialize().is_object()) << c.proc().stderr_text();
    auto nodes = c.call("proxmox-list-nodes");
    ASSERT_TRUE(is_error(nodes)) << json::serialize(nodes);
    EXPECT_NE(text_of(nodes).find("PROXMOX_FINGERPRINT"), std::string::npos) << text_of(nodes);
    EXPECT_EQ(text_of(nodes).find(info().token_secret), std::string::npos);
    c.proc().close_stdin();
    EXPECT_EQ(c.proc().wait_exit(5s), 0);
    EXPECT_EQ(c.proc().stderr_text().find(info().token_secret), std::string::npos)
        << "the secret was printed";
}

TEST_F(McpConfigured, WrongSecretIsAToolError) {
    mcp_client c({"--env-file", write_env_file(info().fingerprint)}, {}); // the file's wrong secret
    ASSERT_TRUE(c.initialize().is_object()) << c.proc().stderr_text();
    auto nodes = c.call("proxmox-list-nodes");
    ASSERT_TRUE(is_error(nodes)) << json::serialize(nodes);
    EXPECT_NE(text_of(nodes).find("PROXMOX_TOKEN_SECRET"), std::string::npos) << text_of(nodes);
    EXPECT_EQ(text_of(nodes).find("wrong-secret"), std::string::npos) << text_of(nodes);
}
#endif
