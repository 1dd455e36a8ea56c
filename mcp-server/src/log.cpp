#include "log.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>

namespace proxmox::mcp {

namespace {
std::atomic<int> threshold{static_cast<int>(log_severity::info)};
std::mutex log_mutex;

std::string_view label(log_severity s) noexcept {
    switch (s) {
    case log_severity::debug:
        return "debug";
    case log_severity::info:
        return "info";
    case log_severity::warning:
        return "warning";
    case log_severity::error:
        return "error";
    }
    return "info";
}
} // namespace

void set_log_threshold(log_severity min) noexcept {
    threshold.store(static_cast<int>(min));
}

void log(log_severity severity, std::string_view text) {
    if (static_cast<int>(severity) < threshold.load())
        return;
    std::string line = "proxmox-mcp: ";
    line += label(severity);
    line += ": ";
    line += text;
    // One line per message, whatever the text holds.
    for (char& c : line)
        if (c == '\n' || c == '\r')
            c = ' ';
    line += '\n';
    std::lock_guard lock(log_mutex);
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
}

} // namespace proxmox::mcp
