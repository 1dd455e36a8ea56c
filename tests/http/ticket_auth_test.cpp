// Password login against the simulator: tickets, CSRF on writes, two-factor, expiry, renewal.

#include "sdk_sim_fixture.hpp"

using namespace proxmox;
using namespace std::chrono_literals;

namespace {

class TicketLogin : public proxmox::testing::sdk_sim_fixture {
protected:
    void tune(sim::options& o) override {
        o.users = {{"alice@pve", "alice-password", ""}, {"bob@pve", "bob-password", "424242"}};
    }
    client_options login_as(std::string user, std::string password) const {
        auto o = token_options();
        o.token = {};
        o.login = password_login{std::move(user), std::move(password)};
        return o;
    }
    std::size_t logins() const { return count("POST", "/access/ticket"); }
};

TEST_F(TicketLogin, ReadsAndWritesWithTicketAndCsrf) {
    blocking_client pve(login_as("alice@pve", "alice-password"));
    auto nodes = pve.nodes();
    ASSERT_TRUE(nodes) << nodes.error().to_string();
    auto vm = vm_in(pve, "stopped");
    auto task = pve.run(pve.async().node(vm.node).qemu(vm.vmid).async_start()); // a write: needs CSRF
    ASSERT_TRUE(task) << task.error().to_string();
    auto done = pve.run(task->async_wait({.timeout = 10s, .initial_interval = 10ms}));
    EXPECT_TRUE(done) << done.error().to_string();
    EXPECT_EQ(logins(), 1u);
    for (const auto& e : server().request_log())
        if (e.path != "/access/ticket") {
            EXPECT_EQ(e.auth, "ticket") << e.path;
        }
}

TEST_F(TicketLogin, LogLinesNeverCarryThePasswordOrTicket) {
    auto opts = login_as("alice@pve", "alice-password");
    opts.login->renew_after = 0s;
    std::vector<std::string> lines;
    opts.logger = [&](log_level, std::string_view line) { lines.emplace_back(line); };
    blocking_client pve(opts);
    ASSERT_TRUE(pve.nodes());
    ASSERT_TRUE(pve.nodes());
    ASSERT_FALSE(lines.empty()) << "login and renewal are logged";
    for (const auto& line : lines) {
        EXPECT_EQ(line.find("alice-password"), std::string::npos) << line;
        EXPECT_EQ(line.find("PVE:"), std::string::npos) << line;
        EXPECT_EQ(line.find("PVEAuthCookie"), std::string::npos) << line;
    }
}

TEST_F(TicketLogin, WrongPasswordFailsOnceWithoutLooping) {
    blocking_client pve(login_as("alice@pve", "not-her-password"));
    auto nodes = pve.nodes();
    ASSERT_FALSE(nodes);
    EXPECT_EQ(nodes.error().code, errc::auth_failed);
    EXPECT_NE(nodes.error().message.find("alice@pve"), std::string::npos);
    EXPECT_EQ(nodes.error().to_string().find("not-her-password"), std::string::npos);
    EXPECT_EQ(logins(), 1u);
}

TEST_F(TicketLogin, TwoFactorIsCompletedWithTheCallback) {
    auto opts = login_as("bob@pve", "bob-password");
    opts.login->second_factor = [] { return std::string("424242"); };
    blocking_client pve(opts);
    auto nodes = pve.nodes();
    ASSERT_TRUE(nodes) << nodes.error().to_string();
    EXPECT_EQ(logins(), 2u); // password, then the second factor

    auto no_callback = login_as("bob@pve", "bob-password");
    blocking_client stuck(no_callback);
    auto refused = stuck.nodes();
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("second_factor"), std::string::npos);
}

TEST_F(TicketLogin, ExpiredTicketIsReplacedByOneNewLogin) {
    blocking_client pve(login_as("alice@pve", "alice-password"));
    ASSERT_TRUE(pve.nodes());
    server().advance_clock(std::chrono::hours(3)); // the ticket is now past PVE's 2 h lifetime
    auto nodes = pve.nodes();
    ASSERT_TRUE(nodes) << nodes.error().to_string();
    EXPECT_EQ(logins(), 2u);
}

TEST_F(TicketLogin, OldTicketIsRenewedBeforeItExpires) {
    auto opts = login_as("alice@pve", "alice-password");
    opts.login->renew_after = 0s; // renew on every request
    blocking_client pve(opts);
    ASSERT_TRUE(pve.nodes());
    ASSERT_TRUE(pve.nodes());
    ASSERT_TRUE(pve.nodes());
    EXPECT_EQ(logins(), 3u) << "a login, then two renewals";
    auto log = server().request_log();
    for (const auto& e : log) {
        EXPECT_EQ(e.params.find("alice-password"), std::string::npos) << "the request log redacts passwords";
        EXPECT_EQ(e.params.find("PVE:alice@pve"), std::string::npos) << "and tickets";
    }
}

TEST_F(TicketLogin, TokenIsRefusedWhereOnlyTicketsWork) {
    blocking_client pve(token_options());
    auto r = pve.run(pve.async().async_request(http_method::put, "/access/password",
                                               {{"userid", "alice@pve"}, {"password", "new-password-1"}}));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::permission_denied) << r.error().to_string();
}

} // namespace
