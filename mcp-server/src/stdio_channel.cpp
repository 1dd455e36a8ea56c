#include "stdio_channel.hpp"

#include <boost/asio/post.hpp>

#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <stdexcept>

namespace proxmox::mcp {

namespace asio = boost::asio;

bool line_writer::write_line(std::string_view line) {
    std::string buf;
    buf.reserve(line.size() + 1);
    buf.append(line);
    buf.push_back('\n');
    std::lock_guard lock(mutex_);
    if (broken_) return false;
    const char* p = buf.data();
    std::size_t left = buf.size();
    while (left > 0) {
        ssize_t n = ::write(fd_, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) {
                pollfd pfd{fd_, POLLOUT, 0};
                ::poll(&pfd, 1, 1000);
                continue;
            }
            broken_ = true;
            return false;
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    return true;
}

bool line_writer::broken() const {
    std::lock_guard lock(mutex_);
    return broken_;
}

line_reader::line_reader(int fd, asio::any_io_executor executor, callbacks cb, std::size_t max_line)
    : fd_(fd), executor_(std::move(executor)), cb_(std::move(cb)), max_line_(max_line) {
    if (::pipe2(wake_, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
}

line_reader::~line_reader() {
    stop();
    ::close(wake_[0]);
    ::close(wake_[1]);
}

void line_reader::start() {
    if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
}

void line_reader::stop() {
    if (!thread_.joinable()) return;
    char c = 'x';
    while (::write(wake_[1], &c, 1) < 0 && errno == EINTR) {
    }
    thread_.join();
}

void line_reader::run() {
    std::string pending;
    bool discarding = false; // inside a line that was too long
    char buf[65536];
    for (;;) {
        pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
        int r = ::poll(fds, 2, -1);
        if (r < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (fds[1].revents != 0) return; // stop(): no EOF callback
        if (fds[0].revents == 0) continue;
        ssize_t n = ::read(fd_, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            break;
        }
        if (n == 0) break;
        std::string_view chunk(buf, static_cast<std::size_t>(n));
        while (!chunk.empty()) {
            auto nl = chunk.find('\n');
            if (nl == std::string_view::npos) {
                if (!discarding) {
                    pending.append(chunk);
                    if (pending.size() > max_line_) {
                        discarding = true;
                        pending.clear();
                        asio::post(executor_, cb_.on_oversized);
                    }
                }
                break;
            }
            if (!discarding) {
                pending.append(chunk.substr(0, nl));
                if (pending.size() > max_line_) {
                    asio::post(executor_, cb_.on_oversized);
                } else {
                    asio::post(executor_, [f = cb_.on_line, line = std::move(pending)]() mutable { f(std::move(line)); });
                }
            }
            pending.clear();
            discarding = false;
            chunk.remove_prefix(nl + 1);
        }
    }
    if (!pending.empty() && !discarding)
        asio::post(executor_, [f = cb_.on_line, line = std::move(pending)]() mutable { f(std::move(line)); });
    asio::post(executor_, cb_.on_eof);
}

} // namespace proxmox::mcp
