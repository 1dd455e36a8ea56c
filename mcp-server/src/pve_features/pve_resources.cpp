#include "caller_text.hpp"
#include "policy.hpp"
#include "pve_features.hpp"
#include "tools/common.hpp"
#include "tools/guest.hpp"

#include <proxmox/generated/nodes_lxc.hpp>
#include <proxmox/generated/nodes_other.hpp>
#include <proxmox/generated/nodes_qemu.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>

#include <fmt/format.h>

#include <variant>

namespace proxmox::mcp::pve {

namespace asio = boost::asio;
namespace json = boost::json;
namespace gen = proxmox::gen;

namespace {

constexpr std::int64_t max_log_lines = 5000;

resource_contents json_contents(std::string uri, const json::value& value) {
    return resource_contents::text(std::move(uri), "application/json", json::serialize(value));
}

/// A read that failed: "not found" when PVE says the object does not exist.
resource_contents read_failure(std::string_view what, const proxmox::error& e) {
    std::string message = fmt::format("{}: {}", what, tools::describe(e));
    if (e.code == proxmox::make_error_code(proxmox::errc::not_found))
        return resource_contents::missing(std::move(message));
    return resource_contents::failure(std::move(message));
}

asio::awaitable<resource_contents> read_cluster(tool_context ctx, std::string uri, uri_variables) {
    const auto cluster = ctx.client->cluster();
    auto answer = co_await cluster.async_resources(proxmox::resource_filter::all, asio::use_awaitable);
    if (!answer)
        co_return read_failure("Reading the cluster's resources failed", answer.error());
    json::array items;
    for (const auto& r : *answer)
        if (visible(ctx.policy.get(), r))
            items.push_back(r.raw);
    co_return json_contents(std::move(uri), items);
}

asio::awaitable<resource_contents> read_node_status(tool_context ctx, std::string uri, uri_variables vars) {
    const std::string node = vars["node"];
    if (!tools::is_dns_name(node))
        co_return resource_contents::missing(fmt::format("{} is not a node name", quote_text(node, 64)));
    if (ctx.policy)
        if (auto refusal = ctx.policy->refuse_node(node))
            co_return resource_contents::missing(*refusal);
    gen::nodes_status_get_params params{.node = node};
    auto answer = co_await ctx.client->async_call(params, asio::use_awaitable);
    if (!answer) {
        const proxmox::error e = answer.error();
        auto names = co_await tools::nodes_without(ctx, node, e);
        if (names)
            co_return resource_contents::missing(
                fmt::format("node {} is not in the cluster; nodes: {}", node, tools::joined(*names)));
        co_return read_failure(fmt::format("Reading the status of node {} failed", node), e);
    }
    co_return json_contents(std::move(uri), answer->data);
}

asio::awaitable<resource_contents> read_guest_config(tool_context ctx, std::string uri, uri_variables vars) {
    auto vmid = parse_vmid(vars["vmid"]);
    if (!vmid)
        co_return resource_contents::missing(fmt::format("{} is not a vmid", quote_text(vars["vmid"], 32)));
    json::object selector{{"vmid", *vmid}};
    auto guest = co_await tools::resolve_guest(ctx, selector, std::nullopt);
    if (!guest)
        co_return resource_contents::missing(guest.failure().message);
    proxmox::api_response config;
    if (guest->type == proxmox::guest_type::qemu) {
        gen::nodes_qemu_config_get_params params{.node = guest->node, .vmid = *vmid};
        auto answer = co_await ctx.client->async_call(params, asio::use_awaitable);
        if (!answer)
            co_return read_failure(fmt::format("Reading the config of VM {} failed", *vmid), answer.error());
        config = std::move(*answer);
    } else {
        gen::nodes_lxc_config_get_params params{.node = guest->node, .vmid = *vmid};
        auto answer = co_await ctx.client->async_call(params, asio::use_awaitable);
        if (!answer)
            co_return read_failure(fmt::format("Reading the config of container {} failed", *vmid),
                                   answer.error());
        config = std::move(*answer);
    }
    json::object out{{"vmid", *vmid},
                     {"name", guest->name},
                     {"node", guest->node},
                     {"type", proxmox::to_string(guest->type)},
                     {"config", std::move(config.data)}};
    co_return json_contents(std::move(uri), out);
}

/// The UPID of a task URI, checked against the allow-lists; or why it cannot be read.
std::variant<proxmox::upid, std::string> task_of(const tool_context& ctx, const uri_variables& vars) {
    auto it = vars.find("upid");
    auto parsed = proxmox::upid::parse(it == vars.end() ? std::string_view() : std::string_view(it->second));
    if (!parsed)
        return fmt::format("{} is not a UPID (UPID:node:pid:pstart:starttime:type:id:user:)",
                           quote_text(it == vars.end() ? "" : it->second, 128));
    if (ctx.policy) {
        if (auto refusal = ctx.policy->refuse_node(parsed->node))
            return *refusal;
        if (auto vmid = parse_vmid(parsed->id); vmid && !ctx.policy->vmid_allowed(*vmid))
            return fmt::format("the task belongs to guest {}, which PROXMOX_ALLOWED_VMIDS leaves out", *vmid);
    }
    return std::move(*parsed);
}

asio::awaitable<resource_contents> read_task_status(tool_context ctx, std::string uri, uri_variables vars) {
    auto task = task_of(ctx, vars);
    if (auto* why = std::get_if<std::string>(&task))
        co_return resource_contents::missing(*why);
    const auto& upid = std::get<proxmox::upid>(task);
    gen::nodes_tasks_status_get_params params{.node = upid.node, .upid = upid.text};
    auto answer = co_await ctx.client->async_call(params, asio::use_awaitable);
    if (!answer)
        co_return read_failure("Reading the task's status failed", answer.error());
    co_return json_contents(std::move(uri), answer->data);
}

asio::awaitable<resource_contents> read_task_log(tool_context ctx, std::string uri, uri_variables vars) {
    auto task = task_of(ctx, vars);
    if (auto* why = std::get_if<std::string>(&task))
        co_return resource_contents::missing(*why);
    const auto& upid = std::get<proxmox::upid>(task);
    gen::nodes_tasks_log_get_params params{.node = upid.node, .upid = upid.text};
    params.start = 0;
    params.limit = max_log_lines;
    auto answer = co_await ctx.client->async_call(params, asio::use_awaitable);
    if (!answer)
        co_return read_failure("Reading the task's log failed", answer.error());
    std::string text;
    if (const auto* lines = answer->data.if_array())
        for (const auto& line : *lines)
            if (const auto* o = line.if_object())
                if (const auto* t = o->if_contains("t"); t && t->is_string()) {
                    text.append(t->get_string().data(), t->get_string().size());
                    text += '\n';
                }
    if (answer->total && *answer->total > max_log_lines)
        text += fmt::format("… {} more lines (the first {} are shown)\n", *answer->total - max_log_lines,
                            max_log_lines);
    co_return resource_contents::text(std::move(uri), "text/plain", std::move(text));
}

/// Polls a task until it ends: `changed()` for new log lines or a new status, nothing for the
/// state found at the first poll.
asio::awaitable<void> watch_task(tool_context ctx,
                                 uri_variables vars,
                                 std::function<void()> changed,
                                 std::chrono::milliseconds poll) {
    auto task = task_of(ctx, vars);
    if (!std::holds_alternative<proxmox::upid>(task))
        co_return;
    const auto upid = std::get<proxmox::upid>(task);
    asio::steady_timer timer(ctx.client->get_executor());
    std::string last_status;
    std::int64_t seen_lines = 0;
    for (bool first = true;; first = false) {
        gen::nodes_tasks_status_get_params status_params{.node = upid.node, .upid = upid.text};
        auto status = co_await ctx.client->async_call(status_params, asio::use_awaitable);
        if (!status)
            co_return; // the task is gone or the cluster cannot say: nothing more to report
        const auto* s = status->data.if_object();
        const auto* state = s ? s->if_contains("status") : nullptr;
        std::string now = state && state->is_string() ? std::string(state->get_string()) : std::string();
        gen::nodes_tasks_log_get_params log_params{.node = upid.node, .upid = upid.text};
        log_params.start = seen_lines;
        log_params.limit = 500;
        auto log = co_await ctx.client->async_call(log_params, asio::use_awaitable);
        std::size_t new_lines = log && log->data.is_array() ? log->data.get_array().size() : 0;
        seen_lines += static_cast<std::int64_t>(new_lines);
        if (!first && (new_lines > 0 || now != last_status))
            changed();
        last_status = now;
        if (now != "running")
            co_return;
        timer.expires_after(poll);
        co_await timer.async_wait(asio::use_awaitable);
    }
}

resource_template_def make_template(std::string uri_template,
                                    std::string name,
                                    std::string title,
                                    std::string description,
                                    std::string mime_type,
                                    resource_reader read) {
    resource_template_def t;
    t.uri_template = std::move(uri_template);
    t.name = std::move(name);
    t.title = std::move(title);
    t.description = std::move(description);
    t.mime_type = std::move(mime_type);
    t.read = std::move(read);
    return t;
}

/// Subscriptions to a task resource poll the task until it ends.
resource_watcher task_watcher(std::chrono::milliseconds poll) {
    return [poll](tool_context ctx, std::string, uri_variables vars,
                  std::function<void()> changed) -> asio::awaitable<void> {
        auto watching = watch_task(std::move(ctx), std::move(vars), std::move(changed), poll);
        co_await std::move(watching);
    };
}

} // namespace

resource_registry make_resources(std::shared_ptr<cluster_cache> cache, resource_options options) {
    resource_registry r;
    r.add(resource_def{"proxmox://cluster/resources",
                       "cluster-resources",
                       "Cluster resources",
                       "Every node, guest, storage and pool of the cluster (GET /cluster/resources), as JSON",
                       "application/json",
                       read_cluster,
                       {}});

    auto node = make_template("proxmox://nodes/{node}/status", "node-status", "Node status",
                              "CPU, memory, disk, load and versions of one node (GET /nodes/{node}/status)",
                              "application/json", read_node_status);
    node.complete["node"] = complete_nodes(cache);
    r.add(std::move(node));
    auto guest =
        make_template("proxmox://guests/{vmid}/config", "guest-config", "Guest config",
                      "The configuration of a VM or container, found by vmid anywhere in the cluster",
                      "application/json", read_guest_config);
    guest.complete["vmid"] = complete_guests(cache);
    r.add(std::move(guest));
    auto status =
        make_template("proxmox://tasks/{upid}/status", "task-status", "Task status",
                      "A task's status and exit status; subscribe while it runs to hear when it ends",
                      "application/json", read_task_status);
    status.watch = task_watcher(options.task_poll);
    r.add(std::move(status));
    auto log = make_template("proxmox://tasks/{upid}/log", "task-log", "Task log",
                             "A task's log; subscribe while it runs to hear of new lines", "text/plain",
                             read_task_log);
    log.watch = task_watcher(options.task_poll);
    r.add(std::move(log));
    return r;
}

} // namespace proxmox::mcp::pve
