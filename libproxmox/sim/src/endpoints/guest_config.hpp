// What the guest config files (guest_config*.cpp) share: the config file as PVE writes it and its
// digest, pending changes, property strings, disk sizes and volume allocation.
#ifndef PROXMOX_SIM_SRC_GUEST_CONFIG_HPP
#define PROXMOX_SIM_SRC_GUEST_CONFIG_HPP

#include "endpoints/guests.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace proxmox::sim::detail {

/// The config file text as QemuServer.pm write_vm_config / LXC/Config.pm write_pct_config produce
/// it (sorted keys, description as comments, [PENDING], [special:cloudinit], snapshot sections).
std::string config_file_text(const guest_state& g);
/// SHA-1 hex of the config file: the `digest` of GET .../config.
std::string config_digest(const guest_state& g);

/// A config value as parse_vm_config / parse_pct_config hand it out: integers and booleans of
/// the config schema as JSON numbers, everything else as the string of the file.
boost::json::value typed_config_value(guest_kind kind, std::string_view key, const std::string& value);
/// Whether `key` is a config option of `kind` (option_exists).
bool config_option_exists(guest_kind kind, std::string_view key);

// pending changes (AbstractConfig add_to_pending_delete & co); a forced delete is stored as "!key"
std::optional<std::string> pending_value(const guest_state& g, std::string_view key);
void set_pending_value(guest_state& g, std::string_view key, std::string value);
bool erase_pending_value(guest_state& g, std::string_view key);
/// nullopt: not marked for deletion, else whether the delete is forced.
std::optional<bool> pending_delete(const guest_state& g, std::string_view key);
void add_to_pending_delete(guest_state& g, std::string_view key, bool force);
void remove_from_pending_delete(guest_state& g, std::string_view key);
/// AbstractConfig cleanup_pending: drops pending values equal to the current ones and deletes
/// of keys that are not set.
void cleanup_pending(guest_state& g);
bool has_pending(const guest_state& g);

// property strings
using property_list = std::vector<std::pair<std::string, std::string>>;
std::optional<std::string> property_value(const property_list& props, std::string_view key);
void set_property_value(property_list& props, std::string_view key, std::string value);
/// JSONSchema.pm print_property_string: the default key's value first, then `first` keys, then the
/// rest sorted.
std::string print_properties(const property_list& props,
                             std::string_view default_key,
                             std::initializer_list<std::string_view> first = {});

/// JSONSchema.pm parse_size (K/M/G/T suffix) and format_size.
std::optional<std::uint64_t> parse_disk_size(std::string_view text);
std::string format_disk_size(std::uint64_t bytes);

/// `^(([^/:\s]+):)?(\d+(\.\d+)?)$` (Drive.pm NEW_DISK_RE): storage and size in GiB of a new disk.
std::optional<std::pair<std::string, double>> new_disk_request(std::string_view volume);
/// Allocates `vm-VMID-disk-N` on `storage` for `g` (size in bytes), accounts the storage usage on
/// the guest's node and returns the volid; `log` gets lvcreate's output. Raises PVE's errors for
/// unknown storages and storages without the content type.
std::string allocate_volume(cluster& c,
                            guest_state& g,
                            const std::string& storage,
                            std::uint64_t size,
                            std::vector<std::string>& log);
/// Frees a volume the guest owns (vdisk_free), giving its space back.
void free_volume(cluster& c, guest_state& g, std::string_view volid, std::uint64_t size);
/// QemuConfig/LXC::Config add_unused_volume: the lowest free unusedN.
void add_unused_volume(guest_state& g, std::string_view volid);
/// Whether `volid` belongs to the guest (vm-VMID-... / base-VMID-...).
bool guest_owns_volume(const guest_state& g, std::string_view volid);

/// PVE::Tools::random_ether_addr with the Proxmox prefix BC:24:11.
std::string generate_mac(cluster& c, const guest_state& g, std::string_view salt);

/// A `netN` value as parse_net/print_net (qemu: `model=MAC,...`) or parse_lxc_network/
/// print_lxc_network (lxc: `name=..,...,hwaddr=..,type=veth`) leave it, with a MAC generated when
/// there is none.
std::string normalize_net(cluster& c, const guest_state& g, std::string_view key, std::string_view value);
/// qemu-server Drive.pm is_valid_drivename (ide0-3, sata0-5, scsi0-30, virtio0-15, efidisk0, tpmstate0).
bool is_qemu_drive_key(std::string_view key);

/// PVE::Tools::split_list: items separated by commas, semicolons or white space.
std::vector<std::string> split_config_list(std::string_view text);

// qemu drives (Drive.pm parse_drive, drive_is_cdrom, drive_is_cloudinit)
bool is_cdrom_drive(std::string_view value);
bool is_cloudinit_drive(std::string_view value);
std::string drive_volume(std::string_view value);
std::uint64_t drive_size(std::string_view value); ///< `size=` in bytes, 0 when unknown

/// vmconfig_hotplug_pending's $cloudinit_record_changed: keeps in the [special:cloudinit] section
/// what the cloud-init drive still has (old values, `added` keys) when a cloud-init option changes.
void record_cloudinit_change(guest_state& g,
                             const std::string& opt,
                             const std::optional<std::string>& old_value,
                             const std::optional<std::string>& new_value);
/// PVE::Tools::encrypt_pw: a `$5$salt$hash` crypt() string for cipassword.
std::string encrypt_password(std::string_view password, std::uint64_t salt_seed);
/// PVE::Tools::validate_ssh_public_keys on the URL-encoded `sshkeys` value (500 on a bad key).
void validate_ssh_keys(const std::string& urlencoded);

/// The lock lives in guest_state::lock; a config write sees it as the `lock` option. Moves it into
/// the config entries (`into_config`) or back out of them.
void lock_as_option(guest_state& g, bool into_config);

/// `name=value,...` of the call's parameters for the task log (`update VM 100: -cores 4`).
std::string task_param_text(const boost::json::object& params);

// the endpoint families of guest_config_qemu.cpp, guest_config_lxc.cpp, guest_config_cloudinit.cpp
boost::json::value put_qemu_config(call_context& ctx);
boost::json::value post_qemu_config(call_context& ctx);
boost::json::value put_qemu_resize(call_context& ctx);
boost::json::value put_lxc_config(call_context& ctx);
boost::json::value put_lxc_resize(call_context& ctx);
boost::json::value get_qemu_cloudinit(call_context& ctx);
boost::json::value put_qemu_cloudinit(call_context& ctx);
boost::json::value get_qemu_cloudinit_dump(call_context& ctx);

/// Whether the VM has a cloud-init drive (a `...:cloudinit` / `vm-N-cloudinit` volume).
bool has_cloudinit_drive(const guest_state& g);
/// QemuServer.pm cloudinit_pending_properties: options whose changes the cloud-init drive shows.
bool is_cloudinit_option(std::string_view key);

/// QemuConfig/LXC::Config apply of non-running guests' pending changes (vmconfig_apply_pending):
/// what a start does before it boots the guest.
void apply_pending_changes(cluster& c, guest_state& g, std::vector<std::string>& log);

} // namespace proxmox::sim::detail

#endif // PROXMOX_SIM_SRC_GUEST_CONFIG_HPP
