// Guest firewalls: options and rules of /etc/pve/firewall/VMID.fw (pve-firewall
// API2/Firewall/VM.pm, API2/Firewall/Rules.pm, PVE/Firewall.pm). The file belongs to the VMID,
// not to a node or a guest type: the rule calls have no proxyto, and neither reads nor writes
// check that the guest exists.
#include "endpoints/handlers.hpp"
#include "schema/schema_formats.hpp"

#include <boost/json/array.hpp>

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace proxmox::sim::detail {

namespace json = boost::json;

// firewall_rules.cpp: PVE::Firewall::verify_rule for a VM/CT rule, and the checks of the formats
// pve-firewall registers (pve-fw-protocol-spec, pve-fw-dport-spec, pve-fw-sport-spec,
// pve-fw-addr-spec): the die() text, or nullopt
void verify_guest_rule(config_entries& rule);
std::optional<std::string> firewall_format_error(std::string_view param, const std::string& value);

namespace {

constexpr std::string_view option_names[] = {"dhcp",          "enable",    "ipfilter", "log_level_in",
                                             "log_level_out", "macfilter", "ndp",      "policy_in",
                                             "policy_out",    "radv"};

bool is_boolean_option(std::string_view k) {
    return k == "enable" || k == "dhcp" || k == "ndp" || k == "radv" || k == "macfilter" || k == "ipfilter";
}

/// The rule properties PVE::Firewall keeps in the file, in $rule_properties order.
constexpr std::string_view rule_keys[] = {"type", "action",    "macro",  "iface", "source",
                                          "dest", "proto",     "dport",  "sport", "enable",
                                          "log",  "icmp-type", "comment"};

std::string sha1_hex(std::string_view data) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), md, &len, EVP_sha1(), nullptr);
    std::string out;
    for (unsigned i = 0; i < len; ++i)
        out += fmt::format("{:02x}", md[i]);
    return out;
}

const std::string* find_value(const config_entries& entries, std::string_view key) {
    for (const auto& [k, v] : entries)
        if (k == key)
            return &v;
    return nullptr;
}

void set_value(config_entries& entries, std::string_view key, std::string value) {
    for (auto& [k, v] : entries)
        if (k == key) {
            v = std::move(value);
            return;
        }
    entries.emplace_back(std::string(key), std::move(value));
}

void erase_value(config_entries& entries, std::string_view key) {
    std::erase_if(entries, [&](const auto& kv) { return kv.first == key; });
}

config_entries sorted(config_entries entries) {
    std::sort(entries.begin(), entries.end());
    return entries;
}

/// Firewall.pm copy_opject_with_digest: SHA-1 over `key:value\n` of the sorted options.
std::string options_digest(const config_entries& options) {
    std::string text;
    for (const auto& [k, v] : sorted(options))
        text += k + ":" + v + "\n";
    return sha1_hex(text);
}

/// Firewall.pm copy_list_with_digest: SHA-1 over every rule's sorted `key:value\n` lines.
std::string rules_digest(const std::vector<config_entries>& rules) {
    std::string text;
    for (const auto& rule : rules)
        for (const auto& [k, v] : sorted(rule))
            text += k + ":" + v + "\n";
    return sha1_hex(text);
}

/// The guest's VMID.fw; an empty file when nothing was written for this VMID yet.
const firewall_state& read_firewall(call_context& ctx) {
    static const firewall_state empty;
    const auto vmid = static_cast<unsigned>(*ctx.int_param("vmid"));
    if (guest_state* g = ctx.state.find_guest(vmid))
        return g->firewall;
    auto it = ctx.state.orphan_firewalls.find(vmid);
    return it == ctx.state.orphan_firewalls.end() ? empty : it->second;
}

/// The VMID.fw a write changes (lock_vmfw_conf creates it when missing).
firewall_state& write_firewall(call_context& ctx) {
    const auto vmid = static_cast<unsigned>(*ctx.int_param("vmid"));
    if (guest_state* g = ctx.state.find_guest(vmid))
        return g->firewall;
    return ctx.state.orphan_firewalls[vmid];
}

/// PVE::Tools::assert_if_modified
void assert_if_modified(const std::string& current, const std::optional<std::string>& given) {
    if (given && !given->empty() && *given != current)
        raise_error("detected modified configuration - file changed by other user? Try again.\n");
}

json::value rule_json(const config_entries& rule, std::size_t pos, const std::string& digest) {
    json::object o;
    for (const auto& [k, v] : sorted(rule)) {
        if (k == "enable" || k == "ipversion")
            o[k] = std::strtoll(v.c_str(), nullptr, 10);
        else
            o[k] = v;
    }
    o["pos"] = pos;
    o["digest"] = digest;
    return o;
}

