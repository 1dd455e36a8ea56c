#ifndef PROXMOX_RESOURCES_POOLS_HPP
#define PROXMOX_RESOURCES_POOLS_HPP

#include <proxmox/detail/async.hpp>
#include <proxmox/models/pool.hpp>

#include <string>
#include <vector>

namespace proxmox {

/// What pools_handle::async_add / async_remove change.
struct pool_members_change {
    std::vector<vmid_t> vmids;
    std::vector<std::string> storages;
    /// Adding only: take guests out of the pool they are in now (PVE refuses otherwise); needs
    /// Pool.Allocate on that pool too.
    bool allow_move = false;
};

namespace detail {
void op_pools(const state_ptr& state, bool with_members, handler<std::vector<pool_info>> h);
void op_pool(const state_ptr& state, std::string poolid, handler<pool_info> h);
void op_create_pool(const state_ptr& state, std::string poolid, std::string comment, handler<void> h);
void op_delete_pool(const state_ptr& state, std::string poolid, handler<void> h);
void op_pool_members(
    const state_ptr& state, std::string poolid, pool_members_change change, bool remove, handler<void> h);
} // namespace detail

/// Resource pools: `/pools`. Cheap to copy. Writes complete with an empty result<void> once PVE
/// accepted them (no task).
class pools_handle {
public:
    explicit pools_handle(detail::state_ptr state) : state_(std::move(state)) {}

    /// The pools the caller may audit; with `with_members` also each pool's members (one more
    /// request per pool). PVE endpoints: GET /pools, GET /pools?poolid={id} (Pool.Audit on
    /// /pool/{poolid}). Completion: void(result<std::vector<pool_info>>).
    template <class Token = boost::asio::deferred_t>
    auto async_list(bool with_members = true, Token&& token = {}) const {
        return detail::initiate<std::vector<pool_info>>(
            std::forward<Token>(token),
            [s = state_, with_members](auto h) { detail::op_pools(s, with_members, std::move(h)); });
    }

    /// One pool with its members. PVE endpoint: GET /pools?poolid={poolid}, needs Pool.Audit on
    /// /pool/{poolid}; an unknown pool is PVE's 500 `pool 'x' does not exist`.
    /// Completion: void(result<pool_info>).
    template <class Token = boost::asio::deferred_t>
    auto async_get(std::string poolid, Token&& token = {}) const {
        return detail::initiate<pool_info>(
            std::forward<Token>(token),
            [s = state_, id = std::move(poolid)](auto h) { detail::op_pool(s, id, std::move(h)); });
    }

    /// Creates a pool (`parent/child` for a nested one). PVE endpoint: POST /pools, needs
    /// Pool.Allocate on /pool/{poolid}. Completion: void(result<void>).
    template <class Token = boost::asio::deferred_t>
    auto async_create(std::string poolid, std::string comment = {}, Token&& token = {}) const {
        return detail::initiate<void>(std::forward<Token>(token),
                                      [s = state_, id = std::move(poolid), c = std::move(comment)](auto h) {
                                          detail::op_create_pool(s, id, c, std::move(h));
                                      });
    }

    /// Deletes an empty pool (PVE refuses while it has members or child pools). PVE endpoint:
    /// DELETE /pools?poolid={poolid}, needs Pool.Allocate on /pool/{poolid}.
    /// Completion: void(result<void>).
    template <class Token = boost::asio::deferred_t>
    auto async_delete(std::string poolid, Token&& token = {}) const {
        return detail::initiate<void>(
            std::forward<Token>(token),
            [s = state_, id = std::move(poolid)](auto h) { detail::op_delete_pool(s, id, std::move(h)); });
    }

    /// Adds guests and storages to a pool. PVE endpoint: PUT /pools, needs Pool.Allocate on
    /// /pool/{poolid} and Permissions.Modify on each /vms/{vmid} and /storage/{storage}.
    /// Completion: void(result<void>).
    template <class Token = boost::asio::deferred_t>
    auto async_add(std::string poolid, pool_members_change members, Token&& token = {}) const {
        return members_change(std::move(poolid), std::move(members), false, std::forward<Token>(token));
    }

    /// Removes guests and storages from a pool (`delete=1`); same privileges as async_add.
    /// Completion: void(result<void>).
    template <class Token = boost::asio::deferred_t>
    auto async_remove(std::string poolid, pool_members_change members, Token&& token = {}) const {
        return members_change(std::move(poolid), std::move(members), true, std::forward<Token>(token));
    }

private:
    template <class Token>
    auto members_change(std::string poolid, pool_members_change members, bool remove, Token&& token) const {
        return detail::initiate<void>(std::forward<Token>(token), [s = state_, id = std::move(poolid),
                                                                   m = std::move(members), remove](auto h) {
            detail::op_pool_members(s, id, m, remove, std::move(h));
        });
    }

    detail::state_ptr state_;
};

} // namespace proxmox

#endif
