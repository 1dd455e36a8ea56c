// What the snapshot, backup and storage endpoints share about guest volumes and configs.
#ifndef PROXMOX_SIM_SRC_VOLUMES_HPP
#define PROXMOX_SIM_SRC_VOLUMES_HPP

#include "endpoints/handlers.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace proxmox::sim::detail {

/// A disk or mount point of a guest config that lives on a storage.
struct guest_disk {
    std::string key;   ///< scsi0, rootfs, mp1, ...
    std::string volid; ///< local-lvm:vm-100-disk-0
};

/// The storage volumes of a config (foreach_volume without CD-ROMs, bind mounts and devices).
std::vector<guest_disk> guest_disks(guest_kind kind, const config_entries& config);

/// `unused0`, `unused1`, ...
bool is_unused_key(std::string_view key);

/// The volume name of a volid as the storage knows it (the LV of a linked clone without its base).
std::string volume_name(std::string_view volid);

/// The storage a volid lives on, or nullptr.
const storage_def* volume_storage(const cluster& c, std::string_view volid);

/// Config entries as the config GET calls return them: numbers and booleans of the guest config
/// schema as JSON numbers, everything else as strings.
boost::json::object config_object(guest_kind kind, const config_entries& entries);

/// The storage administration endpoints (storage_admin.cpp): storage lists and status, volume
/// attributes and deletion; backup_endpoints() includes them.
std::vector<handler_entry> storage_admin_endpoints();

/// Adds `delta` bytes (negative: frees) to the usage of `storage` on `node`; the `local` directory
/// storage shares the root file system with the node.
void add_storage_usage(node_state& node, std::string_view storage, std::int64_t delta);

} // namespace proxmox::sim::detail

#endif // PROXMOX_SIM_SRC_VOLUMES_HPP
