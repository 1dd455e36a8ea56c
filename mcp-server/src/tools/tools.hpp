#ifndef PROXMOX_MCP_TOOLS_TOOLS_HPP
#define PROXMOX_MCP_TOOLS_TOOLS_HPP

#include "tool_registry.hpp"

namespace proxmox::mcp::tools {

/// proxmox-list-nodes, proxmox-node-status.
void register_node_tools(tool_registry& registry);
/// proxmox-list-vms, proxmox-start-vm.
void register_vm_tools(tool_registry& registry);
/// proxmox-task-status.
void register_task_tools(tool_registry& registry);

} // namespace proxmox::mcp::tools

namespace proxmox::mcp {
/// Every tool of the server, in tools/list order.
tool_registry make_default_registry();
} // namespace proxmox::mcp

#endif
