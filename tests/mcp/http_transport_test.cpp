// The Streamable HTTP transport in process: an http_server on 127.0.0.1:0 serving sessions with
// fake tools, on its own io thread, driven by a Beast client over real sockets.
#include "fake_tools.hpp"
#include "http/http_server.hpp"
#include "http_test_client.hpp"
#include "session.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using namespace proxmox::mcp;
using namespace std::chrono_literals;
using tcp = asio::ip::tcp;
using namespace proxmox::mcp::testing;
using proxmox::mcp::testing::client;
using proxmox::mcp::testing::parse_sse;

namespace {

/// Reports progress twice when the client sent a progress token, then answers.
asio::awaitable<tool_result> progress_tool(tool_context ctx, json::object) {
    auto ex = co_await asio::this_coro::executor;
    if (ctx.progress)
        ctx.progress(1, 2, "half way");
    asio::steady_timer timer(ex, 20ms);
    co_await timer.async_wait(asio::use_awaitable);
    if (ctx.progress)
        ctx.progress(2, 2, "done");
    co_return tool_result::success({{"steps", 2}});
}

asio::awaitable<void> pause(std::chrono::milliseconds ms) {
    auto ex = co_await asio::this_coro::executor;
    asio::steady_timer timer(ex, ms);
    co_await timer.async_wait(asio::use_awaitable);
}

/// Closes its SSE stream (SSE polling), then reports progress twice and answers: the client gets
/// the rest by resuming the stream.
asio::awaitable<tool_result> reconnect_tool(tool_context ctx, json::object) {
    if (ctx.peer.close_stream)
        ctx.peer.close_stream();
    co_await pause(50ms);
    if (ctx.progress)
        ctx.progress(1, 2, "half way");
    co_await pause(50ms);
    if (ctx.progress)
        ctx.progress(2, 2, "done");
    co_return tool_result::success({{"resumed", true}});
}

/// Reports progress, waits `ms`, reports progress again and answers.
asio::awaitable<tool_result> steps_tool(tool_context ctx, json::object args) {
    auto ms = std::chrono::milliseconds(args.at("ms").to_number<std::int64_t>());
    if (ctx.progress)
        ctx.progress(1, 2, "first step");
    co_await pause(ms);
    if (ctx.progress)
        ctx.progress(2, 2, "second step");
    co_return tool_result::success({{"steps", 2}});
}

/// Closes its stream, then reports `count` steps of progress with a long message each.
asio::awaitable<tool_result> chatty_tool(tool_context ctx, json::object args) {
    auto count = args.at("count").to_number<int>();
    if (ctx.peer.close_stream)
        ctx.peer.close_stream();
    co_await pause(20ms);
    for (int i = 1; i <= count; ++i)
        if (ctx.progress)
            ctx.progress(i, count, std::string(100, 'x'));
    co_return tool_result::success({{"steps", count}});
}

/// Asks the client (elicitation) and answers what came back, or the error.
asio::awaitable<tool_result> ask_tool(tool_context ctx, json::object) {
    auto asking =
        ctx.peer.request("elicitation/create", {{"message", "ok?"}, {"requestedSchema", json::object{}}},
                         std::chrono::seconds(60));
    client_answer answer = co_await std::move(asking);
    if (!answer.ok)
        co_return tool_result::failure(answer.error);
    co_return tool_result::success({{"answer", answer.result}});
}

tool_registry fake_registry() {
    tool_registry reg;
    add_echo_and_sleep(reg);
    const auto no_arguments = R"({"type":"object","additionalProperties":false})";
    reg.add(
        {"ask", "Ask", "Asks the client.", schema(no_arguments), schema(any_output), read_only, ask_tool});
    reg.add({"progress", "Progress", "Reports progress.", schema(no_arguments), schema(any_output), read_only,
             progress_tool});
    reg.add({"reconnect", "Reconnect", "Closes its stream, then reports progress and answers.",
             schema(no_arguments), schema(any_output), read_only, reconnect_tool});
    reg.add({"steps", "Steps", "Reports progress around a wait.",
             schema(R"({"type":"object","properties":{"ms":{"type":"integer","minimum":0}},"required":["ms"],
                        "additionalProperties":false})"),
             schema(any_output), read_only, steps_tool});
    reg.add({"chatty", "Chatty", "Closes its stream, then reports much progress.",
             schema(R"({"type":"object","properties":{"count":{"type":"integer","minimum":1}},
                        "required":["count"],"additionalProperties":false})"),
             schema(any_output), read_only, chatty_tool});
    return reg;
}

const std::string initialize_body =
    R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25",)"
    R"("capabilities":{},"clientInfo":{"name":"http-test","version":"1"}}})";
const std::string initialize_2025_06_18_body =
    R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18",)"
    R"("capabilities":{},"clientInfo":{"name":"http-test","version":"1"}}})";
const std::string initialized_body = R"({"jsonrpc":"2.0","method":"notifications/initialized"})";

/// The value of the last `id:` line before `marker` in a raw SSE response.
std::string id_before(const std::string& raw, const std::string& marker) {
    auto at = raw.find(marker);
    if (at == std::string::npos)
        return {};
    auto line = raw.rfind("\nid: ", at);
    if (line == std::string::npos)
        return {};
    line += 5;
    return raw.substr(line, raw.find('\n', line) - line);
}

