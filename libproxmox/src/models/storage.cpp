#include "core/json_read.hpp"

#include <proxmox/models/storage.hpp>

#include <boost/json/value_to.hpp>

#include <algorithm>

namespace proxmox {
using namespace detail;

namespace {

/// The items of PVE's comma lists (`images,rootdir`, `pve,pve2`), empty ones skipped.
std::vector<std::string> comma_list(const std::string& text) {
    std::vector<std::string> out;
    for (std::size_t start = 0; start < text.size();) {
        const auto comma = std::min(text.find(',', start), text.size());
        if (comma > start)
            out.push_back(text.substr(start, comma - start));
        start = comma + 1;
    }
    return out;
}

} // namespace

bool storage_usage::holds(std::string_view content_type) const {
    return std::find(content.begin(), content.end(), content_type) != content.end();
}

storage_usage storage_usage::from_cluster_resource(const boost::json::object& o) {
    storage_usage u;
    u.storage = read_string(o, "storage");
    u.type = read_string(o, "plugintype");
    u.content = comma_list(read_string(o, "content"));
    u.total = read_uint(o, "maxdisk");
    u.used = read_uint(o, "disk");
    u.avail = u.total > u.used ? u.total - u.used : 0;
    u.active = read_string(o, "status") == "available";
    u.enabled = true; // /cluster/resources lists enabled storages only
    u.shared = read_bool(o, "shared");
    u.raw = o;
    return u;
}

bool storage_config::holds(std::string_view content_type) const {
    return std::find(content.begin(), content.end(), content_type) != content.end();
}

bool storage_config::available_on(std::string_view node) const {
    return nodes.empty() || std::find(nodes.begin(), nodes.end(), node) != nodes.end();
}

storage_config tag_invoke(boost::json::value_to_tag<storage_config>, const boost::json::value& v) {
    const auto& o = as_object_or_empty(v);
    storage_config s;
    s.storage = read_string(o, "storage");
    s.type = read_string(o, "type");
    s.content = comma_list(read_string(o, "content"));
    s.shared = read_bool(o, "shared");
    s.disabled = read_bool(o, "disable");
    s.nodes = comma_list(read_string(o, "nodes"));
    s.path = read_string(o, "path");
    s.raw = o;
    return s;
}

storage_usage tag_invoke(boost::json::value_to_tag<storage_usage>, const boost::json::value& v) {
    const auto& o = as_object_or_empty(v);
    storage_usage s;
    s.storage = read_string(o, "storage");
    s.type = read_string(o, "type");
    s.content = comma_list(read_string(o, "content"));
    s.total = read_uint(o, "total");
    s.used = read_uint(o, "used");
    s.avail = read_uint(o, "avail");
    s.active = read_bool(o, "active");
    s.enabled = read_bool(o, "enabled");
    s.shared = read_bool(o, "shared");
    s.raw = o;
    return s;
}

storage_volume tag_invoke(boost::json::value_to_tag<storage_volume>, const boost::json::value& v) {
    const auto& o = as_object_or_empty(v);
    storage_volume s;
    s.volid = read_string(o, "volid");
    s.content = read_string(o, "content");
    s.format = read_string(o, "format");
    s.size = read_uint(o, "size");
    s.ctime = read_int(o, "ctime");
    if (auto id = read_optional_int(o, "vmid"); id && *id > 0)
        s.vmid = static_cast<vmid_t>(*id);
    s.notes = read_string(o, "notes");
    s.subtype = read_string(o, "subtype");
    s.is_protected = read_bool(o, "protected");
    s.raw = o;
    return s;
}

} // namespace proxmox
