#ifndef PROXMOX_RESOURCES_ACCESS_HPP
#define PROXMOX_RESOURCES_ACCESS_HPP

#include <proxmox/detail/async.hpp>
#include <proxmox/models/access.hpp>

#include <string>
#include <vector>

namespace proxmox {

/// How access_handle::async_assign / async_revoke change an ACL entry.
struct acl_change {
    std::string path;                  ///< `/`, `/vms/100`, `/pool/dev`, `/storage/local`, ...
    std::vector<std::string> roles;    ///< one or more role ids, e.g. `PVEVMUser`
    std::vector<acl_subject> subjects; ///< users, groups and API tokens, in any mix
    bool propagate = true;             ///< also below `path`
};

namespace detail {
void op_users(const state_ptr& state, handler<std::vector<user_info>> h);
void op_user(const state_ptr& state, std::string userid, handler<user_info> h);
void op_create_user(const state_ptr& state, user_create user, handler<void> h);
void op_update_user(const state_ptr& state, std::string userid, user_update changes, handler<void> h);
void op_delete_user(const state_ptr& state, std::string userid, handler<void> h);
void op_roles(const state_ptr& state, handler<std::vector<role_info>> h);
void op_acl(const state_ptr& state, handler<std::vector<acl_entry>> h);
void op_acl_change(const state_ptr& state, acl_change change, bool revoke, handler<void> h);
void op_permissions(const state_ptr& state,
                    std::string userid,
                    std::string path,
                    handler<effective_permissions> h);
} // namespace detail

/// Users, roles, ACLs and effective permissions: `/access/...`. Cheap to copy.
///
/// Writes complete with an empty result<void> once PVE accepted them (they take effect at once, no task).
class access_handle {
public:
    explicit access_handle(detail::state_ptr state) : state_(std::move(state)) {}

    /// Users with their groups and tokens. PVE endpoint: GET /access/users?full=1 (lists the
    /// caller itself, and users the caller may audit: User.Modify or Sys.Audit on
    /// /access/groups[/{group}]). Completion: void(result<std::vector<user_info>>).
    template <class Token = boost::asio::deferred_t> auto async_users(Token&& token = {}) const {
        return detail::initiate<std::vector<user_info>>(
            std::forward<Token>(token), [s = state_](auto h) { detail::op_users(s, std::move(h)); });
    }

    /// One user with groups and tokens. PVE endpoint: GET /access/users/{userid}, needs
    /// User.Modify or Sys.Audit on one of the user's groups. Completion: void(result<user_info>).
    template <class Token = boost::asio::deferred_t>
    auto async_user(std::string userid, Token&& token = {}) const {
        return detail::initiate<user_info>(
            std::forward<Token>(token),
            [s = state_, id = std::move(userid)](auto h) { detail::op_user(s, id, std::move(h)); });
    }

    /// Creates a user. PVE endpoint: POST /access/users, needs Realm.AllocateUser on
    /// /access/realm/{realm} and User.Modify on the groups given. Completion: void(result<void>).
    template <class Token = boost::asio::deferred_t>
    auto async_create_user(user_create user, Token&& token = {}) const {
        return detail::initiate<void>(std::forward<Token>(token), [s = state_, u = std::move(user)](auto h) {
            detail::op_create_user(s, u, std::move(h));
        });
    }

    /// Changes a user. PVE endpoint: PUT /access/users/{userid}, needs User.Modify on the
    /// user's groups (and on the new ones). Completion: void(result<void>).
    template <class Token = boost::asio::deferred_t>
    auto async_update_user(std::string userid, user_update changes, Token&& token = {}) const {
        return detail::initiate<void>(std::forward<Token>(token),
                                      [s = state_, id = std::move(userid), c = std::move(changes)](auto h) {
                                          detail::op_update_user(s, id, c, std::move(h));
                                      });
    }

    /// Deletes a user, its tokens and its ACL entries. PVE endpoint: DELETE
    /// /access/users/{userid}, needs Realm.AllocateUser on /access/realm/{realm} and User.Modify
    /// on the user's groups. Completion: void(result<void>).
    template <class Token = boost::asio::deferred_t>
    auto async_delete_user(std::string userid, Token&& token = {}) const {
        return detail::initiate<void>(
            std::forward<Token>(token),
            [s = state_, id = std::move(userid)](auto h) { detail::op_delete_user(s, id, std::move(h)); });
    }

    /// Roles with their privileges. PVE endpoint: GET /access/roles (any authenticated user).
    /// Completion: void(result<std::vector<role_info>>).
    template <class Token = boost::asio::deferred_t> auto async_roles(Token&& token = {}) const {
        return detail::initiate<std::vector<role_info>>(
            std::forward<Token>(token), [s = state_](auto h) { detail::op_roles(s, std::move(h)); });
    }

    /// The ACL. PVE endpoint: GET /access/acl (entries on paths where the caller has
    /// Sys.Audit or Permissions.Modify). Completion: void(result<std::vector<acl_entry>>).
    template <class Token = boost::asio::deferred_t> auto async_acl(Token&& token = {}) const {
        return detail::initiate<std::vector<acl_entry>>(
            std::forward<Token>(token), [s = state_](auto h) { detail::op_acl(s, std::move(h)); });
    }

    /// Grants `role` on `path` to a user, group or token. PVE endpoint: PUT /access/acl, needs
    /// Permissions.Modify on the path (or Sys.Modify / Pool.Allocate / Datastore.Allocate per
    /// path kind). Completion: void(result<void>).
    template <class Token = boost::asio::deferred_t>
    auto async_assign(acl_change change, Token&& token = {}) const {
        return detail::initiate<void>(std::forward<Token>(token),
                                      [s = state_, c = std::move(change)](auto h) {
                                          detail::op_acl_change(s, c, false, std::move(h));
                                      });
    }

    /// Removes the entry async_assign would add (`delete=1`); `propagate` is ignored by PVE here.
    /// PVE endpoint: PUT /access/acl, same privileges. Completion: void(result<void>).
    template <class Token = boost::asio::deferred_t>
    auto async_revoke(acl_change change, Token&& token = {}) const {
        return detail::initiate<void>(
            std::forward<Token>(token),
            [s = state_, c = std::move(change)](auto h) { detail::op_acl_change(s, c, true, std::move(h)); });
    }

    /// Effective privileges of `userid` (a user or a full token id), or of the caller when
    /// empty; `path` limits the answer to one path. PVE endpoint: GET /access/permissions
    /// (oneself and one's tokens: anyone; others: Sys.Audit on /access).
    /// Completion: void(result<effective_permissions>).
    template <class Token = boost::asio::deferred_t>
    auto async_permissions(std::string userid = {}, std::string path = {}, Token&& token = {}) const {
        return detail::initiate<effective_permissions>(
            std::forward<Token>(token), [s = state_, id = std::move(userid), p = std::move(path)](auto h) {
                detail::op_permissions(s, id, p, std::move(h));
            });
    }

private:
    detail::state_ptr state_;
};

} // namespace proxmox

#endif
