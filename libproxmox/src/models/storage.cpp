#include "core/json_read.hpp"

#include <proxmox/models/storage.hpp>

#include <boost/json/value_to.hpp>

#include <algorithm>

namespace proxmox {
using namespace detail;

bool storage_usage::holds(std::string_view content_type) const {
    return std::find(content.begin(), content.end(), content_type) != content.end();
}

storage_usage tag_invoke(boost::json::value_to_tag<storage_usage>, const boost::json::value& v) {
    const auto& o = as_object_or_empty(v);
    storage_usage s;
    s.storage = read_string(o, "storage");
    s.type = read_string(o, "type");
    const auto content = read_string(o, "content");
    for (std::size_t start = 0; start < content.size();) {
        const auto comma = std::min(content.find(',', start), content.size());
        if (comma > start)
            s.content.push_back(content.substr(start, comma - start));
        start = comma + 1;
    }
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
