#include "http/http_connection.hpp"
#include "http/sse.hpp"
#include "log.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>

#include <fmt/format.h>

#include <array>
#include <exception>

namespace proxmox::mcp {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

/// How long and how much of an unread request body is read and dropped after a refusal, so the
/// client reads the refusal instead of a connection reset.
constexpr std::chrono::seconds drain_time{2};
constexpr std::size_t drain_bytes = std::size_t{8} << 20;

bool is_http_syntax_error(const beast::error_code& ec) {
    return ec.category() == beast::error_code(http::error::bad_target).category() &&
           ec != http::error::end_of_stream && ec != http::error::partial_message;
}

} // namespace

http_connection::http_connection(asio::ip::tcp::socket socket,
                                 std::shared_ptr<http_endpoint> endpoint,
                                 http_connection_limits limits,
                                 std::function<void()> on_closed)
    : stream_(std::move(socket)), endpoint_(std::move(endpoint)), limits_(limits),
      on_closed_(std::move(on_closed)) {}

void http_connection::start() {
    auto self = shared_from_this();
    asio::co_spawn(stream_.get_executor(), run(), [self](std::exception_ptr error) {
        if (error) {
            try {
                std::rethrow_exception(error);
            } catch (const std::exception& e) {
                log(log_severity::error, fmt::format("internal error in an HTTP connection: {}", e.what()));
            } catch (...) {
                log(log_severity::error, "internal error in an HTTP connection");
            }
        }
        if (self->current_)
            self->current_->give_up();
        self->close();
        if (auto callback = std::move(self->on_closed_)) {
            self->on_closed_ = nullptr;
            callback();
        }
    });
}

void http_connection::stop() {
    stopped_ = true;
    if (current_)
        current_->give_up();
    beast::error_code ec;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    stream_.close();
}

void http_connection::close() {
    beast::error_code ec;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
    stream_.close();
}

asio::awaitable<void> http_connection::run() {
    for (;;) {
        const bool again = co_await read_and_answer();
        if (!again || stopped_)
            break;
    }
}

asio::awaitable<bool> http_connection::read_and_answer() {
    beast::error_code ec;
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits_.max_header));
    parser.body_limit(boost::none); // Content-Length is compared after the checks of the head

    stream_.expires_after(limits_.read_timeout);
    co_await http::async_read_header(stream_, buffer_, parser, token);
    stream_.expires_never();
    if (ec) {
        if (ec == http::error::header_limit) {
            auto reply = endpoint_->head_too_large();
            co_await write_reply(reply, false);
        } else if (is_http_syntax_error(ec)) {
            auto reply = endpoint_->malformed_request();
            co_await write_reply(reply, false);
        }
        co_return false;
    }

    auto& head = parser.get();
    if (auto refused = endpoint_->check_head(head.base())) {
        // Without a body to skip, the connection stays usable.
        const bool keep = parser.is_done() && head.keep_alive();
        const bool written = co_await write_reply(*refused, keep);
        if (written && !keep && !parser.is_done())
            co_await drain();
        co_return written&& keep;
    }
    if (auto length = parser.content_length(); length && *length > limits_.max_body) {
        auto reply = endpoint_->body_too_large();
        const bool written = co_await write_reply(reply, false);
        if (written)
            co_await drain();
        co_return false;
    }
    if (!parser.is_done()) {
        parser.body_limit(limits_.max_body);
        if (beast::iequals(head[http::field::expect], "100-continue")) {
            static constexpr std::string_view go_on = "HTTP/1.1 100 Continue\r\n\r\n";
            if (!co_await write_bytes(go_on, write_mode::raw))
                co_return false;
        }
        stream_.expires_after(limits_.read_timeout);
        co_await http::async_read(stream_, buffer_, parser, token);
        stream_.expires_never();
        if (ec == http::error::body_limit) {
            auto reply = endpoint_->body_too_large();
            const bool written = co_await write_reply(reply, false);
            if (written)
                co_await drain();
            co_return false;
        }
        if (ec) {
            if (is_http_syntax_error(ec)) {
                auto reply = endpoint_->malformed_request();
                co_await write_reply(reply, false);
            }
            co_return false;
        }
    }

    auto request = parser.release();
    const bool keep_alive = request.keep_alive() && !stopped_;
    http_reply reply = endpoint_->handle(request);
    if (!reply.stream) {
        const bool written = co_await write_reply(reply, keep_alive);
        co_return written&& keep_alive;
    }
    if (reply.stream->what() == response_channel::kind::events) {
        const bool streamed = co_await write_events(reply, keep_alive);
        co_return streamed&& keep_alive;
    }
    const bool answered = co_await write_single(reply, keep_alive);
    co_return answered&& keep_alive;
}

