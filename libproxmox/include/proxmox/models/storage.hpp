#ifndef PROXMOX_MODELS_STORAGE_HPP
#define PROXMOX_MODELS_STORAGE_HPP

#include <proxmox/types.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
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
    /// A `type: storage` entry of `GET /cluster/resources` (`maxdisk`/`disk` as total/used).
    static storage_usage from_cluster_resource(const boost::json::object& entry);
};

/// A storage's definition in the datacenter (`storage.cfg`): an entry of `GET /storage`, and
/// with storage_list_options::with_usage its state on each node that has it.
struct storage_config {
    std::string storage;
    std::string type;                 ///< dir, lvmthin, zfspool, nfs, pbs, ...
    std::vector<std::string> content; ///< images, rootdir, iso, vztmpl, backup, snippets, import
    bool shared = false;              ///< the same data on every node (network or cluster storage)
    bool disabled = false;
    std::vector<std::string> nodes; ///< the nodes that may use it; empty: all nodes
    std::string path;               ///< dir, nfs, cifs, ...: where it is mounted
    /// Usage by node name, when asked for (from GET /cluster/resources?type=storage): only
    /// nodes that report the storage, so a disabled or unreachable one is absent.
    std::map<std::string, storage_usage> usage;
    boost::json::object raw; ///< every key of the definition, type-specific ones included

    bool holds(std::string_view content_type) const;
    /// Whether `node` may use it (its node list is empty or names the node).
    bool available_on(std::string_view node) const;
};

/// What client::async_storages lists.
struct storage_list_options {
    std::string type;        ///< only storages of this type (`dir`, `lvmthin`, `nfs`, ...)
    bool with_usage = false; ///< also read each node's usage (one more request)
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
storage_config tag_invoke(boost::json::value_to_tag<storage_config>, const boost::json::value& v);
storage_volume tag_invoke(boost::json::value_to_tag<storage_volume>, const boost::json::value& v);

} // namespace proxmox

#endif
