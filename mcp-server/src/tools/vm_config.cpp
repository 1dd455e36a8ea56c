// proxmox-configure-vm, -cloudinit-set, -vm-nic-add, -vm-nic-remove, -vm-firewall-set.
#include "tools/tools.hpp"

namespace proxmox::mcp::tools {

void register_vm_config_tools(tool_registry& /*registry*/) {}

} // namespace proxmox::mcp::tools
