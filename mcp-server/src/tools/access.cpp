// proxmox-list-users, -list-roles, -assign-permission.
#include "caller_text.hpp"
#include "policy.hpp"
#include "tools/guest.hpp"
#include "tools/listing.hpp"
#include "tools/plan.hpp"
#include "tools/tools.hpp"

#include <proxmox/client.hpp>
#include <proxmox/generated/access.hpp>

#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <set>
#include <vector>

namespace proxmox::mcp::tools {

namespace asio = boost::asio;
namespace gen = proxmox::gen;

namespace {

std::string comma_joined(const std::vector<std::string>& items) {
    return fmt::format("{}", fmt::join(items, ","));
}

// ---- lists --------------------------------------------------------------------------------------

asio::awaitable<tool_result> list_users(tool_context ctx, json::object args) {
    auto users = co_await ctx.client->access().async_users(asio::use_awaitable);
    if (!users)
        co_return failure("Listing the users failed", users.error());
    std::sort(users->begin(), users->end(), [](const auto& a, const auto& b) { return a.userid < b.userid; });
    json::array items;
    for (const auto& u : *users) {
        // never a secret: PVE lists none, and only these fields are copied
        json::object o{{"userid", u.userid}, {"enable", u.enable}};
        if (u.expire != 0)
            o["expire"] = u.expire;
        std::string name = u.firstname;
        if (!u.lastname.empty())
            name += (name.empty() ? "" : " ") + u.lastname;
        if (!name.empty())
            o["name"] = name;
        if (!u.email.empty())
            o["email"] = u.email;
        if (!u.comment.empty())
            o["comment"] = u.comment;
        if (!u.groups.empty())
            o["groups"] = comma_joined(u.groups);
        if (!u.tokens.empty()) {
            std::vector<std::string> names;
            for (const auto& t : u.tokens)
                names.push_back(t.tokenid);
            o["tokens"] = comma_joined(names);
        }
        items.push_back(std::move(o));
    }
    co_return tool_result::success(page_of(std::move(items), args, "users"));
}

asio::awaitable<tool_result> list_roles(tool_context ctx, json::object args) {
    auto roles = co_await ctx.client->access().async_roles(asio::use_awaitable);
    if (!roles)
        co_return failure("Listing the roles failed", roles.error());
    std::sort(roles->begin(), roles->end(), [](const auto& a, const auto& b) { return a.roleid < b.roleid; });
    json::array items;
    for (auto& r : *roles) {
        std::sort(r.privileges.begin(), r.privileges.end());
        items.push_back(json::object{
            {"roleid", r.roleid}, {"builtin", r.builtin}, {"privs", comma_joined(r.privileges)}});
    }
    co_return tool_result::success(page_of(std::move(items), args, "roles"));
}

// ---- assign-permission --------------------------------------------------------------------------

/// A list argument given as a JSON array of strings or a comma (or blank) separated string;
/// trimmed, empty items dropped, duplicates removed, order kept.
outcome<std::vector<std::string>> list_argument(const json::object& args, std::string_view key) {
    std::vector<std::string> raw;
    if (const auto* v = args.if_contains(key)) {
        bool ok = v->is_string() || v->is_array();
        if (v->is_string())
            raw.emplace_back(v->get_string());
        else if (v->is_array())
            for (const auto& item : v->get_array()) {
                ok = ok && item.is_string() && item.get_string().size() <= max_name_length;
                if (item.is_string())
                    raw.emplace_back(item.get_string());
            }
        if (!ok)
            return tool_result::failure(
                fmt::format("argument '{}' must be a list of names (each at most {} characters) or one "
                            "comma-separated string. Fix: pass e.g. [\"a\", \"b\"] or \"a,b\".",
                            key, max_name_length));
    }
    std::vector<std::string> out;
    for (const auto& text : raw) {
        std::string cur;
        auto flush = [&] {
            if (!cur.empty() && std::find(out.begin(), out.end(), cur) == out.end())
                out.push_back(cur);
            cur.clear();
        };
        for (char c : text) {
            if (c == ',' || c == ';' || c == ' ' || c == '\t' || c == '\n')
                flush();
            else
                cur += c;
        }
        flush();
    }
    return out;
}

/// Why the operator's allow-lists forbid granting on `path`, or nullopt. A grant on a path wider
/// than an allow-list (`/`, `/vms`, ...) would reach beyond it.
std::optional<std::string> refuse_path(const server_policy& p, std::string_view path) {
    const bool lists = !p.allowed_nodes.empty() || !p.allowed_vmids.empty() || !p.allowed_pools.empty();
    auto segment = [&](std::string_view prefix) -> std::optional<std::string_view> {
        if (!path.starts_with(prefix))
            return std::nullopt;
        auto rest = path.substr(prefix.size());
        return rest.substr(0, rest.find('/'));
    };
    if (path.starts_with("/pool/") && path.size() > 6) // the whole pool id: nested ones too
        return p.refuse_pool(path.substr(6));
    if (auto id = segment("/vms/"); id && !id->empty()) {
        std::uint64_t vmid = 0;
        auto [end, ec] = std::from_chars(id->data(), id->data() + id->size(), vmid);
        if (ec == std::errc() && end == id->data() + id->size() && !p.vmid_allowed(static_cast<vmid_t>(vmid)))
            return fmt::format("path '{}': vmid {} is outside PROXMOX_ALLOWED_VMIDS", quote_text(path), vmid);
        return std::nullopt; // the guest's node and pool are checked against the cluster
    }
    if (auto node = segment("/nodes/"); node && !node->empty())
        return p.refuse_node(*node);
    const bool wide = path == "/" || path == "/vms" || path == "/pool" || path == "/nodes";
    if (lists && wide)
        return fmt::format("path '{}' covers more than the allow-lists (PROXMOX_ALLOWED_NODES/VMIDS/POOLS) "
                           "permit; grant on /pool/<pool>, /vms/<vmid> or /nodes/<node> instead",
                           quote_text(path));
    return std::nullopt;
}

/// `name` exists in `known`; otherwise the check's detail lists what does.
void check_known(write_plan& plan,
                 std::string_view kind,
                 const std::string& name,
                 const std::set<std::string>& known,
                 std::string_view lister) {
    const bool ok = known.contains(name);
    std::string detail;
    if (!ok) {
        if (known.empty())
            detail = fmt::format("no {} '{}'; the cluster has none", kind, quote_text(name));
        else if (known.size() <= 30)
            detail = fmt::format("no {} '{}'; known: {}", kind, quote_text(name), fmt::join(known, ", "));
        else
            detail = fmt::format("no {} '{}'; {} lists them", kind, quote_text(name), lister);
    }
    plan.check(fmt::format("{} {} exists", kind, quote_text(name)), ok, std::move(detail));
}

asio::awaitable<tool_result> assign_permission(tool_context ctx, json::object args) {
    const std::string path = arg_string(args, "path").value_or("");
    const bool propagate = arg_bool(args, "propagate").value_or(true);
    auto roles_arg = list_argument(args, "roles");
    if (!roles_arg)
        co_return roles_arg.failure();
    auto users_arg = list_argument(args, "users");
    if (!users_arg)
        co_return users_arg.failure();
    auto groups_arg = list_argument(args, "groups");
    if (!groups_arg)
        co_return groups_arg.failure();
    const std::vector<std::string> roles = *roles_arg;
    const std::vector<std::string> subjects = *users_arg;
    const std::vector<std::string> groups = *groups_arg;

    if (path.empty() || path.front() != '/' ||
        std::any_of(path.begin(), path.end(), [](unsigned char c) { return c <= ' ' || c == ','; }))
        co_return tool_result::failure(fmt::format(
            "path '{}' is not an ACL path. Fix: pass one that starts with '/', e.g. \"/\", \"/vms/100\", "
            "\"/pool/dev\", \"/storage/local\".",
            quote_text(path)));
    if (roles.empty())
        co_return tool_result::failure("roles is empty. Fix: name one or more roles, e.g. \"PVEVMUser\" "
                                       "(proxmox-list-roles lists them).");
    if (subjects.empty() && groups.empty())
        co_return tool_result::failure(
            "Nobody to grant to. Fix: pass users (e.g. \"alice@pve\", or a token \"alice@pve!ci\") and/or "
            "groups.");
    if (ctx.policy) {
        if (auto why = refuse_path(*ctx.policy, path))
            co_return tool_result::failure(fmt::format("Refused: {}.", *why));
        // one guest: it must be inside the node and pool allow-lists too
        std::uint64_t vmid = 0;
        const std::string_view id = std::string_view(path).substr(std::min<std::size_t>(path.size(), 5));
        const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), vmid);
        if (path.starts_with("/vms/") && ec == std::errc() && end == id.data() + id.size() &&
            (!ctx.policy->allowed_nodes.empty() || !ctx.policy->allowed_pools.empty())) {
            const json::object selector{{"vmid", vmid}};
            auto guest = co_await resolve_guest(ctx, selector, std::nullopt);
            if (!guest)
                co_return guest.failure();
        }
    }