/// VM.pm index
json::value get_firewall_index(call_context&) {
    json::array out;
    for (const char* name : {"rules", "aliases", "ipset", "refs", "options"})
        out.push_back(json::object{{"name", name}});
    return out;
}

/// VM.pm get_options: the options set in the file (no defaults filled in) plus `digest`.
json::value get_firewall_options(call_context& ctx) {
    const auto& fw = read_firewall(ctx);
    json::object o;
    for (const auto& [k, v] : sorted(fw.options)) {
        if (is_boolean_option(k))
            o[k] = std::strtoll(v.c_str(), nullptr, 10);
        else
            o[k] = v;
    }
    o["digest"] = options_digest(fw.options);
    return o;
}

/// VM.pm set_options
json::value put_firewall_options(call_context& ctx) {
    auto& fw = write_firewall(ctx);
    assert_if_modified(options_digest(fw.options), ctx.param("digest"));
    if (auto del = ctx.param("delete")) {
        for (const auto& opt : split_list(*del)) {
            if (std::find(std::begin(option_names), std::end(option_names), opt) == std::end(option_names))
                raise_param_exc({{"delete", fmt::format("no such option '{}'", opt)}});
            erase_value(fw.options, opt);
        }
    }
    for (auto name : option_names) {
        auto v = ctx.param(name);
        if (!v)
            continue;
        if (is_boolean_option(name))
            set_value(fw.options, name, *v == "1" ? "1" : "0");
        else
            set_value(fw.options, name, *v);
    }
    return nullptr;
}

/// Rules.pm get_rules: every rule with its position and the digest of the whole list.
json::value get_firewall_rules(call_context& ctx) {
    const auto& fw = read_firewall(ctx);
    const auto digest = rules_digest(fw.rules);
    json::array out;
    for (std::size_t i = 0; i < fw.rules.size(); ++i)
        out.push_back(rule_json(fw.rules[i], i, digest));
    return out;
}

std::size_t rule_position(call_context& ctx, std::size_t rule_count) {
    const auto pos = ctx.int_param("pos").value_or(0);
    if (pos < 0 || static_cast<std::size_t>(pos) >= rule_count)
        raise_error(fmt::format("no rule at position {}\n", pos));
    return static_cast<std::size_t>(pos);
}

/// Rules.pm get_rule
json::value get_firewall_rule(call_context& ctx) {
    const auto& fw = read_firewall(ctx);
    const auto pos = rule_position(ctx, fw.rules.size());
    return rule_json(fw.rules[pos], pos, rules_digest(fw.rules));
}

/// The schema check of the rule parameters with pve-firewall's formats (JSONSchema.pm reports
/// every bad parameter at once, before the handler runs).
void check_rule_formats(call_context& ctx) {
    json::object errors;
    for (std::string_view key : {"proto", "dport", "sport", "source", "dest"}) {
        auto v = ctx.param(key);
        if (!v || v->empty() || *v == "-")
            continue;
        if (auto err = firewall_format_error(key, *v))
            errors[key] = "invalid format - " + *err;
    }
    if (!errors.empty())
        raise_param_exc(std::move(errors));
}

/// Firewall.pm copy_rule_data: given properties are set, '' and '-' delete them.
void copy_rule_data(call_context& ctx, config_entries& rule) {
    for (auto key : rule_keys) {
        auto v = ctx.param(key);
        if (!v)
            continue;
        if (v->empty() || *v == "-")
            erase_value(rule, key);
        else
            set_value(rule, key, *v);
    }
}

/// What the rule looks like once written to VMID.fw and read back: `enable` is 0 or 1.
void normalize_rule(config_entries& rule) {
    if (const auto* e = find_value(rule, "enable"))
        set_value(rule, "enable", std::strtoll(e->c_str(), nullptr, 10) != 0 ? "1" : "0");
}

/// Rules.pm create_rule: the new rule goes to the top; `enable` defaults to 0. `pos` and
/// `digest` are accepted and ignored.
json::value post_firewall_rule(call_context& ctx) {
    check_rule_formats(ctx);
    config_entries rule;
    copy_rule_data(ctx, rule);
    verify_guest_rule(rule);
    if (!ctx.param("enable"))
        set_value(rule, "enable", "0");
    normalize_rule(rule);
    auto& fw = write_firewall(ctx);
    fw.rules.insert(fw.rules.begin(), std::move(rule));
    return nullptr;
}

