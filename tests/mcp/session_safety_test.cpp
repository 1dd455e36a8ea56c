// The session's side of the safety model, in process with fake tools: the call mode from
// confirm/dry_run, the preview client, read-only mode and switches from the policy, the audit
// line of an executed write, progress notifications and an unconfigured server.
#include "jsonrpc.hpp"
#include "policy.hpp"
#include "session.hpp"
#include "session_lines.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace json = boost::json;
using namespace proxmox::mcp;
using namespace std::chrono_literals;

namespace {

std::string_view mode_name(call_mode m) {
    return m == call_mode::execute ? "execute" : m == call_mode::preview ? "preview" : "unconfirmed";
}

class McpSessionSafety : public ::testing::Test {
protected:
    void SetUp() override {
        auto writer = [this](tool_context ctx, json::object) -> asio::awaitable<tool_result> {
            co_return tool_result::success({{"mode", mode_name(ctx.mode)},
                                            {"preview_client", ctx.client && ctx.client == preview},
                                            {"tool", ctx.tool}});
        };
        auto progress = [](tool_context ctx, json::object) -> asio::awaitable<tool_result> {
            if (ctx.progress) {
                ctx.progress(1, std::nullopt, "one");
                ctx.progress(1, std::nullopt, "not increasing: dropped");
                ctx.progress(40, 100.0, "forty percent");
            }
            co_return tool_result::success({{"had_progress", static_cast<bool>(ctx.progress)}});
        };
        tool_def w{.name = "writer",
                   .title = "W",
                   .description = "Writes.",
                   .input_schema =
                       json::parse(R"({"type":"object","properties":{"password":{"type":"string"}},
                                                   "additionalProperties":false})")
                           .as_object(),
                   .output_schema = json::object{{"type", "object"}}};
        w.handler = writer;
        w.safety = tool_safety::write;
        registry.add(w);
        tool_def exec = w;
        exec.name = "exec";
        exec.safety = tool_safety::destructive;
        exec.requires_switch = "guest_exec";
        registry.add(exec);
        tool_def reader{
            .name = "reader",
            .title = "R",
            .description = "Reads.",
            .input_schema =
                json::parse(R"({"type":"object","properties":{},"additionalProperties":false})").as_object(),
            .output_schema = json::object{{"type", "object"}}};
        reader.handler = progress;
        registry.add(reader);

        proxmox::client_options o;
        o.url = "https://main.invalid:8006";
        main = std::make_shared<const proxmox::client>(io.get_executor(), o);
        o.url = "https://preview.invalid:8006";
        preview = std::make_shared<const proxmox::client>(io.get_executor(), o);
    }

    void make(server_policy policy = {}, std::string unavailable = {}) {
        tool_context ctx;
        ctx.client = main;
        ctx.policy = std::make_shared<const server_policy>(std::move(policy));
        session_options opts;
        opts.preview_client = preview;
        opts.audit = [this](const std::string& line) { audit.push_back(line); };
        opts.unavailable = std::move(unavailable);
        s = std::make_unique<session>(
            io.get_executor(), registry, ctx, [this](std::string l) { lines.push_back(std::move(l)); },
            server_identity{}, opts);
        send(json::object{
            {"jsonrpc", "2.0"},
            {"id", 0},
            {"method", "initialize"},
            {"params", json::object{{"protocolVersion", "2025-11-25"}, {"capabilities", json::object{}}}}});
        next();
    }

    void send(const json::value& v) { s->on_line(json::serialize(v)); }

    json::value next(std::chrono::milliseconds timeout = 3s) {
        return proxmox::mcp::testing::next_line(io, lines, timeout);
    }

    json::object call(const char* tool, json::object args, json::object meta = {}) {
        json::object params{{"name", tool}, {"arguments", std::move(args)}};
        if (!meta.empty())
            params["_meta"] = std::move(meta);
        send(json::object{
            {"jsonrpc", "2.0"}, {"id", ++id}, {"method", "tools/call"}, {"params", std::move(params)}});
        for (;;) {
            auto v = next();
            if (v.is_null() || !v.is_object()) {
                ADD_FAILURE() << tool << ": no answer";
                return {};
            }
            if (v.as_object().contains("id"))
                return v.at("result").as_object();
            notifications.push_back(v.as_object());
        }
    }

    std::vector<std::string> listed() {
        send(json::object{{"jsonrpc", "2.0"}, {"id", ++id}, {"method", "tools/list"}});
        std::vector<std::string> names;
        auto answer = next();
        if (!answer.is_object() || !answer.as_object().contains("result")) {
            ADD_FAILURE() << "tools/list: " << json::serialize(answer);
            return names;
        }
        for (const auto& t : answer.at("result").at("tools").as_array())
            names.emplace_back(t.at("name").as_string());
        return names;
    }

