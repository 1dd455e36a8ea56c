// Inventory report: queries every node at the same time with coroutines (status, VMs and
// containers of each node in parallel) and prints one line per node plus the totals.
//
//   PROXMOX_API_URL=... PROXMOX_TOKEN_ID=... PROXMOX_TOKEN_SECRET=... PROXMOX_FINGERPRINT=... ./inventory
//
// The client's connection pool (client_options::max_connections) bounds how many requests are
// in flight; the rest wait their turn.

#include <proxmox/client.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstdio>
#include <string>
#include <vector>

namespace {

using boost::asio::awaitable;
using boost::asio::use_awaitable;
using namespace boost::asio::experimental::awaitable_operators;

struct node_report {
    std::string node;
    std::string error;
    double cpu = 0;
    std::uint64_t mem = 0, maxmem = 0;
    int vms = 0, vms_running = 0, cts = 0, cts_running = 0;
};

template <class List> void count(const List& guests, int& total, int& running) {
    for (const auto& g : guests) {
        ++total;
        running += g.status == "running";
    }
}

awaitable<void> inspect(proxmox::client pve, node_report& out) {
    auto node = pve.node(out.node);
    // three requests at once; each result<T> arrives in the tuple
    auto [status, vms, cts] =
        co_await (node.async_status(use_awaitable) && node.async_qemu_list(use_awaitable) &&
                  node.async_lxc_list(use_awaitable));
    if (!status || !vms || !cts) {
        out.error = (!status ? status.error() : !vms ? vms.error() : cts.error()).to_string();
        co_return;
    }
    out.cpu = status->cpu;
    out.mem = status->memory_used;
    out.maxmem = status->memory_total;
    count(*vms, out.vms, out.vms_running);
    count(*cts, out.cts, out.cts_running);
}

awaitable<int> report(proxmox::client pve) {
    auto nodes = co_await pve.async_nodes();
    if (!nodes) {
        std::fprintf(stderr, "error: %s\n", nodes.error().to_string().c_str());
        co_return 1;
    }
    std::vector<node_report> reports;
    for (const auto& n : *nodes)
        if (n.status == "online")
            reports.push_back({.node = n.node});
    // one coroutine per node, all running concurrently on this thread
    auto executor = co_await boost::asio::this_coro::executor;
    int pending = static_cast<int>(reports.size());
    boost::asio::steady_timer all_done(executor, boost::asio::steady_timer::time_point::max());
    for (auto& r : reports)
        boost::asio::co_spawn(executor, inspect(pve, r), [&](std::exception_ptr) {
            if (--pending == 0)
                all_done.cancel();
        });
    if (pending > 0)
        co_await all_done.async_wait(boost::asio::as_tuple(use_awaitable));

    std::printf("%-10s %6s %14s %11s %11s\n", "NODE", "CPU", "MEMORY GiB", "VMs up/all", "CTs up/all");
    int vms = 0, cts = 0, failed = 0;
    for (const auto& r : reports) {
        if (!r.error.empty()) {
            std::printf("%-10s error: %s\n", r.node.c_str(), r.error.c_str());
            ++failed;
            continue;
        }
        std::printf("%-10s %5.1f%% %6.1f/%-7.1f %5d/%-5d %5d/%-5d\n", r.node.c_str(), r.cpu * 100,
                    r.mem / 1073741824.0, r.maxmem / 1073741824.0, r.vms_running, r.vms, r.cts_running,
                    r.cts);
        vms += r.vms;
        cts += r.cts;
    }
    std::printf("total: %zu nodes, %d VMs, %d containers\n", reports.size(), vms, cts);
    co_return failed == 0 ? 0 : 1;
}

} // namespace

int main() {
    auto options = proxmox::client_options_from_env();
    if (!options) {
        std::fprintf(stderr, "%s\n", options.error().message.c_str());
        return 2;
    }
    boost::asio::io_context io;
    int exit_code = 1;
    boost::asio::co_spawn(io, report(proxmox::client(io.get_executor(), *options)),
                          [&](std::exception_ptr, int code) { exit_code = code; });
    io.run();
    return exit_code;
}
