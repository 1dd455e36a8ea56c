// proxmox-mcp against a raw HTTPS round trip, side by side in one run:
// - the request proxmox-list-vms needs (GET /cluster/resources?type=vm) on one kept-alive TLS
//   connection through the SDK, vs an MCP `ping` and the same list through `proxmox-mcp` over
//   stdio (a child process against the same in-process simulator); the goal is
//   MCP call <= 1.3 x (ping + raw) at the median;
// - cold start: spawn -> initialize -> tools/list -> stdin EOF -> exit, with the child's peak RSS;
// - the child's peak RSS after listing the cluster.
// Both for the default cluster (3 nodes, 12 guests) and for 32 nodes / 10000 guests.
//
//   bench_mcp_roundtrip [calls=200] [cold-starts=20]

#include "child_process.hpp"

#include <proxmox/blocking_client.hpp>
#include <proxmox/sim/server.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#ifndef PROXMOX_MCP_EXE
#error "PROXMOX_MCP_EXE must name the proxmox-mcp executable"
#endif

namespace {

namespace json = boost::json;
using clock_type = std::chrono::steady_clock;
using proxmox::mcp::testing::child_process;

double ms_since(clock_type::time_point t) {
    return std::chrono::duration<double, std::milli>(clock_type::now() - t).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

/// Peak resident set of a running process (VmHWM), in MiB.
double peak_rss_mib(pid_t pid) {
    std::ifstream status(fmt::format("/proc/{}/status", pid));
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0)
            return std::strtod(line.c_str() + 6, nullptr) / 1024.0;
    return 0;
}

std::map<std::string, std::string> server_env(const proxmox::sim::endpoint_info& info) {
    return {{"PROXMOX_API_URL", info.url},
            {"PROXMOX_TOKEN_ID", info.token_id},
            {"PROXMOX_TOKEN_SECRET", info.token_secret},
            {"PROXMOX_FINGERPRINT", info.fingerprint},
            {"PROXMOX_DEFAULT_NODE", "pve"}};
}

/// A bare pipe client: one request, then its answer.
class pipe_client {
public:
    explicit pipe_client(const std::map<std::string, std::string>& env)
        : proc_(PROXMOX_MCP_EXE, {"--env-file", "/dev/null"}, env) {}

    json::value request(const char* method, json::object params = {}) {
        auto id = next_id_++;
        proc_.send_line(json::serialize(
            json::object{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}}));
        for (;;) {
            auto line = proc_.read_line(std::chrono::seconds(60));
            if (!line) {
                fmt::print(stderr, "no answer to {}; stderr:\n{}\n", method, proc_.stderr_text());
                std::exit(1);
            }
            auto v = json::parse(*line);
            if (v.as_object().contains("id") && v.at("id") == id)
                return v;
        }
    }

    void initialize() {
        request("initialize", {{"protocolVersion", "2025-11-25"},
                               {"capabilities", json::object{}},
                               {"clientInfo", json::object{{"name", "bench"}, {"version", "1"}}}});
        proc_.send_line(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
    }

    child_process& proc() { return proc_; }

private:
    child_process proc_;
    std::int64_t next_id_ = 1;
};

struct round_trip {
    double raw_ms = 0, ping_ms = 0, call_ms = 0, rss_mib = 0;
    std::size_t answer_bytes = 0;
};

round_trip measure_calls(const proxmox::sim::endpoint_info& info, int calls) {
    round_trip out;
    proxmox::client_options copts;
    copts.url = info.url;
    copts.token = {info.token_id, info.token_secret};
    copts.tls.fingerprint = info.fingerprint;
    copts.max_connections = 1;
    proxmox::blocking_client pve(copts);
    std::vector<double> raw, ping, call;
    for (int i = 0; i < calls; ++i) {
        auto t = clock_type::now();
        auto r = pve.run(pve.async().async_request(proxmox::http_method::get, "/cluster/resources",
                                                   proxmox::request_params{{"type", "vm"}}));
        raw.push_back(ms_since(t));
        if (!r) {
            fmt::print(stderr, "raw request failed: {}\n", r.error().message);
            std::exit(1);
        }
    }
    pipe_client mcp(server_env(info));
    mcp.initialize();
    for (int i = 0; i < calls; ++i) {
        auto t = clock_type::now();
        mcp.request("ping");
        ping.push_back(ms_since(t));
    }
    for (int i = 0; i < calls; ++i) {
        auto t = clock_type::now();
        auto r = mcp.request("tools/call", {{"name", "proxmox-list-vms"}, {"arguments", json::object{}}});
        call.push_back(ms_since(t));
        if (r.at("result").as_object().contains("isError")) {
            fmt::print(stderr, "proxmox-list-vms failed: {}\n", json::serialize(r));
            std::exit(1);
        }
        out.answer_bytes = json::serialize(r).size();
    }
    out.raw_ms = median(raw);
    out.ping_ms = median(ping);
    out.call_ms = median(call);
    out.rss_mib = peak_rss_mib(mcp.proc().pid());
    return out;
}

struct cold_start {
    double ms = 0, rss_mib = 0;
};

cold_start measure_cold_start(const proxmox::sim::endpoint_info& info, int runs) {
    std::vector<double> times, rss;
    for (int i = 0; i < runs; ++i) {
        auto t = clock_type::now();
        pipe_client mcp(server_env(info));
        mcp.initialize();
        mcp.request("tools/list");
        rss.push_back(peak_rss_mib(mcp.proc().pid()));
        mcp.proc().close_stdin();
        if (!mcp.proc().wait_exit(std::chrono::seconds(10))) {
            fmt::print(stderr, "proxmox-mcp did not exit on stdin EOF\n");
            std::exit(1);
        }
        times.push_back(ms_since(t));
    }
    return {median(times), median(rss)};
}

} // namespace

int main(int argc, char** argv) {
    const int calls = argc > 1 ? std::max(1, std::atoi(argv[1])) : 200;
    const int cold_runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 20;
    fmt::print("proxmox-mcp vs a raw round trip (medians; {} calls, {} cold starts)\n\n", calls, cold_runs);
    fmt::print(
        "| cluster | raw GET ms | MCP ping ms | proxmox-list-vms ms | ratio to ping+raw | answer bytes | "
        "peak RSS MiB |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    cold_start cold;
    for (auto [label, nodes, guests] :
         {std::tuple{"3 nodes, 12 guests", 3u, 12u}, std::tuple{"32 nodes, 10000 guests", 32u, 10000u}}) {
        proxmox::sim::options opts;
        if (guests > 12) {
            opts.nodes = nodes;
            opts.guests = guests;
        }
        proxmox::sim::server sim(opts);
        const auto& info = sim.start();
        auto r = measure_calls(info, guests > 12 ? std::max(1, calls / 10) : calls);
        fmt::print("| {} | {:.3f} | {:.3f} | {:.3f} | {:.2f}x | {} | {:.1f} |\n", label, r.raw_ms, r.ping_ms,
                   r.call_ms, r.call_ms / (r.ping_ms + r.raw_ms), r.answer_bytes, r.rss_mib);
        if (guests == 12)
            cold = measure_cold_start(info, cold_runs);
    }
    fmt::print(
        "\nCold start (spawn, initialize, tools/list, stdin EOF, exit): {:.1f} ms, peak RSS {:.1f} MiB\n",
        cold.ms, cold.rss_mib);
    return 0;
}
