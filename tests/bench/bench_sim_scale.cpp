// proxmox::sim at scale: start-up time and list latency of the default cluster (3 nodes, 12
// guests) and of a large one (32 nodes, 10000 guests), side by side in one run. Lists are fetched
// with the SDK's blocking client over one keep-alive connection; each figure is the median of
// the repetitions.
//
//   bench_sim_scale [repetitions=20]

#include <proxmox/blocking_client.hpp>
#include <proxmox/sim/server.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

double ms_since(clock_type::time_point start) {
    return std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

struct scale_result {
    double start_ms = 0;
    double resources_ms = 0; ///< GET /cluster/resources
    double vm_list_ms = 0;   ///< GET /nodes/pve/qemu
    std::size_t resources = 0;
};

scale_result measure(unsigned nodes, unsigned guests, int repetitions) {
    proxmox::sim::options opts;
    opts.nodes = nodes;
    opts.guests = guests;
    proxmox::sim::server sim(opts);
    scale_result out;
    const auto start = clock_type::now();
    const auto& info = sim.start();
    out.start_ms = ms_since(start);

    proxmox::client_options copts;
    copts.url = info.url;
    copts.token = {info.token_id, info.token_secret};
    copts.tls.fingerprint = info.fingerprint;
    proxmox::blocking_client pve(copts);
    auto timed = [&](const std::string& path, std::size_t* count) {
        std::vector<double> samples;
        for (int i = 0; i < repetitions; ++i) {
            const auto t = clock_type::now();
            auto r = pve.run(pve.async().async_request(proxmox::http_method::get, path));
            samples.push_back(ms_since(t));
            if (!r) {
                fmt::print(stderr, "{} failed: {}\n", path, r.error().message);
                std::exit(1);
            }
            if (count)
                *count = r->data.as_array().size();
        }
        return median(samples);
    };
    out.resources_ms = timed("/cluster/resources", &out.resources);
    out.vm_list_ms = timed("/nodes/pve/qemu", nullptr);
    return out;
}

} // namespace

int main(int argc, char** argv) {
    const int repetitions = argc > 1 ? std::max(1, std::atoi(argv[1])) : 20;
    fmt::print(
        "proxmox-sim scale: start-up and list latency (median of {} requests, SDK over loopback TLS)\n",
        repetitions);
    fmt::print("{:>16} | {:>10} | {:>9} | {:>24} | {:>21}\n", "cluster", "start ms", "resources",
               "GET /cluster/resources ms", "GET /nodes/pve/qemu ms");
    const auto small = measure(3, 12, repetitions);
    const auto large = measure(32, 10000, repetitions);
    for (auto [name, r] : {std::pair{"3 nodes/12", small}, std::pair{"32 nodes/10000", large}})
        fmt::print("{:>16} | {:>10.1f} | {:>9} | {:>24.2f} | {:>21.2f}\n", name, r.start_ms, r.resources,
                   r.resources_ms, r.vm_list_ms);
    fmt::print("large/small: start {:.1f}x, resources {:.1f}x, node VM list {:.1f}x\n",
               large.start_ms / small.start_ms, large.resources_ms / small.resources_ms,
               large.vm_list_ms / small.vm_list_ms);
}