/// The stream part of an event id (`<stream>-<seq>`).
std::string stream_of(const std::string& id) {
    return id.substr(0, id.find('-'));
}

std::string
call_body(int id, const std::string& tool, const std::string& arguments, const std::string& token = {}) {
    std::string meta = token.empty() ? "" : R"(,"_meta":{"progressToken":")" + token + R"("})";
    return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"method":"tools/call","params":{"name":")" +
           tool + R"(","arguments":)" + arguments + meta + "}}";
}

int rpc_error_code(const std::string& body) {
    auto v = json::parse(body);
    return static_cast<int>(v.at("error").at("code").as_int64());
}

class HttpTransport : public ::testing::Test {
protected:
    void TearDown() override { stop(); }

    void start(http_server_options options = {}) {
        options.endpoint = tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0);
        server =
            std::make_unique<http_server>(io.get_executor(), options, [this](session::message_sink sink) {
                server_identity id;
                id.version = "9.9.9";
                return std::make_unique<session>(io.get_executor(), registry, tool_context{}, std::move(sink),
                                                 id, session_options{});
            });
        ASSERT_EQ(server->start(), "");
        port = server->local_endpoint().port();
        ASSERT_NE(port, 0);
        io_thread = std::thread([this] {
            auto work = asio::make_work_guard(io);
            io.run();
        });
    }

    void stop() {
        if (!io_thread.joinable())
            return;
        asio::post(io, [this] {
            server->stop();
            io.stop();
        });
        io_thread.join();
        server.reset();
    }

    /// Runs `f` on the server's thread and returns its result.
    template <class F> auto on_io(F f) {
        std::promise<decltype(f())> promise;
        auto future = promise.get_future();
        asio::post(io, [&] { promise.set_value(f()); });
        return future.get();
    }

    std::size_t sessions() {
        return on_io([this] { return server->session_count(); });
    }

    /// initialize + notifications/initialized; returns the session id.
    std::string initialize(client& c, const std::string& body = initialize_body) {
        auto res = c.send(c.post(body));
        EXPECT_EQ(res.result_int(), 200);
        std::string sid(res["Mcp-Session-Id"]);
        EXPECT_EQ(sid.size(), 32u) << sid;
        auto ack = c.send(c.post(initialized_body, sid));
        EXPECT_EQ(ack.result_int(), 202);
        EXPECT_TRUE(ack.body().empty());
        return sid;
    }

    /// GET /mcp for the session's stream, or with `last_event_id` to resume one.
    static http::request<http::string_body>
    get_request(client& c, const std::string& sid, const std::string& last_event_id = {}) {
        auto get = c.bare(http::verb::get, sid);
        get.set(http::field::accept, "text/event-stream");
        if (!last_event_id.empty())
            get.set("Last-Event-ID", last_event_id);
        return get;
    }

    tool_registry registry = fake_registry(); // outlives the io_context and what it still holds
    asio::io_context io{1};
    std::unique_ptr<http_server> server;
    std::thread io_thread;
    unsigned short port = 0;
};

} // namespace

TEST_F(HttpTransport, InitializeCreatesASessionAndAnswersAsSse) {
    start();
    client c(port);
    auto res = c.send(c.post(initialize_body));
    ASSERT_EQ(res.result_int(), 200);
    EXPECT_EQ(res[http::field::content_type], "text/event-stream");
    std::string sid(res["Mcp-Session-Id"]);
    ASSERT_EQ(sid.size(), 32u);
    EXPECT_EQ(sid.find_first_not_of("0123456789abcdef"), std::string::npos) << sid;
    auto events = parse_sse(res.body());
    ASSERT_EQ(events.size(), 1u) << res.body();
    EXPECT_EQ(events[0].event, "message");
    EXPECT_FALSE(events[0].id.empty());
    auto msg = json::parse(events[0].data);
    EXPECT_EQ(msg.at("id"), 0);
    EXPECT_EQ(msg.at("result").at("protocolVersion"), "2025-11-25");
    EXPECT_EQ(msg.at("result").at("serverInfo").at("version"), "9.9.9");
    EXPECT_EQ(sessions(), 1u);

    // Another initialize makes another session.
    client other(port);
    auto second = other.send(other.post(initialize_body, {}, "application/json"));
    EXPECT_EQ(second[http::field::content_type], "application/json");
    EXPECT_NE(std::string(second["Mcp-Session-Id"]), sid);
    EXPECT_EQ(sessions(), 2u);
}

TEST_F(HttpTransport, ToolsListAndKeepAliveOnOneConnection) {
    start();
    client c(port);
    auto sid = initialize(c);
    for (int i = 1; i <= 3; ++i) {
        auto res = c.send(
            c.post(R"({"jsonrpc":"2.0","id":)" + std::to_string(i) + R"(,"method":"tools/list"})", sid));
        ASSERT_EQ(res.result_int(), 200);
        auto events = parse_sse(res.body());
        ASSERT_EQ(events.size(), 1u);
        auto msg = json::parse(events[0].data);
        EXPECT_EQ(msg.at("id"), i);
        const auto& tools = msg.at("result").at("tools").as_array();
        ASSERT_EQ(tools.size(), 7u);
        EXPECT_EQ(tools[0].at("name"), "echo");
    }
    // Everything above went over one connection.
    EXPECT_EQ(on_io([this] { return server->connection_count(); }), 1u);
}

