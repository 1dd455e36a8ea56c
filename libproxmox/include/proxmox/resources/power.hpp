#ifndef PROXMOX_RESOURCES_POWER_HPP
#define PROXMOX_RESOURCES_POWER_HPP

// The one power path both guest handles use: a typed action and the parameters its
// qemu_/lxc_<action>_options set, sent as `POST /nodes/{node}/{qemu|lxc}/{vmid}/status/{action}`.

#include <proxmox/detail/async.hpp>
#include <proxmox/models/guest.hpp>
#include <proxmox/task.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace proxmox::detail {

/// A power request. The handles fill only what PVE defines for their guest type and action;
/// unset fields are not sent.
struct power_call {
    guest_type type = guest_type::qemu;
    power_action action = power_action::start;
    std::optional<std::chrono::seconds> timeout;
    bool force_stop = false;
    bool overrule_shutdown = false;
    bool keep_active = false;
    bool skiplock = false;
    bool to_disk = false;
    bool debug = false;
    std::string state_storage;
};

void op_guest_power(
    const state_ptr& state, std::string node, vmid_t vmid, power_call call, handler<task_handle> h);

} // namespace proxmox::detail

#endif
