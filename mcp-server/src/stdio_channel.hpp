#ifndef PROXMOX_MCP_STDIO_CHANNEL_HPP
#define PROXMOX_MCP_STDIO_CHANNEL_HPP

#include <boost/asio/any_io_executor.hpp>

#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace proxmox::mcp {

/// Writes newline-terminated lines to a file descriptor, one whole line at a time (under a
/// mutex, looping over partial writes), so concurrent writers never interleave.
class line_writer {
public:
    explicit line_writer(int fd) : fd_(fd) {}

    /// Writes `line` and `\n`. Returns false (and keeps failing) once the reader is gone (EPIPE).
    bool write_line(std::string_view line);
    bool broken() const;

private:
    int fd_;
    mutable std::mutex mutex_;
    bool broken_ = false;
};

/// Reads newline-delimited lines from a file descriptor on its own thread and posts each one to
/// an executor. Works for pipes, terminals and regular files (where epoll-based Asio descriptors
/// fail). A trailing `\r` is left to the consumer.
class line_reader {
public:
    struct callbacks {
        std::function<void(std::string)> on_line; ///< one line without the `\n`
        std::function<void()> on_oversized;       ///< a line longer than max_line was dropped
        std::function<void()> on_eof;             ///< end of input (or a read error); posted last
    };

    line_reader(int fd, boost::asio::any_io_executor executor, callbacks cb,
                std::size_t max_line = std::size_t{64} << 20);
    ~line_reader();
    line_reader(const line_reader&) = delete;
    line_reader& operator=(const line_reader&) = delete;

    void start();
    /// Stops reading (wakes the thread if it waits for input) and joins the thread.
    void stop();

private:
    void run();

    int fd_;
    boost::asio::any_io_executor executor_;
    callbacks cb_;
    std::size_t max_line_;
    int wake_[2] = {-1, -1};
    std::thread thread_;
};

} // namespace proxmox::mcp

#endif
