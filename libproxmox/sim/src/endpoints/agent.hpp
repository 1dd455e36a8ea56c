// What the guest agent endpoints (agent.cpp) take from the simulated guest OS (agent_exec.cpp).
#ifndef PROXMOX_SIM_SRC_AGENT_HPP
#define PROXMOX_SIM_SRC_AGENT_HPP

#include "state/state.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace proxmox::sim::detail {

/// How a program run through guest-exec ended and what it printed.
struct exec_result {
    int exitcode = 0;
    std::string out, err;
};

/// Runs `argv` in the guest; nullopt when the guest has no such program (g_spawn fails).
std::optional<exec_result> run_guest_program(const guest_state& g,
                                             std::vector<std::string> argv,
                                             const std::optional<std::string>& input);

/// The guest's IPv4 address on its first NIC (its DHCP lease in 192.168.1.0/24).
std::string guest_ipv4(const guest_state& g);
/// The MAC address of net0, as the config has it (upper case), if the VM has a net0.
std::optional<std::string> guest_mac(const guest_state& g);
/// The EUI-64 link-local IPv6 address the kernel gives a NIC with this MAC.
std::string link_local_ipv6(std::string_view mac);
/// Whether the VM runs Windows (ostype win*).
bool windows_guest(const guest_state& g);

} // namespace proxmox::sim::detail

#endif // PROXMOX_SIM_SRC_AGENT_HPP
