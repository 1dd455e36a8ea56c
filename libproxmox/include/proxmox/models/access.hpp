#ifndef PROXMOX_MODELS_ACCESS_HPP
#define PROXMOX_MODELS_ACCESS_HPP

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace proxmox {

/// An API token as `GET /access/users?full=1` lists it (never with its secret).
struct user_token {
    std::string tokenid; ///< the name after `!`, e.g. `ci` of `alice@pve!ci`
    std::string comment;
    bool privsep = true;     ///< privilege separation: only the token's own ACLs apply
    std::int64_t expire = 0; ///< Unix epoch seconds; 0 = never
};

/// A user of `GET /access/users` (`full=1`: with groups and tokens).
struct user_info {
    std::string userid; ///< `USER@REALM`
    bool enable = true;
    std::int64_t expire = 0; ///< Unix epoch seconds; 0 = never
    std::string firstname;
    std::string lastname;
    std::string email;
    std::string comment;
    std::string realm_type; ///< pam, pve, ldap, ...
    std::vector<std::string> groups;
    std::vector<user_token> tokens;
    boost::json::object raw;
};

/// What access_handle::async_create_user sends (`POST /access/users`).
struct user_create {
    std::string userid;                  ///< required, `USER@REALM`
    std::optional<std::string> password; ///< only for the `pve` realm; a secret, never logged
    std::string firstname;
    std::string lastname;
    std::string email;
    std::string comment;
    std::vector<std::string> groups; ///< existing groups
    std::optional<bool> enable;      ///< PVE's default: enabled
    std::optional<std::int64_t> expire;
};

/// What access_handle::async_update_user changes (`PUT /access/users/{userid}`); only the set
/// fields are sent.
struct user_update {
    std::optional<std::string> firstname;
    std::optional<std::string> lastname;
    std::optional<std::string> email;
    std::optional<std::string> comment;
    std::optional<std::vector<std::string>> groups; ///< replaces the groups (or adds them, see append_groups)
    bool append_groups = false;
    std::optional<bool> enable;
    std::optional<std::int64_t> expire;
};

/// A role of `GET /access/roles`.
struct role_info {
    std::string roleid;
    std::vector<std::string> privileges;
    bool builtin = false; ///< PVE's own roles (`special`); they cannot be changed
    boost::json::object raw;
};

/// One entry of `GET /access/acl`.
struct acl_entry {
    std::string path; ///< `/`, `/vms/100`, `/pool/dev`, `/storage/local`, ...
    std::string type; ///< user, group or token
    std::string ugid; ///< the user id, group name or token id
    std::string roleid;
    bool propagate = true; ///< the role also applies below `path`
    boost::json::object raw;
};

/// Who an ACL entry is for: a user, a group or an API token.
struct acl_subject {
    enum class kind { user, group, token };
    kind type = kind::user;
    std::string id;

    static acl_subject user(std::string userid) { return {kind::user, std::move(userid)}; }
    static acl_subject group(std::string groupid) { return {kind::group, std::move(groupid)}; }
    static acl_subject token(std::string tokenid) { return {kind::token, std::move(tokenid)}; }
};

/// `GET /access/permissions`: privileges per ACL path (value: whether it propagates).
struct effective_permissions {
    std::map<std::string, std::map<std::string, bool>> paths;

    /// True when `privilege` is listed for exactly `path` (PVE lists every path that has an ACL
    /// entry, plus `/access`, `/nodes`, `/vms`, `/storage`, ... as evaluated for the user).
    bool has(const std::string& path, std::string_view privilege) const;
};

user_info tag_invoke(boost::json::value_to_tag<user_info>, const boost::json::value& v);
role_info tag_invoke(boost::json::value_to_tag<role_info>, const boost::json::value& v);
acl_entry tag_invoke(boost::json::value_to_tag<acl_entry>, const boost::json::value& v);
effective_permissions tag_invoke(boost::json::value_to_tag<effective_permissions>,
                                 const boost::json::value& v);
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const user_info& u);
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const role_info& r);
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const acl_entry& a);

} // namespace proxmox

#endif
