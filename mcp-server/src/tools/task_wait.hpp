#ifndef PROXMOX_MCP_TOOLS_TASK_WAIT_HPP
#define PROXMOX_MCP_TOOLS_TASK_WAIT_HPP

#include "tools/common.hpp"

#include <proxmox/client.hpp>
#include <proxmox/task.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <optional>
#include <string>

/// Waiting for the PVE task a write started: wait/timeout/poll_interval, progress notifications,
/// a failed task as the tool's error, a timeout that names the UPID to follow.
namespace proxmox::mcp::tools {

struct wait_settings {
    bool wait = false;
    std::chrono::seconds timeout{300};
    std::chrono::milliseconds poll{2000};
};

/// The call's `wait`, `timeout`, `poll_interval`, with the tool's defaults.
wait_settings wait_settings_from(const tool_context& ctx, const json::object& args);

/// Output properties every task-starting tool shares: `upid`, `waited`, `task` (final status).
json::object task_output_props();

/// `out` + the task of `answer` (its data is a UPID). Without wait: answers at once. With wait:
/// polls until the task ends; a failed task is an error with PVE's exit status and log tail; a
/// timeout is an error naming the UPID. `what` starts error messages ("Starting VM 100").
boost::asio::awaitable<tool_result> follow_task(const tool_context& ctx,
                                                const json::object& args,
                                                const proxmox::api_response& answer,
                                                json::object out,
                                                std::string what);

boost::asio::awaitable<tool_result> follow_task(const tool_context& ctx,
                                                const proxmox::task_handle& task,
                                                const wait_settings& settings,
                                                json::object out,
                                                std::string what);

/// The percentage at the end of a task log line (`... (42.50%)`, `INFO:  42% (...)`), or nullopt.
std::optional<double> percent_in(std::string_view line);

} // namespace proxmox::mcp::tools

#endif
