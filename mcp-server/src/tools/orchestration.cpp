// proxmox-register-vm-as-host, -guest-exec.
#include "caller_text.hpp"
#include "policy.hpp"
#include "tools/guest.hpp"
#include "tools/plan.hpp"
#include "tools/tools.hpp"

#include <proxmox/client.hpp>
#include <proxmox/generated/nodes_qemu.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <vector>

namespace proxmox::mcp::tools {

namespace asio = boost::asio;
namespace gen = proxmox::gen;

namespace {

/// The fix for PVE's guest agent errors (Agent.pm assert_agent_available), or empty.
std::string agent_fix(const proxmox::error& e, const proxmox::guest_summary& g) {
    const std::string& m = e.message;
    if (m.find("No QEMU guest agent configured") != std::string::npos)
        return fmt::format(
            "enable the QEMU guest agent: proxmox-configure-vm {{\"vmid\": {}, \"params\": "
            "{{\"agent\": \"1\"}}}}, install qemu-guest-agent in the guest, then restart the VM",
            g.vmid);
    if (m.find("guest agent is not running") != std::string::npos)
        return "install and start the QEMU guest agent inside the guest (Debian/Ubuntu: apt install "
               "qemu-guest-agent && systemctl enable --now qemu-guest-agent)";
    if (m.find("is not running") != std::string::npos)
        return fmt::format("start it with proxmox-start-vm {{\"vmid\": {}}}", g.vmid);
    return {};
}

tool_result agent_failure(std::string_view what, const proxmox::error& e, const proxmox::guest_summary& g) {
    auto fix = agent_fix(e, g);
    if (fix.empty())
        return failure(what, e);
    return tool_result::failure(
        fmt::format("{}: {}. Fix: {}.", what, quote_text(describe(e), max_error_text), fix));
}

tool_result not_running(const proxmox::guest_summary& g) {
    return tool_result::failure(
        fmt::format("{} is {}: the guest agent answers only while it runs. Fix: start "
                    "it with proxmox-start-vm {{\"vmid\": {}}}.",
                    guest_label(g), g.status, g.vmid));
}

// ---- register-vm-as-host ------------------------------------------------------------------------

/// Addresses an SSH client can reach: not loopback, link-local or unspecified.
bool reachable(std::string_view text) {
    boost::system::error_code ec;
    const auto a = asio::ip::make_address(std::string(text), ec);
    if (ec || a.is_unspecified() || a.is_loopback() || a.is_multicast())
        return false;
    if (a.is_v4())
        return (a.to_v4().to_uint() >> 16) != 0xA9FE; // 169.254.0.0/16
    const auto v6 = a.to_v6();
    if (v6.is_v4_mapped())
        return reachable(asio::ip::make_address_v4(asio::ip::v4_mapped, v6).to_string());
    return !v6.is_link_local(); // fe80::/10
}

bool safe_word(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '.' || c == '_' || c == '-' || c == '@';
    });
}

