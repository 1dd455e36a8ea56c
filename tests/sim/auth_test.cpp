// Ticket authentication (WIRE.md section 5.2): login, TFA, renewal, expiry on the sim clock,
// CSRF, and how tickets and tokens combine.
#include "test_util.hpp"

#include <gtest/gtest.h>

namespace {

using namespace simtest;

const std::regex ticket_re(R"(^PVE:alice@pve:[0-9A-F]{8}::[A-Za-z0-9+/]+={0,2}$)");
const std::regex csrf_re(R"(^[0-9A-F]{8}:[A-Za-z0-9+/]{43}$)");

class SimTicket : public proxmox::testing::sim_fixture {
protected:
    void tune(proxmox::sim::options& o) override {
        o.users = {{"alice@pve", "s3cret pass", ""}, {"bob@pve", "bobpw", "424242"}};
        o.unauthorized_delay = std::chrono::milliseconds(30); // what the 401 test measures
    }

    reply login(client& c, const std::string& form) { return ticket_login(c, form); }

    /// {ticket, CSRF token} of alice.
    std::pair<std::string, std::string> alice(client& c) {
        auto d = data(login(c, "username=alice@pve&password=" + form_value("s3cret pass")));
        return {text(d, "ticket"), text(d, "CSRFPreventionToken")};
    }

    reply with_ticket(client& c,
                      const std::string& method,
                      const std::string& path,
                      const std::string& ticket,
                      const std::string& csrf = {},
                      const std::string& form = {}) {
        request r;
        r.method = method;
        r.target = "/api2/json" + path;
        r.auth = false;
        r.headers = {{"Cookie", "PVEAuthCookie=" + encode_segment(ticket)}};
        if (!csrf.empty())
            r.headers.emplace_back("CSRFPreventionToken", csrf);
        r.body = form;
        if (!form.empty())
            r.content_type = "application/x-www-form-urlencoded";
        return c.send(r);
    }
};

TEST_F(SimTicket, LoginAnswersTicketAndCsrfTokenInPveFormats) {
    client c(info());
    auto r = login(c, "username=alice&realm=pve&password=" + form_value("s3cret pass"));
    auto d = data(r);
    EXPECT_EQ(text(d, "username"), "alice@pve");
    EXPECT_TRUE(std::regex_match(text(d, "ticket"), ticket_re)) << text(d, "ticket");
    EXPECT_TRUE(std::regex_match(text(d, "CSRFPreventionToken"), csrf_re)) << text(d, "CSRFPreventionToken");
    EXPECT_EQ(text(d, "clustername"), "pve-cluster");
    ASSERT_TRUE(d.as_object().contains("cap"));
    EXPECT_EQ(d.at("cap").at("vms").at("VM.PowerMgmt"), 1);
    EXPECT_EQ(d.at("cap").at("storage").at("Datastore.AllocateTemplate"), 1);
    EXPECT_FALSE(d.as_object().contains("NeedTFA"));
    // the ticket's time stamp is the simulator's now
    const auto stamp = std::stoll(text(d, "ticket").substr(14, 8), nullptr, 16);
    EXPECT_NEAR(static_cast<double>(stamp), static_cast<double>(std::time(nullptr)), 5.0);

    // the ticket authenticates as cookie (URI-escaped or not) and in the Authorization header
    const auto ticket = text(d, "ticket");
    EXPECT_EQ(with_ticket(c, "GET", "/nodes", ticket).status, 200u);
    request raw;
    raw.target = "/api2/json/version";
    raw.auth = false;
    raw.headers = {{"Cookie", "other=1; PVEAuthCookie=" + ticket}};
    EXPECT_EQ(c.send(raw).status, 200u);
    raw.headers = {{"Authorization", "PVEAuthCookie=" + ticket}};
    EXPECT_EQ(c.send(raw).status, 200u);
}

TEST_F(SimTicket, WrongCredentialsAre401AuthenticationFailureWithJsonAfterTheDelay) {
    client c(info());
    for (const std::string form : {"username=alice@pve&password=wrong", "username=nobody@pve&password=x",
                                   "username=root@pam&password=x"}) {
        const auto t0 = std::chrono::steady_clock::now();
        auto r = login(c, form);
        EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(30)) << form;
        EXPECT_EQ(r.status, 401u) << form;
        EXPECT_EQ(r.reason, "authentication failure");
        EXPECT_EQ(r.header("connection"), "close");
        auto body = body_json(r);
        EXPECT_TRUE(body.at("data").is_null());
        EXPECT_EQ(body.at("message"), "authentication failure\n");
    }
}

