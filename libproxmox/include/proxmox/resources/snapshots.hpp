#ifndef PROXMOX_RESOURCES_SNAPSHOTS_HPP
#define PROXMOX_RESOURCES_SNAPSHOTS_HPP

#include <proxmox/detail/async.hpp>
#include <proxmox/models/guest.hpp>
#include <proxmox/models/snapshot.hpp>
#include <proxmox/task.hpp>

#include <string>
#include <vector>

namespace proxmox {

namespace detail {
/// The guest whose snapshots a snapshot_handle manages.
struct snapshot_target {
    std::string node;
    guest_type type = guest_type::qemu;
    vmid_t vmid = 0;
};
void op_snapshot_list(const state_ptr& state, snapshot_target t, handler<std::vector<snapshot_info>> h);
void op_snapshot_create(const state_ptr& state,
                        snapshot_target t,
                        std::string name,
                        std::string description,
                        bool vmstate,
                        handler<task_handle> h);
void op_snapshot_delete(
    const state_ptr& state, snapshot_target t, std::string name, bool force, handler<task_handle> h);
void op_snapshot_rollback(
    const state_ptr& state, snapshot_target t, std::string name, bool start, handler<task_handle> h);
void op_snapshot_update(
    const state_ptr& state, snapshot_target t, std::string name, std::string description, handler<void> h);
} // namespace detail

/// The snapshots of one VM or container: `/nodes/{node}/{qemu|lxc}/{vmid}/snapshot`, from
/// `qemu(vmid).snapshots()` or `lxc(vmid).snapshots()`. Cheap to copy; creating it sends nothing.
///
/// Names are checked before sending (check_snapshot_name: a letter first, then letters, digits,
/// `_`, `-`, at most 40 characters). Writes are tasks that lock the guest while they run
/// (`snapshot`, `snapshot-delete`, `rollback`); PVE's refusals (`snapshot name 's1' already
/// used`, `VM is locked (backup)`) arrive as the call's error or the task's exit status.
class snapshot_handle {
public:
    snapshot_handle(detail::state_ptr state, std::string node, guest_type type, vmid_t vmid)
        : state_(std::move(state)), target_{std::move(node), type, vmid} {}

    const std::string& node() const noexcept { return target_.node; }
    guest_type type() const noexcept { return target_.type; }
    vmid_t vmid() const noexcept { return target_.vmid; }

    /// The snapshots, oldest first as PVE keeps them, ending with the `current` pseudo entry
    /// (snapshot_info::is_current). PVE endpoint: GET /nodes/{node}/{qemu|lxc}/{vmid}/snapshot,
    /// needs VM.Audit on /vms/{vmid}. Completion: void(result<std::vector<snapshot_info>>).
    template <class Token = boost::asio::deferred_t> auto async_list(Token&& token = {}) const {
        return detail::initiate<std::vector<snapshot_info>>(
            std::forward<Token>(token),
            [s = state_, t = target_](auto h) { detail::op_snapshot_list(s, t, std::move(h)); });
    }

    /// Takes a snapshot (snapshot_create_options: description, vmstate for a running VM's RAM).
    /// Completes with the task at once. PVE endpoint: POST .../{vmid}/snapshot, needs
    /// VM.Snapshot on /vms/{vmid}. Completion: void(result<task_handle>).
    template <class Token = boost::asio::deferred_t>
    auto async_create(std::string name, snapshot_create_options options, Token&& token = {}) const {
        return detail::initiate<task_handle>(
            std::forward<Token>(token),
            [s = state_, t = target_, n = std::move(name), o = std::move(options)](auto h) {
                detail::op_snapshot_create(s, t, n, o.description, o.vmstate, std::move(h));
            });
    }
    template <detail::token_not_options<snapshot_create_options> Token = boost::asio::deferred_t>
    auto async_create(std::string name, Token&& token = {}) const {
        return async_create(std::move(name), snapshot_create_options{}, std::forward<Token>(token));
    }

    /// Deletes a snapshot (snapshot_delete_options::force). PVE endpoint: DELETE
    /// .../{vmid}/snapshot/{snapname}, needs VM.Snapshot on /vms/{vmid}.
    /// Completion: void(result<task_handle>).
    template <class Token = boost::asio::deferred_t>
    auto async_delete(std::string name, snapshot_delete_options options, Token&& token = {}) const {
        return detail::initiate<task_handle>(
            std::forward<Token>(token), [s = state_, t = target_, n = std::move(name), options](auto h) {
                detail::op_snapshot_delete(s, t, n, options.force, std::move(h));
            });
    }
    template <detail::token_not_options<snapshot_delete_options> Token = boost::asio::deferred_t>
    auto async_delete(std::string name, Token&& token = {}) const {
        return async_delete(std::move(name), snapshot_delete_options{}, std::forward<Token>(token));
    }

    /// Rolls the guest back to a snapshot (snapshot_rollback_options::start). PVE endpoint:
    /// POST .../{vmid}/snapshot/{snapname}/rollback, needs VM.Snapshot or VM.Snapshot.Rollback
    /// on /vms/{vmid}. Completion: void(result<task_handle>).
    template <class Token = boost::asio::deferred_t>
    auto async_rollback(std::string name, snapshot_rollback_options options, Token&& token = {}) const {
        return detail::initiate<task_handle>(
            std::forward<Token>(token), [s = state_, t = target_, n = std::move(name), options](auto h) {
                detail::op_snapshot_rollback(s, t, n, options.start, std::move(h));
            });
    }
    template <detail::token_not_options<snapshot_rollback_options> Token = boost::asio::deferred_t>
    auto async_rollback(std::string name, Token&& token = {}) const {
        return async_rollback(std::move(name), snapshot_rollback_options{}, std::forward<Token>(token));
    }

    /// Replaces a snapshot's description (no task). PVE endpoint:
    /// PUT .../{vmid}/snapshot/{snapname}/config, needs VM.Snapshot on /vms/{vmid}.
    /// Completion: void(result<void>).
    template <class Token = boost::asio::deferred_t>
    auto async_update_description(std::string name, std::string description, Token&& token = {}) const {
        return detail::initiate<void>(
            std::forward<Token>(token),
            [s = state_, t = target_, n = std::move(name), d = std::move(description)](auto h) {
                detail::op_snapshot_update(s, t, n, d, std::move(h));
            });
    }

private:
    detail::state_ptr state_;
    detail::snapshot_target target_;
};

} // namespace proxmox

#endif
