#ifndef PROXMOX_MCP_AUDIT_HPP
#define PROXMOX_MCP_AUDIT_HPP

#include "tool_registry.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

namespace proxmox::mcp {

/// `value` with every secret replaced by "***": keys naming a password, secret, ticket or
/// private key, at any depth (a `params` object may hold `cipassword`).
boost::json::object redact_secrets(const boost::json::object& value);

/// Whether an argument or parameter key names a secret.
bool is_secret_key(std::string_view key);

/// One audit line (JSON, no newline) for a call of a write tool: time, tool, mode, target
/// (vmid, name, node, pool, path, storage from the arguments or the result), arguments with
/// secrets redacted, outcome, and the task's UPID when there is one.
std::string audit_line(std::chrono::system_clock::time_point when,
                       std::string_view tool,
                       call_mode mode,
                       const boost::json::object& arguments,
                       const tool_result& result);

/// Where audit lines go: appended to a file (opened per line, so rotation works) or stderr.
using audit_sink = std::function<void(const std::string& line)>;
audit_sink make_audit_sink(const std::string& path);

} // namespace proxmox::mcp

#endif
