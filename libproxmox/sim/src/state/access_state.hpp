// The access-control part of the cluster (pve-access-control user.cfg and the pools): users,
// their API tokens, groups, roles, ACL entries and resource pools.
#ifndef PROXMOX_SIM_SRC_ACCESS_STATE_HPP
#define PROXMOX_SIM_SRC_ACCESS_STATE_HPP

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace proxmox::sim {
struct options;
}

namespace proxmox::sim::detail {

struct token_state {
    std::string name;    ///< TOKENID part of USER@REALM!TOKENID
    std::string secret;  ///< empty for tokens that only exist in the config (no login possible)
    bool privsep = true; ///< privilege separation: only the token's own ACLs apply
    std::int64_t expire = 0;
    std::string comment;
};

struct user_state {
    std::string userid; ///< USER@REALM
    bool enable = true;
    std::int64_t expire = 0;
    std::string firstname, lastname, email, comment, keys;
    std::set<std::string> groups;
    std::string password;                      ///< what the realm accepts at login (empty: no password login)
    std::string otp;                           ///< the stand-in TOTP code (options::users), empty = no TFA
    std::map<std::string, token_state> tokens; ///< by token name
};

struct group_state {
    std::string comment;
};

struct role_state {
    std::set<std::string> privs;
    bool special = false; ///< a built-in role (cannot be changed or deleted)
};

/// One `acl:` line of user.cfg: `path`, who (user, group or token id) and the role.
struct acl_entry {
    std::string path;
    std::string type; ///< user, group or token
    std::string ugid; ///< USER@REALM, group name or USER@REALM!TOKEN
    std::string roleid;
    bool propagate = true;
};

struct pool_state {
    std::string comment;
    std::set<unsigned> vmids;
    std::set<std::string> storages;
};

struct access_state {
    std::map<std::string, user_state> users;   ///< by userid
    std::map<std::string, group_state> groups; ///< by groupid
    std::map<std::string, role_state> roles;   ///< by roleid, the built-in ones included
    std::vector<acl_entry> acl;
    std::map<std::string, pool_state> pools; ///< by poolid
};

// ---------------------------------------------------------------------------------------------
// built-ins, names and the start state (access_state.cpp)

/// The privileges of PVE 9 (AccessControl.pm $privgroups plus Permissions.Modify), sorted.
const std::vector<std::string>& valid_privileges();
bool is_valid_privilege(std::string_view priv);

/// user.cfg as the simulator starts: root@pam, the options' users and token owners with an
/// ACL on `/` (options::user::role, Administrator for token owners), their tokens, and PVE's
/// built-in roles.
void seed_access(access_state& a, const proxmox::sim::options& opts);

/// Auth/Plugin.pm verify_username: nullopt when `userid` is USER@REALM, else PVE's die text.
std::optional<std::string> username_problem(std::string_view userid);
/// AccessControl.pm split_tokenid: {USER@REALM, TOKENID} of `USER@REALM!TOKENID`.
std::optional<std::pair<std::string, std::string>> split_tokenid(std::string_view tokenid);
/// AccessControl.pm normalize_path (nullopt for characters outside [[:alnum:]._/-]).
std::optional<std::string> normalize_acl_path(std::string_view path);
/// AccessControl.pm check_path: the ACL paths PVE accepts for new entries.
bool valid_acl_path(std::string_view path);

/// AccessControl.pm check_user_enabled: nullopt for an enabled, unexpired user, else PVE's text
/// without newline (`no such user ('x@pve')`, `user 'x@pve' is disabled`, ... access expired).
std::optional<std::string>
check_user_enabled(const access_state& a, std::string_view userid, std::int64_t now);
/// AccessControl.pm verify_token for the `USER@REALM!TOKENID=SECRET` of a PVEAPIToken header:
/// the token id when the token exists, is not expired, its user is enabled and the secret matches.
std::optional<std::string> verify_api_token(const access_state& a, std::string_view value, std::int64_t now);

/// The pool `vmid` belongs to, or nullptr.
const std::string* pool_of(const access_state& a, unsigned vmid);
/// AccessControl.pm add_vm_to_pool (create/restore/clone with `pool`): no-op for an unknown pool.
void add_vm_to_pool(access_state& a, unsigned vmid, std::string_view pool);
/// AccessControl.pm remove_vm_access (guest destroyed): drops its ACLs and pool membership.
void remove_vm_access(access_state& a, unsigned vmid);

// ---------------------------------------------------------------------------------------------
// privileges (permissions.cpp): RPCEnvironment.pm permissions() and its checks

/// privilege -> propagate flag, as RPCEnvironment permissions() returns them.
using privilege_map = std::map<std::string, bool>;

/// RPCEnvironment permissions: what `authid` (user or token id) holds on `path`, with ACL
/// propagation, groups, NoAccess, pool membership and token privilege separation.
privilege_map permissions(const access_state& a, std::string_view authid, std::string_view path);

/// RPCEnvironment get_effective_permissions: every relevant path with its privileges.
std::map<std::string, privilege_map> effective_permissions(const access_state& a, std::string_view authid);

/// Every path of the ACL tree (with the inner nodes), as AccessControl.pm iterate_acl_tree visits them.
std::set<std::string> acl_tree_paths(const access_state& a);

/// RPCEnvironment check (`any` false: all of `privs`) / check_any. With `noerr` false a missing
/// privilege raises PVE's 403 "Permission check failed (PATH, PRIV)" instead of returning false.
bool rpc_check(const access_state& a,
               std::string_view authid,
               std::string_view path,
               const std::vector<std::string>& privs,
               bool any = false,
               bool noerr = true);

/// RPCEnvironment check_perm_modify: Permissions.Modify (or the object's Allocate) on `path`.
bool check_perm_modify(const access_state& a, std::string_view authid, std::string_view path, bool noerr);

/// PVE::Exception raise_perm_exc: 403 "Permission check failed (WHAT)".
[[noreturn]] void raise_perm_exc(std::string_view what = {});

} // namespace proxmox::sim::detail

#endif // PROXMOX_SIM_SRC_ACCESS_STATE_HPP
