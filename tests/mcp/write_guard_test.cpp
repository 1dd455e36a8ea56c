// The transport guard behind read-only mode and previews: GET requests and the ticket login
// reach the cluster; every other request fails before it leaves the process, naming why.
#include "write_guard.hpp"

#include <proxmox/testing/scripted_transport.hpp>

#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

#include <optional>

using namespace proxmox::mcp;

namespace {

proxmox::result<proxmox::http_response> ok_answer() {
    proxmox::http_response r;
    r.status = 200;
    r.content_type = "application/json";
    r.body = R"({"data":null})";
    return r;
}

class McpWriteGuard : public ::testing::Test {
protected:
    void SetUp() override {
        inner = std::make_shared<proxmox::testing::scripted_transport>(
            std::deque<proxmox::result<proxmox::http_response>>{ok_answer(), ok_answer(), ok_answer()});
        inner->executor = io.get_executor();
        guard = make_write_guard(inner, "PROXMOX_READ_ONLY=true");
    }

    proxmox::result<proxmox::http_response> send(proxmox::http_method method, std::string target) {
        proxmox::http_request r;
        r.method = method;
        r.target = std::move(target);
        std::optional<proxmox::result<proxmox::http_response>> answer;
        guard->async_send(std::move(r),
                          [&](proxmox::result<proxmox::http_response> a) { answer = std::move(a); });
        EXPECT_FALSE(answer) << "completed inline";
        io.restart();
        io.run();
        return answer ? std::move(*answer) : proxmox::make_error(proxmox::errc::timeout, "no answer");
    }

    boost::asio::io_context io;
    std::shared_ptr<proxmox::testing::scripted_transport> inner;
    std::shared_ptr<proxmox::transport> guard;
};

TEST_F(McpWriteGuard, ReadsAndTheLoginPassWritesNeverLeave) {
    EXPECT_TRUE(send(proxmox::http_method::get, "/api2/json/nodes"));
    EXPECT_TRUE(send(proxmox::http_method::post, "/api2/json/access/ticket"));
    for (auto method : {proxmox::http_method::post, proxmox::http_method::put, proxmox::http_method::del}) {
        auto r = send(method, "/api2/json/nodes/pve/qemu/100/status/start?x=1");
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, proxmox::make_error_code(proxmox::errc::invalid_argument));
        EXPECT_NE(r.error().message.find("/api2/json/nodes/pve/qemu/100/status/start was not sent"),
                  std::string::npos)
            << r.error().message;
        EXPECT_NE(r.error().message.find("PROXMOX_READ_ONLY=true"), std::string::npos);
        EXPECT_EQ(r.error().message.find("x=1"), std::string::npos) << "the query is not echoed";
    }
    ASSERT_EQ(inner->sent.size(), 2u) << "only the GET and the login reached the transport";
    EXPECT_EQ(inner->sent[0].method, proxmox::http_method::get);
    EXPECT_EQ(inner->sent[1].target, "/api2/json/access/ticket");
}

TEST_F(McpWriteGuard, ALookalikeLoginPathIsAWrite) {
    EXPECT_FALSE(send(proxmox::http_method::post, "/api2/json/access/ticket/../../nodes"));
    EXPECT_FALSE(send(proxmox::http_method::post, "/api2/json/access/tickets"));
    EXPECT_TRUE(inner->sent.empty());
}

} // namespace
