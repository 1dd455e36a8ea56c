#ifndef PROXMOX_SRC_CORE_CLIENT_STATE_HPP
#define PROXMOX_SRC_CORE_CLIENT_STATE_HPP

// The shared state behind proxmox::client and its handles, and the coroutine plumbing every
// operation uses: run an awaitable, deliver its result through the caller's completion handler.

#include <proxmox/client.hpp>
#include <proxmox/transport.hpp>

#include "core/spawn.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/value_to.hpp>

#include <fmt/format.h>

#include <optional>
#include <random>

namespace proxmox::detail {

struct client_state {
    boost::asio::any_io_executor executor;
    client_options options;
    std::shared_ptr<proxmox::transport> transport;
    std::optional<error> config_error; ///< set when options are unusable; every op fails with it
    std::string authorization;         ///< `PVEAPIToken=...`: a secret, never logged
    std::minstd_rand jitter{std::random_device{}()};
};

/// Sends one API request and unwraps the envelope.
boost::asio::awaitable<result<api_response>> request(state_ptr state, http_method method, std::string path,
                                                     request_params params);

/// Converts `data` to T with the models' lenient readers; protocol_error if the shape is wrong.
template <class T>
result<T> convert(const api_response& response, std::string_view what) {
    try {
        return boost::json::value_to<T>(response.data);
    } catch (const std::exception& e) {
        return make_error(errc::protocol_error, fmt::format("unexpected shape of {}: {}", what, e.what()));
    }
}

/// Runs `op` on the client's executor and completes `h` on h's associated executor.
template <class T>
void spawn(const state_ptr& state, boost::asio::awaitable<result<T>> op, handler<T> h) {
    spawn_on(state->executor, std::move(op), std::move(h));
}

} // namespace proxmox::detail

#endif
