#include "schema.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <fmt/format.h>

#include <arpa/inet.h>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <regex>
#include <stdexcept>

namespace proxmox::sim::detail {

namespace json = boost::json;

// ---------------------------------------------------------------------------------------------
// Perl scalar semantics

std::optional<std::string> perl_scalar_text(const json::value& v) {
    switch (v.kind()) {
    case json::kind::string:
        return std::string(v.get_string());
    case json::kind::int64:
        return std::to_string(v.get_int64());
    case json::kind::uint64:
        return std::to_string(v.get_uint64());
    case json::kind::double_: {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.15g", v.get_double());
        return std::string(buf);
    }
    default:
        return std::nullopt;
    }
}

namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// JSONSchema.pm is_integer: /^[+-]?\d+$/
bool is_integer(std::string_view s) {
    if (!s.empty() && (s[0] == '+' || s[0] == '-'))
        s.remove_prefix(1);
    if (s.empty())
        return false;
    for (char c : s)
        if (!is_digit(c))
            return false;
    return true;
}

// JSONSchema.pm is_number: /^[+-]?(\d+\.\d+|\d+\.|\.\d+|\d+)([eE][+-]?\d+)?$/
bool is_number(std::string_view s) {
    std::size_t i = 0;
    if (i < s.size() && (s[i] == '+' || s[i] == '-'))
        ++i;
    std::size_t int_digits = 0, frac_digits = 0;
    while (i < s.size() && is_digit(s[i]))
        ++i, ++int_digits;
    if (i < s.size() && s[i] == '.') {
        ++i;
        while (i < s.size() && is_digit(s[i]))
            ++i, ++frac_digits;
    }
    if (int_digits == 0 && frac_digits == 0)
        return false;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-'))
            ++i;
        std::size_t exp_digits = 0;
        while (i < s.size() && is_digit(s[i]))
            ++i, ++exp_digits;
        if (exp_digits == 0)
            return false;
    }
    return i == s.size();
}

double perl_numeric(const std::string& s) {
    return std::strtod(s.c_str(), nullptr);
}

// Perl's length() on a decoded UTF-8 string counts characters.
std::size_t utf8_length(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80)
            ++n;
    return n;
}

std::string number_text(const json::value& v) {
    if (auto t = perl_scalar_text(v))
        return *t;
    return json::serialize(v);
}

// PVE::Tools::split_list: \0-separated, or separated by commas, semicolons and whitespace.
std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> out;
    if (text.find('\0') != std::string::npos) {
        std::size_t start = 0;
        for (;;) {
            auto pos = text.find('\0', start);
            out.push_back(text.substr(start, pos - start));
            if (pos == std::string::npos)
                break;
            start = pos + 1;
        }
        return out;
    }
    std::string cur;
    for (char c : text) {
        if (c == ',' || c == ';' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
            if (!cur.empty())
                out.push_back(std::move(cur));
            cur.clear();
        } else {
            cur += c;
        }
    }
    if (!cur.empty())
        out.push_back(std::move(cur));
    return out;
}

// ---------------------------------------------------------------------------------------------
// Named formats (pve-common JSONSchema.pm, pve-access-control). Each returns the die() text of the
// Perl validator, including its trailing newline, or nullopt when the value is fine.

using format_check = std::optional<std::string> (*)(const std::string&);

bool match(const std::string& s, const std::regex& re) {
    return std::regex_match(s, re);
}

bool is_ipv4(const std::string& s) {
    // $IPV4RE: four dot-separated decimal octets of 1-3 digits, each at most 255
    int octets = 0;
    std::size_t i = 0;
    while (true) {
        std::size_t digits = 0;
        unsigned value = 0;
        while (i < s.size() && is_digit(s[i]) && digits < 4)
            value = value * 10 + static_cast<unsigned>(s[i++] - '0'), ++digits;
        if (digits == 0 || digits > 3 || value > 255)
            return false;
        if (++octets == 4)
            return i == s.size();
        if (i >= s.size() || s[i] != '.')
            return false;
        ++i;
    }
}

bool is_ipv6(const std::string& s) {
    in6_addr a{};
    return inet_pton(AF_INET6, s.c_str(), &a) == 1;
}

