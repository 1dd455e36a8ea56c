#ifndef PROXMOX_MCP_APP_HPP
#define PROXMOX_MCP_APP_HPP

namespace proxmox::mcp {

/// The whole program: command line, configuration, stdio session until stdin EOF or SIGTERM.
/// Returns the exit status (0, or 2 for a usage/configuration error, 1 when the demo cannot start).
int run(int argc, char** argv);

/// The server's version (the project version).
const char* server_version() noexcept;

} // namespace proxmox::mcp

#endif