/// Firewall.pm delete_rule_properties
void delete_rule_properties(config_entries& rule, std::string_view list) {
    for (const auto& opt : split_list(std::string(list))) {
        const bool known = opt == "pos" || opt == "digest" ||
                           std::find(std::begin(rule_keys), std::end(rule_keys), opt) != std::end(rule_keys);
        if (!known)
            raise_param_exc({{"delete", fmt::format("no such property ('{}')", opt)}});
        if (opt == "type" || opt == "action")
            raise_param_exc({{"delete", fmt::format("unable to delete required property '{}'", opt)}});
        erase_value(rule, opt);
    }
}

/// Rules.pm update_rule: `moveto` moves the rule (other arguments are ignored), else the given
/// properties change and the rule is verified again.
json::value put_firewall_rule(call_context& ctx) {
    check_rule_formats(ctx);
    auto& fw = write_firewall(ctx);
    assert_if_modified(rules_digest(fw.rules), ctx.param("digest"));
    const auto pos = rule_position(ctx, fw.rules.size());
    if (auto moveto = ctx.int_param("moveto"); moveto && static_cast<std::size_t>(*moveto) != pos) {
        // the rule goes in front of the one at `moveto`, or last when `moveto` is past the end
        const auto target = static_cast<std::size_t>(*moveto);
        std::vector<config_entries> moved;
        for (std::size_t i = 0; i < fw.rules.size(); ++i) {
            if (i == pos)
                continue;
            if (i == target)
                moved.push_back(fw.rules[pos]);
            moved.push_back(std::move(fw.rules[i]));
        }
        if (target >= fw.rules.size())
            moved.push_back(std::move(fw.rules[pos]));
        fw.rules = std::move(moved);
        return nullptr;
    }
    config_entries rule = fw.rules[pos];
    copy_rule_data(ctx, rule);
    if (auto del = ctx.param("delete"))
        delete_rule_properties(rule, *del);
    erase_value(rule, "ipversion"); // verify_rule determines it again
    verify_guest_rule(rule);
    normalize_rule(rule);
    fw.rules[pos] = std::move(rule);
    return nullptr;
}

/// Rules.pm delete_rule
json::value delete_firewall_rule(call_context& ctx) {
    auto& fw = write_firewall(ctx);
    assert_if_modified(rules_digest(fw.rules), ctx.param("digest"));
    const auto pos = rule_position(ctx, fw.rules.size());
    fw.rules.erase(fw.rules.begin() + static_cast<std::ptrdiff_t>(pos));
    return nullptr;
}

} // namespace

std::vector<handler_entry> firewall_endpoints() {
    return {
        {"GET", "/nodes/{node}/qemu/{vmid}/firewall", &get_firewall_index},
        {"GET", "/nodes/{node}/qemu/{vmid}/firewall/options", &get_firewall_options},
        {"PUT", "/nodes/{node}/qemu/{vmid}/firewall/options", &put_firewall_options},
        {"GET", "/nodes/{node}/qemu/{vmid}/firewall/rules", &get_firewall_rules},
        {"POST", "/nodes/{node}/qemu/{vmid}/firewall/rules", &post_firewall_rule},
        {"GET", "/nodes/{node}/qemu/{vmid}/firewall/rules/{pos}", &get_firewall_rule},
        {"PUT", "/nodes/{node}/qemu/{vmid}/firewall/rules/{pos}", &put_firewall_rule},
        {"DELETE", "/nodes/{node}/qemu/{vmid}/firewall/rules/{pos}", &delete_firewall_rule},
        {"GET", "/nodes/{node}/lxc/{vmid}/firewall", &get_firewall_index},
        {"GET", "/nodes/{node}/lxc/{vmid}/firewall/options", &get_firewall_options},
        {"PUT", "/nodes/{node}/lxc/{vmid}/firewall/options", &put_firewall_options},
        {"GET", "/nodes/{node}/lxc/{vmid}/firewall/rules", &get_firewall_rules},
        {"POST", "/nodes/{node}/lxc/{vmid}/firewall/rules", &post_firewall_rule},
        {"GET", "/nodes/{node}/lxc/{vmid}/firewall/rules/{pos}", &get_firewall_rule},
        {"PUT", "/nodes/{node}/lxc/{vmid}/firewall/rules/{pos}", &put_firewall_rule},
        {"DELETE", "/nodes/{node}/lxc/{vmid}/firewall/rules/{pos}", &delete_firewall_rule},
    };
}

} // namespace proxmox::sim::detail
