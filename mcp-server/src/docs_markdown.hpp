#ifndef PROXMOX_MCP_DOCS_MARKDOWN_HPP
#define PROXMOX_MCP_DOCS_MARKDOWN_HPP

#include "tool_registry.hpp"

#include <boost/json/value.hpp>

#include <string>

namespace proxmox::mcp {

/// The tool reference (docs/mcp-tools.md), rendered from the registry.
std::string render_tools_markdown(const tool_registry& registry);

/// JSON with two-space indentation (Boost.JSON 1.81 only serializes compactly).
std::string pretty_json(const boost::json::value& v);

} // namespace proxmox::mcp

#endif
