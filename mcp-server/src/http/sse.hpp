#ifndef PROXMOX_MCP_HTTP_SSE_HPP
#define PROXMOX_MCP_HTTP_SSE_HPP

#include <string>
#include <string_view>

/// Server-Sent Events as the Streamable HTTP transport writes them.
namespace proxmox::mcp {

/// One `message` event: `id: <id>\nevent: message\ndata: <data>\n\n`. A line break in `data`
/// (a JSON-RPC message has none) starts another `data:` line, so the event stays one event.
std::string sse_event(std::string_view id, std::string_view data);

/// A comment that keeps an idle stream (and the proxies on its way) open; clients ignore it.
inline constexpr std::string_view sse_keepalive = ": keepalive\n\n";

} // namespace proxmox::mcp

#endif
