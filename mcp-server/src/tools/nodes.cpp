// proxmox-list-nodes, proxmox-node-status.
#include "tools/common.hpp"
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
        list.push_back(node_json(n));
    std::size_t count = list.size();
    co_return tool_result::success({{"nodes", std::move(list)}, {"count", count}});
}

asio::awaitable<tool_result> node_status(tool_context ctx, json::object args) {
    std::string name = arg_string(args, "node").value_or(ctx.defaults.node);
    if (name.empty())
        co_return tool_result::failure(
            "No node given and PROXMOX_DEFAULT_NODE is not set. Fix: pass \"node\" "
            "(proxmox-list-nodes lists the names).");
    auto node = ctx.client->node(name);
    auto status = co_await node.async_status(asio::use_awaitable);
    if (!status)
        co_return failure(fmt::format("Reading the status of node {} failed", name), status.error());
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

json::object usage_schema(std::string_view what, std::string_view description, bool with_free) {
    json::object props{{"total", integer_prop(fmt::format("Total {} in bytes.", what))},
                       {"used", integer_prop(fmt::format("Used {} in bytes.", what))}};
    if (with_free)
        props["free"] = integer_prop(fmt::format("Free {} in bytes.", what));
    return described(output_schema(std::move(props), {"total", "used"}), description);
}

} // namespace

void register_node_tools(tool_registry& registry) {
    registry.add({
        .name = "proxmox-list-nodes",
        .title = "List cluster nodes",
        .description = "List the nodes of the Proxmox VE cluster with their status and CPU, memory, disk and "
                       "uptime summary.",
        .input_schema = input_schema({}),
        .output_schema = output_schema({{"nodes", array_prop("The cluster's nodes.", node_schema())},
                                        {"count", integer_prop("Number of nodes.")}},
                                       {"nodes", "count"}),
        .annotations = {.read_only = true, .destructive = false, .idempotent = true, .open_world = true},
        .handler = list_nodes,
    });

    registry.add({
        .name = "proxmox-node-status",
        .title = "Node status",
        .description =
            "Detailed health of one node: uptime, load, CPU, memory, swap, root disk, kernel and PVE "
            "versions. Without \"node\" it uses PROXMOX_DEFAULT_NODE.",
        .input_schema =
            input_schema({{"node", name_prop("Node name, e.g. \"pve\". Default: PROXMOX_DEFAULT_NODE.")}}),
        .output_schema = output_schema(
            {
                {"node", string_prop("Node name.")},
                {"uptime", integer_prop("Uptime in seconds.")},
                {"kversion", string_prop("Kernel version.")},
                {"pveversion", string_prop("pve-manager version.")},
                {"cpu", number_prop("CPU usage, fraction 0..1.")},
                {"loadavg", array_prop("Load average over 1, 5 and 15 minutes.", number_prop("Load."))},
                {"cpuinfo", described(output_schema({{"model", string_prop("CPU model.")},
                                                     {"cpus", integer_prop("Logical CPUs.")},
                                                     {"sockets", integer_prop("CPU sockets.")}}),
                                      "The node's CPUs.")},
                {"memory", usage_schema("memory", "Memory usage.", true)},
                {"swap", usage_schema("swap", "Swap usage.", false)},
                {"rootfs", usage_schema("root file system space", "Root file system usage.", false)},
            },
            {"node", "uptime", "memory"}),
        .annotations = {.read_only = true, .destructive = false, .idempotent = true, .open_world = true},
        .handler = node_status,
    });
}

} // namespace proxmox::mcp::tools
