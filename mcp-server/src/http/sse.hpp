#ifndef PROXMOX_MCP_HTTP_SSE_HPP
#define PROXMOX_MCP_HTTP_SSE_HPP

#include <chrono>
#include <string>
#include <string_view>

/// Server-Sent Events as the Streamable HTTP transport writes them.
namespace proxmox::mcp {

/// One `message` event: `id: <id>\nevent: message\ndata: <data>\n\n`. A line break in `data`
/// (a JSON-RPC message has none) starts another `data:` line, so the event stays one event.
std::string sse_event(std::string_view id, std::string_view data);

/// A priming event (MCP 2025-11-25 SSE polling): an id, the reconnection delay (`retry:`, in
/// milliseconds) and an empty `data:` field, so the client holds a `Last-Event-ID` before any
/// message and knows how long to wait before it reconnects: `id: <id>\nretry: <ms>\ndata: \n\n`.
/// Clients do not dispatch it as a message.
std::string sse_priming(std::string_view id, std::chrono::milliseconds retry);

/// A comment that keeps an idle stream (and the proxies on its way) open; clients ignore it.
inline constexpr std::string_view sse_keepalive = ": keepalive\n\n";

} // namespace proxmox::mcp

#endif
