// proxmox-list-nodes, proxmox-node-status.
#include "policy.hpp"
#include "tools/guest.hpp"
#include "tools/tools.hpp"

#include <proxmox/client.hpp>

#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

namespace proxmox::mcp::tools {

namespace asio = boost::asio;

namespace {

asio::awaitable<tool_result> list_nodes(tool_context ctx, json::object /*args*/) {
    auto nodes = co_await ctx.client->async_nodes(asio::use_awaitable);
    if (!nodes)
        co_return failure("Listing nodes failed", nodes.error());
    json::array list;
    for (const auto& n : *nodes)
        if (!ctx.policy || ctx.policy->node_allowed(n.node))
            list.push_back(node_json(n));
    std::size_t count = list.size();
    co_return tool_result::success({{"nodes", std::move(list)}, {"count", count}});
}

asio::awaitable<tool_result> node_status(tool_context ctx, json::object args) {
    auto chosen = node_argument(ctx, args);
    if (!chosen)
        co_return chosen.failure();
    const std::string name = *chosen;
    auto node = ctx.client->node(name);
    auto status = co_await node.async_status(asio::use_awaitable);
    if (!status)
        co_return co_await node_failure(ctx, "Reading the node's status failed", name, status.error());
    const auto& s = *status;
    json::array load;
    for (double l : s.loadavg)
        load.push_back(l);
    json::object out{
        {"node", name},
        {"uptime", s.uptime},
        {"kversion", s.kversion},
        {"pveversion", s.pveversion},
        {"cpu", s.cpu},
        {"loadavg", std::move(load)},
        {"cpuinfo", json::object{{"model", s.cpu_model}, {"cpus", s.cpus}, {"sockets", s.sockets}}},
        {"memory", json::object{{"total", s.memory_total}, {"used", s.memory_used}, {"free", s.memory_free}}},
        {"swap", json::object{{"total", s.swap_total}, {"used", s.swap_used}}},
        {"rootfs", json::object{{"total", s.rootfs_total}, {"used", s.rootfs_used}}},
    };
    co_return tool_result::success(std::move(out));
}

json::object usage_schema(bool with_free) {
    auto props = fields({{"total", "integer"}, {"used", "integer"}});
    if (with_free)
        props["free"] = json::object{{"type", "integer"}};
    return output_schema(std::move(props));
}

} // namespace

void register_node_tools(tool_registry& registry) {
    registry.add({
        .name = "proxmox-list-nodes",
        .title = "List cluster nodes",
        .description = "The cluster's nodes with status, CPU, memory, disk, uptime.",
        .input_schema = input_schema({}),
        .output_schema = output_schema({{"nodes", json::object{{"type", "array"}, {"items", node_schema()}}},
                                        {"count", json::object{{"type", "integer"}}}},
                                       {"nodes", "count"}),
        .annotations = {.idempotent = true},
        .handler = list_nodes,
    });

    registry.add({
        .name = "proxmox-node-status",
        .title = "Node status",
        .description = "Health of one node: uptime, load, CPU, memory, swap, disk, versions.",
        .input_schema =
            input_schema({{"node", json::object{{"type", "string"}, {"maxLength", max_name_length}}}}),
        .output_schema = output_schema(
            merged(fields({{"node", "string"},
                           {"uptime", "integer"},
                           {"kversion", "string"},
                           {"pveversion", "string"},
                           {"cpu", "number"}}),
                   {{"loadavg", json::object{{"type", "array"}, {"items", json::object{{"type", "number"}}}}},
                    {"cpuinfo", output_schema(fields(
                                    {{"model", "string"}, {"cpus", "integer"}, {"sockets", "integer"}}))},
                    {"memory", usage_schema(true)},
                    {"swap", usage_schema(false)},
                    {"rootfs", usage_schema(false)}}),
            {"node", "uptime", "memory"}),
        .annotations = {.idempotent = true},
        .handler = node_status,
    });
}

} // namespace proxmox::mcp::tools
