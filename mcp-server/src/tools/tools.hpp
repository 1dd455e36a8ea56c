#ifndef PROXMOX_MCP_TOOLS_TOOLS_HPP
#define PROXMOX_MCP_TOOLS_TOOLS_HPP

#include "tool_registry.hpp"

#include <string_view>
#include <vector>

namespace proxmox::mcp::tools {

/// proxmox-list-nodes, proxmox-node-status.
void register_node_tools(tool_registry& registry);
/// proxmox-list-vms, proxmox-list-lxc.
void register_vm_tools(tool_registry& registry);
/// proxmox-start-vm, -stop-vm, -reboot-vm, -shutdown-vm, -start-lxc, -stop-lxc.
void register_power_tools(tool_registry& registry);
/// proxmox-list-tasks, -task-status, -wait-task.
void register_task_tools(tool_registry& registry);
/// proxmox-vm-info, -lxc-info, -list-bridges, -vm-firewall-get.
void register_discovery_tools(tool_registry& registry);
/// proxmox-list-storage, -storage-content.
void register_storage_tools(tool_registry& registry);
/// proxmox-vm-metrics, -node-metrics.
void register_metrics_tools(tool_registry& registry);
/// proxmox-clone-vm, -create-vm, -delete-vm, -migrate-vm, -resize-vm-disk, -template-vm.
void register_vm_lifecycle_tools(tool_registry& registry);
/// proxmox-configure-vm, -cloudinit-set, -vm-nic-add, -vm-nic-remove, -vm-firewall-set.
void register_vm_config_tools(tool_registry& registry);
/// proxmox-create-lxc, -delete-lxc, -configure-lxc.
void register_lxc_tools(tool_registry& registry);
/// proxmox-upload-iso, -upload-template.
void register_upload_tools(tool_registry& registry);
/// proxmox-list-snapshots, -create-snapshot, -delete-snapshot, -rollback-snapshot.
void register_snapshot_tools(tool_registry& registry);
/// proxmox-backup-vm, -restore-vm.
void register_backup_tools(tool_registry& registry);
/// proxmox-list-pools, -create-pool, -delete-pool, -pool-add, -pool-remove.
void register_pool_tools(tool_registry& registry);
/// proxmox-list-users, -list-roles, -assign-permission.
void register_access_tools(tool_registry& registry);
/// proxmox-register-vm-as-host, -guest-exec.
void register_orchestration_tools(tool_registry& registry);

} // namespace proxmox::mcp::tools

namespace proxmox::mcp {
/// The 53 tools of the seed server in its README's order (the tools/list order).
extern const std::vector<std::string_view> seed_tool_order;
/// Every tool of the server, in tools/list order.
tool_registry make_default_registry();
} // namespace proxmox::mcp

#endif
