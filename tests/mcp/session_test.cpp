// The MCP session in process, with fake tools (no SDK, no network): dispatch, errors,
// negotiation, pagination, batches, concurrency, cancellation, end of input.
#include "fake_tools.hpp"
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
#include <set>
#include <stdexcept>

namespace asio = boost::asio;
namespace json = boost::json;
using namespace proxmox::mcp;
using namespace proxmox::mcp::testing;
using namespace std::chrono_literals;

namespace {

asio::awaitable<tool_result> throw_tool(tool_context, json::object) {
    throw std::runtime_error("kaboom");
    co_return tool_result{};
}

asio::awaitable<tool_result> fail_tool(tool_context, json::object) {
    co_return tool_result::failure("VM 100 already running", {{"upid", "UPID:x"}});
}

tool_registry fake_registry() {
    tool_registry reg;
    add_echo_and_sleep(reg);
    const auto no_arguments = R"({"type":"object","additionalProperties":false})";
    reg.add({"throw", "Throw", "Throws.", schema(no_arguments), schema(any_output), read_only, throw_tool});
    reg.add({"fail", "Fail", "Fails.", schema(no_arguments), schema(any_output), read_only, fail_tool});
    reg.add(
        {"fifth", "Fifth", "Pads the list.", schema(no_arguments), schema(any_output), read_only, echo_tool});
    return reg;
}

class McpSession : public ::testing::Test {
protected:
    void SetUp() override { make(); }

    void make(session_options opts = {}) {
        lines.clear();
        s.reset();
        server_identity id;
        id.version = "9.9.9";
        id.instructions = "Use the tools.";
        s = std::make_unique<session>(
            io.get_executor(), registry, tool_context{},
            [this](std::string l) { lines.push_back(std::move(l)); }, id, opts);
        s->set_on_finished([this] { finished = true; });
        finished = false;
    }

    void send_line(const std::string& line) { s->on_line(line); }

    void send_json(const json::value& v) { s->on_line(json::serialize(v)); }

    /// Runs the io_context until a line arrives (or `timeout`), returns it parsed (null on timeout).
    json::value next(std::chrono::milliseconds timeout = 3s) {
        return proxmox::mcp::testing::next_line(io, lines, timeout);
    }

    /// Runs the io_context for `d` and returns how many lines were written meanwhile.
    std::size_t quiet_for(std::chrono::milliseconds d) {
        auto deadline = std::chrono::steady_clock::now() + d;
        while (std::chrono::steady_clock::now() < deadline) {
            io.restart();
            io.run_for(5ms);
        }
        return lines.size();
    }

