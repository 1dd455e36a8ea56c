// proxmox-create-lxc, -delete-lxc, -configure-lxc.
#include "tools/tools.hpp"

namespace proxmox::mcp::tools {

void register_lxc_tools(tool_registry& /*registry*/) {}

} // namespace proxmox::mcp::tools
