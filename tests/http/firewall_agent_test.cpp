// Guest firewall (options, rules, digests) and the QEMU guest agent (exec with polling, ping,
// OS info, NICs, PVE's errors) against the simulator.

#include "sdk_sim_fixture.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/serialize.hpp>

#include <string>

using namespace proxmox;
using namespace std::chrono_literals;

namespace {

std::string vm_path(const guest_summary& vm) {
    return "/nodes/" + vm.node + "/qemu/" + std::to_string(vm.vmid);
}

class FirewallOptions : public proxmox::testing::sdk_sim_fixture {
protected:
    void tune(sim::options& o) override {
        if (test_is("RestrictedTokenNeedsVmPrivileges")) {
            o.users = {{"alice@pve", "alice-pw", "", "PVEAuditor"}};
            o.tokens = {{"root@pam", "sim", "root-secret-1", false},
                        {"alice@pve", "ops", "alice-secret-1", true}};
        }
    }
};
class FirewallRules : public proxmox::testing::sdk_sim_fixture {};
class Agent : public proxmox::testing::sdk_sim_fixture {
protected:
    void tune(sim::options& o) override {
        if (test_is("TimeoutAndCancellationStopThePolling"))
            o.task_seconds = 4; // a guest command runs 2 s
    }

    /// The config value of `key` of a VM, empty when it is not set.
    static std::string config_value(blocking_client& pve, const guest_summary& vm, const char* key) {
        auto config = pve.run(pve.async().async_request(http_method::get, vm_path(vm) + "/config"));
        EXPECT_TRUE(config) << config.error().to_string();
        if (!config)
            return {};
        const auto* v = config->data.as_object().if_contains(key);
        if (!v)
            return {};
        return v->is_string() ? std::string(v->get_string()) : boost::json::serialize(*v);
    }

