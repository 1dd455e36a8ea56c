// lxc_handle: status, config, config updates, delete, template and migrate of one container
// (power actions: power.cpp; create and clone: lxc_create.cpp).

#include "core/client_state.hpp"
#include "core/json_read.hpp"
#include "core/text.hpp"
#include "resources/calls.hpp"

#include <proxmox/generated/nodes_lxc.hpp>
#include <proxmox/generated/nodes_other.hpp>

#include <fmt/format.h>

namespace proxmox::detail {
namespace {

using boost::asio::awaitable;

awaitable<result<guest_summary>> status(state_ptr state, std::string node, vmid_t vmid) {
    if (auto ok = check_guest(node, vmid, "container"); !ok)
        co_return ok.error();
    auto req = gen::encode(gen::nodes_lxc_status_current_get_params{.node = node, .vmid = vmid});
    auto response = co_await send(state, http_method::get, std::move(req));
    if (!response)
        co_return response.error();
    auto summary = convert<guest_summary>(*response, "container status");
    if (summary) {
        summary->node = node;
        summary->type = guest_type::lxc;
        if (summary->vmid == 0)
            summary->vmid = vmid;
    }
    co_return summary;
}

awaitable<result<lxc_config>> config(state_ptr state, std::string node, vmid_t vmid) {
    if (auto ok = check_guest(node, vmid, "container"); !ok)
        co_return ok.error();
    auto req = gen::encode(
        gen::nodes_lxc_config_get_params{.node = node, .vmid = vmid, .current = {}, .snapshot = {}});
    auto response = co_await send(state, http_method::get, std::move(req));
    if (!response)
        co_return response.error();
    co_return convert<lxc_config>(*response, "container config");
}

awaitable<result<void>> update_config(state_ptr state, std::string node, vmid_t vmid, lxc_config_update u) {
    if (auto ok = check_guest(node, vmid, "container"); !ok)
        co_return ok.error();
    if (auto ok = u.check(); !ok)
        co_return ok.error();
    gen::nodes_lxc_config_put_params p{.node = node, .vmid = vmid};
    p.delete_ = u.deletion_list();
    p.digest = u.digest;
    auto req = gen::encode(p);
    for (const auto& [key, value] : u.values())
        req.params.add(key, value);
    auto response = co_await send(state, http_method::put, std::move(req));
    if (!response)
        co_return response.error();
    co_return result<void>{};
}

awaitable<result<task_handle>> destroy(state_ptr state, std::string node, vmid_t vmid, lxc_delete_options o) {
    if (auto ok = check_guest(node, vmid, "container"); !ok)
        co_return ok.error();
    gen::nodes_lxc_vmid_delete_params p{.node = node, .vmid = vmid};
    if (o.purge)
        p.purge = true;
    if (o.force)
        p.force = true;
    if (o.destroy_unreferenced_disks)
        p.destroy_unreferenced_disks = true;
    auto req = gen::encode(p);
    co_return co_await send_task(state, http_method::del, std::move(req));
}

awaitable<result<task_handle>> make_template(state_ptr state, std::string node, vmid_t vmid) {
    if (auto ok = check_guest(node, vmid, "container"); !ok)
        co_return ok.error();
    auto req = gen::encode(gen::nodes_lxc_template_post_params{.node = node, .vmid = vmid});
    auto started = co_await send(state, http_method::post, std::move(req));
    if (!started)
        co_return started.error();
    // PVE forks a `vztemplate` worker and answers null: the newest such task for this guest is it.
    gen::nodes_tasks_get_params list{.node = node};
    list.typefilter = "vztemplate";
    list.vmid = vmid;
    list.source = gen::nodes_tasks_get_params::source_enum("all");
    list.limit = 1;
    auto list_req = gen::encode(list);
    auto tasks = co_await send(state, http_method::get, std::move(list_req));
    if (!tasks)
        co_return tasks.error();
    const auto* entries = tasks->data.if_array();
    if (!entries || entries->empty())
        co_return make_error(
            errc::protocol_error,
            fmt::format("PVE accepted the template conversion of CT {} but lists no vztemplate task", vmid));
    auto id = upid::parse(read_string(as_object_or_empty(entries->front()), "upid"));
    if (!id)
        co_return id.error();
    co_return task_handle(state, std::move(*id));
}

awaitable<result<task_handle>>
migrate(state_ptr state, std::string node, vmid_t vmid, lxc_migrate_options o) {
    if (auto ok = check_guest(node, vmid, "container"); !ok)
        co_return ok.error();
    if (o.target.empty())
        co_return make_error(errc::invalid_argument,
                             "migrate: target node is empty; name the node to move to");
    if (o.target == node)
        co_return make_error(errc::invalid_argument,
                             fmt::format("migrate: CT {} is already on {}", vmid, bounded_quote(node)));
    gen::nodes_lxc_migrate_post_params p{.node = node, .vmid = vmid, .target = o.target};
    if (o.restart) {
        p.restart = *o.restart;
    } else {
        // containers have no live migration: a running one must be restarted on the target
        auto current = co_await status(state, node, vmid);
        if (!current)
            co_return current.error();
        if (current->status == "running")
            p.restart = true;
    }
    if (o.timeout) {
        if (o.timeout->count() < 0)
            co_return make_error(
                errc::invalid_argument,
                fmt::format("lxc_migrate_options.timeout {} s is negative", o.timeout->count()));
        p.timeout = o.timeout->count();
    }
    if (!o.target_storage.empty())
        p.target_storage = o.target_storage;
    auto req = gen::encode(p);
    co_return co_await send_task(state, http_method::post, std::move(req));
}

} // namespace

void op_lxc_status(const state_ptr& state, std::string node, vmid_t vmid, handler<guest_summary> h) {
    spawn(state, status(state, std::move(node), vmid), std::move(h));
}

void op_lxc_config(const state_ptr& state, std::string node, vmid_t vmid, handler<lxc_config> h) {
    spawn(state, config(state, std::move(node), vmid), std::move(h));
}

void op_lxc_update_config(
    const state_ptr& state, std::string node, vmid_t vmid, lxc_config_update u, handler<void> h) {
    spawn(state, update_config(state, std::move(node), vmid, std::move(u)), std::move(h));
}

void op_lxc_delete(
    const state_ptr& state, std::string node, vmid_t vmid, lxc_delete_options o, handler<task_handle> h) {
    spawn(state, destroy(state, std::move(node), vmid, o), std::move(h));
}

void op_lxc_template(const state_ptr& state, std::string node, vmid_t vmid, handler<task_handle> h) {
    spawn(state, make_template(state, std::move(node), vmid), std::move(h));
}

void op_lxc_migrate(
    const state_ptr& state, std::string node, vmid_t vmid, lxc_migrate_options o, handler<task_handle> h) {
    spawn(state, migrate(state, std::move(node), vmid, std::move(o)), std::move(h));
}

} // namespace proxmox::detail
