// QEMU guest agent calls (qemu-server API2/Qemu/Agent.pm, QemuServer/Agent.pm): the answers are
// what qemu-ga in a Debian, Ubuntu or Windows guest sends, derived from the VM's config.
// guest-exec runs a few well-known programs deterministically (agent_exec.cpp).
#include "endpoints/agent.hpp"
#include "endpoints/guests.hpp"
#include "endpoints/handlers.hpp"

#include <boost/json/array.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace proxmox::sim::detail {

namespace json = boost::json;

namespace {

/// The commands Agent.pm registers one endpoint each for, plus the manual ones (the index).
constexpr std::string_view agent_commands[] = {
    "exec",
    "exec-status",
    "file-read",
    "file-write",
    "fsfreeze-freeze",
    "fsfreeze-status",
    "fsfreeze-thaw",
    "fstrim",
    "get-fsinfo",
    "get-host-name",
    "get-memory-block-info",
    "get-memory-blocks",
    "get-osinfo",
    "get-time",
    "get-timezone",
    "get-users",
    "get-vcpus",
    "info",
    "network-get-interfaces",
    "ping",
    "set-user-password",
    "shutdown",
    "suspend-disk",
    "suspend-hybrid",
    "suspend-ram",
};

/// QemuServer/Agent.pm assert_agent_available after load_config: the `agent` key must exist, the
/// VM must run, and qemu-ga must answer guest-ping (it cannot while the agent is disabled, as
/// QEMU then has no agent channel).
guest_state& agent_guest(call_context& ctx) {
    guest_state& g = local_guest(ctx, guest_kind::qemu);
    if (!config_value(g, "agent"))
        raise_error("No QEMU guest agent configured\n");
    if (!g.running)
        raise_error(fmt::format("VM {} is not running\n", g.vmid));
    if (!g.agent)
        raise_error("QEMU guest agent is not running\n");
    return g;
}

json::value wrap(json::value result) {
    return json::object{{"result", std::move(result)}};
}

json::object osinfo(const guest_state& g) {
    if (windows_guest(g))
        return {{"id", "mswindows"},
                {"kernel-release", "26100"},
                {"kernel-version", "10.0"},
                {"machine", "x86_64"},
                {"name", "Microsoft Windows"},
                {"pretty-name", "Windows Server 2025 Datacenter"},
                {"variant", "server"},
                {"variant-id", "server"},
                {"version", "Microsoft Windows Server 2025"},
                {"version-id", "2025"}};
    if (g.name.find("ubuntu") != std::string::npos)
        return {{"id", "ubuntu"},
                {"kernel-release", "6.8.0-60-generic"},
                {"kernel-version", "#63-Ubuntu SMP PREEMPT_DYNAMIC Tue Apr 15 19:04:15 UTC 2025"},
                {"machine", "x86_64"},
                {"name", "Ubuntu"},
                {"pretty-name", "Ubuntu 24.04.2 LTS"},
                {"version", "24.04.2 LTS (Noble Numbat)"},
                {"version-id", "24.04"}};
    return {{"id", "debian"},
            {"kernel-release", "6.12.48+deb13-amd64"},
            {"kernel-version", "#1 SMP PREEMPT_DYNAMIC Debian 6.12.48-1 (2025-09-20)"},
            {"machine", "x86_64"},
            {"name", "Debian GNU/Linux"},
            {"pretty-name", "Debian GNU/Linux 13 (trixie)"},
            {"version", "13 (trixie)"},
            {"version-id", "13"}};
}

json::object nic_statistics(std::uint64_t rx, std::uint64_t tx) {
    return {{"rx-bytes", rx}, {"rx-dropped", 0}, {"rx-errs", 0}, {"rx-packets", rx / 900},
            {"tx-bytes", tx}, {"tx-dropped", 0}, {"tx-errs", 0}, {"tx-packets", tx / 700}};
}

std::string lower(std::string s) {
    for (auto& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

/// guest-network-get-interfaces: loopback and the NIC behind net0.
json::array network_interfaces(const guest_state& g, epoch_seconds now) {
    json::array out;
    const auto up = static_cast<std::uint64_t>(g.uptime(now));
    const bool windows = windows_guest(g);
    if (!windows)
        out.push_back(json::object{
            {"name", "lo"},
            {"hardware-address", "00:00:00:00:00:00"},
            {"ip-addresses",
             json::array{
                 json::object{{"ip-address-type", "ipv4"}, {"ip-address", "127.0.0.1"}, {"prefix", 8}},
                 json::object{{"ip-address-type", "ipv6"}, {"ip-address", "::1"}, {"prefix", 128}}}},
            {"statistics", nic_statistics(up * 300, up * 300)}});
    if (auto mac = guest_mac(g)) {
        out.push_back(json::object{
            {"name", windows ? "Ethernet" : "eth0"},
            {"hardware-address", lower(*mac)},
            {"ip-addresses",
             json::array{
                 json::object{{"ip-address-type", "ipv4"}, {"ip-address", guest_ipv4(g)}, {"prefix", 24}},
                 json::object{
                     {"ip-address-type", "ipv6"}, {"ip-address", link_local_ipv6(*mac)}, {"prefix", 64}}}},
            {"statistics", nic_statistics(g.netin_rate * up, g.netout_rate * up)}});
    }
    if (windows)
        out.push_back(json::object{
            {"name", "Loopback Pseudo-Interface 1"},
            {"ip-addresses",
             json::array{
                 json::object{{"ip-address-type", "ipv6"}, {"ip-address", "::1"}, {"prefix", 128}},
                 json::object{{"ip-address-type", "ipv4"}, {"ip-address", "127.0.0.1"}, {"prefix", 8}}}}});
    return out;
}

json::value agent_info() {
    json::array supported;
    for (std::string_view c : {"guest-exec",
                               "guest-exec-status",
                               "guest-file-close",
                               "guest-file-open",
                               "guest-file-read",
                               "guest-file-write",
                               "guest-fsfreeze-freeze",
                               "guest-fsfreeze-status",
                               "guest-fsfreeze-thaw",
                               "guest-fstrim",
                               "guest-get-fsinfo",
                               "guest-get-host-name",
                               "guest-get-memory-block-info",
                               "guest-get-memory-blocks",
                               "guest-get-osinfo",
                               "guest-get-time",
                               "guest-get-timezone",
                               "guest-get-users",
                               "guest-get-vcpus",
                               "guest-info",
                               "guest-network-get-interfaces",
                               "guest-ping",
                               "guest-set-user-password",
                               "guest-shutdown",
                               "guest-suspend-disk",
                               "guest-suspend-hybrid",
                               "guest-suspend-ram",
                               "guest-sync",
                               "guest-sync-delimited"})
        supported.push_back(
            json::object{{"name", c}, {"enabled", true}, {"success-response", c != "guest-shutdown"}});
    return json::object{{"version", "9.2.0"}, {"supported_commands", std::move(supported)}};
}

/// One QGA command without parameters (mon_cmd "guest-<cmd>").
json::value simple_command(call_context& ctx, std::string_view cmd) {
    const guest_state& g = agent_guest(ctx);
    if (cmd == "ping")
        return wrap(json::object{});
    if (cmd == "info")
        return wrap(agent_info());
    if (cmd == "get-host-name")
        return wrap(json::object{{"host-name", g.name}});
    if (cmd == "get-osinfo")
        return wrap(osinfo(g));
    if (cmd == "network-get-interfaces")
        return wrap(network_interfaces(g, ctx.now));
    if (cmd == "get-time")
        return wrap(static_cast<std::int64_t>(ctx.now) * 1000000000);
    if (cmd == "get-timezone")
        return wrap(json::object{{"zone", "UTC"}, {"offset", 0}});
    raise_error(fmt::format("proxmox-sim does not implement the QGA command 'guest-{}' yet\n", cmd), 501);
}

json::value get_agent_index(call_context&) {
    json::array out;
    for (auto c : agent_commands)
        out.push_back(json::object{{"name", c}});
    return out;
}

json::value post_agent(call_context& ctx) {
    return simple_command(ctx, *ctx.param("command"));
}
json::value agent_ping(call_context& ctx) {
    return simple_command(ctx, "ping");
}
json::value agent_info_call(call_context& ctx) {
    return simple_command(ctx, "info");
}
json::value agent_host_name(call_context& ctx) {
    return simple_command(ctx, "get-host-name");
}
json::value agent_osinfo(call_context& ctx) {
    return simple_command(ctx, "get-osinfo");
}
json::value agent_interfaces(call_context& ctx) {
    return simple_command(ctx, "network-get-interfaces");
}
json::value agent_time(call_context& ctx) {
    return simple_command(ctx, "get-time");
}
json::value agent_timezone(call_context& ctx) {
    return simple_command(ctx, "get-timezone");
}

/// Agent.pm exec / QemuServer/Agent.pm qemu_exec: guest-exec with captured output; a program
/// the guest does not have fails in g_spawn, which qemu-ga reports as a command failure.
json::value post_agent_exec(call_context& ctx) {
    guest_state& g = agent_guest(ctx);
    std::vector<std::string> argv;
    if (const auto* cmd = ctx.params.if_contains("command")) {
        if (cmd->is_array()) {
            for (const auto& part : cmd->as_array())
                argv.push_back(perl_scalar_text(part).value_or(""));
        } else if (auto text = perl_scalar_text(*cmd)) {
            argv.push_back(*text);
        }
    }
    const auto input = ctx.param("input-data");
    if (argv.empty() && !input)
        raise_error("command or input-data (or both) required\n");
    auto result = run_guest_program(g, argv, input);
    if (!result)
        raise_error(fmt::format("Agent error: Guest agent command failed, error was 'Failed to execute child "
                                "process \u201c{}\u201d (No such file or directory)'\n",
                                argv.empty() ? "" : argv.front()));
    g.agent_next_pid =
        g.agent_next_pid ? g.agent_next_pid + 1 + g.agent_next_pid % 5 : 1200 + (g.vmid * 37) % 2000;
    agent_exec_state proc;
    proc.pid = g.agent_next_pid;
    proc.guest_started = g.started;
    proc.exitcode = result->exitcode;
    proc.out_data = std::move(result->out);
    proc.err_data = std::move(result->err);
    g.agent_execs.push_back(std::move(proc));
    // the program runs a moment; exec-status reports `exited` once it ended
    const auto delay = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(std::max(0.0, ctx.opts.task_seconds * 0.5)));
    ctx.sched.after(delay, [st = &ctx.state, vmid = g.vmid, pid = g.agent_next_pid] {
        if (guest_state* vm = st->find_guest(vmid))
            for (auto& p : vm->agent_execs)
                if (p.pid == pid)
                    p.exited = true;
    });
    return json::object{{"pid", g.agent_next_pid}};
}

/// Agent.pm exec-status: qemu-ga answers `exited: false` while the program runs; once it
/// reported the end it forgets the PID ("Invalid parameter 'pid'" afterwards, and for PIDs of
/// an earlier boot). PVE decodes out-data / err-data and turns booleans into 0/1.
json::value get_agent_exec_status(call_context& ctx) {
    guest_state& g = agent_guest(ctx);
    const auto pid = *ctx.int_param("pid");
    auto it = std::find_if(g.agent_execs.begin(), g.agent_execs.end(), [&](const agent_exec_state& p) {
        return p.pid == pid && p.guest_started == g.started;
    });
    if (it == g.agent_execs.end())
        raise_error("Agent error: Invalid parameter 'pid'\n");
    if (!it->exited)
        return json::object{{"exited", 0}};
    json::object o{{"exited", 1}, {"exitcode", it->exitcode}};
    if (!it->out_data.empty()) {
        o["out-data"] = it->out_data;
        o["out-truncated"] = 0;
    }
    if (!it->err_data.empty()) {
        o["err-data"] = it->err_data;
        o["err-truncated"] = 0;
    }
    g.agent_execs.erase(it);
    return o;
}

} // namespace

std::vector<handler_entry> agent_endpoints() {
    return {
        {"GET", "/nodes/{node}/qemu/{vmid}/agent", &get_agent_index},
        {"POST", "/nodes/{node}/qemu/{vmid}/agent", &post_agent},
        {"POST", "/nodes/{node}/qemu/{vmid}/agent/ping", &agent_ping},
        {"GET", "/nodes/{node}/qemu/{vmid}/agent/info", &agent_info_call},
        {"GET", "/nodes/{node}/qemu/{vmid}/agent/get-host-name", &agent_host_name},
        {"GET", "/nodes/{node}/qemu/{vmid}/agent/get-osinfo", &agent_osinfo},
        {"GET", "/nodes/{node}/qemu/{vmid}/agent/network-get-interfaces", &agent_interfaces},
        {"GET", "/nodes/{node}/qemu/{vmid}/agent/get-time", &agent_time},
        {"GET", "/nodes/{node}/qemu/{vmid}/agent/get-timezone", &agent_timezone},
        {"POST", "/nodes/{node}/qemu/{vmid}/agent/exec", &post_agent_exec},
        {"GET", "/nodes/{node}/qemu/{vmid}/agent/exec-status", &get_agent_exec_status},
    };
}

} // namespace proxmox::sim::detail
