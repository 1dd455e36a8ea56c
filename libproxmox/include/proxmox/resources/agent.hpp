#ifndef PROXMOX_RESOURCES_AGENT_HPP
#define PROXMOX_RESOURCES_AGENT_HPP

#include <proxmox/detail/async.hpp>
#include <proxmox/models/agent.hpp>
#include <proxmox/types.hpp>

#include <string>
#include <vector>

namespace proxmox {

namespace detail {
void op_agent_exec(const state_ptr& state,
                   std::string node,
                   vmid_t vmid,
                   std::vector<std::string> command,
                   agent_exec_options opts,
                   handler<agent_exec_result> h);
void op_agent_ping(const state_ptr& state, std::string node, vmid_t vmid, handler<void> h);
void op_agent_os_info(const state_ptr& state, std::string node, vmid_t vmid, handler<guest_os_info> h);
void op_agent_interfaces(const state_ptr& state,
                         std::string node,
                         vmid_t vmid,
                         handler<std::vector<guest_network_interface>> h);
} // namespace detail

/// The QEMU guest agent of one VM: `/nodes/{node}/qemu/{vmid}/agent/...`. Cheap to copy.
///
/// The VM needs `agent: 1` in its config, must run, and qemu-ga must answer inside the guest;
/// otherwise calls fail with PVE's 500 (errc::server_error): `No QEMU guest agent configured`,
/// `VM 101 is not running`, `QEMU guest agent is not running`.
class agent_handle {
public:
    agent_handle(detail::state_ptr state, std::string node, vmid_t vmid)
        : state_(std::move(state)), node_(std::move(node)), vmid_(vmid) {}

    const std::string& node() const noexcept { return node_; }
    vmid_t vmid() const noexcept { return vmid_; }

    /// Runs `command` (program and arguments, no shell) in the guest, then polls its status with
    /// backoff until it exits, and completes with its exit code and output. A program the guest
    /// lacks is PVE's 500 `Agent error: ...`. Past `opts.timeout` completes with errc::timeout
    /// (the program keeps running in the guest); cancelling stops the polling the same way.
    /// PVE endpoints: POST .../agent/exec, GET .../agent/exec-status, both need
    /// VM.GuestAgent.Unrestricted on /vms/{vmid}. Completion: void(result<agent_exec_result>).
    template <class Token = boost::asio::deferred_t>
    auto
    async_exec(std::vector<std::string> command, agent_exec_options opts = {}, Token&& token = {}) const {
        return detail::initiate<agent_exec_result>(
            std::forward<Token>(token),
            [s = state_, n = node_, id = vmid_, c = std::move(command), o = std::move(opts)](auto h) {
                detail::op_agent_exec(s, n, id, c, o, std::move(h));
            });
    }

    /// Checks that qemu-ga answers. PVE endpoint: POST .../agent/ping, needs
    /// VM.GuestAgent.Audit (or .Unrestricted) on /vms/{vmid}. Completion: void(result<void>).
    template <class Token = boost::asio::deferred_t> auto async_ping(Token&& token = {}) const {
        return detail::initiate<void>(
            std::forward<Token>(token),
            [s = state_, n = node_, id = vmid_](auto h) { detail::op_agent_ping(s, n, id, std::move(h)); });
    }

    /// The guest's operating system. PVE endpoint: GET .../agent/get-osinfo, needs
    /// VM.GuestAgent.Audit (or .Unrestricted) on /vms/{vmid}. Completion: void(result<guest_os_info>).
    template <class Token = boost::asio::deferred_t> auto async_os_info(Token&& token = {}) const {
        return detail::initiate<guest_os_info>(std::forward<Token>(token),
                                               [s = state_, n = node_, id = vmid_](auto h) {
                                                   detail::op_agent_os_info(s, n, id, std::move(h));
                                               });
    }

    /// The guest's NICs with their addresses, as the guest sees them. PVE endpoint: GET
    /// .../agent/network-get-interfaces, needs VM.GuestAgent.Audit (or .Unrestricted) on
    /// /vms/{vmid}. Completion: void(result<std::vector<guest_network_interface>>).
    template <class Token = boost::asio::deferred_t> auto async_network_interfaces(Token&& token = {}) const {
        return detail::initiate<std::vector<guest_network_interface>>(
            std::forward<Token>(token), [s = state_, n = node_, id = vmid_](auto h) {
                detail::op_agent_interfaces(s, n, id, std::move(h));
            });
    }

private:
    detail::state_ptr state_;
    std::string node_;
    vmid_t vmid_;
};

} // namespace proxmox

#endif
