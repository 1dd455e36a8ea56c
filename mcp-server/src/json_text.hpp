#ifndef PROXMOX_MCP_JSON_TEXT_HPP
#define PROXMOX_MCP_JSON_TEXT_HPP

#include <boost/json/value.hpp>

#include <string>

namespace proxmox::mcp {

/// Compact single-line JSON, like boost::json::serialize but with numbers as people write them
/// (`0.0756`, `2.42`, `0` rather than Boost 1.81's `7.56E-2`, `2.42E0`, `0E0`). Non-finite
/// doubles become null.
std::string to_json_text(const boost::json::value& v);

} // namespace proxmox::mcp

#endif
