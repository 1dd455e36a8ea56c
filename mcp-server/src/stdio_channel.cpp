#include "stdio_channel.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <condition_variable>
#include <fcntl.h>
#include <poll.h>
#include <stdexcept>
#include <unistd.h>

namespace proxmox::mcp {

namespace asio = boost::asio;

line_writer::line_writer(int fd) : fd_(fd) {
    if (::pipe2(wake_, O_CLOEXEC) != 0)
        throw std::runtime_error("pipe2 failed");
}

line_writer::~line_writer() {
    ::close(wake_[0]);
    ::close(wake_[1]);
}

bool line_writer::write_line(std::string_view line) {
    std::string buf;
    buf.reserve(line.size() + 1);
    buf.append(line);
    buf.push_back('\n');
    std::lock_guard lock(mutex_);
    if (broken_)
        return false;
    const char* p = buf.data();
    std::size_t left = buf.size();
    while (left > 0) {
        // Wait until the reader makes room, or abort() is called: a client that stopped reading
        // must not keep the server from shutting down.
        pollfd fds[2] = {{fd_, POLLOUT, 0}, {wake_[0], POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            broken_ = true;
            return false;
        }
        if (fds[1].revents != 0) {
            broken_ = true;
            return false;
        }
        // At most PIPE_BUF bytes: POLLOUT promises room for that much, so the write cannot block.
        ssize_t n = ::write(fd_, p, std::min<std::size_t>(left, PIPE_BUF));
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            broken_ = true;
            return false;
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    return true;
}

void line_writer::abort() {
    char c = 'x';
    while (::write(wake_[1], &c, 1) < 0 && errno == EINTR) {
    }
}

bool line_writer::broken() const {
    std::lock_guard lock(mutex_);
    return broken_;
}

/// The queue between the reader thread and the consumer: counts what was posted and not yet
/// consumed, and wakes the reader once the consumer has caught up.
struct line_reader::queue {
    callbacks cb;
    input_limits limits;
    mutable std::mutex mutex;
    std::condition_variable drained;
    std::size_t lines = 0;
    std::size_t bytes = 0;
    bool waiting = false; // the reader waits for room
    bool stopping = false;

    queue(callbacks c, input_limits l) : cb(std::move(c)), limits(l) {}

    bool has_room() const {
        return lines == 0 || (lines < limits.max_queued_lines && bytes < limits.max_queued_bytes);
    }
    bool drained_to_half() const {
        return lines <= limits.max_queued_lines / 2 && bytes <= limits.max_queued_bytes / 2;
    }
    void consumed(std::size_t size) {
        std::lock_guard lock(mutex);
        --lines;
        bytes -= size;
        if (waiting && drained_to_half())
            drained.notify_one();
    }
};

line_reader::line_reader(int fd, asio::any_io_executor executor, callbacks cb, input_limits limits)
    : fd_(fd), executor_(std::move(executor)), queue_(std::make_shared<queue>(std::move(cb), limits)) {
    if (::pipe2(wake_, O_CLOEXEC) != 0)
        throw std::runtime_error("pipe2 failed");
}

line_reader::~line_reader() {
    stop();
    ::close(wake_[0]);
    ::close(wake_[1]);
}

void line_reader::start() {
    if (!thread_.joinable())
        thread_ = std::thread([this] { run(); });
}

void line_reader::stop() {
    if (!thread_.joinable())
        return;
    {
        std::lock_guard lock(queue_->mutex);
        queue_->stopping = true;
    }
    queue_->drained.notify_all(); // a reader waiting for room
    char c = 'x';
    while (::write(wake_[1], &c, 1) < 0 && errno == EINTR) { // a reader waiting for input
    }
    thread_.join();
}

std::size_t line_reader::queued_lines() const {
    std::lock_guard lock(queue_->mutex);
    return queue_->lines;
}

bool line_reader::paused() const {
    std::lock_guard lock(queue_->mutex);
    return queue_->waiting;
}

bool line_reader::post_when_room(std::string* line) {
    // Marks a posted line consumed when its handler ends, also when the consumer throws.
    struct consumed_on_exit {
        std::shared_ptr<queue>& q;
        std::size_t size;
        ~consumed_on_exit() { q->consumed(size); }
    };
    queue& q = *queue_;
    const std::size_t size = line ? line->size() : 0;
    {
        std::unique_lock lock(q.mutex);
        if (!q.has_room()) {
            q.waiting = true;
            q.drained.wait(lock, [&] { return q.stopping || q.drained_to_half(); });
            q.waiting = false;
        }
        if (q.stopping)
            return false;
        ++q.lines;
        q.bytes += size;
    }
    if (line) {
        asio::post(executor_, [q = queue_, text = std::move(*line)]() mutable {
            consumed_on_exit done{q, text.size()};
            q->cb.on_line(std::move(text));
        });
    } else {
        asio::post(executor_, [q = queue_]() mutable {
            consumed_on_exit done{q, 0};
            q->cb.on_oversized();
        });
    }
    return true;
}

void line_reader::run() {
    const std::size_t max_line = queue_->limits.max_line;
    std::string pending;
    bool discarding = false; // inside a line that was too long
    char buf[65536];
    for (;;) {
        pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
        int r = ::poll(fds, 2, -1);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (fds[1].revents != 0)
            return; // stop(): no EOF callback
        if (fds[0].revents == 0)
            continue;
        ssize_t n = ::read(fd_, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            break;
        }
        if (n == 0)
            break;
        std::string_view chunk(buf, static_cast<std::size_t>(n));
        while (!chunk.empty()) {
            auto nl = chunk.find('\n');
            if (nl == std::string_view::npos) {
                if (!discarding) {
                    pending.append(chunk);
                    if (pending.size() > max_line) {
                        discarding = true;
                        pending.clear();
                        if (!post_when_room(nullptr))
                            return;
                    }
                }
                break;
            }
            if (!discarding) {
                pending.append(chunk.substr(0, nl));
                bool posted = pending.size() > max_line ? post_when_room(nullptr) : post_when_room(&pending);
                if (!posted)
                    return;
            }
            pending.clear();
            discarding = false;
            chunk.remove_prefix(nl + 1);
        }
    }
    if (!pending.empty() && !discarding && !post_when_room(&pending))
        return;
    asio::post(executor_, [q = queue_] { q->cb.on_eof(); });
}

} // namespace proxmox::mcp
