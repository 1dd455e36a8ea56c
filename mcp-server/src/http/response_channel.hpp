#ifndef PROXMOX_MCP_HTTP_RESPONSE_CHANNEL_HPP
#define PROXMOX_MCP_HTTP_RESPONSE_CHANNEL_HPP

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>

namespace proxmox::mcp {

/// The body of one HTTP response that the MCP session produces over time, between the session
/// table (producer) and the connection that writes it (consumer): an SSE stream of events (a
/// POST request's stream, or a session's standalone GET stream), or a single JSON response the
/// connection waits for. Single-threaded: both sides run on the server's io_context.
class response_channel {
public:
    enum class kind { events, single };

    /// `max_backlog`: bytes that may wait for a client that does not read; beyond them the
    /// channel is given up (the connection closes).
    response_channel(boost::asio::any_io_executor executor, kind k, std::size_t max_backlog);
    response_channel(const response_channel&) = delete;
    response_channel& operator=(const response_channel&) = delete;

    kind what() const noexcept { return kind_; }

    // ---- producer ---------------------------------------------------------------------------

    /// events: queues one SSE event, already formatted (sse.hpp), with its sequence number in
    /// the session's event log (0: not logged, e.g. a priming event). Ignored once ended or gone.
    void push_event(std::string event, std::uint64_t seq = 0);
    /// events: queues `event` before everything queued (the priming event, once the session's
    /// protocol version is known), even after end(); ignored once gone or once the consumer took
    /// events.
    void prepend_event(std::string event);
    /// Called (on the consumer's side, see written()) with the highest sequence number of the
    /// events written to the client so far.
    void on_written(std::function<void(std::uint64_t)> callback) { on_written_ = std::move(callback); }
    /// single: the response, once (HTTP status and a JSON body; an empty body is sent without
    /// one). events: ends the stream.
    void respond(unsigned status, std::string body);
    /// The end: events: the stream ends after what is queued; single: 202 without a body unless
    /// a response was given.
    void end();
    /// The client went away (or the connection was given up): nothing more is delivered.
    bool gone() const noexcept { return gone_; }
    /// Ended by the producer (what is queued may still be on its way).
    bool ended() const noexcept { return ended_; }

    // ---- consumer ---------------------------------------------------------------------------

    /// Queued events (events), moved out.
    std::deque<std::string> take_events();
    /// The events taken last were written to the client.
    void written();
    /// single: the response once ended.
    unsigned status() const noexcept { return status_; }
    const std::string& body() const noexcept { return body_; }
    /// The client disconnected, or the connection failed or closed.
    void give_up();
    /// Waits until something changes (an event, the end, give_up) or `timeout` passes. Returns
    /// false on timeout.
    boost::asio::awaitable<bool> wait(std::chrono::milliseconds timeout);

private:
    void wake();

    kind kind_;
    std::size_t max_backlog_;
    boost::asio::steady_timer wake_timer_;
    std::deque<std::string> events_;
    std::size_t queued_bytes_ = 0;
    std::uint64_t queued_seq_ = 0; ///< highest sequence number queued
    std::uint64_t taken_seq_ = 0;  ///< highest sequence number taken by the consumer
    bool taken_ = false;
    std::function<void(std::uint64_t)> on_written_;
    bool ended_ = false;
    bool gone_ = false;
    bool changed_ = false;
    unsigned status_ = 202;
    std::string body_;
};

} // namespace proxmox::mcp

#endif