    std::vector<std::string> users, tokens;
    for (const auto& s : subjects)
        (s.find('!') == std::string::npos ? users : tokens).push_back(s);

    // What exists: roles, users (with their tokens), groups; and the ACL as it is.
    auto known_roles = co_await ctx.client->access().async_roles(asio::use_awaitable);
    if (!known_roles)
        co_return failure("Listing the roles failed", known_roles.error());
    std::set<std::string> role_ids;
    for (const auto& r : *known_roles)
        role_ids.insert(r.roleid);

    std::set<std::string> user_ids, token_ids;
    if (!subjects.empty()) {
        auto known_users = co_await ctx.client->access().async_users(asio::use_awaitable);
        if (!known_users)
            co_return failure("Listing the users failed", known_users.error());
        for (const auto& u : *known_users) {
            user_ids.insert(u.userid);
            for (const auto& t : u.tokens)
                token_ids.insert(u.userid + "!" + t.tokenid);
        }
    }
    std::set<std::string> group_ids;
    if (!groups.empty()) {
        const gen::access_groups_get_params all_groups;
        auto known_groups = co_await ctx.client->async_call(all_groups, asio::use_awaitable);
        if (!known_groups)
            co_return failure("Listing the groups failed", known_groups.error());
        if (const auto* list = known_groups->data.if_array())
            for (const auto& g : *list)
                if (const auto* o = g.if_object())
                    if (const auto* id = o->if_contains("groupid"); id && id->is_string())
                        group_ids.insert(std::string(id->get_string()));
    }
    auto acl = co_await ctx.client->access().async_acl(asio::use_awaitable);
    if (!acl)
        co_return failure("Reading the ACL failed", acl.error());

