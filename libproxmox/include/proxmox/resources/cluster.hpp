#ifndef PROXMOX_RESOURCES_CLUSTER_HPP
#define PROXMOX_RESOURCES_CLUSTER_HPP

#include <proxmox/detail/async.hpp>
#include <proxmox/models/guest.hpp>

#include <vector>

namespace proxmox {

namespace detail {
void op_resources(const state_ptr& state, resource_filter filter, handler<std::vector<cluster_resource>> h);
void op_find_guest(const state_ptr& state, guest_selector selector, handler<guest_summary> h);
} // namespace detail

/// Cluster-wide views: `/cluster/...`. One request answers for every node.
class cluster_handle {
public:
    explicit cluster_handle(detail::state_ptr state) : state_(std::move(state)) {}

    /// Every node, guest, storage and pool the caller may see.
    /// PVE endpoint: GET /cluster/resources[?type=vm|storage|node|sdn] (any authenticated user;
    /// entries are filtered by the caller's privileges). Completion: void(result<std::vector<cluster_resource>>).
    template <class Token = boost::asio::deferred_t>
    auto async_resources(resource_filter filter = resource_filter::all, Token&& token = {}) const {
        return detail::initiate<std::vector<cluster_resource>>(
            std::forward<Token>(token), [s = state_, filter](auto h) { detail::op_resources(s, filter, std::move(h)); });
    }

    /// Finds one guest by vmid or name (optionally on one node) with a single
    /// GET /cluster/resources?type=vm. Fails with not_found, or ambiguous_name listing the
    /// candidates (vmid and node of each) when a name matches several guests.
    /// Completion: void(result<guest_summary>).
    template <class Token = boost::asio::deferred_t>
    auto async_find_guest(guest_selector selector, Token&& token = {}) const {
        return detail::initiate<guest_summary>(std::forward<Token>(token), [s = state_, sel = std::move(selector)](auto h) {
            detail::op_find_guest(s, sel, std::move(h));
        });
    }

private:
    detail::state_ptr state_;
};

} // namespace proxmox

#endif
