// Users and roles: /access/users, /access/roles.

#include "core/client_state.hpp"
#include "core/text.hpp"
#include "resources/calls.hpp"

#include <proxmox/generated/access.hpp>
#include <proxmox/resources/access.hpp>

#include <fmt/format.h>

namespace proxmox::detail {
namespace {

using boost::asio::awaitable;

/// `USER@REALM`: PVE would answer a 400 (or route `a/b` elsewhere); say what is wrong first.
result<void> check_userid(const std::string& userid) {
    const auto at = userid.rfind('@');
    if (userid.empty() || at == 0 || at == std::string::npos || at + 1 == userid.size() ||
        userid.find_first_of("/!: ") != std::string::npos)
        return make_error(errc::invalid_argument,
                          fmt::format("userid {} is not of the form USER@REALM, e.g. \"alice@pve\"",
                                      bounded_quote(userid)));
    return {};
}

std::string comma_list(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items)
        out += (out.empty() ? "" : ",") + i;
    return out;
}

std::optional<std::string> non_empty(const std::string& s) {
    if (s.empty())
        return std::nullopt;
    return s;
}

awaitable<result<std::vector<user_info>>> users(state_ptr state) {
    const gen::access_users_get_params params{.enabled = {}, .full = true};
    auto response = co_await send(state, params);
    if (!response)
        co_return response.error();
    co_return convert<std::vector<user_info>>(*response, "user list");
}

awaitable<result<user_info>> user(state_ptr state, std::string userid) {
    if (auto ok = check_userid(userid); !ok)
        co_return ok.error();
    const gen::access_users_userid_get_params params{.userid = userid};
    auto response = co_await send(state, params);
    if (!response)
        co_return response.error();
    auto u = convert<user_info>(*response, "user");
    if (u && u->userid.empty())
        u->userid = userid; // the single-user answer does not repeat it
    co_return u;
}

awaitable<result<void>> create_user(state_ptr state, user_create u) {
    if (auto ok = check_userid(u.userid); !ok)
        co_return ok.error();
    gen::access_users_post_params p;
    p.userid = u.userid;
    p.password = u.password;
    p.firstname = non_empty(u.firstname);
    p.lastname = non_empty(u.lastname);
    p.email = non_empty(u.email);
    p.comment = non_empty(u.comment);
    if (!u.groups.empty())
        p.groups = comma_list(u.groups);
    p.enable = u.enable;
    p.expire = u.expire;
    auto response = co_await send(state, std::move(p));
    if (!response)
        co_return response.error();
    co_return result<void>{};
}

awaitable<result<void>> update_user(state_ptr state, std::string userid, user_update c) {
    if (auto ok = check_userid(userid); !ok)
        co_return ok.error();
    gen::access_users_userid_put_params p;
    p.userid = userid;
    p.firstname = c.firstname;
    p.lastname = c.lastname;
    p.email = c.email;
    p.comment = c.comment;
    if (c.groups)
        p.groups = comma_list(*c.groups);
    if (c.groups && c.append_groups)
        p.append = true;
    p.enable = c.enable;
    p.expire = c.expire;
    auto response = co_await send(state, std::move(p));
    if (!response)
        co_return response.error();
    co_return result<void>{};
}

awaitable<result<void>> delete_user(state_ptr state, std::string userid) {
    if (auto ok = check_userid(userid); !ok)
        co_return ok.error();
    const gen::access_users_userid_delete_params params{.userid = userid};
    auto response = co_await send(state, params);
    if (!response)
        co_return response.error();
    co_return result<void>{};
}

awaitable<result<std::vector<role_info>>> roles(state_ptr state) {
    const gen::access_roles_get_params params;
    auto response = co_await send(state, params);
    if (!response)
        co_return response.error();
    co_return convert<std::vector<role_info>>(*response, "role list");
}

} // namespace

void op_users(const state_ptr& state, handler<std::vector<user_info>> h) {
    spawn(state, users(state), std::move(h));
}

void op_user(const state_ptr& state, std::string userid, handler<user_info> h) {
    spawn(state, user(state, std::move(userid)), std::move(h));
}

void op_create_user(const state_ptr& state, user_create u, handler<void> h) {
    spawn(state, create_user(state, std::move(u)), std::move(h));
}

void op_update_user(const state_ptr& state, std::string userid, user_update changes, handler<void> h) {
    spawn(state, update_user(state, std::move(userid), std::move(changes)), std::move(h));
}

void op_delete_user(const state_ptr& state, std::string userid, handler<void> h) {
    spawn(state, delete_user(state, std::move(userid)), std::move(h));
}

void op_roles(const state_ptr& state, handler<std::vector<role_info>> h) {
    spawn(state, roles(state), std::move(h));
}

} // namespace proxmox::detail
