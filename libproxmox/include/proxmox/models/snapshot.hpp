#ifndef PROXMOX_MODELS_SNAPSHOT_HPP
#define PROXMOX_MODELS_SNAPSHOT_HPP

#include <proxmox/error.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace proxmox {

/// snapshot_handle::async_create.
struct snapshot_create_options {
    std::string description;
    bool vmstate = false; ///< VMs only: save the RAM too, so a rollback resumes the running VM
};

/// snapshot_handle::async_delete.
struct snapshot_delete_options {
    bool force = false; ///< remove it from the config even if removing the disk snapshots fails
};

/// snapshot_handle::async_rollback.
struct snapshot_rollback_options {
    bool start = false; ///< start the guest afterwards (a VM snapshot with vmstate resumes anyway)
};

/// One entry of `GET /nodes/{node}/{qemu|lxc}/{vmid}/snapshot`. PVE ends the list with a
/// pseudo entry `current` ("You are here!") whose `parent` is the newest snapshot.
struct snapshot_info {
    std::string name;
    std::string description;
    std::optional<std::int64_t> snaptime; ///< Unix epoch seconds; unset for `current`
    bool vmstate = false;                 ///< QEMU: the VM's RAM was saved with it
    std::string parent;                   ///< the snapshot this one was taken on top of
    bool is_current = false;              ///< the `current` pseudo entry, not a snapshot
    boost::json::object raw;
};

snapshot_info tag_invoke(boost::json::value_to_tag<snapshot_info>, const boost::json::value& v);

/// PVE's rule for snapshot names (pve-snapshot-name): a letter first, then letters, digits,
/// `_` or `-`, at most 40 characters, and not `current`. errc::invalid_argument saying which.
result<void> check_snapshot_name(std::string_view name);

} // namespace proxmox

#endif
