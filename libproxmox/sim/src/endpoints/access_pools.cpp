// Resource pools (pve-manager API2/Pool.pm): GET/POST/PUT/DELETE /pools and the deprecated
// /pools/{poolid} calls. Members are guests and storages; a guest belongs to one pool at most.
#include "endpoints/access_admin.hpp"
#include "endpoints/guests.hpp"

#include <boost/json/array.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <set>
#include <type_traits>

namespace proxmox::sim::detail {

namespace json = boost::json;

namespace {

/// Perl's `sort keys`: members in string order (1000 before 101).
template <class T> std::vector<std::string> string_sorted(const std::set<T>& items) {
    std::vector<std::string> out;
    for (const auto& i : items) {
        if constexpr (std::is_same_v<T, std::string>)
            out.push_back(i);
        else
            out.push_back(std::to_string(i));
    }
    std::sort(out.begin(), out.end());
    return out;
}

/// Pool.pm get_pool_members: guests that still exist (API2Tools extract_vm_stats) and storages
/// that are still configured (extract_storage_stats, seen from the local node).
json::array pool_members(call_context& ctx, const pool_state& pool, const std::optional<std::string>& type) {
    json::array members;
    for (const auto& id : string_sorted(pool.vmids)) {
        const guest_state* g = ctx.state.find_guest(static_cast<unsigned>(std::stoul(id)));
        if (!g || (type && *type != kind_name(g->kind)))
            continue;
        const node_state* n = ctx.state.find_node(g->node);
        members.push_back(guest_entry(*g, ctx.now, n && n->offline));
    }
    if (!type || *type == "storage")
        for (const auto& id : string_sorted(pool.storages))
            for (const auto& s : ctx.state.storages)
                if (s.id == id)
                    members.push_back(storage_entry(s, ctx.state.local_node()));
    return members;
}

const pool_state& existing_pool(call_context& ctx, const std::string& poolid) {
    auto it = ctx.state.access.pools.find(poolid);
    if (it == ctx.state.access.pools.end())
        raise_error(fmt::format("pool '{}' does not exist\n", poolid));
    return it->second;
}

json::value get_pools(call_context& ctx) {
    check_formats(ctx, {{"poolid", &verify_poolname}});
    const auto& a = ctx.state.access;
    json::array out;
    if (auto poolid = ctx.param("poolid"); perl_true(poolid)) {
        rpc_check(a, ctx.auth.user, "/pool/" + *poolid, {"Pool.Audit"}, false, false);
        const pool_state& pool = existing_pool(ctx, *poolid);
        json::object e;
        e["poolid"] = *poolid;
        if (!pool.comment.empty())
            e["comment"] = pool.comment;
        e["members"] = pool_members(ctx, pool, ctx.param("type"));
        out.push_back(std::move(e));
        return out;
    }
    for (const auto& [id, pool] : a.pools) {
        if (!rpc_check(a, ctx.auth.user, "/pool/" + id, {"Pool.Audit"}))
            continue;
        json::object e;
        e["poolid"] = id;
        if (!pool.comment.empty())
            e["comment"] = pool.comment;
        out.push_back(std::move(e));
    }
    return out;
}

json::value get_pool(call_context& ctx) {
    check_formats(ctx, {{"poolid", &verify_poolname}});
    const pool_state& pool = existing_pool(ctx, *ctx.param("poolid"));
    json::object out;
    out["members"] = pool_members(ctx, pool, ctx.param("type"));
    if (!pool.comment.empty())
        out["comment"] = pool.comment;
    return out;
}

json::value post_pool(call_context& ctx) {
    check_formats(ctx, {{"poolid", &verify_poolname}});
    const std::string poolid = *ctx.param("poolid");
    lock_user_config(ctx, "create pool failed", [&](access_state& a) {
        if (a.pools.contains(poolid))
            raise_error(fmt::format("pool '{}' already exists\n", poolid));
        if (const auto slash = poolid.rfind('/'); slash != std::string::npos) {
            const std::string parent = poolid.substr(0, slash);
            if (!a.pools.contains(parent))
                raise_error(fmt::format("parent '{}' does not exist\n", parent));
        }
        a.pools[poolid].comment = perl_true(ctx.param("comment")) ? *ctx.param("comment") : "";
    });
    return nullptr;
}

/// Pool.pm update_pool_common
json::value put_pool(call_context& ctx) {
    check_formats(ctx, {{"poolid", &verify_poolname}});
    const std::string poolid = *ctx.param("poolid");
    const std::string& authid = ctx.auth.user;
    const bool remove = ctx.bool_param("delete");
    lock_user_config(ctx, "update pools failed", [&](access_state& a) {
        auto it = a.pools.find(poolid);
        if (it == a.pools.end())
            raise_error(fmt::format("pool '{}' does not exist\n", poolid));
        pool_state& pool = it->second;
        if (auto comment = ctx.param("comment"))
            pool.comment = *comment;
        for (const auto& id : split_list(ctx.param("vms").value_or(""))) {
            const auto vmid = static_cast<unsigned>(std::stoul(id));
            check_perm_modify(a, authid, "/vms/" + id, false);
            if (remove) {
                if (!pool.vmids.erase(vmid))
                    raise_error(fmt::format("VM {} is not a pool member\n", vmid));
                continue;
            }
            if (pool.vmids.contains(vmid))
                raise_error(fmt::format("VM {} is already a pool member\n", vmid));
            if (const std::string* existing = pool_of(a, vmid)) {
                if (!ctx.bool_param("allow-move"))
                    raise_error(fmt::format(
                        "VM {} belongs already to pool '{}' and 'allow-move' is not set\n", vmid, *existing));
                rpc_check(a, authid, "/pool/" + *existing, {"Pool.Allocate"}, false, false);
                a.pools.at(*existing).vmids.erase(vmid);
            }
            pool.vmids.insert(vmid);
        }
        for (const auto& storage : split_list(ctx.param("storage").value_or(""))) {
            check_perm_modify(a, authid, "/storage/" + storage, false);
            if (remove) {
                if (!pool.storages.erase(storage))
                    raise_error(fmt::format("Storage '{}' is not a pool member\n", storage));
            } else if (!pool.storages.insert(storage).second) {
                raise_error(fmt::format("Storage '{}' is already a pool member\n", storage));
            }
        }
    });
    return nullptr;
}

json::value delete_pool(call_context& ctx) {
    check_formats(ctx, {{"poolid", &verify_poolname}});
    const std::string poolid = *ctx.param("poolid");
    lock_user_config(ctx, "delete pool failed", [&](access_state& a) {
        auto it = a.pools.find(poolid);
        if (it == a.pools.end())
            raise_error(fmt::format("pool '{}' does not exist\n", poolid));
        for (const auto& id : string_sorted(it->second.vmids))
            if (ctx.state.find_guest(static_cast<unsigned>(std::stoul(id)))) // destroyed guests do not count
                raise_error(fmt::format("pool '{}' is not empty (contains VM {})\n", poolid, id));
        for (const auto& id : string_sorted(it->second.storages))
            if (std::any_of(ctx.state.storages.begin(), ctx.state.storages.end(),
                            [&](const storage_def& s) { return s.id == id; }))
                raise_error(fmt::format("pool '{}' is not empty (contains storage '{}')\n", poolid, id));
        for (const auto& [other, p] : a.pools)
            if (other.starts_with(poolid + "/"))
                raise_error(
                    fmt::format("pool '{}' is not empty (contains child pool '{}')\n", poolid, other));
        a.pools.erase(it);
        // AccessControl.pm delete_pool_acl
        const std::string path = "/pool/" + poolid;
        std::erase_if(a.acl,
                      [&](const acl_entry& e) { return e.path == path || e.path.starts_with(path + "/"); });
    });
    return nullptr;
}

} // namespace

std::vector<handler_entry> pool_endpoints() {
    return {
        {"GET", "/pools", &get_pools},
        {"POST", "/pools", &post_pool},
        {"PUT", "/pools", &put_pool},
        {"DELETE", "/pools", &delete_pool},
        {"GET", "/pools/{poolid}", &get_pool},
        {"PUT", "/pools/{poolid}", &put_pool},
        {"DELETE", "/pools/{poolid}", &delete_pool},
    };
}

} // namespace proxmox::sim::detail
