// proxmox-list-tasks, -task-status, -wait-task.
#include "policy.hpp"
#include "tools/guest.hpp"
#include "tools/listing.hpp"
#include "tools/task_wait.hpp"
#include "tools/tools.hpp"

#include <proxmox/client.hpp>
#include <proxmox/generated/nodes_other.hpp>

#include <boost/asio/use_awaitable.hpp>
#include <boost/json/value_to.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace proxmox::mcp::tools {

namespace asio = boost::asio;
namespace gen = proxmox::gen;

namespace {

json::object task_item(const proxmox::cluster_task& t) {
    json::object o{
        {"upid", t.upid},          {"node", t.node},
        {"type", t.type},          {"id", t.id},
        {"user", t.authid()},      {"status", t.running() ? std::string("running") : t.status.value_or("")},
        {"starttime", t.starttime}};
    if (t.endtime)
        o["endtime"] = *t.endtime;
    return o;
}

/// Without node: `GET /cluster/tasks` (every node's running and latest finished tasks), newest
/// first. With node: `GET /nodes/{node}/tasks` (running and finished), paged by PVE itself.
asio::awaitable<tool_result> list_tasks(tool_context ctx, json::object args) {
    const auto user = arg_string(args, "user");
    if (!args.contains("node")) {
        auto tasks = co_await ctx.client->cluster().async_tasks(asio::use_awaitable);
        if (!tasks)
            co_return failure("Listing the cluster's tasks failed", tasks.error());
        std::vector<proxmox::cluster_task> kept;
        for (auto& t : *tasks) {
            if (ctx.policy && !ctx.policy->node_allowed(t.node))
                continue; // a node outside PROXMOX_ALLOWED_NODES: not shown
            if (user && !contains_icase(t.authid(), *user))
                continue;
            kept.push_back(std::move(t));
        }
        std::stable_sort(kept.begin(), kept.end(),
                         [](const auto& a, const auto& b) { return a.starttime > b.starttime; });
        json::array items;
        for (const auto& t : kept)
            items.push_back(task_item(t));
        co_return tool_result::success(page_of(std::move(items), args, "tasks"));
    }

    auto chosen = node_argument(ctx, args);
    if (!chosen)
        co_return chosen.failure();
    const std::string node = *chosen;
    const std::int64_t limit = arg_int(args, "limit").value_or(default_list_limit);
    const std::int64_t offset = std::max<std::int64_t>(0, arg_int(args, "offset").value_or(0));
    gen::nodes_tasks_get_params params{.node = node};
    params.limit = limit;
    params.start = offset;
    params.source = gen::nodes_tasks_get_params::source_enum("all");
    if (user)
        params.userfilter = *user;
    auto answer = co_await ctx.client->async_call(params, asio::use_awaitable);
    if (!answer)
        co_return co_await node_failure(ctx, "Listing the node's tasks failed", node, answer.error());
    json::array items;
    if (const auto* rows = answer->data.if_array())
        for (const auto& row : *rows)
            items.push_back(task_item(json::value_to<proxmox::cluster_task>(row)));
    const auto count = static_cast<std::int64_t>(items.size());
    const std::int64_t total = answer->total.value_or(offset + count);
    // PVE did the paging; page_of only picks the fields
    json::object page_args = args;
    page_args["offset"] = 0;
    json::object out = page_of(std::move(items), page_args, "tasks");
    out["total"] = total;
    out["offset"] = offset;
    out.erase("next_offset");
    if (offset + count < total)
        out["next_offset"] = offset + count;
    co_return tool_result::success(std::move(out));
}

/// The task a `upid` argument names, refused when its node is outside the allow-list.
outcome<proxmox::task_handle> task_argument(const tool_context& ctx, const json::object& args) {
    const std::string upid = arg_string(args, "upid").value_or("");
    auto handle = ctx.client->task(upid);
    if (!handle)
        return failure("Invalid upid (pass the upid a tool such as proxmox-start-vm returned)",
                       handle.error());
    if (ctx.policy)
        if (auto why = ctx.policy->refuse_node(handle->id().node))
            return tool_result::failure(fmt::format("Refused: {}.", *why));
    return std::move(*handle);
}

asio::awaitable<tool_result> task_status(tool_context ctx, json::object args) {
    auto handle = task_argument(ctx, args);
    if (!handle)
        co_return handle.failure();
    const proxmox::task_handle task = *handle;
    auto status = co_await task.async_status(asio::use_awaitable);
    if (!status) {
        const std::string what = fmt::format("Reading task {} failed", task.upid());
        co_return co_await node_failure(ctx, what, task.id().node, status.error());
    }
    co_return tool_result::success(task_json(*status));
}

/// Polls the task until it stops, like a write tool's `wait: true`.
asio::awaitable<tool_result> wait_task(tool_context ctx, json::object args) {
    auto handle = task_argument(ctx, args);
    if (!handle)
        co_return handle.failure();
    const proxmox::task_handle task = *handle;
    wait_settings settings;
    settings.wait = true;
    settings.timeout = std::chrono::seconds(arg_int(args, "timeout").value_or(900));
    double poll = 2.0;
    if (const auto* v = args.if_contains("poll_interval"); v && v->is_number())
        poll = v->to_number<double>();
    settings.poll = std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(poll * 1000)));
    const auto& id = task.id();
    std::string what = id.id.empty() ? fmt::format("Task {} on {}", id.type, id.node)
                                     : fmt::format("Task {} {} on {}", id.type, id.id, id.node);
    json::object out;
    co_return co_await follow_task(ctx, task, settings, std::move(out), std::move(what));
}

