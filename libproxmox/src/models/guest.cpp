#include "core/json_read.hpp"

#include <proxmox/models/guest.hpp>
#include <proxmox/models/version.hpp>

#include <boost/json/value_to.hpp>

namespace proxmox {
using namespace detail;

std::string_view to_string(guest_type t) noexcept {
    return t == guest_type::qemu ? "qemu" : "lxc";
}

std::string_view to_string(power_action a) noexcept {
    switch (a) {
    case power_action::start:
        return "start";
    case power_action::stop:
        return "stop";
    case power_action::shutdown:
        return "shutdown";
    case power_action::reboot:
        return "reboot";
    case power_action::reset:
        return "reset";
    case power_action::suspend:
        return "suspend";
    case power_action::resume:
        return "resume";
    }
    return "start";
}

guest_summary tag_invoke(boost::json::value_to_tag<guest_summary>, const boost::json::value& v) {
    const auto& o = as_object_or_empty(v);
    guest_summary g;
    g.vmid = static_cast<vmid_t>(read_uint(o, "vmid"));
    g.name = read_string(o, "name");
    g.node = read_string(o, "node");
    g.type = read_string(o, "type") == "lxc" ? guest_type::lxc : guest_type::qemu;
    g.status = read_string(o, "status");
    g.is_template = read_bool(o, "template");
    g.cpu = read_double(o, "cpu");
    g.cpus = static_cast<std::uint32_t>(read_uint(o, o.contains("cpus") ? "cpus" : "maxcpu"));
    g.mem = read_uint(o, "mem");
    g.maxmem = read_uint(o, "maxmem");
    g.disk = read_uint(o, "disk");
    g.maxdisk = read_uint(o, "maxdisk");
    g.uptime = read_uint(o, "uptime");
    g.netin = read_uint(o, "netin");
    g.netout = read_uint(o, "netout");
    g.lock = read_string(o, "lock");
    g.tags = read_string(o, "tags");
    g.pool = read_string(o, "pool");
    g.raw = o;
    return g;
}

void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const guest_summary& g) {
    boost::json::object o{{"vmid", g.vmid},     {"name", g.name},
                          {"node", g.node},     {"type", to_string(g.type)},
                          {"status", g.status}, {"template", g.is_template},
                          {"cpu", g.cpu},       {"cpus", g.cpus},
                          {"mem", g.mem},       {"maxmem", g.maxmem},
                          {"disk", g.disk},     {"maxdisk", g.maxdisk},
                          {"uptime", g.uptime}};
    if (!g.lock.empty())
        o["lock"] = g.lock;
    if (!g.tags.empty())
        o["tags"] = g.tags;
    if (!g.pool.empty())
        o["pool"] = g.pool;
    v = std::move(o);
}

namespace {

/// The typed fields of a cluster resource entry (everything but `raw`), read in one pass over its
/// members: a 10,000-guest answer is 10,000 of these, and a lookup per field was most of the cost.
cluster_resource typed_fields(const boost::json::object& o) {
    cluster_resource r;
    for (const auto& member : o) {
        const std::string_view key = member.key();
        const auto& v = member.value();
        if (key == "id")
            r.id = to_text(v);
        else if (key == "type")
            r.type = to_text(v);
        else if (key == "node")
            r.node = to_text(v);
        else if (key == "status")
            r.status = to_text(v);
        else if (key == "vmid") {
            if (auto id = to_int(v))
                r.vmid = static_cast<vmid_t>(*id);
        } else if (key == "name")
            r.name = to_text(v);
        else if (key == "storage")
            r.storage = to_text(v);
        else if (key == "template")
            r.is_template = to_int(v).value_or(0) != 0;
        else if (key == "cpu")
            r.cpu = to_double(v).value_or(0);
        else if (key == "maxcpu")
            r.maxcpu = static_cast<std::uint32_t>(to_uint(v));
        else if (key == "mem")
            r.mem = to_uint(v);
        else if (key == "maxmem")
            r.maxmem = to_uint(v);
        else if (key == "disk")
            r.disk = to_uint(v);
        else if (key == "maxdisk")
            r.maxdisk = to_uint(v);
        else if (key == "uptime")
            r.uptime = to_uint(v);
        else if (key == "pool")
            r.pool = to_text(v);
        else if (key == "tags")
            r.tags = to_text(v);
        else if (key == "lock")
            r.lock = to_text(v);
    }
    return r;
}

} // namespace

cluster_resource cluster_resource::from_json(boost::json::object entry) {
    cluster_resource r = typed_fields(entry);
    r.raw = std::move(entry);
    return r;
}

cluster_resource tag_invoke(boost::json::value_to_tag<cluster_resource>, const boost::json::value& v) {
    const auto& o = as_object_or_empty(v);
    cluster_resource r = typed_fields(o);
    r.raw = o;
    return r;
}

namespace {

/// A guest_summary from the typed fields (what value_to<guest_summary> reads from the same entry),
/// without `raw`.
guest_summary guest_fields(const cluster_resource& r) {
    guest_summary g;
    g.vmid = r.vmid.value_or(0);
    g.name = r.name;
    g.node = r.node;
    g.type = r.type == "lxc" ? guest_type::lxc : guest_type::qemu;
    g.status = r.status;
    g.is_template = r.is_template;
    g.cpu = r.cpu;
    g.cpus = r.raw.contains("cpus") ? static_cast<std::uint32_t>(read_uint(r.raw, "cpus")) : r.maxcpu;
    g.mem = r.mem;
    g.maxmem = r.maxmem;
    g.disk = r.disk;
    g.maxdisk = r.maxdisk;
    g.uptime = r.uptime;
    g.netin = read_uint(r.raw, "netin");
    g.netout = read_uint(r.raw, "netout");
    g.lock = r.lock;
    g.tags = r.tags;
    g.pool = r.pool;
    return g;
}

} // namespace

guest_summary cluster_resource::to_guest() const& {
    auto g = guest_fields(*this);
    g.raw = raw;
    return g;
}

guest_summary cluster_resource::to_guest() && {
    auto g = guest_fields(*this);
    g.raw = std::move(raw);
    return g;
}

version_info tag_invoke(boost::json::value_to_tag<version_info>, const boost::json::value& v) {
    const auto& o = as_object_or_empty(v);
    return {read_string(o, "version"), read_string(o, "release"), read_string(o, "repoid"), o};
}

} // namespace proxmox
