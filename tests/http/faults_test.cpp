// The SDK under the simulator's injected faults: every fault ends in a clear error or a
// recovery, nothing hangs, and a write is sent at most once (the request log proves it).

#include "sdk_sim_fixture.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <optional>
#include <thread>

using namespace proxmox;
using namespace std::chrono_literals;

namespace {

class Faults : public proxmox::testing::sdk_sim_fixture {
protected:
    sim::fault on(std::string method, std::string path, sim::fault::action kind) {
        sim::fault f;
        f.method = std::move(method);
        f.path = std::move(path);
        f.kind = kind;
        return f;
    }
    /// A running VM of the default cluster (web01, vmid 100 on pve).
    static constexpr vmid_t running_vm = 100;
    static constexpr const char* start_path = "/nodes/pve/qemu/100/status/start";
    static constexpr const char* stop_path = "/nodes/pve/qemu/100/status/stop";
};

TEST_F(Faults, ProxyErrorOnAGetIsRetriedThenSucceeds) {
    auto f = on("GET", "/nodes", sim::fault::action::status);
    f.status = 595;
    f.first = 2;
    server().add_fault(f);
    blocking_client pve(token_options());
    auto nodes = pve.nodes();
    ASSERT_TRUE(nodes) << nodes.error().to_string();
    EXPECT_EQ(count("GET", "/nodes"), 3u);
}

TEST_F(Faults, ProxyErrorOnAWriteIsNotRetried) {
    auto f = on("POST", start_path, sim::fault::action::status);
    f.status = 595;
    f.first = 1;
    server().add_fault(f);
    blocking_client pve(token_options());
    auto task = pve.run(pve.async().node("pve").qemu(running_vm).async_start());
    ASSERT_FALSE(task);
    EXPECT_EQ(task.error().code, errc::proxy_unreachable);
    EXPECT_EQ(count("POST", start_path), 1u);
}

TEST_F(Faults, AnswerLostAfterTheWriteRanIsReportedAndNotResent) {
    server().add_fault(on("POST", stop_path, sim::fault::action::reset_after));
    auto opts = token_options();
    opts.retry.retry_writes = false;
    blocking_client pve(opts);
    auto task = pve.run(pve.async().node("pve").qemu(running_vm).async_stop());
    ASSERT_FALSE(task) << "the answer never arrived";
    EXPECT_EQ(task.error().code, errc::outcome_unknown) << task.error().to_string();
    EXPECT_NE(task.error().message.find("may have been applied"), std::string::npos) << task.error().message;
    EXPECT_EQ(count("POST", stop_path), 1u) << "a write that may have reached PVE is never sent again";
    std::string state;
    for (int i = 0; i < 200 && state != "stopped"; ++i) { // the stop task takes task_seconds
        auto status = pve.run(pve.async().node("pve").qemu(running_vm).async_status());
        ASSERT_TRUE(status) << status.error().to_string();
        state = status->status;
        std::this_thread::sleep_for(10ms);
    }
    EXPECT_EQ(state, "stopped") << "the write was applied although its answer was lost";
}

TEST_F(Faults, WriteWhoseAnswerStallsPastTheTimeoutIsAnUnknownOutcome) {
    server().add_fault(on("POST", stop_path, sim::fault::action::stall));
    for (bool by_operation_timeout : {false, true}) {
        auto opts = token_options();
        if (by_operation_timeout)
            opts.operation_timeout = 200ms;
        else
            opts.request_timeout = 200ms;
        blocking_client pve(opts);
        auto task = pve.run(pve.async().node("pve").qemu(running_vm).async_stop());
        ASSERT_FALSE(task);
        EXPECT_EQ(task.error().code, errc::outcome_unknown) << task.error().to_string();
        EXPECT_EQ(task.error().method, "POST");
        EXPECT_EQ(task.error().path, stop_path);
    }
    EXPECT_EQ(count("POST", stop_path), 2u) << "each write was sent once";
}

TEST_F(Faults, AGetWhoseAnswerIsLostIsAPlainFailure) {
    server().add_fault(on("GET", "/version", sim::fault::action::reset_after));
    auto opts = token_options();
    opts.retry.max_attempts = 1;
    blocking_client pve(opts);
    auto v = pve.version();
    ASSERT_FALSE(v);
    EXPECT_NE(v.error().code, errc::outcome_unknown) << "a read changes nothing: sending it again is safe";
}

TEST_F(Faults, RefusedBeforeTheHandlerRanIsNotAnUnknownOutcome) {
    auto f = on("POST", stop_path, sim::fault::action::status);
    f.status = 500;
    server().add_fault(f);
    blocking_client pve(token_options());
    auto task = pve.run(pve.async().node("pve").qemu(running_vm).async_stop());
    ASSERT_FALSE(task);
    EXPECT_EQ(task.error().code, errc::server_error);
}

TEST_F(Faults, ResetBeforeAnswerOnAGetIsRetried) {
    auto f = on("GET", "/version", sim::fault::action::reset);
    f.first = 1;
    server().add_fault(f);
    blocking_client pve(token_options());
    auto v = pve.version();
    ASSERT_TRUE(v) << v.error().to_string();
    EXPECT_EQ(count("GET", "/version"), 2u);
}

TEST_F(Faults, ServerClosingAnIdleConnectionIsSurvived) {
    auto f = on("GET", "/version", sim::fault::action::close_idle);
    f.first = 1;
    server().add_fault(f);
    blocking_client pve(token_options());
    ASSERT_TRUE(pve.version());
    auto again = pve.version(); // the pooled connection is dead by now
    ASSERT_TRUE(again) << again.error().to_string();
    EXPECT_EQ(count("GET", "/version"), 2u) << "the dead connection was noticed before sending";
    EXPECT_EQ(connections(), 2u);
}

TEST_F(Faults, StalledServerEndsInATimeout) {
    server().add_fault(on("GET", "/version", sim::fault::action::stall));
    auto opts = token_options();
    opts.request_timeout = 200ms;
    opts.retry.max_attempts = 2;
    blocking_client pve(opts);
    const auto began = std::chrono::steady_clock::now();
    auto v = pve.version();
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error().code, errc::timeout) << v.error().to_string();
    EXPECT_LT(std::chrono::steady_clock::now() - began, 10s);
}

