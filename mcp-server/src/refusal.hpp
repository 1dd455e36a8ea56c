#ifndef PROXMOX_MCP_REFUSAL_HPP
#define PROXMOX_MCP_REFUSAL_HPP

#include "tool_registry.hpp"

#include <boost/json/array.hpp>

#include <string>
#include <string_view>

/// The answer to a write tool called without `confirm`, built from its plan: the plan's summary
/// and requests, and what would fail. Write tools answer it directly; the confirmation by
/// elicitation answers it from a dry_run preview when the checks failed, without running the
/// tool again.
namespace proxmox::mcp {

/// `what (detail); ...` of the failed entries of a plan's `checks` (`{check, ok, detail}`);
/// empty when all passed.
std::string failed_checks_text(const boost::json::array& checks);

/// "Not done: SUMMARY. ..." with the requests: how to confirm it, or (`failed` non-empty) what
/// would fail.
tool_result
unconfirmed_refusal(std::string_view summary, std::string_view failed, boost::json::array requests);

} // namespace proxmox::mcp

#endif
