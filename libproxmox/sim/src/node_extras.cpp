// Node views: network interfaces and bridges, RRD series, the next free VMID (pve-manager API2/Nodes.pm, API2/Network.pm, API2/Cluster.pm).
#include "handlers.hpp"

namespace proxmox::sim::detail {

std::vector<handler_entry> node_endpoints() {
    return {};
}

} // namespace proxmox::sim::detail
