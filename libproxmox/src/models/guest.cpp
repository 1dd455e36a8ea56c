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

/// The typed fields of a cluster resource entry (everything but `raw`).
cluster_resource typed_fields(const boost::json::object& o) {
    cluster_resource r;
    r.id = read_string(o, "id");
    r.type = read_string(o, "type");
    r.node = read_string(o, "node");
    r.status = read_string(o, "status");
    if (auto id = read_optional_int(o, "vmid"))
        r.vmid = static_cast<vmid_t>(*id);
    r.name = read_string(o, "name");
    r.storage = read_string(o, "storage");
    r.is_template = read_bool(o, "template");
    r.cpu = read_double(o, "cpu");
    r.maxcpu = static_cast<std::uint32_t>(read_uint(o, "maxcpu"));
    r.mem = read_uint(o, "mem");
    r.maxmem = read_uint(o, "maxmem");
    r.disk = read_uint(o, "disk");
    r.maxdisk = read_uint(o, "maxdisk");
    r.uptime = read_uint(o, "uptime");
    r.pool = read_string(o, "pool");
    r.tags = read_string(o, "tags");
    r.lock = read_string(o, "lock");
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

guest_summary cluster_resource::to_guest() const {
    auto g = boost::json::value_to<guest_summary>(boost::json::value(raw));
    g.type = type == "lxc" ? guest_type::lxc : guest_type::qemu;
    return g;
}

version_info tag_invoke(boost::json::value_to_tag<version_info>, const boost::json::value& v) {
    const auto& o = as_object_or_empty(v);
    return {read_string(o, "version"), read_string(o, "release"), read_string(o, "repoid"), o};
}

} // namespace proxmox
