// The Streamable HTTP transport's pure checks: the --http address, loopback, Host and Origin
// (DNS rebinding), the bearer token, the environment, content negotiation, SSE framing, session ids,
// the event log of resumable streams.
#include "http/event_log.hpp"
#include "http/http_guard.hpp"
#include "http/http_server.hpp"
#include "http/media_type.hpp"
#include "http/session_id.hpp"
#include "http/sse.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

using namespace proxmox::mcp;
namespace ip = boost::asio::ip;

namespace {

ip::tcp::endpoint listen_ok(std::string_view text) {
    auto r = parse_listen_address(text);
    EXPECT_TRUE(r.endpoint) << text << ": " << r.error;
    return r.endpoint.value_or(ip::tcp::endpoint{});
}

std::string listen_error(std::string_view text) {
    auto r = parse_listen_address(text);
    EXPECT_FALSE(r.endpoint) << text;
    return r.error;
}

env_lookup env_of(std::map<std::string, std::string> values) {
    return [values = std::move(values)](std::string_view key) -> std::optional<std::string> {
        auto it = values.find(std::string(key));
        if (it == values.end())
            return std::nullopt;
        return it->second;
    };
}

} // namespace

TEST(HttpListenAddress, AcceptsTheDocumentedForms) {
    EXPECT_EQ(listen_ok("127.0.0.1:8080"), ip::tcp::endpoint(ip::make_address("127.0.0.1"), 8080));
    EXPECT_EQ(listen_ok("[::1]:8080"), ip::tcp::endpoint(ip::make_address("::1"), 8080));
    EXPECT_EQ(listen_ok("localhost:8080"), ip::tcp::endpoint(ip::make_address("127.0.0.1"), 8080));
    EXPECT_EQ(listen_ok("LOCALHOST:1"), ip::tcp::endpoint(ip::make_address("127.0.0.1"), 1));
    EXPECT_EQ(listen_ok("0.0.0.0:8080"), ip::tcp::endpoint(ip::make_address("0.0.0.0"), 8080));
    EXPECT_EQ(listen_ok("[::]:65535"), ip::tcp::endpoint(ip::make_address("::"), 65535));
    EXPECT_EQ(listen_ok("127.0.0.1:0").port(), 0);
}

TEST(HttpListenAddress, RefusesWithTheFlagAndTheFix) {
    for (const char* bad : {"", "8080", "127.0.0.1", "127.0.0.1:", ":8080", "127.0.0.1:65536",
                            "127.0.0.1:80a", "example.com:8080", "user@127.0.0.1:80", "[::1",
                            "http://127.0.0.1:8080", "127.0.0.1:8080/mcp", "127.0.0.1:123456"}) {
        std::string error = listen_error(bad);
        EXPECT_NE(error.find("--http"), std::string::npos) << bad << ": " << error;
        EXPECT_NE(error.find("127.0.0.1:8080"), std::string::npos) << bad << ": " << error;
    }
    EXPECT_NE(listen_error("example.com:8080").find("not resolved"), std::string::npos);
    EXPECT_NE(listen_error("127.0.0.1").find("no port"), std::string::npos);
    EXPECT_NE(listen_error("127.0.0.1:70000").find("0 to 65535"), std::string::npos);
}

TEST(HttpListenAddress, LoopbackIsTheWholeRange) {
    EXPECT_TRUE(is_loopback(ip::make_address("127.0.0.1")));
    EXPECT_TRUE(is_loopback(ip::make_address("127.3.2.1")));
    EXPECT_TRUE(is_loopback(ip::make_address("::1")));
    EXPECT_TRUE(is_loopback(ip::make_address("::ffff:127.0.0.1")));
    EXPECT_FALSE(is_loopback(ip::make_address("0.0.0.0")));
    EXPECT_FALSE(is_loopback(ip::make_address("::")));
    EXPECT_FALSE(is_loopback(ip::make_address("192.168.1.2")));
    EXPECT_FALSE(is_loopback(ip::make_address("::ffff:10.0.0.1")));
}

