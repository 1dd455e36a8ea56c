// Guest firewalls: options and rules (pve-firewall API2/Firewall/VM.pm, Rules.pm).
#include "handlers.hpp"

namespace proxmox::sim::detail {

std::vector<handler_entry> firewall_endpoints() {
    return {};
}

} // namespace proxmox::sim::detail