    asio::io_context io;
    tool_registry registry;
    std::shared_ptr<const proxmox::client> main, preview;
    std::unique_ptr<session> s;
    std::deque<std::string> lines;
    std::vector<std::string> audit;
    std::vector<json::object> notifications;
    int id = 0;
};

TEST_F(McpSessionSafety, ConfirmAndDryRunChooseTheModeAndTheClient) {
    make();
    auto plain = call("writer", {});
    EXPECT_EQ(plain.at("structuredContent").at("mode"), "unconfirmed");
    EXPECT_EQ(plain.at("structuredContent").at("preview_client"), true);
    auto confirmed = call("writer", {{"confirm", true}});
    EXPECT_EQ(confirmed.at("structuredContent").at("mode"), "execute");
    EXPECT_EQ(confirmed.at("structuredContent").at("preview_client"), false);
    auto preview_call = call("writer", {{"dry_run", true}, {"confirm", true}});
    EXPECT_EQ(preview_call.at("structuredContent").at("mode"), "preview") << "a preview never writes";
    EXPECT_EQ(preview_call.at("structuredContent").at("preview_client"), true);
    EXPECT_EQ(call("writer", {{"confirm", false}}).at("structuredContent").at("mode"), "unconfirmed");
}

TEST_F(McpSessionSafety, OnlyExecutedWritesAreAuditedWithSecretsRedacted) {
    make();
    call("writer", {{"password", "hunter2"}});
    call("writer", {{"dry_run", true}, {"password", "hunter2"}});
    call("reader", {});
    EXPECT_TRUE(audit.empty());
    call("writer", {{"confirm", true}, {"password", "hunter2"}});
    ASSERT_EQ(audit.size(), 1u);
    auto line = json::parse(audit[0]).as_object();
    EXPECT_EQ(line.at("tool"), "writer");
    EXPECT_EQ(line.at("outcome"), "ok");
    EXPECT_EQ(line.at("arguments").at("password"), "***");
    EXPECT_TRUE(line.contains("time"));
    EXPECT_EQ(audit[0].find("hunter2"), std::string::npos);
}

TEST_F(McpSessionSafety, ReadOnlyModeHidesAndRefusesWriteTools) {
    server_policy p;
    p.read_only = true;
    p.allow_guest_exec = true;
    make(p);
    EXPECT_EQ(listed(), std::vector<std::string>{"reader"});
    auto r = call("writer", {{"confirm", true}});
    EXPECT_EQ(r.at("isError"), true);
    auto text = std::string(r.at("content").at(0).at("text").as_string());
    EXPECT_NE(text.find("PROXMOX_READ_ONLY"), std::string::npos) << text;
    EXPECT_TRUE(audit.empty());
}

TEST_F(McpSessionSafety, GuestExecIsOfferedOnlyWhenSwitchedOn) {
    make();
    EXPECT_EQ(listed(), (std::vector<std::string>{"writer", "reader"}));
    auto r = call("exec", {{"confirm", true}});
    EXPECT_EQ(r.at("isError"), true);
    EXPECT_NE(std::string(r.at("content").at(0).at("text").as_string()).find("PROXMOX_ALLOW_GUEST_EXEC"),
              std::string::npos);
    server_policy on;
    on.allow_guest_exec = true;
    make(on);
    EXPECT_EQ(listed(), (std::vector<std::string>{"writer", "exec", "reader"}));
    EXPECT_EQ(call("exec", {{"confirm", true}}).at("structuredContent").at("mode"), "execute");
}

TEST_F(McpSessionSafety, ProgressIsSentOnlyWhenAskedStrictlyIncreasingAndBeforeTheAnswer) {
    make();
    auto silent = call("reader", {});
    EXPECT_EQ(silent.at("structuredContent").at("had_progress"), false);
    EXPECT_TRUE(notifications.empty());

    auto r = call("reader", {}, {{"progressToken", "tok"}});
    EXPECT_EQ(r.at("structuredContent").at("had_progress"), true);
    ASSERT_EQ(notifications.size(), 2u) << "the non-increasing value was dropped";
    EXPECT_EQ(notifications[0].at("method"), "notifications/progress");
    EXPECT_EQ(notifications[0].at("params").at("progressToken"), "tok");
    EXPECT_EQ(notifications[0].at("params").at("progress"), 1);
    EXPECT_EQ(notifications[1].at("params").at("progress"), 40);
    EXPECT_EQ(notifications[1].at("params").at("total"), 100);
    EXPECT_EQ(notifications[1].at("params").at("message"), "forty percent");
}

TEST_F(McpSessionSafety, AnUnconfiguredServerListsToolsAndAnswersEveryCallWithTheFix) {
    make({}, "proxmox-mcp is not configured: PROXMOX_API_URL is not set");
    EXPECT_EQ(listed().size(), 2u);
    auto r = call("reader", {});
    EXPECT_EQ(r.at("isError"), true);
    EXPECT_NE(std::string(r.at("content").at(0).at("text").as_string()).find("PROXMOX_API_URL"),
              std::string::npos);
}

} // namespace
