// SDK throughput against the simulator: N GET /nodes/{node}/status at concurrency 1, 8 and 64,
// over the keep-alive pool and with one TLS connection per request, measured side by side in
// one run. Prints requests/s, the pool's speed-up and the process's peak RSS (the simulator
// runs in the same process, so RSS includes it).
//
//   bench_sdk_throughput [requests-per-run=2000]
//   bench_sdk_throughput --external URL TOKEN_ID TOKEN_SECRET FINGERPRINT [requests=5000]
//     (pooled runs against another process's server; used by compare_clients.py)

#include <proxmox/client.hpp>
#include <proxmox/sim/server.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <string_view>
#include <sys/resource.h>

namespace {

long peak_rss_kib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

struct run_result {
    double requests_per_second = 0;
    int failures = 0;
};

boost::asio::awaitable<void> worker(proxmox::client pve, int* remaining, int* failures) {
    while (*remaining > 0) {
        --*remaining;
        auto status = co_await pve.node("pve").async_status();
        if (!status)
            ++*failures;
    }
}

run_result run(const proxmox::sim::endpoint_info& sim, int concurrency, int requests, bool keep_alive) {
    boost::asio::io_context io;
    proxmox::client_options opts;
    opts.url = sim.url;
    opts.token = {sim.token_id, sim.token_secret};
    opts.tls.fingerprint = sim.fingerprint;
    opts.max_connections = static_cast<std::size_t>(concurrency);
    opts.keep_alive = keep_alive;
    proxmox::client pve(io.get_executor(), opts);
    int remaining = requests, failures = 0;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < concurrency; ++i)
        boost::asio::co_spawn(io, worker(pve, &remaining, &failures), boost::asio::detached);
    io.run();
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    return {requests / took.count(), failures};
}

} // namespace

/// `--external URL TOKEN_ID TOKEN_SECRET FINGERPRINT [requests]`: the pooled runs only, against
/// a server in another process (compare_clients.py), one JSON line per concurrency.
int external(int argc, char** argv) {
    if (argc < 6) {
        fmt::print(
            stderr,
            "usage: bench_sdk_throughput --external URL TOKEN_ID TOKEN_SECRET FINGERPRINT [requests]\n");
        return 2;
    }
    proxmox::sim::endpoint_info info;
    info.url = argv[2];
    info.token_id = argv[3];
    info.token_secret = argv[4];
    info.fingerprint = argv[5];
    const int requests = argc > 6 ? std::atoi(argv[6]) : 5000;
    for (int concurrency : {1, 8, 64}) {
        auto pooled = run(info, concurrency, requests, true);
        fmt::print("{{\"concurrency\": {}, \"rps\": {:.0f}, \"failures\": {}}}\n", concurrency,
                   pooled.requests_per_second, pooled.failures);
        std::fflush(stdout);
    }
    return 0;
}

int main(int argc, char** argv) {
    if (argc > 1 && std::string_view(argv[1]) == "--external")
        return external(argc, argv);
    const int requests = argc > 1 ? std::atoi(argv[1]) : 2000;
    proxmox::sim::server sim;
    const auto& info = sim.start();
    const long rss_before = peak_rss_kib();
    fmt::print(
        "SDK throughput: {} x GET /nodes/pve/status per run against proxmox-sim (in-process, loopback TLS)\n",
        requests);
    fmt::print("{:>11} | {:>14} | {:>22} | {:>7}\n", "concurrency", "pooled req/s", "conn-per-request req/s",
               "speedup");
    for (int concurrency : {1, 8, 64}) {
        auto pooled = run(info, concurrency, requests, true);
        auto fresh = run(info, concurrency, requests / 4, false); // handshakes are slow: fewer requests
        fmt::print("{:>11} | {:>14.0f} | {:>22.0f} | {:>6.1f}x{}\n", concurrency, pooled.requests_per_second,
                   fresh.requests_per_second, pooled.requests_per_second / fresh.requests_per_second,
                   pooled.failures + fresh.failures
                       ? fmt::format("  ({} failed)", pooled.failures + fresh.failures)
                       : "");
    }
    fmt::print("peak RSS: {:.1f} MiB (after simulator start: {:.1f} MiB)\n", peak_rss_kib() / 1024.0,
               rss_before / 1024.0);
    return 0;
}
