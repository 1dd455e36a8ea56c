#ifndef PROXMOX_RESOURCES_QEMU_HPP
#define PROXMOX_RESOURCES_QEMU_HPP

#include <proxmox/detail/async.hpp>
#include <proxmox/models/guest.hpp>
#include <proxmox/models/metrics.hpp>
#include <proxmox/models/qemu_config.hpp>
#include <proxmox/models/qemu_options.hpp>
#include <proxmox/resources/agent.hpp>
#include <proxmox/resources/firewall.hpp>
#include <proxmox/resources/power.hpp>
#include <proxmox/resources/snapshots.hpp>
#include <proxmox/task.hpp>

#include <optional>
#include <string>
#include <vector>

namespace proxmox {

namespace detail {
void op_qemu_create(const state_ptr& state,
                    std::string node,
                    qemu_create_options o,
                    handler<guest_creation> h);
void op_qemu_status(const state_ptr& state, std::string node, vmid_t vmid, handler<qemu_status> h);
void op_qemu_config(const state_ptr& state, std::string node, vmid_t vmid, handler<qemu_config> h);
void op_qemu_update_config(
    const state_ptr& state, std::string node, vmid_t vmid, qemu_config_update u, handler<void> h);
void op_qemu_add_nic(const state_ptr& state, std::string node, vmid_t vmid, qemu_nic nic, handler<int> h);
void op_qemu_remove_nic(const state_ptr& state, std::string node, vmid_t vmid, int index, handler<void> h);
void op_qemu_set_cloudinit(
    const state_ptr& state, std::string node, vmid_t vmid, cloudinit_settings s, handler<void> h);
void op_qemu_regenerate_cloudinit(const state_ptr& state, std::string node, vmid_t vmid, handler<void> h);
void op_qemu_clone(
    const state_ptr& state, std::string node, vmid_t vmid, qemu_clone_options o, handler<guest_creation> h);
void op_qemu_delete(
    const state_ptr& state, std::string node, vmid_t vmid, qemu_delete_options o, handler<task_handle> h);
void op_qemu_template(const state_ptr& state, std::string node, vmid_t vmid, handler<task_handle> h);
void op_qemu_migrate(
    const state_ptr& state, std::string node, vmid_t vmid, qemu_migrate_options o, handler<task_handle> h);
void op_qemu_resize(const state_ptr& state,
                    std::string node,
                    vmid_t vmid,
                    std::string disk,
                    std::string size,
                    handler<task_handle> h);
void op_qemu_rrd(const state_ptr& state,
                 std::string node,
                 vmid_t vmid,
                 rrd_timeframe timeframe,
                 rrd_cf cf,
                 handler<std::vector<qemu_rrd_sample>> h);
} // namespace detail

/// One QEMU VM: `/nodes/{node}/qemu/{vmid}`. Cheap to copy; creating it sends nothing.
///
/// Every operation checks the node name (not empty) and the vmid (100 .. 999999999) first and
/// fails with errc::invalid_argument before sending anything. PVE's refusals arrive as
/// proxmox::error (403 permission_denied, 400 invalid_parameter with field_errors, 500
/// server_error with PVE's text, e.g. `VM 101 not running`, `VM is locked (clone)`). Calls
/// that start a worker complete with its task_handle at once; `task_handle::async_wait` waits
/// and reports a failed task as errc::task_failed with PVE's exit status.
class qemu_handle : public detail::guest_handle_base {
public:
    qemu_handle(detail::state_ptr state, std::string node, vmid_t vmid)
        : guest_handle_base(std::move(state), std::move(node), vmid) {}

    /// The VM's firewall (options and rules).
    guest_firewall_handle firewall() const { return {state_, node_, guest_type::qemu, vmid_}; }
    /// The VM's QEMU guest agent.
    agent_handle agent() const { return {state_, node_, vmid_}; }
    /// The VM's snapshots.
    snapshot_handle snapshots() const { return {state_, node_, guest_type::qemu, vmid_}; }

    // --- reading -----------------------------------------------------------------------------

    /// The VM's current state. PVE endpoint: GET /nodes/{node}/qemu/{vmid}/status/current,
    /// needs VM.Audit on /vms/{vmid}. Completion: void(result<qemu_status>).
    template <class Token = boost::asio::deferred_t> auto async_status(Token&& token = {}) const {
        return run<qemu_status>(std::forward<Token>(token), [](auto& s, auto& n, vmid_t id, auto h) {
            detail::op_qemu_status(s, n, id, std::move(h));
        });
    }

