// Guest configuration: config read and write (digest, delete, pending, revert), disk resize, cloud-init (qemu-server API2/Qemu.pm, pve-container API2/LXC/Config.pm).
#include "handlers.hpp"

namespace proxmox::sim::detail {

std::vector<handler_entry> guest_config_endpoints() {
    return {};
}

} // namespace proxmox::sim::detail
