#ifndef PROXMOX_MCP_TESTS_CHILD_PROCESS_HPP
#define PROXMOX_MCP_TESTS_CHILD_PROCESS_HPP

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace proxmox::mcp::testing {

/// A child process with its stdin and stdout on pipes and its stderr in a temporary file, run in
/// an empty temporary working directory (so no stray .env is read) with every PROXMOX_* variable
/// removed from the environment, plus `env` (which replaces inherited variables of the same name). On
/// destruction a running child gets stdin EOF, then SIGTERM, then SIGKILL.
class child_process {
public:
    child_process(const std::string& exe,
                  const std::vector<std::string>& args,
                  const std::map<std::string, std::string>& env = {});
    ~child_process();
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    /// Writes `line` and a newline to the child's stdin (blocks while the pipe is full).
    bool send_line(std::string_view line);
    /// The next line of the child's stdout, or nullopt on timeout / EOF.
    std::optional<std::string> read_line(std::chrono::milliseconds timeout);
    void close_stdin();
    /// Exit status (or 128 + signal) once the child exits, nullopt on timeout.
    std::optional<int> wait_exit(std::chrono::milliseconds timeout);
    /// Sends a signal.
    void signal(int signo);
    /// Everything the child wrote to stderr so far.
    std::string stderr_text() const;
    /// The working directory (a fresh temporary directory).
    const std::string& work_dir() const noexcept { return work_dir_; }
    pid_t pid() const noexcept { return pid_; }

private:
    pid_t pid_ = -1;
    int stdin_fd_ = -1;
    int stdout_fd_ = -1;
    std::string stderr_path_;
    std::string work_dir_;
    std::string buffer_;
    std::size_t buffer_pos_ = 0; // start of the unread part of buffer_
    bool stdout_eof_ = false;
    std::optional<int> status_;
};

} // namespace proxmox::mcp::testing

#endif
