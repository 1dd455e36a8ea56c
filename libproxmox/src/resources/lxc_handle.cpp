// lxc_handle: status, config, update, power, delete, template and migrate of one container.

#include "core/client_state.hpp"
#include "core/text.hpp"
#include "core/json_read.hpp"
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

result<gen::nodes_lxc_config_put_params>
update_params(const std::string& node, vmid_t vmid, lxc_config_update u) {
    gen::nodes_lxc_config_put_params p{
        .node = node, .vmid = vmid, .delete_ = {}, .digest = {}, .revert = {}, .config = std::move(u.set)};
    for (const auto& [n, nic] : u.nets) {
        auto text = nic.to_property_string();
        if (!text)
            return make_error(errc::invalid_argument, fmt::format("nets[{}]: {}", n, text.error().message));
        p.config.net[n] = std::move(*text);
    }
    for (const auto& [n, volume] : u.mounts) {
        auto text = volume.to_property_string();
        if (!text)
            return make_error(errc::invalid_argument, fmt::format("mounts[{}]: {}", n, text.error().message));
        p.config.mp[n] = std::move(*text);
    }
    std::string removed;
    for (const auto& key : u.remove) {
        if (key.empty() || key.find_first_of(",; =") != std::string::npos)
            return make_error(
                errc::invalid_argument,
                fmt::format("remove: {} is not a config key (e.g. \"mp1\", \"description\")", bounded_quote(key)));
        removed += (removed.empty() ? "" : ",") + key;
    }
    if (!removed.empty())
        p.delete_ = std::move(removed);
    if (!u.digest.empty())
        p.digest = std::move(u.digest);
    return p;
}

awaitable<result<void>> update(state_ptr state, std::string node, vmid_t vmid, lxc_config_update u) {
    if (auto ok = check_guest(node, vmid, "container"); !ok)
        co_return ok.error();
    auto params = update_params(node, vmid, std::move(u));
    if (!params)
        co_return params.error();
    auto req = gen::encode(*params);
    auto response = co_await send(state, http_method::put, std::move(req));
    if (!response)
        co_return response.error();
    co_return result<void>{};
}

result<gen::encoded_request> power_request(const std::string& node,
                                           vmid_t vmid,
                                           const std::string& action,
                                           std::optional<unsigned> timeout,
                                           bool force) {
    const std::int64_t id = vmid;
    std::optional<std::int64_t> wait;
    if (timeout)
        wait = *timeout;
    if (action == "start")
        return gen::encode(gen::nodes_lxc_status_start_post_params{.node = node, .vmid = id});
    if (action == "stop")
        return gen::encode(gen::nodes_lxc_status_stop_post_params{.node = node, .vmid = id});
    if (action == "reboot")
        return gen::encode(
            gen::nodes_lxc_status_reboot_post_params{.node = node, .vmid = id, .timeout = wait});
    if (action == "suspend")
        return gen::encode(gen::nodes_lxc_status_suspend_post_params{.node = node, .vmid = id});
    if (action == "resume")
        return gen::encode(gen::nodes_lxc_status_resume_post_params{.node = node, .vmid = id});
    if (action == "shutdown") {
        gen::nodes_lxc_status_shutdown_post_params p{.node = node, .vmid = id};
        p.timeout = wait;
        if (force)
            p.forceStop = true;
        return gen::encode(p);
    }
    return make_error(errc::invalid_argument, fmt::format("unknown container power action {}", bounded_quote(action)));
}

awaitable<result<task_handle>> power(state_ptr state,
                                     std::string node,
                                     vmid_t vmid,
                                     std::string action,
                                     std::optional<unsigned> timeout,
                                     bool force) {
    if (auto ok = check_guest(node, vmid, "container"); !ok)
        co_return ok.error();
    auto req = power_request(node, vmid, action, timeout, force);
    if (!req)
        co_return req.error();
    co_return co_await send_task(state, http_method::post, std::move(*req));
}

awaitable<result<task_handle>>
destroy(state_ptr state, std::string node, vmid_t vmid, bool purge, bool force) {
    if (auto ok = check_guest(node, vmid, "container"); !ok)
        co_return ok.error();
    gen::nodes_lxc_vmid_delete_params p{.node = node, .vmid = vmid};
    if (purge)
        p.purge = true;
    if (force)
        p.force = true;
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
    if (o.timeout)
        p.timeout = *o.timeout;
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

void op_lxc_update(
    const state_ptr& state, std::string node, vmid_t vmid, lxc_config_update u, handler<void> h) {
    spawn(state, update(state, std::move(node), vmid, std::move(u)), std::move(h));
}

void op_lxc_power(const state_ptr& state,
                  std::string node,
                  vmid_t vmid,
                  std::string action,
                  std::optional<unsigned> timeout,
                  bool force,
                  handler<task_handle> h) {
    spawn(state, power(state, std::move(node), vmid, std::move(action), timeout, force), std::move(h));
}

void op_lxc_delete(
    const state_ptr& state, std::string node, vmid_t vmid, bool purge, bool force, handler<task_handle> h) {
    spawn(state, destroy(state, std::move(node), vmid, purge, force), std::move(h));
}

void op_lxc_template(const state_ptr& state, std::string node, vmid_t vmid, handler<task_handle> h) {
    spawn(state, make_template(state, std::move(node), vmid), std::move(h));
}

void op_lxc_migrate(
    const state_ptr& state, std::string node, vmid_t vmid, lxc_migrate_options o, handler<task_handle> h) {
    spawn(state, migrate(state, std::move(node), vmid, std::move(o)), std::move(h));
}

} // namespace proxmox::detail
