// proxmox-list-users, -list-roles, -assign-permission.
#include "tools/tools.hpp"

namespace proxmox::mcp::tools {

void register_access_tools(tool_registry& /*registry*/) {}

} // namespace proxmox::mcp::tools
