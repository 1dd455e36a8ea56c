// End to end against hostile or broken clients: responses sent to the server, requests before
// initialize, huge client text, and a client that writes without reading.
#include "child_process.hpp"
#include "mcp_client.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace json = boost::json;
using proxmox::mcp::testing::mcp_client;
using namespace std::chrono_literals;

namespace {

int error_code(const json::value& response) {
    if (!response.is_object() || !response.as_object().contains("error"))
        return 0;
    return static_cast<int>(response.at("error").at("code").as_int64());
}

std::string error_message(const json::value& response) {
    if (error_code(response) == 0)
        return {};
    return std::string(response.at("error").at("message").as_string());
}

/// A `/proc/<pid>/status` field in kB (VmHWM: peak resident set size), nullopt when unreadable.
std::optional<std::int64_t> status_kb(pid_t pid, const std::string& field) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(field + ":", 0) != 0)
            continue;
        return std::strtoll(line.c_str() + field.size() + 1, nullptr, 10);
    }
    return std::nullopt;
}

/// Child environment for the memory test. AddressSanitizer parks freed memory in a quarantine of
/// up to 256 MiB, which a million pings fill; a small quarantine keeps RSS about the program.
std::map<std::string, std::string> memory_test_env() {
#if defined(__SANITIZE_ADDRESS__)
    const char* inherited = std::getenv("ASAN_OPTIONS");
    std::string options = inherited ? std::string(inherited) + ":" : std::string();
    return {{"ASAN_OPTIONS", options + "quarantine_size_mb=4"}};
#else
    return {};
#endif
}

} // namespace

TEST(McpRobustness, PeerErrorWithNullIdIsNeverAnswered) {
    mcp_client c;
    const char* peer_error = R"({"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"x"}})";
    c.send_raw(peer_error);
    c.send_raw(R"({"jsonrpc":"2.0","id":"p1","method":"ping"})");
    EXPECT_EQ(c.next(), json::parse(R"({"jsonrpc":"2.0","id":"p1","result":{}})"));

    ASSERT_TRUE(c.initialize().as_object().contains("result"));
    c.send_raw(peer_error);
    c.send_raw(R"({"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"}})");
    c.send_raw(R"({"jsonrpc":"2.0","id":"p2","method":"ping"})");
    EXPECT_EQ(c.next(), json::parse(R"({"jsonrpc":"2.0","id":"p2","result":{}})"));
}