    json::value request(json::value id, const char* method, json::object params = {}) {
        send_json(
            json::object{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
        return next();
    }

    json::value initialize(const char* version = "2025-11-25") {
        auto r = request(0, "initialize",
                         {{"protocolVersion", version},
                          {"capabilities", json::object{}},
                          {"clientInfo", json::object{{"name", "test"}, {"version", "1"}}}});
        send_line(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
        return r;
    }

    json::value call(json::value id, const char* tool, json::object args) {
        return request(std::move(id), "tools/call", {{"name", tool}, {"arguments", std::move(args)}});
    }

    static int error_code(const json::value& response) {
        if (!response.is_object() || !response.as_object().contains("error"))
            return 0;
        return static_cast<int>(response.at("error").at("code").as_int64());
    }

    asio::io_context io;
    tool_registry registry = fake_registry();
    std::deque<std::string> lines;
    std::unique_ptr<session> s;
    bool finished = false;
};

} // namespace

TEST_F(McpSession, InitializeNegotiatesAndDescribesTheServer) {
    auto r = initialize("2025-06-18");
    ASSERT_TRUE(r.is_object()) << "no response";
    EXPECT_EQ(r.at("id"), 0);
    const auto& res = r.at("result").as_object();
    EXPECT_EQ(res.at("protocolVersion"), "2025-06-18");
    EXPECT_EQ(res.at("serverInfo").at("name"), "proxmox-mcp");
    EXPECT_EQ(res.at("serverInfo").at("version"), "9.9.9");
    EXPECT_TRUE(res.at("serverInfo").as_object().contains("title"));
    EXPECT_EQ(res.at("capabilities"), json::parse(R"({"tools":{"listChanged":false},"logging":{}})"));
    EXPECT_EQ(res.at("instructions"), "Use the tools.");
    EXPECT_EQ(s->protocol_version(), "2025-06-18");
    EXPECT_TRUE(s->client_initialized());
}

TEST_F(McpSession, UnknownVersionGetsTheLatest) {
    auto r = initialize("2099-12-31");
    EXPECT_EQ(r.at("result").at("protocolVersion"), "2025-11-25");
}

TEST_F(McpSession, OldVersionsGetOldShapes) {
    auto r = initialize("2024-11-05");
    const auto& res = r.at("result").as_object();
    EXPECT_EQ(res.at("protocolVersion"), "2024-11-05");
    EXPECT_FALSE(res.contains("instructions"));
    EXPECT_FALSE(res.at("serverInfo").as_object().contains("title"));
    auto list = request(1, "tools/list");
    const auto& tool = list.at("result").at("tools").at(0).as_object();
    EXPECT_FALSE(tool.contains("title"));
    EXPECT_FALSE(tool.contains("outputSchema"));
    EXPECT_FALSE(tool.contains("annotations"));
    auto c = call(2, "echo", {{"text", "hi"}});
    EXPECT_FALSE(c.at("result").as_object().contains("structuredContent"));
    EXPECT_EQ(c.at("result").at("content").at(0).at("text"), R"({"text":"hi"})");
}

TEST_F(McpSession, InitializeErrors) {
    auto r = request(1, "initialize", {{"capabilities", json::object{}}});
    EXPECT_EQ(error_code(r), -32602);
    initialize();
    r = request(2, "initialize", {{"protocolVersion", "2025-11-25"}});
    EXPECT_EQ(error_code(r), -32600);
    EXPECT_EQ(r.at("id"), 2);
}

TEST_F(McpSession, PingAnytimeWithIdsEchoedVerbatim) {
    auto r = request("7", "ping"); // before initialize
    EXPECT_EQ(r, json::parse(R"({"jsonrpc":"2.0","id":"7","result":{}})"));
    r = request(7, "ping");
    EXPECT_EQ(r, json::parse(R"({"jsonrpc":"2.0","id":7,"result":{}})"));
    send_line(R"({"jsonrpc":"2.0","id":9007199254740993,"method":"ping"})");
    auto big = next();
    EXPECT_EQ(json::serialize(big.at("id")), "9007199254740993");
    send_line(R"({"jsonrpc":"2.0","id":-3,"method":"ping","params":{"_meta":{"x":1}}})");
    EXPECT_EQ(next().at("id"), -3);
}

TEST_F(McpSession, ProtocolErrors) {
    send_line("{not json");
    auto r = next();
    EXPECT_EQ(error_code(r), -32700);
    EXPECT_TRUE(r.at("id").is_null());

    send_line("42");
    r = next();
    EXPECT_EQ(error_code(r), -32600);
    EXPECT_TRUE(r.at("id").is_null());

    send_line(R"({"id":5,"method":"ping"})");
    r = next();
    EXPECT_EQ(error_code(r), -32600);
    EXPECT_EQ(r.at("id"), 5);

    r = request(6, "server/discover");
    EXPECT_EQ(error_code(r), -32601);
    EXPECT_EQ(r.at("id"), 6);

    initialize();
    r = request("x", "resources/list");
    EXPECT_EQ(error_code(r), -32601);
    EXPECT_EQ(r.at("id"), "x");

    send_line(R"({"jsonrpc":"2.0","id":8,"method":"tools/list","params":[1]})");
    EXPECT_EQ(error_code(next()), -32602);
    EXPECT_EQ(lines.size(), 0u);
}

TEST_F(McpSession, NotificationsAreNeverAnswered) {
    initialize();
    send_line(R"({"jsonrpc":"2.0","method":"notifications/whatever","params":{}})");
    send_line(R"({"jsonrpc":"2.0","method":"tools/list"})");
    send_line(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":12345}})");
    send_line(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":"bad"})");
    send_line(R"({"jsonrpc":"2.0","id":1,"result":{}})"); // a response to us: ignored
    send_line("");
    EXPECT_EQ(quiet_for(50ms), 0u);
}

TEST_F(McpSession, ToolsCallParamErrors) {
    initialize();
    auto r = request(1, "tools/call", {{"arguments", json::object{}}});
    EXPECT_EQ(error_code(r), -32602);
    r = request(2, "tools/call", {{"name", "echo"}, {"arguments", json::array{}}});
    EXPECT_EQ(error_code(r), -32602);
    r = call(3, "nope", {});
    EXPECT_EQ(error_code(r), -32602);
    EXPECT_NE(r.at("error").at("message").as_string().find("Unknown tool: nope"), json::string::npos);
}

TEST_F(McpSession, InvalidArgumentsAreToolErrors) {
    initialize();
    auto r = call(1, "echo", {{"text", 5}});
    const auto& res = r.at("result").as_object();
    EXPECT_EQ(res.at("isError"), true);
    auto text = std::string(res.at("content").at(0).at("text").as_string());
    EXPECT_NE(text.find("'text'"), std::string::npos) << text;
    EXPECT_NE(text.find("Fix:"), std::string::npos) << text;
    r = call(2, "echo", {});
    EXPECT_EQ(r.at("result").at("isError"), true);
    r = call(3, "echo", {{"text", "a"}, {"extra", 1}});
    EXPECT_EQ(r.at("result").at("isError"), true);
}

TEST_F(McpSession, SuccessCarriesStructuredContentAndText) {
    initialize();
    auto r = call("c1", "echo", {{"text", "hello"}});
    EXPECT_EQ(r.at("id"), "c1");
    const auto& res = r.at("result").as_object();
    EXPECT_EQ(res.at("structuredContent"), (json::object{{"text", "hello"}}));
    EXPECT_EQ(json::parse(res.at("content").at(0).at("text").as_string()), res.at("structuredContent"));
    EXPECT_FALSE(res.contains("isError"));
    // arguments may be left out when nothing is required
    r = request(2, "tools/call", {{"name", "fail"}});
    EXPECT_EQ(r.at("result").at("isError"), true);
    EXPECT_NE(r.at("result").at("content").at(0).at("text").as_string().find("already running"),
              json::string::npos);
}

TEST_F(McpSession, ThrowingToolBecomesToolError) {
    initialize();
    auto r = call(1, "throw", {});
    EXPECT_EQ(r.at("result").at("isError"), true);
    EXPECT_NE(r.at("result").at("content").at(0).at("text").as_string().find("kaboom"), json::string::npos);
}

TEST_F(McpSession, ToolsListPaginates) {
    session_options opts;
    opts.page_size = 2;
    make(opts);
    initialize();
    std::vector<std::string> names;
    json::object params;
    for (int page = 0; page < 10; ++page) {
        auto r = request(page + 1, "tools/list", params);
        const auto& res = r.at("result").as_object();
        for (const auto& t : res.at("tools").as_array())
            names.emplace_back(t.at("name").as_string());
        if (!res.contains("nextCursor"))
            break;
        params = {{"cursor", res.at("nextCursor")}};
    }
    EXPECT_EQ(names, (std::vector<std::string>{"echo", "sleep", "throw", "fail", "fifth"}));

    EXPECT_EQ(error_code(request(20, "tools/list", {{"cursor", "garbage"}})), -32602);
    EXPECT_EQ(error_code(request(21, "tools/list", {{"cursor", 2}})), -32602);
    EXPECT_EQ(error_code(request(22, "tools/list", {{"cursor", "tools-page-99"}})), -32602);
}

TEST_F(McpSession, ToolsListDefaultPageHoldsEverything) {
    initialize();
    auto r = request(1, "tools/list");
    EXPECT_EQ(r.at("result").at("tools").as_array().size(), 5u);
    EXPECT_FALSE(r.at("result").as_object().contains("nextCursor"));
    const auto& tool = r.at("result").at("tools").at(0).as_object();
    EXPECT_TRUE(tool.contains("title"));
    EXPECT_TRUE(tool.contains("outputSchema"));
    EXPECT_EQ(tool.at("annotations").at("readOnlyHint"), true);
}

TEST_F(McpSession, BatchesRejectedFrom20250618) {
    send_line(R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])"); // before initialize
    auto r = next();
    EXPECT_EQ(error_code(r), -32600);
    EXPECT_TRUE(r.at("id").is_null());
    initialize("2025-06-18");
    send_line(R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])");
    r = next();
    EXPECT_EQ(error_code(r), -32600);
    EXPECT_TRUE(r.at("id").is_null());
    EXPECT_EQ(request(2, "ping").at("id"), 2); // still alive
}

TEST_F(McpSession, BatchesAcceptedFor20250326) {
    initialize("2025-03-26");
    send_line(R"([{"jsonrpc":"2.0","id":1,"method":"ping"},
             {"jsonrpc":"2.0","method":"notifications/initialized"},
             {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"sleep","arguments":{"ms":20}}},
             {"jsonrpc":"2.0","id":3,"method":"nope"},
             7])");
    auto r = next();
    ASSERT_TRUE(r.is_array()) << json::serialize(r);
    const auto& a = r.as_array();
    ASSERT_EQ(a.size(), 4u) << json::serialize(r);
    std::set<std::string> ids;
    for (const auto& item : a)
        ids.insert(json::serialize(item.at("id")));
    EXPECT_EQ(ids, (std::set<std::string>{"1", "2", "3", "null"}));

    send_line("[]");
    EXPECT_EQ(error_code(next()), -32600);
    send_line(R"([{"jsonrpc":"2.0","method":"notifications/initialized"}])");
    EXPECT_EQ(quiet_for(30ms), 0u);
}

