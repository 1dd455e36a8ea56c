// Operation-level behaviour without a network: name resolution, operation timeout, cancellation.

#include <proxmox/blocking_client.hpp>
#include <proxmox/testing/scripted_transport.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <gtest/gtest.h>

using namespace proxmox;
using namespace std::chrono_literals;
using proxmox::testing::scripted_transport;

namespace {

http_response json_ok(std::string body) {
    return {200, "OK", "application/json;charset=UTF-8", std::move(body)};
}

struct fixture : proxmox::testing::scripted_client {
    explicit fixture(std::deque<result<http_response>> script,
                     std::chrono::milliseconds operation_timeout = 0ms)
        : scripted_client(std::move(script),
                          [&](client_options& o) { o.operation_timeout = operation_timeout; }) {}
};

const char* two_webs = R"({"data":[
  {"id":"qemu/100","type":"qemu","vmid":100,"name":"web","node":"pve","status":"running"},
  {"id":"qemu/205","type":"qemu","vmid":205,"name":"web","node":"pve2","status":"stopped"},
  {"id":"lxc/300","type":"lxc","vmid":300,"name":"dns","node":"pve2","status":"running"}]})";

TEST(FindGuest, AmbiguousNameListsEveryCandidate) {
    fixture f({json_ok(two_webs)});
    auto g = f.pve->run(f.pve->async().cluster().async_find_guest({.name = "web"}));
    ASSERT_FALSE(g);
    EXPECT_EQ(g.error().code, errc::ambiguous_name);
    EXPECT_NE(g.error().message.find("qemu 100 on pve"), std::string::npos) << g.error().message;
    EXPECT_NE(g.error().message.find("qemu 205 on pve2"), std::string::npos) << g.error().message;
    ASSERT_EQ(f.transport->sent.size(), 1u) << "one /cluster/resources call resolves names cluster-wide";
    EXPECT_EQ(f.transport->sent[0].target, "/api2/json/cluster/resources?type=vm");
}

TEST(FindGuest, NodeOrTypeNarrowsTheMatch) {
    fixture f({json_ok(two_webs), json_ok(two_webs)});
    auto on_pve2 = f.pve->run(f.pve->async().cluster().async_find_guest({.name = "web", .node = "pve2"}));
    ASSERT_TRUE(on_pve2) << on_pve2.error().to_string();
    EXPECT_EQ(on_pve2->vmid, 205u);
    auto ct = f.pve->run(f.pve->async().cluster().async_find_guest({.vmid = 300, .type = guest_type::lxc}));
    ASSERT_TRUE(ct);
    EXPECT_EQ(ct->type, guest_type::lxc);
    EXPECT_EQ(ct->node, "pve2");
}

TEST(FindGuest, EmptySelectorIsRejectedWithoutARequest) {
    fixture f({});
    auto g = f.pve->run(f.pve->async().cluster().async_find_guest({}));
    ASSERT_FALSE(g);
    EXPECT_EQ(g.error().code, errc::invalid_argument);
    EXPECT_TRUE(f.transport->sent.empty());
}

TEST(OperationTimeout, StalledServerEndsInTimeoutNotAHang) {
    fixture f({}, 50ms); // empty script: the server never answers
    auto v = f.pve->run(f.pve->async().async_version());
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error().code, errc::timeout);
    EXPECT_NE(v.error().message.find("operation_timeout"), std::string::npos);
}

TEST(Cancellation, CancellingAWaitStopsPollingPromptly) {
    std::deque<result<http_response>> running;
    for (int i = 0; i < 1000; ++i)
        running.push_back(json_ok(R"({"data":{"status":"running","type":"qmstart","id":"100"}})"));
    boost::asio::io_context io;
    auto transport = std::make_shared<scripted_transport>(std::move(running));
    transport->executor = io.get_executor();
    client_options o;
    o.url = "https://pve.invalid:8006";
    o.token = {"root@pam!test", "secret"};
    o.custom_transport = transport;
    client pve(io.get_executor(), o);
    auto task = pve.task("UPID:pve:00000001:00000002:6650A1B2:qmstart:100:root@pam!test:");
    ASSERT_TRUE(task);

    boost::asio::cancellation_signal cancel;
    std::optional<result<task_status>> done;
    task->async_wait({.initial_interval = 10ms, .max_interval = 10ms},
                     boost::asio::bind_cancellation_slot(
                         cancel.slot(), [&](result<task_status> r) { done = std::move(r); }));
    boost::asio::steady_timer trigger(io, 60ms);
    trigger.async_wait([&](auto) { cancel.emit(boost::asio::cancellation_type::terminal); });
    io.run();
    ASSERT_TRUE(done);
    ASSERT_FALSE(*done);
    EXPECT_EQ(done->error().code, boost::asio::error::operation_aborted) << done->error().to_string();
    const auto polls = transport->sent.size();
    EXPECT_GE(polls, 1u); // polling had started (one poll under valgrind, several natively)
    EXPECT_LT(polls, 50u) << "polling must stop at the cancellation";
}

} // namespace
