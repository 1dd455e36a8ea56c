#include "caller_text.hpp"
#include "tools/common.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace proxmox::mcp::tools {

namespace {
json::array names(std::initializer_list<std::string_view> list) {
    json::array a;
    for (auto n : list)
        a.emplace_back(n);
    return a;
}

bool is(const proxmox::error& e, proxmox::errc c) {
    return e.code == proxmox::make_error_code(c);
}
} // namespace

json::object input_schema(json::object properties, std::initializer_list<std::string_view> required) {
    json::object s{{"type", "object"}, {"properties", std::move(properties)}};
    if (required.size() > 0)
        s["required"] = names(required);
    s["additionalProperties"] = false;
    return s;
}

json::object output_schema(json::object properties, std::initializer_list<std::string_view> required) {
    json::object s{{"type", "object"}, {"properties", std::move(properties)}};
    if (required.size() > 0)
        s["required"] = names(required);
    return s;
}

json::object fields(std::initializer_list<std::pair<std::string_view, std::string_view>> name_type) {
    json::object out;
    for (const auto& [name, type] : name_type)
        out[name] = json::object{{"type", type}};
    return out;
}

json::object string_prop(std::string_view description) {
    return {{"type", "string"}, {"description", description}};
}

json::object text_prop(std::string_view description, std::size_t max_length) {
    return {{"type", "string"}, {"maxLength", max_length}, {"description", description}};
}

json::object name_prop(std::string_view description) {
    return {
        {"type", "string"}, {"minLength", 1}, {"maxLength", max_name_length}, {"description", description}};
}

json::object integer_prop(std::string_view description,
                          std::optional<std::int64_t> minimum,
                          std::optional<std::int64_t> maximum) {
    json::object p{{"type", "integer"}, {"description", description}};
    if (minimum)
        p["minimum"] = *minimum;
    if (maximum)
        p["maximum"] = *maximum;
    return p;
}

json::object number_prop(std::string_view description) {
    return {{"type", "number"}, {"description", description}};
}

json::object boolean_prop(std::string_view description) {
    return {{"type", "boolean"}, {"description", description}};
}

json::object enum_prop(std::string_view description, std::initializer_list<std::string_view> values) {
    return {{"type", "string"}, {"description", description}, {"enum", names(values)}};
}

json::object array_prop(std::string_view description, json::object items) {
    return {{"type", "array"}, {"description", description}, {"items", std::move(items)}};
}

json::object described(json::object schema, std::string_view description) {
    schema["description"] = description;
    return schema;
}

json::object vmid_prop(std::string_view description) {
    return integer_prop(description, 100, 999999999);
}

std::optional<std::string> arg_string(const json::object& args, std::string_view key) {
    if (const auto* v = args.if_contains(key); v && v->is_string())
        return std::string(v->get_string());
    return std::nullopt;
}

std::optional<std::int64_t> arg_int(const json::object& args, std::string_view key) {
    const auto* v = args.if_contains(key);
    if (!v)
        return std::nullopt;
    if (v->is_int64())
        return v->get_int64();
    if (v->is_uint64())
        return static_cast<std::int64_t>(v->get_uint64());
    if (v->is_double())
        return static_cast<std::int64_t>(std::llround(v->get_double()));
    return std::nullopt;
}

std::optional<bool> arg_bool(const json::object& args, std::string_view key) {
    if (const auto* v = args.if_contains(key); v && v->is_bool())
        return v->get_bool();
    return std::nullopt;
}

bool is_dns_name(std::string_view name) {
    if (name.empty() || name.size() > 253)
        return false;
    std::size_t start = 0;
    while (start <= name.size()) {
        auto dot = name.find('.', start);
        auto label = name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
            return false;
        for (char c : label)
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-')
                return false;
        if (dot == std::string_view::npos)
            break;
        start = dot + 1;
    }
    return true;
}

std::optional<std::string> config_text(const json::value& v) {
    if (v.is_string())
        return std::string(v.get_string());
    if (v.is_bool())
        return v.get_bool() ? "1" : "0";
    if (v.is_int64())
        return std::to_string(v.get_int64());
    if (v.is_uint64())
        return std::to_string(v.get_uint64());
    if (v.is_double()) {
        double d = v.get_double();
        if (std::floor(d) == d && std::fabs(d) < 1e15)
            return std::to_string(static_cast<std::int64_t>(d));
        return fmt::format("{}", d);
    }
    return std::nullopt;
}

std::string joined(const std::vector<std::string>& items, std::string_view none) {
    if (items.empty())
        return std::string(none);
    return fmt::format("{}", fmt::join(items, ", "));
}

json::array string_array(const std::vector<std::string>& items) {
    json::array out;
    for (const auto& i : items)
        out.emplace_back(i);
    return out;
}

json::object node_json(const proxmox::node_summary& n) {
    json::object o{{"node", n.node},     {"status", n.status},   {"cpu", n.cpu},
                   {"maxcpu", n.maxcpu}, {"mem", n.mem},         {"maxmem", n.maxmem},
                   {"disk", n.disk},     {"maxdisk", n.maxdisk}, {"uptime", n.uptime}};
    if (!n.level.empty())
        o["level"] = n.level;
    return o;
}

