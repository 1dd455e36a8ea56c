// proxmox-vm-metrics, -node-metrics.
#include "tools/tools.hpp"

namespace proxmox::mcp::tools {

void register_metrics_tools(tool_registry& /*registry*/) {}

} // namespace proxmox::mcp::tools