TEST_F(McpSession, CallsRunConcurrently) {
    initialize();
    send_line(
        R"({"jsonrpc":"2.0","id":"slow","method":"tools/call","params":{"name":"sleep","arguments":{"ms":300}}})");
    send_line(
        R"({"jsonrpc":"2.0","id":"fast","method":"tools/call","params":{"name":"sleep","arguments":{"ms":10}}})");
    send_line(R"({"jsonrpc":"2.0","id":"p","method":"ping"})");
    EXPECT_EQ(next().at("id"), "p");
    EXPECT_EQ(s->calls_in_flight(), 2u);
    EXPECT_EQ(next().at("id"), "fast");
    auto slow = next();
    EXPECT_EQ(slow.at("id"), "slow");
    EXPECT_EQ(slow.at("result").at("structuredContent").at("slept"), 300);
    EXPECT_EQ(s->calls_in_flight(), 0u);
}

TEST_F(McpSession, CallsBeyondTheLimitAreRefusedUntilSomeAnswer) {
    session_options opts;
    opts.max_calls = 2;
    make(opts);
    initialize();
    for (const char* id : {"a", "b"})
        send_json(json::object{
            {"jsonrpc", "2.0"},
            {"id", id},
            {"method", "tools/call"},
            {"params", json::object{{"name", "sleep"}, {"arguments", json::object{{"ms", 200}}}}}});
    auto busy = call("c", "echo", {{"text", "x"}});
    EXPECT_EQ(error_code(busy), -32000) << json::serialize(busy);
    EXPECT_EQ(s->calls_in_flight(), 2u);
    EXPECT_EQ(next().at("id"), "a");
    EXPECT_EQ(next().at("id"), "b");
    auto later = call("d", "echo", {{"text", "x"}});
    EXPECT_EQ(later.at("result").at("structuredContent").at("text"), "x");
}

