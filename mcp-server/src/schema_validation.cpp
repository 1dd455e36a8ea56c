#include "caller_text.hpp"
#include "schema_validation.hpp"

#include <boost/json/serialize.hpp>

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <string_view>

namespace proxmox::mcp {

namespace json = boost::json;

namespace {

bool is_integral(const json::value& v) {
    if (v.is_int64() || v.is_uint64())
        return true;
    if (v.is_double()) {
        double d = v.get_double();
        return std::isfinite(d) && std::floor(d) == d;
    }
    return false;
}

bool has_type(const json::value& v, std::string_view type) {
    if (type == "string")
        return v.is_string();
    if (type == "integer")
        return is_integral(v);
    if (type == "number")
        return v.is_number();
    if (type == "boolean")
        return v.is_bool();
    if (type == "object")
        return v.is_object();
    if (type == "array")
        return v.is_array();
    if (type == "null")
        return v.is_null();
    return true; // unknown type names do not reject anything
}

std::string_view kind_of(const json::value& v) {
    switch (v.kind()) {
    case json::kind::null:
        return "null";
    case json::kind::bool_:
        return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
        return "an integer";
    case json::kind::double_:
        return "a number";
    case json::kind::string:
        return "a string";
    case json::kind::array:
        return "an array";
    case json::kind::object:
        return "an object";
    }
    return "a value";
}

std::string_view article_type(std::string_view type) {
    if (type == "string")
        return "a string";
    if (type == "integer")
        return "an integer";
    if (type == "number")
        return "a number";
    if (type == "boolean")
        return "a boolean";
    if (type == "object")
        return "an object";
    if (type == "array")
        return "an array";
    if (type == "null")
        return "null";
    return type;
}

std::string fix_for_type(std::string_view type, const json::value& got) {
    if (type == "boolean") {
        if (got.is_string())
            return "pass true or false without quotes";
        return "pass true or false";
    }
    if (type == "integer") {
        if (got.is_string())
            return "pass a whole number without quotes, e.g. 100 rather than \"100\"";
        return "pass a whole number, e.g. 100";
    }
    if (type == "number")
        return got.is_string() ? "pass a number without quotes" : "pass a number";
    if (type == "string")
        return "pass a text value in double quotes";
    if (type == "object")
        return "pass a JSON object {...}";
    if (type == "array")
        return "pass a JSON array [...]";
    return "pass a value of that type";
}

std::string describe(std::string_view path) {
    if (path.empty())
        return "the arguments";
    return fmt::format("argument '{}'", path);
}

std::string join_path(std::string_view base, std::string_view key) {
    if (base.empty())
        return std::string(key);
    return fmt::format("{}.{}", base, key);
}

std::string number_text(const json::value& v) {
    return json::serialize(v);
}

double as_double(const json::value& v) {
    if (v.is_int64())
        return static_cast<double>(v.get_int64());
    if (v.is_uint64())
        return static_cast<double>(v.get_uint64());
    if (v.is_double())
        return v.get_double();
    return 0;
}

std::optional<validation_error> fail(std::string path, std::string message) {
    return validation_error{std::move(path), std::move(message)};
}

std::optional<validation_error>
check(const json::object& schema, const json::value& v, const std::string& path);

std::optional<validation_error>
check_type(const json::object& schema, const json::value& v, const std::string& path) {
    const auto* t = schema.if_contains("type");
    if (!t)
        return std::nullopt;
    if (t->is_string()) {
        std::string_view type = t->get_string();
        if (has_type(v, type))
            return std::nullopt;
        return fail(path, fmt::format("{} must be {}, got {}. Fix: {}.", describe(path), article_type(type),
                                      kind_of(v), fix_for_type(type, v)));
    }
    if (const auto* list = t->if_array()) {
        std::string names;
        for (const auto& item : *list) {
            if (!item.is_string())
                continue;
            if (has_type(v, item.get_string()))
                return std::nullopt;
            if (!names.empty())
                names += " or ";
            names += article_type(item.get_string());
        }
        return fail(path, fmt::format("{} must be {}, got {}. Fix: pass {}.", describe(path), names,
                                      kind_of(v), names));
    }
    return std::nullopt;
}

std::optional<validation_error>
check_enum(const json::object& schema, const json::value& v, const std::string& path) {
    if (const auto* c = schema.if_contains("const")) {
        if (*c != v)
            return fail(path, fmt::format("{} must be {}, got {}. Fix: pass {}.", describe(path),
                                          json::serialize(*c), quote_json(v), json::serialize(*c)));
    }
    const auto* e = schema.if_contains("enum");
    if (!e || !e->is_array())
        return std::nullopt;
    std::string allowed;
    for (const auto& item : e->get_array()) {
        if (item == v)
            return std::nullopt;
        if (!allowed.empty())
            allowed += ", ";
        allowed += json::serialize(item);
    }
    return fail(path, fmt::format("{} must be one of {}, got {}. Fix: pass one of those values exactly.",
                                  describe(path), allowed, quote_json(v)));
}

std::optional<validation_error>
check_number(const json::object& schema, const json::value& v, const std::string& path) {
    if (!v.is_number())
        return std::nullopt;
    double d = as_double(v);
    // Boost.JSON reads some literals (0e621, 1e999) as NaN or infinity, which compare false with
    // every bound.
    if (!std::isfinite(d))
        return fail(path, fmt::format("{} must be a finite number. Fix: pass a number such as 1 or 2.5.",
                                      describe(path)));
    if (const auto* m = schema.if_contains("minimum"); m && m->is_number() && d < as_double(*m))
        return fail(path, fmt::format("{} must be at least {}, got {}. Fix: pass a value >= {}.",
                                      describe(path), number_text(*m), number_text(v), number_text(*m)));
    if (const auto* m = schema.if_contains("maximum"); m && m->is_number() && d > as_double(*m))
        return fail(path, fmt::format("{} must be at most {}, got {}. Fix: pass a value <= {}.",
                                      describe(path), number_text(*m), number_text(v), number_text(*m)));
    if (const auto* m = schema.if_contains("exclusiveMinimum"); m && m->is_number() && d <= as_double(*m))
        return fail(path, fmt::format("{} must be greater than {}, got {}. Fix: pass a value > {}.",
                                      describe(path), number_text(*m), number_text(v), number_text(*m)));
    if (const auto* m = schema.if_contains("exclusiveMaximum"); m && m->is_number() && d >= as_double(*m))
        return fail(path, fmt::format("{} must be less than {}, got {}. Fix: pass a value < {}.",
                                      describe(path), number_text(*m), number_text(v), number_text(*m)));
    return std::nullopt;
}

std::size_t utf8_length(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80)
            ++n;
    return n;
}

/// The bound of a string whose schema states none: arguments are bounded, results are not.
thread_local std::size_t unstated_string_bound = default_max_string_length;

std::optional<validation_error>
check_string(const json::object& schema, const json::value& v, const std::string& path) {
    if (!v.is_string())
        return std::nullopt;
    std::size_t len = utf8_length(v.get_string());
    if (const auto* m = schema.if_contains("minLength"); m && is_integral(*m) && len < as_double(*m)) {
        if (as_double(*m) == 1)
            return fail(
                path,
                fmt::format("{} must not be empty. Fix: pass a non-empty value or leave the argument out.",
                            describe(path)));
        return fail(path, fmt::format("{} must be at least {} characters long, got {}.", describe(path),
                                      number_text(*m), len));
    }
    if (const auto* m = schema.if_contains("maxLength"); m && is_integral(*m) && len > as_double(*m))
        return fail(path, fmt::format("{} must be at most {} characters long, got {}. Fix: shorten it.",
                                      describe(path), number_text(*m), len));
    if (!schema.contains("maxLength") && len > unstated_string_bound)
        return fail(path, fmt::format("{} must be at most {} characters long, got {}. Fix: shorten it.",
                                      describe(path), unstated_string_bound, len));
    return std::nullopt;
}

std::optional<validation_error>
check_array(const json::object& schema, const json::value& v, const std::string& path) {
    const auto* arr = v.if_array();
    if (!arr)
        return std::nullopt;
    if (const auto* m = schema.if_contains("minItems"); m && is_integral(*m) && arr->size() < as_double(*m))
        return fail(path, fmt::format("{} needs at least {} items, got {}.", describe(path), number_text(*m),
                                      arr->size()));
    if (const auto* m = schema.if_contains("maxItems"); m && is_integral(*m) && arr->size() > as_double(*m))
        return fail(path, fmt::format("{} takes at most {} items, got {}.", describe(path), number_text(*m),
                                      arr->size()));
    if (const auto* items = schema.if_contains("items"); items && items->is_object()) {
        for (std::size_t i = 0; i < arr->size(); ++i) {
            auto r = check(items->get_object(), (*arr)[i], fmt::format("{}[{}]", path, i));
            if (r)
                return r;
        }
    }
    return std::nullopt;
}

std::string allowed_list(const json::object* props) {
    if (!props || props->empty())
        return {};
    std::string out;
    for (const auto& p : *props) {
        if (!out.empty())
            out += ", ";
        out += p.key();
    }
    return out;
}

std::optional<validation_error>
check_object(const json::object& schema, const json::value& v, const std::string& path) {
    const auto* obj = v.if_object();
    if (!obj)
        return std::nullopt;
    const json::object* props = nullptr;
    if (const auto* p = schema.if_contains("properties"); p && p->is_object())
        props = &p->get_object();

    if (const auto* req = schema.if_contains("required"); req && req->is_array()) {
        for (const auto& name : req->get_array()) {
            if (!name.is_string() || obj->contains(name.get_string()))
                continue;
            std::string key(name.get_string());
            std::string hint;
            if (props) {
                if (const auto* ps = props->if_contains(key); ps && ps->is_object()) {
                    if (const auto* t = ps->get_object().if_contains("type"); t && t->is_string())
                        hint = fmt::format(" ({})", article_type(t->get_string()));
                }
            }
            return fail(join_path(path, key),
                        fmt::format("missing required {}{}. Fix: add \"{}\" to the arguments.",
                                    describe(join_path(path, key)), hint, key));
        }
    }

    const auto* additional = schema.if_contains("additionalProperties");
    for (const auto& member : *obj) {
        std::string key = quote_text(member.key()); // the client's key, for messages and paths
        std::string sub = join_path(path, key);
        const json::value* ps = props ? props->if_contains(member.key()) : nullptr;
        if (ps && ps->is_object()) {
            auto r = check(ps->get_object(), member.value(), sub);
            if (r)
                return r;
            continue;
        }
        if (!additional)
            continue;
        if (additional->is_bool() && !additional->get_bool()) {
            std::string allowed = allowed_list(props);
            if (allowed.empty())
                return fail(sub, fmt::format("unknown {}: this takes no arguments. Fix: remove \"{}\".",
                                             describe(sub), key));
            return fail(sub, fmt::format("unknown {}. Fix: remove \"{}\"; allowed arguments: {}.",
                                         describe(sub), key, allowed));
        }
        if (additional->is_object()) {
            auto r = check(additional->get_object(), member.value(), sub);
            if (r)
                return r;
        }
    }
    return std::nullopt;
}

std::optional<validation_error>
check(const json::object& schema, const json::value& v, const std::string& path) {
    if (auto r = check_type(schema, v, path))
        return r;
    if (auto r = check_enum(schema, v, path))
        return r;
    if (auto r = check_number(schema, v, path))
        return r;
    if (auto r = check_string(schema, v, path))
        return r;
    if (auto r = check_array(schema, v, path))
        return r;
    return check_object(schema, v, path);
}

} // namespace

std::optional<validation_error> validate(const json::object& schema, const json::value& value) {
    return check(schema, value, "");
}

std::optional<validation_error> validate_result(const json::object& schema, const json::value& value) {
    unstated_string_bound = std::numeric_limits<std::size_t>::max();
    auto r = check(schema, value, "");
    unstated_string_bound = default_max_string_length;
    return r;
}

} // namespace proxmox::mcp