TEST(HttpHostHeader, OnlyLoopbackNamesWithAnyPort) {
    for (const char* ok : {"localhost", "localhost:8080", "LocalHost:1", "127.0.0.1", "127.0.0.1:8080",
                           "[::1]", "[::1]:8080", "[0:0:0:0:0:0:0:1]:9"})
        EXPECT_TRUE(is_loopback_host(ok)) << ok;
    for (const char* bad : {"", "evil.example", "evil.example:8080", "localhost.evil.example", "127.0.0.2",
                            "127.1", "0.0.0.0:8080", "[::2]", "user@localhost", "localhost:99999",
                            "localhost:x", "local%68ost", "localhost/path", "10.0.0.1:8080"})
        EXPECT_FALSE(is_loopback_host(bad)) << bad;
}

TEST(HttpOrigin, ParsesAndNormalizes) {
    auto o = parse_origin("HTTPS://App.Example.COM");
    ASSERT_TRUE(o);
    EXPECT_EQ(*o, (web_origin{"https", "app.example.com", 443}));
    EXPECT_EQ(*parse_origin("http://localhost:5173"), (web_origin{"http", "localhost", 5173}));
    EXPECT_EQ(*parse_origin("http://[::1]:80/"), (web_origin{"http", "[::1]", 80}));
    EXPECT_EQ(*parse_origin("http://127.0.0.1"), (web_origin{"http", "127.0.0.1", 80}));
    for (const char* bad :
         {"null", "", "localhost:8080", "ftp://localhost", "file:///etc/passwd", "http://user@localhost",
          "http://localhost/x", "http://localhost?q", "http://localhost#f", "http://localhost:99999",
          "http://", "chrome-extension://abc", "http://localhost:"})
        EXPECT_FALSE(parse_origin(bad)) << bad;
}

TEST(HttpOrigin, LocalOriginsAndTheListAreAllowed) {
    std::vector<web_origin> none;
    for (const char* ok : {"http://localhost", "http://localhost:3000", "https://localhost:8443",
                           "http://127.0.0.1:1", "http://[::1]:6274"})
        EXPECT_TRUE(origin_allowed(ok, none)) << ok;
    for (const char* bad : {"http://evil.example", "https://localhost.evil.example", "null",
                            "http://127.0.0.2", "http://192.168.1.1:8080", "garbage"})
        EXPECT_FALSE(origin_allowed(bad, none)) << bad;

    auto list = parse_allowed_origins(" https://app.example.com , http://10.0.0.5:8080,,");
    ASSERT_EQ(list.error, "");
    ASSERT_EQ(list.origins.size(), 2u);
    EXPECT_TRUE(origin_allowed("https://app.example.com", list.origins));
    EXPECT_TRUE(origin_allowed("https://APP.example.com:443", list.origins));
    EXPECT_TRUE(origin_allowed("http://10.0.0.5:8080", list.origins));
    EXPECT_FALSE(origin_allowed("http://app.example.com", list.origins)); // other scheme
    EXPECT_FALSE(origin_allowed("https://app.example.com:8443", list.origins));
    EXPECT_FALSE(origin_allowed("http://10.0.0.5", list.origins));
}

TEST(HttpOrigin, ABadListEntryIsNamed) {
    auto r = parse_allowed_origins("https://ok.example, not an origin");
    EXPECT_TRUE(r.origins.empty());
    EXPECT_NE(r.error.find("PROXMOX_MCP_HTTP_ALLOWED_ORIGINS"), std::string::npos) << r.error;
    EXPECT_NE(r.error.find("not an origin"), std::string::npos) << r.error;
    EXPECT_TRUE(parse_allowed_origins("").origins.empty());
    EXPECT_EQ(parse_allowed_origins("").error, "");
}