    /// A running VM (no template) whose config has `agent` set, or not.
    static guest_summary running_vm(blocking_client& pve, bool with_agent) {
        auto all = pve.run(pve.async().cluster().async_resources(resource_filter::vm));
        EXPECT_TRUE(all);
        if (all)
            for (const auto& r : *all)
                if (r.type == "qemu" && !r.is_template && r.status == "running") {
                    auto g = r.to_guest();
                    if (config_value(pve, g, "agent").empty() != with_agent)
                        return g;
                }
        ADD_FAILURE() << "no running VM " << (with_agent ? "with" : "without") << " an agent";
        return {};
    }
};

TEST_F(FirewallOptions, RoundTripAndDigestConflict) {
    blocking_client pve(token_options());
    const auto fw = pve.async().node("pve").qemu(100).firewall();
    auto fresh = pve.run(fw.async_options());
    ASSERT_TRUE(fresh) << fresh.error().to_string();
    EXPECT_FALSE(fresh->enable); // nothing set yet: PVE fills in no defaults
    EXPECT_FALSE(fresh->policy_in);
    ASSERT_FALSE(fresh->digest.empty());

    firewall_options changes;
    changes.enable = true;
    changes.policy_in = firewall_policy::drop;
    changes.policy_out = firewall_policy::reject;
    changes.dhcp = true;
    changes.macfilter = false;
    changes.log_level_in = firewall_log_level::info;
    changes.digest = fresh->digest;
    ASSERT_TRUE(pve.run(fw.async_set_options(changes)));

    auto now = pve.run(fw.async_options());
    ASSERT_TRUE(now) << now.error().to_string();
    EXPECT_EQ(now->enable, true);
    EXPECT_EQ(now->policy_in, firewall_policy::drop);
    EXPECT_EQ(now->policy_out, firewall_policy::reject);
    EXPECT_EQ(now->dhcp, true);
    EXPECT_EQ(now->macfilter, false);
    EXPECT_EQ(now->log_level_in, firewall_log_level::info);
    EXPECT_FALSE(now->log_level_out);
    EXPECT_NE(now->digest, fresh->digest);

    // a write based on the old read is refused, the options stay
    firewall_options stale;
    stale.enable = false;
    stale.digest = fresh->digest;
    auto conflict = pve.run(fw.async_set_options(stale));
    ASSERT_FALSE(conflict);
    EXPECT_EQ(conflict.error().code, errc::server_error);
    EXPECT_NE(conflict.error().message.find("detected modified configuration"), std::string::npos)
        << conflict.error().message;
    auto after = pve.run(fw.async_options());
    ASSERT_TRUE(after);
    EXPECT_EQ(after->enable, true);

    firewall_options reset;
    reset.remove = {"policy_out", "dhcp"};
    ASSERT_TRUE(pve.run(fw.async_set_options(reset)));
    after = pve.run(fw.async_options());
    ASSERT_TRUE(after);
    EXPECT_FALSE(after->policy_out);
    EXPECT_FALSE(after->dhcp);
    EXPECT_EQ(after->policy_in, firewall_policy::drop);
}

TEST_F(FirewallOptions, RestrictedTokenNeedsVmPrivileges) {
    blocking_client root(token_options());
    ASSERT_TRUE(root.run(root.async().access().async_assign(
        {.path = "/vms/100", .roles = {"PVEVMAdmin"}, .subjects = {acl_subject::token("alice@pve!ops")}})));
    auto o = token_options();
    o.token = {"alice@pve!ops", "alice-secret-1"};
    blocking_client token(o);
    auto own = token.run(token.async().node("pve").qemu(100).firewall().async_rules());
    EXPECT_TRUE(own) << own.error().to_string();
    auto other = token.run(token.async().node("pve2").qemu(101).firewall().async_rules());
    ASSERT_FALSE(other);
    EXPECT_EQ(other.error().code, errc::permission_denied);
    EXPECT_NE(other.error().message.find("/vms/101"), std::string::npos) << other.error().message;
    // the token's user is only an auditor: the intersection cannot write
    auto write =
        token.run(token.async().node("pve").qemu(100).firewall().async_set_options({.enable = true}));
    ASSERT_FALSE(write);
    EXPECT_EQ(write.error().code, errc::permission_denied);
}

TEST_F(FirewallRules, AddUpdateMoveDelete) {
    blocking_client pve(token_options());
    const auto fw = pve.async().node("pve").qemu(100).firewall();
    ASSERT_TRUE(pve.run(fw.async_add_rule({.type = firewall_rule_type::in,
                                           .action = "ACCEPT",
                                           .macro = "SSH",
                                           .comment = "admin",
                                           .enable = true})));
    ASSERT_TRUE(pve.run(fw.async_add_rule({.type = firewall_rule_type::in,
                                           .action = "ACCEPT",
                                           .source = "10.0.0.0/8",
                                           .proto = "tcp",
                                           .dport = "80,443",
                                           .log = firewall_log_level::warning})));
    auto rules = pve.run(fw.async_rules());
    ASSERT_TRUE(rules) << rules.error().to_string();
    ASSERT_EQ(rules->size(), 2u);
    const auto& web = (*rules)[0]; // new rules go first
    EXPECT_EQ(web.pos, 0);
    EXPECT_EQ(web.proto, "tcp");
    EXPECT_EQ(web.dport, "80,443");
    EXPECT_EQ(web.source, "10.0.0.0/8");
    EXPECT_EQ(web.log, firewall_log_level::warning);
    EXPECT_FALSE(web.enable); // PVE adds rules disabled unless asked
    const auto& ssh = (*rules)[1];
    EXPECT_EQ(ssh.pos, 1);
    EXPECT_EQ(ssh.macro, "SSH");
    EXPECT_EQ(ssh.type, firewall_rule_type::in);
    EXPECT_TRUE(ssh.enable);
    EXPECT_EQ(ssh.comment, "admin");
    const auto digest = ssh.digest;
    ASSERT_FALSE(digest.empty());
    EXPECT_EQ(web.digest, digest); // one digest for the whole list

    firewall_rule_update enable;
    enable.enable = true;
    enable.comment = "web";
    enable.remove = {"log"};
    enable.digest = digest;
    ASSERT_TRUE(pve.run(fw.async_update_rule(0, enable)));
    auto one = pve.run(fw.async_rule(0));
    ASSERT_TRUE(one) << one.error().to_string();
    EXPECT_TRUE(one->enable);
    EXPECT_EQ(one->comment, "web");
    EXPECT_FALSE(one->log);

    // the list changed: the old digest is refused
    auto stale = pve.run(fw.async_delete_rule(0, digest));
    ASSERT_FALSE(stale);
    EXPECT_NE(stale.error().message.find("detected modified configuration"), std::string::npos);

    ASSERT_TRUE(pve.run(fw.async_move_rule(0, 2))); // past the end: last
    rules = pve.run(fw.async_rules());
    ASSERT_TRUE(rules);
    ASSERT_EQ(rules->size(), 2u);
    EXPECT_EQ((*rules)[0].macro, "SSH");
    EXPECT_EQ((*rules)[1].comment, "web");

    ASSERT_TRUE(pve.run(fw.async_delete_rule(0, (*rules)[0].digest)));
    rules = pve.run(fw.async_rules());
    ASSERT_TRUE(rules);
    ASSERT_EQ(rules->size(), 1u);
    EXPECT_EQ((*rules)[0].comment, "web");
    auto missing = pve.run(fw.async_rule(5));
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("no rule at position 5"), std::string::npos)
        << missing.error().message;
}

