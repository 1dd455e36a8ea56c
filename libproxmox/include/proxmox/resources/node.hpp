#ifndef PROXMOX_RESOURCES_NODE_HPP
#define PROXMOX_RESOURCES_NODE_HPP

#include <proxmox/detail/async.hpp>
#include <proxmox/models/guest.hpp>
#include <proxmox/models/node.hpp>
#include <proxmox/resources/qemu.hpp>
#include <proxmox/resources/storage.hpp>

#include <string>
#include <vector>

namespace proxmox {

namespace detail {
void op_node_status(const state_ptr& state, std::string node, handler<node_status> h);
void op_guest_list(const state_ptr& state, std::string node, guest_type type, handler<std::vector<guest_summary>> h);
} // namespace detail

/// One cluster node: `/nodes/{node}`. Cheap to copy; creating it sends nothing.
class node_handle {
public:
    node_handle(detail::state_ptr state, std::string name) : state_(std::move(state)), name_(std::move(name)) {}

    const std::string& name() const noexcept { return name_; }

    /// A VM on this node.
    qemu_handle qemu(vmid_t vmid) const { return {state_, name_, vmid}; }
    /// A storage as this node sees it.
    storage_handle storage(std::string storage) const { return {state_, name_, std::move(storage)}; }

    /// Node health. PVE endpoint: GET /nodes/{node}/status, needs Sys.Audit on /nodes/{node}.
    /// Completion: void(result<node_status>).
    template <class Token = boost::asio::deferred_t>
    auto async_status(Token&& token = {}) const {
        return detail::initiate<node_status>(std::forward<Token>(token), [s = state_, n = name_](auto h) {
            detail::op_node_status(s, n, std::move(h));
        });
    }

    /// The VMs on this node. PVE endpoint: GET /nodes/{node}/qemu (lists guests the caller may
    /// audit). Completion: void(result<std::vector<guest_summary>>).
    template <class Token = boost::asio::deferred_t>
    auto async_qemu_list(Token&& token = {}) const {
        return list(guest_type::qemu, std::forward<Token>(token));
    }

    /// The containers on this node. PVE endpoint: GET /nodes/{node}/lxc.
    /// Completion: void(result<std::vector<guest_summary>>).
    template <class Token = boost::asio::deferred_t>
    auto async_lxc_list(Token&& token = {}) const {
        return list(guest_type::lxc, std::forward<Token>(token));
    }

private:
    template <class Token>
    auto list(guest_type type, Token&& token) const {
        return detail::initiate<std::vector<guest_summary>>(
            std::forward<Token>(token),
            [s = state_, n = name_, type](auto h) { detail::op_guest_list(s, n, type, std::move(h)); });
    }

    detail::state_ptr state_;
    std::string name_;
};

} // namespace proxmox

#endif
