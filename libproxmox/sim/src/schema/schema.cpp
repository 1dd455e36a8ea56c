#include "schema/perl_regex.hpp"
#include "schema/schema.hpp"
#include "schema/schema_formats.hpp"
#include "schema/text_checks.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <arpa/inet.h>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
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

// text helpers shared with schema_formats.cpp

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

namespace {

// JSONSchema.pm check_prop matches `$value =~ m/^$pattern$/`: the anchors are pasted around the
// pattern text (no group), so a top-level `a|b` anchors each side only once, as in Perl.
perl_regex compile_check_pattern(std::string_view pattern) {
    return perl_regex("^" + std::string(pattern) + "$");
}

/// Calls `fn` for every `pattern` string in a parameter schema, at any depth (items, props).
template <class Fn> void for_each_pattern(const json::value& v, Fn& fn) {
    if (v.is_object()) {
        for (const auto& [key, child] : v.get_object()) {
            if (key == "pattern" && child.is_string())
                fn(std::string_view(child.get_string()));
            else
                for_each_pattern(child, fn);
        }
    } else if (v.is_array()) {
        for (const auto& child : v.get_array())
            for_each_pattern(child, fn);
    }
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

struct api_schema::pattern_table {
    std::unordered_map<std::string, perl_regex> by_text;
};

api_schema::~api_schema() = default;

api_schema::api_schema(std::string_view json_text) : patterns_(std::make_unique<pattern_table>()) {
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

    // every pattern is compiled once, here; one PCRE2 cannot compile stops the simulator at start
    auto add_pattern = [this](std::string_view pattern) {
        auto& table = patterns_->by_text;
        if (table.contains(std::string(pattern)))
            return;
        try {
            table.emplace(std::string(pattern), compile_check_pattern(pattern));
        } catch (const std::invalid_argument& e) {
            throw std::runtime_error(
                std::string("proxmox::sim: the API schema has a pattern PCRE2 cannot match: ") + e.what());
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
        for (const auto& [name, prop] : *ep.parameters)
            for_each_pattern(prop, add_pattern);
    }
    for (std::string_view name : {"pve-qm-ipconfig", "pve-qm-boot", "pve-qm-watchdog", "pve-qm-smbios1"})
        for (const auto& [key, sub_prop] : *named_property_format(name))
            for_each_pattern(sub_prop, add_pattern);
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
    auto segs = split_path(rel_path);
    // pve-manager mounts the storage content calls with `fragmentDelimiter => ''` because volume
    // IDs contain '/': RESTHandler map_path_to_methods joins the rest of the path into one
    // segment, so `{volume}` gets e.g. `local:iso/debian.iso` unencoded
    std::string joined;
    if (segs.size() > 6 && segs[0] == "nodes" && segs[2] == "storage" && segs[4] == "content") {
        for (std::size_t i = 5; i < segs.size(); ++i)
            joined += (i > 5 ? "/" : "") + std::string(segs[i]);
        segs.resize(5);
        segs.push_back(joined);
    }
    if (match(root_, segs, 0, method, m))
        return m;
    return std::nullopt;
}

const endpoint* api_schema::lookup(std::string_view method, std::string_view path_template) const {
    for (const auto& ep : endpoints_)
        if (ep.method == method && ep.path == path_template)
            return &ep;
    return nullptr;
}

bool api_schema::pattern_matches(std::string_view pattern, const std::string& text) const {
    auto it = patterns_->by_text.find(std::string(pattern));
    if (it == patterns_->by_text.end()) // every pattern of the schema was compiled when it loaded
        throw std::logic_error("pattern '" + std::string(pattern) + "' was not compiled");
    return it->second.search(text);
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
        const json::object* props = nullptr;
        if (format == "property-string") {
            if (const auto* p = schema.if_contains("props"); p && p->is_object())
                props = &p->get_object();
        } else {
            props = named_property_format(format);
        }
        if (auto err = props ? check_property_string(*props, text, path) : check_format(format, text)) {
            add_error(errors, path, "invalid format - " + *err);
            return;
        }
    }
    if (const auto pattern = string_field(schema, "pattern");
        !pattern.empty() && pattern != "0" && !pattern_matches(pattern, text)) {
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

const json::object* find_parameter(const json::object& props, std::string_view key) {
    if (const auto* p = props.if_contains(key))
        return p->is_object() ? &p->get_object() : nullptr;
    std::size_t digits = 0;
    while (digits < key.size() && is_digit(key[key.size() - 1 - digits]))
        ++digits;
    if (digits == 0 || digits == key.size())
        return nullptr;
    const auto base = key.substr(0, key.size() - digits);
    if (!numbered_key_of(key, base, numbered_key_count(base)))
        return nullptr;
    const auto* p = props.if_contains(std::string(base) + "[n]");
    return p && p->is_object() ? &p->get_object() : nullptr;
}

std::vector<std::pair<std::string, std::string>> split_property_string(std::string_view text,
                                                                       std::string_view default_key) {
    std::vector<std::pair<std::string, std::string>> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find(',', start);
        if (end == std::string_view::npos)
            end = text.size();
        const auto part = text.substr(start, end - start);
        start = end + 1;
        if (part.find_first_not_of(" \t\r\n\f") == std::string_view::npos)
            continue;
        const auto eq = part.find('=');
        if (eq == std::string_view::npos)
            out.emplace_back(std::string(default_key), std::string(part));
        else
            out.emplace_back(std::string(part.substr(0, eq)), std::string(part.substr(eq + 1)));
    }
    return out;
}

std::optional<std::string> api_schema::check_property_string(const json::object& props,
                                                             const std::string& text,
                                                             const std::string& path) const {
    // parse_property_string: split on ',', `key=value` or a value for the default key
    std::map<std::string, std::string> res;
    std::string default_key;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find(',', start);
        if (end == std::string::npos)
            end = text.size();
        const std::string part = text.substr(start, end - start);
        start = end + 1;
        if (part.find_first_not_of(" \t\r\n\f") == std::string::npos)
            continue;
        const auto eq = part.find('=');
        if (eq != std::string::npos && eq > 0 && eq + 1 < part.size()) {
            std::string k = part.substr(0, eq);
            std::string v = part.substr(eq + 1);
            if (res.contains(k))
                return "duplicate key in comma-separated list property: " + k + "\n";
            const auto* schema = props.if_contains(k);
            if (schema && schema->is_object()) {
                const auto alias = string_field(schema->get_object(), "alias");
                if (!alias.empty()) {
                    const auto key_alias = string_field(schema->get_object(), "keyAlias");
                    if (!key_alias.empty()) {
                        if (res.contains(std::string(key_alias)))
                            return fmt::format("key alias '{}' is already defined\n", key_alias);
                        res[std::string(key_alias)] = k;
                    }
                    k = std::string(alias);
                    schema = props.if_contains(k);
                }
            }
            if (!schema || !schema->is_object())
                return "invalid key in comma-separated list property: " + k + "\n";
            if (string_field(schema->get_object(), "type") == "boolean")
                if (const auto b = parse_boolean(v))
                    v = *b ? "1" : "0";
            res[k] = v;
        } else if (eq == std::string::npos) {
            if (!default_key.empty())
                return "duplicate key in comma-separated list property: " + default_key + "\n";
            for (const auto& [key, schema] : props) {
                if (schema.is_object() && truthy(schema.get_object(), "default_key")) {
                    default_key = std::string(key);
                    auto it = res.find(default_key);
                    if (it != res.end() && !it->second.empty() && it->second != "0")
                        return "duplicate key in comma-separated list property: " + default_key + "\n";
                    res[default_key] = part;
                    break;
                }
            }
            if (default_key.empty())
                return std::string("value without key, but schema does not define a default key\n");
        } else {
            return std::string("missing key in comma-separated list property\n");
        }
    }

    // check_object with additional_properties 0; every key left is in the schema
    json::object errors;
    auto sub_path = [&](std::string_view key) {
        return path.empty() ? std::string(key) : path + "." + std::string(key);
    };
    for (const auto& [key, schema] : props) {
        if (!schema.is_object())
            continue;
        auto it = res.find(std::string(key));
        if (it == res.end()) {
            check_prop(nullptr, schema.get_object(), sub_path(key), errors);
        } else {
            const json::value v(it->second);
            check_prop(&v, schema.get_object(), sub_path(key), errors);
        }
    }
    for (const auto& [key, value] : res) {
        const auto* schema = props.if_contains(key);
        const auto requires_key = schema && schema->is_object()
                                      ? string_field(schema->get_object(), "requires")
                                      : std::string_view{};
        if (!requires_key.empty() && !res.contains(std::string(requires_key)))
            add_error(errors, sub_path(requires_key),
                      fmt::format("missing property - '{}' requires this property", sub_path(key)));
    }
    if (errors.empty())
        return std::nullopt;
    // raise "format error\n", errors => ...: PVE::Exception stringify appends "key: msg\n" each
    std::map<std::string, std::string> sorted;
    for (const auto& [key, msg] : errors)
        sorted[std::string(key)] = std::string(msg.as_string());
    std::string out = "format error\n";
    for (const auto& [key, msg] : sorted)
        out += key + ": " + msg + "\n";
    return out;
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
        if (!prop) {
            // numbered keys (net0, scsi1, ...) of a `name[n]` parameter
            if (const auto* numbered = find_parameter(props, key)) {
                check_prop(&value, *numbered, std::string(key), errors);
                continue;
            }
        }
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