TEST_F(Faults, TruncatedBodyIsAnErrorAndAGetIsRetried) {
    auto f = on("GET", "/nodes", sim::fault::action::truncate);
    f.truncate_bytes = 10;
    f.first = 1;
    server().add_fault(f);
    auto opts = token_options();
    opts.retry.max_attempts = 1;
    blocking_client once(opts);
    auto cut = once.nodes();
    ASSERT_FALSE(cut);
    EXPECT_EQ(cut.error().http_status, 0u) << cut.error().to_string();

    server().add_fault(f); // again, for the first matching request from now on
    blocking_client retrying(token_options());
    auto nodes = retrying.nodes();
    EXPECT_TRUE(nodes) << nodes.error().to_string();
}

TEST_F(Faults, DelayBeyondTheOperationTimeoutIsATimeout) {
    auto f = on("GET", "/version", sim::fault::action::delay);
    f.delay = 2s;
    server().add_fault(f);
    auto opts = token_options();
    opts.operation_timeout = 150ms;
    blocking_client pve(opts);
    auto v = pve.version();
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error().code, errc::timeout);
}

TEST_F(Faults, OfflineNodeIsProxyUnreachable) {
    sim::fault f;
    f.kind = sim::fault::action::offline_node;
    f.node = "pve2";
    server().add_fault(f);
    blocking_client pve(token_options());
    auto status = pve.run(pve.async().node("pve2").async_status());
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error().code, errc::proxy_unreachable) << status.error().to_string();
    auto nodes = pve.nodes();
    ASSERT_TRUE(nodes);
    for (const auto& n : *nodes)
        EXPECT_EQ(n.status, n.node == "pve2" ? "offline" : "online") << n.node;
}

TEST_F(Faults, KeepAliveReusesOneConnection) {
    blocking_client pve(token_options());
    for (int i = 0; i < 5; ++i)
        ASSERT_TRUE(pve.version());
    EXPECT_EQ(connections(), 1u);
}

TEST_F(Faults, ConcurrentRequestsStayWithinMaxConnections) {
    auto opts = token_options();
    opts.max_connections = 2;
    blocking_client pve(opts);
    int ok = 0;
    for (int i = 0; i < 16; ++i)
        pve.async().async_nodes([&](auto r) { ok += r ? 1 : 0; });
    for (int round = 0; round < 20 && ok < 16; ++round)
        ASSERT_TRUE(pve.version()); // drives the io_context
    EXPECT_EQ(ok, 16);
    EXPECT_LE(connections(), 2u);
}

