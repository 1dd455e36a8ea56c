#ifndef PROXMOX_MODELS_QEMU_OPTIONS_HPP
#define PROXMOX_MODELS_QEMU_OPTIONS_HPP

// Options of qemu_handle's operations: one `qemu_<operation>_options` aggregate per operation,
// holding exactly the parameters PVE defines for VMs (lxc_options.hpp mirrors it for
// containers). Unset fields are not sent, so PVE's defaults apply.

#include <proxmox/types.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace proxmox {

/// qemu_handle::async_start (`qmstart`).
struct qemu_start_options {
    /// How long PVE waits for QEMU to come up; PVE's default: max(30 s, 1 s per GiB of memory).
    std::optional<std::chrono::seconds> timeout;
    bool skiplock = false; ///< ignore a lock (only root@pam may)
};

/// qemu_handle::async_stop (`qmstop`): stops the VM hard, like pulling the plug.
struct qemu_stop_options {
    std::optional<std::chrono::seconds> timeout; ///< how long to wait for QEMU to exit
    /// Abort a shutdown task of this VM that is still running and stop at once (PVE 8.1+);
    /// without it the stop waits for that task.
    bool overrule_shutdown = false;
    bool keep_active = false; ///< leave the storage volumes activated
    bool skiplock = false;    ///< ignore a lock (only root@pam may)
};

/// qemu_handle::async_shutdown (`qmshutdown`): asks the guest OS to power off.
struct qemu_shutdown_options {
    std::optional<std::chrono::seconds> timeout; ///< how long to wait for the guest OS (PVE: 180 s)
    bool force_stop = false;                     ///< stop the VM hard when the timeout passes
    bool keep_active = false;                    ///< leave the storage volumes activated
    bool skiplock = false;                       ///< ignore a lock (only root@pam may)
};

/// qemu_handle::async_reboot (`qmreboot`).
struct qemu_reboot_options {
    std::optional<std::chrono::seconds> timeout; ///< how long to wait for the shutdown part
};

/// qemu_handle::async_reset (`qmreset`).
struct qemu_reset_options {
    bool skiplock = false; ///< ignore a lock (only root@pam may)
};

/// qemu_handle::async_suspend: pause (`qmpause`), or save the RAM to disk and stop (`qmsuspend`).
struct qemu_suspend_options {
    bool to_disk = false;      ///< hibernate: lock `suspended` until resumed; needs VM.Config.Disk
    std::string state_storage; ///< where the RAM state goes (to_disk); empty: PVE picks
    bool skiplock = false;     ///< ignore a lock (only root@pam may)
};

/// qemu_handle::async_resume (`qmresume`).
struct qemu_resume_options {
    bool skiplock = false; ///< ignore a lock (only root@pam may)
};

/// qemu_handle::async_clone (`qmclone`).
struct qemu_clone_options {
    vmid_t newid = 0;         ///< 0: the next free id from `GET /cluster/nextid`
    std::string name;         ///< empty: PVE names it `Copy-of-VM-<name>`
    std::optional<bool> full; ///< full copy; PVE's default: linked for templates, full otherwise
    std::string target;       ///< node to clone to; empty: the same node (needs shared storage otherwise)
    std::string storage;      ///< target storage for a full clone
    std::string pool;         ///< add the clone to this pool
    std::string description;
    std::string snapname; ///< clone this snapshot instead of the current state
};

/// qemu_handle::async_delete (`qmdestroy`).
struct qemu_delete_options {
    bool purge = false;                      ///< also remove the VMID from backup jobs, replication and HA
    bool destroy_unreferenced_disks = false; ///< also destroy disks of this VMID not in the config
    bool skiplock = false;                   ///< ignore a lock (only root@pam may)
};

/// qemu_handle::async_migrate (`qmigrate`).
struct qemu_migrate_options {
    std::string target;            ///< node to migrate to (required)
    bool online = false;           ///< live-migrate a running VM
    bool with_local_disks = false; ///< copy local disks along (needed without shared storage)
    std::string target_storage;    ///< storage mapping, e.g. `local-lvm` or `src:dst`
};

} // namespace proxmox

#endif
