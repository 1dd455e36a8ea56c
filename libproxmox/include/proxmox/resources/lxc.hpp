#ifndef PROXMOX_RESOURCES_LXC_HPP
#define PROXMOX_RESOURCES_LXC_HPP

#include <proxmox/detail/async.hpp>
#include <proxmox/generated/field_groups.hpp>
#include <proxmox/models/guest.hpp>
#include <proxmox/models/guest_devices.hpp>
#include <proxmox/models/lxc_config.hpp>
#include <proxmox/resources/firewall.hpp>
#include <proxmox/resources/snapshots.hpp>
#include <proxmox/task.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace proxmox {

/// A change to a container's config for lxc_handle::async_update.
struct lxc_config_update {
    gen::lxc_config_fields set;       ///< values to set (only the ones given are sent)
    std::map<int, lxc_nic> nets;      ///< netN to set, typed (overrides `set.net`)
    std::map<int, lxc_volume> mounts; ///< mpN to set, typed (overrides `set.mp`)
    std::vector<std::string> remove;  ///< keys to delete (`mp1`, `net1`, `description`, ...)
    std::string digest;               ///< lxc_config::digest: refuse if the config changed since
};

/// A new container for node_handle::async_create_lxc.
struct lxc_create_options {
    vmid_t vmid = 0;        ///< 0: the next free VMID (GET /cluster/nextid)
    std::string ostemplate; ///< template volume, e.g. `local:vztmpl/debian-13-standard_13.1-2_amd64.tar.zst`
    std::string hostname;   ///< DNS name; empty: PVE names it `CT<vmid>`
    std::string password;   ///< root password (5 characters or more); a secret, never logged
    std::string ssh_public_keys;       ///< authorized keys for root, one per line
    std::string storage = "local-lvm"; ///< where the root volume goes
    std::uint64_t rootfs_gib = 8;      ///< size of the root volume
    std::optional<unsigned> cores;
    std::optional<std::uint64_t> memory; ///< MiB (PVE's default 512)
    std::optional<std::uint64_t> swap;   ///< MiB (PVE's default 512)
    std::map<int, lxc_nic> nets;         ///< netN
    bool start = false;                  ///< start it once created
    std::string pool;                    ///< add it to this pool
    bool unprivileged = true;
    gen::lxc_config_fields extra; ///< anything else (features, nameserver, tags, ...)
};

/// A guest being created, cloned or restored: its VMID and the task doing it.
struct lxc_creation {
    vmid_t vmid = 0;
    task_handle task;
};

/// A clone for lxc_handle::async_clone.
struct lxc_clone_options {
    vmid_t newid = 0; ///< 0: the next free VMID
    std::string hostname;
    std::string description;
    std::optional<bool> full; ///< full copy; default: linked for templates, full otherwise
    std::string storage;      ///< target storage (full clones)
    std::string target;       ///< target node (needs shared storage)
    std::string pool;
    std::string snapname; ///< clone this snapshot instead of the current state
};

/// A migration for lxc_handle::async_migrate.
struct lxc_migrate_options {
    std::string target; ///< the node to move to
    /// Restart migration: shut the container down, move it, start it there. Unset: used when the
    /// container runs (the SDK reads its status first), as PVE has no live migration for containers.
    std::optional<bool> restart;
    std::optional<unsigned> timeout; ///< seconds to wait for the shutdown of a restart migration
    std::string target_storage;      ///< storage mapping, e.g. `local-lvm` or `src:dst`
};

namespace detail {
void op_lxc_status(const state_ptr& state, std::string node, vmid_t vmid, handler<guest_summary> h);
void op_lxc_config(const state_ptr& state, std::string node, vmid_t vmid, handler<lxc_config> h);
void op_lxc_update(
    const state_ptr& state, std::string node, vmid_t vmid, lxc_config_update u, handler<void> h);
void op_lxc_power(const state_ptr& state,
                  std::string node,
                  vmid_t vmid,
                  std::string action,
                  std::optional<unsigned> timeout,
                  bool force,
                  handler<task_handle> h);
void op_lxc_delete(
    const state_ptr& state, std::string node, vmid_t vmid, bool purge, bool force, handler<task_handle> h);
void op_lxc_clone(
    const state_ptr& state, std::string node, vmid_t vmid, lxc_clone_options o, handler<lxc_creation> h);
void op_lxc_template(const state_ptr& state, std::string node, vmid_t vmid, handler<task_handle> h);
void op_lxc_migrate(
    const state_ptr& state, std::string node, vmid_t vmid, lxc_migrate_options o, handler<task_handle> h);
void op_lxc_create(const state_ptr& state, std::string node, lxc_create_options o, handler<lxc_creation> h);
} // namespace detail

