// ACLs and effective permissions: /access/acl, /access/permissions.

#include "core/client_state.hpp"
#include "core/text.hpp"
#include "resources/calls.hpp"

#include <proxmox/generated/access.hpp>
#include <proxmox/resources/access.hpp>

#include <fmt/format.h>

namespace proxmox::detail {
namespace {

using boost::asio::awaitable;

awaitable<result<std::vector<acl_entry>>> acl(state_ptr state) {
    const gen::access_acl_get_params params;
    auto response = co_await send(state, params);
    if (!response)
        co_return response.error();
    co_return convert<std::vector<acl_entry>>(*response, "ACL");
}

/// Appends `item` to PVE's comma list `list`.
void append(std::optional<std::string>& list, const std::string& item) {
    list = list ? *list + "," + item : item;
}

/// One PUT for every role and subject of `c` (PVE takes comma lists for each).
result<gen::access_acl_put_params> acl_params(const acl_change& c, bool revoke) {
    if (c.path.empty() || c.path.front() != '/')
        return make_error(
            errc::invalid_argument,
            fmt::format("acl_change.path {} must start with '/', e.g. \"/vms/100\"", bounded_quote(c.path)));
    if (c.roles.empty())
        return make_error(errc::invalid_argument,
                          "acl_change.roles is empty; name a role, e.g. \"PVEVMUser\"");
    if (c.subjects.empty())
        return make_error(errc::invalid_argument,
                          "acl_change.subjects is empty; name a user, group or token");
    gen::access_acl_put_params p;
    p.path = c.path;
    std::optional<std::string> roles;
    for (const auto& role : c.roles) {
        if (role.empty() || role.find_first_of(", ;") != std::string::npos)
            return make_error(errc::invalid_argument,
                              fmt::format("acl_change.roles: {} is not a role id", bounded_quote(role)));
        append(roles, role);
    }
    p.roles = std::move(*roles);
    for (const auto& subject : c.subjects) {
        if (subject.id.empty() || subject.id.find_first_of(", ;") != std::string::npos)
            return make_error(errc::invalid_argument,
                              fmt::format("acl_change.subjects: {} is not a user, group or token id",
                                          bounded_quote(subject.id)));
        switch (subject.type) {
        case acl_subject::kind::user:
            append(p.users, subject.id);
            break;
        case acl_subject::kind::group:
            append(p.groups, subject.id);
            break;
        case acl_subject::kind::token:
            if (subject.id.find('!') == std::string::npos)
                return make_error(
                    errc::invalid_argument,
                    fmt::format("acl_change.subjects: token id {} is not of the form USER@REALM!TOKEN",
                                bounded_quote(subject.id)));
            append(p.tokens, subject.id);
            break;
        }
    }
    if (revoke)
        p.delete_ = true;
    else
        p.propagate = c.propagate;
    return p;
}

awaitable<result<void>> change_acl(state_ptr state, acl_change change, bool revoke) {
    auto params = acl_params(change, revoke);
    if (!params)
        co_return params.error();
    auto response = co_await send(state, std::move(*params));
    if (!response)
        co_return response.error();
    co_return result<void>{};
}

awaitable<result<effective_permissions>> permissions(state_ptr state, std::string userid, std::string path) {
    gen::access_permissions_get_params params;
    if (!userid.empty())
        params.userid = userid;
    if (!path.empty())
        params.path = path;
    auto response = co_await send(state, std::move(params));
    if (!response)
        co_return response.error();
    co_return convert<effective_permissions>(*response, "permissions");
}

} // namespace

void op_acl(const state_ptr& state, handler<std::vector<acl_entry>> h) {
    spawn(state, acl(state), std::move(h));
}

void op_acl_change(const state_ptr& state, acl_change change, bool revoke, handler<void> h) {
    spawn(state, change_acl(state, std::move(change), revoke), std::move(h));
}

void op_permissions(const state_ptr& state,
                    std::string userid,
                    std::string path,
                    handler<effective_permissions> h) {
    spawn(state, permissions(state, std::move(userid), std::move(path)), std::move(h));
}

} // namespace proxmox::detail