TEST_F(FirewallRules, ContainersHaveTheirOwnFirewall) {
    blocking_client pve(token_options());
    // the containers of the default cluster start at 200; their firewall lives under /lxc/
    const auto fw = pve.async().node("pve2").lxc(200).firewall();
    ASSERT_TRUE(
        pve.run(fw.async_add_rule({.type = firewall_rule_type::out, .action = "DROP", .macro = "DNS"})));
    auto rules = pve.run(fw.async_rules());
    ASSERT_TRUE(rules) << rules.error().to_string();
    ASSERT_EQ(rules->size(), 1u);
    EXPECT_EQ((*rules)[0].type, firewall_rule_type::out);
    EXPECT_EQ(count("POST", "/nodes/pve2/lxc/200/firewall/rules"), 1u);
    auto vm_rules = pve.run(pve.async().node("pve").qemu(100).firewall().async_rules());
    ASSERT_TRUE(vm_rules) << vm_rules.error().to_string();
    EXPECT_TRUE(vm_rules->empty()) << "a VM's firewall is separate";
}

TEST_F(FirewallRules, PveVerifiesRulesAndNamesTheField) {
    blocking_client pve(token_options());
    const auto fw = pve.async().node("pve").qemu(100).firewall();
    auto bad =
        pve.run(fw.async_add_rule({.type = firewall_rule_type::in, .action = "ACCEPT", .dport = "22"}));
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, errc::invalid_parameter);
    ASSERT_TRUE(bad.error().field_errors.contains("proto"));
    EXPECT_NE(bad.error().field_errors.at("proto").find("'dport' requires this property"), std::string::npos);
    auto rules = pve.run(fw.async_rules());
    ASSERT_TRUE(rules);
    EXPECT_TRUE(rules->empty());
}

TEST_F(FirewallRules, BadInputIsRejectedBeforeSending) {
    blocking_client pve(token_options());
    const auto before = server().request_count();
    auto no_action = pve.run(pve.async().node("pve").qemu(100).firewall().async_add_rule({}));
    auto bad_vmid = pve.run(pve.async().node("pve").qemu(42).firewall().async_rules());
    auto no_node = pve.run(pve.async().node("").qemu(100).firewall().async_options());
    auto bad_pos = pve.run(pve.async().node("pve").qemu(100).firewall().async_move_rule(0, -1));
    ASSERT_FALSE(no_action);
    ASSERT_FALSE(bad_vmid);
    ASSERT_FALSE(no_node);
    ASSERT_FALSE(bad_pos);
    for (const auto& e : {no_action.error(), bad_vmid.error(), no_node.error(), bad_pos.error()})
        EXPECT_EQ(e.code, errc::invalid_argument) << e.message;
    EXPECT_NE(no_action.error().message.find("action"), std::string::npos);
    EXPECT_EQ(server().request_count(), before);
}

