// Backups and storages: vzdump, storage lists with usage, volume attributes and deletion (pve-manager API2/VZDump.pm, pve-storage API2/Storage/*.pm).
#include "handlers.hpp"

namespace proxmox::sim::detail {

std::vector<handler_entry> backup_endpoints() {
    return {};
}

} // namespace proxmox::sim::detail