    // Idempotent: every role is already granted to every subject on the path, alike.
    auto granted = [&](std::string_view type, const std::string& ugid) {
        return std::all_of(roles.begin(), roles.end(), [&](const std::string& role) {
            return std::any_of(acl->begin(), acl->end(), [&](const proxmox::acl_entry& e) {
                return e.path == path && e.type == type && e.ugid == ugid && e.roleid == role &&
                       e.propagate == propagate;
            });
        });
    };
    const bool all_granted =
        std::all_of(users.begin(), users.end(), [&](const auto& u) { return granted("user", u); }) &&
        std::all_of(tokens.begin(), tokens.end(), [&](const auto& t) { return granted("token", t); }) &&
        std::all_of(groups.begin(), groups.end(), [&](const auto& g) { return granted("group", g); });

    json::object out{{"path", path}, {"roles", comma_joined(roles)}, {"propagate", propagate}};
    if (!subjects.empty())
        out["users"] = comma_joined(subjects);
    if (!groups.empty())
        out["groups"] = comma_joined(groups);
    if (all_granted) {
        out["already"] = true;
        co_return tool_result::success(std::move(out));
    }

    std::vector<std::string> who = subjects;
    who.insert(who.end(), groups.begin(), groups.end());
    write_plan plan(fmt::format("grant {} on {} to {}{}", quote_text(comma_joined(roles), 200),
                                quote_text(path, 200), quote_text(comma_joined(who), 200),
                                propagate ? "" : " (not propagated)"));
    for (const auto& r : roles)
        check_known(plan, "role", r, role_ids, "proxmox-list-roles");
    for (const auto& u : users)
        check_known(plan, "user", u, user_ids, "proxmox-list-users");
    for (const auto& t : tokens)
        check_known(plan, "token", t, token_ids, "proxmox-list-users");
    for (const auto& g : groups)
        check_known(plan, "group", g, group_ids, "GET /access/groups");