TEST_F(Agent, ExecRunsCommandsAndCollectsOutput) {
    blocking_client pve(token_options());
    const auto vm = running_vm(pve, true);
    const auto agent = pve.async().node(vm.node).qemu(vm.vmid).agent();
    auto hostname = pve.run(agent.async_exec({"hostname"}));
    ASSERT_TRUE(hostname) << hostname.error().to_string();
    EXPECT_EQ(hostname->exitcode, 0);
    EXPECT_EQ(hostname->out, vm.name + "\n");
    EXPECT_TRUE(hostname->err.empty());
    EXPECT_FALSE(hostname->truncated);
    EXPECT_GT(hostname->pid, 0);
    const auto base = vm_path(vm) + "/agent/";
    EXPECT_EQ(count("POST", base + "exec"), 1u);
    EXPECT_GE(count("GET", base + "exec-status"), 2u); // polled until it exited

    auto release = pve.run(agent.async_exec({"cat", "/etc/os-release"}));
    ASSERT_TRUE(release) << release.error().to_string();
    EXPECT_EQ(release->exitcode, 0);
    EXPECT_NE(release->out.find("PRETTY_NAME="), std::string::npos) << release->out;
    auto os = pve.run(agent.async_os_info());
    ASSERT_TRUE(os) << os.error().to_string();
    EXPECT_FALSE(os->id.empty());
    EXPECT_NE(release->out.find("ID=" + os->id + "\n"), std::string::npos) << release->out;
    EXPECT_NE(release->out.find(os->pretty_name), std::string::npos);

    auto failing = pve.run(agent.async_exec({"false"}));
    ASSERT_TRUE(failing) << failing.error().to_string();
    EXPECT_EQ(failing->exitcode, 1); // a failing program is a result, not an error
    auto stderr_output = pve.run(agent.async_exec({"uname", "-x"}));
    ASSERT_TRUE(stderr_output);
    EXPECT_NE(stderr_output->exitcode, 0);
    EXPECT_FALSE(stderr_output->err.empty());

    auto echo = pve.run(agent.async_exec({"cat"}, {.input = std::string("piped text\n")}));
    ASSERT_TRUE(echo) << echo.error().to_string();
    EXPECT_EQ(echo->out, "piped text\n");
}

TEST_F(Agent, MissingProgramIsPvesAgentError) {
    blocking_client pve(token_options());
    const auto vm = running_vm(pve, true);
    auto r = pve.run(pve.async().node(vm.node).qemu(vm.vmid).agent().async_exec({"no-such-tool"}));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().http_status, 500u);
    EXPECT_NE(r.error().message.find("Agent error"), std::string::npos) << r.error().message;
}

TEST_F(Agent, TimeoutAndCancellationStopThePolling) {
    blocking_client pve(token_options());
    const auto vm = running_vm(pve, true);
    const auto agent = pve.async().node(vm.node).qemu(vm.vmid).agent();
    auto timed_out = pve.run(agent.async_exec({"hostname"}, {.timeout = 150ms, .poll_interval = 20ms}));
    ASSERT_FALSE(timed_out);
    EXPECT_EQ(timed_out.error().code, errc::timeout);
    EXPECT_NE(timed_out.error().message.find("still running"), std::string::npos);

    boost::asio::io_context io;
    client c(io.get_executor(), token_options());
    boost::asio::cancellation_signal cancel;
    std::optional<result<agent_exec_result>> out;
    c.node(vm.node).qemu(vm.vmid).agent().async_exec(
        {"hostname"}, {.timeout = 0ms, .poll_interval = 20ms},
        boost::asio::bind_cancellation_slot(cancel.slot(),
                                            [&](result<agent_exec_result> r) { out = std::move(r); }));
    boost::asio::steady_timer timer(io);
    timer.expires_after(300ms);
    timer.async_wait([&](auto) { cancel.emit(boost::asio::cancellation_type::terminal); });
    const auto begun = std::chrono::steady_clock::now();
    io.run();
    ASSERT_TRUE(out);
    ASSERT_FALSE(*out);
    EXPECT_EQ(out->error().code, boost::asio::error::operation_aborted);
    EXPECT_LT(std::chrono::steady_clock::now() - begun, 1900ms);
}

