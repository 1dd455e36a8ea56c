#ifndef PROXMOX_MODELS_POOL_HPP
#define PROXMOX_MODELS_POOL_HPP

#include <proxmox/models/guest.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <vector>

namespace proxmox {

/// A resource pool. Members are guests (`type` qemu/lxc, with `vmid`) and storages (`type`
/// storage), described as `/cluster/resources` describes them.
struct pool_info {
    std::string poolid; ///< `dev`, or `dev/web` for a nested pool
    std::string comment;
    std::vector<cluster_resource> members;
    bool members_read = false; ///< false when only the pool list was read (members unknown)
    boost::json::object raw;

    /// The member VMIDs (guests only).
    std::vector<vmid_t> vmids() const;
    /// The member storage ids.
    std::vector<std::string> storages() const;
};

pool_info tag_invoke(boost::json::value_to_tag<pool_info>, const boost::json::value& v);
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const pool_info& p);

} // namespace proxmox

#endif
