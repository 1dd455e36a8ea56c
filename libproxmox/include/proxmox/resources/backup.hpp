#ifndef PROXMOX_RESOURCES_BACKUP_HPP
#define PROXMOX_RESOURCES_BACKUP_HPP

// Backups (vzdump) and restores, started from node_handle::async_backup / async_restore_qemu /
// async_restore_lxc. Existing backups are storage content: storage_handle::async_backups.

#include <proxmox/detail/async.hpp>
#include <proxmox/task.hpp>

#include <optional>
#include <string>
#include <vector>

namespace proxmox {

/// How vzdump keeps a running guest consistent.
enum class backup_mode {
    snapshot, ///< live, no downtime (default)
    suspend,  ///< suspend/freeze the guest for the copy
    stop,     ///< stop the guest, back it up, start it again
};

/// What node_handle::async_backup backs up and where.
struct backup_options {
    std::vector<vmid_t> vmids; ///< guests on this node; at least one
    std::string storage;       ///< target storage with `backup` content (empty: the node's vzdump default)
    backup_mode mode = backup_mode::snapshot;
    std::string compress = "zstd"; ///< 0 (none), gzip, lzo, zstd
    /// Notes of each backup; `{{guestname}}`, `{{vmid}}`, `{{node}}`, `{{cluster}}` are expanded.
    /// No line feeds (PVE refuses them).
    std::string notes_template;
    /// Prune older backups of each guest down to the newest N (`prune-backups=keep-last=N`);
    /// PVE lets only root@pam override the storage's retention this way.
    std::optional<unsigned> keep_last;
    /// false: do not prune at all (`remove=0`); PVE prunes by the storage's retention by default.
    bool remove = true;
    bool protect = false; ///< mark the new backups protected (never pruned)
};

/// What node_handle::async_restore_qemu / async_restore_lxc restore.
struct restore_options {
    std::string archive; ///< the backup volume, e.g. `local:backup/vzdump-qemu-101-....vma.zst`
    vmid_t vmid = 0;     ///< the guest to create (or overwrite with `force`)
    std::string storage; ///< where the disks go (empty: where they were)
    bool force = false;  ///< overwrite an existing, stopped guest with this VMID
    bool unique = false; ///< give the NICs new MAC addresses
    bool start = false;  ///< start the guest once restored
    std::string pool;    ///< add the guest to this pool
};

namespace detail {
void op_backup(const state_ptr& state, std::string node, backup_options opts, handler<task_handle> h);
void op_restore(
    const state_ptr& state, std::string node, bool container, restore_options opts, handler<task_handle> h);
} // namespace detail

} // namespace proxmox

#endif
