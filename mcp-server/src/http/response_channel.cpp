#include "http/response_channel.hpp"
#include "http/sse.hpp"
#include "log.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

namespace proxmox::mcp {

namespace asio = boost::asio;

response_channel::response_channel(asio::any_io_executor executor, kind k, std::size_t max_backlog)
    : kind_(k), max_backlog_(max_backlog), wake_timer_(std::move(executor)) {}

void response_channel::push_event(std::string_view id, std::string_view data) {
    if (kind_ != kind::events || ended_ || gone_)
        return;
    std::string event = sse_event(id, data);
    queued_bytes_ += event.size();
    if (queued_bytes_ > max_backlog_) {
        log(log_severity::warning,
            fmt::format("an SSE client does not read: {} bytes wait for it; closing its "
                        "stream",
                        queued_bytes_));
        give_up();
        return;
    }
    events_.push_back(std::move(event));
    wake();
}

void response_channel::respond(unsigned status, std::string body) {
    if (ended_)
        return;
    if (kind_ == kind::single) {
        status_ = status;
        body_ = std::move(body);
    }
    end();
}

void response_channel::end() {
    if (ended_)
        return;
    ended_ = true;
    wake();
}

std::deque<std::string> response_channel::take_events() {
    std::deque<std::string> out;
    out.swap(events_);
    queued_bytes_ = 0;
    return out;
}

void response_channel::give_up() {
    if (gone_)
        return;
    gone_ = true;
    events_.clear();
    queued_bytes_ = 0;
    wake();
}

void response_channel::wake() {
    changed_ = true;
    wake_timer_.cancel();
}

asio::awaitable<bool> response_channel::wait(std::chrono::milliseconds timeout) {
    if (changed_) {
        changed_ = false;
        co_return true;
    }
    wake_timer_.expires_after(timeout);
    boost::system::error_code ec;
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    co_await wake_timer_.async_wait(token);
    bool woken = changed_;
    changed_ = false;
    co_return woken;
}

} // namespace proxmox::mcp