asio::awaitable<tool_result> register_host(tool_context ctx, json::object args) {
    const std::string user = arg_string(args, "ssh_user").value_or("root");
    const auto key_path = arg_string(args, "ssh_private_key_path");
    const auto prefer = arg_string(args, "prefer_interface");
    if (!safe_word(user))
        co_return tool_result::failure(fmt::format("ssh_user '{}' is not a login name. Fix: use letters, "
                                                   "digits, '.', '_', '-' or '@', e.g. \"root\".",
                                                   quote_text(user)));
    if (key_path &&
        (key_path->empty() || std::any_of(key_path->begin(), key_path->end(),
                                          [](unsigned char c) { return c < ' ' || c == 0x7f || c == '"'; })))
        co_return tool_result::failure(
            "ssh_private_key_path must be a file path without control characters or quotes. Fix: pass the "
            "path of the key on the Ansible controller, e.g. \"~/.ssh/id_ed25519\".");

    auto guest = co_await resolve_guest(ctx, args, proxmox::guest_type::qemu);
    if (!guest)
        co_return guest.failure();
    const auto& g = *guest;
    if (g.status != "running")
        co_return not_running(g);

    const std::string what =
        fmt::format("Reading the network of {} through its guest agent failed", guest_label(g));
    const auto agent = ctx.client->node(g.node).qemu(g.vmid).agent();
    auto nics = co_await agent.async_network_interfaces(asio::use_awaitable);
    if (!nics)
        co_return agent_failure(what, nics.error(), g);

    json::array addresses;
    std::string chosen, chosen_nic;
    bool chosen_v6 = true;
    std::vector<std::string> nic_names;
    bool prefer_found = false;
    for (const auto& nic : *nics) {
        nic_names.push_back(nic.name);
        const bool preferred = prefer && nic.name == *prefer;
        prefer_found = prefer_found || preferred;
        for (const auto& a : nic.addresses) {
            if (!reachable(a.address))
                continue;
            addresses.push_back(
                json::object{{"interface", nic.name}, {"address", a.address}, {"type", a.type}});
            const bool v6 = a.type == "ipv6" || a.address.find(':') != std::string::npos;
            if (prefer) {
                if (preferred && chosen.empty()) {
                    chosen = a.address;
                    chosen_nic = nic.name;
                }
                continue;
            }
            // the first IPv4 address, else the first IPv6 one
            if (chosen.empty() || (chosen_v6 && !v6)) {
                chosen = a.address;
                chosen_nic = nic.name;
                chosen_v6 = v6;
            }
        }
    }
    if (prefer && !prefer_found)
        co_return tool_result::failure(fmt::format("{} has no interface '{}'. Fix: pass one of its "
                                                   "interfaces as prefer_interface: {} (or leave it out).",
                                                   guest_label(g), quote_text(*prefer),
                                                   fmt::join(nic_names, ", ")));
    if (chosen.empty())
        co_return tool_result::failure(
            fmt::format("{} reports no usable address{} (only loopback or link-local ones). Fix: check the "
                        "guest's network "
                        "(DHCP, cloud-init ipconfig0){}.",
                        guest_label(g), prefer ? fmt::format(" on '{}'", quote_text(*prefer)) : std::string(),
                        prefer ? " or pick another prefer_interface" : ""));

    const std::string host = safe_word(g.name) ? g.name : fmt::format("vm{}", g.vmid);
    json::object vars{
        {"ansible_host", chosen}, {"ansible_user", user}, {"proxmox_vmid", g.vmid}, {"proxmox_node", g.node}};
    std::string ini = fmt::format("[proxmox]\n{} ansible_host={} ansible_user={}", host, chosen, user);
    if (key_path) {
        vars["ansible_ssh_private_key_file"] = *key_path;
        const bool blank = key_path->find_first_of(" \t") != std::string::npos;
        ini += blank ? fmt::format(" ansible_ssh_private_key_file=\"{}\"", *key_path)
                     : fmt::format(" ansible_ssh_private_key_file={}", *key_path);
    }
    ini += fmt::format(" proxmox_vmid={} proxmox_node={}\n", g.vmid, g.node);
    json::object inventory{
        {"all",
         json::object{
             {"children",
              json::object{{"proxmox", json::object{{"hosts", json::object{{host, std::move(vars)}}}}}}}}}};
    co_return tool_result::success({{"vmid", g.vmid},
                                    {"node", g.node},
                                    {"host", host},
                                    {"ansible_host", chosen},
                                    {"interface", chosen_nic},
                                    {"addresses", std::move(addresses)},
                                    {"inventory", std::move(inventory)},
                                    {"ini", std::move(ini)}});
}

// ---- guest-exec ---------------------------------------------------------------------------------

inline constexpr std::size_t output_cap = 16 * 1024;
inline constexpr std::int64_t default_exec_timeout = 30;
inline constexpr std::int64_t max_exec_timeout = 300;

/// A command line split like a shell does words: blanks separate, '...' and "..." quote, a
/// backslash escapes the next character (outside single quotes). nullopt when a quote is open.
std::optional<std::vector<std::string>> split_command(std::string_view line) {
    std::vector<std::string> words;
    std::string cur;
    bool in_word = false;
    char quote = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quote == '\'') {
            if (c == '\'')
                quote = 0;
            else
                cur += c;
            continue;
        }
        if (c == '\\' && i + 1 < line.size() && (quote == 0 || line[i + 1] == '"' || line[i + 1] == '\\')) {
            cur += line[++i];
            in_word = true;
            continue;
        }
        if (quote == '"') {
            if (c == '"')
                quote = 0;
            else
                cur += c;
            continue;
        }
        if (c == '\'' || c == '"') {
            quote = c;
            in_word = true;
        } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (in_word)
                words.push_back(std::move(cur));
            cur.clear();
            in_word = false;
        } else {
            cur += c;
            in_word = true;
        }
    }
    if (quote != 0)
        return std::nullopt;
    if (in_word)
        words.push_back(std::move(cur));
    return words;
}

