// The request log: every request the server read, in memory (for tests in the same process) and
// optionally as JSON lines in a file (for tests driving the proxmox-sim executable).
#ifndef PROXMOX_SIM_SRC_REQUEST_LOG_HPP
#define PROXMOX_SIM_SRC_REQUEST_LOG_HPP

#include <proxmox/sim/server.hpp>

#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

namespace proxmox::sim::detail {

class request_log {
public:
    request_log() = default;
    ~request_log();
    request_log(const request_log&) = delete;
    request_log& operator=(const request_log&) = delete;

    /// Opens (appends to) the log file. Throws std::invalid_argument when it cannot be opened.
    void open(const std::string& path);
    void close();

    void add(request_log_entry entry);
    std::vector<request_log_entry> entries() const;
    void clear();

    /// The JSON line of an entry (without the newline).
    static std::string json_line(const request_log_entry& e);

private:
    mutable std::mutex mutex_;
    std::vector<request_log_entry> entries_;
    std::FILE* file_ = nullptr;
};

} // namespace proxmox::sim::detail

#endif // PROXMOX_SIM_SRC_REQUEST_LOG_HPP
