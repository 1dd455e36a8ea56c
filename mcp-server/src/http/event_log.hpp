#ifndef PROXMOX_MCP_HTTP_EVENT_LOG_HPP
#define PROXMOX_MCP_HTTP_EVENT_LOG_HPP

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace proxmox::mcp {

/// The SSE events of one session's streams, kept so that a client can resume a stream after a
/// disconnect, its own or one the server made (GET with `Last-Event-ID`, MCP 2025-11-25
/// basic/transports#resumability-and-redelivery). No I/O; single-threaded.
///
/// Every event gets a sequence number unique in the session, and its SSE id `<stream>-<seq>`
/// names its stream, so a `Last-Event-ID` tells which stream to resume and from where. Stream 0 is
/// the session's GET stream (every GET without `Last-Event-ID` starts it over); each POST answered
/// as SSE opens a stream of its own.
///
/// What is kept: a POST stream's events until its request has ended and its last event was
/// delivered, then for `linger`; an event of stream 0 until `linger` after its delivery. Beyond
/// `max_bytes` (of event data) the oldest events are dropped, whatever their stream; a stream
/// cannot be resumed from a position after which events were dropped.
class event_log {
public:
    using clock = std::chrono::steady_clock;
    using stream_id = std::uint64_t;
    /// The session's GET stream.
    static constexpr stream_id standalone = 0;

    /// A point in a stream: a client that resumes from it gets the events after `seq`.
    struct position {
        stream_id stream = 0;
        std::uint64_t seq = 0;
    };

    /// `<stream>-<seq>`.
    static std::string event_id(position p);
    /// The position an id of event_id names; nothing when `id` is not one.
    static std::optional<position> parse_event_id(std::string_view id);

    event_log(std::size_t max_bytes, std::chrono::milliseconds linger);

    /// Opens a POST stream; its position before any event (the id of its priming event).
    position open_stream();
    /// A new id for `at` (a priming event that tells a resuming client where it is): a sequence
    /// number of its own that resumes like `at`.
    position mark(position at);
    /// The last sequence number given out: the position "now" of any stream.
    std::uint64_t last_seq() const noexcept { return next_seq_; }
    /// Appends an event of `stream` (an open stream or stream 0) and returns its sequence number.
    std::uint64_t append(stream_id stream, std::string data);
    /// The request of `stream` ended: nothing more comes on it.
    void end_stream(stream_id stream, clock::time_point now);
    /// The events of `stream` up to `seq` were written to a client.
    void delivered(stream_id stream, std::uint64_t seq, clock::time_point now);
    /// Forgets the events of `stream` so far (stream 0 when a GET starts it over).
    void clear(stream_id stream);
    /// Drops what outlived `linger`.
    void expire(clock::time_point now);

    enum class found { ok, unknown, expired };
    struct replay {
        found status = found::unknown;
        /// The events after the position: (sequence number, data).
        std::vector<std::pair<std::uint64_t, std::string>> events;
        /// The stream's request has ended: nothing comes after `events`.
        bool ended = false;
    };
    /// What a client that resumes from `from` gets: unknown when the stream is not (or no longer)
    /// in the log or never had that position; expired when events after it were dropped.
    replay after(position from) const;

    /// Bytes of event data kept.
    std::size_t bytes() const noexcept { return bytes_; }
    /// Events kept.
    std::size_t size() const noexcept { return live_; }
    /// Streams known (stream 0 included).
    std::size_t stream_count() const noexcept { return streams_.size(); }

private:
    struct event {
        std::uint64_t seq = 0;
        std::string data;
        std::optional<clock::time_point> delivered;
    };
    struct stream_state {
        std::deque<event> events;
        std::uint64_t first = 0;           ///< its opening position
        std::uint64_t last = 0;            ///< its last event (0: none yet)
        std::uint64_t dropped_through = 0; ///< the last of its events that were dropped
        std::uint64_t delivered_through = 0;
        bool ended = false;
        std::optional<clock::time_point> ended_at;
        std::optional<clock::time_point> done_at;     ///< ended and all delivered
        std::map<std::uint64_t, std::uint64_t> marks; ///< mark -> the position it stands for
    };

    void drop_front(stream_state& s);
    void enforce_cap();
    void compact_order();
    void check_done(stream_state& s, clock::time_point now);
    void forget(std::map<stream_id, stream_state>::iterator it);

    std::size_t max_bytes_;
    std::chrono::milliseconds linger_;
    std::map<stream_id, stream_state> streams_;
    /// Every appended event, oldest first, for the byte cap; entries of events already dropped
    /// are skipped (and compacted away).
    std::deque<std::pair<std::uint64_t, stream_id>> order_;
    std::uint64_t next_seq_ = 0;
    stream_id next_stream_ = 1;
    std::size_t bytes_ = 0;
    std::size_t live_ = 0;
};

} // namespace proxmox::mcp

#endif