    /// The configuration with pending changes applied, and its digest.
    /// PVE endpoint: GET /nodes/{node}/qemu/{vmid}/config, needs VM.Audit on /vms/{vmid}.
    /// Completion: void(result<qemu_config>).
    template <class Token = boost::asio::deferred_t> auto async_config(Token&& token = {}) const {
        return run<qemu_config>(std::forward<Token>(token), [](auto& s, auto& n, vmid_t id, auto h) {
            detail::op_qemu_config(s, n, id, std::move(h));
        });
    }

    /// RRD statistics, one sample per row. PVE endpoint: GET /nodes/{node}/qemu/{vmid}/rrddata,
    /// needs VM.Audit on /vms/{vmid}. Completion: void(result<std::vector<qemu_rrd_sample>>).
    template <class Token = boost::asio::deferred_t>
    auto async_rrd(rrd_timeframe timeframe, rrd_cf cf = rrd_cf::average, Token&& token = {}) const {
        return run<std::vector<qemu_rrd_sample>>(
            std::forward<Token>(token), [timeframe, cf](auto& s, auto& n, vmid_t id, auto h) {
                detail::op_qemu_rrd(s, n, id, timeframe, cf, std::move(h));
            });
    }

    // --- configuration -----------------------------------------------------------------------

    /// Sets and deletes config keys. A running VM takes what PVE hot-plugs at once and keeps the
    /// rest pending until its next start. Fails with qemu_config_update::problem() before sending,
    /// with errc::invalid_argument for an empty update, with 500 `checksum mismatch` when
    /// `update.digest` no longer matches, with 500 `VM is locked (...)` while a task holds the VM.
    /// PVE endpoint: PUT /nodes/{node}/qemu/{vmid}/config (POST with `via_task`), needs one of
    /// VM.Config.{Disk,CDROM,CPU,Memory,Network,HWType,Options,Cloudinit} on /vms/{vmid} as fits
    /// the keys. Completion: void(result<void>).
    template <class Token = boost::asio::deferred_t>
    auto async_update_config(qemu_config_update update, Token&& token = {}) const {
        return run<void>(std::forward<Token>(token),
                         [u = std::move(update)](auto& s, auto& n, vmid_t id, auto h) {
                             detail::op_qemu_update_config(s, n, id, u, std::move(h));
                         });
    }

    /// Adds `nic` as the lowest free `netN` (read from the config, written with its digest so a
    /// concurrent change fails instead of being overwritten). Completion: void(result<int>) with
    /// N; errc::invalid_argument for a bad NIC or when net0..net31 are all used.
    /// PVE endpoints: GET + PUT /nodes/{node}/qemu/{vmid}/config, needs VM.Config.Network.
    template <class Token = boost::asio::deferred_t>
    auto async_add_nic(qemu_nic nic, Token&& token = {}) const {
        return run<int>(std::forward<Token>(token),
                        [nic = std::move(nic)](auto& s, auto& n, vmid_t id, auto h) {
                            detail::op_qemu_add_nic(s, n, id, nic, std::move(h));
                        });
    }

    /// Removes `netN`; errc::not_found when the VM has no such NIC.
    /// PVE endpoints: GET + PUT /nodes/{node}/qemu/{vmid}/config, needs VM.Config.Network.
    /// Completion: void(result<void>).
    template <class Token = boost::asio::deferred_t>
    auto async_remove_nic(int index, Token&& token = {}) const {
        return run<void>(std::forward<Token>(token), [index](auto& s, auto& n, vmid_t id, auto h) {
            detail::op_qemu_remove_nic(s, n, id, index, std::move(h));
        });
    }

    /// Writes cloud-init settings (`ciuser`, `cipassword`, `sshkeys`, `nameserver`,
    /// `searchdomain`, `ipconfigN`) in one config change; a running VM's drive gets them with
    /// async_regenerate_cloudinit() or its next start. PVE endpoint: PUT
    /// /nodes/{node}/qemu/{vmid}/config, needs VM.Config.Cloudinit (VM.Config.Network for
    /// ipconfigN). Completion: void(result<void>).
    template <class Token = boost::asio::deferred_t>
    auto async_set_cloudinit(cloudinit_settings settings, Token&& token = {}) const {
        return run<void>(std::forward<Token>(token),
                         [c = std::move(settings)](auto& s, auto& n, vmid_t id, auto h) {
                             detail::op_qemu_set_cloudinit(s, n, id, c, std::move(h));
                         });
    }

    /// Regenerates the cloud-init drive from the current settings.
    /// PVE endpoint: PUT /nodes/{node}/qemu/{vmid}/cloudinit, needs VM.Config.Cloudinit on
    /// /vms/{vmid}. Completion: void(result<void>).
    template <class Token = boost::asio::deferred_t>
    auto async_regenerate_cloudinit(Token&& token = {}) const {
        return run<void>(std::forward<Token>(token), [](auto& s, auto& n, vmid_t id, auto h) {
            detail::op_qemu_regenerate_cloudinit(s, n, id, std::move(h));
        });
    }

