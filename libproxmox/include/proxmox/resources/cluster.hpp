#ifndef PROXMOX_RESOURCES_CLUSTER_HPP
#define PROXMOX_RESOURCES_CLUSTER_HPP

#include <proxmox/detail/async.hpp>
#include <proxmox/models/guest.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace proxmox {

/// One entry of `GET /cluster/tasks`: every node's running tasks and latest finished ones.
struct cluster_task {
    std::string upid;
    std::string node;
    std::string type;    ///< qmstart, vzdump, ...
    std::string id;      ///< usually the vmid; may be empty
    std::string user;    ///< `root@pam`; for a token's task the token owner (PVE splits the UPID's user)
    std::string tokenid; ///< the token name (`sim` of `root@pam!sim`) when a token started it
    /// The exit status once finished (`OK`, `WARNINGS: n` or the error); empty while running.
    std::optional<std::string> status;
    std::int64_t starttime = 0;          ///< Unix epoch seconds
    std::optional<std::int64_t> endtime; ///< set once finished
    boost::json::object raw;

    bool running() const noexcept { return !endtime; }
    /// Who started it as PVE writes it in the UPID: `root@pam` or `root@pam!sim`.
    std::string authid() const { return tokenid.empty() ? user : user + "!" + tokenid; }
    /// Finished with `OK` or `WARNINGS: n`.
    bool succeeded() const noexcept;
};

cluster_task tag_invoke(boost::json::value_to_tag<cluster_task>, const boost::json::value& v);
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const cluster_task& t);

namespace detail {
void op_resources(const state_ptr& state, resource_filter filter, handler<std::vector<cluster_resource>> h);
void op_find_guest(const state_ptr& state, guest_selector selector, handler<guest_summary> h);
void op_next_id(const state_ptr& state, handler<vmid_t> h);
void op_cluster_tasks(const state_ptr& state, handler<std::vector<cluster_task>> h);
} // namespace detail

/// Cluster-wide views: `/cluster/...`. One request answers for every node.
class cluster_handle {
public:
    explicit cluster_handle(detail::state_ptr state) : state_(std::move(state)) {}

    /// Every node, guest, storage and pool the caller may see.
    /// PVE endpoint: GET /cluster/resources[?type=vm|storage|node|sdn] (any authenticated user;
    /// entries are filtered by the caller's privileges). Completion:
    /// void(result<std::vector<cluster_resource>>).
    template <class Token = boost::asio::deferred_t>
    auto async_resources(resource_filter filter = resource_filter::all, Token&& token = {}) const {
        return detail::initiate<std::vector<cluster_resource>>(
            std::forward<Token>(token),
            [s = state_, filter](auto h) { detail::op_resources(s, filter, std::move(h)); });
    }

    /// Finds one guest by vmid or name (optionally on one node, of one type) with a single
    /// GET /cluster/resources?type=vm. Every failure names the guests involved: not_found when
    /// nothing matches or the guest found is of the other type or on another node ("vmid 200 is
    /// a container (lxc 200 'ct200' on pve), not a VM"); invalid_argument when the vmid and the
    /// name given point at different guests (both shown); ambiguous_name listing the candidates
    /// when a name matches several guests.
    /// Completion: void(result<guest_summary>).
    template <class Token = boost::asio::deferred_t>
    auto async_find_guest(guest_selector selector, Token&& token = {}) const {
        return detail::initiate<guest_summary>(
            std::forward<Token>(token),
            [s = state_, sel = std::move(selector)](auto h) { detail::op_find_guest(s, sel, std::move(h)); });
    }

    /// The lowest free VMID (PVE sends it as a string; this completes with the number). It is a
    /// suggestion, not a reservation: a concurrent create may take it first.
    /// PVE endpoint: GET /cluster/nextid (any authenticated user). Completion: void(result<vmid_t>).
    template <class Token = boost::asio::deferred_t> auto async_next_id(Token&& token = {}) const {
        return detail::initiate<vmid_t>(std::forward<Token>(token),
                                        [s = state_](auto h) { detail::op_next_id(s, std::move(h)); });
    }

    /// Recent tasks of all nodes: each node's running ones and its latest finished ones.
    /// PVE endpoint: GET /cluster/tasks (any authenticated user; PVE lists the tasks the caller
    /// may see). Completion: void(result<std::vector<cluster_task>>).
    template <class Token = boost::asio::deferred_t> auto async_tasks(Token&& token = {}) const {
        return detail::initiate<std::vector<cluster_task>>(
            std::forward<Token>(token), [s = state_](auto h) { detail::op_cluster_tasks(s, std::move(h)); });
    }

private:
    detail::state_ptr state_;
};

} // namespace proxmox

#endif
