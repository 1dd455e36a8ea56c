#ifndef PROXMOX_SRC_CORE_CLIENT_STATE_HPP
#define PROXMOX_SRC_CORE_CLIENT_STATE_HPP

// The shared state behind proxmox::client and its handles, and the coroutine plumbing every
// operation uses: run an awaitable, deliver its result through the caller's completion handler.

#include "async/spawn.hpp"

#include <proxmox/client.hpp>
#include <proxmox/transport.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/value_to.hpp>

#include <fmt/format.h>

#include <chrono>
#include <optional>
#include <random>
#include <variant>
#include <vector>

namespace proxmox::detail {

/// Ticket auth state: the ticket and CSRF token are secrets, never logged.
struct ticket_session {
    std::string ticket;
    std::string csrf;
    std::chrono::steady_clock::time_point obtained{};
    bool login_running = false;
    std::vector<std::shared_ptr<boost::asio::steady_timer>> waiters; ///< requests waiting for the login
};

struct client_state {
    boost::asio::any_io_executor executor;
    client_options options;
    std::shared_ptr<proxmox::transport> transport;
    std::optional<error> config_error;     ///< set when options are unusable; every op fails with it
    std::string authorization;             ///< `PVEAPIToken=...`: a secret, never logged
    std::optional<ticket_session> session; ///< set for password login instead of a token
    std::minstd_rand jitter{std::random_device{}()};
};

/// Sends one API request and unwraps the envelope. `path` is encoded (see core/encoding.hpp).
boost::asio::awaitable<result<api_response>>
request(state_ptr state, http_method method, std::string path, request_params params);

/// Sends a call a generated encoder produced; a path parameter that cannot be one path segment
/// fails it with invalid_argument before anything is sent.
boost::asio::awaitable<result<api_response>>
request(state_ptr state, http_method method, gen::encoded_request req);

/// A request whose body is `params` as a form (`application/x-www-form-urlencoded`), as PVE
/// expects for POST and PUT; no body when there are no parameters.
http_request form_request(const request_params& params);

/// Sends a prepared request (body already set, e.g. streamed) once, with the client's
/// credentials, and unwraps the envelope. Never retried.
boost::asio::awaitable<result<api_response>> send_request(state_ptr state,
                                                          http_method method,
                                                          std::string path,
                                                          request_params query,
                                                          http_request req,
                                                          bool authenticate = true);

/// The task_handle for a call whose `data` is a task UPID; protocol_error when it is not one.
result<task_handle> task_from(const state_ptr& state, const api_response& response, std::string_view path);

/// Converts `data` to T with the models' lenient readers; protocol_error if the shape is wrong.
template <class T> result<T> convert(const api_response& response, std::string_view what) {
    try {
        return boost::json::value_to<T>(response.data);
    } catch (const std::exception& e) {
        return make_error(errc::protocol_error, fmt::format("unexpected shape of {}: {}", what, e.what()));
    }
}

/// `op`'s result, wrapped so parallel_group can hold it (result<T> need not be default-constructible).
template <class T>
boost::asio::awaitable<std::optional<result<T>>> optional_result(boost::asio::awaitable<result<T>> op) {
    co_await boost::asio::this_coro::throw_if_cancelled(false);
    auto r = co_await std::move(op);
    co_return std::optional<result<T>>(std::move(r));
}

/// `op`, or errc::timeout once `limit` passes. The op is then cancelled and awaited: a write it
/// had already sent stays errc::outcome_unknown, so the caller knows it may have been applied.
template <class T>
boost::asio::awaitable<result<T>> with_deadline(boost::asio::awaitable<result<T>> op,
                                                std::chrono::milliseconds limit) {
    namespace asio = boost::asio;
    auto ex = co_await asio::this_coro::executor;
    asio::steady_timer timer(ex);
    timer.expires_after(limit);
    auto [order, op_exception, op_result, timer_ec] =
        co_await asio::experimental::make_parallel_group(
            asio::co_spawn(ex, optional_result(std::move(op)), asio::deferred),
            timer.async_wait(asio::deferred))
            .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
    (void)timer_ec;
    if (op_exception)
        std::rethrow_exception(op_exception);
    if (order[0] == 0)
        co_return std::move(*op_result);
    const auto passed = fmt::format("client_options.operation_timeout ({} ms) passed", limit.count());
    if (op_result && !*op_result && op_result->error().code == errc::outcome_unknown) {
        error e = op_result->error();
        e.message = fmt::format("{} ({})", e.message, passed);
        co_return e;
    }
    co_return make_error(errc::timeout, fmt::format("operation did not finish: {}", passed));
}

/// Runs `op` on the client's executor (within operation_timeout, when set) and completes `h`
/// on h's associated executor.
template <class T> void spawn(const state_ptr& state, boost::asio::awaitable<result<T>> op, handler<T> h) {
    const auto limit = state->options.operation_timeout;
    if (limit.count() > 0)
        spawn_on(state->executor, with_deadline(std::move(op), limit), std::move(h));
    else
        spawn_on(state->executor, std::move(op), std::move(h));
}

/// Like spawn, without operation_timeout: for task waits, which have their own timeout.
template <class T>
void spawn_unbounded(const state_ptr& state, boost::asio::awaitable<result<T>> op, handler<T> h) {
    spawn_on(state->executor, std::move(op), std::move(h));
}

} // namespace proxmox::detail

#endif
