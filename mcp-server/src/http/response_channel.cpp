#include "http/response_channel.hpp"
#include "log.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace proxmox::mcp {

namespace asio = boost::asio;

response_channel::response_channel(asio::any_io_executor executor, kind k, std::size_t max_backlog)
    : kind_(k), max_backlog_(max_backlog), wake_timer_(std::move(executor)) {}

void response_channel::push_event(std::string event, std::uint64_t seq) {
    if (kind_ != kind::events || ended_ || gone_)
        return;
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
    queued_seq_ = std::max(queued_seq_, seq);
    wake();
}

void response_channel::prepend_event(std::string event) {
    if (kind_ != kind::events || gone_ || taken_)
        return;
    queued_bytes_ += event.size();
    events_.push_front(std::move(event));
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
    taken_ = true;
    taken_seq_ = queued_seq_;
    return out;
}

void response_channel::written() {
    if (on_written_ && taken_seq_ != 0)
        on_written_(taken_seq_);
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
