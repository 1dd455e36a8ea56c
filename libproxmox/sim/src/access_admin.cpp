// Access control administration: users, tokens, groups, roles, ACLs and pools (pve-access-control API2/*.pm, pve-manager API2/Pool.pm).
#include "handlers.hpp"

namespace proxmox::sim::detail {

std::vector<handler_entry> access_admin_endpoints() {
    return {};
}

} // namespace proxmox::sim::detail
