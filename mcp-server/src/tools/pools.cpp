// proxmox-list-pools, -create-pool, -delete-pool, -pool-add, -pool-remove.
//
// PVE's pools are one flat `/pools` collection (nested ids `a/b`); members change with
// `PUT /pools` (`vms`, `delete=1`), never through the guest's config.
#include "caller_text.hpp"
#include "policy.hpp"
#include "tools/guest.hpp"
#include "tools/listing.hpp"
#include "tools/plan.hpp"
#include "tools/tools.hpp"

#include <proxmox/client.hpp>
#include <proxmox/generated/pools.hpp>

#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <vector>

namespace proxmox::mcp::tools {

namespace asio = boost::asio;
namespace gen = proxmox::gen;

namespace {

/// PVE's pve-poolid: names of [A-Za-z0-9._-] joined by '/', at most three levels.
std::optional<std::string> poolid_problem(std::string_view id) {
    const auto bad = [&] {
        return fmt::format("poolid '{}' is not a pool id. Fix: use letters, digits, '.', '-' and '_' "
                           "(nested pools: parent/child, at most 3 levels), e.g. \"dev\"",
                           quote_text(id));
    };
    if (id.empty())
        return bad();
    std::size_t levels = 1;
    std::size_t part = 0;
    for (char c : id) {
        if (c == '/') {
            if (part == 0)
                return bad();
            ++levels;
            part = 0;
            continue;
        }
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                        c == '.' || c == '-' || c == '_';
        if (!ok)
            return bad();
        ++part;
    }
    if (part == 0 || levels > 3)
        return bad();
    return std::nullopt;
}

/// The poolid argument, checked for shape and against PROXMOX_ALLOWED_POOLS.
outcome<std::string> poolid_argument(const tool_context& ctx, const json::object& args) {
    std::string id = arg_string(args, "poolid").value_or("");
    if (auto problem = poolid_problem(id))
        return tool_result::failure(*problem + ".");
    if (ctx.policy)
        if (auto why = ctx.policy->refuse_pool(id))
            return tool_result::failure(fmt::format("Refused: {}.", *why));
    return id;
}

bool pool_visible(const tool_context& ctx, std::string_view id) {
    return !ctx.policy || ctx.policy->pool_allowed(id);
}

/// The pools the caller may see (GET /pools, no members).
asio::awaitable<outcome<std::vector<proxmox::pool_info>>> visible_pools(const tool_context& ctx) {
    auto pools = co_await ctx.client->pools().async_list(false, asio::use_awaitable);
    if (!pools)
        co_return failure("Listing the pools failed", pools.error());
    std::vector<proxmox::pool_info> out;
    for (auto& p : *pools)
        if (pool_visible(ctx, p.poolid))
            out.push_back(std::move(p));
    co_return out;
}

bool has_pool(const std::vector<proxmox::pool_info>& pools, std::string_view id) {
    return std::any_of(pools.begin(), pools.end(), [&](const auto& p) { return p.poolid == id; });
}

/// `pool 'x' does not exist; existing pools: a, b` (and how to create one when `create_hint`).
std::string
missing_pool(const std::vector<proxmox::pool_info>& pools, std::string_view id, bool create_hint) {
    std::vector<std::string> names;
    for (const auto& p : pools)
        names.push_back(p.poolid);
    std::string text = names.empty()
                           ? fmt::format("pool '{}' does not exist (there are no pools)", quote_text(id))
                           : fmt::format("pool '{}' does not exist; existing pools: {}", quote_text(id),
                                         fmt::join(names, ", "));
    if (create_hint)
        text += "; proxmox-create-pool creates it";
    return text;
}

// ---- list ---------------------------------------------------------------------------------------

asio::awaitable<tool_result> list_pools(tool_context ctx, json::object args) {
    auto pools = co_await visible_pools(ctx);
    if (!pools)
        co_return pools.failure();
    std::sort(pools->begin(), pools->end(), [](const auto& a, const auto& b) { return a.poolid < b.poolid; });

    // Members cost one request per pool: read them only for the page answered.
    const auto total = pools->size();
    const auto offset = std::min<std::size_t>(
        total, static_cast<std::size_t>(std::max<std::int64_t>(0, arg_int(args, "offset").value_or(0))));
    const auto limit = static_cast<std::size_t>(arg_int(args, "limit").value_or(default_list_limit));
    json::array items;
    for (std::size_t i = 0; i < total; ++i) {
        auto& p = (*pools)[i];
        json::object item{{"poolid", p.poolid}};
        if (!p.comment.empty())
            item["comment"] = p.comment;
        if (i >= offset && i - offset < limit) {
            auto full = co_await ctx.client->pools().async_get(p.poolid, asio::use_awaitable);
            if (!full)
                co_return failure(fmt::format("Reading the members of pool '{}' failed", p.poolid),
                                  full.error());
            json::array vmids;
            for (auto id : full->vmids())
                if (!ctx.policy || ctx.policy->vmid_allowed(id))
                    vmids.push_back(id);
            item["vmids"] = std::move(vmids);
            item["storages"] = string_array(full->storages());
        }
        items.push_back(std::move(item));
    }
    co_return tool_result::success(page_of(std::move(items), args, "pools"));
}

// ---- create / delete ----------------------------------------------------------------------------

asio::awaitable<tool_result> create_pool(tool_context ctx, json::object args) {
    auto id = poolid_argument(ctx, args);
    if (!id)
        co_return id.failure();
    const std::string poolid = *id;
    const auto comment = arg_string(args, "comment");

    // Existing pools the allow-list hides still count: PVE refuses the id all the same.
    auto all = co_await ctx.client->pools().async_list(false, asio::use_awaitable);
    if (!all)
        co_return failure("Listing the pools failed", all.error());

    write_plan plan(fmt::format("create pool '{}'", poolid));
    const bool exists = has_pool(*all, poolid);
    plan.check("pool id is free", !exists,
               exists ? fmt::format("pool '{}' already exists; proxmox-list-pools shows it", poolid) : "");
    if (const auto slash = poolid.rfind('/'); slash != std::string::npos) {
        const std::string parent = poolid.substr(0, slash);
        const bool parent_exists = has_pool(*all, parent);
        plan.check("parent pool exists", parent_exists,
                   parent_exists ? "" : fmt::format("create pool '{}' first", parent));
    }
    plan.add(gen::pools_post_params{.comment = comment, .poolid = poolid});
    std::string what = fmt::format("Could not create pool '{}'", poolid);
    json::object out{{"poolid", poolid}, {"created", true}};
    if (comment)
        out["comment"] = *comment;
    co_return co_await run_plan(ctx, args, plan, std::move(out), std::move(what));
}

asio::awaitable<tool_result> delete_pool(tool_context ctx, json::object args) {
    auto id = poolid_argument(ctx, args);
    if (!id)
        co_return id.failure();
    const std::string poolid = *id;
    auto all = co_await ctx.client->pools().async_list(false, asio::use_awaitable);
    if (!all)
        co_return failure("Listing the pools failed", all.error());
    std::vector<proxmox::pool_info> visible;
    std::copy_if(all->begin(), all->end(), std::back_inserter(visible),
                 [&](const auto& p) { return pool_visible(ctx, p.poolid); });
    if (!has_pool(visible, poolid))
        co_return tool_result::failure(
            fmt::format("Cannot delete: {}.", missing_pool(visible, poolid, false)));

    auto full = co_await ctx.client->pools().async_get(poolid, asio::use_awaitable);
    if (!full)
        co_return failure(fmt::format("Reading the members of pool '{}' failed", poolid), full.error());
    std::vector<std::string> members;
    for (auto vmid : full->vmids())
        members.push_back(fmt::format("guest {}", vmid));
    for (const auto& s : full->storages())
        members.push_back(fmt::format("storage {}", s));
    // PVE also refuses while child pools exist (the full list: hidden children count too)
    for (const auto& p : *all)
        if (p.poolid.starts_with(poolid + "/"))
            members.push_back(fmt::format("child pool {}", p.poolid));

    write_plan plan(fmt::format("delete pool '{}'", poolid));
    plan.check("pool is empty (PVE deletes only empty pools)", members.empty(),
               members.empty() ? ""
                               : fmt::format("it holds {}; remove guests with proxmox-pool-remove first",
                                             fmt::join(members, ", ")));
    plan.add(gen::pools_delete_params{.poolid = poolid});
    std::string what = fmt::format("Could not delete pool '{}'", poolid);
    json::object out{{"poolid", poolid}, {"deleted", true}};
    co_return co_await run_plan(ctx, args, plan, std::move(out), std::move(what));
}

// ---- members ------------------------------------------------------------------------------------

asio::awaitable<tool_result> change_member(tool_context ctx, json::object args, bool add) {
    auto id = poolid_argument(ctx, args);
    if (!id)
        co_return id.failure();
    const std::string poolid = *id;
    const std::string type_name = arg_string(args, "type_").value_or("qemu");
    if (type_name != "qemu" && type_name != "lxc")
        co_return tool_result::failure(fmt::format(
            "type_ '{}' is not a guest type. Fix: pass \"qemu\" for a VM or \"lxc\" for a container.",
            quote_text(type_name)));
    const auto type = type_name == "lxc" ? proxmox::guest_type::lxc : proxmox::guest_type::qemu;
    auto guest = co_await resolve_guest(ctx, args, type);
    if (!guest)
        co_return guest.failure();
    const auto& g = *guest;
    auto out = merged({{"poolid", poolid}}, guest_out(g));

    auto pools = co_await visible_pools(ctx);
    if (!pools)
        co_return pools.failure();
    if (!has_pool(*pools, poolid))
        co_return tool_result::failure(fmt::format("Cannot {} {}: {}.", add ? "add" : "remove",
                                                   guest_label(g), missing_pool(*pools, poolid, add)));
    // Idempotent: the guest is already (or no longer) a member.
    if ((add && g.pool == poolid) || (!add && g.pool != poolid)) {
        out["already"] = true;
        co_return tool_result::success(std::move(out));
    }

    write_plan plan(add ? fmt::format("add {} to pool '{}'", guest_label(g), poolid)
                        : fmt::format("remove {} from pool '{}'", guest_label(g), poolid));
    gen::pools_put_params put{.poolid = poolid, .vms = std::to_string(g.vmid)};
    if (add) {
        // A guest is in one pool at most; moving it silently would take it from another pool.
        plan.check("guest is in no other pool", g.pool.empty(),
                   g.pool.empty() ? ""
                                  : fmt::format("it is in pool '{}'; remove it there first with "
                                                "proxmox-pool-remove",
                                                g.pool));
    } else {
        put.delete_ = true;
    }
    plan.add(put);
    std::string what = fmt::format("Could not {} {} {} pool '{}'", add ? "add" : "remove", guest_label(g),
                                   add ? "to" : "from", poolid);
    co_return co_await run_plan(ctx, args, plan, std::move(out), std::move(what));
}

json::object poolid_prop() {
    return {{"type", "string"}, {"minLength", 1}, {"maxLength", max_name_length}};
}

json::object member_input() {
    return input_schema(
        merged({{"poolid", poolid_prop()}, {"type_", json::object{{"type", "string"}, {"maxLength", 8}}}},
               selector_props()),
        {"poolid"});
}

json::object member_output() {
    return output_schema(
        merged(fields({{"poolid", "string"}, {"vmid", "integer"}, {"node", "string"}, {"name", "string"}}),
               {{"already", json::object{{"type", "boolean"}}}}));
}

} // namespace

void register_pool_tools(tool_registry& registry) {
    registry.add({
        .name = "proxmox-list-pools",
        .title = "List pools",
        .description = "Resource pools with their member guests and storages.",
        .input_schema = input_schema(list_props()),
        .output_schema = output_schema(page_output_props(
            "pools",
            output_schema(merged(fields({{"poolid", "string"}, {"comment", "string"}}),
                                 {{"vmids", json::object{{"type", "array"},
                                                         {"items", json::object{{"type", "integer"}}}}},
                                  {"storages", json::object{{"type", "array"},
                                                            {"items", json::object{{"type", "string"}}}}}}),
                          {"poolid"}))),
        .annotations = {.idempotent = true},
        .handler = list_pools,
    });
    registry.add({
        .name = "proxmox-create-pool",
        .title = "Create a pool",
        .description = "Create a resource pool (parent/child for a nested one).",
        .input_schema =
            input_schema({{"poolid", poolid_prop()},
                          {"comment", json::object{{"type", "string"}, {"maxLength", max_text_length}}}},
                         {"poolid"}),
        .output_schema =
            output_schema(fields({{"poolid", "string"}, {"comment", "string"}, {"created", "boolean"}})),
        .annotations = {.idempotent = false},
        .handler = create_pool,
        .safety = tool_safety::write,
    });
    registry.add({
        .name = "proxmox-delete-pool",
        .title = "Delete a pool",
        .description = "Delete an empty resource pool.",
        .input_schema = input_schema({{"poolid", poolid_prop()}}, {"poolid"}),
        .output_schema = output_schema(fields({{"poolid", "string"}, {"deleted", "boolean"}})),
        .annotations = {.idempotent = false},
        .handler = delete_pool,
        .safety = tool_safety::destructive,
    });
    registry.add({
        .name = "proxmox-pool-add",
        .title = "Add a guest to a pool",
        .description = "Add a guest to a pool (type_: qemu or lxc; default qemu).",
        .input_schema = member_input(),
        .output_schema = member_output(),
        .annotations = {.idempotent = true},
        .handler = [](tool_context ctx,
                      json::object args) { return change_member(std::move(ctx), std::move(args), true); },
        .safety = tool_safety::write,
    });
    registry.add({
        .name = "proxmox-pool-remove",
        .title = "Remove a guest from a pool",
        .description = "Remove a guest from a pool (type_: qemu or lxc).",
        .input_schema = member_input(),
        .output_schema = member_output(),
        .annotations = {.idempotent = true},
        .handler = [](tool_context ctx,
                      json::object args) { return change_member(std::move(ctx), std::move(args), false); },
        .safety = tool_safety::write,
    });
}

} // namespace proxmox::mcp::tools
