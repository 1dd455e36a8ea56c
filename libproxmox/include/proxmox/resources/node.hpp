#ifndef PROXMOX_RESOURCES_NODE_HPP
#define PROXMOX_RESOURCES_NODE_HPP

#include <proxmox/detail/async.hpp>
#include <proxmox/models/guest.hpp>
#include <proxmox/models/metrics.hpp>
#include <proxmox/models/network.hpp>
#include <proxmox/models/node.hpp>
#include <proxmox/resources/backup.hpp>
#include <proxmox/resources/lxc.hpp>
#include <proxmox/resources/qemu.hpp>
#include <proxmox/resources/storage.hpp>

#include <string>
#include <vector>

namespace proxmox {

namespace detail {
void op_node_status(const state_ptr& state, std::string node, handler<node_status> h);
void op_guest_list(const state_ptr& state,
                   std::string node,
                   guest_type type,
                   handler<std::vector<guest_summary>> h);
void op_node_network(const state_ptr& state,
                     std::string node,
                     network_filter filter,
                     handler<std::vector<network_interface>> h);
void op_node_rrd(const state_ptr& state,
                 std::string node,
                 rrd_timeframe timeframe,
                 rrd_cf cf,
                 handler<std::vector<node_rrd_sample>> h);
} // namespace detail

/// One cluster node: `/nodes/{node}`. Cheap to copy; creating it sends nothing.
class node_handle {
public:
    node_handle(detail::state_ptr state, std::string name)
        : state_(std::move(state)), name_(std::move(name)) {}

    const std::string& name() const noexcept { return name_; }

    /// A VM on this node.
    qemu_handle qemu(vmid_t vmid) const { return {state_, name_, vmid}; }
    /// A container on this node.
    lxc_handle lxc(vmid_t vmid) const { return {state_, name_, vmid}; }
    /// A storage as this node sees it.
    storage_handle storage(std::string storage) const { return {state_, name_, std::move(storage)}; }

    /// Node health. PVE endpoint: GET /nodes/{node}/status, needs Sys.Audit on /nodes/{node}.
    /// Completion: void(result<node_status>).
    template <class Token = boost::asio::deferred_t> auto async_status(Token&& token = {}) const {
        return detail::initiate<node_status>(std::forward<Token>(token), [s = state_, n = name_](auto h) {
            detail::op_node_status(s, n, std::move(h));
        });
    }

    /// The VMs on this node. PVE endpoint: GET /nodes/{node}/qemu (lists guests the caller may
    /// audit). Completion: void(result<std::vector<guest_summary>>).
    template <class Token = boost::asio::deferred_t> auto async_qemu_list(Token&& token = {}) const {
        return list(guest_type::qemu, std::forward<Token>(token));
    }

    /// The containers on this node. PVE endpoint: GET /nodes/{node}/lxc.
    /// Completion: void(result<std::vector<guest_summary>>).
    template <class Token = boost::asio::deferred_t> auto async_lxc_list(Token&& token = {}) const {
        return list(guest_type::lxc, std::forward<Token>(token));
    }

    /// The storages this node can use, with usage. PVE endpoint: GET /nodes/{node}/storage
    /// (lists storages the caller may audit). Completion: void(result<std::vector<storage_usage>>).
    template <class Token = boost::asio::deferred_t>
    auto async_storages(storage_filter filter = {}, Token&& token = {}) const {
        return detail::initiate<std::vector<storage_usage>>(
            std::forward<Token>(token), [s = state_, n = name_, f = std::move(filter)](auto h) {
                detail::op_storages(s, n, f, std::move(h));
            });
    }

    /// Creates a VM (`qmcreate`): disks allocated on their storages, NICs, an ISO as CD-ROM, boot
    /// order; completes with its VMID and the task at once (start = true starts it when built).
    /// A taken `vmid` fails with PVE's 500 `VM <vmid> already exists on node '<node>'`; bad
    /// options fail with errc::invalid_argument naming the field before anything is sent.
    /// PVE endpoint: POST /nodes/{node}/qemu, needs VM.Allocate on /vms/{vmid} (or the pool),
    /// Datastore.AllocateSpace on each disk's storage, Datastore.Audit on the ISO's, SDN.Use on
    /// each bridge. Completion: void(result<guest_creation>).
    template <class Token = boost::asio::deferred_t>
    auto async_create_qemu(qemu_create_options opts, Token&& token = {}) const {
        return detail::initiate<guest_creation>(std::forward<Token>(token),
                                                [s = state_, n = name_, o = std::move(opts)](auto h) {
                                                    detail::op_qemu_create(s, n, o, std::move(h));
                                                });
    }

