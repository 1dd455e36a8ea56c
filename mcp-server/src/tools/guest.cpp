#include "caller_text.hpp"
#include "policy.hpp"
#include "tools/guest.hpp"
#include "tools/tools.hpp"

#include <proxmox/client.hpp>

#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace proxmox::mcp::tools {

namespace asio = boost::asio;

namespace {

bool is(const proxmox::error& e, proxmox::errc c) {
    return e.code == proxmox::make_error_code(c);
}

/// `proxmox-start-vm` -> `proxmox-start-lxc` and back: the tool for the other guest type.
std::string counterpart(std::string_view tool, proxmox::guest_type wanted) {
    std::string t(tool);
    std::string_view from = wanted == proxmox::guest_type::qemu ? "-vm" : "-lxc";
    std::string_view to = wanted == proxmox::guest_type::qemu ? "-lxc" : "-vm";
    auto pos = t.find(from);
    if (pos == std::string::npos)
        return {};
    t.replace(pos, from.size(), to);
    // Only a tool that exists (there is no proxmox-lxc-metrics).
    if (std::find(seed_tool_order.begin(), seed_tool_order.end(), t) == seed_tool_order.end())
        return {};
    return t;
}

} // namespace

json::object selector_props() {
    return {{"vmid", json::object{{"type", "integer"}, {"minimum", 100}, {"maximum", 999999999}}},
            {"name", json::object{{"type", "string"}, {"maxLength", max_name_length}}},
            {"node", json::object{{"type", "string"}, {"maxLength", max_name_length}, {"x-unlisted", true}}}};
}

json::object merged(json::object a, const json::object& b) {
    for (const auto& kv : b)
        a[kv.key()] = kv.value();
    return a;
}

std::string_view kind_name(proxmox::guest_type type) {
    return type == proxmox::guest_type::qemu ? "VM" : "container";
}

std::string_view list_tool(proxmox::guest_type type) {
    return type == proxmox::guest_type::qemu ? "proxmox-list-vms" : "proxmox-list-lxc";
}

std::string guest_label(const proxmox::guest_summary& g) {
    if (g.name.empty())
        return fmt::format("{} {} on {}", kind_name(g.type), g.vmid, g.node);
    return fmt::format("{} {} ({}) on {}", kind_name(g.type), g.vmid, g.name, g.node);
}

json::object guest_out(const proxmox::guest_summary& g) {
    return {{"vmid", g.vmid}, {"node", g.node}, {"name", g.name}};
}

asio::awaitable<outcome<proxmox::guest_summary>>
resolve_guest(const tool_context& ctx, const json::object& args, std::optional<proxmox::guest_type> type) {
    proxmox::guest_selector selector;
    if (auto vmid = arg_int(args, "vmid"))
        selector.vmid = static_cast<proxmox::vmid_t>(*vmid);
    selector.name = arg_string(args, "name").value_or("");
    selector.node = arg_string(args, "node").value_or("");
    selector.type = type;
    std::string_view kind = type ? kind_name(*type) : std::string_view("guest");
    std::string_view lister =
        type ? list_tool(*type) : std::string_view("proxmox-list-vms or proxmox-list-lxc");
    if (!selector.vmid && selector.name.empty())
        co_return tool_result::failure(fmt::format(
            "Missing the {}: pass vmid (e.g. 100) or name. Fix: add one of them (find them with {}).", kind,
            lister));

    auto found = co_await ctx.client->cluster().async_find_guest(selector, asio::use_awaitable);
    if (!found) {
        const proxmox::error e = found.error();
        if (is(e, proxmox::errc::not_found) || is(e, proxmox::errc::invalid_argument)) {
            std::string fix = fmt::format("find {}s with {}", kind, lister);
            if (type && e.message.find(type == proxmox::guest_type::qemu ? "container" : "not a container") !=
                            std::string::npos) {
                if (auto other = counterpart(ctx.tool, *type); !other.empty())
                    fix = fmt::format("use {} for it", other);
            }
            co_return tool_result::failure(fmt::format("{}. Fix: {}.", e.message, fix));
        }
        co_return failure(fmt::format("Finding the {} failed", kind), e);
    }
    if (ctx.policy)
        if (auto why = ctx.policy->refuse_guest(found->vmid, found->node, found->pool))
            co_return tool_result::failure(fmt::format("Refused: {}.", *why));
    co_return std::move(*found);
}

asio::awaitable<outcome<proxmox::qemu_config>> read_qemu_config(const tool_context& ctx,
                                                                const proxmox::guest_summary& g) {
    const auto vm = ctx.client->node(g.node).qemu(g.vmid);
    auto config = co_await vm.async_config(asio::use_awaitable);
    if (!config)
        co_return failure(fmt::format("Reading the config of {} failed", guest_label(g)), config.error());
    co_return std::move(*config);
}

asio::awaitable<outcome<proxmox::lxc_config>> read_lxc_config(const tool_context& ctx,
                                                              const proxmox::guest_summary& g) {
    const auto ct = ctx.client->node(g.node).lxc(g.vmid);
    auto config = co_await ct.async_config(asio::use_awaitable);
    if (!config)
        co_return failure(fmt::format("Reading the config of {} failed", guest_label(g)), config.error());
    co_return std::move(*config);
}

outcome<std::string> node_argument(const tool_context& ctx, const json::object& args, std::string_view key) {
    std::string node = arg_string(args, key).value_or(ctx.defaults.node);
    if (node.empty())
        return tool_result::failure(fmt::format(
            "Missing {}: pass \"{}\" or set PROXMOX_DEFAULT_NODE (proxmox-list-nodes lists the nodes).", key,
            key));
    if (ctx.policy)
        if (auto why = ctx.policy->refuse_node(node))
            return tool_result::failure(fmt::format("Refused: {}.", *why));
    return node;
}

asio::awaitable<outcome<std::vector<proxmox::node_summary>>> cluster_nodes(const tool_context& ctx) {
    auto nodes = co_await ctx.client->async_nodes(asio::use_awaitable);
    if (!nodes)
        co_return failure("Listing the nodes failed", nodes.error());
    co_return std::move(*nodes);
}

asio::awaitable<std::optional<std::vector<std::string>>>
nodes_without(const tool_context& ctx, std::string_view node, const proxmox::error& e) {
    if (e.http_status < 400 || is(e, proxmox::errc::auth_failed) || is(e, proxmox::errc::permission_denied))
        co_return std::nullopt;
    auto nodes = co_await ctx.client->async_nodes(asio::use_awaitable);
    if (!nodes || std::any_of(nodes->begin(), nodes->end(), [&](const auto& n) { return n.node == node; }))
        co_return std::nullopt;
    std::vector<std::string> names;
    for (const auto& n : *nodes)
        names.push_back(n.node);
    co_return names;
}

asio::awaitable<tool_result>
node_failure(const tool_context& ctx, std::string_view what, std::string_view node, const proxmox::error& e) {
    auto names = co_await nodes_without(ctx, node, e);
    if (names)
        co_return tool_result::failure(
            fmt::format("{}: node '{}' is not in the cluster. Fix: use one of its nodes: {}.", what,
                        quote_text(node), fmt::join(*names, ", ")));
    co_return failure(what, e);
}

} // namespace proxmox::mcp::tools
