#include "core/json_read.hpp"

#include <proxmox/models/agent.hpp>

#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

namespace proxmox {
using namespace detail;

guest_network_interface tag_invoke(boost::json::value_to_tag<guest_network_interface>,
                                   const boost::json::value& v) {
    const auto& o = as_object_or_empty(v);
    guest_network_interface n;
    n.name = read_string(o, "name");
    n.hardware_address = read_string(o, "hardware-address");
    if (const auto* ips = o.if_contains("ip-addresses"); ips && ips->is_array())
        for (const auto& ip : ips->get_array()) {
            const auto& a = as_object_or_empty(ip);
            n.addresses.push_back(
                {read_string(a, "ip-address-type"), read_string(a, "ip-address"), read_int(a, "prefix")});
        }
    const auto& stats = child_object(o, "statistics");
    n.rx_bytes = read_uint(stats, "rx-bytes");
    n.tx_bytes = read_uint(stats, "tx-bytes");
    n.raw = o;
    return n;
}

guest_os_info tag_invoke(boost::json::value_to_tag<guest_os_info>, const boost::json::value& v) {
    const auto& o = as_object_or_empty(v);
    guest_os_info i;
    i.id = read_string(o, "id");
    i.name = read_string(o, "name");
    i.pretty_name = read_string(o, "pretty-name");
    i.version = read_string(o, "version");
    i.version_id = read_string(o, "version-id");
    i.kernel_release = read_string(o, "kernel-release");
    i.kernel_version = read_string(o, "kernel-version");
    i.machine = read_string(o, "machine");
    i.raw = o;
    return i;
}

void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const agent_exec_result& r) {
    v = boost::json::object{{"pid", r.pid}, {"exitcode", r.exitcode},   {"out", r.out},
                            {"err", r.err}, {"truncated", r.truncated}, {"signalled", r.signalled}};
}

void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const guest_network_interface& n) {
    boost::json::array addresses;
    for (const auto& a : n.addresses)
        addresses.push_back(
            boost::json::object{{"type", a.type}, {"address", a.address}, {"prefix", a.prefix}});
    v = boost::json::object{{"name", n.name},
                            {"hardware-address", n.hardware_address},
                            {"addresses", std::move(addresses)},
                            {"rx-bytes", n.rx_bytes},
                            {"tx-bytes", n.tx_bytes}};
}

void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const guest_os_info& i) {
    v = boost::json::object{{"id", i.id},
                            {"name", i.name},
                            {"pretty-name", i.pretty_name},
                            {"version", i.version},
                            {"version-id", i.version_id},
                            {"kernel-release", i.kernel_release},
                            {"kernel-version", i.kernel_version},
                            {"machine", i.machine}};
}

} // namespace proxmox
