#ifndef PROXMOX_MODELS_STORAGE_HPP
#define PROXMOX_MODELS_STORAGE_HPP

#include <proxmox/types.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace proxmox {

/// A storage's state on one node: an entry of `GET /nodes/{node}/storage`, or
/// `GET /nodes/{node}/storage/{storage}/status` (which has no `storage` key; the handle fills it).
struct storage_usage {
    std::string storage;
    std::string type;                 ///< dir, lvmthin, zfspool, nfs, pbs, ...
    std::vector<std::string> content; ///< images, rootdir, iso, vztmpl, backup, snippets, import
    std::uint64_t total = 0;          ///< bytes
    std::uint64_t used = 0;
    std::uint64_t avail = 0;
    bool active = false;
    bool enabled = false;
    bool shared = false;
    boost::json::object raw;

    bool holds(std::string_view content_type) const;
};

/// One volume of `GET /nodes/{node}/storage/{storage}/content`.
struct storage_volume {
    std::string volid;   ///< `local:backup/vzdump-qemu-100-....vma.zst`, `local-lvm:vm-100-disk-0`
    std::string content; ///< images, rootdir, iso, vztmpl, backup, ...
    std::string format;  ///< raw, qcow2, iso, tzst, vma.zst, tar.zst, ...
    std::uint64_t size = 0;
    std::int64_t ctime = 0;     ///< Unix epoch seconds
    std::optional<vmid_t> vmid; ///< owner (disks, backups)
    std::string notes;          ///< backups: the notes vzdump wrote
    std::string subtype;        ///< backups: qemu or lxc
    bool is_protected = false;  ///< backups: excluded from pruning
    boost::json::object raw;
};

/// Which storages node_handle::async_storages lists (`GET /nodes/{node}/storage` filters).
struct storage_filter {
    std::string content; ///< only storages allowing this content type (e.g. `backup`)
    bool enabled_only = false;
    std::string storage; ///< only this storage
};

/// Which volumes storage_handle::async_content lists.
struct content_filter {
    std::string content; ///< only this content type (`backup`, `iso`, `images`, ...)
    vmid_t vmid = 0;     ///< only this guest's volumes (0: all)
};

storage_usage tag_invoke(boost::json::value_to_tag<storage_usage>, const boost::json::value& v);
storage_volume tag_invoke(boost::json::value_to_tag<storage_volume>, const boost::json::value& v);

} // namespace proxmox

#endif
