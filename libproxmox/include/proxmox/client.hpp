#ifndef PROXMOX_CLIENT_HPP
#define PROXMOX_CLIENT_HPP

#include <proxmox/detail/async.hpp>
#include <proxmox/error.hpp>
#include <proxmox/generated/common.hpp>
#include <proxmox/models/guest.hpp>
#include <proxmox/models/node.hpp>
#include <proxmox/models/storage.hpp>
#include <proxmox/models/version.hpp>
#include <proxmox/options.hpp>
#include <proxmox/resources/access.hpp>
#include <proxmox/resources/cluster.hpp>
#include <proxmox/resources/node.hpp>
#include <proxmox/resources/pools.hpp>
#include <proxmox/resources/qemu.hpp>
#include <proxmox/task.hpp>
#include <proxmox/types.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace proxmox {

/// What `{"data": ..., "total": N}` carried.
struct api_response {
    boost::json::value data;
    std::optional<std::int64_t> total; ///< list endpoints with paging (task lists, logs)
};

/// What client::async_call completes with for an endpoint of the given task kind: the task for
/// calls that start a worker, the raw `data` otherwise.
template <gen::task_kind K> struct call_result { using type = api_response; };
template <> struct call_result<gen::task_kind::upid> { using type = task_handle; };
template <> struct call_result<gen::task_kind::upid_or_null> {
    using type = std::optional<task_handle>; ///< PVE answers null when it waited for the task itself
};

namespace detail {
/// Sends an encoded generated call (a path parameter that is not one segment fails it unsent).
void op_call(const state_ptr& state, http_method method, gen::encoded_request req, handler<api_response> h);
void op_call(const state_ptr& state, http_method method, gen::encoded_request req, handler<task_handle> h);
void op_call(const state_ptr& state,
             http_method method,
             gen::encoded_request req,
             handler<std::optional<task_handle>> h);
state_ptr make_client_state(boost::asio::any_io_executor executor, client_options options);
boost::asio::any_io_executor state_executor(const state_ptr& state);
void op_request(const state_ptr& state,
                http_method method,
                std::string path,
                request_params params,
                handler<api_response> h);
void op_version(const state_ptr& state, handler<version_info> h);
void op_nodes(const state_ptr& state, handler<std::vector<node_summary>> h);
void op_storage_configs(const state_ptr& state,
                        storage_list_options o,
                        handler<std::vector<storage_config>> h);
} // namespace detail

/// An asynchronous client for one PVE cluster.
///
/// Every `async_*` operation takes an Asio completion token (default `asio::deferred`, so
/// `co_await client.async_nodes()` works) and completes with `void(proxmox::result<T>)`.
/// Operations never throw; `result<T>::value()` throws proxmox::exception on error.
///
/// Thread safety: with client_options::thread_safe the client and its handles may be used from
/// any thread; otherwise from one thread (or strand) at a time.
/// Object lifetimes: handles and pending operations keep the client's state alive; the
/// executor must outlive them.
class client {
public:
    /// Sends nothing yet. An unusable option (bad URL, malformed token id) makes every
    /// operation fail with errc::invalid_argument naming the option.
    client(boost::asio::any_io_executor executor, client_options options)
        : state_(detail::make_client_state(std::move(executor), std::move(options))) {}

    boost::asio::any_io_executor get_executor() const { return detail::state_executor(state_); }

    /// Cluster-wide views (`/cluster/...`).
    cluster_handle cluster() const { return cluster_handle(state_); }
    /// Users, roles, ACLs and permissions (`/access/...`).
    access_handle access() const { return access_handle(state_); }
    /// Resource pools (`/pools`).
    pools_handle pools() const { return pools_handle(state_); }
    /// One node (`/nodes/{name}`).
    node_handle node(std::string name) const { return {state_, std::move(name)}; }
    /// A handle for a task known by its UPID string (e.g. from a previous run).
    result<task_handle> task(std::string_view upid_text) const {
        auto id = upid::parse(upid_text);
        if (!id)
            return id.error();
        return task_handle(state_, std::move(*id));
    }

