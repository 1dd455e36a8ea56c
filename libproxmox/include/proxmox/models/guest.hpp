#ifndef PROXMOX_MODELS_GUEST_HPP
#define PROXMOX_MODELS_GUEST_HPP

#include <proxmox/types.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace proxmox {

enum class guest_type { qemu, lxc };

/// "qemu" / "lxc".
std::string_view to_string(guest_type t) noexcept;

/// A power action of `POST /nodes/{node}/{qemu|lxc}/{vmid}/status/{action}`. Containers have no
/// `reset`.
enum class power_action { start, stop, shutdown, reboot, reset, suspend, resume };

/// PVE's name of the action: "start", "stop", ...
std::string_view to_string(power_action a) noexcept;

/// A VM or container as `GET /nodes/{node}/qemu|lxc` and `/cluster/resources` describe it.
struct guest_summary {
    vmid_t vmid = 0;
    std::string name;
    std::string node; ///< filled from the URL for per-node lists
    guest_type type = guest_type::qemu;
    std::string status; ///< running, stopped, ...
    bool is_template = false;
    double cpu = 0; ///< fraction of the guest's vCPUs
    std::uint32_t cpus = 0;
    std::uint64_t mem = 0;
    std::uint64_t maxmem = 0;
    std::uint64_t disk = 0;
    std::uint64_t maxdisk = 0;
    std::uint64_t uptime = 0;
    std::uint64_t netin = 0;
    std::uint64_t netout = 0;
    std::string lock; ///< empty when not locked
    std::string tags; ///< `;`-separated
    std::string pool;
    boost::json::object raw;
};

/// One entry of `GET /cluster/resources`: node, guest, storage, pool or sdn.
struct cluster_resource {
    std::string id;   ///< `qemu/100`, `node/pve`, `storage/pve/local`, ...
    std::string type; ///< qemu, lxc, node, storage, pool, sdn, network
    std::string node;
    std::string status;
    std::optional<vmid_t> vmid;
    std::string name;
    std::string storage;
    bool is_template = false;
    double cpu = 0;
    std::uint32_t maxcpu = 0;
    std::uint64_t mem = 0;
    std::uint64_t maxmem = 0;
    std::uint64_t disk = 0;
    std::uint64_t maxdisk = 0;
    std::uint64_t uptime = 0;
    std::string pool;
    std::string tags;
    std::string lock;
    boost::json::object raw;

    bool is_guest() const noexcept { return type == "qemu" || type == "lxc"; }
    /// One entry of `GET /cluster/resources`; the object becomes `raw` (moved, not copied).
    static cluster_resource from_json(boost::json::object entry);
    /// The guest view of a qemu/lxc entry (its `raw` copied; `std::move(r).to_guest()` moves it).
    guest_summary to_guest() const&;
    guest_summary to_guest() &&;
};

/// `GET /cluster/resources?type=...`. `sdn` finds the `sdn` entries of nodes before PVE 9 only; 9.x
/// nodes report their zones as `network` entries, which only `all` lists.
enum class resource_filter { all, vm, storage, node, sdn };

guest_summary tag_invoke(boost::json::value_to_tag<guest_summary>, const boost::json::value& v);
cluster_resource tag_invoke(boost::json::value_to_tag<cluster_resource>, const boost::json::value& v);
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const guest_summary& g);

/// Picks a guest by vmid or by name (optionally on one node), as the MCP tools and users do.
struct guest_selector {
    std::optional<vmid_t> vmid;
    std::string name; ///< with a vmid too: must be that guest's name (a check, not a second key)
    std::string node; ///< optional: restricts the search to one node
    std::optional<guest_type> type; ///< optional: only VMs or only containers
};

} // namespace proxmox

#endif