TEST(HttpBearer, MatchesExactlyTheToken) {
    const std::string token = "s3cret-token-0123456789";
    EXPECT_TRUE(bearer_token_matches("Bearer s3cret-token-0123456789", token));
    EXPECT_TRUE(bearer_token_matches("bearer s3cret-token-0123456789", token));
    EXPECT_TRUE(bearer_token_matches("  BEARER   s3cret-token-0123456789  ", token));
    for (const char* bad :
         {"", "Bearer", "Bearer ", "Bearer s3cret-token-012345678", "Bearer s3cret-token-01234567890",
          "Basic s3cret-token-0123456789", "s3cret-token-0123456789", "Bearer S3CRET-TOKEN-0123456789",
          "Bearers3cret-token-0123456789"})
        EXPECT_FALSE(bearer_token_matches(bad, token)) << bad;
    EXPECT_FALSE(bearer_token_matches("Bearer x", ""));
}

TEST(HttpBearer, TokenProblems) {
    EXPECT_EQ(token_problem("0123456789abcdef"), "");
    EXPECT_NE(token_problem("short").find("at least 16"), std::string::npos);
    EXPECT_NE(token_problem(std::string(5000, 'a')).find("at most 4096"), std::string::npos);
    EXPECT_NE(token_problem("0123456789 abcdef").find("blank"), std::string::npos);
    EXPECT_NE(token_problem("0123456789abcdef\n").find("control"), std::string::npos);
    // The message never repeats the token.
    EXPECT_EQ(token_problem("0123456789 abcdef").find("0123456789"), std::string::npos);
}

TEST(HttpExposure, BeyondLoopbackNeedsAToken) {
    ip::tcp::endpoint any(ip::make_address("0.0.0.0"), 8080);
    ip::tcp::endpoint local(ip::make_address("127.0.0.1"), 8080);
    EXPECT_EQ(exposure_problem(local, false), "");
    EXPECT_EQ(exposure_problem(any, true), "");
    std::string problem = exposure_problem(any, false);
    EXPECT_NE(problem.find("PROXMOX_MCP_HTTP_TOKEN"), std::string::npos) << problem;
    EXPECT_NE(problem.find("127.0.0.1:8080"), std::string::npos) << problem;
    EXPECT_NE(problem.find("0.0.0.0:8080"), std::string::npos) << problem;
    EXPECT_EQ(endpoint_url(local), "http://127.0.0.1:8080/mcp");
    EXPECT_EQ(endpoint_url(ip::tcp::endpoint(ip::make_address("::1"), 9)), "http://[::1]:9/mcp");
}

TEST(HttpOptions, FromTheFlagAndTheEnvironment) {
    auto r = http_options_from("127.0.0.1:0", env_of({}));
    ASSERT_TRUE(r.options) << r.error;
    EXPECT_EQ(r.options->token, "");
    EXPECT_TRUE(r.options->allowed_origins.empty());

    r = http_options_from("0.0.0.0:8080", env_of({}));
    EXPECT_FALSE(r.options);
    EXPECT_NE(r.error.find("PROXMOX_MCP_HTTP_TOKEN"), std::string::npos);

    r = http_options_from("0.0.0.0:8080",
                          env_of({{"PROXMOX_MCP_HTTP_TOKEN", "0123456789abcdef0123"},
                                  {"PROXMOX_MCP_HTTP_ALLOWED_ORIGINS", "https://a.example"}}));
    ASSERT_TRUE(r.options) << r.error;
    EXPECT_EQ(r.options->token, "0123456789abcdef0123");
    ASSERT_EQ(r.options->allowed_origins.size(), 1u);
    EXPECT_EQ(r.options->endpoint.port(), 8080);

    r = http_options_from("127.0.0.1:0", env_of({{"PROXMOX_MCP_HTTP_TOKEN", "tiny"}}));
    EXPECT_FALSE(r.options);
    EXPECT_NE(r.error.find("at least 16"), std::string::npos);
    r = http_options_from("127.0.0.1:0", env_of({{"PROXMOX_MCP_HTTP_ALLOWED_ORIGINS", "*"}}));
    EXPECT_FALSE(r.options);
    EXPECT_NE(r.error.find("PROXMOX_MCP_HTTP_ALLOWED_ORIGINS"), std::string::npos);
    r = http_options_from("nowhere", env_of({}));
    EXPECT_FALSE(r.options);
    EXPECT_NE(r.error.find("--http"), std::string::npos);
    // An empty token is no token: beyond loopback is still refused.
    r = http_options_from("0.0.0.0:1", env_of({{"PROXMOX_MCP_HTTP_TOKEN", ""}}));
    EXPECT_FALSE(r.options);
}