json::object node_schema() {
    auto props = fields({{"node", "string"},
                         {"status", "string"},
                         {"maxcpu", "integer"},
                         {"mem", "integer"},
                         {"maxmem", "integer"},
                         {"disk", "integer"},
                         {"maxdisk", "integer"},
                         {"uptime", "integer"},
                         {"level", "string"}});
    props["cpu"] = number_prop("Fraction 0..1.");
    return output_schema(std::move(props), {"node", "status"});
}

json::object guest_json(const proxmox::guest_summary& g) {
    json::object o{{"vmid", g.vmid},
                   {"name", g.name},
                   {"node", g.node},
                   {"status", g.status},
                   {"template", g.is_template},
                   {"cpus", g.cpus},
                   {"cpu", std::round(g.cpu * 1000) / 1000}, // three digits say enough
                   {"mem", g.mem},
                   {"maxmem", g.maxmem},
                   {"disk", g.disk},
                   {"maxdisk", g.maxdisk},
                   {"uptime", g.uptime}};
    add_marks(o, g);
    return o;
}

void add_marks(json::object& o, const proxmox::guest_summary& g) {
    if (!g.lock.empty())
        o["lock"] = g.lock;
    if (!g.tags.empty())
        o["tags"] = g.tags;
    if (!g.pool.empty())
        o["pool"] = g.pool;
}

json::object guest_schema() {
    auto props = fields({{"vmid", "integer"},
                         {"name", "string"},
                         {"node", "string"},
                         {"status", "string"},
                         {"template", "boolean"},
                         {"cpus", "integer"},
                         {"mem", "integer"},
                         {"maxmem", "integer"},
                         {"disk", "integer"},
                         {"maxdisk", "integer"},
                         {"uptime", "integer"},
                         {"lock", "string"},
                         {"tags", "string"},
                         {"pool", "string"}});
    props["cpu"] = number_prop("Fraction of its vCPUs.");
    return output_schema(std::move(props), {"vmid", "node", "status"});
}

json::object task_json(const proxmox::task_status& t) {
    json::object o{{"upid", t.upid}, {"node", t.node},     {"type", t.type},          {"id", t.id},
                   {"user", t.user}, {"status", t.status}, {"starttime", t.starttime}};
    if (t.exit_status) {
        o["exitstatus"] = *t.exit_status;
        o["succeeded"] = t.succeeded();
    }
    return o;
}

json::object task_schema() {
    auto props = fields({{"upid", "string"},
                         {"node", "string"},
                         {"type", "string"},
                         {"id", "string"},
                         {"user", "string"},
                         {"status", "string"},
                         {"starttime", "integer"},
                         {"exitstatus", "string"},
                         {"succeeded", "boolean"}});
    return output_schema(std::move(props), {"upid", "status"});
}

std::string describe(const proxmox::error& e) {
    std::string text = e.to_string();
    if (text.empty())
        text = e.message.empty() ? e.code.message() : e.message;
    if (!e.exit_status.empty() && text.find(e.exit_status) == std::string::npos)
        text += fmt::format(" (task exit status: {})", e.exit_status);
    return text;
}

tool_result failure(std::string_view what, const proxmox::error& e) {
    // The cluster's text is outside input too: bounded like the client's.
    std::string message = fmt::format("{}: {}", what, quote_text(describe(e), max_error_text));
    if (is(e, proxmox::errc::auth_failed))
        message += ". Fix: check PROXMOX_TOKEN_ID and PROXMOX_TOKEN_SECRET (the token may be wrong, expired "
                   "or deleted).";
    else if (is(e, proxmox::errc::permission_denied))
        message += ". Fix: grant the API token a role with the needed privilege on that path (and check the "
                   "token's privilege separation).";
    else if (is(e, proxmox::errc::ambiguous_name))
        message += ". Fix: pass vmid, or node, to pick one.";
    else if (is(e, proxmox::errc::tls_fingerprint_mismatch))
        message += ". Fix: check PROXMOX_FINGERPRINT against `pvenode cert info` on the node.";
    else if (is(e, proxmox::errc::timeout))
        message +=
            ". Fix: the cluster did not answer in time; check the node, or raise PROXMOX_TIMEOUT (seconds).";
    else if (is(e, proxmox::errc::outcome_unknown))
        message +=
            ". Do not simply call again: the request may have been applied. Fix: read the current state "
            "first (e.g. the VM's status or the node's tasks), then decide.";
    else if (is(e, proxmox::errc::tls_verification_failed))
        message += ". Fix: set PROXMOX_CA_FILE to the cluster CA (/etc/pve/pve-root-ca.pem) or pin "
                   "PROXMOX_FINGERPRINT.";

    json::object details;
    if (e.http_status != 0)
        details["http_status"] = e.http_status;
    if (!e.upid.empty())
        details["upid"] = e.upid;
    if (!e.exit_status.empty())
        details["exitstatus"] = e.exit_status;
    if (!e.field_errors.empty()) {
        json::object fields;
        for (const auto& [k, v] : e.field_errors)
            fields[k] = v;
        details["field_errors"] = std::move(fields);
    }
    return tool_result::failure(std::move(message), std::move(details));
}

bool contains_icase(std::string_view haystack, std::string_view needle) {
    auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
    });
    return it != haystack.end();
}

} // namespace proxmox::mcp::tools
