#include "core/json_read.hpp"

#include <proxmox/models/network.hpp>

#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

namespace proxmox {
using namespace detail;

std::string_view to_string(network_filter f) noexcept {
    switch (f) {
    case network_filter::all:
        return "";
    case network_filter::bridge:
        return "bridge";
    case network_filter::bond:
        return "bond";
    case network_filter::eth:
        return "eth";
    case network_filter::alias:
        return "alias";
    case network_filter::vlan:
        return "vlan";
    case network_filter::ovs_bridge:
        return "OVSBridge";
    case network_filter::ovs_bond:
        return "OVSBond";
    case network_filter::ovs_port:
        return "OVSPort";
    case network_filter::ovs_int_port:
        return "OVSIntPort";
    case network_filter::vnet:
        return "vnet";
    case network_filter::fabric:
        return "fabric";
    case network_filter::any_bridge:
        return "any_bridge";
    case network_filter::any_local_bridge:
        return "any_local_bridge";
    }
    return "";
}

network_interface tag_invoke(boost::json::value_to_tag<network_interface>, const boost::json::value& v) {
    const auto& o = as_object_or_empty(v);
    network_interface n;
    n.iface = read_string(o, "iface");
    n.type = read_string(o, "type");
    n.active = read_bool(o, "active");
    n.autostart = read_bool(o, "autostart");
    n.exists = read_bool(o, "exists");
    n.method = read_string(o, "method");
    n.method6 = read_string(o, "method6");
    n.cidr = read_string(o, "cidr");
    n.address = read_string(o, "address");
    n.netmask = read_string(o, "netmask");
    n.gateway = read_string(o, "gateway");
    n.cidr6 = read_string(o, "cidr6");
    n.address6 = read_string(o, "address6");
    n.netmask6 = read_string(o, "netmask6");
    n.gateway6 = read_string(o, "gateway6");
    n.bridge_ports = read_string_list(o, "bridge_ports");
    n.slaves = read_string_list(o, "slaves");
    n.families = read_string_list(o, "families");
    n.comments = read_string(o, "comments");
    n.raw = o;
    return n;
}

void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const network_interface& n) {
    boost::json::object o{{"iface", n.iface},   {"type", n.type},
                          {"active", n.active}, {"autostart", n.autostart},
                          {"method", n.method}, {"families", boost::json::value_from(n.families)}};
    const std::pair<const char*, const std::string*> optional_fields[] = {
        {"cidr", &n.cidr},         {"address", &n.address},   {"netmask", &n.netmask},
        {"gateway", &n.gateway},   {"cidr6", &n.cidr6},       {"address6", &n.address6},
        {"netmask6", &n.netmask6}, {"gateway6", &n.gateway6}, {"comments", &n.comments}};
    for (const auto& [key, field] : optional_fields)
        if (!field->empty())
            o[key] = *field;
    if (!n.bridge_ports.empty())
        o["bridge_ports"] = boost::json::value_from(n.bridge_ports);
    if (!n.slaves.empty())
        o["slaves"] = boost::json::value_from(n.slaves);
    v = std::move(o);
}

} // namespace proxmox