TEST(HttpMediaType, Accept) {
    auto both = parse_accept("application/json, text/event-stream");
    EXPECT_TRUE(both.json);
    EXPECT_TRUE(both.sse);
    auto json_only = parse_accept("application/json");
    EXPECT_TRUE(json_only.json);
    EXPECT_FALSE(json_only.sse);
    auto sse_only = parse_accept("TEXT/EVENT-STREAM;q=0.9");
    EXPECT_FALSE(sse_only.json);
    EXPECT_TRUE(sse_only.sse);
    auto wildcard = parse_accept("*/*");
    EXPECT_TRUE(wildcard.json);
    EXPECT_FALSE(wildcard.sse);
    auto absent = parse_accept("");
    EXPECT_TRUE(absent.json);
    auto neither = parse_accept("text/html, image/png");
    EXPECT_FALSE(neither.json);
    EXPECT_FALSE(neither.sse);
    auto refused = parse_accept("application/json;q=0, text/event-stream; q=0.000");
    EXPECT_FALSE(refused.json);
    EXPECT_FALSE(refused.sse);
    EXPECT_TRUE(parse_accept("text/event-stream;q=0.5").sse);
}

TEST(HttpMediaType, ContentType) {
    EXPECT_TRUE(is_json_content_type("application/json"));
    EXPECT_TRUE(is_json_content_type("Application/JSON; charset=utf-8"));
    EXPECT_FALSE(is_json_content_type(""));
    EXPECT_FALSE(is_json_content_type("text/plain"));
    EXPECT_FALSE(is_json_content_type("application/json-seq"));
    EXPECT_FALSE(is_json_content_type("application/x-www-form-urlencoded"));
}

TEST(HttpSse, EventFraming) {
    EXPECT_EQ(sse_event("7", R"({"a":1})"), "id: 7\nevent: message\ndata: {\"a\":1}\n\n");
    EXPECT_EQ(sse_event("1", "x\ny\r\nz"), "id: 1\nevent: message\ndata: x\ndata: y\ndata: z\n\n");
    EXPECT_EQ(sse_event("1\n2", "a"), "id: 12\nevent: message\ndata: a\n\n");
    EXPECT_EQ(sse_keepalive, ": keepalive\n\n");
    EXPECT_EQ(sse_priming("3-4", std::chrono::milliseconds(1000)), "id: 3-4\nretry: 1000\ndata: \n\n");
}

namespace {

using clock_type = event_log::clock;
using std::chrono::milliseconds;

std::vector<std::uint64_t> seqs(const event_log::replay& r) {
    std::vector<std::uint64_t> out;
    for (const auto& e : r.events)
        out.push_back(e.first);
    return out;
}

} // namespace

TEST(HttpEventLog, EventIds) {
    EXPECT_EQ(event_log::event_id({3, 17}), "3-17");
    auto p = event_log::parse_event_id("3-17");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->stream, 3u);
    EXPECT_EQ(p->seq, 17u);
    EXPECT_TRUE(event_log::parse_event_id("0-18446744073709551615"));
    for (const char* bad : {"", "3", "-", "3-", "-3", "a-1", "1-b", "1-2-3", " 1-2", "1-2 ", "+1-2",
                            "0-18446744073709551616", "123456789012345678901-1"})
        EXPECT_FALSE(event_log::parse_event_id(bad)) << bad;
}