TEST_F(SimTicket, TfaNeedsASecondStepWithTheHalfTicket) {
    client c(info());
    auto first = data(login(c, "username=bob@pve&password=bobpw"));
    EXPECT_EQ(number(first, "NeedTFA"), 1);
    EXPECT_FALSE(first.as_object().contains("cap")) << "no capabilities before the second factor";
    const auto half = text(first, "ticket");
    EXPECT_TRUE(half.starts_with("PVE:!tfa!")) << half;

    // a half ticket is no login
    auto denied = with_ticket(c, "GET", "/version", half);
    EXPECT_EQ(denied.status, 401u);
    EXPECT_EQ(denied.body, "");

    const std::string step2 = "username=bob@pve&tfa-challenge=" + form_value(half) + "&password=";
    EXPECT_EQ(login(c, step2 + form_value("totp:000000")).status, 401u);
    EXPECT_EQ(login(c, step2 + "424242").status, 401u) << "the response needs its type prefix";
    EXPECT_EQ(login(c, step2 + form_value("totp:424242") + "&otp=" + form_value("totp:424242")).status, 401u)
        << "otp together with tfa-challenge is refused";
    auto full = data(login(c, step2 + form_value("totp:424242")));
    EXPECT_EQ(text(full, "username"), "bob@pve");
    EXPECT_TRUE(text(full, "ticket").starts_with("PVE:bob@pve:"));
    EXPECT_FALSE(full.as_object().contains("NeedTFA"));
    EXPECT_EQ(with_ticket(c, "GET", "/version", text(full, "ticket")).status, 200u);

    // the half ticket belongs to bob
    EXPECT_EQ(login(c, "username=alice@pve&tfa-challenge=" + form_value(half) +
                           "&password=" + form_value("totp:424242"))
                  .status,
              401u);
    // TOTP given right away in `otp`
    auto direct = data(login(c, "username=bob@pve&password=bobpw&otp=" + form_value("totp:424242")));
    EXPECT_TRUE(text(direct, "ticket").starts_with("PVE:bob@pve:"));
    EXPECT_EQ(login(c, "username=bob@pve&password=bobpw&otp=" + form_value("totp:1")).status, 401u);
    // a user without TFA who sends an OTP fails ("no such challenge")
    EXPECT_EQ(
        login(c, "username=alice@pve&password=" + form_value("s3cret pass") + "&otp=" + form_value("totp:1"))
            .status,
        401u);
}

TEST_F(SimTicket, AValidTicketAsPasswordRenewsIt) {
    client c(info());
    auto [ticket, csrf] = alice(c);
    server().advance_clock(std::chrono::minutes(30));
    auto renewed = data(login(c, "username=alice@pve&password=" + form_value(ticket)));
    const auto fresh = text(renewed, "ticket");
    EXPECT_TRUE(std::regex_match(fresh, ticket_re));
    EXPECT_NE(fresh, ticket) << "a later time stamp";
    const auto moved =
        std::stoll(fresh.substr(14, 8), nullptr, 16) - std::stoll(ticket.substr(14, 8), nullptr, 16);
    EXPECT_GE(moved, 1800);
    EXPECT_LE(moved, 1802); // plus the real seconds that passed
    // alice's ticket is no password for bob
    EXPECT_EQ(login(c, "username=bob@pve&password=" + form_value(ticket)).status, 401u);

    // the renewed ticket outlives the first one
    server().advance_clock(std::chrono::minutes(100));
    EXPECT_EQ(with_ticket(c, "GET", "/version", ticket).status, 401u);
    EXPECT_EQ(with_ticket(c, "GET", "/version", fresh).status, 200u);
}

TEST_F(SimTicket, TicketsExpireAfterTwoHoursOnTheSimClock) {
    client c(info());
    auto [ticket, csrf] = alice(c);
    server().advance_clock(std::chrono::seconds(7199));
    EXPECT_EQ(with_ticket(c, "GET", "/version", ticket).status, 200u);
    server().advance_clock(std::chrono::seconds(1));
    auto expired = with_ticket(c, "GET", "/version", ticket);
    EXPECT_EQ(expired.status, 401u);
    EXPECT_EQ(expired.reason, "permission denied - invalid PVE ticket");
    EXPECT_EQ(expired.body, "");
    EXPECT_EQ(login(c, "username=alice@pve&password=" + form_value(ticket)).status, 401u)
        << "an expired ticket renews nothing";
    // a damaged ticket is just as invalid
    auto damaged = ticket;
    damaged[damaged.size() - 5] = damaged[damaged.size() - 5] == 'A' ? 'B' : 'A';
    EXPECT_EQ(with_ticket(c, "GET", "/version", damaged).status, 401u);
}

