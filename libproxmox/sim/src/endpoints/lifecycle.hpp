// What the guest lifecycle handlers (lifecycle*.cpp) share: cluster-wide VMID and pool checks,
// drive and volume helpers, generated MACs and UUIDs, and the task patterns they all use.
#ifndef PROXMOX_SIM_SRC_LIFECYCLE_HPP
#define PROXMOX_SIM_SRC_LIFECYCLE_HPP

#include "endpoints/guest_config.hpp"
#include "endpoints/guests.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace proxmox::sim::detail::lifecycle {

/// "VM" or "CT", as AbstractConfig guest_type prints it.
constexpr std::string_view guest_type(guest_kind k) {
    return k == guest_kind::qemu ? "VM" : "CT";
}

unsigned vmid_param(call_context& ctx, std::string_view key = "vmid");

/// PVE::Cluster::check_vmid_unused: the error text when `vmid` is taken, else nullopt.
std::optional<std::string> vmid_in_use(const cluster& c, unsigned vmid);

/// RPCEnvironment check_pool_exist: 403 `Permission check failed (pool 'x' does not exist)`.
void check_pool_exist(const cluster& c, const std::optional<std::string>& pool);
/// AccessControl add_vm_to_pool / remove_vm_access (ACL entries on /vms/N and pool membership).
void add_vm_to_pool(cluster& c, const std::string& pool, unsigned vmid);
void remove_vm_access(cluster& c, unsigned vmid);

/// PVE::Storage::storage_config: the storage or 500 `storage 'x' does not exist`.
const storage_def& storage_config(const cluster& c, std::string_view id);
bool has_content(const storage_def& s, std::string_view content);

/// Config keys that hold volumes: qemu drives (ide, sata, scsi, virtio, efidisk, tpmstate) or
/// container mount points (rootfs, mpN).
bool is_volume_key(guest_kind kind, std::string_view key);
/// The volume of a drive or mount point value (the default key, before the first comma).
std::string volume_of(std::string_view value);
/// `value` with its volume replaced.
std::string with_volume(std::string_view value, std::string_view volid);
bool is_cdrom(std::string_view value);
/// `value` with `key=` set (replaced, or appended).
std::string with_property(std::string_view value, std::string_view key, std::string_view v);

/// The volumes a guest's config references on storages (no CD-ROMs, no `none`), in key order.
std::vector<std::pair<std::string, std::string>> guest_volumes(const guest_state& g);
/// The next free `vm-N-disk-K` (or `base-N-disk-K`) name for `vmid` in `config`.
std::string next_disk_name(const config_entries& config, unsigned vmid, bool base);
/// Allocates the `STORAGE:SIZE` volumes of a new config (create_disks): `local-lvm:8` becomes
/// `local-lvm:vm-N-disk-0,size=8G`; appends lvcreate's output to `log`.
void allocate_new_volumes(guest_state& g, const cluster& c, std::vector<std::string>& log);

/// PVE::Tools::random_ether_addr with Proxmox's prefix BC:24:11; UUIDs for smbios1/vmgenid.
std::string random_mac(cluster& c, unsigned salt);
std::string random_uuid(cluster& c, unsigned salt);

/// A `netN` value with a new random MAC (qemu: `model=MAC` / `macaddr=`, lxc: `hwaddr=`).
std::string with_new_mac(cluster& c, guest_kind kind, std::string_view value, unsigned salt);
/// parse_volname's content type of a volume: iso, vztmpl, backup, import, snippets or images.
std::string volume_type(std::string_view volid);
/// The file of a directory-storage volume on `node`, or nullptr.
const volume_state* find_volume(const node_state& node, std::string_view volid);
/// create_disks on an existing volume (an ISO image): the drive with volume_size_info's `size=`;
/// unchanged when the volume is no file the node holds.
std::string with_existing_volume_size(const node_state& node, const std::string& drive);
/// The path PVE::Storage::path gives a directory-storage volume.
std::string volume_path(const cluster& c, std::string_view volid);

/// What lvremove prints for each volume of a guest being destroyed.
std::vector<std::string> removal_lines(const guest_state& g);
/// QemuServer/LXC template_create on lvmthin: the disks (or only `only_disk`) become base
/// volumes, `template: 1` is set; returns lvrename's output.
std::vector<std::string> convert_to_template(guest_state& g,
                                             const std::optional<std::string>& only_disk = {});

/// Sorts config keys as PVE writes them (write_vm_config / write_pct_config).
void sort_config(guest_state& g);

/// `2025-01-01 12:00:00 `: the prefix migration logs put on each line.
std::string log_time(epoch_seconds t);
/// PVE::Tools::render_bytes: `32.0 GiB`.
std::string render_bytes(std::uint64_t bytes);

/// A worker that ends at once with `error` (a check the real worker does first failed).
std::string failing_worker(call_context& ctx,
                           node_state& node,
                           std::string type,
                           unsigned vmid,
                           std::string error,
                           std::vector<std::string> log = {});

// the endpoint tables of lifecycle.cpp, lifecycle_create.cpp and lifecycle_clone.cpp
std::vector<handler_entry> power_delete_endpoints();
std::vector<handler_entry> create_endpoints();
std::vector<handler_entry> clone_migrate_endpoints();

} // namespace proxmox::sim::detail::lifecycle

#endif // PROXMOX_SIM_SRC_LIFECYCLE_HPP
