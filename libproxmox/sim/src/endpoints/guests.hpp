// What the guest endpoints share: status views (QemuServer.pm / LXC.pm vmstatus, API2Tools.pm
// extract_*_stats), config-file access, PVE's error texts for missing configs and locks, and
// the power-state transitions.
#ifndef PROXMOX_SIM_SRC_GUESTS_HPP
#define PROXMOX_SIM_SRC_GUESTS_HPP

#include "endpoints/handlers.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace proxmox::sim::detail {

// usage numbers derived from the model and the clock
double guest_cpu(const guest_state& g, epoch_seconds now);
std::uint64_t guest_mem(const guest_state& g, epoch_seconds now);
std::uint64_t guest_disk_used(const guest_state& g);
std::uint64_t node_mem(const cluster& c, const node_state& n, epoch_seconds now);
double node_cpu(const cluster& c, const node_state& n, epoch_seconds now);

/// What a node's guests add to its use: memory in bytes and busy vCPUs.
struct guest_load {
    std::uint64_t mem = 0;
    double busy = 0;
};
guest_load guest_load_on(const cluster& c, std::string_view node, epoch_seconds now);
/// Every node's guest load in one pass over the guests (cluster-wide views of large clusters).
std::map<std::string, guest_load, std::less<>> guest_loads(const cluster& c, epoch_seconds now);

/// QemuServer.pm vmstatus for one VM (GET /nodes/{node}/qemu; `full` adds qmpstatus & co).
boost::json::object qemu_status(const guest_state& g, epoch_seconds now, bool full);
/// LXC.pm vmstatus for one container (GET /nodes/{node}/lxc).
boost::json::object lxc_status(const guest_state& g, epoch_seconds now);
/// API2Tools.pm extract_node_stats / extract_vm_stats / extract_storage_stats (/cluster/resources).
boost::json::object node_entry(const cluster& c, const node_state& n, epoch_seconds now);
boost::json::object node_entry(const node_state& n, const guest_load& load, epoch_seconds now);
boost::json::object guest_entry(const guest_state& g, epoch_seconds now, bool node_offline = false);
boost::json::object storage_entry(const storage_def& s, const node_state& n);

/// `Configuration file 'nodes/NODE/qemu-server/VMID.conf' does not exist\n`
std::string missing_config(guest_kind kind, std::int64_t vmid, std::string_view node);
/// A die() text as the task log shows it: without the trailing newline.
std::string without_newline(std::string msg);

/// The guest `{vmid}` of `kind` whose config lives on the call's node (load_config), or a 500
/// with PVE's text.
guest_state& local_guest(call_context& ctx, guest_kind kind);

/// Rejects the listed parameters unless the caller is root@pam (400 "Only root may use this
/// option."), as the VM calls do for skiplock, migratedfrom & co.
void root_only(call_context& ctx, std::initializer_list<std::string_view> keys);

/// AbstractConfig check_lock: `VM is locked (clone)` / `CT is locked (backup)`, as a 500; the
/// text without newline for task logs is lock_message().
std::string lock_message(const guest_state& g);
void check_lock(const guest_state& g);

/// Marks a guest running on its node (new PID, load figures for a first start).
void start_guest(guest_state& g, cluster& c, epoch_seconds now);
/// What vm_start / vzstart do to the config before the guest boots (guest_config_qemu.cpp): apply
/// pending changes and regenerate the cloud-init drive. start_guest calls it.
void apply_pending_on_start(cluster& c, guest_state& g);
/// Marks a guest stopped.
void stop_guest(guest_state& g);

// the guest config file (`key: value` lines in file order)
std::optional<std::string> config_value(const guest_state& g, std::string_view key);
/// The value of `key=` in a property string (`virtio=...,bridge=vmbr0`), or for key "" the value
/// given without a key; nullopt when absent.
std::optional<std::string> property_value(std::string_view prop_string, std::string_view key);
/// Sets `key` (appends it when new, keeps its place otherwise).
void set_config_value(guest_state& g, std::string_view key, std::string value);
/// Removes `key`; false when it was not set.
bool erase_config_value(guest_state& g, std::string_view key);
/// Re-derives the fields the status views use (name, cores, memory, disk size, tags, agent,
/// template) from the config after it changed. The lock is not a config entry here:
/// guest_state::lock is its only home (config views add it as `lock`).
void sync_from_config(guest_state& g);

/// Applies the config parameters of a create or update call to `g` as qemu-server /
/// pve-container do (guest_config.cpp): parameters that are not config keys (node, vmid, pool,
/// start, archive, digest, ...) are ignored, new disks `STORAGE:SIZE_GB` are allocated as
/// volumes, NICs without a MAC get one, `delete` removes keys; raises PVE's errors. Calls
/// sync_from_config at the end.
void apply_config_params(call_context& ctx, guest_state& g, const boost::json::object& params, bool creating);

/// PVE::Tools::validate_ssh_public_keys on plain text (one key per line): 500 "SSH public key
/// validation error" when a line is not a key (qemu `sshkeys`, LXC `ssh-public-keys`).
void validate_ssh_key_lines(const std::string& keys);

} // namespace proxmox::sim::detail

#endif // PROXMOX_SIM_SRC_GUESTS_HPP
