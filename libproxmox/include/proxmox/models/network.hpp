#ifndef PROXMOX_MODELS_NETWORK_HPP
#define PROXMOX_MODELS_NETWORK_HPP

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace proxmox {

/// Which interfaces `GET /nodes/{node}/network?type=...` lists.
enum class network_filter {
    all,
    bridge,
    bond,
    eth,
    alias,
    vlan,
    ovs_bridge,
    ovs_bond,
    ovs_port,
    ovs_int_port,
    vnet,
    fabric,
    any_bridge,       ///< Linux and OVS bridges
    any_local_bridge, ///< bridges that are not SDN vnets
};

/// The `type` parameter value ("bridge", "OVSBridge", "any_bridge", ...); empty for `all`.
std::string_view to_string(network_filter f) noexcept;

/// One interface of `GET /nodes/{node}/network` (the node's /etc/network/interfaces).
struct network_interface {
    std::string iface;      ///< `vmbr0`, `eno1`, ...
    std::string type;       ///< bridge, bond, eth, alias, vlan, OVSBridge, ..., unknown
    bool active = false;    ///< up right now
    bool autostart = false; ///< `auto` in the interfaces file
    bool exists = false;    ///< a physical device of that name exists
    std::string method;     ///< IPv4: static, manual, dhcp, loopback
    std::string method6;    ///< IPv6
    std::string cidr;       ///< `192.168.1.10/24`; empty when not configured
    std::string address;
    std::string netmask;
    std::string gateway;
    std::string cidr6;
    std::string address6;
    std::string netmask6;
    std::string gateway6;
    std::vector<std::string> bridge_ports; ///< bridges: the enslaved ports
    std::vector<std::string> slaves;       ///< bonds: the bonded ports
    std::vector<std::string> families;     ///< inet, inet6
    std::string comments;
    boost::json::object raw;
};

network_interface tag_invoke(boost::json::value_to_tag<network_interface>, const boost::json::value& v);
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const network_interface& n);

} // namespace proxmox

#endif
