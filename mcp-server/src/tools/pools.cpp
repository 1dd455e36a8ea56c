// proxmox-list-pools, -create-pool, -delete-pool, -pool-add, -pool-remove.
#include "tools/tools.hpp"

namespace proxmox::mcp::tools {

void register_pool_tools(tool_registry& /*registry*/) {}

} // namespace proxmox::mcp::tools
