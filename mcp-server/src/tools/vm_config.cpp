// proxmox-configure-vm, -cloudinit-set, -vm-nic-add, -vm-nic-remove, -vm-firewall-set.
#include "caller_text.hpp"
#include "tools/checks.hpp"
#include "tools/guest.hpp"
#include "tools/plan.hpp"
#include "tools/task_wait.hpp"
#include "tools/tools.hpp"

#include <proxmox/client.hpp>
#include <proxmox/generated/field_groups.hpp>
#include <proxmox/generated/nodes_qemu.hpp>
#include <proxmox/models/guest_devices.hpp>
#include <proxmox/models/qemu_config.hpp>

#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

namespace proxmox::mcp::tools {

namespace asio = boost::asio;
namespace gen = proxmox::gen;
using proxmox::guest_type;

namespace {

constexpr int max_nics = 32; // net0 .. net31

/// A config write (`PUT .../config`, PVE applies it before answering): the values, the
/// deletions and the digest of the config the change was planned on.
void add_config_put(write_plan& plan,
                    const proxmox::guest_summary& g,
                    const std::vector<std::pair<std::string, std::string>>& values,
                    const std::vector<std::string>& deletions,
                    const std::string& digest) {
    gen::nodes_qemu_config_put_params p{.node = g.node, .vmid = static_cast<std::int64_t>(g.vmid)};
    if (!deletions.empty())
        p.delete_ = joined(deletions, "");
    if (!digest.empty())
        p.digest = digest;
    auto request = gen::encode(p);
    for (const auto& [key, value] : values)
        request.params.add(key, value);
    plan.add(gen::nodes_qemu_config_put_params::endpoint.method, std::move(request));
}

// ---- proxmox-configure-vm -------------------------------------------------------------------

/// `a,b c;d` -> [a, b, c, d] (PVE's `delete` takes a list separated by commas, spaces or `;`).
std::vector<std::string> split_keys(std::string_view text) {
    std::vector<std::string> out;
    std::string current;
    for (char c : text) {
        if (c == ',' || c == ' ' || c == ';') {
            if (!current.empty())
                out.push_back(std::move(current));
            current.clear();
        } else {
            current += c;
        }
    }
    if (!current.empty())
        out.push_back(std::move(current));
    return out;
}

asio::awaitable<tool_result> configure_vm(tool_context ctx, json::object args) {
    const auto* params = args.if_contains("params");
    if (!params || !params->is_object() || params->get_object().empty())
        co_return tool_result::failure(
            "params is empty. Fix: pass the PVE config keys to change, e.g. {\"params\": {\"cores\": 4, "
            "\"memory\": 4096}}; \"delete\": \"key1,key2\" removes keys.");
    // Every key against PVE's schema first, so one answer names all unknown keys.
    std::vector<std::pair<std::string, std::string>> wanted;
    std::vector<std::string> deletions, unknown;
    for (const auto& kv : params->get_object()) {
        std::string key(kv.key());
        if (key == "delete") {
            if (!kv.value().is_string())
                co_return tool_result::failure(
                    "params.delete must be a string: the keys to remove, comma-separated (\"ide2,net1\").");
            for (auto& k : split_keys(kv.value().get_string()))
                (gen::is_field_key(gen::qemu_config_keys(), k) ? deletions : unknown).push_back(k);
            continue;
        }
        if (!gen::is_field_key(gen::qemu_config_keys(), key)) {
            unknown.push_back(key);
            continue;
        }
        wanted.emplace_back(std::move(key), config_text(kv.value()).value_or(""));
    }
    if (!unknown.empty()) {
        std::vector<std::string> quoted;
        for (const auto& k : unknown)
            quoted.push_back("'" + quote_text(k) + "'");
        co_return tool_result::failure(fmt::format(
            "params: {} {} in PVE's schema. Fix: use PVE's keys (cores, memory, balloon, netN, scsiN, ide2, "
            "agent, onboot, description, ...); proxmox-vm-info shows the VM's config.",
            joined(quoted), unknown.size() == 1 ? "is not a VM config key" : "are not VM config keys"));
    }
    for (const auto& [key, value] : wanted)
        if (std::find(deletions.begin(), deletions.end(), key) != deletions.end())
            co_return tool_result::failure(
                fmt::format("params: '{}' is both set and deleted. Fix: do one of them.", quote_text(key)));

    auto guest = co_await resolve_guest(ctx, args, guest_type::qemu);
    if (!guest)
        co_return guest.failure();
    const auto g = *guest;
    auto config = co_await read_qemu_config(ctx, g);
    if (!config)
        co_return std::move(config.failure());

    // Only what differs from the config is sent.
    std::vector<std::pair<std::string, std::string>> values;
    std::vector<std::string> changed, removed;
    for (const auto& [key, value] : wanted)
        if (config->get(key) != value) {
            values.emplace_back(key, value);
            changed.push_back(key);
        }
    for (const auto& key : deletions)
        if (config->contains(key))
            removed.push_back(key);
    auto out = guest_out(g);
    out["changed"] = string_array(changed);
    out["deleted"] = string_array(removed);
    if (values.empty() && removed.empty()) {
        out["already"] = true;
        co_return tool_result::success(std::move(out));
    }

    std::vector<std::string> summary = changed;
    for (const auto& k : removed)
        summary.push_back("-" + k);
    write_plan plan(fmt::format("change {} of {}", joined(summary), guest_label(g)));
    // POST: PVE runs the change as a task (disk allocation, hot-plug) and answers its UPID.
    gen::nodes_qemu_config_post_params p{.node = g.node, .vmid = static_cast<std::int64_t>(g.vmid)};
    if (!removed.empty())
        p.delete_ = joined(removed, "");
    p.digest = config->digest();
    auto request = gen::encode(p);
    for (const auto& [key, value] : values)
        request.params.add(key, value);
    plan.add(gen::nodes_qemu_config_post_params::endpoint.method, std::move(request));
    std::string what = fmt::format("Could not change the config of {}", guest_label(g));
    out["waited"] = false; // stays so when PVE applies the change without a worker (no UPID)
    co_return co_await run_plan(ctx, args, plan, std::move(out), std::move(what));
}

// ---- proxmox-cloudinit-set ------------------------------------------------------------------

asio::awaitable<tool_result> cloudinit_set(tool_context ctx, json::object args) {
    const auto ipconfig0 = arg_string(args, "ipconfig0");
    const auto sshkeys = arg_string(args, "sshkeys");
    const auto ciuser = arg_string(args, "ciuser");
    const auto cipassword = arg_string(args, "cipassword");
    if (!ipconfig0 && !sshkeys && !ciuser && !cipassword)
        co_return tool_result::failure(
            "Nothing to set. Fix: pass at least one of ipconfig0, sshkeys, ciuser, cipassword (an empty "
            "string removes that setting).");

    std::vector<std::pair<std::string, std::string>> values;
    std::vector<std::string> deletions;
    auto put = [&](const char* key, std::string value) {
        if (value.empty())
            deletions.emplace_back(key);
        else
            values.emplace_back(key, std::move(value));
    };
    if (ciuser)
        put("ciuser", *ciuser);
    if (cipassword)
        put("cipassword", *cipassword);
    if (ipconfig0) {
        std::string text;
        if (!ipconfig0->empty()) {
            auto parsed = proxmox::ip_config::parse(*ipconfig0);
            auto printed =
                parsed ? parsed->to_property_string() : proxmox::result<std::string>(parsed.error());
            if (!printed)
                co_return tool_result::failure(
                    fmt::format("ipconfig0 '{}' is not a cloud-init IP setting: {}. Fix: e.g. "
                                "\"ip=192.168.1.50/24,gw=192.168.1.1\" "
                                "or \"ip=dhcp\".",
                                quote_text(*ipconfig0), printed.error().message));
            text = *printed;
        }
        put("ipconfig0", text);
    }
    if (sshkeys) {
        std::vector<std::string> keys;
        std::string line;
        auto take = [&](std::string l) {
            while (!l.empty() && (l.back() == '\r' || l.back() == ' ' || l.back() == '\t'))
                l.pop_back();
            auto start = l.find_first_not_of(" \t");
            if (start != std::string::npos)
                keys.push_back(l.substr(start));
        };
        for (char c : *sshkeys) {
            if (c == '\n') {
                take(std::move(line));
                line.clear();
            } else {
                line += c;
            }
        }
        take(std::move(line));
        for (std::size_t i = 0; i < keys.size(); ++i) {
            const auto blank = keys[i].find(' ');
            if (blank == std::string::npos || blank + 1 >= keys[i].size())
                co_return tool_result::failure(fmt::format(
                    "sshkeys line {} is not an OpenSSH public key. Fix: pass keys as 'ssh-ed25519 AAAA... "
                    "user@host', one per line.",
                    i + 1));
        }
        // PVE wants the key list URL-encoded inside the form value.
        put("sshkeys", keys.empty() ? std::string() : proxmox::encode_ssh_keys(keys));
    }

    auto guest = co_await resolve_guest(ctx, args, guest_type::qemu);
    if (!guest)
        co_return guest.failure();
    const auto g = *guest;
    auto config = co_await read_qemu_config(ctx, g);
    if (!config)
        co_return std::move(config.failure());
    bool drive = false;
    for (const auto& [key, value] : config->entries())
        if (value.find("cloudinit") != std::string::npos)
            drive = true;

    std::vector<std::string> names;
    for (const auto& [key, value] : values)
        names.push_back(key);
    for (const auto& key : deletions)
        names.push_back("-" + key);
    write_plan plan(fmt::format("set cloud-init {} of {}", joined(names), guest_label(g)));
    add_config_put(plan, g, values, deletions, config->digest());
    std::string what = fmt::format("Could not set cloud-init of {}", guest_label(g));
    auto out = guest_out(g);
    std::vector<std::string> set;
    for (const auto& [key, value] : values)
        set.push_back(key);
    out["set"] = string_array(set);
    out["deleted"] = string_array(deletions);
    out["cloudinit_drive"] = drive;
    if (!drive)
        out["note"] = "The VM has no cloud-init drive yet: add one with proxmox-configure-vm, e.g. params "
                      "{\"ide0\": \"local-lvm:cloudinit\"}.";
    co_return co_await run_plan(ctx, args, plan, std::move(out), std::move(what));
}

// ---- proxmox-vm-nic-add ---------------------------------------------------------------------

asio::awaitable<tool_result> nic_add(tool_context ctx, json::object args) {
    const std::string bridge = arg_string(args, "bridge").value_or(ctx.defaults.bridge);
    if (bridge.empty())
        co_return tool_result::failure("Missing bridge: pass \"bridge\" or set PROXMOX_DEFAULT_BRIDGE "
                                       "(proxmox-list-bridges lists them).");
    proxmox::qemu_nic nic;
    nic.model = arg_string(args, "model").value_or("virtio");
    nic.bridge = bridge;
    if (auto vlan = arg_int(args, "vlan"))
        nic.tag = static_cast<unsigned>(*vlan);
    auto text = nic.to_property_string();
    if (!text)
        co_return tool_result::failure(fmt::format("The NIC is not valid: {}. Fix: check bridge and vlan; "
                                                   "models: virtio, e1000, e1000e, rtl8139, vmxnet3.",
                                                   text.error().message));

    auto guest = co_await resolve_guest(ctx, args, guest_type::qemu);
    if (!guest)
        co_return guest.failure();
    const auto g = *guest;
    auto config = co_await read_qemu_config(ctx, g);
    if (!config)
        co_return std::move(config.failure());
    int index = 0;
    while (index < max_nics && config->contains(fmt::format("net{}", index)))
        ++index;
    if (index == max_nics)
        co_return tool_result::failure(
            fmt::format("{} already has net0 .. net31. Fix: remove a NIC first with proxmox-vm-nic-remove.",
                        guest_label(g)));
    const std::string key = fmt::format("net{}", index);

    write_plan plan(fmt::format("add {} ({}) to {}", key, *text, guest_label(g)));
    co_await check_bridge(ctx, plan, g.node, bridge);
    add_config_put(plan, g, {{key, *text}}, {}, config->digest());
    std::string what = fmt::format("Could not add {} to {}", key, guest_label(g));
    auto out = guest_out(g);
    out["nic"] = key;
    out["value"] = *text;
    co_return co_await run_plan(ctx, args, plan, std::move(out), std::move(what));
}

// ---- proxmox-vm-nic-remove ------------------------------------------------------------------

asio::awaitable<tool_result> nic_remove(tool_context ctx, json::object args) {
    const auto slot = arg_int(args, "slot").value_or(0);
    auto guest = co_await resolve_guest(ctx, args, guest_type::qemu);
    if (!guest)
        co_return guest.failure();
    const auto g = *guest;
    auto config = co_await read_qemu_config(ctx, g);
    if (!config)
        co_return std::move(config.failure());
    const std::string key = fmt::format("net{}", slot);
    std::vector<std::string> present;
    for (int i = 0; i < max_nics; ++i)
        if (config->contains(fmt::format("net{}", i)))
            present.push_back(fmt::format("net{} (slot {})", i, i));
    const auto value = config->get(key);

    write_plan plan(fmt::format("remove {} from {}", key, guest_label(g)));
    plan.check(fmt::format("the VM has {}", key), value.has_value(),
               value ? "" : fmt::format("its NICs: {}; pass one of those slots", joined(present)));
    add_config_put(plan, g, {}, {key}, config->digest());
    std::string what = fmt::format("Could not remove {} from {}", key, guest_label(g));
    auto out = guest_out(g);
    out["nic"] = key;
    out["value"] = value.value_or("");
    co_return co_await run_plan(ctx, args, plan, std::move(out), std::move(what));
}

// ---- proxmox-vm-firewall-set ----------------------------------------------------------------

asio::awaitable<tool_result> firewall_set(tool_context ctx, json::object args) {
    const auto enable = arg_bool(args, "enable");
    const json::array* rules = nullptr;
    if (const auto* r = args.if_contains("rules"); r && r->is_array() && !r->get_array().empty())
        rules = &r->get_array();
    if (!enable && !rules)
        co_return tool_result::failure("Nothing to set. Fix: pass enable (true/false) and/or rules, e.g. "
                                       "[{\"type\": \"in\", \"action\": "
                                       "\"ACCEPT\", \"proto\": \"tcp\", \"dport\": \"22\"}].");

    auto guest = co_await resolve_guest(ctx, args, guest_type::qemu);
    if (!guest)
        co_return guest.failure();
    const auto g = *guest;
    auto fw = ctx.client->node(g.node).qemu(g.vmid).firewall();
    auto options = co_await fw.async_options(asio::use_awaitable);
    if (!options)
        co_return failure(fmt::format("Reading the firewall options of {} failed", guest_label(g)),
                          options.error());
    const bool enabled = options->enable.value_or(false);
    const bool change_enable = enable && *enable != enabled;

    auto out = guest_out(g);
    out["enabled"] = enable.value_or(enabled);
    out["rules_added"] = rules ? rules->size() : 0;
    if (!change_enable && !rules) {
        out["already"] = true;
        co_return tool_result::success(std::move(out));
    }

    write_plan plan(fmt::format(
        "{}{}{} on {}", change_enable ? (*enable ? "enable the firewall" : "disable the firewall") : "",
        change_enable && rules ? " and " : "",
        rules ? fmt::format("add {} firewall rule(s)", rules->size()) : "", guest_label(g)));
    if (change_enable) {
        gen::nodes_qemu_firewall_options_put_params p{.node = g.node,
                                                      .vmid = static_cast<std::int64_t>(g.vmid)};
        p.options.enable = *enable;
        plan.add(p);
    }
    if (rules) {
        // PVE puts each new rule at the top: adding them last to first keeps the caller's order.
        for (std::size_t i = rules->size(); i-- > 0;) {
            const auto& r = (*rules)[i].get_object();
            auto str = [&](std::string_view k) -> std::optional<std::string> {
                if (const auto* v = r.if_contains(k); v && v->is_string() && !v->get_string().empty())
                    return std::string(v->get_string());
                return std::nullopt;
            };
            gen::nodes_qemu_firewall_rules_post_params p{.node = g.node,
                                                         .vmid = static_cast<std::int64_t>(g.vmid)};
            p.type = str("type").value_or("in");
            p.action = str("action").value_or("");
            p.rule.proto = str("proto");
            p.rule.dport = str("dport");
            p.rule.source = str("source");
            p.rule.dest = str("dest");
            p.rule.comment = str("comment");
            bool on = true; // PVE adds a rule disabled unless told
            if (const auto* v = r.if_contains("enable")) {
                if (v->is_bool())
                    on = v->get_bool();
                else if (v->is_int64())
                    on = v->get_int64() != 0;
            }
            p.rule.enable = on ? 1 : 0;
            if (p.rule.dport && !p.rule.proto)
                plan.check(fmt::format("rules[{}] names its protocol", i), false,
                           "dport needs proto: tcp or udp");
            plan.add(p);
        }
    }
    if (auto answer = gate(ctx, plan))
        co_return std::move(*answer);
    // One request at a time, so a refusal can say what was already applied.
    const auto& requests = plan.requests();
    for (std::size_t i = 0; i < requests.size(); ++i) {
        auto request = requests[i].request;
        auto answer =
            co_await ctx.client->async_send(requests[i].method, std::move(request), asio::use_awaitable);
        if (!answer) {
            auto r =
                failure(fmt::format("Could not change the firewall of {}", guest_label(g)), answer.error());
            r.message += i == 0 ? " Nothing was changed."
                                : fmt::format(" The {} change(s) before it were applied; check with "
                                              "proxmox-vm-firewall-get.",
                                              i);
            co_return r;
        }
    }
    co_return tool_result::success(std::move(out));
}

json::object text(std::size_t max = max_name_length) {
    return json::object{{"type", "string"}, {"maxLength", max}};
}

json::object vm_out(json::object more = {}) {
    return merged(fields({{"vmid", "integer"}, {"node", "string"}, {"name", "string"}}), more);
}

} // namespace

void register_vm_config_tools(tool_registry& registry) {
    registry.add({
        .name = "proxmox-configure-vm",
        .title = "Configure a VM",
        .description = "Set or delete VM config keys, e.g. params {cores: 4, delete: \"ide2\"}.",
        .input_schema = input_schema(
            merged(
                selector_props(),
                {{"params", json::object{{"type", "object"},
                                         {"additionalProperties",
                                          json::object{{"type", json::array{"string", "number", "boolean"}},
                                                       {"maxLength", 4096}}}}}}),
            {"params"}),
        .output_schema = output_schema(merged(
            vm_out(merged(fields({{"changed", "array"}, {"deleted", "array"}, {"already", "boolean"}}), {})),
            task_output_props())),
        .annotations = {.idempotent = true},
        .handler = configure_vm,
        .safety = tool_safety::write,
        .waits = wait_defaults{.wait = false, .timeout_seconds = 600},
    });
    registry.add({
        .name = "proxmox-cloudinit-set",
        .title = "Set cloud-init",
        .description = "Set VM cloud-init settings; an empty value removes one.",
        .input_schema = input_schema(merged(
            selector_props(),
            {{"ipconfig0", text()}, {"sshkeys", text(16384)}, {"ciuser", text()}, {"cipassword", text()}})),
        .output_schema = output_schema(vm_out(fields(
            {{"set", "array"}, {"deleted", "array"}, {"cloudinit_drive", "boolean"}, {"note", "string"}}))),
        .annotations = {.idempotent = true},
        .handler = cloudinit_set,
        .safety = tool_safety::write,
    });
    registry.add({
        .name = "proxmox-vm-nic-add",
        .title = "Add a VM NIC",
        .description = "Add a network card to a VM as its lowest free netN.",
        .input_schema = input_schema(
            merged(selector_props(),
                   {{"bridge", text()},
                    {"model", json::object{{"type", "string"}, {"default", "virtio"}, {"maxLength", 32}}},
                    {"vlan", json::object{{"type", "integer"}, {"minimum", 1}, {"maximum", 4094}}}})),
        .output_schema = output_schema(vm_out(fields({{"nic", "string"}, {"value", "string"}}))),
        .annotations = {.idempotent = false},
        .handler = nic_add,
        .safety = tool_safety::write,
    });
    registry.add({
        .name = "proxmox-vm-nic-remove",
        .title = "Remove a VM NIC",
        .description = "Remove network card netN (slot N) from a VM.",
        .input_schema =
            input_schema(merged(selector_props(), {{"slot", json::object{{"type", "integer"},
                                                                         {"default", 0},
                                                                         {"minimum", 0},
                                                                         {"maximum", max_nics - 1}}}})),
        .output_schema = output_schema(vm_out(fields({{"nic", "string"}, {"value", "string"}}))),
        .annotations = {.idempotent = false},
        .handler = nic_remove,
        .safety = tool_safety::destructive,
    });
    json::object rule{
        {"type", "object"},
        {"properties",
         json::object{{"type", json::object{{"enum", json::array{"in", "out"}}}},
                      {"action", json::object{{"enum", json::array{"ACCEPT", "DROP", "REJECT"}}}},
                      {"proto", text(32)},
                      {"dport", text()},
                      {"source", text(512)},
                      {"dest", text(512)},
                      {"comment", text(512)},
                      {"enable", json::object{{"type", json::array{"boolean", "integer"}}}}}},
        {"required", json::array{"type", "action"}},
        {"additionalProperties", false}};
    registry.add({
        .name = "proxmox-vm-firewall-set",
        .title = "Set a VM's firewall",
        .description = "Switch a VM's firewall and/or add rules (enabled, in order).",
        .input_schema = input_schema(
            merged(selector_props(),
                   {{"enable", json::object{{"type", "boolean"}}},
                    {"rules", json::object{{"type", "array"}, {"items", rule}, {"maxItems", 100}}}})),
        .output_schema = output_schema(
            vm_out(fields({{"enabled", "boolean"}, {"rules_added", "integer"}, {"already", "boolean"}}))),
        .annotations = {.idempotent = false},
        .handler = firewall_set,
        .safety = tool_safety::write,
    });
}

} // namespace proxmox::mcp::tools
