#ifndef PROXMOX_MODELS_LXC_CONFIG_HPP
#define PROXMOX_MODELS_LXC_CONFIG_HPP

// A container's configuration (`GET /nodes/{node}/lxc/{vmid}/config`) with typed access to its
// volumes and NICs, and changes to it. The options of lxc_handle's operations are in lxc_options.hpp.

#include <proxmox/error.hpp>
#include <proxmox/models/config_change.hpp>
#include <proxmox/models/guest_devices.hpp>
#include <proxmox/models/property_string.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace proxmox {

/// A container volume: `rootfs` or a mount point `mpN`, e.g.
/// `local-lvm:vm-200-disk-0,size=8G` or `local-lvm:vm-200-disk-1,mp=/srv,backup=1`.
struct lxc_volume {
    /// The backing volume (`local-lvm:vm-200-disk-0`), a host path for bind mounts, or for a new
    /// volume `STORAGE:SIZE_IN_GiB` (see new_volume()).
    std::string volume;
    std::string mp;                  ///< mount path inside the container (mount points only)
    std::optional<std::string> size; ///< as PVE reports it (`8G`); informational
    std::optional<bool> backup;      ///< mount points: include in backups
    std::optional<bool> ro;          ///< read-only
    property_string other;           ///< keys not modelled here (acl, quota, ...), written back as they are

    /// A new volume of `size_gib` GiB on `storage` (`local-lvm:8`), mounted at `mount_path`
    /// (leave empty for rootfs).
    static lxc_volume
    new_volume(std::string_view storage, std::uint64_t size_gib, std::string mount_path = {});

    /// The `rootfs`/`mpN` value; errc::invalid_argument naming the field for an empty volume or
    /// a value with `,` or `=` in it.
    result<std::string> to_property_string() const;
    static result<lxc_volume> parse(std::string_view text);
};

/// `GET /nodes/{node}/lxc/{vmid}/config`. Missing keys keep PVE's defaults.
struct lxc_config {
    std::string digest; ///< pass back with an update to refuse it when someone changed the config meanwhile
    std::string hostname;
    std::optional<std::uint32_t> cores; ///< unset: all host cores
    std::uint64_t memory = 512;         ///< MiB
    std::uint64_t swap = 512;           ///< MiB
    std::string ostype;
    std::string arch;
    bool unprivileged = false;
    bool onboot = false;
    bool protection = false;
    bool is_template = false;
    std::string description;
    std::string tags; ///< `;`-separated
    std::string lock; ///< empty when not locked
    std::string rootfs_text;
    std::map<int, std::string> mp_text;  ///< mpN values as PVE sent them
    std::map<int, std::string> net_text; ///< netN values as PVE sent them
    boost::json::object raw;             ///< the whole answer, unknown keys included

    /// The root volume; errc::not_found when the config has none.
    result<lxc_volume> rootfs() const;
    /// The mount points by N; an unparsable value is an errc::invalid_argument naming `mpN`.
    result<std::map<int, lxc_volume>> mount_points() const;
    /// The NICs by N; an unparsable value is an errc::invalid_argument naming `netN`.
    result<std::map<int, lxc_nic>> nets() const;
    /// `rootfs` and the mount points by key (`rootfs`, `mp0`, ...), as qemu_config::disks()
    /// gives a VM's drives; an unparsable value is an errc::invalid_argument naming the key.
    result<std::map<std::string, lxc_volume>> disks() const;
    /// Any key as PVE's text (numbers and booleans as text), like qemu_config::get().
    std::optional<std::string> get(std::string_view key) const;
};

/// A change of a container's configuration: keys to set (as PVE's text, or through the typed
/// helpers) and keys to delete, checked against the container config keys of PVE's schema. An
/// invalid key or device is remembered as problem(); lxc_handle::async_update_config then fails
/// with it.
class lxc_config_update : public detail::config_change {
public:
    lxc_config_update();

    /// Sets `key` to `value` as PVE's text (`"2"`, `"1"`, a property string); replaces an earlier set.
    lxc_config_update& set(std::string key, std::string value);
    lxc_config_update& set_nic(int index, const lxc_nic& nic);
    /// Sets mount point `mpN` (use set_rootfs for the root volume).
    lxc_config_update& set_mount_point(int index, const lxc_volume& volume);
    lxc_config_update& set_rootfs(const lxc_volume& volume);
    /// Deletes `key` (PVE's `delete` list), e.g. `mp1`, `net1`, `description`.
    lxc_config_update& remove(std::string key);
};

lxc_config tag_invoke(boost::json::value_to_tag<lxc_config>, const boost::json::value& v);

} // namespace proxmox

#endif
