// The session's protocol features beyond tools, in process with the conformance fixture's
// tools, resources and prompts: logging, resources (read, templates, subscriptions), prompts,
// completions, content blocks, requests to the client (sampling, elicitation) and the
// confirmation of writes by elicitation.
#include "conformance/fixture_features.hpp"
#include "jsonrpc.hpp"
#include "session.hpp"
#include "session_lines.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <deque>

namespace asio = boost::asio;
namespace json = boost::json;
using namespace proxmox::mcp;
using namespace std::chrono_literals;

namespace {

/// A write tool with the plan/gate shape of the real ones: preview → plan, unconfirmed → refusal,
/// execute → done. Counts executions.
int executions = 0;

asio::awaitable<tool_result> fake_write(tool_context ctx, json::object) {
    switch (ctx.mode) {
    case call_mode::preview:
        co_return tool_result::success(
            {{"dry_run", true},
             {"summary", "start VM 100 on pve"},
             {"checks", json::array{}},
             {"requests",
              json::array{json::object{{"method", "POST"}, {"path", "/nodes/pve/qemu/100/status/start"}}}},
             {"would_run", true}});
    case call_mode::unconfirmed:
        co_return tool_result::failure("Not done: start VM 100 on pve. Nothing was sent.");
    case call_mode::execute:
        ++executions;
        co_return tool_result::success({{"started", true}});
    }
    co_return tool_result{};
}

asio::awaitable<tool_result> where_tool(tool_context ctx, json::object) {
    co_return tool_result::success({{"node", ctx.defaults.node}});
}

class McpFeatures : public ::testing::Test {
protected:
    void make(json::object client_capabilities = {},
              const char* version = "2025-11-25",
              std::map<std::string, cluster_binding, std::less<>> clusters = {}) {
        registry = conformance::make_fixture_tools();
        tool_def write;
        write.name = "write";
        write.description = "Starts a VM.";
        write.input_schema = json::object{{"type", "object"}, {"properties", json::object{}}};
        write.handler = fake_write;
        write.safety = tool_safety::write;
        registry.add(std::move(write));
        tool_def where;
        where.name = "where";
        where.description = "Names the default node of the cluster it runs in.";
        where.input_schema = json::object{{"type", "object"}, {"properties", json::object{}}};
        where.handler = where_tool;
        registry.add(std::move(where));
        session_options opts;
        opts.clusters = std::move(clusters);
        opts.resources = std::make_shared<const resource_registry>(conformance::make_fixture_resources());
        opts.prompts = std::make_shared<const prompt_registry>(conformance::make_fixture_prompts());
        opts.client_request_timeout = 2s;
        server_identity id;
        id.version = "1";
        tool_context main_context;
        main_context.defaults.node = "main";
        s = std::make_unique<session>(io.get_executor(), registry, main_context,
                                      session::message_sink([this](outgoing_message m) {
                                          if (!m.line.empty()) {
                                              lines.push_back(m.line);
                                              related.push_back(m.related);
                                          }
                                      }),
                                      id, opts);
        auto r = request(0, "initialize",
                         {{"protocolVersion", version},
                          {"capabilities", std::move(client_capabilities)},
                          {"clientInfo", json::object{{"name", "test"}, {"version", "1"}}}});
        ASSERT_TRUE(r.is_object());
        capabilities = r.at("result").at("capabilities").as_object();
        s->on_line(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
    }

    json::value next(std::chrono::milliseconds timeout = 3s) {
        auto v = proxmox::mcp::testing::next_line(io, lines, timeout);
        last_related = related.empty() ? std::string() : related.front();
        if (!related.empty())
            related.pop_front();
        return v;
    }

    void send(const json::value& v) { s->on_line(json::serialize(v)); }

    json::value request(json::value id, const char* method, json::object params = {}) {
        send(json::object{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
        return next();
    }

    json::value call(json::value id, const char* tool, json::object args = {}) {
        return request(std::move(id), "tools/call", {{"name", tool}, {"arguments", std::move(args)}});
    }

    static int error_code(const json::value& r) {
        const auto* o = r.if_object();
        return o && o->contains("error") ? static_cast<int>(r.at("error").at("code").as_int64()) : 0;
    }

    asio::io_context io;
    tool_registry registry;
    std::deque<std::string> lines;
    std::deque<std::string> related;
    std::string last_related;
    std::unique_ptr<session> s;
    json::object capabilities;
};

} // namespace

TEST_F(McpFeatures, DeclaresWhatItServes) {
    make();
    EXPECT_EQ(json::value(capabilities), json::parse(R"({"tools":{"listChanged":false},"logging":{},
                              "resources":{"subscribe":true,"listChanged":false},
                              "prompts":{"listChanged":false},"completions":{}})"));
}

TEST_F(McpFeatures, LogMessagesFollowTheLevelTheClientSets) {
    make();
    // Before setLevel only warnings and above go out: the info lines of the tool are dropped.
    auto r = call(1, "test_tool_with_logging");
    ASSERT_TRUE(r.at("result").is_object()) << json::serialize(r);
    EXPECT_FALSE(r.at("result").as_object().contains("isError"));

    EXPECT_EQ(error_code(request(2, "logging/setLevel", {{"level", "loud"}})), jsonrpc::invalid_params);
    EXPECT_EQ(request(3, "logging/setLevel", {{"level", "info"}}).at("result"), json::object{});
    send(json::parse(R"({"jsonrpc":"2.0","id":4,"method":"tools/call",
                         "params":{"name":"test_tool_with_logging","arguments":{}}})"));
    std::vector<std::string> texts;
    for (int i = 0; i < 3; ++i) {
        auto n = next();
        ASSERT_EQ(n.at("method"), "notifications/message") << json::serialize(n);
        EXPECT_EQ(n.at("params").at("level"), "info");
        EXPECT_EQ(last_related, jsonrpc::id_key(json::value(4))); // on the call's stream
        texts.emplace_back(n.at("params").at("data").as_string());
    }
    EXPECT_EQ(texts, (std::vector<std::string>{"Tool execution started", "Tool processing data",
                                               "Tool execution completed"}));
    auto done = next();
    EXPECT_EQ(done.at("id"), 4);
    EXPECT_EQ(last_related, jsonrpc::id_key(json::value(4)));

    EXPECT_EQ(request(5, "logging/setLevel", {{"level", "error"}}).at("result"), json::object{});
    call(6, "test_tool_with_logging");
    EXPECT_TRUE(lines.empty()) << "info messages sent above the error level";
}

TEST_F(McpFeatures, ToolsAnswerTheirOwnContentBlocks) {
    make();
    auto image = call(1, "test_image_content").at("result");
    EXPECT_EQ(image.at("content").at(0).at("type"), "image");
    EXPECT_EQ(image.at("content").at(0).at("mimeType"), "image/png");
    EXPECT_FALSE(image.as_object().contains("structuredContent"));
    auto mixed = call(2, "test_multiple_content_types").at("result").at("content").as_array();
    ASSERT_EQ(mixed.size(), 3u);
    EXPECT_EQ(mixed[2].at("resource").at("uri"), "test://mixed-content-resource");
    auto failed = call(3, "test_error_handling").at("result");
    EXPECT_EQ(failed.at("isError"), true);
}

TEST_F(McpFeatures, ResourcesListReadAndTemplates) {
    make();
    auto list = request(1, "resources/list").at("result").at("resources").as_array();
    ASSERT_EQ(list.size(), 3u);
    EXPECT_EQ(list[0].at("uri"), "test://static-text");
    EXPECT_EQ(list[0].at("mimeType"), "text/plain");
    auto text =
        request(2, "resources/read", {{"uri", "test://static-text"}}).at("result").at("contents").at(0);
    EXPECT_EQ(text.at("text"), "This is the content of the static text resource.");
    auto blob =
        request(3, "resources/read", {{"uri", "test://static-binary"}}).at("result").at("contents").at(0);
    EXPECT_TRUE(blob.as_object().contains("blob"));

    auto templates = request(4, "resources/templates/list").at("result").at("resourceTemplates").as_array();
    ASSERT_EQ(templates.size(), 1u);
    EXPECT_EQ(templates[0].at("uriTemplate"), "test://template/{id}/data");
    auto data =
        request(5, "resources/read", {{"uri", "test://template/123/data"}}).at("result").at("contents").at(0);
    EXPECT_EQ(json::parse(data.at("text").as_string()).at("id"), "123");

    auto missing = request(6, "resources/read", {{"uri", "test://nothing"}});
    EXPECT_EQ(error_code(missing), -32002);
    EXPECT_EQ(missing.at("error").at("data").at("uri"), "test://nothing");
    // A variable never spans a path segment.
    EXPECT_EQ(error_code(request(7, "resources/read", {{"uri", "test://template/1/2/data"}})), -32002);
    EXPECT_EQ(error_code(request(8, "resources/read", {})), jsonrpc::invalid_params);
    EXPECT_EQ(error_code(request(9, "resources/list", {{"cursor", "x"}})), jsonrpc::invalid_params);
}

TEST_F(McpFeatures, SubscriptionsSendUpdatesUntilUnsubscribed) {
    make();
    EXPECT_EQ(error_code(request(1, "resources/subscribe", {{"uri", "test://static-text"}})),
              jsonrpc::invalid_params)
        << "a resource that never changes cannot be subscribed to";
    EXPECT_EQ(request(2, "resources/subscribe", {{"uri", "test://watched-resource"}}).at("result"),
              json::object{});
    auto updated = next(5s);
    ASSERT_TRUE(updated.is_object()) << "no update within 5 s";
    EXPECT_EQ(updated.at("method"), "notifications/resources/updated");
    EXPECT_EQ(updated.at("params").at("uri"), "test://watched-resource");
    EXPECT_EQ(last_related, "") << "updates belong to no request";
    EXPECT_EQ(request(3, "resources/unsubscribe", {{"uri", "test://watched-resource"}}).at("result"),
              json::object{});
    EXPECT_TRUE(next(3500ms).is_null()) << "an update after unsubscribe";
}

TEST_F(McpFeatures, PromptsListAndGet) {
    make({}, "2025-06-18");
    auto prompts = request(1, "prompts/list").at("result").at("prompts").as_array();
    ASSERT_EQ(prompts.size(), 4u);
    EXPECT_EQ(prompts[1].at("name"), "test_prompt_with_arguments");
    EXPECT_EQ(prompts[1].at("arguments").at(0).at("required"), true);
    auto got = request(
        2, "prompts/get",
        {{"name", "test_prompt_with_arguments"}, {"arguments", json::object{{"arg1", "a"}, {"arg2", "b"}}}});
    EXPECT_EQ(got.at("result").at("messages").at(0).at("content").at("text"),
              "Prompt with arguments: arg1='a', arg2='b'");
    auto missing =
        request(3, "prompts/get",
                {{"name", "test_prompt_with_arguments"}, {"arguments", json::object{{"arg1", "a"}}}});
    EXPECT_EQ(error_code(missing), jsonrpc::invalid_params);
    EXPECT_NE(missing.at("error").at("message").as_string().find("arg2"), json::string::npos);
    EXPECT_EQ(error_code(request(4, "prompts/get", {{"name", "nope"}})), jsonrpc::invalid_params);
    EXPECT_EQ(error_code(request(5, "prompts/get",
                                 {{"name", "test_simple_prompt"}, {"arguments", json::object{{"x", "1"}}}})),
              jsonrpc::invalid_params);
}

TEST_F(McpFeatures, CompletionFiltersByWhatWasTyped) {
    make();
    auto r = request(1, "completion/complete",
                     {{"ref", json::object{{"type", "ref/resource"}, {"uri", "test://template/{id}/data"}}},
                      {"argument", json::object{{"name", "id"}, {"value", "1"}}}});
    EXPECT_EQ(r.at("result").at("completion"),
              json::parse(R"({"values":["1","123"],"total":2,"hasMore":false})"));
    auto none = request(2, "completion/complete",
                        {{"ref", json::object{{"type", "ref/prompt"}, {"name", "test_simple_prompt"}}},
                         {"argument", json::object{{"name", "x"}, {"value", ""}}}});
    EXPECT_EQ(none.at("result").at("completion").at("values"), json::array{});
    EXPECT_EQ(error_code(request(3, "completion/complete",
                                 {{"ref", json::object{{"type", "ref/prompt"}, {"name", "nope"}}},
                                  {"argument", json::object{{"name", "x"}, {"value", ""}}}})),
              jsonrpc::invalid_params);
}

TEST_F(McpFeatures, RequestsToTheClientWaitForItsAnswer) {
    make(json::object{{"sampling", json::object{}}, {"elicitation", json::object{}}});
    send(json::parse(R"({"jsonrpc":"2.0","id":"c1","method":"tools/call",
                         "params":{"name":"test_sampling","arguments":{"prompt":"hi"}}})"));
    auto asked = next();
    ASSERT_EQ(asked.at("method"), "sampling/createMessage") << json::serialize(asked);
    EXPECT_EQ(last_related, jsonrpc::id_key(json::value("c1")));
    EXPECT_EQ(asked.at("params").at("messages").at(0).at("content").at("text"), "hi");
    send(json::object{
        {"jsonrpc", "2.0"}, {"id", asked.at("id")}, {"result", json::parse(R"({"role":"assistant","model":"m",
                                                 "content":{"type":"text","text":"hello"}})")}});
    auto answered = next();
    EXPECT_EQ(answered.at("id"), "c1");
    EXPECT_EQ(answered.at("result").at("content").at(0).at("text"), "LLM response: hello");

    // The client's error is the tool's error; an answer to an unknown id is ignored.
    send(json::parse(R"({"jsonrpc":"2.0","id":"c2","method":"tools/call",
                         "params":{"name":"test_elicitation","arguments":{"message":"name?"}}})"));
    auto elicit = next();
    ASSERT_EQ(elicit.at("method"), "elicitation/create");
    EXPECT_EQ(elicit.at("params").at("mode"), "form");
    send(json::parse(R"({"jsonrpc":"2.0","id":987654,"result":{}})"));
    send(json::object{{"jsonrpc", "2.0"},
                      {"id", elicit.at("id")},
                      {"error", json::object{{"code", -1}, {"message", "user closed the dialog"}}}});
    auto failed = next();
    EXPECT_EQ(failed.at("result").at("isError"), true);
    EXPECT_NE(json::serialize(failed).find("user closed the dialog"), std::string::npos);
}

TEST_F(McpFeatures, AnUnansweredRequestTimesOutAndIsCancelled) {
    make(json::object{{"elicitation", json::object{}}});
    send(json::parse(R"({"jsonrpc":"2.0","id":1,"method":"tools/call",
                         "params":{"name":"test_elicitation","arguments":{"message":"?"}}})"));
    auto elicit = next();
    ASSERT_EQ(elicit.at("method"), "elicitation/create");
    auto cancelled = next(4s); // client_request_timeout is 2 s
    ASSERT_TRUE(cancelled.is_object());
    EXPECT_EQ(cancelled.at("method"), "notifications/cancelled");
    EXPECT_EQ(cancelled.at("params").at("requestId"), elicit.at("id"));
    auto answer = next();
    EXPECT_EQ(answer.at("result").at("isError"), true);
}

TEST_F(McpFeatures, CancellingTheCallCancelsItsRequestToTheClient) {
    make(json::object{{"elicitation", json::object{}}});
    send(json::parse(R"({"jsonrpc":"2.0","id":1,"method":"tools/call",
                         "params":{"name":"test_elicitation","arguments":{"message":"?"}}})"));
    auto elicit = next();
    send(json::parse(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}})"));
    auto cancelled = next();
    ASSERT_TRUE(cancelled.is_object());
    EXPECT_EQ(cancelled.at("method"), "notifications/cancelled");
    EXPECT_EQ(cancelled.at("params").at("requestId"), elicit.at("id"));
    EXPECT_TRUE(next(300ms).is_null()) << "a cancelled call answered";
}

TEST_F(McpFeatures, AnUnconfirmedWriteAsksTheUserAndRunsOnlyOnYes) {
    make(json::object{{"elicitation", json::object{}}});
    executions = 0;
    for (const char* answer : {R"({"action":"accept","content":{"confirm":true}})", R"({"action":"decline"})",
                               R"({"action":"accept","content":{"confirm":false}})"}) {
        send(json::parse(
            R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"write","arguments":{}}})"));
        auto ask = next();
        ASSERT_EQ(ask.at("method"), "elicitation/create") << json::serialize(ask);
        const auto& message = ask.at("params").at("message").as_string();
        EXPECT_NE(message.find("start VM 100 on pve"), json::string::npos);
        EXPECT_NE(message.find("POST /nodes/pve/qemu/100/status/start"), json::string::npos);
        EXPECT_EQ(ask.at("params").at("requestedSchema").at("properties").at("confirm").at("type"),
                  "boolean");
        send(json::object{{"jsonrpc", "2.0"}, {"id", ask.at("id")}, {"result", json::parse(answer)}});
        auto r = next();
        bool yes = std::string_view(answer).find("true") != std::string_view::npos;
        EXPECT_EQ(r.at("result").as_object().contains("isError"), !yes)
            << answer << " → " << json::serialize(r);
        if (!yes) {
            EXPECT_NE(json::serialize(r).find("Nothing was sent"), std::string::npos);
        }
    }
    EXPECT_EQ(executions, 1);
}

TEST_F(McpFeatures, WithoutElicitationAnUnconfirmedWriteIsRefusedAtOnce) {
    make();
    executions = 0;
    auto r = call(1, "write");
    EXPECT_EQ(r.at("result").at("isError"), true);
    EXPECT_EQ(executions, 0);
    auto confirmed = call(2, "write", {{"confirm", true}});
    EXPECT_FALSE(confirmed.at("result").as_object().contains("isError"));
    EXPECT_EQ(executions, 1);
}

TEST_F(McpFeatures, VerbatimSchemasKeepTheirKeywords) {
    make();
    auto tools = request(1, "tools/list").at("result").at("tools").as_array();
    for (const auto& t : tools)
        if (t.at("name") == "json_schema_2020_12_tool") {
            const auto& schema = t.at("inputSchema").as_object();
            EXPECT_TRUE(schema.contains("$schema"));
            EXPECT_TRUE(schema.contains("$defs"));
            EXPECT_EQ(schema.at("additionalProperties"), false);
            return;
        }
    FAIL() << "json_schema_2020_12_tool not listed";
}

TEST_F(McpFeatures, TheClusterArgumentPicksTheCluster) {
    make(); // one cluster: the argument is refused
    auto refused = call(1, "where", {{"cluster", "lab"}});
    EXPECT_EQ(refused.at("result").at("isError"), true);
    EXPECT_NE(json::serialize(refused).find("PROXMOX_PROFILES"), std::string::npos);

    std::map<std::string, cluster_binding, std::less<>> clusters;
    clusters["prod"].context.defaults.node = "main";
    clusters["lab"].context.defaults.node = "lab1";
    clusters["down"].unavailable = "cluster down is not configured: PROXMOX_API_URL is not set";
    make({}, "2025-11-25", std::move(clusters));
    EXPECT_EQ(call(2, "where").at("result").at("structuredContent").at("node"), "main");
    EXPECT_EQ(call(3, "where", {{"cluster", "lab"}}).at("result").at("structuredContent").at("node"), "lab1");
    EXPECT_EQ(call(4, "where", {{"cluster", "prod"}}).at("result").at("structuredContent").at("node"),
              "main");
    auto unknown = call(5, "where", {{"cluster", "nope"}});
    EXPECT_EQ(unknown.at("result").at("isError"), true);
    EXPECT_NE(json::serialize(unknown).find("down, lab, prod"), std::string::npos)
        << json::serialize(unknown);
    auto down = call(6, "where", {{"cluster", "down"}});
    EXPECT_NE(json::serialize(down).find("PROXMOX_API_URL is not set"), std::string::npos);
    EXPECT_EQ(call(7, "where", {{"cluster", 5}}).at("result").at("isError"), true);
}
