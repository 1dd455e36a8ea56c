#include "child_process.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <poll.h>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace proxmox::mcp::testing {

child_process::child_process(const std::string& exe,
                             const std::vector<std::string>& args,
                             const std::map<std::string, std::string>& env) {
    std::signal(SIGPIPE, SIG_IGN);
    char dir_template[] = "/tmp/mcp-e2e-XXXXXX";
    if (!::mkdtemp(dir_template))
        throw std::runtime_error("mkdtemp failed");
    work_dir_ = dir_template;
    stderr_path_ = work_dir_ + "/stderr.log";

    // Everything the child needs is prepared before fork (only async-signal-safe calls after it).
    std::vector<std::string> argv_s{exe};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<std::string> env_s;
    for (char** e = environ; *e; ++e) {
        std::string_view entry(*e);
        if (entry.rfind("PROXMOX_", 0) == 0)
            continue;
        if (env.count(std::string(entry.substr(0, entry.find('=')))))
            continue; // replaced below
        env_s.emplace_back(entry);
    }
    for (const auto& [k, v] : env)
        env_s.push_back(k + "=" + v);
    std::vector<char*> argv_p, env_p;
    for (auto& s : argv_s)
        argv_p.push_back(s.data());
    argv_p.push_back(nullptr);
    for (auto& s : env_s)
        env_p.push_back(s.data());
    env_p.push_back(nullptr);

    int in[2], out[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0)
        throw std::runtime_error("pipe failed");
    int err = ::open(stderr_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (err < 0)
        throw std::runtime_error("cannot create stderr file");

    pid_ = ::fork();
    if (pid_ < 0)
        throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        ::dup2(in[0], 0);
        ::dup2(out[1], 1);
        ::dup2(err, 2);
        if (::chdir(dir_template) != 0)
            ::_exit(126);
        ::execve(argv_p[0], argv_p.data(), env_p.data());
        ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    ::close(err);
    stdin_fd_ = in[1];
    stdout_fd_ = out[0];
}

child_process::~child_process() {
    if (!status_ && pid_ > 0) {
        // Let the server exit on its own (so it cleans up, e.g. the demo cluster's CA file), then insist.
        close_stdin();
        if (!wait_exit(std::chrono::seconds(3))) {
            ::kill(pid_, SIGTERM);
            if (!wait_exit(std::chrono::seconds(2))) {
                ::kill(pid_, SIGKILL);
                int st = 0;
                ::waitpid(pid_, &st, 0);
            }
        }
    }
    if (stdin_fd_ >= 0)
        ::close(stdin_fd_);
    if (stdout_fd_ >= 0)
        ::close(stdout_fd_);
    std::error_code ec;
    std::filesystem::remove_all(work_dir_, ec);
}

bool child_process::send_line(std::string_view line) {
    if (stdin_fd_ < 0)
        return false;
    std::string buf(line);
    buf.push_back('\n');
    const char* p = buf.data();
    std::size_t left = buf.size();
    while (left > 0) {
        ssize_t n = ::write(stdin_fd_, p, left);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    return true;
}

std::optional<std::string> child_process::read_line(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        // Lines are taken from buffer_pos_ on; the buffer is compacted only when more is read, so
        // reading a million short lines costs no quadratic copying.
        auto nl = buffer_.find('\n', buffer_pos_);
        if (nl != std::string::npos) {
            std::string line = buffer_.substr(buffer_pos_, nl - buffer_pos_);
            buffer_pos_ = nl + 1;
            return line;
        }
        if (stdout_eof_)
            return std::nullopt;
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                          std::chrono::steady_clock::now());
        if (left.count() <= 0)
            return std::nullopt;
        pollfd pfd{stdout_fd_, POLLIN, 0};
        int r = ::poll(&pfd, 1, static_cast<int>(left.count()));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            continue;
        char buf[65536];
        ssize_t n = ::read(stdout_fd_, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            stdout_eof_ = true;
            continue;
        }
        buffer_.erase(0, buffer_pos_);
        buffer_pos_ = 0;
        buffer_.append(buf, static_cast<std::size_t>(n));
    }
}

void child_process::close_stdin() {
    if (stdin_fd_ >= 0)
        ::close(stdin_fd_);
    stdin_fd_ = -1;
}

std::optional<int> child_process::wait_exit(std::chrono::milliseconds timeout) {
    if (status_)
        return status_;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        int st = 0;
        pid_t r = ::waitpid(pid_, &st, WNOHANG);
        if (r == pid_) {
            status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            return status_;
        }
        if (std::chrono::steady_clock::now() >= deadline)
            return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

void child_process::signal(int signo) {
    if (!status_ && pid_ > 0)
        ::kill(pid_, signo);
}

std::string child_process::stderr_text() const {
    std::ifstream in(stderr_path_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

} // namespace proxmox::mcp::testing