bool is_dns_name(const std::string& s) {
    static const std::regex re(
        R"(^(([a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?)\.)*([a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?)$)");
    return match(s, re);
}

std::optional<unsigned> cidr_bits(const std::string& s, bool (*is_ip)(const std::string&)) {
    auto slash = s.find('/');
    if (slash == std::string::npos || !is_ip(s.substr(0, slash)))
        return std::nullopt;
    std::string bits = s.substr(slash + 1);
    if (bits.empty() || bits.size() > 3 || !is_integer(bits) || bits[0] == '+' || bits[0] == '-')
        return std::nullopt;
    return static_cast<unsigned>(std::stoul(bits));
}

bool is_cidrv4(const std::string& s) {
    auto b = cidr_bits(s, is_ipv4);
    return b && *b > 7 && *b <= 32;
}

bool is_cidrv6(const std::string& s) {
    auto b = cidr_bits(s, is_ipv6);
    return b && *b > 7 && *b <= 128;
}

std::optional<std::string> parse_id(const std::string& id, std::string_view type) {
    static const std::regex re(R"(^[a-z][a-z0-9\-_.]*[a-z0-9]$)", std::regex::icase);
    if (!match(id, re))
        return fmt::format("{} ID '{}' contains illegal characters\n", type, id);
    return std::nullopt;
}