TEST_F(Agent, PingOsInfoAndInterfaces) {
    blocking_client pve(token_options());
    const auto vm = running_vm(pve, true);
    const auto agent = pve.async().node(vm.node).qemu(vm.vmid).agent();
    ASSERT_TRUE(pve.run(agent.async_ping()));
    EXPECT_EQ(count("POST", vm_path(vm) + "/agent/ping"), 1u);
    auto nics = pve.run(agent.async_network_interfaces());
    ASSERT_TRUE(nics) << nics.error().to_string();
    auto eth = std::find_if(nics->begin(), nics->end(), [](const auto& n) { return n.name != "lo"; });
    ASSERT_NE(eth, nics->end());
    // the guest's MAC is net0's
    auto net0 = config_value(pve, vm, "net0");
    std::string mac = eth->hardware_address;
    std::transform(mac.begin(), mac.end(), mac.begin(), [](unsigned char ch) { return std::toupper(ch); });
    EXPECT_NE(net0.find(mac), std::string::npos) << net0 << " vs " << mac;
    auto v4 = std::find_if(eth->addresses.begin(), eth->addresses.end(),
                           [](const auto& a) { return a.type == "ipv4"; });
    ASSERT_NE(v4, eth->addresses.end());
    EXPECT_EQ(v4->prefix, 24);
    EXPECT_FALSE(v4->address.empty());
}

TEST_F(Agent, UnavailableAgentIsPvesError) {
    blocking_client pve(token_options());
    const auto stopped = vm_in(pve, "stopped");
    auto not_running = pve.run(pve.async().node(stopped.node).qemu(stopped.vmid).agent().async_ping());
    ASSERT_FALSE(not_running);
    EXPECT_EQ(not_running.error().code, errc::server_error);
    EXPECT_NE(not_running.error().message.find("VM " + std::to_string(stopped.vmid) + " is not running"),
              std::string::npos)
        << not_running.error().message;

    const auto plain = running_vm(pve, false);
    auto unconfigured =
        pve.run(pve.async().node(plain.node).qemu(plain.vmid).agent().async_exec({"hostname"}));
    ASSERT_FALSE(unconfigured);
    EXPECT_NE(unconfigured.error().message.find("No QEMU guest agent configured"), std::string::npos)
        << unconfigured.error().message;

    // configured but switched off: qemu-ga cannot answer once the VM runs
    auto off =
        pve.run(pve.async().async_request(http_method::put, vm_path(stopped) + "/config", {{"agent", "0"}}));
    ASSERT_TRUE(off) << off.error().to_string();
    auto started = pve.run(pve.async().node(stopped.node).qemu(stopped.vmid).async_start());
    ASSERT_TRUE(started);
    ASSERT_TRUE(pve.run(started->async_wait()));
    auto silent = pve.run(pve.async().node(stopped.node).qemu(stopped.vmid).agent().async_os_info());
    ASSERT_FALSE(silent);
    EXPECT_NE(silent.error().message.find("QEMU guest agent is not running"), std::string::npos)
        << silent.error().message;
}

TEST_F(Agent, BadInputIsRejectedBeforeSending) {
    blocking_client pve(token_options());
    const auto before = server().request_count();
    auto empty = pve.run(pve.async().node("pve").qemu(100).agent().async_exec({}));
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().code, errc::invalid_argument);
    auto bad_vmid = pve.run(pve.async().node("pve").qemu(7).agent().async_ping());
    ASSERT_FALSE(bad_vmid);
    EXPECT_EQ(bad_vmid.error().code, errc::invalid_argument);
    EXPECT_EQ(server().request_count(), before);
}

} // namespace
