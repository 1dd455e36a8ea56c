#ifndef PROXMOX_DETAIL_ASYNC_HPP
#define PROXMOX_DETAIL_ASYNC_HPP

#include <proxmox/error.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/deferred.hpp>

#include <memory>
#include <type_traits>
#include <utility>

namespace proxmox::detail {

struct client_state;
using state_ptr = std::shared_ptr<client_state>;

template <class T> using handler = boost::asio::any_completion_handler<void(result<T>)>;

/// Turns a compiled operation `start(handler<T>)` into an Asio initiating function, so the
/// caller's completion token (deferred, use_awaitable, use_future, callback) decides how the
/// result arrives while Beast/OpenSSL stay compiled once inside the library.
template <class T, class Token, class Start> auto initiate(Token&& token, Start start) {
    return boost::asio::async_initiate<Token, void(result<T>)>(
        [](auto&& h, Start s) { s(handler<T>(std::move(h))); }, token, std::move(start));
}

/// A completion token rather than the operation's options struct: lets an operation offer both
/// `async_start(token)` and `async_start(options, token)` without the options' default swallowing
/// the token.
template <class Token, class Options>
concept token_not_options = !std::is_same_v<std::remove_cvref_t<Token>, Options>;

} // namespace proxmox::detail

#endif