/// One LXC container: `/nodes/{node}/lxc/{vmid}`. Cheap to copy; creating it sends nothing.
/// Writes that PVE runs as a worker complete with the task at once (waiting is the caller's
/// choice: task_handle::async_wait, a failed task is an error). An empty node or a vmid outside
/// 100..999999999 fails with errc::invalid_argument before anything is sent.
class lxc_handle {
public:
    lxc_handle(detail::state_ptr state, std::string node, vmid_t vmid)
        : state_(std::move(state)), node_(std::move(node)), vmid_(vmid) {}

    const std::string& node() const noexcept { return node_; }
    vmid_t vmid() const noexcept { return vmid_; }

    /// The container's snapshots.
    snapshot_handle snapshots() const { return {state_, node_, guest_type::lxc, vmid_}; }
    /// The container's firewall: options and rules (`/nodes/{node}/lxc/{vmid}/firewall`).
    guest_firewall_handle firewall() const { return {state_, node_, guest_type::lxc, vmid_}; }

    /// Current state and usage. PVE endpoint: GET /nodes/{node}/lxc/{vmid}/status/current, needs
    /// VM.Audit on /vms/{vmid}. Completion: void(result<guest_summary>).
    template <class Token = boost::asio::deferred_t> auto async_status(Token&& token = {}) const {
        return detail::initiate<guest_summary>(
            std::forward<Token>(token),
            [s = state_, n = node_, id = vmid_](auto h) { detail::op_lxc_status(s, n, id, std::move(h)); });
    }

    /// The configuration (with pending changes applied, as PVE shows it). PVE endpoint:
    /// GET /nodes/{node}/lxc/{vmid}/config, needs VM.Audit on /vms/{vmid}.
    /// Completion: void(result<lxc_config>).
    template <class Token = boost::asio::deferred_t> auto async_config(Token&& token = {}) const {
        return detail::initiate<lxc_config>(
            std::forward<Token>(token),
            [s = state_, n = node_, id = vmid_](auto h) { detail::op_lxc_config(s, n, id, std::move(h)); });
    }

    /// Changes the configuration (PVE applies it at once; a running container keeps what it
    /// cannot hot-plug pending). A stale `digest` fails with PVE's `detected modified
    /// configuration` error. PVE endpoint: PUT /nodes/{node}/lxc/{vmid}/config, needs
    /// VM.Config.Disk/CPU/Memory/Network/Options on /vms/{vmid} for what changes.
    /// Completion: void(result<void>).
    template <class Token = boost::asio::deferred_t>
    auto async_update(lxc_config_update update, Token&& token = {}) const {
        return detail::initiate<void>(std::forward<Token>(token),
                                      [s = state_, n = node_, id = vmid_, u = std::move(update)](auto h) {
                                          detail::op_lxc_update(s, n, id, u, std::move(h));
                                      });
    }

