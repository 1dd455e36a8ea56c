// proxmox-sim: serves a simulated Proxmox VE cluster over HTTPS for other programs.
//
// Once it accepts connections it prints one JSON line on stdout
//   {"url":"https://127.0.0.1:PORT","fingerprint":"AA:BB:...","ca_file":"PATH","token_id":"...","token_secret":"..."}
// and serves until SIGTERM/SIGINT or EOF on stdin. Bad arguments exit with status 2.
#include <proxmox/sim/server.hpp>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>
#include <pthread.h>
#include <signal.h>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <unistd.h>

namespace {

constexpr std::string_view usage = R"(usage: proxmox-sim [options]

Serves a simulated Proxmox VE cluster over HTTPS. Once it accepts connections it prints one JSON
line on stdout:
  {"url":"https://127.0.0.1:PORT","fingerprint":"AA:BB:...","ca_file":"PATH","token_id":"...","token_secret":"..."}
and serves until SIGTERM, SIGINT or end of file on stdin.

options:
  --listen HOST:PORT           address to listen on (default 127.0.0.1:0, port 0 = any free port;
                               IPv6 as [::1]:0)
  --nodes N                    number of nodes pve, pve2, ... (1-100, default 3)
  --guests M                   VMs and containers in total, some templates (0-100000, default 12)
  --seed S                     seed of the generated cluster state (default 1)
  --token USER@REALM!ID=SECRET an API token to accept (repeatable; default: root@pam!sim with a
                               random secret); the first one is printed
  --user USER@REALM:PASSWORD[:OTP]
                               a user who may log in with POST /access/ticket (repeatable);
                               with OTP the user has TOTP two-factor authentication and the
                               simulator accepts exactly that code (`totp:OTP`). The password
                               ends at the last ':' when an OTP is given.
  --task-seconds X             how long a worker task runs (default 1.0)
  --unauthorized-delay-ms N    delay of every 401 answer, as PVE's 3 s (default 3000)
  --fault SPEC                 inject a fault (repeatable), e.g.
                                 'POST /nodes/*/qemu/*/status/start:status=595,nth=1'
                                 '/cluster/resources:delay=2000,p=0.5'
                                 'GET /**:close_idle'    'offline_node=pve2'
                               SPEC = [METHOD ]PATH:ACTION[,OPTION]... | offline_node=NODE
                               ACTION: status=CODE[,msg=TEXT] delay=MS reset reset_after stall
                                       truncate=BYTES close_idle
                               OPTION: nth=N first=K p=PROBABILITY
                               PATH globs the API path without /api2/json: * = within one
                               segment, ** = any rest. See docs/simulator.md.
  --request-log FILE           append one JSON line per request to FILE
  --version                    print the simulator's version and the PVE API it simulates
  --help                       show this help
)";

struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

template <class T> T parse_integer(std::string_view opt, std::string_view value, T lo, T hi) {
    T out{};
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
    if (ec != std::errc{} || end != value.data() + value.size() || value.empty())
        throw usage_error(std::string(opt) + ": '" + std::string(value) + "' is not a number");
    if (out < lo || out > hi)
        throw usage_error(std::string(opt) + ": " + std::string(value) + " is out of range (" +
                          std::to_string(lo) + "-" + std::to_string(hi) + ")");
    return out;
}

bool is_ip_address(const std::string& host) {
    unsigned char buf[16];
    return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

void parse_listen(std::string_view value, proxmox::sim::options& opts) {
    std::string host;
    std::string_view port;
    if (value.starts_with("[")) {
        const auto close = value.find(']');
        if (close == std::string_view::npos || close + 1 >= value.size() || value[close + 1] != ':')
            throw usage_error("--listen: expected HOST:PORT or [IPV6]:PORT, got '" + std::string(value) +
                              "'");
        host = std::string(value.substr(1, close - 1));
        port = value.substr(close + 2);
    } else {
        const auto colon = value.rfind(':');
        if (colon == std::string_view::npos)
            throw usage_error("--listen: expected HOST:PORT, got '" + std::string(value) + "'");
        host = std::string(value.substr(0, colon));
        port = value.substr(colon + 1);
    }
    if (!is_ip_address(host))
        throw usage_error("--listen: '" + host + "' is not an IP address");
    opts.listen_host = host;
    opts.port = parse_integer<unsigned short>("--listen", port, 0, 65535);
}

proxmox::sim::api_token parse_token(std::string_view value) {
    const auto at = value.find('@');
    const auto bang = value.find('!', at == std::string_view::npos ? 0 : at);
    const auto eq = bang == std::string_view::npos ? bang : value.find('=', bang);
    if (at == std::string_view::npos || bang == std::string_view::npos || eq == std::string_view::npos ||
        at == 0 || bang == at + 1 || eq == bang + 1 || eq + 1 == value.size())
        throw usage_error("--token: expected USER@REALM!ID=SECRET, got '" + std::string(value) + "'");
    return proxmox::sim::api_token{std::string(value.substr(0, bang)),
                                   std::string(value.substr(bang + 1, eq - bang - 1)),
                                   std::string(value.substr(eq + 1))};
}

proxmox::sim::user parse_user(std::string_view value) {
    const auto colon = value.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == value.size() ||
        value.substr(0, colon).find('@') == std::string_view::npos)
        throw usage_error("--user: expected USER@REALM:PASSWORD[:OTP], got '" + std::string(value) + "'");
    proxmox::sim::user u;
    u.userid = std::string(value.substr(0, colon));
    std::string_view rest = value.substr(colon + 1);
    if (const auto last = rest.rfind(':'); last != std::string_view::npos) {
        u.otp = std::string(rest.substr(last + 1));
        rest = rest.substr(0, last);
        if (u.otp.empty() || rest.empty())
            throw usage_error("--user: expected USER@REALM:PASSWORD[:OTP], got '" + std::string(value) + "'");
    }
    u.password = std::string(rest);
    return u;
}