const std::map<std::string, format_check, std::less<>>& format_table() {
    static const std::map<std::string, format_check, std::less<>> table = {
        {"string", [](const std::string&) -> std::optional<std::string> { return std::nullopt; }},
        {"urlencoded",
         [](const std::string& v) -> std::optional<std::string> {
             static const std::regex re(R"(^[-%a-zA-Z0-9_.!~*'()]*$)");
             if (!match(v, re))
                 return "invalid urlencoded string: " + v + "\n";
             return std::nullopt;
         }},
        {"pve-configid",
         [](const std::string& v) -> std::optional<std::string> {
             static const std::regex re(R"(^[a-z][a-z0-9_-]+$)", std::regex::icase);
             if (!match(v, re))
                 return "invalid configuration ID '" + v + "'\n";
             return std::nullopt;
         }},
        {"pve-storage-id", [](const std::string& v) { return parse_id(v, "storage"); }},
        {"pve-storage-content",
         [](const std::string& v) -> std::optional<std::string> {
             // pve-storage Plugin.pm verify_content: the content types of a dir storage, and import
             for (const char* ct :
                  {"images", "rootdir", "vztmpl", "iso", "backup", "snippets", "none", "import"})
                 if (v == ct)
                     return std::nullopt;
             return "invalid content type '" + v + "'\n";
         }},
        {"pve-realm",
         [](const std::string& v) -> std::optional<std::string> {
             // pve-access-control Auth/Plugin.pm pve_verify_realm
             static const std::regex re(R"(^[A-Za-z][A-Za-z\.\-_0-9]+$)");
             if (!match(v, re))
                 return std::string("value does not look like a valid realm\n");
             return std::nullopt;
         }},
        {"acme-plugin-id", [](const std::string& v) { return parse_id(v, "ACME plugin"); }},
        {"pve-bridge-id",
         [](const std::string& v) -> std::optional<std::string> {
             static const std::regex re(R"(^[-_.\w\d]+$)");
             if (!match(v, re))
                 return "invalid bridge ID '" + v + "'\n";
             return std::nullopt;
         }},
        {"pve-vmid",
         [](const std::string& v) -> std::optional<std::string> {
             static const std::regex re(R"(^[1-9][0-9]{2,8}$)");
             if (!match(v, re))
                 return "value does not look like a valid VM ID\n";
             return std::nullopt;
         }},
        {"pve-node",
         [](const std::string& v) -> std::optional<std::string> {
             static const std::regex re(R"(^([a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?)$)");
             if (!match(v, re))
                 return "value does not look like a valid node name\n";
             return std::nullopt;
         }},
        {"mac-addr",
         [](const std::string& v) -> std::optional<std::string> {
             static const std::regex re(R"(^[a-f0-9][02468ace](?::[a-f0-9]{2}){5}$)", std::regex::icase);
             if (!match(v, re))
                 return "value does not look like a valid unicast MAC address\n";
             return std::nullopt;
         }},
        {"ipv4",
         [](const std::string& v) -> std::optional<std::string> {
             if (!is_ipv4(v))
                 return "value does not look like a valid IPv4 address\n";
             return std::nullopt;
         }},
        {"ipv6",
         [](const std::string& v) -> std::optional<std::string> {
             if (!is_ipv6(v))
                 return "value does not look like a valid IPv6 address\n";
             return std::nullopt;
         }},
        {"ip",
         [](const std::string& v) -> std::optional<std::string> {
             if (!is_ipv4(v) && !is_ipv6(v))
                 return "value does not look like a valid IP address\n";
             return std::nullopt;
         }},
        {"ipv4mask",
         [](const std::string& v) -> std::optional<std::string> {
             if (!is_ipv4(v))
                 return "value does not look like a valid IP netmask\n";
             in_addr a{};
             inet_pton(AF_INET, v.c_str(), &a);
             const std::uint32_t m = ntohl(a.s_addr);
             if ((~m & (~m + 1)) != 0) // not a contiguous run of leading ones
                 return "value does not look like a valid IP netmask\n";
             return std::nullopt;
         }},
        {"CIDRv4",
         [](const std::string& v) -> std::optional<std::string> {
             if (!is_cidrv4(v))
                 return "value does not look like a valid IPv4 CIDR network\n";
             return std::nullopt;
         }},
        {"CIDRv6",
         [](const std::string& v) -> std::optional<std::string> {
             if (!is_cidrv6(v))
                 return "value does not look like a valid IPv6 CIDR network\n";
             return std::nullopt;
         }},
        {"CIDR",
         [](const std::string& v) -> std::optional<std::string> {
             if (!is_cidrv4(v) && !is_cidrv6(v))
                 return "value does not look like a valid CIDR network\n";
             return std::nullopt;
         }},
        {"pve-ipv4-config",
         [](const std::string& v) -> std::optional<std::string> {
             if (v == "dhcp" || v == "manual" || is_cidrv4(v))
                 return std::nullopt;
             return "value does not look like a valid ipv4 network configuration\n";
         }},
        {"pve-ipv6-config",
         [](const std::string& v) -> std::optional<std::string> {
             if (v == "auto" || v == "dhcp" || v == "manual" || is_cidrv6(v))
                 return std::nullopt;
             return "value does not look like a valid ipv6 network configuration\n";
         }},
        {"dns-name",
         [](const std::string& v) -> std::optional<std::string> {
             if (!is_dns_name(v))
                 return "value does not look like a valid DNS name\n";
             return std::nullopt;
         }},
        {"address",
         [](const std::string& v) -> std::optional<std::string> {
             if (!is_ipv4(v) && !is_ipv6(v) && !is_dns_name(v))
                 return "value does not look like a valid address: " + v + "\n";
             return std::nullopt;
         }},
        {"pve-iface",
         [](const std::string& v) -> std::
                                      optional<std::string> {
                                          static const std::regex re(R"(^[a-z][a-z0-9_]{1,20}([:\.]\d+)?$)",
                                                                     std::regex::icase);
                                          if (!match(v, re))
                                              return "invalid network interface name '" + v + "'\n";
                                          return std::nullopt;
                                      }},
        {"pve-tag",
         [](const std::string& v) -> std::
                                      optional<std::string> {
                                          static const std::regex re(R"(^[a-z0-9_][a-z0-9_\-\+\.]*$)",
                                                                     std::regex::icase);
                                          if (!match(v, re))
                                              return std::string("invalid characters in tag\n");
                                          return std::nullopt;
                                      }},
        {"pve-startup-order",
         [](const std::string& v) -> std::
                                      optional<std::string> {
                                          static const std::regex part(
                                              R"(^\s*$|^(order=)?\d+$|^up=\d+$|^down=\d+$)");
                                          bool ok = !v.empty() && v != "0";
                                          for (const auto& p : split_list(v))
                                              ok = ok && match(p, part);
                                          if (!ok)
                                              return std::string("unable to parse startup options\n");
                                          return std::nullopt;
                                      }},
        {"ldap-simple-attr",
         [](const std::string& v) -> std::
                                      optional<std::string> {
                                          static const std::regex re(R"(^[a-zA-Z0-9]+$)");
                                          if (!match(v, re))
                                              return "value '" + v +
                                                     "' does not look like a simple ldap attribute name\n";
                                          return std::nullopt;
                                      }},
        {"pve-task-status-type",
         [](const std::string& v) -> std::
                                      optional<std::string> {
                                          static const std::regex re(R"(^(ok|error|warning|unknown)$)",
                                                                     std::regex::icase);
                                          if (!match(v, re))
                                              return "invalid status '" + v + "'\n";
                                          return std::nullopt;
                                      }},
        {"disk-size",
         [](const std::string& v) -> std::
                                      optional<std::string> {
                                          static const std::regex re(R"(^(\d+(\.\d+)?)([KMGT])?$)");
                                          if (!match(v, re))
                                              return "value does not look like a valid disk size: " + v +
                                                     "\n";
                                          return std::nullopt;
                                      }},
        {"pve-userid",
         [](const std::string& v)
             -> std::
                 optional<std::string> {
                     // pve-access-control verify_username
                     const std::size_t len = utf8_length(v);
                     if (len < 3)
                         return "user name '" + v + "' is too short\n";
                     if (len > 64)
                         return fmt::format("user name '{}' is too long ({} > 64)\n", v, len);
                     static const std::regex re(R"(^[^\s:/]+@[A-Za-z][A-Za-z0-9\.\-_]+$)");
                     if (!match(v, re))
                         return "value '" + v + "' does not look like a valid user name\n";
                     return std::nullopt;
                 }},
        {"pve-vlan-id-or-range",
         [](const std::string& v) -> std::
                                      optional<std::string> {
                                          static const std::regex re(R"(^(\d+)(?:-(\d+))?$)");
                                          std::smatch m;
                                          if (!std::regex_match(v, m, re))
                                              return "invalid VLAN configuration '" + v + "'\n";
                                          auto tag = [](const std::string& t) {
                                              return t.size() > 5 ? 99999UL : std::stoul(t);
                                          };
                                          const auto start = tag(m[1].str());
                                          if (start < 2 || start > 4094)
                                              return "invalid VLAN tag '" + m[1].str() + "'\n";
                                          if (m[2].matched && m[2].str() != "0") {
                                              const auto end = tag(m[2].str());
                                              if (end < 2 || end > 4094)
                                                  return "invalid VLAN tag '" + m[2].str() + "'\n";
                                              if (start >= end)
                                                  return "VLAN range must go from lower to higher tag '" + v +
                                                         "'\n";
                                          }
                                          return std::nullopt;
                                      }},
    };
    return table;
}

