// proxmox-backup-vm, -restore-vm.
#include "tools/tools.hpp"

namespace proxmox::mcp::tools {

void register_backup_tools(tool_registry& /*registry*/) {}

} // namespace proxmox::mcp::tools
