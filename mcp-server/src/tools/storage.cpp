// proxmox-list-storage, -storage-content.
#include "tools/tools.hpp"

namespace proxmox::mcp::tools {

void register_storage_tools(tool_registry& /*registry*/) {}

} // namespace proxmox::mcp::tools
