// Node views: network interfaces and bridges (pve-manager API2/Network.pm, pve-common
// PVE/Network/Interfaces.pm __read_etc_network_interfaces), the next free VMID
// (pve-manager API2/Cluster.pm nextid) and the endpoint table of the node family (RRD series
// in rrd.cpp).
#include "endpoints/handlers.hpp"

#include <boost/json/array.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace proxmox::sim::detail {

namespace json = boost::json;

// rrd.cpp
json::value get_node_rrddata(call_context& ctx);
json::value get_qemu_rrddata(call_context& ctx);
json::value get_lxc_rrddata(call_context& ctx);
json::value get_storage_rrddata(call_context& ctx);

namespace {

std::vector<std::string> split_words(std::string_view text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find(' ', start);
        if (end == std::string_view::npos)
            end = text.size();
        if (end > start)
            out.emplace_back(text.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

/// What PVE reads from a node's /etc/network/interfaces as the installer writes it (`auto lo`,
/// `iface lo inet loopback`, `iface eno1 inet manual`, then each bridge with `address CIDR`,
/// `gateway`, `bridge-ports`, `bridge-stp off`, `bridge-fd 0`), plus the physical NICs `ip link`
/// shows that the file does not mention. Keys as Interfaces.pm fills them in.
std::map<std::string, json::object> node_interfaces(const node_state& n) {
    std::map<std::string, json::object> ifaces;
    int priority = 2; // 1 is reserved for lo; lo in the file takes the next one
    ifaces["lo"] = json::object{{"type", "loopback"},    {"method", "loopback"},
                                {"method6", "manual"},   {"families", json::array{"inet"}},
                                {"autostart", 1},        {"active", 1},
                                {"priority", priority++}};
    std::vector<std::string> ports;
    for (const auto& b : n.bridges)
        for (auto& p : split_words(b.ports))
            if (std::find(ports.begin(), ports.end(), p) == ports.end())
                ports.push_back(p);
    for (const auto& p : ports)
        ifaces[p] = json::object{
            {"type", "eth"}, {"method", "manual"}, {"method6", "manual"},   {"families", json::array{"inet"}},
            {"exists", 1},   {"active", 1},        {"priority", priority++}};
    for (const auto& b : n.bridges) {
        json::object o{{"type", "bridge"},       {"method", b.cidr.empty() ? "manual" : "static"},
                       {"method6", "manual"},    {"families", json::array{"inet"}},
                       {"autostart", 1},         {"active", 1},
                       {"priority", priority++}, {"bridge_ports", b.ports},
                       {"bridge_stp", "off"},    {"bridge_fd", "0"}};
        if (!b.cidr.empty()) {
            const auto slash = b.cidr.find('/');
            o["cidr"] = b.cidr;
            o["address"] = b.cidr.substr(0, slash);
            o["netmask"] = slash == std::string::npos ? "32" : b.cidr.substr(slash + 1);
        }
        if (!b.gateway.empty())
            o["gateway"] = b.gateway;
        ifaces[b.iface] = std::move(o);
    }
    // a second onboard NIC nobody configured: listed because it physically exists
    for (const char* spare : {"eno1", "eno2"})
        if (!ifaces.contains(spare)) {
            ifaces[spare] = json::object{{"type", "eth"},
                                         {"method", "manual"},
                                         {"method6", "manual"},
                                         {"families", json::array{"inet"}},
                                         {"exists", 1}};
            break;
        }
    return ifaces;
}

/// API2/Network.pm index: lo is never listed; `type` keeps one type, any_bridge and
/// any_local_bridge keep Linux and OVS bridges (there are no SDN vnets here), include_sdn
/// filters nothing.
json::value get_network(call_context& ctx) {
    auto ifaces = node_interfaces(ctx.node());
    ifaces.erase("lo");
    const auto filter = ctx.param("type");
    json::array out;
    for (auto& [name, iface] : ifaces) {
        if (filter && *filter != "include_sdn") {
            const auto type = iface.at("type").as_string();
            const bool bridge = type == "bridge" || type == "OVSBridge";
            const bool match =
                type == *filter || (bridge && (*filter == "any_bridge" || *filter == "any_local_bridge"));
            if (!match)
                continue;
        }
        iface["iface"] = name;
        out.push_back(std::move(iface));
    }
    return out;
}

/// API2/Network.pm network_config: the interface's settings, without an `iface` key.
json::value get_network_iface(call_context& ctx) {
    auto ifaces = node_interfaces(ctx.node());
    auto it = ifaces.find(*ctx.param("iface"));
    if (it == ifaces.end())
        raise_param_exc({{"iface", "interface does not exist"}});
    return std::move(it->second);
}

/// API2/Cluster.pm nextid. The answer is the loop variable or the `vmid` parameter, which Perl's
/// JSON encoder writes as a string.
json::value get_nextid(call_context& ctx) {
    if (auto vmid = ctx.param("vmid"); vmid && *vmid != "0") {
        if (!ctx.state.find_guest(static_cast<unsigned>(*ctx.int_param("vmid"))))
            return json::string(*vmid);
        raise_param_exc({{"vmid", fmt::format("VM {} already exists", *vmid)}});
    }
    // datacenter.cfg next-id: lower defaults to 100, upper to 1000000
    constexpr unsigned lower = 100;
    constexpr unsigned upper = 1000 * 1000;
    unsigned candidate = lower;
    for (auto it = ctx.state.guests.lower_bound(lower);
         it != ctx.state.guests.end() && it->first == candidate; ++it)
        ++candidate;
    if (candidate >= upper)
        raise_error(fmt::format("unable to get any free VMID in range [{}, {}]\n", lower, upper));
    return json::string(std::to_string(candidate));
}

} // namespace

std::vector<handler_entry> node_endpoints() {
    return {
        {"GET", "/nodes/{node}/network", &get_network},
        {"GET", "/nodes/{node}/network/{iface}", &get_network_iface},
        {"GET", "/cluster/nextid", &get_nextid},
        {"GET", "/nodes/{node}/rrddata", &get_node_rrddata},
        {"GET", "/nodes/{node}/qemu/{vmid}/rrddata", &get_qemu_rrddata},
        {"GET", "/nodes/{node}/lxc/{vmid}/rrddata", &get_lxc_rrddata},
        {"GET", "/nodes/{node}/storage/{storage}/rrddata", &get_storage_rrddata},
    };
}

} // namespace proxmox::sim::detail