TEST_F(HttpTransport, ToolCallStreamsProgressBeforeTheResponse) {
    start();
    client c(port);
    auto sid = initialize(c);
    auto res = c.send(c.post(call_body(5, "progress", "{}", "tok-1"), sid));
    ASSERT_EQ(res.result_int(), 200);
    EXPECT_EQ(res[http::field::content_type], "text/event-stream");
    auto events = parse_sse(res.body());
    ASSERT_EQ(events.size(), 3u) << res.body();
    for (int i = 0; i < 2; ++i) {
        auto n = json::parse(events[i].data);
        EXPECT_EQ(n.at("method"), "notifications/progress");
        EXPECT_EQ(n.at("params").at("progressToken"), "tok-1");
        EXPECT_EQ(n.at("params").at("progress").to_number<double>(), i + 1);
    }
    auto response = json::parse(events[2].data);
    EXPECT_EQ(response.at("id"), 5);
    EXPECT_EQ(response.at("result").at("structuredContent").at("steps"), 2);
    // Event ids are distinct within the session.
    EXPECT_NE(events[0].id, events[1].id);
    EXPECT_NE(events[1].id, events[2].id);

    // Without a progress token: only the response.
    res = c.send(c.post(call_body(6, "echo", R"({"text":"hi"})"), sid));
    events = parse_sse(res.body());
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(json::parse(events[0].data).at("result").at("structuredContent").at("text"), "hi");
}

TEST_F(HttpTransport, JsonOnlyAcceptGetsOneJsonResponse) {
    start();
    client c(port);
    auto sid = initialize(c);
    auto res = c.send(c.post(call_body(7, "progress", "{}", "tok-2"), sid, "application/json"));
    ASSERT_EQ(res.result_int(), 200);
    EXPECT_EQ(res[http::field::content_type], "application/json");
    auto msg = json::parse(res.body());
    EXPECT_EQ(msg.at("id"), 7);
    EXPECT_EQ(msg.at("result").at("structuredContent").at("steps"), 2);
}

TEST_F(HttpTransport, ARequestToAClientWithoutAStreamFailsAtOnce) {
    start();
    client c(port);
    auto sid = initialize(c);
    // The answer is the transport's refusal, not the session's timeout (60 s, "no answer within").
    auto res = c.send(c.post(call_body(9, "ask", "{}", "tok-a"), sid, "application/json"));
    ASSERT_EQ(res.result_int(), 200);
    auto msg = json::parse(res.body());
    EXPECT_EQ(msg.at("result").at("isError"), true);
    EXPECT_NE(res.body().find("no event stream"), std::string::npos) << res.body();
}

TEST_F(HttpTransport, GetStreamCarriesWhatAJsonResponseCannot) {
    http_server_options options;
    options.limits.keepalive_interval = 100ms;
    start(options);
    client c(port);
    auto sid = initialize(c);

    client stream(port);
    auto get = stream.bare(http::verb::get, sid);
    get.set(http::field::accept, "text/event-stream");
    stream.write(get);
    ASSERT_TRUE(stream.read_until("\r\n\r\n"));
    EXPECT_EQ(stream.raw().rfind("HTTP/1.1 200", 0), 0u) << stream.raw();
    EXPECT_NE(stream.raw().find("text/event-stream"), std::string::npos);

    // A second GET stream for the session is refused.
    client second(port);
    auto get2 = second.bare(http::verb::get, sid);
    get2.set(http::field::accept, "text/event-stream");
    auto conflict = second.send(get2);
    EXPECT_EQ(conflict.result_int(), 409);

    // The progress of a call answered as JSON goes to the GET stream.
    auto res = c.send(c.post(call_body(8, "progress", "{}", "tok-3"), sid, "application/json"));
    EXPECT_EQ(json::parse(res.body()).at("id"), 8);
    EXPECT_TRUE(stream.read_until(R"("progress":2)")) << stream.raw();
    EXPECT_NE(stream.raw().find(R"("progressToken":"tok-3")"), std::string::npos);
    EXPECT_NE(stream.raw().find("event: message"), std::string::npos);
    // An idle stream gets keep-alive comments.
    EXPECT_TRUE(stream.read_until(": keepalive")) << stream.raw();
}

TEST_F(HttpTransport, NotificationsAndResponsesAreAccepted) {
    start();
    client c(port);
    auto sid = initialize(c);
    auto res = c.send(
        c.post(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":99}})", sid));
    EXPECT_EQ(res.result_int(), 202);
    EXPECT_TRUE(res.body().empty());
    res = c.send(c.post(R"({"jsonrpc":"2.0","id":"s1","result":{}})", sid));
    EXPECT_EQ(res.result_int(), 202);
}

TEST_F(HttpTransport, ForeignOriginIsForbidden) {
    http_server_options options;
    options.allowed_origins = {web_origin{"https", "app.example.com", 443}};
    start(options);
    client c(port);
    auto req = c.post(initialize_body);
    req.set(http::field::origin, "http://evil.example");
    auto res = c.send(req);
    EXPECT_EQ(res.result_int(), 403);
    EXPECT_EQ(rpc_error_code(res.body()), -32600);
    EXPECT_NE(res.body().find("Origin"), std::string::npos) << res.body();
    EXPECT_EQ(sessions(), 0u);

    for (const char* ok : {"http://localhost:6274", "https://app.example.com"}) {
        client d(port);
        auto allowed = d.post(initialize_body);
        allowed.set(http::field::origin, ok);
        EXPECT_EQ(d.send(allowed).result_int(), 200) << ok;
    }
}

