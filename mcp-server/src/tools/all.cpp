#include "tools/tools.hpp"
#include "toolsets.hpp"

namespace proxmox::mcp {

const std::vector<std::string_view> seed_tool_order{
    "proxmox-list-nodes",      "proxmox-node-status",
    "proxmox-list-vms",        "proxmox-vm-info",
    "proxmox-list-lxc",        "proxmox-lxc-info",
    "proxmox-list-storage",    "proxmox-storage-content",
    "proxmox-list-bridges",    "proxmox-list-tasks",
    "proxmox-task-status",     "proxmox-clone-vm",
    "proxmox-create-vm",       "proxmox-delete-vm",
    "proxmox-start-vm",        "proxmox-stop-vm",
    "proxmox-reboot-vm",       "proxmox-shutdown-vm",
    "proxmox-migrate-vm",      "proxmox-resize-vm-disk",
    "proxmox-configure-vm",    "proxmox-create-lxc",
    "proxmox-delete-lxc",      "proxmox-start-lxc",
    "proxmox-stop-lxc",        "proxmox-configure-lxc",
    "proxmox-cloudinit-set",   "proxmox-vm-nic-add",
    "proxmox-vm-nic-remove",   "proxmox-vm-firewall-get",
    "proxmox-vm-firewall-set", "proxmox-upload-iso",
    "proxmox-upload-template", "proxmox-template-vm",
    "proxmox-list-snapshots",  "proxmox-create-snapshot",
    "proxmox-delete-snapshot", "proxmox-rollback-snapshot",
    "proxmox-backup-vm",       "proxmox-restore-vm",
    "proxmox-vm-metrics",      "proxmox-node-metrics",
    "proxmox-list-pools",      "proxmox-create-pool",
    "proxmox-delete-pool",     "proxmox-pool-add",
    "proxmox-pool-remove",     "proxmox-list-users",
    "proxmox-list-roles",      "proxmox-assign-permission",
    "proxmox-wait-task",       "proxmox-register-vm-as-host",
    "proxmox-guest-exec",
};

tool_registry make_default_registry() {
    tool_registry registry;
    tools::register_node_tools(registry);
    tools::register_vm_tools(registry);
    tools::register_discovery_tools(registry);
    tools::register_storage_tools(registry);
    tools::register_task_tools(registry);
    tools::register_vm_lifecycle_tools(registry);
    tools::register_power_tools(registry);
    tools::register_vm_config_tools(registry);
    tools::register_lxc_tools(registry);
    tools::register_upload_tools(registry);
    tools::register_snapshot_tools(registry);
    tools::register_backup_tools(registry);
    tools::register_metrics_tools(registry);
    tools::register_pool_tools(registry);
    tools::register_access_tools(registry);
    tools::register_orchestration_tools(registry);
    registry.order_by(seed_tool_order);
    for (std::size_t i = 0; i < seed_tool_order.size(); ++i)
        registry.set_toolset(seed_tool_order[i], toolset_at(i).name);
    return registry;
}

} // namespace proxmox::mcp
