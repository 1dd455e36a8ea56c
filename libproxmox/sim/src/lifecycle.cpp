// Guest lifecycle: create, clone, delete, template, migrate and the power actions (qemu-server API2/Qemu.pm, pve-container API2/LXC.pm, API2/LXC/Status.pm).
#include "handlers.hpp"

namespace proxmox::sim::detail {

std::vector<handler_entry> lifecycle_endpoints() {
    return {};
}

} // namespace proxmox::sim::detail