TEST_F(McpSession, CancelledCallsAnswerNothing) {
    initialize();
    send_line(
        R"({"jsonrpc":"2.0","id":41,"method":"tools/call","params":{"name":"sleep","arguments":{"ms":5000}}})");
    EXPECT_EQ(quiet_for(20ms), 0u);
    EXPECT_EQ(s->calls_in_flight(), 1u);
    send_line(
        R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"41"}})"); // wrong type
    EXPECT_EQ(quiet_for(20ms), 0u);
    EXPECT_EQ(s->calls_in_flight(), 1u);
    auto start = std::chrono::steady_clock::now();
    send_line(
        R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":41,"reason":"user"}})");
    EXPECT_EQ(quiet_for(100ms), 0u);
    EXPECT_EQ(s->calls_in_flight(), 0u); // the timer was cancelled, not waited out
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
    // the id may be used again
    EXPECT_EQ(call(41, "echo", {{"text", "again"}}).at("result").at("structuredContent").at("text"), "again");
}

TEST_F(McpSession, DuplicateIdOfARunningCallIsRejected) {
    initialize();
    send_line(
        R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"sleep","arguments":{"ms":200}}})");
    auto r = call(1, "echo", {{"text", "x"}});
    EXPECT_EQ(error_code(r), -32600);
    auto done = next();
    EXPECT_EQ(done.at("result").at("structuredContent").at("slept"), 200);
}

