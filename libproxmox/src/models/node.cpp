#include "core/json_read.hpp"

#include <proxmox/models/node.hpp>

#include <boost/json/value_from.hpp>

namespace proxmox {
using namespace detail;

node_summary tag_invoke(boost::json::value_to_tag<node_summary>, const boost::json::value& v) {
    const auto& o = as_object_or_empty(v);
    node_summary n;
    n.node = read_string(o, "node");
    n.status = read_string(o, "status");
    n.cpu = read_double(o, "cpu");
    n.maxcpu = static_cast<std::uint32_t>(read_uint(o, "maxcpu"));
    n.mem = read_uint(o, "mem");
    n.maxmem = read_uint(o, "maxmem");
    n.disk = read_uint(o, "disk");
    n.maxdisk = read_uint(o, "maxdisk");
    n.uptime = read_uint(o, "uptime");
    n.level = read_string(o, "level");
    n.ssl_fingerprint = read_string(o, "ssl_fingerprint");
    n.raw = o;
    return n;
}

node_status tag_invoke(boost::json::value_to_tag<node_status>, const boost::json::value& v) {
    const auto& o = as_object_or_empty(v);
    node_status s;
    s.cpu = read_double(o, "cpu");
    if (const auto* load = o.if_contains("loadavg"); load && load->is_array())
        for (const auto& x : load->get_array())
            s.loadavg.push_back(to_double(x).value_or(0));
    const auto& memory = child_object(o, "memory");
    s.memory_total = read_uint(memory, "total");
    s.memory_used = read_uint(memory, "used");
    s.memory_free = read_uint(memory, "free");
    const auto& swap = child_object(o, "swap");
    s.swap_total = read_uint(swap, "total");
    s.swap_used = read_uint(swap, "used");
    const auto& rootfs = child_object(o, "rootfs");
    s.rootfs_total = read_uint(rootfs, "total");
    s.rootfs_used = read_uint(rootfs, "used");
    s.uptime = read_uint(o, "uptime");
    s.kversion = read_string(o, "kversion");
    s.pveversion = read_string(o, "pveversion");
    const auto& cpuinfo = child_object(o, "cpuinfo");
    s.cpu_model = read_string(cpuinfo, "model");
    s.cpus = static_cast<std::uint32_t>(read_uint(cpuinfo, "cpus"));
    s.sockets = static_cast<std::uint32_t>(read_uint(cpuinfo, "sockets"));
    s.raw = o;
    return s;
}

void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const node_summary& n) {
    v = boost::json::object{{"node", n.node},     {"status", n.status},   {"cpu", n.cpu},
                            {"maxcpu", n.maxcpu}, {"mem", n.mem},         {"maxmem", n.maxmem},
                            {"disk", n.disk},     {"maxdisk", n.maxdisk}, {"uptime", n.uptime}};
}

void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const node_status& s) {
    v = boost::json::object{
        {"cpu", s.cpu},
        {"loadavg", boost::json::value_from(s.loadavg)},
        {"memory", {{"total", s.memory_total}, {"used", s.memory_used}, {"free", s.memory_free}}},
        {"swap", {{"total", s.swap_total}, {"used", s.swap_used}}},
        {"rootfs", {{"total", s.rootfs_total}, {"used", s.rootfs_used}}},
        {"uptime", s.uptime},
        {"kversion", s.kversion},
        {"pveversion", s.pveversion},
        {"cpuinfo", {{"model", s.cpu_model}, {"cpus", s.cpus}, {"sockets", s.sockets}}}};
}

} // namespace proxmox
