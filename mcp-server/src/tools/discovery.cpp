// proxmox-vm-info, -lxc-info, -list-bridges, -vm-firewall-get.
#include "tools/tools.hpp"

namespace proxmox::mcp::tools {

void register_discovery_tools(tool_registry& /*registry*/) {}

} // namespace proxmox::mcp::tools