TEST_F(McpSession, InputClosedWithNothingRunningFinishesAtOnce) {
    initialize();
    s->on_input_closed();
    EXPECT_TRUE(finished);
    EXPECT_TRUE(s->finished());
}

TEST_F(McpSession, InputClosedLetsShortCallsAnswer) {
    session_options opts;
    opts.eof_grace = 2000ms;
    make(opts);
    initialize();
    send_line(
        R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"sleep","arguments":{"ms":50}}})");
    s->on_input_closed();
    EXPECT_FALSE(finished);
    auto r = next();
    EXPECT_EQ(r.at("id"), 1);
    EXPECT_TRUE(finished);
}

TEST_F(McpSession, InputClosedCancelsLongCallsAfterTheGrace) {
    session_options opts;
    opts.eof_grace = 100ms;
    make(opts);
    initialize();
    send_line(
        R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"sleep","arguments":{"ms":10000}}})");
    auto start = std::chrono::steady_clock::now();
    s->on_input_closed();
    while (!finished && std::chrono::steady_clock::now() - start < 3s) {
        io.restart();
        io.run_for(5ms);
    }
    EXPECT_TRUE(finished);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
    EXPECT_EQ(quiet_for(50ms), 0u);
}

TEST_F(McpSession, ShutdownCancelsEverything) {
    initialize();
    send_line(
        R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"sleep","arguments":{"ms":10000}}})");
    EXPECT_EQ(quiet_for(10ms), 0u);
    s->shutdown();
    EXPECT_TRUE(finished);
    EXPECT_EQ(quiet_for(50ms), 0u);
    EXPECT_EQ(s->calls_in_flight(), 0u);
    send_line(R"({"jsonrpc":"2.0","id":2,"method":"ping"})");
    EXPECT_EQ(quiet_for(10ms), 0u); // nothing after the end
}

TEST_F(McpSession, ResponsesFromThePeerAreNeverAnswered) {
    // Two peers that answered each other's id-null errors would loop forever.
    const char* peer_error = R"({"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"x"}})";
    send_line(peer_error); // before initialize
    EXPECT_EQ(quiet_for(20ms), 0u);
    initialize();
    send_line(peer_error);
    send_line(R"({"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"}})");
    send_line(R"({"jsonrpc":"2.0","id":{"odd":true},"result":{}})");
    EXPECT_EQ(quiet_for(20ms), 0u);
    EXPECT_EQ(request("after", "ping").at("id"), "after");
}

