// The access-control part of the cluster (pve-access-control user.cfg and the pools): users,
// their API tokens, groups, roles, ACL entries and resource pools.
#ifndef PROXMOX_SIM_SRC_ACCESS_STATE_HPP
#define PROXMOX_SIM_SRC_ACCESS_STATE_HPP

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace proxmox::sim::detail {

struct token_state {
    std::string name;     ///< TOKENID part of USER@REALM!TOKENID
    std::string secret;   ///< empty for tokens that only exist in the config (no login possible)
    bool privsep = true;  ///< privilege separation: only the token's own ACLs apply
    std::int64_t expire = 0;
    std::string comment;
};

struct user_state {
    std::string userid; ///< USER@REALM
    bool enable = true;
    std::int64_t expire = 0;
    std::string firstname, lastname, email, comment;
    std::set<std::string> groups;
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

} // namespace proxmox::sim::detail

#endif // PROXMOX_SIM_SRC_ACCESS_STATE_HPP
