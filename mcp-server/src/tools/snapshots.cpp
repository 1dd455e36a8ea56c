// proxmox-list-snapshots, -create-snapshot, -delete-snapshot, -rollback-snapshot.
#include "tools/tools.hpp"

namespace proxmox::mcp::tools {

void register_snapshot_tools(tool_registry& /*registry*/) {}

} // namespace proxmox::mcp::tools
