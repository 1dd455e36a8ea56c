// Ticket login through the transport seam: cookie and CSRF headers, two-factor completion,
// one re-login after a 401, single-flight login, and no password in any error.

#include <proxmox/blocking_client.hpp>
#include <proxmox/testing/scripted_transport.hpp>

#include <gtest/gtest.h>

using namespace proxmox;

namespace {

http_response json_ok(std::string body) {
    return {200, "OK", "application/json;charset=UTF-8", std::move(body)};
}
http_response unauthorized() {
    return {401, "No ticket", "", ""};
}

const char* ticket_answer =
    R"({"data":{"username":"alice@pve","ticket":"PVE:alice@pve:66A1B2C3::c2lnbmF0dXJl+/=",)"
    R"("CSRFPreventionToken":"66A1B2C3:Y3NyZg"}})";
const std::string password = "correct horse battery staple";

std::string header(const http_request& r, std::string_view name) {
    for (const auto& [k, v] : r.headers)
        if (k == name)
            return v;
    return {};
}

/// A client that logs in as alice@pve (no token); `tune` may adjust the options further.
struct fixture : proxmox::testing::scripted_client {
    explicit fixture(std::deque<result<http_response>> script,
                     std::function<std::string()> second_factor = {},
                     const std::function<void(password_login&, client_options&)>& tune = {})
        : scripted_client(std::move(script), [&](client_options& o) {
              o.token = {};
              o.login = password_login{"alice@pve", password, std::move(second_factor)};
              if (tune)
                  tune(*o.login, o);
          }) {}
};

TEST(TicketAuth, LogsInOnceThenSendsCookieAndCsrfOnWrites) {
    fixture f(
        {json_ok(ticket_answer), json_ok(R"({"data":{"version":"9.1.9"}})"), json_ok(R"({"data":null})")});
    ASSERT_TRUE(f.pve->version());
    auto put = f.pve->run(
        f.pve->async().async_request(http_method::put, "/nodes/pve/qemu/100/config", {{"description", "x"}}));
    ASSERT_TRUE(put) << put.error().to_string();
    const auto& sent = f.transport->sent;
    ASSERT_EQ(sent.size(), 3u);
    EXPECT_EQ(sent[0].target, "/api2/json/access/ticket");
    EXPECT_EQ(header(sent[0], "Authorization"), "");
    EXPECT_EQ(sent[0].body, "username=alice%40pve&password=correct%20horse%20battery%20staple");
    // The ticket is URI-escaped in the cookie (its base64 has + / =).
    EXPECT_EQ(header(sent[1], "Cookie"),
              "PVEAuthCookie=PVE%3Aalice%40pve%3A66A1B2C3%3A%3Ac2lnbmF0dXJl%2B%2F%3D");
    EXPECT_EQ(header(sent[1], "CSRFPreventionToken"), "") << "GET needs no CSRF token";
    EXPECT_EQ(header(sent[2], "CSRFPreventionToken"), "66A1B2C3:Y3NyZg");
}

TEST(TicketAuth, CompletesTwoFactorWithTotp) {
    int asked = 0;
    fixture f(
        {json_ok(
             R"({"data":{"username":"alice@pve","ticket":"PVE:!tfa!alice@pve:66A1B2C3::half","NeedTFA":1,"CSRFPreventionToken":"x"}})"),
         json_ok(ticket_answer), json_ok(R"({"data":{"version":"9.1.9"}})")},
        [&] {
            ++asked;
            return std::string("123456");
        });
    auto v = f.pve->version();
    ASSERT_TRUE(v) << v.error().to_string();
    EXPECT_EQ(asked, 1);
    ASSERT_EQ(f.transport->sent.size(), 3u);
    EXPECT_EQ(f.transport->sent[1].body, "username=alice%40pve&tfa-challenge=PVE%3A%21tfa%21alice%40pve%"
                                         "3A66A1B2C3%3A%3Ahalf&password=totp%3A123456");
}

TEST(TicketAuth, TwoFactorWithoutCallbackIsAClearError) {
    fixture f({json_ok(R"({"data":{"ticket":"PVE:!tfa!alice@pve:66A1B2C3::half","NeedTFA":1}})")});
    auto v = f.pve->version();
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error().code, errc::auth_failed);
    EXPECT_NE(v.error().message.find("second_factor"), std::string::npos);
}

