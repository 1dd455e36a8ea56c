// QEMU guest agent calls: exec, exec-status, network interfaces (qemu-server API2/Qemu/Agent.pm).
#include "handlers.hpp"

namespace proxmox::sim::detail {

std::vector<handler_entry> agent_endpoints() {
    return {};
}

} // namespace proxmox::sim::detail