TEST(HttpEventLog, ReplaysAStreamAfterAPosition) {
    event_log log(1 << 20, milliseconds(1000));
    auto now = clock_type::now();
    auto a = log.open_stream();
    auto b = log.open_stream();
    auto a1 = log.append(a.stream, "a1");
    auto b1 = log.append(b.stream, "b1");
    auto a2 = log.append(a.stream, "a2");
    auto s1 = log.append(event_log::standalone, "s1");

    auto r = log.after(a);
    EXPECT_EQ(r.status, event_log::found::ok);
    EXPECT_EQ(seqs(r), (std::vector<std::uint64_t>{a1, a2})); // never another stream's events
    EXPECT_FALSE(r.ended);
    EXPECT_EQ(seqs(log.after({a.stream, a1})), std::vector<std::uint64_t>{a2});
    EXPECT_TRUE(log.after({a.stream, a2}).events.empty());
    EXPECT_EQ(seqs(log.after(b)), std::vector<std::uint64_t>{b1});
    EXPECT_EQ(seqs(log.after({event_log::standalone, 0})), std::vector<std::uint64_t>{s1});
    EXPECT_EQ(log.after({a.stream, 0}).status, event_log::found::unknown);      // before the stream
    EXPECT_EQ(log.after({a.stream, s1 + 1}).status, event_log::found::unknown); // not given out yet
    EXPECT_EQ(log.after({9, 1}).status, event_log::found::unknown);

    // A mark resumes like the position it stands for.
    auto m = log.mark({a.stream, a1});
    EXPECT_NE(m.seq, a1);
    EXPECT_EQ(seqs(log.after(m)), std::vector<std::uint64_t>{a2});
    EXPECT_EQ(seqs(log.after(log.mark(m))), std::vector<std::uint64_t>{a2});

    log.end_stream(a.stream, now);
    EXPECT_TRUE(log.after(a).ended);
    EXPECT_EQ(log.bytes(), 8u);
    EXPECT_EQ(log.size(), 4u);
}

TEST(HttpEventLog, EndedAndDeliveredStreamsGoAfterTheLinger) {
    event_log log(1 << 20, milliseconds(1000));
    auto t0 = clock_type::now();
    auto a = log.open_stream();
    auto b = log.open_stream();
    auto a1 = log.append(a.stream, "a1");
    auto b1 = log.append(b.stream, "b1");
    log.end_stream(a.stream, t0);
    log.end_stream(b.stream, t0);
    log.delivered(a.stream, a1, t0); // b's response was not delivered
    log.expire(t0 + milliseconds(999));
    EXPECT_EQ(log.after(a).status, event_log::found::ok);
    log.expire(t0 + milliseconds(1000));
    EXPECT_EQ(log.after(a).status, event_log::found::unknown);
    EXPECT_EQ(seqs(log.after(b)), std::vector<std::uint64_t>{b1}); // kept for the client to resume
    log.expire(t0 + std::chrono::hours(1));
    EXPECT_EQ(log.after(b).status, event_log::found::ok);
    EXPECT_EQ(log.stream_count(), 2u);
    // An open stream keeps what was delivered.
    auto c = log.open_stream();
    auto c1 = log.append(c.stream, "c1");
    log.delivered(c.stream, c1, t0);
    log.expire(t0 + std::chrono::hours(1));
    EXPECT_EQ(seqs(log.after(c)), std::vector<std::uint64_t>{c1});
    // A stream ended without events is done at once.
    auto d = log.open_stream();
    log.end_stream(d.stream, t0);
    log.expire(t0 + milliseconds(1000));
    EXPECT_EQ(log.after(d).status, event_log::found::unknown);
}

