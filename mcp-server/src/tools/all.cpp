#include "tools/tools.hpp"

namespace proxmox::mcp {

tool_registry make_default_registry() {
    tool_registry registry;
    tools::register_node_tools(registry);
    tools::register_vm_tools(registry);
    tools::register_task_tools(registry);
    return registry;
}

} // namespace proxmox::mcp