TEST_F(HttpTransport, ForeignHostIsForbidden) {
    start();
    client c(port);
    auto req = c.post(initialize_body);
    req.set(http::field::host, "attacker.example:" + std::to_string(port));
    auto res = c.send(req);
    EXPECT_EQ(res.result_int(), 403);
    EXPECT_NE(res.body().find("Host"), std::string::npos) << res.body();
    EXPECT_EQ(sessions(), 0u);

    client d(port);
    auto local = d.post(initialize_body);
    local.set(http::field::host, "localhost:" + std::to_string(port));
    EXPECT_EQ(d.send(local).result_int(), 200);
}

TEST_F(HttpTransport, BearerTokenWhenConfigured) {
    http_server_options options;
    options.token = "0123456789abcdef-token";
    start(options);
    {
        client c(port);
        auto res = c.send(c.post(initialize_body));
        EXPECT_EQ(res.result_int(), 401);
        EXPECT_EQ(res[http::field::www_authenticate], "Bearer");
        EXPECT_NE(res.body().find("PROXMOX_MCP_HTTP_TOKEN"), std::string::npos);
        // The token never appears in an answer.
        EXPECT_EQ(res.body().find("0123456789abcdef-token"), std::string::npos);
    }
    {
        client c(port);
        auto req = c.post(initialize_body);
        req.set(http::field::authorization, "Bearer 0123456789abcdef-tokeN");
        auto res = c.send(req);
        EXPECT_EQ(res.result_int(), 401);
        EXPECT_EQ(res[http::field::www_authenticate], "Bearer error=\"invalid_token\"");
    }
    EXPECT_EQ(sessions(), 0u);
    client c(port);
    auto req = c.post(initialize_body);
    req.set(http::field::authorization, "Bearer 0123456789abcdef-token");
    auto res = c.send(req);
    EXPECT_EQ(res.result_int(), 200);
    std::string sid(res["Mcp-Session-Id"]);
    // Every request needs it, not only the first.
    auto unauthenticated = c.send(c.post(initialized_body, sid));
    EXPECT_EQ(unauthenticated.result_int(), 401);
}

TEST_F(HttpTransport, SessionIdRules) {
    start();
    client c(port);
    // Anything but initialize needs a session id.
    auto res = c.send(c.post(R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})"));
    EXPECT_EQ(res.result_int(), 400);
    EXPECT_NE(res.body().find("Mcp-Session-Id"), std::string::npos);
    // Unknown (well-formed or not) session ids are 404.
    for (const char* unknown : {"0123456789abcdef0123456789abcdef", "not-a-session"}) {
        client d(port);
        res = d.send(d.post(R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})", unknown));
        EXPECT_EQ(res.result_int(), 404) << unknown;
        EXPECT_EQ(rpc_error_code(res.body()), -32600);
    }
}

TEST_F(HttpTransport, DeleteEndsTheSession) {
    start();
    client c(port);
    auto sid = initialize(c);
    EXPECT_EQ(sessions(), 1u);

    // A call waiting for its JSON response learns that the session ended.
    client waiting(port);
    auto slow = waiting.post(call_body(3, "sleep", R"({"ms":5000})"), sid, "application/json");
    waiting.write(slow);
    std::this_thread::sleep_for(100ms);

    auto res = c.send(c.bare(http::verb::delete_, sid));
    EXPECT_EQ(res.result_int(), 204);
    EXPECT_EQ(sessions(), 0u);
    auto ended = waiting.read();
    EXPECT_EQ(ended.result_int(), 404);

    res = c.send(c.post(R"({"jsonrpc":"2.0","id":2,"method":"ping"})", sid));
    EXPECT_EQ(res.result_int(), 404);
    res = c.send(c.bare(http::verb::delete_, sid));
    EXPECT_EQ(res.result_int(), 404);
}