TEST_F(McpSession, RequestsBeforeInitializeAreRefused) {
    auto r = request(1, "tools/list");
    EXPECT_EQ(error_code(r), -32600);
    EXPECT_EQ(r.at("id"), 1);
    EXPECT_NE(r.at("error").at("message").as_string().find("send initialize first"), json::string::npos)
        << json::serialize(r);
    r = call(2, "echo", {{"text", "hi"}});
    EXPECT_EQ(error_code(r), -32600);
    EXPECT_EQ(s->calls_in_flight(), 0u) << "nothing ran";
    EXPECT_EQ(request(3, "ping").at("result"), json::object{}); // ping is always served
    EXPECT_EQ(error_code(request(4, "server/discover")), -32601) << "unknown stays unknown";

    initialize();
    EXPECT_EQ(request(5, "tools/list").at("result").at("tools").as_array().size(), 5u);
}

TEST_F(McpSession, NotificationsBeforeInitializeAreIgnored) {
    send_line(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
    send_line(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}})");
    send_line(R"({"jsonrpc":"2.0","method":"tools/list"})");
    EXPECT_EQ(quiet_for(20ms), 0u);
    EXPECT_FALSE(s->client_initialized()) << "initialized before initialize";
}

TEST_F(McpSession, ClientTextInErrorsIsBounded) {
    initialize();
    const std::string huge(1 << 20, 'n');
    auto expect_small = [](const json::value& r) {
        auto text = json::serialize(r);
        EXPECT_LT(text.size(), 2048u) << text.substr(0, 400);
    };

    auto r = call(1, huge.c_str(), {});
    EXPECT_EQ(error_code(r), -32602);
    expect_small(r);
    EXPECT_NE(r.at("error").at("message").as_string().find("Unknown tool: nnnn"), json::string::npos);
    EXPECT_NE(r.at("error").at("message").as_string().find("(1048576 characters)"), json::string::npos);

    r = request(2, huge.c_str());
    EXPECT_EQ(error_code(r), -32601);
    expect_small(r);

    r = call(3, "echo", {{"text", "x"}, {huge, 1}});
    EXPECT_EQ(r.at("result").at("isError"), true);
    expect_small(r);

    send_json(json::object{{"jsonrpc", "2.0"}, {"id", huge}, {"method", "ping"}});
    r = next();
    EXPECT_EQ(error_code(r), -32600);
    EXPECT_TRUE(r.at("id").is_null());
    expect_small(r);

    send_json(json::object{{"jsonrpc", "2.0"},
                           {"method", "notifications/cancelled"},
                           {"params", json::object{{"requestId", huge}}}});
    EXPECT_EQ(quiet_for(10ms), 0u);
}

TEST_F(McpSession, InitializeInsideABatchEchoesOnlyAValidId) {
    initialize("2025-03-26");
    const std::string long_id(1000, 'i');
    send_json(json::array{
        json::object{{"jsonrpc", "2.0"}, {"id", "ok"}, {"method", "initialize"}},
        json::object{{"jsonrpc", "2.0"}, {"id", long_id}, {"method", "initialize"}},
        json::object{{"jsonrpc", "2.0"},
                     {"id", json::object{{"big", json::array(1000, 1)}}},
                     {"method", "initialize"}},
        json::object{{"jsonrpc", "2.0"}, {"method", "initialize"}}, // a notification: never answered
    });
    auto r = next();
    ASSERT_TRUE(r.is_array()) << json::serialize(r);
    ASSERT_EQ(r.as_array().size(), 3u) << json::serialize(r);
    EXPECT_EQ(r.at(0).at("id"), "ok");
    EXPECT_EQ(error_code(r.at(0)), -32600);
    EXPECT_TRUE(r.at(1).at("id").is_null());
    EXPECT_TRUE(r.at(2).at("id").is_null());
    EXPECT_LT(json::serialize(r).size(), 1024u);
}
