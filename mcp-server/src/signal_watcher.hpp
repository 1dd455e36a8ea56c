#ifndef PROXMOX_MCP_SIGNAL_WATCHER_HPP
#define PROXMOX_MCP_SIGNAL_WATCHER_HPP

#include <atomic>
#include <functional>
#include <thread>

namespace proxmox::mcp {

/// Blocks SIGTERM and SIGINT in the calling thread and the threads it creates afterwards: call it
/// first, so that only a signal_watcher receives them.
void block_termination_signals();

/// SIGTERM and SIGINT on a thread of their own (sigwait), so they are seen even while the io
/// thread is blocked, e.g. writing to a client that stopped reading.
class signal_watcher {
public:
    /// `on_signal` runs on the watcher's thread, once, with the signal number.
    explicit signal_watcher(std::function<void(int)> on_signal);
    ~signal_watcher(); ///< stops the thread; a signal arriving later is left blocked
    signal_watcher(const signal_watcher&) = delete;
    signal_watcher& operator=(const signal_watcher&) = delete;

private:
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

} // namespace proxmox::mcp

#endif
