// Resource pools: /pools (the non-deprecated calls, which also handle nested pools).

#include "core/client_state.hpp"
#include "core/text.hpp"
#include "resources/calls.hpp"

#include <proxmox/generated/pools.hpp>
#include <proxmox/resources/pools.hpp>

#include <fmt/format.h>

namespace proxmox::detail {
namespace {

using boost::asio::awaitable;

result<void> check_poolid(const std::string& poolid) {
    if (poolid.empty())
        return make_error(errc::invalid_argument, "pool id is empty; pass the pool's name, e.g. \"dev\"");
    return {};
}

awaitable<result<pool_info>> pool(state_ptr state, std::string poolid) {
    if (auto ok = check_poolid(poolid); !ok)
        co_return ok.error();
    gen::pools_get_params params;
    params.poolid = poolid;
    auto response = co_await send(state, std::move(params));
    if (!response)
        co_return response.error();
    auto list = convert<std::vector<pool_info>>(*response, "pool");
    if (!list)
        co_return list.error();
    if (list->empty())
        co_return make_error(errc::not_found, fmt::format("pool {} does not exist", bounded_quote(poolid)));
    co_return std::move(list->front());
}

awaitable<result<std::vector<pool_info>>> pools(state_ptr state, bool with_members) {
    const gen::pools_get_params params;
    auto response = co_await send(state, params);
    if (!response)
        co_return response.error();
    auto list = convert<std::vector<pool_info>>(*response, "pool list");
    if (!list || !with_members)
        co_return list;
    // GET /pools lists no members; each pool's own answer has them
    for (auto& p : *list) {
        auto full = co_await pool(state, p.poolid);
        if (!full)
            co_return full.error();
        p = std::move(*full);
    }
    co_return list;
}

awaitable<result<void>> create_pool(state_ptr state, std::string poolid, std::string comment) {
    if (auto ok = check_poolid(poolid); !ok)
        co_return ok.error();
    gen::pools_post_params params;
    params.poolid = poolid;
    if (!comment.empty())
        params.comment = comment;
    auto response = co_await send(state, std::move(params));
    if (!response)
        co_return response.error();
    co_return result<void>{};
}

awaitable<result<void>> delete_pool(state_ptr state, std::string poolid) {
    if (auto ok = check_poolid(poolid); !ok)
        co_return ok.error();
    const gen::pools_delete_params params{.poolid = poolid};
    auto response = co_await send(state, params);
    if (!response)
        co_return response.error();
    co_return result<void>{};
}

awaitable<result<void>>
change_members(state_ptr state, std::string poolid, pool_members_change change, bool remove) {
    if (auto ok = check_poolid(poolid); !ok)
        co_return ok.error();
    if (change.vmids.empty() && change.storages.empty())
        co_return make_error(errc::invalid_argument, "no members given; set vmids and/or storages");
    gen::pools_put_params params;
    params.poolid = poolid;
    std::string vms;
    for (auto id : change.vmids) {
        if (id < 100 || id > 999'999'999)
            co_return make_error(errc::invalid_argument,
                                 fmt::format("vmid {} is out of range (100 .. 999999999)", id));
        vms += (vms.empty() ? "" : ",") + std::to_string(id);
    }
    std::string storages;
    for (const auto& s : change.storages) {
        if (s.empty())
            co_return make_error(errc::invalid_argument, "a storage id is empty");
        storages += (storages.empty() ? "" : ",") + s;
    }
    if (!vms.empty())
        params.vms = vms;
    if (!storages.empty())
        params.storage = storages;
    if (remove)
        params.delete_ = true;
    if (!remove && change.allow_move)
        params.allow_move = true;
    auto response = co_await send(state, std::move(params));
    if (!response)
        co_return response.error();
    co_return result<void>{};
}

} // namespace

void op_pools(const state_ptr& state, bool with_members, handler<std::vector<pool_info>> h) {
    spawn(state, pools(state, with_members), std::move(h));
}

void op_pool(const state_ptr& state, std::string poolid, handler<pool_info> h) {
    spawn(state, pool(state, std::move(poolid)), std::move(h));
}

void op_create_pool(const state_ptr& state, std::string poolid, std::string comment, handler<void> h) {
    spawn(state, create_pool(state, std::move(poolid), std::move(comment)), std::move(h));
}

void op_delete_pool(const state_ptr& state, std::string poolid, handler<void> h) {
    spawn(state, delete_pool(state, std::move(poolid)), std::move(h));
}

void op_pool_members(
    const state_ptr& state, std::string poolid, pool_members_change change, bool remove, handler<void> h) {
    spawn(state, change_members(state, std::move(poolid), std::move(change), remove), std::move(h));
}

} // namespace proxmox::detail