TEST_F(HttpTransport, BodyTooLarge) {
    http_server_options options;
    options.limits.max_body = 1024;
    start(options);
    {
        // Declared too large: refused after the head, before the body is read.
        client c(port);
        c.write_raw("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    "Accept: application/json\r\nContent-Length: 5000000\r\n\r\n");
        auto res = c.read();
        EXPECT_EQ(res.result_int(), 413);
        EXPECT_NE(res.body().find("1024"), std::string::npos) << res.body();
        EXPECT_TRUE(c.closed_by_peer());
    }
    {
        // Chunked: refused when the body passes the limit.
        client c(port);
        std::string chunk(2000, ' ');
        c.write_raw("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    "Accept: application/json\r\nTransfer-Encoding: chunked\r\n\r\n7d0\r\n" +
                    chunk + "\r\n0\r\n\r\n");
        auto res = c.read();
        EXPECT_EQ(res.result_int(), 413);
    }
    {
        // At the limit it is read (and here refused as JSON-RPC, not as HTTP).
        client c(port);
        std::string body =
            R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25"}})";
        body.resize(1024, ' ');
        auto res = c.send(c.post(body));
        EXPECT_EQ(res.result_int(), 200);
    }
    // The default is 4 MiB.
    EXPECT_EQ(http_limits{}.max_body, std::size_t{4} << 20);
}

TEST_F(HttpTransport, BatchesAndBadJsonAreRefused) {
    start();
    client c(port);
    auto sid = initialize(c);
    auto res = c.send(c.post(R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])", sid));
    EXPECT_EQ(res.result_int(), 400);
    EXPECT_EQ(rpc_error_code(res.body()), -32600);
    EXPECT_NE(res.body().find("batch"), std::string::npos);

    res = c.send(c.post(R"({"jsonrpc":"2.0","id":1,"method":)", sid));
    EXPECT_EQ(res.result_int(), 400);
    EXPECT_EQ(rpc_error_code(res.body()), -32700);

    res = c.send(c.post(R"({"jsonrpc":"1.0","id":4,"method":"ping"})", sid));
    EXPECT_EQ(res.result_int(), 400);
    EXPECT_EQ(json::parse(res.body()).at("id"), 4);

    res = c.send(c.post("", sid));
    EXPECT_EQ(res.result_int(), 400);
    // The connection survived all of that.
    res = c.send(c.post(R"({"jsonrpc":"2.0","id":9,"method":"ping"})", sid));
    EXPECT_EQ(res.result_int(), 200);
}

TEST_F(HttpTransport, HeadersMethodsAndPaths) {
    start();
    client c(port);
    auto sid = initialize(c);

    auto req = c.post(R"({"jsonrpc":"2.0","id":1,"method":"ping"})", sid);
    req.set(http::field::content_type, "text/plain");
    EXPECT_EQ(c.send(req).result_int(), 415);

    client d(port);
    req = d.post(R"({"jsonrpc":"2.0","id":1,"method":"ping"})", sid, "text/html");
    EXPECT_EQ(d.send(req).result_int(), 406);

    client e(port);
    req = e.post(R"({"jsonrpc":"2.0","id":1,"method":"ping"})", sid);
    req.set("MCP-Protocol-Version", "1999-01-01");
    auto res = e.send(req);
    EXPECT_EQ(res.result_int(), 400);
    EXPECT_NE(res.body().find("2025-11-25"), std::string::npos);
    client e2(port); // a refusal before the body is read closes the connection
    req.set("MCP-Protocol-Version", "2025-06-18");
    EXPECT_EQ(e2.send(req).result_int(), 200);

    client f(port);
    req = f.post(R"({"jsonrpc":"2.0","id":1,"method":"ping"})", sid);
    req.target("/other");
    EXPECT_EQ(f.send(req).result_int(), 404);

    client g(port);
    auto put = g.bare(http::verb::put, sid);
    res = g.send(put);
    EXPECT_EQ(res.result_int(), 405);
    EXPECT_EQ(res[http::field::allow], "GET, POST, DELETE");

    client h(port);
    auto get = h.bare(http::verb::get, sid);
    get.set(http::field::accept, "application/json");
    EXPECT_EQ(h.send(get).result_int(), 406);
    get.set(http::field::accept, "text/event-stream");
    get.erase("Mcp-Session-Id");
    EXPECT_EQ(h.send(get).result_int(), 400);

    client old(port);
    old.write_raw("GET /mcp HTTP/1.0\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n");
    EXPECT_TRUE(old.read_until("505")) << old.raw();
}

TEST_F(HttpTransport, FailedInitializeMakesNoSession) {
    start();
    client c(port);
    auto res = c.send(
        c.post(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{}})", {}, "application/json"));
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(rpc_error_code(res.body()), -32602);
    EXPECT_EQ(res.count("Mcp-Session-Id"), 0u);
    EXPECT_EQ(sessions(), 0u);
}

TEST_F(HttpTransport, ARunningIdCannotBeReused) {
    start();
    client c(port);
    auto sid = initialize(c);
    client first(port);
    auto slow = first.post(call_body(11, "sleep", R"({"ms":300})"), sid);
    first.write(slow);
    std::this_thread::sleep_for(50ms);
    auto res = c.send(c.post(call_body(11, "echo", R"({"text":"x"})"), sid));
    EXPECT_EQ(res.result_int(), 400);
    EXPECT_EQ(json::parse(res.body()).at("id"), 11);
    auto done = first.read();
    auto events = parse_sse(done.body());
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(json::parse(events[0].data).at("result").at("structuredContent").at("slept"), 300);
}

TEST_F(HttpTransport, ADisconnectedStreamKeepsTheSession) {
    start();
    client c(port);
    auto sid = initialize(c);
    {
        client leaving(port);
        auto slow = leaving.post(call_body(12, "sleep", R"({"ms":200})"), sid);
        leaving.write(slow);
        ASSERT_TRUE(leaving.read_until("\r\n\r\n")); // the stream started
        leaving.close();
    }
    std::this_thread::sleep_for(400ms); // the call ended; its response had nowhere to go
    EXPECT_EQ(sessions(), 1u);
    auto res = c.send(c.post(call_body(13, "echo", R"({"text":"still here"})"), sid));
    ASSERT_EQ(res.result_int(), 200);
    auto events = parse_sse(res.body());
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(json::parse(events[0].data).at("id"), 13);
    // The id of the dropped call is free again.
    res = c.send(c.post(call_body(12, "echo", R"({"text":"again"})"), sid));
    EXPECT_EQ(res.result_int(), 200);
}

TEST_F(HttpTransport, SessionLimit) {
    http_server_options options;
    options.limits.max_sessions = 2;
    start(options);
    client c(port);
    initialize(c);
    initialize(c);
    auto res = c.send(c.post(initialize_body));
    EXPECT_EQ(res.result_int(), 503);
    EXPECT_NE(res.body().find("2 sessions"), std::string::npos) << res.body();
    EXPECT_EQ(sessions(), 2u);
}

TEST_F(HttpTransport, IdleSessionsEnd) {
    http_server_options options;
    options.limits.session_idle_timeout = 200ms;
    start(options);
    client c(port);
    auto sid = initialize(c);
    // A running call keeps the session.
    auto res = c.send(c.post(call_body(1, "sleep", R"({"ms":400})"), sid));
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(sessions(), 1u);
    std::this_thread::sleep_for(700ms);
    EXPECT_EQ(sessions(), 0u);
    res = c.send(c.post(R"({"jsonrpc":"2.0","id":2,"method":"ping"})", sid));
    EXPECT_EQ(res.result_int(), 404);
}

TEST_F(HttpTransport, SlowHeadersAreCutOff) {
    http_server_options options;
    options.limits.read_timeout = 200ms;
    start(options);
    client c(port);
    c.write_raw("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    auto before = std::chrono::steady_clock::now();
    EXPECT_TRUE(c.closed_by_peer(3s));
    EXPECT_LT(std::chrono::steady_clock::now() - before, 2s);
}

TEST_F(HttpTransport, ConnectionLimit) {
    http_server_options options;
    options.limits.max_connections = 2;
    start(options);
    client a(port);
    client b(port);
    auto sid = initialize(a);
    initialize(b);
    client c(port);
    EXPECT_TRUE(c.closed_by_peer(3s));
    a.close();
    // Once one closes, new ones are served again.
    bool served = false;
    for (int i = 0; i < 50 && !served; ++i) {
        client d(port);
        auto req = d.post(R"({"jsonrpc":"2.0","id":1,"method":"ping"})", sid);
        served = d.try_write(req) && d.read_until("HTTP/1.1 200", 500ms);
        if (!served)
            std::this_thread::sleep_for(20ms);
    }
    EXPECT_TRUE(served);
}

TEST_F(HttpTransport, ExpectContinue) {
    start();
    client c(port);
    c.write_raw("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: "
                "application/json\r\n"
                "Expect: 100-continue\r\nContent-Length: " +
                std::to_string(initialize_body.size()) + "\r\n\r\n");
    ASSERT_TRUE(c.read_until("HTTP/1.1 100 Continue\r\n\r\n")) << c.raw();
    c.write_raw(initialize_body);
    EXPECT_TRUE(c.read_until("\"protocolVersion\"")) << c.raw();
    EXPECT_NE(c.raw().find("HTTP/1.1 200 OK"), std::string::npos);
}

TEST_F(HttpTransport, StopEndsOpenStreams) {
    start();
    client c(port);
    auto sid = initialize(c);
    client stream(port);
    auto get = stream.bare(http::verb::get, sid);
    get.set(http::field::accept, "text/event-stream");
    stream.write(get);
    ASSERT_TRUE(stream.read_until("\r\n\r\n"));
    on_io([this] {
        server->stop();
        return 0;
    });
    EXPECT_TRUE(stream.closed_by_peer(3s));
    EXPECT_EQ(sessions(), 0u);
}

// ---- resumability (MCP 2025-11-25 basic/transports#resumability-and-redelivery) ----------------

TEST_F(HttpTransport, EveryStreamStartsWithAPrimingEvent) {
    start();
    client c(port);
    auto res = c.send(c.post(initialize_body));
    ASSERT_EQ(res.result_int(), 200);
    std::string sid(res["Mcp-Session-Id"]);
    // The priming event comes first: an id, retry and an empty data field.
    EXPECT_EQ(res.body().rfind("id: ", 0), 0u) << res.body();
    auto all = parse_sse(res.body(), true);
    ASSERT_EQ(all.size(), 2u) << res.body();
    EXPECT_FALSE(all[0].id.empty());
    EXPECT_EQ(all[0].retry, "1000");
    EXPECT_EQ(all[0].data, "");
    EXPECT_EQ(all[0].event, "");
    EXPECT_NE(res.body().find("retry: 1000\ndata: \n\n"), std::string::npos) << res.body();
    EXPECT_EQ(json::parse(all[1].data).at("id"), 0);
    // Both ids name the same stream, and differ.
    EXPECT_EQ(stream_of(all[0].id), stream_of(all[1].id));
    EXPECT_NE(all[0].id, all[1].id);
    EXPECT_EQ(c.send(c.post(initialized_body, sid)).result_int(), 202);

    res = c.send(c.post(call_body(1, "echo", R"({"text":"x"})"), sid));
    all = parse_sse(res.body(), true);
    ASSERT_EQ(all.size(), 2u) << res.body();
    EXPECT_EQ(all[0].retry, "1000");
    EXPECT_TRUE(all[0].data.empty());
    // Another request, another stream.
    auto next = parse_sse(c.send(c.post(call_body(2, "echo", R"({"text":"y"})"), sid)).body(), true);
    ASSERT_EQ(next.size(), 2u);
    EXPECT_NE(stream_of(all[0].id), stream_of(next[0].id));

    // The GET stream too.
    client stream(port);
    auto get = get_request(stream, sid);
    stream.write(get);
    ASSERT_TRUE(stream.read_until("data: \n\n")) << stream.raw();
    EXPECT_NE(stream.raw().find("retry: 1000\n"), std::string::npos) << stream.raw();
}

TEST_F(HttpTransport, RetryIsConfigurable) {
    http_server_options options;
    options.limits.sse_retry = 2500ms;
    start(options);
    client c(port);
    auto res = c.send(c.post(initialize_body));
    auto all = parse_sse(res.body(), true);
    ASSERT_FALSE(all.empty());
    EXPECT_EQ(all[0].retry, "2500");
}

TEST_F(HttpTransport, OlderClientsGetNoPrimingEvent) {
    start();
    client c(port);
    auto res = c.send(c.post(initialize_2025_06_18_body));
    ASSERT_EQ(res.result_int(), 200);
    EXPECT_EQ(res.body().find("retry:"), std::string::npos) << res.body();
    EXPECT_EQ(parse_sse(res.body(), true).size(), 1u) << res.body();
    std::string sid(res["Mcp-Session-Id"]);
    EXPECT_EQ(c.send(c.post(initialized_body, sid)).result_int(), 202);
    // They cannot resume a stream closed by the server: the call's stream stays open instead.
    res = c.send(c.post(call_body(3, "reconnect", "{}", "tok"), sid));
    auto events = parse_sse(res.body(), true);
    ASSERT_EQ(events.size(), 3u) << res.body();
    EXPECT_EQ(json::parse(events[2].data).at("result").at("structuredContent").at("resumed"), true);
}

TEST_F(HttpTransport, AClosedStreamIsResumedWithLastEventId) {
    start();
    client c(port);
    auto sid = initialize(c);

    // The call closes its stream at once: the POST response ends with the priming event only.
    auto res = c.send(c.post(call_body(7, "reconnect", "{}", "tok-r"), sid));
    ASSERT_EQ(res.result_int(), 200);
    auto posted = parse_sse(res.body(), true);
    ASSERT_EQ(posted.size(), 1u) << res.body();
    ASSERT_FALSE(posted[0].id.empty());
    EXPECT_EQ(posted[0].retry, "1000");

    // GET with its id gets what the call sent since, and ends with the response.
    client again(port);
    auto resumed = again.send(get_request(again, sid, posted[0].id));
    ASSERT_EQ(resumed.result_int(), 200);
    EXPECT_EQ(resumed[http::field::content_type], "text/event-stream");
    auto all = parse_sse(resumed.body(), true);
    ASSERT_EQ(all.size(), 4u) << resumed.body();
    EXPECT_TRUE(all[0].data.empty()); // priming
    EXPECT_EQ(all[0].retry, "1000");
    for (int i = 1; i <= 2; ++i) {
        auto n = json::parse(all[i].data);
        EXPECT_EQ(n.at("method"), "notifications/progress");
        EXPECT_EQ(n.at("params").at("progress").to_number<double>(), i);
    }
    auto response = json::parse(all[3].data);
    EXPECT_EQ(response.at("id"), 7);
    EXPECT_EQ(response.at("result").at("structuredContent").at("resumed"), true);
    for (const auto& e : all)
        EXPECT_EQ(stream_of(e.id), stream_of(posted[0].id)) << e.id;

    // Resuming from the priming event of the resumed stream replays the same events.
    client third(port);
    auto replayed = third.send(get_request(third, sid, all[0].id));
    ASSERT_EQ(replayed.result_int(), 200);
    auto events = parse_sse(replayed.body());
    ASSERT_EQ(events.size(), 3u) << replayed.body();
    EXPECT_EQ(events[2].data, all[3].data);
    // Resuming from the response: nothing more comes on that stream.
    client fourth(port);
    EXPECT_EQ(fourth.send(get_request(fourth, sid, all[3].id)).result_int(), 204);

    // The session goes on, and its id is free again.
    res = c.send(c.post(call_body(7, "echo", R"({"text":"after"})"), sid));
    EXPECT_EQ(parse_sse(res.body()).size(), 1u);
}

TEST_F(HttpTransport, AResumedStreamGoesOnLive) {
    start();
    client c(port);
    auto sid = initialize(c);
    // Resumed before the call sent anything: the events arrive as the call sends them.
    client poster(port);
    auto post = poster.post(call_body(8, "reconnect", "{}", "tok-l"), sid);
    poster.write(post);
    auto res = poster.read();
    auto posted = parse_sse(res.body(), true);
    ASSERT_EQ(posted.size(), 1u) << res.body();

    client stream(port);
    auto get = get_request(stream, sid, posted[0].id);
    stream.write(get);
    ASSERT_TRUE(stream.read_until(R"("resumed":true)")) << stream.raw();
    EXPECT_NE(stream.raw().find(R"("progress":2)"), std::string::npos);
    // The response ends the resumed stream.
    EXPECT_TRUE(stream.read_until("\r\n0\r\n\r\n")) << stream.raw();
}

TEST_F(HttpTransport, AStreamIsResumedAfterTheClientDisconnected) {
    start();
    client c(port);
    auto sid = initialize(c);
    std::string priming_id;
    std::string progress_id;
    {
        client leaving(port);
        auto req = leaving.post(call_body(9, "steps", R"({"ms":300})", "tok-d"), sid);
        leaving.write(req);
        ASSERT_TRUE(leaving.read_until(R"("progress":1)")) << leaving.raw();
        priming_id = id_before(leaving.raw(), "retry: ");
        progress_id = id_before(leaving.raw(), R"("progress":1)");
        leaving.close(); // the network drops
    }
    ASSERT_FALSE(progress_id.empty());
    std::this_thread::sleep_for(500ms); // the call ended meanwhile
    EXPECT_EQ(sessions(), 1u);

    client back(port);
    auto resumed = back.send(get_request(back, sid, progress_id));
    ASSERT_EQ(resumed.result_int(), 200);
    auto events = parse_sse(resumed.body());
    ASSERT_EQ(events.size(), 2u) << resumed.body();
    EXPECT_EQ(json::parse(events[0].data).at("params").at("progress").to_number<double>(), 2);
    EXPECT_EQ(json::parse(events[1].data).at("id"), 9);
    EXPECT_EQ(json::parse(events[1].data).at("result").at("structuredContent").at("steps"), 2);

    // From the priming event: everything.
    client all(port);
    auto everything = all.send(get_request(all, sid, priming_id));
    EXPECT_EQ(parse_sse(everything.body()).size(), 3u) << everything.body();
}

TEST_F(HttpTransport, TheGetStreamIsResumedToo) {
    start();
    client c(port);
    auto sid = initialize(c);
    std::string priming_id;
    {
        client stream(port);
        auto get = get_request(stream, sid);
        stream.write(get);
        ASSERT_TRUE(stream.read_until("data: \n\n")) << stream.raw();
        priming_id = id_before(stream.raw(), "retry: ");
        stream.close();
    }
    ASSERT_EQ(stream_of(priming_id), "0");
    std::this_thread::sleep_for(100ms);
    // Progress of a call answered as JSON goes to the GET stream, which nobody reads now.
    auto res = c.send(c.post(call_body(10, "progress", "{}", "tok-g"), sid, "application/json"));
    EXPECT_EQ(json::parse(res.body()).at("id"), 10);

    client back(port);
    auto get = get_request(back, sid, priming_id);
    back.write(get);
    ASSERT_TRUE(back.read_until(R"("progress":2)")) << back.raw();
    EXPECT_NE(back.raw().find(R"("progress":1)"), std::string::npos);
    // It is the session's GET stream again: a plain GET meets it.
    client second(port);
    EXPECT_EQ(second.send(get_request(second, sid)).result_int(), 409);
}

TEST_F(HttpTransport, UnknownLastEventIdIsRefused) {
    http_server_options options;
    options.limits.event_log_linger = 500ms;
    start(options);
    client c(port);
    auto sid = initialize(c);
    for (const char* unknown : {"999-999", "42-1", "1-99999999"}) {
        client d(port);
        auto res = d.send(get_request(d, sid, unknown));
        EXPECT_EQ(res.result_int(), 404) << unknown;
        EXPECT_NE(res.body().find("Last-Event-ID"), std::string::npos) << res.body();
    }
    for (const char* malformed : {"abc", "1-", "-1", "1-2-3", "99999999999999999999999-1"}) {
        client d(port);
        EXPECT_EQ(d.send(get_request(d, sid, malformed)).result_int(), 400) << malformed;
    }
    // The id of another session's stream means nothing here.
    client o(port);
    auto other = initialize(o);
    auto res = o.send(o.post(call_body(1, "echo", R"({"text":"x"})"), other));
    auto other_events = parse_sse(res.body(), true);
    ASSERT_EQ(other_events.size(), 2u);
    client d(port);
    EXPECT_EQ(d.send(get_request(d, sid, other_events[0].id)).result_int(), 404);
    // A delivered stream is forgotten after the linger.
    client e(port);
    EXPECT_EQ(e.send(get_request(e, other, other_events[0].id)).result_int(), 200);
    std::this_thread::sleep_for(1200ms);
    client f(port);
    EXPECT_EQ(f.send(get_request(f, other, other_events[0].id)).result_int(), 404);
    // Without a session: 400 as any GET.
    client g(port);
    EXPECT_EQ(g.send(get_request(g, {}, other_events[0].id)).result_int(), 400);
}

TEST_F(HttpTransport, TheEventLogKeepsItsByteCap) {
    http_server_options options;
    options.limits.event_log_bytes = 2000;
    start(options);
    client c(port);
    auto sid = initialize(c);
    // 30 progress messages of about 200 bytes while nobody reads the stream: the oldest go.
    auto res = c.send(c.post(call_body(11, "chatty", R"({"count":30})", "tok-c"), sid));
    auto posted = parse_sse(res.body(), true);
    ASSERT_EQ(posted.size(), 1u) << res.body();
    std::this_thread::sleep_for(200ms);
    client d(port);
    auto refused = d.send(get_request(d, sid, posted[0].id));
    EXPECT_EQ(refused.result_int(), 404);
    EXPECT_NE(refused.body().find("dropped"), std::string::npos) << refused.body();
    EXPECT_NE(refused.body().find("2000 bytes"), std::string::npos) << refused.body();
}
