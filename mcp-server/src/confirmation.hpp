#ifndef PROXMOX_MCP_CONFIRMATION_HPP
#define PROXMOX_MCP_CONFIRMATION_HPP

#include "tool_registry.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <functional>
#include <string_view>

/// Asking the user before a write: when the client supports elicitation, a write tool called
/// without `confirm` shows its plan to the user (`elicitation/create`, yes or no) instead of
/// failing. Only an explicit yes runs it; decline, cancel, a timeout or a client error send
/// nothing.
namespace proxmox::mcp {

/// Can this client be asked (elicitation declared, form mode, protocol 2025-06-18 or later)?
bool can_ask_user(const call_peer& peer);

/// The `elicitation/create` params showing a dry_run preview (summary, requests) of `tool`.
boost::json::object confirmation_request(std::string_view tool,
                                         const boost::json::object& preview,
                                         std::string_view protocol_version);

/// Did the user accept and tick the confirmation?
bool confirmed(const client_answer& answer);

/// Runs `tool` in preview mode, asks the user with the plan and, on yes, runs it with `execute`
/// (after calling `on_confirmed`). Failed checks, results without a plan and refusals are
/// answered without asking.
boost::asio::awaitable<tool_result> confirm_then_run(const tool_def& tool,
                                                     tool_context preview,
                                                     tool_context execute,
                                                     boost::json::object args,
                                                     std::function<void()> on_confirmed,
                                                     std::chrono::milliseconds timeout);

} // namespace proxmox::mcp

#endif
