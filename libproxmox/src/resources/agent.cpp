// QEMU guest agent: exec with status polling, ping, OS info, network interfaces.

#include "core/client_state.hpp"
#include "core/json_read.hpp"
#include "resources/calls.hpp"

#include <proxmox/generated/nodes_qemu.hpp>
#include <proxmox/resources/agent.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace proxmox::detail {
namespace {

using boost::asio::awaitable;

/// Agent answers wrap qemu-ga's reply as `{"result": ...}`.
api_response unwrap_result(api_response response) {
    if (auto* o = response.data.if_object())
        if (auto* inner = o->if_contains("result"))
            response.data = std::move(*inner);
    return response;
}

agent_exec_result exec_result(std::int64_t pid, const boost::json::object& o) {
    agent_exec_result r;
    r.pid = pid;
    r.exitcode = read_int(o, "exitcode");
    if (auto signal = read_optional_int(o, "signal")) {
        r.signalled = true;
        r.exitcode = *signal;
    }
    r.out = read_string(o, "out-data");
    r.err = read_string(o, "err-data");
    r.truncated = read_bool(o, "out-truncated") || read_bool(o, "err-truncated");
    return r;
}

awaitable<result<agent_exec_result>> exec(state_ptr state,
                                          std::string node,
                                          vmid_t vmid,
                                          std::vector<std::string> command,
                                          agent_exec_options opts) {
    if (auto ok = check_guest(node, vmid, "VM"); !ok)
        co_return ok.error();
    if (command.empty() || command.front().empty())
        co_return make_error(errc::invalid_argument, "command is empty; pass the program and its arguments, "
                                                     "e.g. {\"cat\", \"/etc/os-release\"}");
    gen::nodes_qemu_agent_exec_post_params start{
        .node = node, .vmid = vmid, .command = command, .input_data = opts.input};
    auto started = co_await send(state, std::move(start));
    if (!started)
        co_return started.error();
    const auto pid = read_optional_int(as_object_or_empty(started->data), "pid");
    if (!pid)
        co_return make_error(errc::protocol_error, "agent/exec answered without a pid");

    const auto begin = std::chrono::steady_clock::now();
    auto interval = std::max(opts.poll_interval, std::chrono::milliseconds(10));
    const auto max_interval = std::max(interval, std::chrono::milliseconds(2000));
    boost::asio::steady_timer timer(state->executor);
    for (;;) {
        if (co_await cancel_requested())
            co_return make_error(boost::asio::error::operation_aborted,
                                 fmt::format("waiting for guest command pid {} was cancelled", *pid));
        const gen::nodes_qemu_agent_exec_status_get_params poll{.node = node, .vmid = vmid, .pid = *pid};
        auto status = co_await send(state, poll);
        if (!status)
            co_return status.error();
        const auto& o = as_object_or_empty(status->data);
        if (read_bool(o, "exited"))
            co_return exec_result(*pid, o);
        const auto elapsed =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - begin);
        if (opts.timeout.count() > 0 && elapsed >= opts.timeout)
            co_return make_error(errc::timeout, fmt::format("guest command pid {} still running after {} ms "
                                                            "(agent_exec_options.timeout)",
                                                            *pid, opts.timeout.count()));
        auto delay = interval;
        if (opts.timeout.count() > 0)
            delay = std::min(delay, opts.timeout - elapsed + std::chrono::milliseconds(1));
        timer.expires_after(delay);
        auto [ec] = co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
        if (ec)
            co_return make_error(ec, fmt::format("waiting for guest command pid {} was cancelled", *pid));
        interval = std::min(interval * 2, max_interval);
    }
}

awaitable<result<void>> ping(state_ptr state, std::string node, vmid_t vmid) {
    if (auto ok = check_guest(node, vmid, "VM"); !ok)
        co_return ok.error();
    const gen::nodes_qemu_agent_ping_post_params params{.node = node, .vmid = vmid};
    auto response = co_await send(state, params);
    if (!response)
        co_return response.error();
    co_return result<void>{};
}

awaitable<result<guest_os_info>> os_info(state_ptr state, std::string node, vmid_t vmid) {
    if (auto ok = check_guest(node, vmid, "VM"); !ok)
        co_return ok.error();
    const gen::nodes_qemu_agent_get_osinfo_get_params params{.node = node, .vmid = vmid};
    auto response = co_await send(state, params);
    if (!response)
        co_return response.error();
    co_return convert<guest_os_info>(unwrap_result(std::move(*response)), "guest OS info");
}

awaitable<result<std::vector<guest_network_interface>>>
interfaces(state_ptr state, std::string node, vmid_t vmid) {
    if (auto ok = check_guest(node, vmid, "VM"); !ok)
        co_return ok.error();
    const gen::nodes_qemu_agent_network_get_interfaces_get_params params{.node = node, .vmid = vmid};
    auto response = co_await send(state, params);
    if (!response)
        co_return response.error();
    co_return convert<std::vector<guest_network_interface>>(unwrap_result(std::move(*response)),
                                                            "guest network interfaces");
}

} // namespace

void op_agent_exec(const state_ptr& state,
                   std::string node,
                   vmid_t vmid,
                   std::vector<std::string> command,
                   agent_exec_options opts,
                   handler<agent_exec_result> h) {
    // bounded by opts.timeout rather than operation_timeout, like task waits
    spawn_unbounded(state, exec(state, std::move(node), vmid, std::move(command), std::move(opts)),
                    std::move(h));
}

void op_agent_ping(const state_ptr& state, std::string node, vmid_t vmid, handler<void> h) {
    spawn(state, ping(state, std::move(node), vmid), std::move(h));
}

void op_agent_os_info(const state_ptr& state, std::string node, vmid_t vmid, handler<guest_os_info> h) {
    spawn(state, os_info(state, std::move(node), vmid), std::move(h));
}

void op_agent_interfaces(const state_ptr& state,
                         std::string node,
                         vmid_t vmid,
                         handler<std::vector<guest_network_interface>> h) {
    spawn(state, interfaces(state, std::move(node), vmid), std::move(h));
}

} // namespace proxmox::detail
