// snapshot_handle: list, create, delete, roll back and describe snapshots of a VM or container.
// The qemu and lxc endpoints differ only in the path segment and qemu's `vmstate`.

#include "core/client_state.hpp"
#include "resources/calls.hpp"

#include <proxmox/generated/nodes_lxc.hpp>
#include <proxmox/generated/nodes_qemu.hpp>

#include <fmt/format.h>

namespace proxmox::detail {
namespace {

using boost::asio::awaitable;

result<void> check_target(const snapshot_target& t) {
    return check_guest(t.node, t.vmid);
}

result<void> check(const snapshot_target& t, std::string_view name) {
    if (auto ok = check_target(t); !ok)
        return ok;
    return check_snapshot_name(name);
}

bool is_qemu(const snapshot_target& t) {
    return t.type == guest_type::qemu;
}

awaitable<result<std::vector<snapshot_info>>> list(state_ptr state, snapshot_target t) {
    if (auto ok = check_target(t); !ok)
        co_return ok.error();
    auto req = is_qemu(t) ? gen::encode(gen::nodes_qemu_snapshot_get_params{.node = t.node, .vmid = t.vmid})
                          : gen::encode(gen::nodes_lxc_snapshot_get_params{.node = t.node, .vmid = t.vmid});
    auto response = co_await send(state, http_method::get, std::move(req));
    if (!response)
        co_return response.error();
    co_return convert<std::vector<snapshot_info>>(*response, "snapshot list");
}

awaitable<result<task_handle>>
create(state_ptr state, snapshot_target t, std::string name, std::string description, bool vmstate) {
    if (auto ok = check(t, name); !ok)
        co_return ok.error();
    std::optional<std::string> text;
    if (!description.empty())
        text = description;
    gen::encoded_request req;
    if (is_qemu(t)) {
        gen::nodes_qemu_snapshot_post_params p{
            .node = t.node, .vmid = t.vmid, .description = text, .snapname = name};
        if (vmstate)
            p.vmstate = true;
        req = gen::encode(p);
    } else {
        if (vmstate)
            co_return make_error(errc::invalid_argument,
                                 "vmstate is for VMs only; container snapshots do not save memory");
        req = gen::encode(gen::nodes_lxc_snapshot_post_params{
            .node = t.node, .vmid = t.vmid, .description = text, .snapname = name});
    }
    co_return co_await send_task(state, http_method::post, std::move(req));
}

awaitable<result<task_handle>> destroy(state_ptr state, snapshot_target t, std::string name, bool force) {
    if (auto ok = check(t, name); !ok)
        co_return ok.error();
    std::optional<bool> forced;
    if (force)
        forced = true;
    auto req = is_qemu(t) ? gen::encode(gen::nodes_qemu_snapshot_snapname_delete_params{
                                .node = t.node, .vmid = t.vmid, .snapname = name, .force = forced})
                          : gen::encode(gen::nodes_lxc_snapshot_snapname_delete_params{
                                .node = t.node, .vmid = t.vmid, .snapname = name, .force = forced});
    co_return co_await send_task(state, http_method::del, std::move(req));
}

awaitable<result<task_handle>> rollback(state_ptr state, snapshot_target t, std::string name, bool start) {
    if (auto ok = check(t, name); !ok)
        co_return ok.error();
    std::optional<bool> started;
    if (start)
        started = true;
    auto req = is_qemu(t) ? gen::encode(gen::nodes_qemu_snapshot_rollback_post_params{
                                .node = t.node, .vmid = t.vmid, .snapname = name, .start = started})
                          : gen::encode(gen::nodes_lxc_snapshot_rollback_post_params{
                                .node = t.node, .vmid = t.vmid, .snapname = name, .start = started});
    co_return co_await send_task(state, http_method::post, std::move(req));
}

awaitable<result<void>>
describe(state_ptr state, snapshot_target t, std::string name, std::string description) {
    if (auto ok = check(t, name); !ok)
        co_return ok.error();
    auto req = is_qemu(t)
                   ? gen::encode(gen::nodes_qemu_snapshot_config_put_params{
                         .node = t.node, .vmid = t.vmid, .snapname = name, .description = description})
                   : gen::encode(gen::nodes_lxc_snapshot_config_put_params{
                         .node = t.node, .vmid = t.vmid, .snapname = name, .description = description});
    auto response = co_await send(state, http_method::put, std::move(req));
    if (!response)
        co_return response.error();
    co_return result<void>{};
}

} // namespace

void op_snapshot_list(const state_ptr& state, snapshot_target t, handler<std::vector<snapshot_info>> h) {
    spawn(state, list(state, std::move(t)), std::move(h));
}

void op_snapshot_create(const state_ptr& state,
                        snapshot_target t,
                        std::string name,
                        std::string description,
                        bool vmstate,
                        handler<task_handle> h) {
    spawn(state, create(state, std::move(t), std::move(name), std::move(description), vmstate), std::move(h));
}

void op_snapshot_delete(
    const state_ptr& state, snapshot_target t, std::string name, bool force, handler<task_handle> h) {
    spawn(state, destroy(state, std::move(t), std::move(name), force), std::move(h));
}

void op_snapshot_rollback(
    const state_ptr& state, snapshot_target t, std::string name, bool start, handler<task_handle> h) {
    spawn(state, rollback(state, std::move(t), std::move(name), start), std::move(h));
}

void op_snapshot_update(
    const state_ptr& state, snapshot_target t, std::string name, std::string description, handler<void> h) {
    spawn(state, describe(state, std::move(t), std::move(name), std::move(description)), std::move(h));
}

} // namespace proxmox::detail
