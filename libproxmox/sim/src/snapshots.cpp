// Snapshots of VMs and containers (qemu-server API2/Qemu.pm snapshot calls, pve-container API2/LXC/Snapshot.pm, AbstractConfig.pm).
#include "handlers.hpp"

namespace proxmox::sim::detail {

std::vector<handler_entry> snapshot_endpoints() {
    return {};
}

} // namespace proxmox::sim::detail
