// Users and their API tokens (pve-access-control API2/User.pm).
#include "endpoints/access_admin.hpp"

#include <boost/json/array.hpp>

#include <fmt/format.h>

#include <random>
#include <set>
#include <utility>

namespace proxmox::sim::detail {

namespace json = boost::json;

namespace {

/// PVE::TokenConfig generate_token: a random UUID.
std::string new_token_secret() {
    std::random_device rd;
    unsigned char b[16];
    for (auto& c : b)
        c = static_cast<unsigned char>(rd() & 0xff);
    b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
    b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
    std::string out;
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out += '-';
        out += fmt::format("{:02x}", b[i]);
    }
    return out;
}

/// A token as user.cfg's parser gives it back (privsep and expire always set).
json::object token_json(const token_state& t) {
    json::object o;
    o["privsep"] = t.privsep ? 1 : 0;
    o["expire"] = t.expire;
    if (!t.comment.empty())
        o["comment"] = t.comment;
    return o;
}

/// User.pm $extract_user_data
json::object user_json(const user_state& u) {
    json::object o;
    o["enable"] = u.enable ? 1 : 0;
    o["expire"] = u.expire;
    for (const auto& [key, value] : {std::pair<const char*, const std::string*>{"firstname", &u.firstname},
                                     {"lastname", &u.lastname},
                                     {"email", &u.email},
                                     {"comment", &u.comment},
                                     {"keys", &u.keys}})
        if (!value->empty())
            o[key] = *value;
    return o;
}

/// Adds the user to the listed groups; the first unknown one fails with "no such group 'g'".
void add_groups(access_state& a, user_state& u, const std::string& groups) {
    for (const auto& g : split_list(groups)) {
        if (!a.groups.contains(g))
            raise_error(fmt::format("no such group '{}'\n", g));
        u.groups.insert(g);
    }
}

json::value get_users(call_context& ctx) {
    const auto& a = ctx.state.access;
    const std::string& authid = ctx.auth.user;
    const std::vector<std::string> privs = {"User.Modify", "Sys.Audit"};
    const bool can_user_mod = rpc_check(a, authid, "/access/groups", privs, true);
    std::set<std::string> allowed_groups;
    for (const auto& [g, data] : a.groups)
        if (rpc_check(a, authid, "/access/groups/" + g, privs, true))
            allowed_groups.insert(g);
    const auto enabled = ctx.param("enabled");
    const bool full = ctx.bool_param("full");
    json::array out;
    for (const auto& [id, u] : a.users) {
        bool visible = can_user_mod || id == authid;
        for (const auto& g : u.groups)
            visible = visible || allowed_groups.contains(g);
        if (!visible)
            continue;
        if (enabled && (*enabled == "1") != u.enable)
            continue;
        json::object e = user_json(u);
        if (full) {
            std::string groups;
            for (const auto& g : u.groups)
                groups += (groups.empty() ? "" : ",") + g;
            e["groups"] = groups;
            if (u.tokens.empty()) {
                e["tokens"] = nullptr; // user.cfg had no token lines for the user
            } else {
                json::array tokens;
                for (const auto& [name, t] : u.tokens) {
                    json::object te = token_json(t);
                    te["tokenid"] = name;
                    tokens.push_back(std::move(te));
                }
                e["tokens"] = std::move(tokens);
            }
        }
        if (auto type = realm_type(id))
            e["realm-type"] = *type;
        e["userid"] = id;
        out.push_back(std::move(e));
    }
    return out;
}

json::value post_user(call_context& ctx) {
    check_formats(ctx, {{"groups", &verify_groupname, true}});
    const std::string userid = *ctx.param("userid");
    lock_user_config(ctx, "create user failed", [&](access_state& a) {
        if (a.users.contains(userid))
            raise_error(fmt::format("user '{}' already exists\n", userid));
        user_state u;
        u.userid = userid;
        if (auto password = ctx.param("password")) {
            // AccessControl.pm domain_set_password
            const auto realm = userid.substr(userid.rfind('@') + 1);
            if (!realm_type(userid))
                raise_error(fmt::format("auth domain '{}' does not exist\n", realm));
            u.password = *password;
        }
        u.enable = ctx.param("enable").value_or("1") != "0";
        u.expire = ctx.int_param("expire").value_or(0);
        add_groups(a, u, ctx.param("groups").value_or(""));
        u.firstname = ctx.param("firstname").value_or("");
        u.lastname = ctx.param("lastname").value_or("");
        u.email = ctx.param("email").value_or("");
        u.comment = ctx.param("comment").value_or("");
        u.keys = ctx.param("keys").value_or("");
        a.users[userid] = std::move(u);
    });
    return nullptr;
}

json::value get_user(call_context& ctx) {
    const user_state& u = existing_user(ctx.state.access, *ctx.param("userid"));
    json::object out = user_json(u);
    json::array groups;
    for (const auto& g : u.groups)
        groups.push_back(json::string(g));
    out["groups"] = std::move(groups);
    if (u.tokens.empty()) {
        out["tokens"] = nullptr;
    } else {
        json::object tokens;
        for (const auto& [name, t] : u.tokens)
            tokens[name] = token_json(t);
        out["tokens"] = std::move(tokens);
    }
    return out;
}

json::value put_user(call_context& ctx) {
    check_formats(ctx, {{"groups", &verify_groupname, true}});
    const std::string userid = *ctx.param("userid");
    lock_user_config(ctx, "update user failed", [&](access_state& a) {
        user_state& u = existing_user(a, userid);
        if (auto enable = ctx.param("enable"))
            u.enable = *enable != "0";
        if (auto expire = ctx.int_param("expire"))
            u.expire = *expire;
        const auto groups = ctx.param("groups");
        if (groups && !ctx.bool_param("append"))
            u.groups.clear();
        add_groups(a, u, groups.value_or(""));
        for (const auto& [key, field] : {std::pair<const char*, std::string*>{"firstname", &u.firstname},
                                         {"lastname", &u.lastname},
                                         {"email", &u.email},
                                         {"comment", &u.comment},
                                         {"keys", &u.keys}})
            if (auto v = ctx.param(key))
                *field = *v;
    });
    return nullptr;
}

json::value delete_user(call_context& ctx) {
    const std::string userid = *ctx.param("userid");
    lock_user_config(ctx, "delete user failed", [&](access_state& a) {
        // no existence check: PVE disables, then drops whatever is there
        a.users.erase(userid);
        std::erase_if(a.acl, [&](const acl_entry& e) {
            return (e.type == "user" && e.ugid == userid) ||
                   (e.type == "token" && e.ugid.starts_with(userid + "!"));
        });
        if (userid == "root@pam") // userconfig_force_defaults brings root back
            a.users["root@pam"].userid = "root@pam";
    });
    return nullptr;
}

// ---------------------------------------------------------------------------------------------
// tokens

/// AccessControl.pm check_token_exist
token_state& existing_token(access_state& a, const std::string& userid, const std::string& tokenid) {
    user_state& u = existing_user(a, userid);
    auto it = u.tokens.find(tokenid);
    if (it == u.tokens.end())
        raise_error(fmt::format("no such token '{}' for user '{}'\n", tokenid, userid));
    return it->second;
}

json::value get_tokens(call_context& ctx) {
    const user_state& u = existing_user(ctx.state.access, *ctx.param("userid"));
    json::array out;
    for (const auto& [name, t] : u.tokens) {
        json::object e = token_json(t);
        e["tokenid"] = name;
        out.push_back(std::move(e));
    }
    return out;
}

json::value get_token(call_context& ctx) {
    return token_json(existing_token(ctx.state.access, *ctx.param("userid"), *ctx.param("tokenid")));
}

json::value post_token(call_context& ctx) {
    const std::string userid = *ctx.param("userid");
    const std::string tokenid = *ctx.param("tokenid");
    const user_state& owner = existing_user(ctx.state.access, userid);
    if (owner.tokens.contains(tokenid))
        raise_param_exc({{"tokenid", "Token already exists."}});
    token_state t;
    t.name = tokenid;
    t.secret = new_token_secret();
    t.privsep = ctx.param("privsep").value_or("1") != "0";
    t.expire = ctx.int_param("expire").value_or(0);
    if (perl_true(ctx.param("comment")))
        t.comment = *ctx.param("comment");
    lock_user_config(ctx, "generating token failed",
                     [&](access_state& a) { existing_user(a, userid).tokens[tokenid] = t; });
    // the answer shows the token as the handler built it: expire only when it was given
    json::object info;
    info["privsep"] = t.privsep ? 1 : 0;
    if (ctx.param("expire"))
        info["expire"] = t.expire;
    if (!t.comment.empty())
        info["comment"] = t.comment;
    json::object out;
    out["info"] = std::move(info);
    out["value"] = t.secret;
    out["full-tokenid"] = userid + "!" + tokenid;
    return out;
}

json::value put_token(call_context& ctx) {
    const std::string userid = *ctx.param("userid");
    const std::string tokenid = *ctx.param("tokenid");
    existing_token(ctx.state.access, userid, tokenid);
    token_state updated;
    lock_user_config(ctx, "updating token info failed", [&](access_state& a) {
        token_state& t = existing_token(a, userid, tokenid);
        for (const auto& key : split_list(ctx.param("delete").value_or(""))) {
            if (key == "comment")
                t.comment.clear();
            else if (key == "expire")
                t.expire = 0;
            else if (key == "privsep")
                t.privsep = true;
        }
        if (auto privsep = ctx.param("privsep"))
            t.privsep = *privsep != "0";
        if (auto expire = ctx.int_param("expire"))
            t.expire = *expire;
        if (perl_true(ctx.param("comment")))
            t.comment = *ctx.param("comment");
        updated = t;
    });
    return token_json(updated);
}

json::value delete_token(call_context& ctx) {
    const std::string userid = *ctx.param("userid");
    const std::string tokenid = *ctx.param("tokenid");
    existing_token(ctx.state.access, userid, tokenid);
    lock_user_config(ctx, "deleting token failed", [&](access_state& a) {
        existing_token(a, userid, tokenid);
        existing_user(a, userid).tokens.erase(tokenid);
        const std::string full = userid + "!" + tokenid;
        std::erase_if(a.acl, [&](const acl_entry& e) { return e.type == "token" && e.ugid == full; });
    });
    return nullptr;
}

} // namespace

std::vector<handler_entry> access_user_endpoints() {
    return {
        {"GET", "/access/users", &get_users},
        {"POST", "/access/users", &post_user},
        {"GET", "/access/users/{userid}", &get_user},
        {"PUT", "/access/users/{userid}", &put_user},
        {"DELETE", "/access/users/{userid}", &delete_user},
        {"GET", "/access/users/{userid}/token", &get_tokens},
        {"GET", "/access/users/{userid}/token/{tokenid}", &get_token},
        {"POST", "/access/users/{userid}/token/{tokenid}", &post_token},
        {"PUT", "/access/users/{userid}/token/{tokenid}", &put_token},
        {"DELETE", "/access/users/{userid}/token/{tokenid}", &delete_token},
    };
}

} // namespace proxmox::sim::detail
