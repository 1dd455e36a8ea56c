// What the access administration handlers (access_admin.cpp, access_users.cpp, access_pools.cpp)
// share: user.cfg's lock and the formats the schema validator leaves to pve-access-control.
#ifndef PROXMOX_SIM_SRC_ACCESS_ADMIN_HPP
#define PROXMOX_SIM_SRC_ACCESS_ADMIN_HPP

#include "endpoints/handlers.hpp"

#include <boost/json/object.hpp>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace proxmox::sim::detail {

/// AccessControl.pm lock_user_config: runs `change` on a copy of the access state and keeps it
/// only when it succeeds; an error becomes a plain 500 "ERRMSG: error" (a permission error too,
/// since Perl stringifies the exception object).
template <class Change> void lock_user_config(call_context& ctx, std::string_view errmsg, Change&& change) {
    access_state copy = ctx.state.access;
    try {
        change(copy);
    } catch (const api_error& e) {
        raise_error(std::string(errmsg) + ": " + e.message);
    }
    ctx.state.access = std::move(copy);
}

/// A format check of pve-access-control (verify_groupname & co.): nullopt or the die text.
using access_format = std::optional<std::string> (*)(const std::string& value);

std::optional<std::string> verify_groupname(const std::string& v);
std::optional<std::string> verify_rolename(const std::string& v);
std::optional<std::string> verify_poolname(const std::string& v);
std::optional<std::string> verify_privname(const std::string& v);
std::optional<std::string> verify_tokenid(const std::string& v);

/// JSONSchema.pm check_format for parameters in formats the schema validator does not know:
/// `{key, format, list}`; raises 400 with `invalid format - ...` for every bad one.
struct format_rule {
    std::string_view key;
    access_format check;
    bool list = false; ///< `-list` format: each item of PVE::Tools::split_list
};
void check_formats(const call_context& ctx, std::initializer_list<format_rule> rules);

/// PVE::Tools::split_list
std::vector<std::string> split_list(std::string_view list);

/// The parameter as Perl tests it for truth ("" and "0" are false).
bool perl_true(const std::optional<std::string>& v);

/// The user `userid`, or PVE's 500 "no such user ('x@pve')".
user_state& existing_user(access_state& a, const std::string& userid);

/// The realms the simulated cluster has (domains.cfg): pam and pve.
std::optional<std::string_view> realm_type(std::string_view userid);

// handlers of the other access files
std::vector<handler_entry> access_user_endpoints(); ///< access_users.cpp: users and tokens
std::vector<handler_entry> pool_endpoints();        ///< access_pools.cpp: /pools

} // namespace proxmox::sim::detail

#endif // PROXMOX_SIM_SRC_ACCESS_ADMIN_HPP
