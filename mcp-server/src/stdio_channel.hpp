#ifndef PROXMOX_MCP_STDIO_CHANNEL_HPP
#define PROXMOX_MCP_STDIO_CHANNEL_HPP

#include <boost/asio/any_io_executor.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace proxmox::mcp {

/// Writes newline-terminated lines to a file descriptor, one whole line at a time (under a
/// mutex, looping over partial writes), so concurrent writers never interleave.
class line_writer {
public:
    explicit line_writer(int fd);
    ~line_writer();
    line_writer(const line_writer&) = delete;
    line_writer& operator=(const line_writer&) = delete;

    /// Writes `line` and `\n`, waiting while the reader does not read. Returns false (and keeps
    /// failing) once the reader is gone (EPIPE) or abort() was called.
    bool write_line(std::string_view line);
    /// Ends a write_line that waits for the reader, now and for good (any thread; e.g. SIGTERM).
    void abort();
    bool broken() const;

private:
    int fd_;
    int wake_[2] = {-1, -1};
    mutable std::mutex mutex_;
    bool broken_ = false;
};

/// How much input the reader may read ahead of its consumer.
struct input_limits {
    /// A longer line is dropped (and reported through on_oversized).
    std::size_t max_line = std::size_t{64} << 20;
    /// Lines posted but not yet consumed; at this many the reader stops reading.
    std::size_t max_queued_lines = 1024;
    /// Bytes of posted, unconsumed lines; at this many the reader stops reading (one line longer
    /// than this is still posted when nothing else waits).
    std::size_t max_queued_bytes = std::size_t{4} << 20;
};

/// Reads newline-delimited lines from a file descriptor on its own thread and posts each one to
/// an executor. Works for pipes, terminals and regular files (where epoll-based Asio descriptors
/// fail). A trailing `\r` is left to the consumer.
///
/// Flow control: a client may write without reading our answers; then the consumer blocks on
/// output and posted lines would pile up without bound. Once `max_queued_lines` or
/// `max_queued_bytes` are waiting, the reader stops reading until the consumer has worked the
/// queue down to half of both, so the client's writes block instead.
class line_reader {
public:
    struct callbacks {
        std::function<void(std::string)> on_line; ///< one line without the `\n`
        std::function<void()> on_oversized;       ///< a line longer than max_line was dropped
        std::function<void()> on_eof;             ///< end of input (or a read error); posted last
    };

    line_reader(int fd, boost::asio::any_io_executor executor, callbacks cb, input_limits limits = {});
    ~line_reader();
    line_reader(const line_reader&) = delete;
    line_reader& operator=(const line_reader&) = delete;

    void start();
    /// Stops reading (wakes the thread whether it waits for input or for the queue to drain) and
    /// joins the thread. No callback is posted after it returns; lines already posted may still run.
    void stop();

    /// Lines posted and not yet consumed (thread-safe; for tests and diagnostics).
    std::size_t queued_lines() const;
    /// The reader is waiting for the queue to drain.
    bool paused() const;

private:
    struct queue;
    void run();
    /// Posts one line (or an oversized notice when `line` is null) once the queue has room;
    /// false when stopped meanwhile.
    bool post_when_room(std::string* line);

    int fd_;
    boost::asio::any_io_executor executor_;
    std::shared_ptr<queue> queue_; // shared with posted handlers, which may outlive the reader
    int wake_[2] = {-1, -1};
    std::thread thread_;
};

} // namespace proxmox::mcp

#endif