TEST_F(Faults, StalledRequestsDoNotHoldUpUnrelatedOnes) {
    server().add_fault(on("GET", "/version", sim::fault::action::stall));
    auto opts = token_options();
    opts.max_connections = 4;
    opts.stalled_after = 100ms;
    opts.max_extra_connections = 3;
    opts.request_timeout = 60s;
    opts.operation_timeout = 20s; // past it the stalled calls end and the queue would move anyway
    opts.retry.max_attempts = 1;
    boost::asio::io_context io;
    client pve(io.get_executor(), opts);
    int stalled_done = 0;
    boost::asio::cancellation_signal cancel_stalled[6];
    for (auto& signal : cancel_stalled)
        pve.async_version(boost::asio::bind_cancellation_slot(signal.slot(), [&](auto) { ++stalled_done; }));
    std::optional<result<std::vector<node_summary>>> nodes;
    boost::asio::steady_timer later(io, 300ms); // the six stalled calls took every connection
    later.async_wait([&](auto) {
        pve.async_nodes([&](auto r) {
            nodes = std::move(r);
            for (auto& signal : cancel_stalled)
                signal.emit(boost::asio::cancellation_type::terminal);
        });
    });
    io.run_for(15s);
    ASSERT_TRUE(nodes) << "an unrelated call waited behind the stalled ones";
    ASSERT_TRUE(*nodes) << nodes->error().to_string();
    EXPECT_EQ(stalled_done, 6);
    EXPECT_EQ(connections(), 7u) << "4 pooled, 2 extra for the queued stalled calls, 1 for /nodes";
}

TEST_F(Faults, ErrorStatusClosesTheConnectionAndTheNextRequestStillWorks) {
    blocking_client pve(token_options());
    auto bad = pve.run(pve.async().async_request(http_method::get, "/cluster/resources", {{"type", "nope"}}));
    ASSERT_FALSE(bad);
    ASSERT_TRUE(pve.version());
    EXPECT_EQ(connections(), 2u) << "PVE closes after every status >= 400; the pool must not reuse it";
}

} // namespace

namespace {

TEST_F(Faults, IdleConnectionsOlderThanIdleTimeoutAreNotReused) {
    auto opts = token_options();
    opts.idle_timeout = 1ms;
    blocking_client pve(opts);
    ASSERT_TRUE(pve.version());
    std::this_thread::sleep_for(20ms);
    ASSERT_TRUE(pve.version());
    EXPECT_EQ(connections(), 2u);
}

TEST_F(Faults, CancelledRequestNeverLeavesAHalfReadConnectionInThePool) {
    auto f = on("GET", "/version", sim::fault::action::stall);
    f.first = 1;
    server().add_fault(f);
    auto opts = token_options();
    opts.operation_timeout = 100ms; // cancels the stalled request
    opts.retry.max_attempts = 1;
    blocking_client pve(opts);
    auto stalled = pve.version();
    ASSERT_FALSE(stalled);
    EXPECT_EQ(stalled.error().code, errc::timeout);
    auto next = pve.version();
    ASSERT_TRUE(next) << next.error().to_string();
    EXPECT_EQ(connections(), 2u) << "the stalled connection was closed, not pooled";
}

} // namespace

namespace {

TEST(HandshakeTimeout, SilentServerEndsInATimeoutNamingTheStep) {
    // A TCP listener that accepts and never answers the TLS ClientHello.
    boost::asio::io_context server_io;
    boost::asio::ip::tcp::acceptor acceptor(server_io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    boost::asio::ip::tcp::socket held(server_io);
    acceptor.async_accept(held, [](auto) {});
    std::thread server([&] { server_io.run(); });

    client_options opts;
    opts.url = "https://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port());
    opts.token = {"root@pam!test", "secret"};
    opts.tls.fingerprint = std::string(64, 'A');
    opts.connect_timeout = 200ms;
    opts.retry.max_attempts = 1;
    blocking_client pve(opts);
    auto v = pve.version();
    server_io.stop();
    server.join();
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error().code, errc::timeout) << v.error().to_string();
    EXPECT_NE(v.error().message.find("TLS handshake"), std::string::npos) << v.error().message;
}

} // namespace