TEST(HttpEventLog, TheGetStreamDropsDeliveredEventsAfterTheLinger) {
    event_log log(1 << 20, milliseconds(1000));
    auto t0 = clock_type::now();
    auto s1 = log.append(event_log::standalone, "s1");
    auto s2 = log.append(event_log::standalone, "s2");
    log.delivered(event_log::standalone, s1, t0);
    log.expire(t0 + milliseconds(1000));
    EXPECT_EQ(log.after({event_log::standalone, 0}).status, event_log::found::expired);
    EXPECT_EQ(seqs(log.after({event_log::standalone, s1})), std::vector<std::uint64_t>{s2});
    // Starting over forgets the rest; a position from before is expired, one from now is not.
    log.clear(event_log::standalone);
    EXPECT_EQ(log.after({event_log::standalone, s1}).status, event_log::found::expired);
    EXPECT_TRUE(log.after({event_log::standalone, s2}).events.empty()); // nothing missed
    auto now = log.mark({event_log::standalone, log.last_seq()});
    EXPECT_EQ(log.after(now).status, event_log::found::ok);
    auto s3 = log.append(event_log::standalone, "s3");
    EXPECT_EQ(seqs(log.after(now)), std::vector<std::uint64_t>{s3});
    EXPECT_EQ(log.bytes(), 2u);
}

TEST(HttpEventLog, TheByteCapDropsTheOldest) {
    event_log log(1000, milliseconds(1000));
    auto a = log.open_stream();
    auto b = log.open_stream();
    std::vector<std::uint64_t> appended;
    for (int i = 0; i < 200; ++i) {
        appended.push_back(log.append(i % 3 == 0 ? b.stream : a.stream, std::string(30, 'x')));
        EXPECT_LE(log.bytes(), 1000u);
    }
    EXPECT_EQ(log.bytes(), 990u); // 33 events of 30 bytes
    EXPECT_EQ(log.size(), 33u);
    // Resuming from before a dropped event is refused; from the newest kept ones it works.
    EXPECT_EQ(log.after(a).status, event_log::found::expired);
    EXPECT_EQ(log.after(b).status, event_log::found::expired);
    auto r = log.after({a.stream, appended[190]});
    EXPECT_EQ(r.status, event_log::found::ok);
    EXPECT_FALSE(r.events.empty());
    // An event larger than the cap is not kept at all, and the others stay.
    auto big = log.append(a.stream, std::string(2000, 'y'));
    EXPECT_EQ(log.bytes(), 990u);
    EXPECT_EQ(log.after({a.stream, appended[199]}).status, event_log::found::expired);
    EXPECT_EQ(log.after({a.stream, big}).status, event_log::found::ok);
    // Many events over time: the bookkeeping stays bounded too.
    for (int i = 0; i < 100000; ++i) {
        auto s = log.open_stream();
        auto seq = log.append(s.stream, "z");
        log.end_stream(s.stream, clock_type::now());
        log.delivered(s.stream, seq, clock_type::now() - std::chrono::hours(1));
        if (i % 1000 == 0)
            log.expire(clock_type::now());
    }
    log.expire(clock_type::now() + std::chrono::hours(2));
    EXPECT_LE(log.stream_count(), 3u);
}

TEST(HttpSessionId, RandomHex) {
    std::set<std::string> seen;
    for (int i = 0; i < 200; ++i) {
        auto id = new_session_id();
        EXPECT_TRUE(is_session_id(id)) << id;
        seen.insert(id);
    }
    EXPECT_EQ(seen.size(), 200u);
    EXPECT_FALSE(is_session_id(""));
    EXPECT_FALSE(is_session_id("0123456789ABCDEF0123456789abcdef"));
    EXPECT_FALSE(is_session_id("0123456789abcdef0123456789abcde"));
    EXPECT_FALSE(is_session_id("0123456789abcdef0123456789abcdeg"));
}
