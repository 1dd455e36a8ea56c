#ifndef PROXMOX_RESOURCES_QEMU_HPP
#define PROXMOX_RESOURCES_QEMU_HPP

#include <proxmox/detail/async.hpp>
#include <proxmox/models/guest.hpp>
#include <proxmox/task.hpp>

#include <string>

namespace proxmox {

namespace detail {
void op_guest_power(const state_ptr& state, std::string node, guest_type type, vmid_t vmid, std::string action,
                    handler<task_handle> h);
} // namespace detail

/// One QEMU VM: `/nodes/{node}/qemu/{vmid}`. Cheap to copy; creating it sends nothing.
class qemu_handle {
public:
    qemu_handle(detail::state_ptr state, std::string node, vmid_t vmid)
        : state_(std::move(state)), node_(std::move(node)), vmid_(vmid) {}

    const std::string& node() const noexcept { return node_; }
    vmid_t vmid() const noexcept { return vmid_; }

    /// Starts the VM; completes with the task at once (it has not finished yet).
    /// PVE endpoint: POST /nodes/{node}/qemu/{vmid}/status/start, needs VM.PowerMgmt on /vms/{vmid}.
    template <class Token = boost::asio::deferred_t>
    auto async_start(Token&& token = {}) const {
        return power("start", std::forward<Token>(token));
    }

    /// Stops the VM hard (like pulling the plug); completes with the task at once.
    /// PVE endpoint: POST /nodes/{node}/qemu/{vmid}/status/stop, needs VM.PowerMgmt on /vms/{vmid}.
    template <class Token = boost::asio::deferred_t>
    auto async_stop(Token&& token = {}) const {
        return power("stop", std::forward<Token>(token));
    }

private:
    template <class Token>
    auto power(const char* action, Token&& token) const {
        return detail::initiate<task_handle>(
            std::forward<Token>(token), [s = state_, n = node_, id = vmid_, a = std::string(action)](auto h) {
                detail::op_guest_power(s, n, guest_type::qemu, id, a, std::move(h));
            });
    }

    detail::state_ptr state_;
    std::string node_;
    vmid_t vmid_;
};

} // namespace proxmox

#endif
