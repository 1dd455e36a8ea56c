// Guest power actions: POST /nodes/{node}/{qemu|lxc}/{vmid}/status/{action} -> task. One path for
// both guest types; each (type, action) pair maps to its generated params struct, so a parameter
// PVE does not define for that pair cannot be sent.

#include "core/client_state.hpp"
#include "core/text.hpp"
#include "resources/calls.hpp"

#include <proxmox/generated/nodes_lxc.hpp>
#include <proxmox/generated/nodes_qemu.hpp>
#include <proxmox/resources/power.hpp>

#include <fmt/format.h>

namespace proxmox::detail {
namespace {

using boost::asio::awaitable;

std::optional<bool> flag(bool set) {
    return set ? std::optional<bool>(true) : std::nullopt;
}

std::optional<std::int64_t> seconds(const std::optional<std::chrono::seconds>& t) {
    return t ? std::optional<std::int64_t>(t->count()) : std::nullopt;
}

template <class Params> Params with_guest(const std::string& node, vmid_t vmid) {
    Params p;
    p.node = node;
    p.vmid = vmid;
    return p;
}

result<gen::encoded_request> encode_qemu(const std::string& node, vmid_t vmid, const power_call& c) {
    switch (c.action) {
    case power_action::start: {
        auto p = with_guest<gen::nodes_qemu_status_start_post_params>(node, vmid);
        p.timeout = seconds(c.timeout);
        p.skiplock = flag(c.skiplock);
        return gen::encode(p);
    }
    case power_action::stop: {
        auto p = with_guest<gen::nodes_qemu_status_stop_post_params>(node, vmid);
        p.timeout = seconds(c.timeout);
        p.overrule_shutdown = flag(c.overrule_shutdown);
        p.keepActive = flag(c.keep_active);
        p.skiplock = flag(c.skiplock);
        return gen::encode(p);
    }
    case power_action::shutdown: {
        auto p = with_guest<gen::nodes_qemu_status_shutdown_post_params>(node, vmid);
        p.timeout = seconds(c.timeout);
        p.forceStop = flag(c.force_stop);
        p.keepActive = flag(c.keep_active);
        p.skiplock = flag(c.skiplock);
        return gen::encode(p);
    }
    case power_action::reboot: {
        auto p = with_guest<gen::nodes_qemu_status_reboot_post_params>(node, vmid);
        p.timeout = seconds(c.timeout);
        return gen::encode(p);
    }
    case power_action::reset: {
        auto p = with_guest<gen::nodes_qemu_status_reset_post_params>(node, vmid);
        p.skiplock = flag(c.skiplock);
        return gen::encode(p);
    }
    case power_action::suspend: {
        auto p = with_guest<gen::nodes_qemu_status_suspend_post_params>(node, vmid);
        p.todisk = flag(c.to_disk);
        if (!c.state_storage.empty())
            p.statestorage = c.state_storage;
        p.skiplock = flag(c.skiplock);
        return gen::encode(p);
    }
    case power_action::resume: {
        auto p = with_guest<gen::nodes_qemu_status_resume_post_params>(node, vmid);
        p.skiplock = flag(c.skiplock);
        return gen::encode(p);
    }
    }
    return make_error(errc::invalid_argument, "unknown power action");
}

result<gen::encoded_request> encode_lxc(const std::string& node, vmid_t vmid, const power_call& c) {
    switch (c.action) {
    case power_action::start: {
        auto p = with_guest<gen::nodes_lxc_status_start_post_params>(node, vmid);
        p.debug = flag(c.debug);
        p.skiplock = flag(c.skiplock);
        return gen::encode(p);
    }
    case power_action::stop: {
        auto p = with_guest<gen::nodes_lxc_status_stop_post_params>(node, vmid);
        p.overrule_shutdown = flag(c.overrule_shutdown);
        p.skiplock = flag(c.skiplock);
        return gen::encode(p);
    }
    case power_action::shutdown: {
        auto p = with_guest<gen::nodes_lxc_status_shutdown_post_params>(node, vmid);
        p.timeout = seconds(c.timeout);
        p.forceStop = flag(c.force_stop);
        return gen::encode(p);
    }
    case power_action::reboot: {
        auto p = with_guest<gen::nodes_lxc_status_reboot_post_params>(node, vmid);
        p.timeout = seconds(c.timeout);
        return gen::encode(p);
    }
    case power_action::suspend:
        return gen::encode(with_guest<gen::nodes_lxc_status_suspend_post_params>(node, vmid));
    case power_action::resume:
        return gen::encode(with_guest<gen::nodes_lxc_status_resume_post_params>(node, vmid));
    case power_action::reset:
        break;
    }
    return make_error(errc::invalid_argument, "containers have no reset; use reboot or stop and start");
}

awaitable<result<task_handle>> power(state_ptr state, std::string node, vmid_t vmid, power_call c) {
    if (auto ok = check_guest(node, vmid, c.type == guest_type::qemu ? "VM" : "container"); !ok)
        co_return ok.error();
    if (c.timeout && c.timeout->count() < 0)
        co_return make_error(errc::invalid_argument,
                             fmt::format("{} timeout {} s is negative; pass a duration >= 0",
                                         to_string(c.action), c.timeout->count()));
    auto req = c.type == guest_type::qemu ? encode_qemu(node, vmid, c) : encode_lxc(node, vmid, c);
    if (!req)
        co_return req.error();
    co_return co_await send_task(state, http_method::post, std::move(*req));
}

} // namespace

void op_guest_power(
    const state_ptr& state, std::string node, vmid_t vmid, power_call call, handler<task_handle> h) {
    spawn(state, power(state, std::move(node), vmid, std::move(call)), std::move(h));
}

} // namespace proxmox::detail