    /// Power actions; each completes with its task at once. PVE endpoint:
    /// POST /nodes/{node}/lxc/{vmid}/status/{start|stop|reboot|suspend|resume}, needs
    /// VM.PowerMgmt on /vms/{vmid}. Completion: void(result<task_handle>).
    template <class Token = boost::asio::deferred_t> auto async_start(Token&& token = {}) const {
        return power("start", {}, false, std::forward<Token>(token));
    }
    template <class Token = boost::asio::deferred_t> auto async_stop(Token&& token = {}) const {
        return power("stop", {}, false, std::forward<Token>(token));
    }
    template <class Token = boost::asio::deferred_t> auto async_reboot(Token&& token = {}) const {
        return power("reboot", {}, false, std::forward<Token>(token));
    }
    template <class Token = boost::asio::deferred_t> auto async_suspend(Token&& token = {}) const {
        return power("suspend", {}, false, std::forward<Token>(token));
    }
    template <class Token = boost::asio::deferred_t> auto async_resume(Token&& token = {}) const {
        return power("resume", {}, false, std::forward<Token>(token));
    }
    /// Clean shutdown, waiting at most `timeout` seconds; `force_stop` stops it after that.
    /// PVE endpoint: POST /nodes/{node}/lxc/{vmid}/status/shutdown, needs VM.PowerMgmt.
    template <class Token = boost::asio::deferred_t>
    auto
    async_shutdown(std::optional<unsigned> timeout = {}, bool force_stop = false, Token&& token = {}) const {
        return power("shutdown", timeout, force_stop, std::forward<Token>(token));
    }

    /// Destroys the container and its volumes; `purge` also removes it from backup jobs, HA and
    /// ACLs, `force` destroys it even when running. PVE endpoint: DELETE /nodes/{node}/lxc/{vmid},
    /// needs VM.Allocate on /vms/{vmid}. Completion: void(result<task_handle>).
    template <class Token = boost::asio::deferred_t>
    auto async_delete(bool purge = false, bool force = false, Token&& token = {}) const {
        return detail::initiate<task_handle>(std::forward<Token>(token),
                                             [s = state_, n = node_, id = vmid_, purge, force](auto h) {
                                                 detail::op_lxc_delete(s, n, id, purge, force, std::move(h));
                                             });
    }

    /// Clones the container (newid 0: the next free VMID). PVE endpoint:
    /// POST /nodes/{node}/lxc/{vmid}/clone, needs VM.Clone on /vms/{vmid} and VM.Allocate on
    /// /vms/{newid} (or on the pool). Completion: void(result<lxc_creation>).
    template <class Token = boost::asio::deferred_t>
    auto async_clone(lxc_clone_options opts = {}, Token&& token = {}) const {
        return detail::initiate<lxc_creation>(
            std::forward<Token>(token), [s = state_, n = node_, id = vmid_, o = std::move(opts)](auto h) {
                detail::op_lxc_clone(s, n, id, o, std::move(h));
            });
    }

    /// Converts the stopped container into a template. PVE answers null and runs a `vztemplate`
    /// worker; the SDK finds that task in the node's task list (one more GET) and completes with it.
    /// PVE endpoint: POST /nodes/{node}/lxc/{vmid}/template, needs VM.Allocate on /vms/{vmid}.
    /// Completion: void(result<task_handle>).
    template <class Token = boost::asio::deferred_t> auto async_template(Token&& token = {}) const {
        return detail::initiate<task_handle>(
            std::forward<Token>(token),
            [s = state_, n = node_, id = vmid_](auto h) { detail::op_lxc_template(s, n, id, std::move(h)); });
    }

    /// Moves the container to another node (see lxc_migrate_options::restart). PVE endpoint:
    /// POST /nodes/{node}/lxc/{vmid}/migrate, needs VM.Migrate on /vms/{vmid}.
    /// Completion: void(result<task_handle>).
    template <class Token = boost::asio::deferred_t>
    auto async_migrate(lxc_migrate_options opts, Token&& token = {}) const {
        return detail::initiate<task_handle>(
            std::forward<Token>(token), [s = state_, n = node_, id = vmid_, o = std::move(opts)](auto h) {
                detail::op_lxc_migrate(s, n, id, o, std::move(h));
            });
    }

private:
    template <class Token>
    auto power(const char* action, std::optional<unsigned> timeout, bool force, Token&& token) const {
        return detail::initiate<task_handle>(
            std::forward<Token>(token),
            [s = state_, n = node_, id = vmid_, a = std::string(action), timeout, force](auto h) {
                detail::op_lxc_power(s, n, id, a, timeout, force, std::move(h));
            });
    }

    detail::state_ptr state_;
    std::string node_;
    vmid_t vmid_;
};

} // namespace proxmox

#endif