    gen::access_acl_put_params put;
    put.path = path;
    put.propagate = propagate;
    put.roles = comma_joined(roles);
    if (!users.empty())
        put.users = comma_joined(users);
    if (!tokens.empty())
        put.tokens = comma_joined(tokens);
    if (!groups.empty())
        put.groups = comma_joined(groups);
    plan.add(put);
    std::string what = fmt::format("Could not {}", plan.summary());
    co_return co_await run_plan(ctx, args, plan, std::move(out), std::move(what));
}

json::object list_of_names() {
    // a list or a comma string; list_argument checks the items
    return {{"type", json::array{"array", "string"}},
            {"items", json::object{{"type", "string"}, {"maxLength", 256}}},
            {"maxItems", 64},
            {"maxLength", 2048}};
}

} // namespace

void register_access_tools(tool_registry& registry) {
    registry.add({
        .name = "proxmox-list-users",
        .title = "List users",
        .description = "Users with enabled state, groups and token names (no secrets).",
        .input_schema = input_schema(list_props()),
        .output_schema =
            output_schema(page_output_props("users", output_schema(fields({{"userid", "string"},
                                                                           {"enable", "boolean"},
                                                                           {"expire", "integer"},
                                                                           {"name", "string"},
                                                                           {"email", "string"},
                                                                           {"comment", "string"},
                                                                           {"groups", "string"},
                                                                           {"tokens", "string"}})))),
        .annotations = {.idempotent = true},
        .handler = list_users,
    });
    registry.add({
        .name = "proxmox-list-roles",
        .title = "List roles",
        .description = "Roles with their privileges.",
        .input_schema = input_schema(list_props()),
        .output_schema = output_schema(page_output_props(
            "roles",
            output_schema(fields({{"roleid", "string"}, {"builtin", "boolean"}, {"privs", "string"}})))),
        .annotations = {.idempotent = true},
        .handler = list_roles,
    });
    registry.add({
        .name = "proxmox-assign-permission",
        .title = "Grant roles on a path",
        .description = "Grant roles on an ACL path to users/tokens and/or groups.",
        .input_schema = input_schema(
            {{"path", json::object{{"type", "string"}, {"minLength", 1}, {"maxLength", max_text_length}}},
             {"roles", list_of_names()},
             {"users", list_of_names()},
             {"groups", list_of_names()},
             {"propagate", json::object{{"type", "boolean"}}}},
            {"path", "roles"}),
        .output_schema = output_schema(merged(fields({{"path", "string"},
                                                      {"roles", "string"},
                                                      {"users", "string"},
                                                      {"groups", "string"},
                                                      {"propagate", "boolean"}}),
                                              {{"already", json::object{{"type", "boolean"}}}})),
        .annotations = {.idempotent = true},
        .handler = assign_permission,
        .safety = tool_safety::write,
    });
}

} // namespace proxmox::mcp::tools
