#ifndef PROXMOX_RESOURCES_LXC_HPP
#define PROXMOX_RESOURCES_LXC_HPP

#include <proxmox/detail/async.hpp>
#include <proxmox/models/guest.hpp>
#include <proxmox/models/lxc_config.hpp>
#include <proxmox/models/lxc_options.hpp>
#include <proxmox/resources/firewall.hpp>
#include <proxmox/resources/power.hpp>
#include <proxmox/resources/snapshots.hpp>
#include <proxmox/task.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace proxmox {

namespace detail {
void op_lxc_status(const state_ptr& state, std::string node, vmid_t vmid, handler<guest_summary> h);
void op_lxc_config(const state_ptr& state, std::string node, vmid_t vmid, handler<lxc_config> h);
void op_lxc_update_config(
    const state_ptr& state, std::string node, vmid_t vmid, lxc_config_update u, handler<void> h);
void op_lxc_delete(
    const state_ptr& state, std::string node, vmid_t vmid, lxc_delete_options o, handler<task_handle> h);
void op_lxc_clone(
    const state_ptr& state, std::string node, vmid_t vmid, lxc_clone_options o, handler<guest_creation> h);
void op_lxc_template(const state_ptr& state, std::string node, vmid_t vmid, handler<task_handle> h);
void op_lxc_migrate(
    const state_ptr& state, std::string node, vmid_t vmid, lxc_migrate_options o, handler<task_handle> h);
void op_lxc_create(const state_ptr& state, std::string node, lxc_create_options o, handler<guest_creation> h);
} // namespace detail

/// One LXC container: `/nodes/{node}/lxc/{vmid}`. Cheap to copy; creating it sends nothing.
/// Writes that PVE runs as a worker complete with the task at once (waiting is the caller's
/// choice: task_handle::async_wait, a failed task is an error). An empty node or a vmid outside
/// 100..999999999 fails with errc::invalid_argument before anything is sent.
class lxc_handle : public detail::guest_handle_base {
public:
    lxc_handle(detail::state_ptr state, std::string node, vmid_t vmid)
        : guest_handle_base(std::move(state), std::move(node), vmid) {}

    /// The container's snapshots.
    snapshot_handle snapshots() const { return {state_, node_, guest_type::lxc, vmid_}; }
    /// The container's firewall: options and rules (`/nodes/{node}/lxc/{vmid}/firewall`).
    guest_firewall_handle firewall() const { return {state_, node_, guest_type::lxc, vmid_}; }

    /// Current state and usage. PVE endpoint: GET /nodes/{node}/lxc/{vmid}/status/current, needs
    /// VM.Audit on /vms/{vmid}. Completion: void(result<guest_summary>).
    template <class Token = boost::asio::deferred_t> auto async_status(Token&& token = {}) const {
        return run<guest_summary>(std::forward<Token>(token), [](auto& s, auto& n, vmid_t id, auto h) {
            detail::op_lxc_status(s, n, id, std::move(h));
        });
    }

    /// The configuration (with pending changes applied, as PVE shows it). PVE endpoint:
    /// GET /nodes/{node}/lxc/{vmid}/config, needs VM.Audit on /vms/{vmid}.
    /// Completion: void(result<lxc_config>).
    template <class Token = boost::asio::deferred_t> auto async_config(Token&& token = {}) const {
        return run<lxc_config>(std::forward<Token>(token), [](auto& s, auto& n, vmid_t id, auto h) {
            detail::op_lxc_config(s, n, id, std::move(h));
        });
    }

    /// Sets and deletes config keys (PVE applies them at once; a running container keeps what
    /// it cannot hot-plug pending). Fails with lxc_config_update::problem() or for an empty
    /// update before sending; a stale `digest` fails with PVE's `detected modified
    /// configuration` error. PVE endpoint: PUT /nodes/{node}/lxc/{vmid}/config, needs
    /// VM.Config.Disk/CPU/Memory/Network/Options on /vms/{vmid} for what changes.
    /// Completion: void(result<void>).
    template <class Token = boost::asio::deferred_t>
    auto async_update_config(lxc_config_update update, Token&& token = {}) const {
        return run<void>(std::forward<Token>(token),
                         [u = std::move(update)](auto& s, auto& n, vmid_t id, auto h) {
                             detail::op_lxc_update_config(s, n, id, u, std::move(h));
                         });
    }

    // --- power -------------------------------------------------------------------------------
    // PVE endpoints: POST /nodes/{node}/lxc/{vmid}/status/{action}, needs VM.PowerMgmt on
    // /vms/{vmid}. Each completes with its task at once; each takes its lxc_<action>_options
    // (where PVE defines parameters) or none. Completion: void(result<task_handle>).

    /// Starts the container (`vzstart`).
    template <class Token = boost::asio::deferred_t>
    auto async_start(lxc_start_options options, Token&& token = {}) const {
        return power({.type = guest_type::lxc,
                      .action = power_action::start,
                      .skiplock = options.skiplock,
                      .debug = options.debug},
                     std::forward<Token>(token));
    }
    template <detail::token_not_options<lxc_start_options> Token = boost::asio::deferred_t>
    auto async_start(Token&& token = {}) const {
        return async_start(lxc_start_options{}, std::forward<Token>(token));
    }

