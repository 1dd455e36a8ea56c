#ifndef PROXMOX_MCP_LOG_HPP
#define PROXMOX_MCP_LOG_HPP

#include <string_view>

namespace proxmox::mcp {

enum class log_severity { debug, info, warning, error };

/// Writes one line `proxmox-mcp: <level>: <text>` to stderr (never stdout, which carries only
/// MCP messages). Thread-safe. Lines below the threshold are dropped.
void log(log_severity severity, std::string_view text);

/// Lines below `min` are dropped (default: info).
void set_log_threshold(log_severity min) noexcept;

} // namespace proxmox::mcp

#endif
