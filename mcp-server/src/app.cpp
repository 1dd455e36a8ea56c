#include "app.hpp"
#include "audit.hpp"
#include "cli.hpp"
#include "config.hpp"
#include "demo.hpp"
#include "docs_markdown.hpp"
#include "http/http_server.hpp"
#include "log.hpp"
#include "pve_features/pve_features.hpp"
#include "session.hpp"
#include "signal_watcher.hpp"
#include "stdio_channel.hpp"
#include "tools/tools.hpp"
#include "write_guard.hpp"

#include <proxmox/client.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <fmt/format.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <functional>
#include <optional>
#include <thread>
#include <unistd.h>
#include <vector>

#ifndef PROXMOX_MCP_VERSION
#define PROXMOX_MCP_VERSION "0.0.0"
#endif

namespace proxmox::mcp {

namespace asio = boost::asio;
namespace json = boost::json;

const char* server_version() noexcept {
    return PROXMOX_MCP_VERSION;
}

namespace {

constexpr const char* instructions =
    "Tools for one Proxmox VE cluster. Arguments every tool shares, explained here once: "
    "Guests: pass vmid or name (vmid and name together must name the same guest); add node when a "
    "name is on several nodes. Find guests with proxmox-list-vms and proxmox-list-lxc. "
    "Tools that change the cluster send nothing without confirm: true and answer what they would do; "
    "dry_run: true checks the target with reads only and returns the exact requests, no confirm "
    "needed. Tools that start a PVE task take wait (default false unless listed), timeout (seconds; "
    "300 by default, up to 3600 for long operations such as backup) and poll_interval (seconds, "
    "default 2): wait: false returns the UPID "
    "at once; a failed task is an error with its exit status and log tail; after a timeout follow "
    "the UPID with proxmox-wait-task. Starting a running guest or stopping a stopped one succeeds "
    "with already: true. Lists take limit (default 50), offset and fields and report total and "
    "next_offset. Strings are at most 4096 characters unless an error says otherwise.";

void write_stdout(std::string_view text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
}

/// Where the SDK's log lines also go: the MCP client's log (stdio; set while the session runs on
/// this thread).
std::function<void(proxmox::log_level, std::string_view)> sdk_log_forward;

void sdk_log(proxmox::log_level level, std::string_view text) {
    if (sdk_log_forward)
        sdk_log_forward(level, text);
    switch (level) {
    case proxmox::log_level::debug:
        log(log_severity::debug, text);
        break;
    case proxmox::log_level::info:
        log(log_severity::info, text);
        break;
    case proxmox::log_level::warning:
        log(log_severity::warning, text);
        break;
    case proxmox::log_level::error:
        log(log_severity::error, text);
        break;
    }
}

/// Last resort: if tearing down takes too long (a stuck connection), exit anyway.
void start_exit_watchdog(std::chrono::seconds limit) {
    std::thread([limit] {
        std::this_thread::sleep_for(limit);
        log(log_severity::warning, "shutdown took too long; exiting");
        std::_Exit(0);
    }).detach();
}

/// The clients of one cluster, on one HTTPS pool: the preview client refuses every non-GET
/// request, and in read-only mode so does the main one.
struct cluster_clients {
    std::shared_ptr<const proxmox::client> main;
    std::shared_ptr<const proxmox::client> preview;
    std::string unavailable; ///< not empty: the options cannot make a transport
};

cluster_clients
make_clients(asio::io_context& io, const proxmox::client_options& options, const server_policy& policy) {
    cluster_clients out;
    auto transport = proxmox::make_https_transport(io.get_executor(), options);
    if (!transport) {
        out.unavailable = fmt::format("proxmox-mcp is not configured: {}", transport.error().message);
        log(log_severity::error, out.unavailable);
        return out;
    }
    auto main_options = options;
    main_options.custom_transport =
        policy.read_only ? make_write_guard(*transport, "PROXMOX_READ_ONLY=true") : *transport;
    auto preview_options = options;
    preview_options.custom_transport =
        make_write_guard(*transport, "this call only previews (dry_run, or no confirm: true)");
    out.main = std::make_shared<const proxmox::client>(io.get_executor(), main_options);
    out.preview = std::make_shared<const proxmox::client>(io.get_executor(), preview_options);
    return out;
}

/// PROXMOX_PROFILES: a binding per cluster (the default one first, also reachable by name), and
/// the sentence the instructions gain.
std::string
bind_clusters(asio::io_context& io, const std::vector<cluster_profile>& clusters, session_options& opts) {
    std::string names;
    for (const auto& profile : clusters) {
        auto options = profile.config.client;
        options.logger = sdk_log;
        auto clients = make_clients(io, options, profile.config.policy);
        cluster_binding binding;
        binding.context.client = clients.main;
        binding.context.defaults = profile.config.defaults;
        binding.context.policy = std::make_shared<const server_policy>(profile.config.policy);
        binding.preview_client = clients.preview;
        binding.unavailable = clients.unavailable;
        opts.clusters.emplace(profile.name, std::move(binding));
        log(log_severity::info, fmt::format("cluster {}: {}", profile.name, profile.config.describe()));
        names += names.empty() ? profile.name + " (default)" : ", " + profile.name;
    }
    return fmt::format(" Clusters: {}. Every tool takes cluster: NAME to act on another cluster than the "
                       "default; resources and prompts read the default one.",
                       names);
}

/// Runs `io` until it is stopped; an exception is a bug, not a reason to drop the sessions.
void run_until_stopped(asio::io_context& io) {
    for (;;) {
        try {
            io.run();
            break;
        } catch (const std::exception& e) {
            log(log_severity::error, fmt::format("internal error: {}", e.what()));
        }
    }
}

/// --http: MCP over Streamable HTTP until SIGTERM or SIGINT, one session per Mcp-Session-Id.
int serve_http(asio::io_context& io, http_server_options options, session_factory factory) {
    http_server server(io.get_executor(), std::move(options), std::move(factory));
    if (auto error = server.start(); !error.empty()) {
        log(log_severity::error, error);
        return 1;
    }
    log(log_severity::info, fmt::format("serving MCP over Streamable HTTP at {}", server.url()));
    signal_watcher signals([&](int signo) {
        log(log_severity::info, fmt::format("signal {} received; shutting down", signo));
        asio::post(io, [&] {
            server.stop(); // ends every session, so the io_context runs out of work
            io.stop();
        });
    });
    run_until_stopped(io);
    server.stop();
    return 0;
}

int serve(const cli_options& cli) {
    std::signal(SIGPIPE, SIG_IGN);
    block_termination_signals(); // before any thread starts: only the watcher below sees them
    std::optional<http_server_options> http_options;
    if (cli.http) { // checked before anything starts: a refusal is a usage error
        auto checked = http_options_from(cli.http_address, process_environment());
        if (!checked.options) {
            log(log_severity::error, checked.error);
            return 2;
        }
        http_options = std::move(checked.options);
    }
    // The protocol gets a private copy of stdout; fd 1 then points at stderr, so nothing a library
    // prints can corrupt the message stream.
    int protocol_fd = ::fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
    if (protocol_fd < 0) {
        log(log_severity::error, "cannot duplicate stdout");
        return 1;
    }
    std::fflush(stdout);
    ::dup2(STDERR_FILENO, STDOUT_FILENO);

    auto loaded =
        load_config(process_environment(),
                    cli.env_file_given ? std::optional<std::string>(cli.env_file) : std::nullopt, cli.demo);
    std::string unavailable;
    if (!loaded.config) {
        // Clients hide stderr: keep serving, so every tool call shows the problem in the chat.
        log(log_severity::error, loaded.error);
        unavailable = fmt::format("proxmox-mcp is not configured: {}", loaded.error);
    }
    server_config cfg = loaded.config ? std::move(*loaded.config) : server_config{};

    proxmox::client_options options;
    std::unique_ptr<demo_cluster> demo;
    if (!unavailable.empty()) {
        options.url = "https://unconfigured.invalid";
    } else if (cli.demo) {
        std::string error;
        demo = start_demo_cluster(error);
        if (!demo) {
            log(log_severity::error, "cannot start the simulated cluster: " + error);
            return 1;
        }
        options = demo->client_options();
        options.request_timeout = default_call_timeout;
        options.operation_timeout = default_call_timeout;
        if (cfg.defaults.node.empty())
            cfg.defaults.node = "pve";
        if (cfg.defaults.storage.empty())
            cfg.defaults.storage = "local-lvm";
        if (cfg.defaults.bridge.empty())
            cfg.defaults.bridge = "vmbr0";
        log(log_severity::info,
            fmt::format("demo mode: serving a SIMULATED Proxmox VE cluster (proxmox::sim at {}), "
                        "not a real one; changes are lost on exit",
                        demo->url()));
    } else {
        options = cfg.client;
        log(log_severity::info, fmt::format("using {}", cfg.describe()));
    }
    options.logger = sdk_log;

    asio::io_context io(1);
    std::shared_ptr<const proxmox::client> client;
    std::shared_ptr<const proxmox::client> preview_client;
    if (unavailable.empty()) {
        auto clients = make_clients(io, options, cfg.policy);
        client = clients.main;
        preview_client = clients.preview;
        unavailable = clients.unavailable;
    }
    const tool_registry registry = make_default_registry();
    line_writer writer(protocol_fd);

    server_identity identity;
    identity.version = server_version();
    identity.instructions = instructions;

    std::unique_ptr<session> mcp;
    auto sink = [&](std::string line) {
        if (!writer.write_line(line)) {
            log(log_severity::info, "stdout closed by the client; shutting down");
            asio::post(io, [&] { mcp->shutdown(); });
        }
    };
    tool_context context;
    context.client = client;
    context.defaults = cfg.defaults;
    context.policy = std::make_shared<const server_policy>(cfg.policy);
    session_options session_opts;
    session_opts.preview_client = preview_client;
    session_opts.audit = make_audit_sink(cfg.policy.audit_log);
    session_opts.unavailable = unavailable;
    if (!loaded.clusters.empty() && unavailable.empty())
        identity.instructions += bind_clusters(io, loaded.clusters, session_opts);
    auto cache = std::make_shared<pve::cluster_cache>();
    session_opts.resources = std::make_shared<const resource_registry>(pve::make_resources(cache));
    session_opts.prompts = std::make_shared<const prompt_registry>(pve::make_prompts(cache));
    if (http_options) {
        const int status = serve_http(io, std::move(*http_options), [&](session::message_sink out) {
            return std::make_unique<session>(io.get_executor(), registry, context, std::move(out), identity,
                                             session_opts);
        });
        // The sessions ended with the server; then the clients and the simulated cluster (as below).
        start_exit_watchdog(std::chrono::seconds(5));
        client.reset();
        preview_client.reset();
        demo.reset();
        ::close(protocol_fd);
        return status;
    }
    mcp = std::make_unique<session>(io.get_executor(), registry, std::move(context), sink, identity,
                                    session_opts);

    // A retry is news for the client (a call takes longer); the rest is routine.
    sdk_log_forward = [&](proxmox::log_level level, std::string_view text) {
        const bool retry = text.rfind("retrying", 0) == 0;
        const log_level mapped = level == proxmox::log_level::error              ? log_level::error
                                 : level == proxmox::log_level::warning || retry ? log_level::warning
                                 : level == proxmox::log_level::info             ? log_level::info
                                                                                 : log_level::debug;
        asio::post(io, [&, mapped, line = std::string(text)] {
            if (mcp)
                mcp->log_to_client(mapped, json::value(line));
        });
    };
    auto work = asio::make_work_guard(io);
    mcp->set_on_finished([&] {
        work.reset();
        io.stop();
    });

    signal_watcher signals([&](int signo) {
        log(log_severity::info, fmt::format("signal {} received; shutting down", signo));
        writer.abort(); // the io thread may be blocked writing to a client that does not read
        asio::post(io, [&] { mcp->shutdown(); });
    });

    line_reader reader(STDIN_FILENO, io.get_executor(),
                       line_reader::callbacks{
                           .on_line = [&](std::string line) { mcp->on_line(line); },
                           .on_oversized = [&] { mcp->on_oversized_line(); },
                           .on_eof = [&] { mcp->on_input_closed(); },
                       });
    reader.start();
    log(log_severity::debug, "ready");
    run_until_stopped(io);

    // Tear down in dependency order: input, session (its calls hold the client), the client (its
    // pool closes the connections), then the simulated cluster, then the io_context.
    start_exit_watchdog(std::chrono::seconds(5));
    reader.stop();
    sdk_log_forward = nullptr;
    mcp.reset();
    client.reset();
    preview_client.reset();
    demo.reset();
    ::close(protocol_fd);
    return 0;
}

} // namespace

int run(int argc, char** argv) {
    std::vector<std::string_view> args;
    for (int i = 1; i < argc; ++i)
        args.emplace_back(argv[i]);
    cli_options cli = parse_cli(args);
    switch (cli.what) {
    case cli_options::action::help:
        write_stdout(usage_text());
        return 0;
    case cli_options::action::version:
        write_stdout(fmt::format("proxmox-mcp {}\n", server_version()));
        return 0;
    case cli_options::action::list_tools_markdown:
        write_stdout(render_tools_markdown(make_default_registry()));
        return 0;
    case cli_options::action::error:
        std::fprintf(stderr, "proxmox-mcp: %s\nTry 'proxmox-mcp --help'.\n", cli.error.c_str());
        return 2;
    case cli_options::action::serve:
        break;
    }
    return serve(cli);
}

} // namespace proxmox::mcp