/// At most output_cap bytes of `s`, cut on a UTF-8 boundary; sets `cut` when it shortened.
std::string capped(std::string s, bool& cut) {
    if (s.size() <= output_cap)
        return s;
    std::size_t end = output_cap;
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80)
        --end;
    s.resize(end);
    cut = true;
    return s;
}

bool truthy(const json::value* v) {
    if (!v)
        return false;
    if (v->is_bool())
        return v->get_bool();
    if (v->is_int64())
        return v->get_int64() != 0;
    if (v->is_uint64())
        return v->get_uint64() != 0;
    if (v->is_string())
        return v->get_string() == "1" || v->get_string() == "true";
    return false;
}

/// An integer field of the agent's answer: a JSON number, or a number as text.
std::optional<std::int64_t> int_field(const json::object& o, std::string_view key) {
    if (const auto* v = o.if_contains(key); v && v->is_string())
        try {
            return std::stoll(std::string(v->get_string()));
        } catch (...) {
            return std::nullopt;
        }
    return arg_int(o, key);
}

std::string text_field(const json::object& o, std::string_view key) {
    if (const auto* v = o.if_contains(key); v && v->is_string())
        return std::string(v->get_string());
    return {};
}

asio::awaitable<tool_result> guest_exec(tool_context ctx, json::object args) {
    const std::string command = arg_string(args, "command").value_or("");
    std::vector<std::string> argv;
    if (const auto* extra = args.if_contains("args"); extra && extra->is_array()) {
        argv.push_back(command); // with args: command is the program, as given
        for (const auto& a : extra->get_array()) {
            if (!a.is_string() || a.get_string().size() > 4096)
                co_return tool_result::failure("args must be a list of strings (each at most 4096 "
                                               "characters). Fix: pass e.g. [\"-a\"].");
            argv.emplace_back(a.get_string());
        }
    } else {
        auto words = split_command(command);
        if (!words)
            co_return tool_result::failure(fmt::format(
                "command '{}' has an unclosed quote. Fix: close it, or pass the program as command and its "
                "arguments as args (a list).",
                quote_text(command)));
        argv = std::move(*words);
    }
    if (argv.empty() || argv.front().empty())
        co_return tool_result::failure(
            "command is empty. Fix: pass the program to run, e.g. \"uname\" with args [\"-a\"].");
    const auto input = arg_string(args, "input_data");
    const auto timeout = std::chrono::seconds(std::clamp<std::int64_t>(
        arg_int(args, "timeout").value_or(default_exec_timeout), 1, max_exec_timeout));

    auto guest = co_await resolve_guest(ctx, args, proxmox::guest_type::qemu);
    if (!guest)
        co_return guest.failure();
    const auto& g = *guest;
    const auto node = g.node;
    const auto vmid = static_cast<std::int64_t>(g.vmid);

    std::string line;
    for (const auto& a : argv)
        line += (line.empty() ? "" : " ") + a;
    write_plan plan(fmt::format("run '{}' in {}", quote_text(line, 120), guest_label(g)));
    const bool running = g.status == "running";
    plan.check("VM is running", running,
               running ? "" : fmt::format("it is {}; start it with proxmox-start-vm", g.status));
    if (running) {
        // GET agent/info: the agent is configured and answers (PVE's own precondition of exec)
        const gen::nodes_qemu_agent_info_get_params probe{.node = node, .vmid = vmid};
        auto info = co_await ctx.client->async_call(probe, asio::use_awaitable);
        std::string detail;
        if (!info) {
            detail = agent_fix(info.error(), g);
            if (detail.empty())
                detail = quote_text(describe(info.error()), 300);
        }
        plan.check("QEMU guest agent answers", info.has_value(), std::move(detail));
    }
    plan.add(gen::nodes_qemu_agent_exec_post_params{
        .node = node, .vmid = vmid, .command = argv, .input_data = input});
    if (auto answer = gate(ctx, plan))
        co_return std::move(*answer);

    const std::string what = fmt::format("Running '{}' in {} failed", quote_text(line), guest_label(g));
    auto sent = co_await send_plan(ctx, plan, what);
    if (!sent)
        co_return sent.failure();
    std::optional<std::int64_t> pid;
    if (const auto* o = sent->data.if_object())
        pid = int_field(*o, "pid");
    if (!pid)
        co_return tool_result::failure(fmt::format("{}: the guest agent answered no pid", what));

    // Poll exec-status until the program exits; qemu-ga forgets the pid once it reported the end.
    const auto start = std::chrono::steady_clock::now();
    auto interval = std::chrono::milliseconds(100);
    asio::steady_timer timer(co_await asio::this_coro::executor);
    double polls = 0;
    for (;;) {
        const gen::nodes_qemu_agent_exec_status_get_params query{.node = node, .vmid = vmid, .pid = *pid};
        auto status = co_await ctx.client->async_call(query, asio::use_awaitable);
        if (!status)
            co_return agent_failure(fmt::format("{} (reading the status of pid {})", what, *pid),
                                    status.error(), g);
        const auto* o = status->data.if_object();
        if (o && truthy(o->if_contains("exited"))) {
            bool out_cut = truthy(o->if_contains("out-truncated"));
            bool err_cut = truthy(o->if_contains("err-truncated"));
            json::object out{{"vmid", g.vmid},
                             {"node", g.node},
                             {"pid", *pid},
                             {"exitcode", int_field(*o, "exitcode").value_or(-1)},
                             {"stdout", capped(text_field(*o, "out-data"), out_cut)},
                             {"stderr", capped(text_field(*o, "err-data"), err_cut)}};
            out["stdout_truncated"] = out_cut;
            out["stderr_truncated"] = err_cut;
            if (auto signal = int_field(*o, "signal"))
                out["signal"] = *signal;
            co_return tool_result::success(std::move(out));
        }
        const auto elapsed = std::chrono::steady_clock::now() - start;
        if (elapsed >= timeout)
            co_return tool_result::failure(
                fmt::format(
                    "{}: still running after {} s (pid {}); it keeps running in the guest. Fix: raise "
                    "timeout (at most {} s), or start long jobs in the background (e.g. via systemd-run).",
                    what, timeout.count(), *pid, max_exec_timeout),
                {{"pid", *pid}, {"vmid", g.vmid}});
        if (ctx.progress) {
            polls += 1;
            ctx.progress(polls, std::nullopt, fmt::format("pid {} running", *pid));
        }
        timer.expires_after(std::min<std::chrono::steady_clock::duration>(interval, timeout - elapsed));
        auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        if (ec)
            co_return tool_result::failure(fmt::format(
                "{}: stopped waiting (cancelled); pid {} keeps running in the guest", what, *pid));
        interval = std::min<std::chrono::milliseconds>(interval * 2, std::chrono::milliseconds(1000));
    }
}