    /// Creates a container from a template; completes with its VMID and the `vzcreate` task at
    /// once. PVE endpoint: POST /nodes/{node}/lxc, needs VM.Allocate on /vms/{vmid} (or the
    /// pool) and Datastore.AllocateSpace on the storage. Completion: void(result<guest_creation>).
    template <class Token = boost::asio::deferred_t>
    auto async_create_lxc(lxc_create_options opts, Token&& token = {}) const {
        return detail::initiate<guest_creation>(std::forward<Token>(token),
                                                [s = state_, n = name_, o = std::move(opts)](auto h) {
                                                    detail::op_lxc_create(s, n, o, std::move(h));
                                                });
    }

    /// Backs up guests of this node with vzdump; completes with the `vzdump` task at once (a
    /// guest that fails makes the task fail with `job errors`, the others are still backed up).
    /// PVE endpoint: POST /nodes/{node}/vzdump, needs VM.Backup on each guest and
    /// Datastore.AllocateSpace on the storage. Completion: void(result<task_handle>).
    template <class Token = boost::asio::deferred_t>
    auto async_backup(backup_options opts, Token&& token = {}) const {
        return detail::initiate<task_handle>(std::forward<Token>(token),
                                             [s = state_, n = name_, o = std::move(opts)](auto h) {
                                                 detail::op_backup(s, n, o, std::move(h));
                                             });
    }

    /// Restores a VM from a vzdump archive; completes with the `qmrestore` task at once.
    /// PVE endpoint: POST /nodes/{node}/qemu with `archive`, needs VM.Backup on /vms/{vmid}
    /// (VM.Allocate for a new VMID) and Datastore.AllocateSpace on the storage.
    /// Completion: void(result<task_handle>).
    template <class Token = boost::asio::deferred_t>
    auto async_restore_qemu(restore_options opts, Token&& token = {}) const {
        return detail::initiate<task_handle>(std::forward<Token>(token),
                                             [s = state_, n = name_, o = std::move(opts)](auto h) {
                                                 detail::op_restore(s, n, false, o, std::move(h));
                                             });
    }

    /// Restores a container from a vzdump archive; completes with the `vzrestore` task at once.
    /// PVE endpoint: POST /nodes/{node}/lxc with `restore=1`, same privileges as above.
    /// Completion: void(result<task_handle>).
    template <class Token = boost::asio::deferred_t>
    auto async_restore_lxc(restore_options opts, Token&& token = {}) const {
        return detail::initiate<task_handle>(std::forward<Token>(token),
                                             [s = state_, n = name_, o = std::move(opts)](auto h) {
                                                 detail::op_restore(s, n, true, o, std::move(h));
                                             });
    }

    /// The node's network interfaces (its /etc/network/interfaces, with what is active).
    /// PVE endpoint: GET /nodes/{node}/network[?type=...] (any authenticated user).
    /// Completion: void(result<std::vector<network_interface>>).
    template <class Token = boost::asio::deferred_t>
    auto async_network(network_filter filter = network_filter::all, Token&& token = {}) const {
        return detail::initiate<std::vector<network_interface>>(
            std::forward<Token>(token),
            [s = state_, n = name_, filter](auto h) { detail::op_node_network(s, n, filter, std::move(h)); });
    }

    /// The node's RRD statistics (CPU, load, memory, swap, root disk, network), oldest first.
    /// PVE endpoint: GET /nodes/{node}/rrddata, needs Sys.Audit on /nodes/{node}.
    /// Completion: void(result<std::vector<node_rrd_sample>>).
    template <class Token = boost::asio::deferred_t>
    auto async_rrd(rrd_timeframe timeframe = rrd_timeframe::hour,
                   rrd_cf cf = rrd_cf::average,
                   Token&& token = {}) const {
        return detail::initiate<std::vector<node_rrd_sample>>(
            std::forward<Token>(token), [s = state_, n = name_, timeframe, cf](auto h) {
                detail::op_node_rrd(s, n, timeframe, cf, std::move(h));
            });
    }

private:
    template <class Token> auto list(guest_type type, Token&& token) const {
        return detail::initiate<std::vector<guest_summary>>(
            std::forward<Token>(token),
            [s = state_, n = name_, type](auto h) { detail::op_guest_list(s, n, type, std::move(h)); });
    }

    detail::state_ptr state_;
    std::string name_;
};

} // namespace proxmox

#endif