    /// Grows a disk: `size` is the new size (`40G`) or an increment (`+10G`), units K, M, G, T.
    /// PVE checks in the task: shrinking ends it with `shrinking disks is not supported`.
    /// PVE endpoint: PUT /nodes/{node}/qemu/{vmid}/resize, needs VM.Config.Disk on /vms/{vmid}.
    /// Completion: void(result<task_handle>) (`resize` task).
    template <class Token = boost::asio::deferred_t>
    auto async_resize_disk(std::string disk, std::string size, Token&& token = {}) const {
        return run<task_handle>(std::forward<Token>(token), [d = std::move(disk), z = std::move(size)](
                                                                auto& s, auto& n, vmid_t id, auto h) {
            detail::op_qemu_resize(s, n, id, d, z, std::move(h));
        });
    }

    // --- power -------------------------------------------------------------------------------
    // PVE endpoints: POST /nodes/{node}/qemu/{vmid}/status/{action}, needs VM.PowerMgmt on
    // /vms/{vmid}. Each completes with the task at once (it has not finished yet). A VM that is
    // not running makes reboot/reset/suspend fail at once with 500 `VM N not running`; a start of
    // a running VM ends its task with `VM N already running` (task_failed on async_wait). Each
    // takes its qemu_<action>_options or none. Completion: void(result<task_handle>).

    /// Starts the VM (`qmstart`).
    template <class Token = boost::asio::deferred_t>
    auto async_start(qemu_start_options options, Token&& token = {}) const {
        return power({.type = guest_type::qemu,
                      .action = power_action::start,
                      .timeout = options.timeout,
                      .skiplock = options.skiplock},
                     std::forward<Token>(token));
    }
    template <detail::token_not_options<qemu_start_options> Token = boost::asio::deferred_t>
    auto async_start(Token&& token = {}) const {
        return async_start(qemu_start_options{}, std::forward<Token>(token));
    }

    /// Stops the VM hard, like pulling the plug (`qmstop`).
    template <class Token = boost::asio::deferred_t>
    auto async_stop(qemu_stop_options options, Token&& token = {}) const {
        return power({.type = guest_type::qemu,
                      .action = power_action::stop,
                      .timeout = options.timeout,
                      .overrule_shutdown = options.overrule_shutdown,
                      .keep_active = options.keep_active,
                      .skiplock = options.skiplock},
                     std::forward<Token>(token));
    }
    template <detail::token_not_options<qemu_stop_options> Token = boost::asio::deferred_t>
    auto async_stop(Token&& token = {}) const {
        return async_stop(qemu_stop_options{}, std::forward<Token>(token));
    }

    /// Asks the guest OS to shut down (ACPI, or the agent); `force_stop` stops it hard after
    /// `timeout` (`qmshutdown`). A paused VM refuses with 500 `VM is paused - cannot shutdown`.
    template <class Token = boost::asio::deferred_t>
    auto async_shutdown(qemu_shutdown_options options, Token&& token = {}) const {
        return power({.type = guest_type::qemu,
                      .action = power_action::shutdown,
                      .timeout = options.timeout,
                      .force_stop = options.force_stop,
                      .keep_active = options.keep_active,
                      .skiplock = options.skiplock},
                     std::forward<Token>(token));
    }
    template <detail::token_not_options<qemu_shutdown_options> Token = boost::asio::deferred_t>
    auto async_shutdown(Token&& token = {}) const {
        return async_shutdown(qemu_shutdown_options{}, std::forward<Token>(token));
    }

    /// Shuts the guest down and starts it again (`qmreboot`); `timeout` bounds the shutdown.
    template <class Token = boost::asio::deferred_t>
    auto async_reboot(qemu_reboot_options options, Token&& token = {}) const {
        return power({.type = guest_type::qemu, .action = power_action::reboot, .timeout = options.timeout},
                     std::forward<Token>(token));
    }
    template <detail::token_not_options<qemu_reboot_options> Token = boost::asio::deferred_t>
    auto async_reboot(Token&& token = {}) const {
        return async_reboot(qemu_reboot_options{}, std::forward<Token>(token));
    }

    /// Resets the VM like its reset button (`qmreset`).
    template <class Token = boost::asio::deferred_t>
    auto async_reset(qemu_reset_options options, Token&& token = {}) const {
        return power({.type = guest_type::qemu, .action = power_action::reset, .skiplock = options.skiplock},
                     std::forward<Token>(token));
    }
    template <detail::token_not_options<qemu_reset_options> Token = boost::asio::deferred_t>
    auto async_reset(Token&& token = {}) const {
        return async_reset(qemu_reset_options{}, std::forward<Token>(token));
    }

