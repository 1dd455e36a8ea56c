// proxmox-list-storage, -storage-content.
#include "caller_text.hpp"
#include "policy.hpp"
#include "tools/guest.hpp"
#include "tools/listing.hpp"
#include "tools/tools.hpp"

#include <proxmox/client.hpp>

#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <iterator>
#include <string>
#include <string_view>

namespace proxmox::mcp::tools {

namespace asio = boost::asio;

namespace {

/// PVE's content types (pve-storage-content).
constexpr std::string_view content_types[] = {"iso",     "vztmpl",   "backup", "images",
                                              "rootdir", "snippets", "import"};

/// One `GET /storage` plus one `GET /cluster/resources?type=storage` for the usage per node.
asio::awaitable<tool_result> list_storage(tool_context ctx, json::object args) {
    // g++ 12: no temporaries with destructors inside a co_await expression
    const proxmox::storage_list_options options{.type = {}, .with_usage = true};
    auto storages = co_await ctx.client->async_storages(options, asio::use_awaitable);
    if (!storages)
        co_return failure("Listing the storages failed", storages.error());
    json::array items;
    for (const auto& s : *storages) {
        json::object o{{"storage", s.storage},
                       {"type", s.type},
                       {"content", string_array(s.content)},
                       {"shared", s.shared},
                       {"enabled", !s.disabled}};
        if (!s.nodes.empty())
            o["nodes"] = string_array(s.nodes);
        if (!s.path.empty())
            o["path"] = s.path;
        json::object usage;
        for (const auto& [node, u] : s.usage) {
            if (ctx.policy && !ctx.policy->node_allowed(node))
                continue; // a node outside PROXMOX_ALLOWED_NODES: not shown
            usage[node] = json::object{{"total", u.total}, {"used", u.used}, {"avail", u.avail}};
        }
        o["usage"] = std::move(usage);
        items.push_back(std::move(o));
    }
    co_return tool_result::success(page_of(std::move(items), args, "storages"));
}

asio::awaitable<tool_result> storage_content(tool_context ctx, json::object args) {
    auto chosen = node_argument(ctx, args);
    if (!chosen)
        co_return chosen.failure();
    const std::string node = *chosen;
    const std::string storage = arg_string(args, "storage").value_or(ctx.defaults.storage);
    if (storage.empty())
        co_return tool_result::failure(
            "Missing storage: pass \"storage\" or set PROXMOX_DEFAULT_STORAGE (proxmox-list-storage lists "
            "them).");
    proxmox::content_filter filter;
    filter.content = arg_string(args, "content").value_or("");
    if (!filter.content.empty() && std::find(std::begin(content_types), std::end(content_types),
                                             filter.content) == std::end(content_types))
        co_return tool_result::failure(fmt::format("content '{}' is not a content type. Fix: pass one of {}.",
                                                   quote_text(filter.content),
                                                   fmt::join(content_types, ", ")));

    const auto store = ctx.client->node(node).storage(storage);
    auto volumes = co_await store.async_content(filter, asio::use_awaitable);
    if (!volumes) {
        const proxmox::error e = volumes.error(); // a copy: error() returns one
        if (e.message.find("does not exist") != std::string::npos) {
            const proxmox::storage_list_options all;
            auto storages = co_await ctx.client->async_storages(all, asio::use_awaitable);
            std::vector<std::string> names;
            if (storages)
                for (const auto& s : *storages)
                    names.push_back(s.storage);
            co_return tool_result::failure(fmt::format(
                "Storage '{}' does not exist. Fix: pass one of the cluster's storages: {}.",
                quote_text(storage),
                names.empty() ? "see proxmox-list-storage" : fmt::format("{}", fmt::join(names, ", "))));
        }
        const std::string what =
            fmt::format("Listing storage '{}' on node '{}' failed", quote_text(storage), quote_text(node));
        co_return co_await node_failure(ctx, what, node, e);
    }
    json::array items;
    for (const auto& v : *volumes) {
        json::object o{{"volid", v.volid},
                       {"content", v.content},
                       {"format", v.format},
                       {"size", v.size},
                       {"ctime", v.ctime}};
        if (v.vmid)
            o["vmid"] = *v.vmid;
        if (!v.subtype.empty())
            o["subtype"] = v.subtype;
        if (!v.notes.empty())
            o["notes"] = v.notes;
        if (v.is_protected)
            o["protected"] = true;
        items.push_back(std::move(o));
    }
    json::object out = page_of(std::move(items), args, "volumes");
    out["node"] = node;
    out["storage"] = storage;
    co_return tool_result::success(std::move(out));
}

} // namespace

void register_storage_tools(tool_registry& registry) {
    registry.add({
        .name = "proxmox-list-storage",
        .title = "List storages",
        .description = "Storages: type, content types, shared, usage per node.",
        .input_schema = input_schema(list_props()),
        .output_schema = output_schema(
            page_output_props(
                "storages",
                output_schema(fields(
                    {{"storage", "string"}, {"type", "string"}, {"content", "array"}, {"usage", "object"}}))),
            {"storages", "total"}),
        .annotations = {.idempotent = true},
        .handler = list_storage,
    });
    registry.add({
        .name = "proxmox-storage-content",
        .title = "Storage content",
        .description = "A storage's volumes; content: iso|vztmpl|backup|images.",
        .input_schema = input_schema(
            merged({{"node", json::object{{"type", "string"}, {"maxLength", max_name_length}}},
                    {"storage", json::object{{"type", "string"}, {"maxLength", max_name_length}}},
                    {"content", json::object{{"type", "string"}, {"maxLength", 16}}}},
                   list_props())),
        .output_schema =
            output_schema(merged(page_output_props("volumes", output_schema(fields({{"volid", "string"},
                                                                                    {"content", "string"},
                                                                                    {"size", "integer"},
                                                                                    {"vmid", "integer"}}))),
                                 fields({{"node", "string"}, {"storage", "string"}})),
                          {"volumes", "total"}),
        .annotations = {.idempotent = true},
        .handler = storage_content,
    });
}

} // namespace proxmox::mcp::tools
