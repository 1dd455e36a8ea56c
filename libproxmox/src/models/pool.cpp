#include "core/json_read.hpp"

#include <proxmox/models/pool.hpp>

#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

namespace proxmox {
using namespace detail;

std::vector<vmid_t> pool_info::vmids() const {
    std::vector<vmid_t> out;
    for (const auto& m : members)
        if (m.is_guest() && m.vmid)
            out.push_back(*m.vmid);
    return out;
}

std::vector<std::string> pool_info::storages() const {
    std::vector<std::string> out;
    for (const auto& m : members)
        if (m.type == "storage")
            out.push_back(m.storage);
    return out;
}

pool_info tag_invoke(boost::json::value_to_tag<pool_info>, const boost::json::value& v) {
    const auto& o = as_object_or_empty(v);
    pool_info p;
    p.poolid = read_string(o, "poolid");
    p.comment = read_string(o, "comment");
    if (const auto* members = o.if_contains("members"); members && members->is_array()) {
        p.members = boost::json::value_to<std::vector<cluster_resource>>(*members);
        p.members_read = true;
    }
    p.raw = o;
    return p;
}

void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const pool_info& p) {
    boost::json::array members;
    for (const auto& m : p.members)
        members.push_back(m.raw);
    v = boost::json::object{{"poolid", p.poolid}, {"comment", p.comment}, {"members", std::move(members)}};
}

} // namespace proxmox
