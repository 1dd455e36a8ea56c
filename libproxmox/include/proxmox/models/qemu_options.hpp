#ifndef PROXMOX_MODELS_QEMU_OPTIONS_HPP
#define PROXMOX_MODELS_QEMU_OPTIONS_HPP

// Options of qemu_handle's operations: one `qemu_<operation>_options` aggregate per operation,
// holding exactly the parameters PVE defines for VMs (lxc_options.hpp mirrors it for
// containers). Unset fields are not sent, so PVE's defaults apply.

#include <proxmox/generated/field_groups.hpp>
#include <proxmox/models/guest_devices.hpp>
#include <proxmox/types.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace proxmox {

/// A new VM for node_handle::async_create_qemu (`qmcreate`).
struct qemu_create_options {
    vmid_t vmid = 0;                     ///< 0: the next free VMID (GET /cluster/nextid)
    std::string name;                    ///< DNS name; empty: PVE names it `VM <vmid>`
    std::optional<unsigned> cores;       ///< per socket (PVE's default 1)
    std::optional<unsigned> sockets;     ///< PVE's default 1
    std::optional<std::uint64_t> memory; ///< MiB (PVE's default 2048)
    std::string ostype;                  ///< l26, win11, other, ... (PVE's default other)
    /// Drives by key: `{"scsi0", qemu_disk::new_disk("local-lvm", 32)}` allocates 32 GiB.
    std::map<std::string, qemu_disk> disks;
    std::map<int, qemu_nic> nets;        ///< netN
    std::string iso;                     ///< an ISO volume (`local:iso/debian-13.iso`) as CD-ROM on ide2
    std::vector<std::string> boot_order; ///< devices to boot from in order (`scsi0`, `ide2`, `net0`)
    std::string scsihw;                  ///< SCSI controller, e.g. `virtio-scsi-single`
    std::optional<bool> agent;           ///< enable the QEMU guest agent
    bool start = false;                  ///< start it once created
    std::string pool;                    ///< add it to this pool
    std::string description;
    gen::qemu_config_fields extra; ///< anything else (bios, cpu, tags, ...)
};

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
