// `proxmox-mcp --http`: the executable refuses unsafe or malformed settings with exit status 2,
// serves the demo cluster over Streamable HTTP, and stops on SIGTERM.
#include "child_process.hpp"
#include "http_test_client.hpp"

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <charconv>
#include <csignal>
#include <thread>

#ifndef PROXMOX_MCP_EXE
#error "PROXMOX_MCP_EXE must be defined"
#endif

namespace json = boost::json;
using proxmox::mcp::testing::child_process;
using proxmox::mcp::testing::client;
using proxmox::mcp::testing::parse_sse;
using namespace std::chrono_literals;
namespace http = boost::beast::http;

namespace {

/// The port of the "serving MCP over Streamable HTTP at http://ADDR:PORT/mcp" log line, 0 when
/// it does not come.
unsigned short wait_for_port(child_process& child, std::chrono::milliseconds timeout = 30s) {
    constexpr std::string_view marker = "Streamable HTTP at http://";
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        std::string text = child.stderr_text();
        auto at = text.find(marker);
        auto end = at == std::string::npos ? std::string::npos : text.find("/mcp", at);
        if (end != std::string::npos) {
            auto colon = text.rfind(':', end);
            unsigned short port = 0;
            std::from_chars(text.data() + colon + 1, text.data() + end, port);
            return port;
        }
        if (child.wait_exit(0ms))
            return 0;
        std::this_thread::sleep_for(20ms);
    }
    return 0;
}

const std::string initialize_body =
    R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25",)"
    R"("capabilities":{},"clientInfo":{"name":"exe-test","version":"1"}}})";

} // namespace

TEST(McpHttpExecutable, BeyondLoopbackWithoutATokenRefusesToStart) {
    child_process child(PROXMOX_MCP_EXE, {"--demo", "--http", "0.0.0.0:0"});
    EXPECT_EQ(child.wait_exit(20s), 2);
    std::string err = child.stderr_text();
    EXPECT_NE(err.find("PROXMOX_MCP_HTTP_TOKEN"), std::string::npos) << err;
    EXPECT_NE(err.find("127.0.0.1:"), std::string::npos) << err;
    EXPECT_EQ(err.find("Streamable HTTP at"), std::string::npos) << err;
}

TEST(McpHttpExecutable, MalformedSettingsAreUsageErrors) {
    {
        child_process child(PROXMOX_MCP_EXE, {"--demo", "--http", "example.com:80"});
        EXPECT_EQ(child.wait_exit(20s), 2);
        EXPECT_NE(child.stderr_text().find("--http"), std::string::npos) << child.stderr_text();
    }
    {
        child_process child(PROXMOX_MCP_EXE, {"--demo", "--http"});
        EXPECT_EQ(child.wait_exit(20s), 2);
    }
    {
        child_process child(PROXMOX_MCP_EXE, {"--demo", "--http", "127.0.0.1:0"},
                            {{"PROXMOX_MCP_HTTP_TOKEN", "short secret"}});
        EXPECT_EQ(child.wait_exit(20s), 2);
        std::string err = child.stderr_text();
        EXPECT_NE(err.find("PROXMOX_MCP_HTTP_TOKEN"), std::string::npos) << err;
        EXPECT_EQ(err.find("short secret"), std::string::npos) << "the token was logged: " << err;
    }
    {
        child_process child(PROXMOX_MCP_EXE, {"--demo", "--http", "127.0.0.1:0"},
                            {{"PROXMOX_MCP_HTTP_ALLOWED_ORIGINS", "https://ok.example,*"}});
        EXPECT_EQ(child.wait_exit(20s), 2);
        EXPECT_NE(child.stderr_text().find("PROXMOX_MCP_HTTP_ALLOWED_ORIGINS"), std::string::npos);
    }
}

TEST(McpHttpExecutable, HelpDocumentsTheFlag) {
    child_process child(PROXMOX_MCP_EXE, {"--help"});
    std::string help;
    while (auto line = child.read_line(5s))
        help += *line + "\n";
    EXPECT_EQ(child.wait_exit(10s), 0);
    EXPECT_NE(help.find("--http ADDR:PORT"), std::string::npos) << help;
    EXPECT_NE(help.find("PROXMOX_MCP_HTTP_TOKEN"), std::string::npos);
    EXPECT_NE(help.find("PROXMOX_MCP_HTTP_ALLOWED_ORIGINS"), std::string::npos);
}

TEST(McpHttpExecutable, ServesTheDemoAndStopsOnSigterm) {
    child_process child(PROXMOX_MCP_EXE, {"--demo", "--http", "127.0.0.1:0"});
    unsigned short port = wait_for_port(child);
    ASSERT_NE(port, 0) << child.stderr_text();

    client c(port);
    auto res = c.send(c.post(initialize_body));
    ASSERT_EQ(res.result_int(), 200);
    std::string sid(res["Mcp-Session-Id"]);
    ASSERT_EQ(sid.size(), 32u);
    EXPECT_EQ(c.send(c.post(R"({"jsonrpc":"2.0","method":"notifications/initialized"})", sid)).result_int(),
              202);
    res = c.send(
        c.post(R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"proxmox-list-nodes",)"
               R"("arguments":{}}})",
               sid));
    ASSERT_EQ(res.result_int(), 200);
    auto events = parse_sse(res.body());
    ASSERT_FALSE(events.empty()) << res.body();
    auto result = json::parse(events.back().data).at("result");
    EXPECT_FALSE(result.as_object().contains("isError") && result.at("isError").as_bool())
        << events.back().data;
    EXPECT_FALSE(result.at("structuredContent").at("nodes").as_array().empty());

    child.signal(SIGTERM);
    EXPECT_EQ(child.wait_exit(10s), 0) << child.stderr_text();
}

TEST(McpHttpExecutable, TokenGuardsEveryInterface) {
    const std::string token = "e2e-token-0123456789abcdef";
    child_process child(PROXMOX_MCP_EXE, {"--demo", "--http", "0.0.0.0:0"},
                        {{"PROXMOX_MCP_HTTP_TOKEN", token}});
    unsigned short port = wait_for_port(child);
    ASSERT_NE(port, 0) << child.stderr_text();
    EXPECT_EQ(child.stderr_text().find(token), std::string::npos) << "the token was logged";
    {
        client c(port);
        auto res = c.send(c.post(initialize_body));
        EXPECT_EQ(res.result_int(), 401);
    }
    client c(port);
    auto req = c.post(initialize_body);
    req.set(http::field::authorization, "Bearer " + token);
    req.set(http::field::host, "proxmox-mcp.lan:8080"); // beyond loopback any Host is fine
    auto res = c.send(req);
    EXPECT_EQ(res.result_int(), 200);
    child.signal(SIGTERM);
    EXPECT_EQ(child.wait_exit(10s), 0);
}