TEST_F(SimTicket, TicketWritesNeedTheCsrfToken) {
    client c(info());
    auto [ticket, csrf] = alice(c);
    auto [node, vmid] = stopped_vm(c);
    const auto path = "/nodes/" + node + "/qemu/" + vmid + "/status/start";

    auto missing = with_ticket(c, "POST", path, ticket);
    EXPECT_EQ(missing.status, 401u);
    EXPECT_EQ(missing.reason, "Permission denied - invalid csrf token");
    EXPECT_EQ(missing.body, "");

    auto bob = data(login(c, "username=bob@pve&password=bobpw&otp=" + form_value("totp:424242")));
    EXPECT_EQ(with_ticket(c, "POST", path, ticket, text(bob, "CSRFPreventionToken")).status, 401u)
        << "bob's CSRF token is not alice's";
    auto forged = csrf;
    forged[9] = forged[9] == 'x' ? 'y' : 'x';
    EXPECT_EQ(with_ticket(c, "POST", path, ticket, forged).status, 401u);

    auto ok = with_ticket(c, "POST", path, ticket, csrf);
    ASSERT_EQ(ok.status, 200u) << ok.body;
    const auto upid = std::string(body_json(ok).at("data").as_string());
    EXPECT_TRUE(upid.ends_with(":alice@pve:")) << upid;

    // GET needs none; API tokens never need one
    EXPECT_EQ(with_ticket(c, "GET", "/nodes/" + node + "/qemu", ticket).status, 200u);
    EXPECT_EQ(c.post("/nodes/" + node + "/qemu/" + vmid + "/status/stop").status, 200u);

    // the CSRF token has the ticket's lifetime: a renewed ticket does not revive an old token
    server().advance_clock(std::chrono::minutes(110));
    const auto renewed = text(data(login(c, "username=alice@pve&password=" + form_value(ticket))), "ticket");
    server().advance_clock(std::chrono::minutes(15));
    auto stale = with_ticket(c, "POST", path, renewed, csrf);
    EXPECT_EQ(stale.status, 401u);
    EXPECT_EQ(stale.reason, "Permission denied - invalid csrf token");
}

TEST_F(SimTicket, TokensCannotCreateTicketsButTicketsWinOverTokens) {
    client c(info());
    request r;
    r.method = "POST";
    r.target = "/api2/json/access/ticket";
    r.content_type = "application/x-www-form-urlencoded";
    r.body = "username=alice@pve&password=" + form_value("s3cret pass");
    auto refused = c.send(r); // with the API token
    EXPECT_EQ(refused.status, 403u);
    EXPECT_EQ(
        refused.reason,
        "Permission check failed (URI '/access/ticket' not available with API token, need proper ticket.");

    auto [ticket, csrf] = alice(c);
    request both;
    both.target = "/api2/json/version";
    both.auth = false;
    both.headers = {{"Cookie", "PVEAuthCookie=" + encode_segment(ticket)},
                    {"Authorization", "PVEAPIToken=" + info().token_id + "=wrong-secret"}};
    EXPECT_EQ(c.send(both).status, 200u) << "the ticket is used, the token not looked at";
    const auto log = server().request_log();
    ASSERT_FALSE(log.empty());
    EXPECT_EQ(log.back().auth, "ticket");

    // a ticket in the cookie makes /access/ticket usable despite the token header
    both.method = "POST";
    both.target = "/api2/json/access/ticket";
    both.content_type = "application/x-www-form-urlencoded";
    both.body = "username=alice@pve&password=" + form_value(ticket);
    EXPECT_EQ(c.send(both).status, 200u);
}

TEST(SimUsers, BadUsersAreRejected) {
    auto start_with = [](proxmox::sim::user u) {
        auto o = quick_sim_options();
        o.users = {u};
        proxmox::sim::server sim(o);
        sim.start();
    };
    EXPECT_THROW(start_with({"alice", "pw", ""}), std::invalid_argument);
    EXPECT_THROW(start_with({"alice@pve", "", ""}), std::invalid_argument);
    EXPECT_THROW(start_with({"al:ice@pve", "pw", ""}), std::invalid_argument);
    EXPECT_THROW(start_with({"alice@pve", "pw", "12 34"}), std::invalid_argument);
    EXPECT_NO_THROW(start_with({"alice@pve", "pw", "123456"}));
}

} // namespace
