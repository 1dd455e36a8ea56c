#include "signal_watcher.hpp"

#include <csignal>
#include <pthread.h>

namespace proxmox::mcp {

namespace {
sigset_t termination_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    return set;
}
} // namespace

void block_termination_signals() {
    const sigset_t set = termination_signals();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

signal_watcher::signal_watcher(std::function<void(int)> on_signal) {
    block_termination_signals();
    const sigset_t set = termination_signals();
    thread_ = std::thread([this, set, on_signal = std::move(on_signal)] {
        int signo = 0;
        while (sigwait(&set, &signo) != 0) {
        }
        if (!stopping_)
            on_signal(signo);
    });
}

signal_watcher::~signal_watcher() {
    stopping_ = true;
    pthread_kill(thread_.native_handle(), SIGTERM); // wakes sigwait; the flag says why
    thread_.join();
}

} // namespace proxmox::mcp
