// Access control administration: groups, roles, ACLs and effective permissions (pve-access-control
// API2/Group.pm, API2/Role.pm, API2/ACL.pm, API2/AccessControl.pm permissions); users and tokens
// are in access_users.cpp, pools in access_pools.cpp.
#include "endpoints/access_admin.hpp"
#include "schema/text_checks.hpp"

#include <boost/json/array.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <tuple>

namespace proxmox::sim::detail {

namespace json = boost::json;

// ---------------------------------------------------------------------------------------------
// shared helpers

namespace {

// [A-Za-z0-9\.\-_]+
bool is_access_name(std::string_view v) {
    return !v.empty() &&
           all_chars(v, [](char c) { return is_ascii_alnum(c) || c == '.' || c == '-' || c == '_'; });
}

std::optional<std::string> name_check(const std::string& v, std::string_view what) {
    if (!is_access_name(v))
        return fmt::format("{} name '{}' contains invalid characters\n", what, v);
    return std::nullopt;
}

} // namespace

std::optional<std::string> verify_groupname(const std::string& v) {
    return name_check(v, "group");
}

std::optional<std::string> verify_rolename(const std::string& v) {
    return name_check(v, "role");
}

std::optional<std::string> verify_poolname(const std::string& v) {
    // AccessControl.pm verify_poolname (nested pools: up to three levels)
    if (std::count(v.begin(), v.end(), '/') > 2)
        return fmt::format("pool name '{}' nested too deeply (max levels = 3)\n", v);
    // [A-Za-z0-9\.\-_]+(?:/[A-Za-z0-9\.\-_]+){0,2}: names joined by '/'
    std::string_view rest = v;
    for (;;) {
        const auto slash = rest.find('/');
        if (!is_access_name(rest.substr(0, slash)))
            return fmt::format("pool name '{}' contains invalid characters\n", v);
        if (slash == std::string_view::npos)
            break;
        rest.remove_prefix(slash + 1);
    }
    return std::nullopt;
}

std::optional<std::string> verify_privname(const std::string& v) {
    if (!is_valid_privilege(v))
        return fmt::format("invalid privilege '{}'\n", v);
    return std::nullopt;
}

std::optional<std::string> verify_tokenid(const std::string& v) {
    if (!split_tokenid(v))
        return fmt::format("value '{}' does not look like a valid token ID\n", v);
    return std::nullopt;
}

void check_formats(const call_context& ctx, std::initializer_list<format_rule> rules) {
    json::object errors;
    for (const auto& r : rules) {
        const auto value = ctx.param(r.key);
        if (!value)
            continue;
        std::vector<std::string> items = r.list ? split_list(*value) : std::vector<std::string>{*value};
        for (const auto& item : items)
            if (auto err = r.check(item)) {
                errors[r.key] = "invalid format - " + *err;
                break;
            }
    }
    if (!errors.empty())
        raise_param_exc(std::move(errors));
}

std::vector<std::string> split_list(std::string_view list) {
    std::vector<std::string> out;
    std::string current;
    for (char c : list) {
        if (c == ',' || c == ';' || c == ' ' || c == '\0' || c == '\t' || c == '\n') {
            if (!current.empty())
                out.push_back(std::move(current));
            current.clear();
        } else {
            current += c;
        }
    }
    if (!current.empty())
        out.push_back(std::move(current));
    return out;
}

bool perl_true(const std::optional<std::string>& v) {
    return v && !v->empty() && *v != "0";
}

user_state& existing_user(access_state& a, const std::string& userid) {
    auto it = a.users.find(userid);
    if (it == a.users.end())
        raise_error(fmt::format("no such user ('{}')\n", userid));
    return it->second;
}

std::optional<std::string_view> realm_type(std::string_view userid) {
    const auto realm = userid.substr(userid.rfind('@') + 1);
    if (realm == "pam" || realm == "pve")
        return realm;
    return std::nullopt;
}

namespace {

// ---------------------------------------------------------------------------------------------
// groups (API2/Group.pm)

std::vector<std::string> group_members(const access_state& a, const std::string& group) {
    std::vector<std::string> out;
    for (const auto& [id, u] : a.users)
        if (u.groups.contains(group))
            out.push_back(id);
    return out;
}

json::value get_groups(call_context& ctx) {
    const auto& a = ctx.state.access;
    json::array out;
    for (const auto& [id, g] : a.groups) {
        if (!rpc_check(a, ctx.auth.user, "/access/groups/" + id,
                       {"User.Modify", "Sys.Audit", "Group.Allocate"}, true))
            continue;
        json::object e;
        e["groupid"] = id;
        if (!g.comment.empty())
            e["comment"] = g.comment;
        std::string users;
        for (const auto& m : group_members(a, id))
            users += (users.empty() ? "" : ",") + m;
        e["users"] = users;
        out.push_back(std::move(e));
    }
    return out;
}

json::value post_group(call_context& ctx) {
    check_formats(ctx, {{"groupid", &verify_groupname}});
    const std::string group = *ctx.param("groupid");
    lock_user_config(ctx, "create group failed", [&](access_state& a) {
        if (a.groups.contains(group))
            raise_error(fmt::format("group '{}' already exists\n", group));
        a.groups[group].comment = ctx.param("comment").value_or("");
    });
    return nullptr;
}

json::value get_group(call_context& ctx) {
    check_formats(ctx, {{"groupid", &verify_groupname}});
    const std::string group = *ctx.param("groupid");
    const auto& a = ctx.state.access;
    auto it = a.groups.find(group);
    if (it == a.groups.end())
        raise_error(fmt::format("group '{}' does not exist\n", group));
    json::array members;
    for (const auto& m : group_members(a, group))
        members.push_back(json::string(m));
    json::object out;
    out["members"] = std::move(members);
    if (!it->second.comment.empty())
        out["comment"] = it->second.comment;
    return out;
}

json::value put_group(call_context& ctx) {
    check_formats(ctx, {{"groupid", &verify_groupname}});
    const std::string group = *ctx.param("groupid");
    lock_user_config(ctx, "update group failed", [&](access_state& a) {
        auto it = a.groups.find(group);
        if (it == a.groups.end())
            raise_error(fmt::format("group '{}' does not exist\n", group));
        if (auto c = ctx.param("comment"))
            it->second.comment = *c;
    });
    return nullptr;
}

json::value delete_group(call_context& ctx) {
    check_formats(ctx, {{"groupid", &verify_groupname}});
    const std::string group = *ctx.param("groupid");
    lock_user_config(ctx, "delete group failed", [&](access_state& a) {
        if (!a.groups.erase(group))
            raise_error(fmt::format("group '{}' does not exist\n", group));
        for (auto& [id, u] : a.users)
            u.groups.erase(group);
        std::erase_if(a.acl, [&](const acl_entry& e) { return e.type == "group" && e.ugid == group; });
    });
    return nullptr;
}

// ---------------------------------------------------------------------------------------------
// roles (API2/Role.pm)

void add_role_privs(access_state& a, const std::string& role, const std::optional<std::string>& privs) {
    if (!perl_true(privs))
        return;
    for (const auto& p : split_list(*privs)) {
        if (!is_valid_privilege(p))
            raise_error(fmt::format("invalid privilege '{}'\n", p));
        a.roles[role].privs.insert(p);
    }
}

json::value get_roles(call_context& ctx) {
    json::array out;
    for (const auto& [id, r] : ctx.state.access.roles) {
        std::string privs;
        for (const auto& p : r.privs)
            privs += (privs.empty() ? "" : ",") + p;
        out.push_back(json::object{{"roleid", id}, {"privs", privs}, {"special", r.special ? 1 : 0}});
    }
    return out;
}

json::value post_role(call_context& ctx) {
    check_formats(ctx, {{"roleid", &verify_rolename}, {"privs", &verify_privname, true}});
    const std::string role = *ctx.param("roleid");
    if (role.size() >= 3 && std::toupper(static_cast<unsigned char>(role[0])) == 'P' &&
        std::toupper(static_cast<unsigned char>(role[1])) == 'V' &&
        std::toupper(static_cast<unsigned char>(role[2])) == 'E')
        raise_param_exc(
            {{"roleid", "cannot use role ID starting with the (case-insensitive) 'PVE' namespace"}});
    lock_user_config(ctx, "create role failed", [&](access_state& a) {
        if (a.roles.contains(role))
            raise_error(fmt::format("role '{}' already exists\n", role));
        a.roles[role] = role_state{};
        add_role_privs(a, role, ctx.param("privs"));
    });
    return nullptr;
}

json::value get_role(call_context& ctx) {
    check_formats(ctx, {{"roleid", &verify_rolename}});
    const std::string role = *ctx.param("roleid");
    auto it = ctx.state.access.roles.find(role);
    if (it == ctx.state.access.roles.end())
        raise_error(fmt::format("role '{}' does not exist\n", role));
    json::object out;
    for (const auto& p : it->second.privs)
        out[p] = 1;
    return out;
}

json::value put_role(call_context& ctx) {
    check_formats(ctx, {{"roleid", &verify_rolename}, {"privs", &verify_privname, true}});
    const std::string role = *ctx.param("roleid");
    if (auto it = ctx.state.access.roles.find(role); it != ctx.state.access.roles.end() && it->second.special)
        raise_error(fmt::format("auto-generated role '{}' cannot be modified\n", role));
    lock_user_config(ctx, "update role failed", [&](access_state& a) {
        if (!a.roles.contains(role))
            raise_error(fmt::format("role '{}' does not exist\n", role));
        if (!ctx.bool_param("append"))
            a.roles[role].privs.clear();
        add_role_privs(a, role, ctx.param("privs"));
    });
    return nullptr;
}

json::value delete_role(call_context& ctx) {
    check_formats(ctx, {{"roleid", &verify_rolename}});
    const std::string role = *ctx.param("roleid");
    if (auto it = ctx.state.access.roles.find(role); it != ctx.state.access.roles.end() && it->second.special)
        raise_error(fmt::format("auto-generated role '{}' cannot be deleted\n", role));
    lock_user_config(ctx, "delete role failed", [&](access_state& a) {
        if (!a.roles.erase(role))
            raise_error(fmt::format("role '{}' does not exist\n", role));
        // user.cfg's parser drops ACL entries with unknown roles on the next read
        std::erase_if(a.acl, [&](const acl_entry& e) { return e.roleid == role; });
    });
    return nullptr;
}

// ---------------------------------------------------------------------------------------------
// ACLs (API2/ACL.pm)

int acl_type_order(std::string_view type) {
    return type == "user" ? 0 : type == "group" ? 1 : 2;
}

json::value get_acl(call_context& ctx) {
    const auto& a = ctx.state.access;
    const bool audit = rpc_check(a, ctx.auth.user, "/access", {"Sys.Audit"});
    std::vector<const acl_entry*> entries;
    for (const auto& e : a.acl)
        if (audit || check_perm_modify(a, ctx.auth.user, e.path, true))
            entries.push_back(&e);
    std::sort(entries.begin(), entries.end(), [](const acl_entry* l, const acl_entry* r) {
        return std::tuple(l->path, acl_type_order(l->type), l->ugid, l->roleid) <
               std::tuple(r->path, acl_type_order(r->type), r->ugid, r->roleid);
    });
    json::array out;
    for (const auto* e : entries)
        out.push_back(json::object{{"path", e->path},
                                   {"type", e->type},
                                   {"ugid", e->ugid},
                                   {"roleid", e->roleid},
                                   {"propagate", e->propagate ? 1 : 0}});
    return out;
}

void set_acl(access_state& a, const acl_entry& entry, bool remove) {
    auto it = std::find_if(a.acl.begin(), a.acl.end(), [&](const acl_entry& e) {
        return e.path == entry.path && e.type == entry.type && e.ugid == entry.ugid &&
               e.roleid == entry.roleid;
    });
    if (remove) {
        if (it != a.acl.end())
            a.acl.erase(it);
    } else if (it != a.acl.end()) {
        it->propagate = entry.propagate;
    } else {
        a.acl.push_back(entry);
    }
}

json::value put_acl(call_context& ctx) {
    check_formats(ctx, {{"roles", &verify_rolename, true},
                        {"groups", &verify_groupname, true},
                        {"tokens", &verify_tokenid, true}});
    if (!(perl_true(ctx.param("users")) || perl_true(ctx.param("groups")) ||
          perl_true(ctx.param("tokens")))) {
        const std::string msg = "either 'users', 'groups' or 'tokens' is required.";
        raise_param_exc({{"users", msg}, {"groups", msg}, {"tokens", msg}});
    }
    const std::string raw_path = ctx.param("path").value_or("");
    const auto path = normalize_acl_path(raw_path);
    const bool remove = ctx.bool_param("delete");
    if (!path || (!remove && !valid_acl_path(*path)))
        raise_param_exc({{"path", fmt::format("invalid ACL path '{}'", raw_path)}});
    const bool propagate = ctx.param("propagate").value_or("1") != "0";
    lock_user_config(ctx, "ACL update failed", [&](access_state& a) {
        for (const auto& role : split_list(ctx.param("roles").value_or(""))) {
            if (!a.roles.contains(role))
                raise_error(fmt::format("role '{}' does not exist\n", role));
            for (const auto& group : split_list(ctx.param("groups").value_or(""))) {
                if (!a.groups.contains(group))
                    raise_error(fmt::format("group '{}' does not exist\n", group));
                set_acl(a, {*path, "group", group, role, propagate}, remove);
            }
            for (const auto& user : split_list(ctx.param("users").value_or(""))) {
                if (auto problem = username_problem(user))
                    raise_error(*problem);
                if (!a.users.contains(user))
                    raise_error(fmt::format("user '{}' does not exist\n", user));
                set_acl(a, {*path, "user", user, role, propagate}, remove);
            }
            for (const auto& token : split_list(ctx.param("tokens").value_or(""))) {
                auto parts = split_tokenid(token);
                if (!parts)
                    raise_error(fmt::format(
                        "'{}' is not a valid token ID - not able to split into user and token parts\n",
                        token));
                if (!existing_user(a, parts->first).tokens.contains(parts->second))
                    raise_error(
                        fmt::format("no such token '{}' for user '{}'\n", parts->second, parts->first));
                set_acl(a, {*path, "token", token, role, propagate}, remove);
            }
        }
    });
    return nullptr;
}

// ---------------------------------------------------------------------------------------------
// effective permissions (API2/AccessControl.pm permissions)

json::object privileges_json(const privilege_map& privs) {
    json::object o;
    for (const auto& [p, propagate] : privs)
        o[p] = propagate ? 1 : 0;
    return o;
}

json::value get_permissions(call_context& ctx) {
    const auto& a = ctx.state.access;
    const std::string authid = ctx.auth.user;
    const std::string userid = ctx.param("userid").value_or(authid);
    const auto token = split_tokenid(userid);
    const bool self = userid == authid;
    const bool owned_token = token && token->first == authid;
    if (!(self || owned_token))
        rpc_check(a, authid, "/access", {"Sys.Audit"}, false, false);
    json::object out;
    if (auto path = ctx.param("path"); perl_true(path)) {
        out[*path] = privileges_json(permissions(a, userid, *path));
        return out;
    }
    for (const auto& [path, privs] : effective_permissions(a, userid))
        out[path] = privileges_json(privs);
    return out;
}

} // namespace

std::vector<handler_entry> access_admin_endpoints() {
    std::vector<handler_entry> all = {
        {"GET", "/access/groups", &get_groups},
        {"POST", "/access/groups", &post_group},
        {"GET", "/access/groups/{groupid}", &get_group},
        {"PUT", "/access/groups/{groupid}", &put_group},
        {"DELETE", "/access/groups/{groupid}", &delete_group},
        {"GET", "/access/roles", &get_roles},
        {"POST", "/access/roles", &post_role},
        {"GET", "/access/roles/{roleid}", &get_role},
        {"PUT", "/access/roles/{roleid}", &put_role},
        {"DELETE", "/access/roles/{roleid}", &delete_role},
        {"GET", "/access/acl", &get_acl},
        {"PUT", "/access/acl", &put_acl},
        {"GET", "/access/permissions", &get_permissions},
    };
    for (auto family : {&access_user_endpoints, &pool_endpoints}) {
        auto more = family();
        all.insert(all.end(), more.begin(), more.end());
    }
    return all;
}

} // namespace proxmox::sim::detail