    /// Pauses the VM (`qmpause`), or with `to_disk` saves its RAM and stops it (`qmsuspend`,
    /// lock `suspended` until resumed); to disk also needs VM.Config.Disk.
    template <class Token = boost::asio::deferred_t>
    auto async_suspend(qemu_suspend_options options, Token&& token = {}) const {
        return power({.type = guest_type::qemu,
                      .action = power_action::suspend,
                      .skiplock = options.skiplock,
                      .to_disk = options.to_disk,
                      .state_storage = std::move(options.state_storage)},
                     std::forward<Token>(token));
    }
    template <detail::token_not_options<qemu_suspend_options> Token = boost::asio::deferred_t>
    auto async_suspend(Token&& token = {}) const {
        return async_suspend(qemu_suspend_options{}, std::forward<Token>(token));
    }

    /// Resumes a paused VM or one suspended to disk (`qmresume`).
    template <class Token = boost::asio::deferred_t>
    auto async_resume(qemu_resume_options options, Token&& token = {}) const {
        return power({.type = guest_type::qemu, .action = power_action::resume, .skiplock = options.skiplock},
                     std::forward<Token>(token));
    }
    template <detail::token_not_options<qemu_resume_options> Token = boost::asio::deferred_t>
    auto async_resume(Token&& token = {}) const {
        return async_resume(qemu_resume_options{}, std::forward<Token>(token));
    }

    // --- lifecycle ---------------------------------------------------------------------------

    /// Clones the VM (`qmclone`); `newid` 0 takes the next free id from GET /cluster/nextid.
    /// The clone stays locked until the task ends. PVE endpoint: POST
    /// /nodes/{node}/qemu/{vmid}/clone, needs VM.Clone on /vms/{vmid} and VM.Allocate on
    /// /vms/{newid} (or on /pool/{pool}); Datastore.AllocateSpace on the target storage.
    /// Completion: void(result<guest_creation>).
    template <class Token = boost::asio::deferred_t>
    auto async_clone(qemu_clone_options options, Token&& token = {}) const {
        return run<guest_creation>(std::forward<Token>(token),
                                   [o = std::move(options)](auto& s, auto& n, vmid_t id, auto h) {
                                       detail::op_qemu_clone(s, n, id, o, std::move(h));
                                   });
    }
    template <detail::token_not_options<qemu_clone_options> Token = boost::asio::deferred_t>
    auto async_clone(Token&& token = {}) const {
        return async_clone(qemu_clone_options{}, std::forward<Token>(token));
    }

    /// Destroys the VM and its disks (`qmdestroy`); a running VM refuses with 500
    /// `VM N is running - destroy failed`, a locked one ends the task with `VM is locked (...)`.
    /// PVE endpoint: DELETE /nodes/{node}/qemu/{vmid}, needs VM.Allocate on /vms/{vmid}.
    /// Completion: void(result<task_handle>).
    template <class Token = boost::asio::deferred_t>
    auto async_delete(qemu_delete_options options, Token&& token = {}) const {
        return run<task_handle>(std::forward<Token>(token), [options](auto& s, auto& n, vmid_t id, auto h) {
            detail::op_qemu_delete(s, n, id, options, std::move(h));
        });
    }
    template <detail::token_not_options<qemu_delete_options> Token = boost::asio::deferred_t>
    auto async_delete(Token&& token = {}) const {
        return async_delete(qemu_delete_options{}, std::forward<Token>(token));
    }

    /// Converts the stopped VM into a template (`qmtemplate`).
    /// PVE endpoint: POST /nodes/{node}/qemu/{vmid}/template, needs VM.Allocate on /vms/{vmid}.
    /// Completion: void(result<task_handle>).
    template <class Token = boost::asio::deferred_t>
    auto async_convert_to_template(Token&& token = {}) const {
        return run<task_handle>(std::forward<Token>(token), [](auto& s, auto& n, vmid_t id, auto h) {
            detail::op_qemu_template(s, n, id, std::move(h));
        });
    }

    /// Migrates the VM to another node (`qmigrate`); a running VM needs `online`, local disks
    /// need `with_local_disks`. PVE endpoint: POST /nodes/{node}/qemu/{vmid}/migrate, needs
    /// VM.Migrate on /vms/{vmid}. Completion: void(result<task_handle>).
    template <class Token = boost::asio::deferred_t>
    auto async_migrate(qemu_migrate_options options, Token&& token = {}) const {
        return run<task_handle>(std::forward<Token>(token),
                                [o = std::move(options)](auto& s, auto& n, vmid_t id, auto h) {
                                    detail::op_qemu_migrate(s, n, id, o, std::move(h));
                                });
    }
};

} // namespace proxmox

#endif