    /// Stops the container at once (`vzstop`).
    template <class Token = boost::asio::deferred_t>
    auto async_stop(lxc_stop_options options, Token&& token = {}) const {
        return power({.type = guest_type::lxc,
                      .action = power_action::stop,
                      .overrule_shutdown = options.overrule_shutdown,
                      .skiplock = options.skiplock},
                     std::forward<Token>(token));
    }
    template <detail::token_not_options<lxc_stop_options> Token = boost::asio::deferred_t>
    auto async_stop(Token&& token = {}) const {
        return async_stop(lxc_stop_options{}, std::forward<Token>(token));
    }

    /// Clean shutdown, waiting at most `timeout`; `force_stop` stops it after that (`vzshutdown`).
    template <class Token = boost::asio::deferred_t>
    auto async_shutdown(lxc_shutdown_options options, Token&& token = {}) const {
        return power({.type = guest_type::lxc,
                      .action = power_action::shutdown,
                      .timeout = options.timeout,
                      .force_stop = options.force_stop},
                     std::forward<Token>(token));
    }
    template <detail::token_not_options<lxc_shutdown_options> Token = boost::asio::deferred_t>
    auto async_shutdown(Token&& token = {}) const {
        return async_shutdown(lxc_shutdown_options{}, std::forward<Token>(token));
    }

    /// Shuts the container down and starts it again (`vzreboot`); `timeout` bounds the shutdown.
    template <class Token = boost::asio::deferred_t>
    auto async_reboot(lxc_reboot_options options, Token&& token = {}) const {
        return power({.type = guest_type::lxc, .action = power_action::reboot, .timeout = options.timeout},
                     std::forward<Token>(token));
    }
    template <detail::token_not_options<lxc_reboot_options> Token = boost::asio::deferred_t>
    auto async_reboot(Token&& token = {}) const {
        return async_reboot(lxc_reboot_options{}, std::forward<Token>(token));
    }

    /// Freezes the container (`vzsuspend`; PVE has no options for it).
    template <class Token = boost::asio::deferred_t> auto async_suspend(Token&& token = {}) const {
        return power({.type = guest_type::lxc, .action = power_action::suspend}, std::forward<Token>(token));
    }

    /// Thaws a frozen container (`vzresume`; PVE has no options for it).
    template <class Token = boost::asio::deferred_t> auto async_resume(Token&& token = {}) const {
        return power({.type = guest_type::lxc, .action = power_action::resume}, std::forward<Token>(token));
    }

    // --- lifecycle ---------------------------------------------------------------------------

    /// Clones the container (newid 0: the next free VMID). PVE endpoint:
    /// POST /nodes/{node}/lxc/{vmid}/clone, needs VM.Clone on /vms/{vmid} and VM.Allocate on
    /// /vms/{newid} (or on the pool). Completion: void(result<guest_creation>).
    template <class Token = boost::asio::deferred_t>
    auto async_clone(lxc_clone_options options, Token&& token = {}) const {
        return run<guest_creation>(std::forward<Token>(token),
                                   [o = std::move(options)](auto& s, auto& n, vmid_t id, auto h) {
                                       detail::op_lxc_clone(s, n, id, o, std::move(h));
                                   });
    }
    template <detail::token_not_options<lxc_clone_options> Token = boost::asio::deferred_t>
    auto async_clone(Token&& token = {}) const {
        return async_clone(lxc_clone_options{}, std::forward<Token>(token));
    }

    /// Destroys the container and its volumes (`vzdestroy`); `purge` also removes it from backup
    /// jobs, HA and replication, `force` destroys it even when running. PVE endpoint:
    /// DELETE /nodes/{node}/lxc/{vmid}, needs VM.Allocate on /vms/{vmid}.
    /// Completion: void(result<task_handle>).
    template <class Token = boost::asio::deferred_t>
    auto async_delete(lxc_delete_options options, Token&& token = {}) const {
        return run<task_handle>(std::forward<Token>(token), [options](auto& s, auto& n, vmid_t id, auto h) {
            detail::op_lxc_delete(s, n, id, options, std::move(h));
        });
    }
    template <detail::token_not_options<lxc_delete_options> Token = boost::asio::deferred_t>
    auto async_delete(Token&& token = {}) const {
        return async_delete(lxc_delete_options{}, std::forward<Token>(token));
    }

    /// Converts the stopped container into a template (`vztemplate`). PVE answers null and runs
    /// a worker; the SDK finds that task in the node's task list (one more GET) and completes
    /// with it. PVE endpoint: POST /nodes/{node}/lxc/{vmid}/template, needs VM.Allocate on
    /// /vms/{vmid}. Completion: void(result<task_handle>).
    template <class Token = boost::asio::deferred_t>
    auto async_convert_to_template(Token&& token = {}) const {
        return run<task_handle>(std::forward<Token>(token), [](auto& s, auto& n, vmid_t id, auto h) {
            detail::op_lxc_template(s, n, id, std::move(h));
        });
    }

    /// Moves the container to another node (`vzmigrate`; see lxc_migrate_options::restart).
    /// PVE endpoint: POST /nodes/{node}/lxc/{vmid}/migrate, needs VM.Migrate on /vms/{vmid}.
    /// Completion: void(result<task_handle>).
    template <class Token = boost::asio::deferred_t>
    auto async_migrate(lxc_migrate_options options, Token&& token = {}) const {
        return run<task_handle>(std::forward<Token>(token),
                                [o = std::move(options)](auto& s, auto& n, vmid_t id, auto h) {
                                    detail::op_lxc_migrate(s, n, id, o, std::move(h));
                                });
    }
};

} // namespace proxmox

#endif
