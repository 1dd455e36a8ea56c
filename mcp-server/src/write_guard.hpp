#ifndef PROXMOX_MCP_WRITE_GUARD_HPP
#define PROXMOX_MCP_WRITE_GUARD_HPP

#include <proxmox/transport.hpp>

#include <memory>
#include <string>

namespace proxmox::mcp {

/// A transport that passes GET requests (and the ticket login) to `inner` and fails every other
/// request with errc::invalid_argument before it leaves the process. `reason` ends the message
/// ("PROXMOX_READ_ONLY=true", "dry_run: true"). Read-only mode and previews use it, so no write
/// can slip out of a tool by mistake.
std::shared_ptr<proxmox::transport> make_write_guard(std::shared_ptr<proxmox::transport> inner,
                                                     std::string reason);

} // namespace proxmox::mcp

#endif