/// What the command line asks for besides serving.
enum class info_request { none, help, version };

proxmox::sim::options parse_args(int argc, char** argv, info_request& info) {
    proxmox::sim::options opts;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            info = info_request::help;
            return opts;
        }
        if (arg == "--version") {
            info = info_request::version;
            return opts;
        }
        std::string_view name = arg;
        std::optional<std::string_view> value;
        if (auto eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
            name = arg.substr(0, eq);
            value = arg.substr(eq + 1);
        }
        static constexpr std::string_view known[] = {"--listen",
                                                     "--nodes",
                                                     "--guests",
                                                     "--seed",
                                                     "--token",
                                                     "--task-seconds",
                                                     "--unauthorized-delay-ms",
                                                     "--user",
                                                     "--fault",
                                                     "--request-log"};
        if (std::find(std::begin(known), std::end(known), name) == std::end(known))
            throw usage_error("unknown option '" + std::string(name) + "' (see --help)");
        if (!value) {
            if (i + 1 >= argc)
                throw usage_error("option '" + std::string(name) + "' needs a value");
            value = argv[++i];
        }
        if (name == "--listen") {
            parse_listen(*value, opts);
        } else if (name == "--nodes") {
            opts.nodes = parse_integer<unsigned>(name, *value, 1, 100);
        } else if (name == "--guests") {
            opts.guests = parse_integer<unsigned>(name, *value, 0, 100000);
        } else if (name == "--seed") {
            opts.seed = parse_integer<std::uint64_t>(name, *value, 0, UINT64_MAX);
        } else if (name == "--token") {
            opts.tokens.push_back(parse_token(*value));
        } else if (name == "--task-seconds") {
            const std::string text(*value);
            char* end = nullptr;
            errno = 0;
            const double x = std::strtod(text.c_str(), &end);
            if (text.empty() || *end != '\0' || errno != 0 || !std::isfinite(x) || x < 0 || x > 86400)
                throw usage_error("--task-seconds: expected seconds between 0 and 86400, got '" + text + "'");
            opts.task_seconds = x;
        } else if (name == "--unauthorized-delay-ms") {
            opts.unauthorized_delay = std::chrono::milliseconds(parse_integer<long>(name, *value, 0, 600000));
        } else if (name == "--user") {
            opts.users.push_back(parse_user(*value));
        } else if (name == "--fault") {
            try {
                opts.faults.push_back(proxmox::sim::parse_fault(*value));
            } catch (const std::invalid_argument& e) {
                throw usage_error(std::string("--fault: ") + e.what());
            }
        } else if (name == "--request-log") {
            if (value->empty())
                throw usage_error("--request-log: needs a file name");
            // fail here, naming the option, rather than after the certificates were made
            std::FILE* f = std::fopen(std::string(*value).c_str(), "a");
            if (!f)
                throw usage_error("--request-log: cannot open '" + std::string(*value) +
                                  "': " + std::strerror(errno));
            std::fclose(f);
            opts.request_log_file = std::string(*value);
        }
    }
    // offline_node must name a node of the cluster (pve, pve2, ...) other than the one answering
    for (const auto& f : opts.faults) {
        if (f.kind != proxmox::sim::fault::action::offline_node)
            continue;
        bool known = false;
        for (unsigned i = 1; i < opts.nodes; ++i)
            known = known || f.node == "pve" + std::to_string(i + 1);
        if (!known)
            throw usage_error("--fault: offline_node=" + f.node + " is not one of the nodes pve2..pve" +
                              std::to_string(opts.nodes) + " (pve answers the API and stays online)");
    }
    return opts;
}

} // namespace

int main(int argc, char** argv) {
    auto info = info_request::none;
    proxmox::sim::options opts;
    try {
        opts = parse_args(argc, argv, info);
    } catch (const usage_error& e) {
        std::cerr << "proxmox-sim: " << e.what() << '\n';
        return 2;
    }
    if (info == info_request::help) {
        std::cout << usage;
        return 0;
    }
    if (info == info_request::version) {
        const auto v = proxmox::sim::version();
        std::cout << "proxmox-sim " << v.simulator << "\nPVE API: " << v.pve_api
                  << "\nschema sha256: " << v.schema_sha256 << '\n';
        return 0;
    }

    // Signals are taken with sigwait below; block them before any thread starts so every thread
    // inherits the mask.
    ::signal(SIGPIPE, SIG_IGN);
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    proxmox::sim::server sim(opts);
    try {
        const auto& info = sim.start();
        boost::json::object line;
        line["url"] = info.url;
        line["fingerprint"] = info.fingerprint;
        line["ca_file"] = info.ca_file;
        line["token_id"] = info.token_id;
        line["token_secret"] = info.token_secret;
        std::cout << boost::json::serialize(line) << std::endl; // endl flushes
    } catch (const std::invalid_argument& e) {
        std::cerr << "proxmox-sim: " << e.what() << '\n';
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "proxmox-sim: cannot start: " << e.what() << '\n';
        return 1;
    }

    // End of file on stdin ends the simulator, like a signal.
    std::thread([] {
        char buf[512];
        for (;;) {
            const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
            if (n > 0 || (n < 0 && errno == EINTR))
                continue;
            break;
        }
        ::kill(::getpid(), SIGTERM);
    }).detach();

    int sig = 0;
    sigwait(&signals, &sig);
    sim.stop();
    return 0;
}
