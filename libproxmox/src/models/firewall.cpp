#include "core/json_read.hpp"

#include <proxmox/models/firewall.hpp>

#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

#include <array>
#include <utility>

namespace proxmox {
using namespace detail;

namespace {

constexpr std::array<std::pair<firewall_log_level, std::string_view>, 9> log_levels{{
    {firewall_log_level::emerg, "emerg"},
    {firewall_log_level::alert, "alert"},
    {firewall_log_level::crit, "crit"},
    {firewall_log_level::err, "err"},
    {firewall_log_level::warning, "warning"},
    {firewall_log_level::notice, "notice"},
    {firewall_log_level::info, "info"},
    {firewall_log_level::debug, "debug"},
    {firewall_log_level::nolog, "nolog"},
}};

std::optional<firewall_policy> policy_value(const boost::json::object& o, std::string_view key) {
    const auto text = read_string(o, key);
    for (auto p : {firewall_policy::accept, firewall_policy::reject, firewall_policy::drop})
        if (text == to_string(p))
            return p;
    return std::nullopt;
}

std::optional<firewall_log_level> log_value(const boost::json::object& o, std::string_view key) {
    const auto text = read_string(o, key);
    for (const auto& [level, name] : log_levels)
        if (text == name)
            return level;
    return std::nullopt;
}

std::optional<bool> bool_value(const boost::json::object& o, std::string_view key) {
    auto v = read_optional_int(o, key);
    if (!v)
        return std::nullopt;
    return *v != 0;
}

} // namespace

std::string_view to_string(firewall_policy p) noexcept {
    switch (p) {
    case firewall_policy::accept:
        return "ACCEPT";
    case firewall_policy::reject:
        return "REJECT";
    case firewall_policy::drop:
        return "DROP";
    }
    return "DROP";
}

std::string_view to_string(firewall_log_level l) noexcept {
    for (const auto& [level, name] : log_levels)
        if (level == l)
            return name;
    return "nolog";
}

std::string_view to_string(firewall_rule_type t) noexcept {
    switch (t) {
    case firewall_rule_type::in:
        return "in";
    case firewall_rule_type::out:
        return "out";
    case firewall_rule_type::forward:
        return "forward";
    case firewall_rule_type::group:
        return "group";
    }
    return "in";
}

firewall_options tag_invoke(boost::json::value_to_tag<firewall_options>, const boost::json::value& v) {
    const auto& o = as_object_or_empty(v);
    firewall_options f;
    f.enable = bool_value(o, "enable");
    f.policy_in = policy_value(o, "policy_in");
    f.policy_out = policy_value(o, "policy_out");
    f.dhcp = bool_value(o, "dhcp");
    f.ipfilter = bool_value(o, "ipfilter");
    f.macfilter = bool_value(o, "macfilter");
    f.ndp = bool_value(o, "ndp");
    f.radv = bool_value(o, "radv");
    f.log_level_in = log_value(o, "log_level_in");
    f.log_level_out = log_value(o, "log_level_out");
    f.digest = read_string(o, "digest");
    f.raw = o;
    return f;
}

firewall_rule tag_invoke(boost::json::value_to_tag<firewall_rule>, const boost::json::value& v) {
    const auto& o = as_object_or_empty(v);
    firewall_rule r;
    const auto type = read_string(o, "type");
    for (auto t : {firewall_rule_type::in, firewall_rule_type::out, firewall_rule_type::forward,
                   firewall_rule_type::group})
        if (type == to_string(t))
            r.type = t;
    r.action = read_string(o, "action");
    r.macro = read_string(o, "macro");
    r.source = read_string(o, "source");
    r.dest = read_string(o, "dest");
    r.proto = read_string(o, "proto");
    r.dport = read_string(o, "dport");
    r.sport = read_string(o, "sport");
    r.iface = read_string(o, "iface");
    r.icmp_type = read_string(o, "icmp-type");
    r.log = log_value(o, "log");
    r.comment = read_string(o, "comment");
    r.enable = read_bool(o, "enable");
    r.pos = read_int(o, "pos");
    r.digest = read_string(o, "digest");
    r.raw = o;
    return r;
}

void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const firewall_options& f) {
    boost::json::object o;
    const std::pair<const char*, const std::optional<bool>*> flags[] = {
        {"enable", &f.enable},       {"dhcp", &f.dhcp}, {"ipfilter", &f.ipfilter},
        {"macfilter", &f.macfilter}, {"ndp", &f.ndp},   {"radv", &f.radv}};
    for (const auto& [key, flag] : flags)
        if (*flag)
            o[key] = **flag;
    if (f.policy_in)
        o["policy_in"] = to_string(*f.policy_in);
    if (f.policy_out)
        o["policy_out"] = to_string(*f.policy_out);
    if (f.log_level_in)
        o["log_level_in"] = to_string(*f.log_level_in);
    if (f.log_level_out)
        o["log_level_out"] = to_string(*f.log_level_out);
    o["digest"] = f.digest;
    v = std::move(o);
}

void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const firewall_rule& r) {
    boost::json::object o{
        {"pos", r.pos}, {"type", to_string(r.type)}, {"action", r.action}, {"enable", r.enable}};
    const std::pair<const char*, const std::string*> fields[] = {
        {"macro", &r.macro}, {"source", &r.source},       {"dest", &r.dest},
        {"proto", &r.proto}, {"dport", &r.dport},         {"sport", &r.sport},
        {"iface", &r.iface}, {"icmp-type", &r.icmp_type}, {"comment", &r.comment}};
    for (const auto& [key, field] : fields)
        if (!field->empty())
            o[key] = *field;
    if (r.log)
        o["log"] = to_string(*r.log);
    v = std::move(o);
}

} // namespace proxmox
