#ifndef PROXMOX_MODELS_AGENT_HPP
#define PROXMOX_MODELS_AGENT_HPP

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace proxmox {

/// How agent_handle::async_exec runs a command.
struct agent_exec_options {
    std::optional<std::string> input; ///< sent to the program's stdin (`input-data`)
    /// Give up waiting after this long (errc::timeout; the program keeps running in the guest).
    /// 0 = wait as long as it runs.
    std::chrono::milliseconds timeout{std::chrono::seconds(60)};
    std::chrono::milliseconds poll_interval{100}; ///< first status poll; doubles up to 2 s
};

/// What a command run through the guest agent produced.
struct agent_exec_result {
    std::int64_t pid = 0;
    std::int64_t exitcode = 0;
    std::string out;        ///< stdout (PVE decodes qemu-ga's base64)
    std::string err;        ///< stderr
    bool truncated = false; ///< qemu-ga cut stdout or stderr (it keeps 16 MiB at most)
    bool signalled = false; ///< killed by a signal (`exitcode` is then the signal number)
};

/// One IP address of a guest NIC.
struct guest_ip_address {
    std::string type; ///< ipv4 or ipv6
    std::string address;
    std::int64_t prefix = 0;
};

/// One NIC of `agent/network-get-interfaces`, as the guest OS sees it.
struct guest_network_interface {
    std::string name; ///< `eth0`, `ens18`, `lo`, `Ethernet`, ...
    std::string hardware_address;
    std::vector<guest_ip_address> addresses;
    std::uint64_t rx_bytes = 0;
    std::uint64_t tx_bytes = 0;
    boost::json::object raw;
};

/// `agent/get-osinfo`: the guest's /etc/os-release (or Windows' equivalent).
struct guest_os_info {
    std::string id; ///< `debian`, `ubuntu`, `mswindows`, ...
    std::string name;
    std::string pretty_name;
    std::string version;
    std::string version_id;
    std::string kernel_release;
    std::string kernel_version;
    std::string machine;
    boost::json::object raw;
};

guest_network_interface tag_invoke(boost::json::value_to_tag<guest_network_interface>,
                                   const boost::json::value& v);
guest_os_info tag_invoke(boost::json::value_to_tag<guest_os_info>, const boost::json::value& v);
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const agent_exec_result& r);
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const guest_network_interface& n);
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const guest_os_info& o);

} // namespace proxmox

#endif