// JSONSchema.pm check_format for named formats. Formats the simulator does not know (mostly
// property strings registered by other packages) are accepted unchecked.
std::optional<std::string> check_format(std::string_view format, const std::string& value) {
    if (format == "property-string" || format == "regex")
        return std::nullopt;
    std::string_view name = format;
    std::string_view kind;
    for (std::string_view suffix : {"-list", "-opt"}) {
        if (name.size() > suffix.size() && name.ends_with(suffix)) {
            kind = suffix;
            name.remove_suffix(suffix.size());
            break;
        }
    }
    const auto& table = format_table();
    auto it = table.find(name);
    if (it == table.end())
        return std::nullopt;
    if (kind == "-list") {
        for (const auto& item : split_list(value))
            if (auto err = it->second(item))
                return err;
        return std::nullopt;
    }
    if (kind == "-opt") {
        if (value.empty() || value == "0") // Perl truthiness
            return std::nullopt;
    }
    return it->second(value);
}

// Translates a Perl pattern into an ECMAScript one: Perl prints compiled sub-patterns as
// `(?^:...)` / `(?^i:...)`. Throws std::regex_error when there is no equivalent.
std::regex compile_perl_pattern(std::string pattern) {
    bool icase = false;
    for (std::size_t pos; (pos = pattern.find("(?^i:")) != std::string::npos;) {
        pattern.replace(pos, 5, "(?:");
        icase = true;
    }
    for (std::size_t pos; (pos = pattern.find("(?^:")) != std::string::npos;)
        pattern.replace(pos, 4, "(?:");
    if (pattern.find("(?^") != std::string::npos || pattern.find("(?<") != std::string::npos ||
        pattern.find("?+") != std::string::npos || pattern.find("*+") != std::string::npos)
        throw std::regex_error(std::regex_constants::error_complexity);
    // Perl checks `$value =~ m/^$pattern$/`: anchors without a group around the pattern.
    auto flags = std::regex::ECMAScript | std::regex::optimize;
    if (icase)
        flags |= std::regex::icase;
    return std::regex("^" + pattern + "$", flags);
}

