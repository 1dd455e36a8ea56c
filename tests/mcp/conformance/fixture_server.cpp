// The conformance suite's server under test: the session and Streamable HTTP transport of
// proxmox-mcp serving the suite's fixture tools, resources and prompts (fixture_features.cpp).
// Test-only. Prints its URL on stdout once it listens; ends on SIGTERM, SIGINT or stdin EOF.
//
//     conformance_fixture_server [--port N]
#include "fixture_features.hpp"
#include "http/http_server.hpp"
#include "log.hpp"
#include "session.hpp"
#include "signal_watcher.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string_view>
#include <thread>
#include <unistd.h>

namespace asio = boost::asio;
using namespace proxmox::mcp;

int main(int argc, char** argv) {
    unsigned short port = 0;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--port" && i + 1 < argc) {
            port = static_cast<unsigned short>(std::atoi(argv[++i]));
        } else {
            std::fprintf(stderr, "usage: conformance_fixture_server [--port N]\n");
            return 2;
        }
    }
    block_termination_signals();
    asio::io_context io(1);
    const tool_registry tools = conformance::make_fixture_tools();
    session_options opts;
    opts.resources = std::make_shared<const resource_registry>(conformance::make_fixture_resources());
    opts.prompts = std::make_shared<const prompt_registry>(conformance::make_fixture_prompts());
    opts.default_log_level = log_level::debug; // the suite expects log messages without setLevel
    opts.client_request_timeout = std::chrono::seconds(30);
    server_identity identity;
    identity.name = "proxmox-mcp-conformance-fixture";
    identity.version = "1.0.0";

    http_server_options options;
    options.endpoint.port(port);
    http_server server(io.get_executor(), options, [&](session::message_sink sink) {
        return std::make_unique<session>(io.get_executor(), tools, tool_context{}, std::move(sink), identity,
                                         opts);
    });
    if (auto error = server.start(); !error.empty()) {
        std::fprintf(stderr, "conformance_fixture_server: %s\n", error.c_str());
        return 1;
    }
    std::printf("%s\n", server.url().c_str());
    std::fflush(stdout);

    auto stop = [&] {
        asio::post(io, [&] {
            server.stop();
            io.stop();
        });
    };
    signal_watcher signals([&](int) { stop(); });
    std::thread stdin_watch([&] { // the runner closes stdin to end the fixture
        char c;
        while (::read(STDIN_FILENO, &c, 1) > 0) {
        }
        stop();
    });
    stdin_watch.detach();
    io.run();
    return 0;
}
