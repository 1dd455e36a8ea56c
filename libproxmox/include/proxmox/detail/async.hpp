#ifndef PROXMOX_DETAIL_ASYNC_HPP
#define PROXMOX_DETAIL_ASYNC_HPP

#include <proxmox/error.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/deferred.hpp>

#include <memory>
#include <utility>

namespace proxmox::detail {

struct client_state;
using state_ptr = std::shared_ptr<client_state>;

template <class T>
using handler = boost::asio::any_completion_handler<void(result<T>)>;

/// Turns a compiled operation `start(handler<T>)` into an Asio initiating function, so the
/// caller's completion token (deferred, use_awaitable, use_future, callback) decides how the
/// result arrives while Beast/OpenSSL stay compiled once inside the library.
template <class T, class Token, class Start>
auto initiate(Token&& token, Start start) {
    return boost::asio::async_initiate<Token, void(result<T>)>(
        [](auto&& h, Start s) { s(handler<T>(std::move(h))); }, token, std::move(start));
}

} // namespace proxmox::detail

#endif