std::string type_name_of(const json::value& v) {
    switch (v.kind()) {
    case json::kind::array:
        return "ARRAY";
    case json::kind::object:
        return "HASH";
    case json::kind::bool_:
        return "JSON::PP::Boolean";
    default:
        return {};
    }
}

// JSONSchema.pm add_error: a second error for the same path is appended after a literal '\n'
// (single-quoted in Perl, so a backslash and an n).
void add_error(json::object& errors, const std::string& path, std::string_view msg) {
    const std::string key = path.empty() ? "_root" : path;
    if (auto* existing = errors.if_contains(key)) {
        std::string joined(existing->as_string());
        joined += "\\n";
        joined += msg;
        *existing = joined;
    } else {
        errors[key] = msg;
    }
}

bool truthy(const json::object& schema, std::string_view key) {
    const auto* v = schema.if_contains(key);
    if (!v)
        return false;
    if (v->is_bool())
        return v->get_bool();
    if (v->is_int64())
        return v->get_int64() != 0;
    if (v->is_uint64())
        return v->get_uint64() != 0;
    if (v->is_string())
        return !v->get_string().empty() && v->get_string() != "0";
    return !v->is_null();
}

std::string_view string_field(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view{};
}

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> segs;
    std::size_t i = 0;
    while (i < path.size()) {
        while (i < path.size() && path[i] == '/')
            ++i;
        std::size_t j = i;
        while (j < path.size() && path[j] != '/')
            ++j;
        if (j > i)
            segs.push_back(path.substr(i, j - i));
        i = j;
    }
    return segs;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// api_schema

struct api_schema::regex_table {
    std::unordered_map<const json::object*, std::unique_ptr<std::regex>> compiled;
};

api_schema::~api_schema() = default;

api_schema::api_schema(std::string_view json_text) : patterns_(std::make_unique<regex_table>()) {
    json::error_code ec;
    doc_ = json::parse(json_text, ec);
    if (ec || !doc_.is_object())
        throw std::runtime_error("proxmox::sim: cannot parse the API schema: " + ec.message());
    const auto* eps = doc_.as_object().if_contains("endpoints");
    if (!eps || !eps->is_array())
        throw std::runtime_error("proxmox::sim: the API schema has no endpoints array");

    static const json::object empty_params;
    endpoints_.reserve(eps->as_array().size());
    for (const auto& e : eps->as_array()) {
        if (!e.is_object())
            continue;
        const auto& o = e.as_object();
        endpoint ep;
        ep.path = string_field(o, "path");
        ep.method = string_field(o, "method");
        ep.name = string_field(o, "name");
        const auto* at = o.if_contains("allowtoken");
        ep.allowtoken = !at || (at->is_bool() ? at->get_bool() : truthy(o, "allowtoken"));
        ep.proxyto = string_field(o, "proxyto");
        const auto* params = o.if_contains("parameters");
        ep.parameters = params && params->is_object() ? &params->get_object() : &empty_params;
        ep.definition = &o;
        endpoints_.push_back(std::move(ep));
    }

    auto add_pattern = [this](const json::object& schema) {
        const auto* p = schema.if_contains("pattern");
        if (!p || !p->is_string())
            return;
        try {
            patterns_->compiled[&schema] =
                std::make_unique<std::regex>(compile_perl_pattern(std::string(p->get_string())));
        } catch (const std::regex_error&) {
            patterns_->compiled[&schema] = nullptr; // no ECMAScript equivalent: not checked
        }
    };

    for (const auto& ep : endpoints_) {
        trie_node* n = &root_;
        for (auto seg : split_path(ep.path)) {
            if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
                if (!n->placeholder) {
                    n->placeholder = std::make_unique<trie_node>();
                    n->placeholder->placeholder_name = std::string(seg.substr(1, seg.size() - 2));
                }
                n = n->placeholder.get();
            } else {
                auto& child = n->literal[std::string(seg)];
                if (!child)
                    child = std::make_unique<trie_node>();
                n = child.get();
            }
        }
        n->methods.push_back(&ep);
        for (const auto& [name, prop] : *ep.parameters) {
            if (!prop.is_object())
                continue;
            add_pattern(prop.get_object());
            if (const auto* items = prop.get_object().if_contains("items"); items && items->is_object())
                add_pattern(items->get_object());
        }
    }
}