TEST(McpRobustness, RequestsBeforeInitializeGetAnError) {
    mcp_client c;
    auto r = c.request("tools/list");
    EXPECT_EQ(error_code(r), -32600) << json::serialize(r);
    EXPECT_NE(error_message(r).find("send initialize first"), std::string::npos) << json::serialize(r);
    r = c.request("tools/call", {{"name", "proxmox-start-vm"}, {"arguments", json::object{{"vmid", 100}}}});
    EXPECT_EQ(error_code(r), -32600) << json::serialize(r);

    // A notification before initialize is ignored (never answered): the next line answers the ping.
    c.send_raw(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
    c.send_raw(R"({"jsonrpc":"2.0","id":"p","method":"ping"})");
    EXPECT_EQ(c.next(), json::parse(R"({"jsonrpc":"2.0","id":"p","result":{}})"));

    ASSERT_TRUE(c.initialize().as_object().contains("result"));
    EXPECT_EQ(c.tools().size(), 53u);
}

TEST(McpRobustness, HugeClientTextGetsSmallErrors) {
    mcp_client c;
    const std::string huge(1 << 20, 't');
    // A huge client name and version in initialize must not become a huge log line.
    auto init = c.request("initialize", {{"protocolVersion", huge},
                                         {"capabilities", json::object{}},
                                         {"clientInfo", json::object{{"name", huge}, {"version", huge}}}});
    ASSERT_EQ(init.at("result").at("protocolVersion"), "2025-11-25");

    auto r = c.request("tools/call", {{"name", huge}});
    EXPECT_EQ(error_code(r), -32602);
    EXPECT_LT(json::serialize(r).size(), 2048u);
    EXPECT_NE(error_message(r).find("Unknown tool: tttt"), std::string::npos);

    r = c.request(huge.c_str());
    EXPECT_EQ(error_code(r), -32601);
    EXPECT_LT(json::serialize(r).size(), 2048u);

    r = c.request("tools/call", {{"name", "proxmox-list-vms"}, {"arguments", json::object{{huge, 1}}}});
    EXPECT_EQ(r.at("result").at("isError"), true);
    EXPECT_LT(json::serialize(r).size(), 2048u);

    r = c.request("tools/call",
                  {{"name", "proxmox-list-vms"}, {"arguments", json::object{{"status", huge}}}});
    EXPECT_EQ(r.at("result").at("isError"), true);
    EXPECT_LT(json::serialize(r).size(), 2048u);

    c.send(json::object{{"jsonrpc", "2.0"}, {"id", huge}, {"method", "ping"}});
    r = c.next();
    EXPECT_EQ(error_code(r), -32600);
    EXPECT_TRUE(r.at("id").is_null());
    EXPECT_LT(json::serialize(r).size(), 2048u);

    c.proc().close_stdin();
    EXPECT_EQ(c.proc().wait_exit(5s), std::optional<int>(0));
    EXPECT_LT(c.proc().stderr_text().size(), 8192u) << c.proc().stderr_text().substr(0, 2000);
}

// A client that writes a million pings and reads nothing: the server answers while it can, then
// blocks writing answers nobody reads. It must then stop reading stdin (so the client's writes
// block) instead of queueing every line in memory (about 240 bytes each: 230 MiB for a million).
TEST(McpRobustness, AClientThatWritesWithoutReadingCannotGrowTheServer) {
    constexpr std::int64_t pings = 1'000'000;
    mcp_client c({"--demo"}, memory_test_env());
    ASSERT_TRUE(c.initialize().as_object().contains("result")) << c.proc().stderr_text();
    ASSERT_EQ(c.request("ping").at("result"), json::object{});
    const pid_t pid = c.proc().pid();
    const auto baseline_kb = status_kb(pid, "VmHWM");
    ASSERT_TRUE(baseline_kb) << "cannot read /proc/" << pid << "/status";

    std::atomic<std::int64_t> written{0};
    std::atomic<bool> writer_done{false};
    std::thread writer([&] {
        std::string chunk;
        for (std::int64_t first = 1; first <= pings; first += 1000) {
            chunk.clear();
            for (std::int64_t id = first; id < first + 1000 && id <= pings; ++id) {
                if (!chunk.empty())
                    chunk += '\n';
                chunk += R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"method":"ping"})";
            }
            if (!c.proc().send_line(chunk))
                break;
            written = std::min(first + 999, pings);
        }
        writer_done = true;
    });
    // Whatever fails below, a writer blocked on a full pipe is released (the child dies) and joined.
    struct release_writer {
        mcp_client& c;
        std::thread& t;
        ~release_writer() {
            if (!t.joinable())
                return;
            c.proc().signal(SIGKILL);
            t.join();
        }
    } release{c, writer};

    // Read nothing until the writer has made no progress for a second (or has written everything).
    std::int64_t progress = -1;
    auto last_progress = std::chrono::steady_clock::now();
    while (!writer_done) {
        std::this_thread::sleep_for(50ms);
        if (written != progress) {
            progress = written;
            last_progress = std::chrono::steady_clock::now();
        } else if (std::chrono::steady_clock::now() - last_progress > 1s) {
            break;
        }
    }
    const std::int64_t written_unread = written;
    const auto unread_peak_kb = status_kb(pid, "VmHWM");
    EXPECT_LT(written_unread, pings) << "the server took every ping although nobody read its answers";

    // Now read everything: each ping answered exactly once, nothing but JSON-RPC on stdout.
    std::vector<std::uint8_t> answers(pings + 1, 0);
    std::int64_t foreign = 0, duplicates = 0;
    std::string first_foreign;
    for (std::int64_t got = 0; got < pings; ++got) {
        auto line = c.proc().read_line(30s);
        ASSERT_TRUE(line) << "stdout ended or stalled after " << got << " answers";
        boost::system::error_code ec;
        auto v = json::parse(*line, ec);
        const json::value* id = nullptr;
        if (!ec && v.is_object() && v.as_object().if_contains("jsonrpc") && v.at("jsonrpc") == "2.0" &&
            v.as_object().if_contains("result") && v.at("result") == json::object{})
            id = v.as_object().if_contains("id");
        if (!id || !id->is_int64() || id->as_int64() < 1 || id->as_int64() > pings) {
            if (foreign++ == 0)
                first_foreign = line->substr(0, 200);
            continue;
        }
        if (answers[static_cast<std::size_t>(id->as_int64())]++ != 0)
            ++duplicates;
    }
    writer.join();
    const auto peak_kb = status_kb(pid, "VmHWM");
    EXPECT_EQ(foreign, 0) << "first line that is not a ping's answer: " << first_foreign;
    EXPECT_EQ(duplicates, 0);
    EXPECT_FALSE(c.proc().read_line(200ms)) << "more lines than requests";

    ASSERT_TRUE(unread_peak_kb && peak_kb);
    // Generous: the input queue holds at most 1024 lines / 4 MiB; without the bound the server
    // grows by about 230 MiB here.
    constexpr std::int64_t allowed_growth_kb = 48 * 1024;
    EXPECT_LT(*peak_kb - *baseline_kb, allowed_growth_kb)
        << "VmHWM " << *baseline_kb << " kB after initialize, " << *unread_peak_kb << " kB while "
        << written_unread << " pings were written unread, " << *peak_kb << " kB at the end";
    std::cerr << "[ info ] VmHWM " << *baseline_kb << " kB after initialize, " << *unread_peak_kb
              << " kB with " << written_unread << " pings written unread, " << *peak_kb << " kB after "
              << pings << " pings\n";

    c.proc().close_stdin();
    EXPECT_EQ(c.proc().wait_exit(5s), std::optional<int>(0));
}

namespace {

TEST(McpRobustness, SigtermEndsAServerBlockedWritingToAClientThatDoesNotRead) {
    mcp_client c;
    ASSERT_TRUE(c.initialize().as_object().contains("result"));
    // Pings until the server's stdout pipe is full and its input queue stops taking lines.
    std::atomic<bool> stuck{false};
    std::thread writer([&] {
        std::string chunk;
        for (int id = 1000; id < 400'000 && !stuck; id += 100) {
            chunk.clear();
            for (int i = id; i < id + 100; ++i)
                chunk += (chunk.empty() ? "" : "\n") + std::string(R"({"jsonrpc":"2.0","id":)") +
                         std::to_string(i) + R"(,"method":"ping"})";
            if (!c.proc().send_line(chunk))
                return;
        }
    });
    std::this_thread::sleep_for(2s); // the writer blocks on the full pipe long before this
    c.proc().signal(SIGTERM);
    const auto status = c.proc().wait_exit(10s);
    stuck = true;
    if (!status)
        c.proc().signal(SIGKILL); // releases the writer thread
    writer.join();
    ASSERT_TRUE(status) << "SIGTERM was ignored while the server waited for the client to read";
    EXPECT_EQ(*status, 0);
}

} // namespace
