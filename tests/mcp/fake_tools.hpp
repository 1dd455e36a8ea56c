// Fake tools the in-process session and HTTP transport tests share (no SDK, no network): `echo`
// answers its text, `sleep` waits `ms` milliseconds.
#ifndef PROXMOX_TESTS_MCP_FAKE_TOOLS_HPP
#define PROXMOX_TESTS_MCP_FAKE_TOOLS_HPP

#include "tool_registry.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include <chrono>
#include <cstdint>

namespace proxmox::mcp::testing {

inline boost::json::object schema(const char* text) {
    return boost::json::parse(text).as_object();
}

/// An output schema that takes any object.
inline constexpr const char* any_output = R"({"type":"object","properties":{}})";

inline constexpr tool_annotations read_only{
    .read_only = true, .destructive = false, .idempotent = true, .open_world = false};

inline boost::asio::awaitable<tool_result> echo_tool(tool_context, boost::json::object args) {
    co_return tool_result::success({{"text", args.at("text")}});
}

inline boost::asio::awaitable<tool_result> sleep_tool(tool_context, boost::json::object args) {
    auto ms = args.at("ms").to_number<std::int64_t>();
    auto ex = co_await boost::asio::this_coro::executor;
    boost::asio::steady_timer timer(ex, std::chrono::milliseconds(ms));
    co_await timer.async_wait(boost::asio::use_awaitable);
    co_return tool_result::success({{"slept", ms}});
}

/// Registers `echo` and `sleep`, the first two tools of each fake registry.
inline void add_echo_and_sleep(tool_registry& reg) {
    reg.add({"echo", "Echo", "Returns its text.",
             schema(R"({"type":"object","properties":{"text":{"type":"string","description":"t"}},
                        "required":["text"],"additionalProperties":false})"),
             schema(R"({"type":"object","properties":{"text":{"type":"string"}},"required":["text"]})"),
             read_only, echo_tool});
    reg.add({"sleep", "Sleep", "Waits.",
             schema(R"({"type":"object","properties":{"ms":{"type":"integer","minimum":0}},"required":["ms"],
                        "additionalProperties":false})"),
             schema(any_output), read_only, sleep_tool});
}

} // namespace proxmox::mcp::testing

#endif // PROXMOX_TESTS_MCP_FAKE_TOOLS_HPP