const api_schema& api_schema::embedded() {
    static const api_schema schema(embedded_schema_text());
    return schema;
}

bool api_schema::match(const trie_node& n,
                       const std::vector<std::string_view>& segs,
                       std::size_t i,
                       std::string_view method,
                       route_match& out) const {
    if (i == segs.size()) {
        for (const auto* ep : n.methods) {
            if (ep->method == method) {
                out.ep = ep;
                return true;
            }
        }
        return false;
    }
    if (auto it = n.literal.find(std::string(segs[i])); it != n.literal.end())
        if (match(*it->second, segs, i + 1, method, out))
            return true;
    if (n.placeholder) {
        // RESTHandler's default placeholder regex is \S+
        const auto seg = segs[i];
        const bool no_space = seg.find_first_of(" \t\r\n\f\v") == std::string_view::npos;
        if (no_space) {
            out.path_params.emplace_back(n.placeholder->placeholder_name, std::string(seg));
            if (match(*n.placeholder, segs, i + 1, method, out))
                return true;
            out.path_params.pop_back();
        }
    }
    return false;
}

std::optional<route_match> api_schema::find(std::string_view method, std::string_view rel_path) const {
    route_match m;
    if (match(root_, split_path(rel_path), 0, method, m))
        return m;
    return std::nullopt;
}

const endpoint* api_schema::lookup(std::string_view method, std::string_view path_template) const {
    for (const auto& ep : endpoints_)
        if (ep.method == method && ep.path == path_template)
            return &ep;
    return nullptr;
}

bool api_schema::pattern_matches(const json::object& schema, const std::string& text) const {
    auto it = patterns_->compiled.find(&schema);
    if (it == patterns_->compiled.end() || !it->second)
        return true;
    // libstdc++'s regex recurses per character; very long values are not checked.
    if (text.size() > 16 * 1024)
        return true;
    return std::regex_search(text, *it->second);
}

