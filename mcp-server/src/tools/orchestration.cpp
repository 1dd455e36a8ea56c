// proxmox-register-vm-as-host, -guest-exec.
#include "tools/tools.hpp"

namespace proxmox::mcp::tools {

void register_orchestration_tools(tool_registry& /*registry*/) {}

} // namespace proxmox::mcp::tools
