#include "core/json_read.hpp"

#include <charconv>
#include <cmath>

namespace proxmox::detail {

const boost::json::object& as_object_or_empty(const boost::json::value& v) {
    static const boost::json::object empty;
    const auto* o = v.if_object();
    return o ? *o : empty;
}

const boost::json::object& child_object(const boost::json::object& o, std::string_view key) {
    static const boost::json::object empty;
    const auto* v = o.if_contains(key);
    return v && v->is_object() ? v->get_object() : empty;
}

std::string to_text(const boost::json::value& v) {
    if (const auto* s = v.if_string())
        return std::string(*s);
    if (v.is_int64())
        return std::to_string(v.get_int64());
    if (v.is_uint64())
        return std::to_string(v.get_uint64());
    return {};
}

std::string read_string(const boost::json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v ? to_text(*v) : std::string{};
}

std::optional<std::int64_t> to_int(const boost::json::value& v) {
    if (v.is_int64())
        return v.get_int64();
    if (v.is_uint64())
        return static_cast<std::int64_t>(v.get_uint64());
    if (v.is_double())
        return static_cast<std::int64_t>(std::llround(v.get_double()));
    if (v.is_bool())
        return v.get_bool() ? 1 : 0;
    if (const auto* s = v.if_string()) {
        std::int64_t out = 0;
        auto [ptr, ec] = std::from_chars(s->data(), s->data() + s->size(), out);
        if (ec == std::errc{} && ptr == s->data() + s->size())
            return out;
        if (auto d = to_double(v))
            return static_cast<std::int64_t>(std::llround(*d));
    }
    return std::nullopt;
}

std::optional<double> to_double(const boost::json::value& v) {
    if (v.is_double())
        return v.get_double();
    if (v.is_int64())
        return static_cast<double>(v.get_int64());
    if (v.is_uint64())
        return static_cast<double>(v.get_uint64());
    if (const auto* s = v.if_string()) {
        try {
            std::size_t used = 0;
            double d = std::stod(std::string(*s), &used);
            if (used == s->size())
                return d;
        } catch (const std::exception&) {
        }
    }
    return std::nullopt;
}

std::optional<std::int64_t> read_optional_int(const boost::json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (!v)
        return std::nullopt;
    return to_int(*v);
}

std::int64_t read_int(const boost::json::object& o, std::string_view key, std::int64_t fallback) {
    return read_optional_int(o, key).value_or(fallback);
}

std::uint64_t to_uint(const boost::json::value& v) {
    const auto i = to_int(v).value_or(0);
    return i < 0 ? 0 : static_cast<std::uint64_t>(i);
}

std::uint64_t read_uint(const boost::json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v ? to_uint(*v) : 0;
}

double read_double(const boost::json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (!v)
        return 0;
    return to_double(*v).value_or(0);
}

bool read_bool(const boost::json::object& o, std::string_view key) {
    return read_int(o, key) != 0;
}

std::vector<std::string> read_string_list(const boost::json::object& o, std::string_view key) {
    std::vector<std::string> out;
    const auto* v = o.if_contains(key);
    if (!v)
        return out;
    if (const auto* a = v->if_array()) {
        for (const auto& item : *a)
            if (const auto* s = item.if_string(); s && !s->empty()) // as the text form skips empty items
                out.emplace_back(*s);
        return out;
    }
    const std::string text = read_string(o, key);
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find_first_of(",; \t\n", start);
        if (end == std::string::npos)
            end = text.size();
        if (end > start)
            out.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

} // namespace proxmox::detail
