// proxmox-clone-vm, -create-vm, -delete-vm, -migrate-vm, -resize-vm-disk, -template-vm.
#include "tools/tools.hpp"

namespace proxmox::mcp::tools {

void register_vm_lifecycle_tools(tool_registry& /*registry*/) {}

} // namespace proxmox::mcp::tools