TEST(TicketAuth, ExpiredTicketLogsInAgainOnceAfter401) {
    fixture f({json_ok(ticket_answer), unauthorized(), json_ok(ticket_answer),
               json_ok(R"({"data":{"version":"9"}})")});
    auto v = f.pve->version();
    ASSERT_TRUE(v) << v.error().to_string();
    ASSERT_EQ(f.transport->sent.size(), 4u);
    EXPECT_EQ(f.transport->sent[2].target, "/api2/json/access/ticket");
}

TEST(TicketAuth, PersistentUnauthorizedIsNotALoop) {
    fixture f({json_ok(ticket_answer), unauthorized(), json_ok(ticket_answer), unauthorized(),
               json_ok(ticket_answer)});
    auto v = f.pve->version();
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error().code, errc::auth_failed);
    EXPECT_EQ(f.transport->sent.size(), 4u) << "one re-login, then the 401 is final";
}

TEST(TicketAuth, WrongPasswordNamesTheUserNotThePassword) {
    fixture f({http_response{401, "authentication failure", "application/json;charset=UTF-8",
                             R"({"data":null,"message":"authentication failure\n"})"}});
    auto v = f.pve->version();
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error().code, errc::auth_failed);
    EXPECT_NE(v.error().to_string().find("login as alice@pve failed: authentication failure"),
              std::string::npos)
        << v.error().to_string();
    EXPECT_EQ(v.error().to_string().find("horse"), std::string::npos);
    EXPECT_EQ(f.transport->sent.size(), 1u);
}

TEST(TicketAuth, ConcurrentRequestsShareOneLogin) {
    fixture f({json_ok(ticket_answer), json_ok(R"({"data":[]})"), json_ok(R"({"data":[]})"),
               json_ok(R"({"data":[]})"), json_ok(R"({"data":{"version":"9"}})")});
    auto& c = f.pve->async();
    int done = 0;
    for (int i = 0; i < 3; ++i)
        c.async_nodes([&](result<std::vector<node_summary>> r) { done += r ? 1 : 0; });
    auto last = f.pve->version(); // drives the io_context until everything has run
    EXPECT_TRUE(last);
    EXPECT_EQ(done, 3);
    int logins = 0;
    for (const auto& r : f.transport->sent)
        logins += r.target == "/api2/json/access/ticket";
    EXPECT_EQ(logins, 1);
}

TEST(TicketAuth, CancelledRenewalDoesNotLockTheClientOut) {
    // Renewal stalls and the operation times out; the next request must log in, not wait forever.
    fixture f({json_ok(ticket_answer), json_ok(R"({"data":{"version":"1"}})"), proxmox::testing::stall(),
               json_ok(ticket_answer), json_ok(R"({"data":{"version":"3"}})")},
              {}, [](password_login& login, client_options& o) {
                  login.renew_after = std::chrono::seconds(0); // renew every time
                  o.operation_timeout =
                      std::chrono::milliseconds(500); // room for slow (sanitizer, valgrind) runs
              });
    ASSERT_TRUE(f.pve->version());
    auto stalled = f.pve->version();
    ASSERT_FALSE(stalled);
    EXPECT_EQ(stalled.error().code, errc::timeout) << stalled.error().to_string();
    auto after = f.pve->version();
    ASSERT_TRUE(after) << after.error().to_string();
    EXPECT_EQ(after->version, "3");
}

TEST(TicketAuth, OptionsAreChecked) {
    client_options o;
    o.url = "https://pve.invalid:8006";
    o.login = password_login{"alice", "pw"};
    blocking_client pve(o);
    auto v = pve.version();
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error().code, errc::invalid_argument);
    EXPECT_NE(v.error().message.find("client_options.login"), std::string::npos);

    client_options none;
    none.url = "https://pve.invalid:8006";
    blocking_client nothing(none);
    auto n = nothing.version();
    ASSERT_FALSE(n);
    EXPECT_NE(n.error().message.find("client_options.login"), std::string::npos) << n.error().message;
}

} // namespace