json::object string_list() {
    return {{"type", "array"}, {"maxItems", 256}}; // items: checked in guest_exec
}

} // namespace

void register_orchestration_tools(tool_registry& registry) {
    registry.add({
        .name = "proxmox-register-vm-as-host",
        .title = "Ansible inventory for a VM",
        .description = "Ansible inventory JSON+INI for a running VM.",
        .input_schema = input_schema(
            merged(selector_props(),
                   {{"ssh_user", json::object{{"type", "string"}, {"maxLength", max_name_length}}},
                    {"ssh_private_key_path", json::object{{"type", "string"}, {"maxLength", 1024}}},
                    {"prefer_interface", json::object{{"type", "string"}, {"maxLength", max_name_length}}}})),
        .output_schema = output_schema(merged(fields({{"vmid", "integer"},
                                                      {"node", "string"},
                                                      {"host", "string"},
                                                      {"ansible_host", "string"},
                                                      {"interface", "string"},
                                                      {"inventory", "object"},
                                                      {"ini", "string"}}),
                                              {{"addresses", json::object{{"type", "array"}}}})),
        .annotations = {.idempotent = true},
        .handler = register_host,
    });
    registry.add({
        .name = "proxmox-guest-exec",
        .title = "Run a command in a VM",
        .description = "Run a command in a VM via its guest agent (timeout: 30 s).",
        .input_schema = input_schema(
            merged(selector_props(),
                   {{"command", json::object{{"type", "string"}, {"minLength", 1}, {"maxLength", 4096}}},
                    {"args", string_list()},
                    {"input_data", json::object{{"type", "string"}, {"maxLength", 65536}}},
                    {"timeout",
                     json::object{{"type", "integer"}, {"minimum", 1}, {"maximum", max_exec_timeout}}}}),
            {"command"}),
        .output_schema = output_schema(fields({{"vmid", "integer"},
                                               {"node", "string"},
                                               {"pid", "integer"},
                                               {"exitcode", "integer"},
                                               {"signal", "integer"},
                                               {"stdout", "string"},
                                               {"stderr", "string"},
                                               {"stdout_truncated", "boolean"},
                                               {"stderr_truncated", "boolean"}})),
        .annotations = {.idempotent = false},
        .handler = guest_exec,
        .safety = tool_safety::destructive,
        .requires_switch = "guest_exec",
    });
}

} // namespace proxmox::mcp::tools