    /// PVE version. PVE endpoint: GET /version (any authenticated user).
    /// Completion: void(result<version_info>).
    template <class Token = boost::asio::deferred_t> auto async_version(Token&& token = {}) const {
        return detail::initiate<version_info>(std::forward<Token>(token),
                                              [s = state_](auto h) { detail::op_version(s, std::move(h)); });
    }

    /// The cluster's nodes. PVE endpoint: GET /nodes (any authenticated user).
    /// Completion: void(result<std::vector<node_summary>>).
    template <class Token = boost::asio::deferred_t> auto async_nodes(Token&& token = {}) const {
        return detail::initiate<std::vector<node_summary>>(
            std::forward<Token>(token), [s = state_](auto h) { detail::op_nodes(s, std::move(h)); });
    }

    /// The datacenter's storage definitions (type, content types, shared, the nodes that may use
    /// each), with `options.with_usage` each node's usage too (one more request:
    /// GET /cluster/resources?type=storage). PVE endpoint: GET /storage (lists the storages the
    /// caller has Datastore.Audit or Datastore.AllocateSpace on).
    /// Completion: void(result<std::vector<storage_config>>).
    template <class Token = boost::asio::deferred_t>
    auto async_storages(storage_list_options options, Token&& token = {}) const {
        return detail::initiate<std::vector<storage_config>>(
            std::forward<Token>(token),
            [s = state_, o = std::move(options)](auto h) { detail::op_storage_configs(s, o, std::move(h)); });
    }
    template <detail::token_not_options<storage_list_options> Token = boost::asio::deferred_t>
    auto async_storages(Token&& token = {}) const {
        return async_storages(storage_list_options{}, std::forward<Token>(token));
    }

    /// Calls the endpoint a generated parameter struct belongs to (any `proxmox::gen::*_params`;
    /// `proxmox/generated/api.hpp` has one named function per endpoint on top of this). Only the
    /// fields that are set are sent. Completion: void(result<R>) with R = task_handle for calls
    /// that start a worker task, std::optional<task_handle> where PVE may answer null instead,
    /// api_response (the raw `data`) otherwise. A path parameter (`node`, `storage`, ...) that
    /// is empty, `.`, `..` or holds a '/' fails with errc::invalid_argument naming it, before
    /// anything is sent (PVE decodes the path before routing: such a value would reach another
    /// endpoint). Other characters are percent-encoded.
    template <class Params, class Token = boost::asio::deferred_t>
    requires requires { Params::endpoint.task; }
    auto async_call(const Params& params, Token&& token = {}) const {
        using R = typename call_result<Params::endpoint.task>::type;
        return detail::initiate<R>(
            std::forward<Token>(token), [s = state_, r = encode(params)](auto h) mutable {
                detail::op_call(s, Params::endpoint.method, std::move(r), std::move(h));
            });
    }

    /// Sends what a generated encoder produced (`gen::encode(params)`): exactly that path and
    /// those parameters reach PVE, e.g. after a preview showed them. A path parameter the encoder
    /// found unusable fails the call before anything is sent, as in async_call.
    /// Completion: void(result<api_response>).
    template <class Token = boost::asio::deferred_t>
    auto async_send(http_method method, gen::encoded_request request, Token&& token = {}) const {
        return detail::initiate<api_response>(std::forward<Token>(token),
                                              [s = state_, method, r = std::move(request)](auto h) mutable {
                                                  detail::op_call(s, method, std::move(r), std::move(h));
                                              });
    }

    /// The escape hatch: any endpoint, e.g. one newer than this SDK. `path` is relative to
    /// `/api2/json` (`/nodes/pve/qemu/100/config`), not encoded: each '/'-separated segment is
    /// percent-encoded; empty, `.` and `..` segments fail with errc::invalid_argument. Build it
    /// only from values you checked (a value with '/' adds segments). GET/DELETE parameters go
    /// in the query, POST/PUT parameters in a form body. Completion: void(result<api_response>).
    template <class Token = boost::asio::deferred_t>
    auto async_request(http_method method,
                       std::string path,
                       request_params params = {},
                       Token&& token = {}) const {
        return detail::initiate<api_response>(
            std::forward<Token>(token), [s = state_, method, p = std::move(path), q = std::move(params)](
                                            auto h) { detail::op_request(s, method, p, q, std::move(h)); });
    }

private:
    detail::state_ptr state_;
};

} // namespace proxmox

#endif