// JSONSchema.pm check_prop, for the property schemas found in the API schema.
void api_schema::check_prop(const json::value* value,
                            const json::object& schema,
                            const std::string& path,
                            json::object& errors) const {
    if (!value || value->is_null()) {
        if (string_field(schema, "type") == "null")
            return;
        if (!truthy(schema, "optional") && !truthy(schema, "alias") && !truthy(schema, "group"))
            add_error(errors, path, "property is missing and it is not optional");
        return;
    }

    const std::string_view type = string_field(schema, "type");
    const std::string vt = type_name_of(*value);
    if (!type.empty() && type != "any") {
        if (type == "null") {
            add_error(errors, path, "type check ('null') failed - value is not null");
            return;
        }
        if (type == "array" || type == "object") {
            if (vt != (type == "array" ? "ARRAY" : "HASH")) {
                add_error(errors, path, fmt::format("type check ('{}') failed", type));
                return;
            }
        } else if (!vt.empty()) {
            if (!(type == "boolean" && value->is_bool())) {
                add_error(errors, path, fmt::format("type check ('{}') failed - got {}", type, vt));
                return;
            }
        } else {
            const std::string text = *perl_scalar_text(*value);
            const bool ok = type == "boolean"   ? text == "1" || text == "0"
                            : type == "integer" ? is_integer(text)
                            : type == "number"  ? is_number(text)
                                                : true;
            if (!ok) {
                add_error(errors, path, fmt::format("type check ('{}') failed - got '{}'", type, text));
                return;
            }
        }
    }

    if (!vt.empty()) {
        if (value->is_array()) {
            if (const auto* items = schema.if_contains("items"); items && items->is_object()) {
                std::size_t i = 0;
                for (const auto& el : value->get_array())
                    check_prop(&el, items->get_object(), fmt::format("{}[{}]", path, i++), errors);
            }
        }
        // nested objects do not occur in API parameters; booleans have nothing more to check
        return;
    }

    const std::string text = *perl_scalar_text(*value);
    if (const auto format = string_field(schema, "format"); !format.empty()) {
        if (auto err = check_format(format, text)) {
            add_error(errors, path, "invalid format - " + *err);
            return;
        }
    }
    if (schema.contains("pattern") && !pattern_matches(schema, text)) {
        add_error(errors, path, "value does not match the regex pattern");
        return;
    }
    if (const auto* max = schema.if_contains("maxLength"); max && max->is_number()) {
        if (static_cast<double>(utf8_length(text)) > max->to_number<double>()) {
            add_error(errors, path, fmt::format("value may only be {} characters long", number_text(*max)));
            return;
        }
    }
    if (const auto* min = schema.if_contains("minLength"); min && min->is_number()) {
        if (static_cast<double>(utf8_length(text)) < min->to_number<double>()) {
            add_error(errors, path,
                      fmt::format("value must be at least {} characters long", number_text(*min)));
            return;
        }
    }
    if (is_number(text)) {
        const double n = perl_numeric(text);
        if (const auto* max = schema.if_contains("maximum"); max && max->is_number()) {
            if (n > max->to_number<double>()) {
                add_error(errors, path,
                          fmt::format("value must have a maximum value of {}", number_text(*max)));
                return;
            }
        }
        if (const auto* min = schema.if_contains("minimum"); min && min->is_number()) {
            if (n < min->to_number<double>()) {
                add_error(errors, path,
                          fmt::format("value must have a minimum value of {}", number_text(*min)));
                return;
            }
        }
    }
    if (const auto* en = schema.if_contains("enum"); en && en->is_array()) {
        std::string all;
        bool found = false;
        for (const auto& ev : en->get_array()) {
            const std::string evt = perl_scalar_text(ev).value_or(json::serialize(ev));
            found = found || evt == text;
            if (!all.empty())
                all += ", ";
            all += evt;
        }
        if (!found)
            add_error(errors, path,
                      fmt::format("value '{}' does not have a value in the enumeration '{}'", text, all));
    }
}

json::object api_schema::validate(const endpoint& ep, json::object& params) const {
    const json::object& props = *ep.parameters;

    // Form encoding has no arrays or lists: normalize like PVE's RESTHandler does.
    for (auto& [key, value] : params) {
        const auto* prop = props.if_contains(key);
        if (!prop || !prop->is_object())
            continue;
        const auto& p = prop->get_object();
        const auto type = string_field(p, "type");
        if (type == "array" && value.is_string()) {
            json::array one;
            one.push_back(value);
            value = std::move(one);
        } else if (type != "array" && value.is_array() && string_field(p, "format").ends_with("-list")) {
            std::string joined;
            for (const auto& item : value.get_array()) {
                if (!joined.empty())
                    joined += ',';
                joined += perl_scalar_text(item).value_or(std::string{});
            }
            value = joined;
        }
    }

    json::object errors;
    for (const auto& [key, prop] : props) {
        if (!prop.is_object())
            continue;
        check_prop(params.if_contains(key), prop.get_object(), std::string(key), errors);
    }
    for (const auto& [key, value] : params) {
        const auto* prop = props.if_contains(key);
        if (prop && prop->is_object()) {
            const auto requires_key = string_field(prop->get_object(), "requires");
            if (!requires_key.empty() &&
                (!params.contains(requires_key) || params.at(requires_key).is_null()))
                add_error(
                    errors, std::string(requires_key),
                    fmt::format("missing property - '{}' requires this property", std::string_view(key)));
            continue;
        }
        add_error(errors, std::string(key),
                  "property is not defined in schema and the schema does not allow additional properties");
    }
    return errors;
}

} // namespace proxmox::sim::detail