asio::awaitable<bool> http_connection::write_reply(http_reply& reply, bool keep_alive) {
    beast::error_code ec;
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    reply.message.keep_alive(keep_alive);
    stream_.expires_after(limits_.write_timeout);
    co_await http::async_write(stream_, reply.message, token);
    stream_.expires_never();
    co_return !ec;
}

asio::awaitable<bool> http_connection::write_events(http_reply& reply, bool keep_alive) {
    auto channel = reply.stream;
    current_ = channel;
    beast::error_code ec;
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    http::response<http::empty_body> head;
    head.base() = reply.message.base();
    head.chunked(true);
    head.keep_alive(keep_alive);
    http::response_serializer<http::empty_body> serializer{head};
    stream_.expires_after(limits_.write_timeout);
    co_await http::async_write_header(stream_, serializer, token);
    stream_.expires_never();
    bool ok = !ec && !stopped_;
    if (ok)
        watch(channel);
    while (ok) {
        auto events = channel->take_events();
        if (!events.empty()) {
            std::string joined;
            for (const auto& e : events)
                joined += e;
            ok = co_await write_bytes(joined, write_mode::chunk);
            if (ok)
                channel->written(); // the session's event log counts them delivered
            continue;
        }
        if (channel->gone() || stopped_) {
            ok = false;
            break;
        }
        if (channel->ended()) {
            ok = co_await write_bytes({}, write_mode::last_chunk);
            break;
        }
        const auto interval = limits_.keepalive_interval;
        const bool woken = co_await channel->wait(interval);
        if (!woken && !channel->gone() && !channel->ended())
            ok = co_await write_bytes(sse_keepalive, write_mode::chunk);
    }
    unwatch();
    if (!ok)
        channel->give_up();
    current_.reset();
    co_return ok;
}

asio::awaitable<bool> http_connection::write_single(http_reply& reply, bool keep_alive) {
    auto channel = reply.stream;
    current_ = channel;
    watch(channel);
    const std::chrono::milliseconds patience = std::chrono::hours(1); // the wait ends on a change
    while (!channel->ended() && !channel->gone() && !stopped_)
        co_await channel->wait(patience);
    unwatch();
    current_.reset();
    if (channel->gone() || stopped_) {
        channel->give_up();
        co_return false;
    }
    reply.stream.reset();
    reply.message.result(channel->status());
    if (!channel->body().empty()) {
        reply.message.set(http::field::content_type, "application/json");
        reply.message.body() = channel->body();
    }
    reply.message.prepare_payload();
    const bool written = co_await write_reply(reply, keep_alive);
    co_return written;
}

asio::awaitable<bool> http_connection::write_bytes(std::string_view bytes, write_mode mode) {
    beast::error_code ec;
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    stream_.expires_after(limits_.write_timeout);
    switch (mode) {
    case write_mode::raw: {
        auto buffer = asio::buffer(bytes.data(), bytes.size());
        co_await asio::async_write(stream_, buffer, token);
        break;
    }
    case write_mode::chunk: {
        if (bytes.empty()) // an empty chunk would end the body
            break;
        auto chunk = http::make_chunk(asio::buffer(bytes.data(), bytes.size()));
        co_await asio::async_write(stream_, chunk, token);
        break;
    }
    case write_mode::last_chunk: {
        auto last = http::make_chunk_last();
        co_await asio::async_write(stream_, last, token);
        break;
    }
    }
    stream_.expires_never();
    co_return !ec;
}

asio::awaitable<void> http_connection::drain() {
    beast::error_code ec;
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
    std::array<char, 16384> junk{};
    std::size_t total = buffer_.size();
    buffer_.consume(buffer_.size());
    stream_.expires_after(drain_time);
    while (total < drain_bytes) {
        auto buffer = asio::buffer(junk);
        const std::size_t n = co_await stream_.async_read_some(buffer, token);
        if (ec)
            break;
        total += n;
    }
    stream_.expires_never();
}

void http_connection::watch(std::shared_ptr<response_channel> channel) {
    auto self = shared_from_this();
    stream_.socket().async_wait(
        asio::ip::tcp::socket::wait_read, [self, channel](boost::system::error_code ec) {
            if (ec == asio::error::operation_aborted)
                return;
            if (!ec) {
                boost::system::error_code available_ec;
                const std::size_t available = self->stream_.socket().available(available_ec);
                if (!available_ec && available > 0)
                    return; // the next request came early; it waits in the socket
            }
            if (!channel->ended() && !channel->gone())
                log(log_severity::debug, "an HTTP client disconnected while its reply was pending");
            channel->give_up();
        });
}

void http_connection::unwatch() {
    boost::system::error_code ec;
    stream_.socket().cancel(ec);
}

} // namespace proxmox::mcp
