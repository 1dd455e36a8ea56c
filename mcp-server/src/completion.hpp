#ifndef PROXMOX_MCP_COMPLETION_HPP
#define PROXMOX_MCP_COMPLETION_HPP

#include "tool_registry.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace proxmox::mcp {

/// The values one argument of a prompt or resource template can take (node names, vmids, ...).
/// `context` holds the arguments the client already filled in. The session keeps the values that
/// start with what the user typed and answers at most 100 of them.
using completer = std::function<boost::asio::awaitable<std::vector<std::string>>(
    tool_context context, boost::json::object arguments)>;

/// `values` that start with `typed` (case-insensitive), in their order, as a `completion` result
/// object: at most 100 values, `total` and `hasMore`.
boost::json::object completion_result(const std::vector<std::string>& values, std::string_view typed);

} // namespace proxmox::mcp

#endif
