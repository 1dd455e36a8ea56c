#ifndef PROXMOX_MODELS_LXC_OPTIONS_HPP
#define PROXMOX_MODELS_LXC_OPTIONS_HPP

// Options of lxc_handle's operations: one `lxc_<operation>_options` aggregate per operation,
// holding exactly the parameters PVE defines for containers (qemu_options.hpp mirrors it for
// VMs). Unset fields are not sent, so PVE's defaults apply.

#include <proxmox/generated/field_groups.hpp>
#include <proxmox/models/guest_devices.hpp>
#include <proxmox/types.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace proxmox {

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

/// lxc_handle::async_start (`vzstart`).
struct lxc_start_options {
    bool debug = false;    ///< start with debug logging (the task log gets lxc-start's output)
    bool skiplock = false; ///< ignore a lock (only root@pam may)
};

/// lxc_handle::async_stop (`vzstop`): stops the container at once.
struct lxc_stop_options {
    /// Abort a shutdown task of this container that is still running and stop at once.
    bool overrule_shutdown = false;
    bool skiplock = false; ///< ignore a lock (only root@pam may)
};

/// lxc_handle::async_shutdown (`vzshutdown`): asks the container's init to power off.
struct lxc_shutdown_options {
    std::optional<std::chrono::seconds> timeout; ///< how long to wait (PVE: 60 s)
    bool force_stop = false;                     ///< stop it when the timeout passes
};

/// lxc_handle::async_reboot (`vzreboot`).
struct lxc_reboot_options {
    std::optional<std::chrono::seconds> timeout; ///< how long to wait for the shutdown part
};

/// lxc_handle::async_clone (`vzclone`).
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

/// lxc_handle::async_delete (`vzdestroy`).
struct lxc_delete_options {
    bool purge = false;                      ///< also remove the VMID from backup jobs, replication and HA
    bool destroy_unreferenced_disks = false; ///< also destroy volumes of this VMID not in the config
    bool force = false;                      ///< destroy it even when running
};

/// lxc_handle::async_migrate (`vzmigrate`).
struct lxc_migrate_options {
    std::string target; ///< the node to move to
    /// Restart migration: shut the container down, move it, start it there. Unset: used when the
    /// container runs (the SDK reads its status first), as PVE has no live migration for containers.
    std::optional<bool> restart;
    std::optional<std::chrono::seconds> timeout; ///< how long to wait for the shutdown of a restart migration
    std::string target_storage;                  ///< storage mapping, e.g. `local-lvm` or `src:dst`
};

} // namespace proxmox

#endif
