#ifndef PROXMOX_SRC_ASYNC_SPAWN_HPP
#define PROXMOX_SRC_ASYNC_SPAWN_HPP

// The bottom of the library's layers (http and everything above use it; it uses nothing in src/).
// Runs a coroutine producing result<T> and completes a type-erased handler with it, on the
// handler's associated executor; the handler's cancellation slot reaches the coroutine.

#include <proxmox/error.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/this_coro.hpp>

#include <exception>

namespace proxmox::detail {

error internal_error(std::exception_ptr e);

/// Runs `op` with Asio's throw-on-cancel turned off for its whole coroutine thread: a cancelled
/// operation then completes its awaits with operation_aborted instead of throwing, so cleanup
/// code (pool slots, login state) always runs and callers get asio::error::operation_aborted.
template <class T>
boost::asio::awaitable<result<T>> without_cancel_exceptions(boost::asio::awaitable<result<T>> op) {
    co_await boost::asio::this_coro::throw_if_cancelled(false);
    auto r = co_await std::move(op);
    co_return r;
}

/// True once the running operation was cancelled. With exceptions off, every loop and every
/// step Asio cannot cancel (DNS) must ask, or a cancellation that landed between two awaits is lost.
inline boost::asio::awaitable<bool> cancel_requested() {
    auto state = co_await boost::asio::this_coro::cancellation_state;
    co_return state.cancelled() != boost::asio::cancellation_type::none;
}

template <class T>
void spawn_on(boost::asio::any_io_executor ex,
              boost::asio::awaitable<result<T>> op,
              boost::asio::any_completion_handler<void(result<T>)> h) {
    auto slot = boost::asio::get_associated_cancellation_slot(h);
    auto completion = [h = std::move(h), ex](std::exception_ptr e, result<T> r) mutable {
        if (e)
            r = internal_error(e);
        auto handler_ex = boost::asio::get_associated_executor(h, ex);
        boost::asio::dispatch(handler_ex,
                              [h = std::move(h), r = std::move(r)]() mutable { std::move(h)(std::move(r)); });
    };
    boost::asio::co_spawn(ex, without_cancel_exceptions(std::move(op)),
                          boost::asio::bind_cancellation_slot(slot, std::move(completion)));
}

} // namespace proxmox::detail

#endif