json::object upid_props() {
    return {{"upid", json::object{{"type", "string"}, {"minLength", 1}, {"maxLength", max_upid_length}}},
            {"node", json::object{{"type", "string"}, {"maxLength", max_name_length}}}};
}

} // namespace

void register_task_tools(tool_registry& registry) {
    registry.add({
        .name = "proxmox-list-tasks",
        .title = "List tasks",
        .description = "Recent tasks of the cluster or of one node, newest first.",
        .input_schema =
            input_schema(merged({{"node", json::object{{"type", "string"}, {"maxLength", max_name_length}}},
                                 {"user", json::object{{"type", "string"}, {"maxLength", max_name_length}}}},
                                list_props())),
        .output_schema =
            output_schema(page_output_props("tasks", output_schema(fields({{"upid", "string"},
                                                                           {"node", "string"},
                                                                           {"type", "string"},
                                                                           {"status", "string"},
                                                                           {"starttime", "integer"}}))),
                          {"tasks", "total"}),
        .annotations = {.idempotent = true},
        .handler = list_tasks,
    });
    registry.add({
        .name = "proxmox-task-status",
        .title = "Task status",
        .description = "Status of a task (UPID): running or stopped, and its exit status.",
        .input_schema = input_schema(upid_props(), {"upid"}),
        .output_schema = task_schema(),
        .annotations = {.idempotent = true},
        .handler = task_status,
    });
    registry.add({
        .name = "proxmox-wait-task",
        .title = "Wait for a task",
        .description = "Wait for a task (UPID) to end; failure gives its exit status and log tail.",
        .input_schema = input_schema(
            merged(upid_props(),
                   {{"timeout",
                     json::object{{"type", "integer"}, {"minimum", 1}, {"maximum", 86400}, {"default", 900}}},
                    {"poll_interval",
                     json::object{{"type", "number"}, {"minimum", 0.1}, {"maximum", 60}, {"default", 2}}}}),
            {"upid"}),
        .output_schema = output_schema(task_output_props(), {"upid"}),
        .annotations = {.idempotent = true},
        .handler = wait_task,
    });
}

} // namespace proxmox::mcp::tools
