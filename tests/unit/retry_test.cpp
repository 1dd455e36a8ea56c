// Retry policy, checked through the transport seam with a scripted transport.

#include <proxmox/blocking_client.hpp>
#include <proxmox/testing/scripted_transport.hpp>
#include <proxmox/transport.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>

#include <gtest/gtest.h>

using namespace proxmox;
using namespace std::chrono_literals;

namespace {

http_response status(unsigned code, std::string reason, std::string body = "") {
    return {code, std::move(reason), "application/json;charset=UTF-8", std::move(body)};
}
http_response ok(std::string body = R"({"data":null})") {
    return status(200, "OK", std::move(body));
}

struct harness : proxmox::testing::scripted_client {
    explicit harness(std::deque<result<http_response>> script, retry_policy policy = {})
        : scripted_client(std::move(script), [&](client_options& o) {
              policy.initial_backoff = 1ms;
              policy.max_backoff = 2ms;
              o.retry = policy;
          }) {}
    result<api_response> call(http_method m) { return pve->run(pve->async().async_request(m, "/version")); }
};

TEST(Retry, GetRetriesProxyErrorsThenSucceeds) {
    harness h({status(595, "Connection refused"), status(596, "Connection timed out"), ok()});
    auto r = h.call(http_method::get);
    EXPECT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(h.transport->sent.size(), 3u);
}

TEST(Retry, GetRetriesConnectionFailures) {
    harness h({make_error(boost::asio::error::connection_refused, "connect failed"), ok()});
    EXPECT_TRUE(h.call(http_method::get));
    EXPECT_EQ(h.transport->sent.size(), 2u);
}

TEST(Retry, StopsAfterMaxAttempts) {
    harness h({status(595, "a"), status(595, "b"), status(595, "c"), status(595, "d"), ok()});
    auto r = h.call(http_method::get);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::proxy_unreachable);
    EXPECT_EQ(h.transport->sent.size(), 3u);
}

TEST(Retry, WritesAreSentOnceUnlessOptedIn) {
    harness once({status(595, "Connection refused"), ok()});
    auto r = once.call(http_method::post);
    ASSERT_FALSE(r);
    EXPECT_EQ(once.transport->sent.size(), 1u);

    harness opted({status(595, "Connection refused"), ok()}, retry_policy{.retry_writes = true});
    EXPECT_TRUE(opted.call(http_method::post));
    EXPECT_EQ(opted.transport->sent.size(), 2u);
}

TEST(Retry, HandlerErrorsAuthAndTlsAreNotRetried) {
    for (auto answer : std::vector<result<http_response>>{
             status(500, "VM 100 not running"), status(401, "No ticket"),
             status(400, "Parameter verification failed."),
             result<http_response>(make_error(errc::tls_fingerprint_mismatch, "pin mismatch"))}) {
        harness h({answer, ok()});
        EXPECT_FALSE(h.call(http_method::get));
        EXPECT_EQ(h.transport->sent.size(), 1u);
    }
}

TEST(Retry, OneAttemptMeansNoRetry) {
    harness h({status(595, "Connection refused"), ok()}, retry_policy{.max_attempts = 1});
    EXPECT_FALSE(h.call(http_method::get));
    EXPECT_EQ(h.transport->sent.size(), 1u);
}

TEST(Transport, RequestCarriesTokenHeaderAndFormBody) {
    harness h({ok(R"({"data":"UPID:pve:00000001:00000002:00000003:qmstart:100:root@pam!test:"})")});
    auto r = h.pve->run(h.pve->async().async_request(http_method::post, "/nodes/pve/qemu/100/resize",
                                                     {{"disk", "scsi0"}, {"size", "+10G"}}));
    ASSERT_TRUE(r);
    ASSERT_EQ(h.transport->sent.size(), 1u);
    const auto& req = h.transport->sent[0];
    EXPECT_EQ(req.target, "/api2/json/nodes/pve/qemu/100/resize");
    EXPECT_EQ(req.content_type, "application/x-www-form-urlencoded");
    EXPECT_EQ(req.body, "disk=scsi0&size=%2B10G");
    bool has_token = false;
    for (const auto& [k, v] : req.headers)
        has_token |= k == "Authorization" && v == "PVEAPIToken=root@pam!test=secret";
    EXPECT_TRUE(has_token);
}

} // namespace
