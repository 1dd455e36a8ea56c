#ifndef PROXMOX_RESOURCES_POWER_HPP
#define PROXMOX_RESOURCES_POWER_HPP

// The one power path both guest handles use: a typed action and the parameters its
// qemu_/lxc_<action>_options set, sent as `POST /nodes/{node}/{qemu|lxc}/{vmid}/status/{action}`;
// and the base both handles share.

#include <proxmox/detail/async.hpp>
#include <proxmox/models/guest.hpp>
#include <proxmox/task.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <utility>

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

/// What qemu_handle and lxc_handle share: the guest's address, and initiating an operation on it
/// with the caller's completion token.
class guest_handle_base {
public:
    const std::string& node() const noexcept { return node_; }
    vmid_t vmid() const noexcept { return vmid_; }

protected:
    guest_handle_base(state_ptr state, std::string node, vmid_t vmid)
        : state_(std::move(state)), node_(std::move(node)), vmid_(vmid) {}

    /// Initiates `op(state, node, vmid, handler)` with the caller's token.
    template <class T, class Token, class Op> auto run(Token&& token, Op op) const {
        return initiate<T>(std::forward<Token>(token),
                           [s = state_, n = node_, id = vmid_, op = std::move(op)](auto h) {
                               op(s, n, id, handler<T>(std::move(h)));
                           });
    }

    template <class Token> auto power(power_call call, Token&& token) const {
        return run<task_handle>(std::forward<Token>(token),
                                [c = std::move(call)](auto& s, auto& n, vmid_t id, auto h) {
                                    op_guest_power(s, n, id, c, std::move(h));
                                });
    }

    state_ptr state_;
    std::string node_;
    vmid_t vmid_;
};

} // namespace proxmox::detail

#endif
