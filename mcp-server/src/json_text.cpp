#include "json_text.hpp"

#include <boost/json/serialize.hpp>

#include <charconv>
#include <cmath>

namespace proxmox::mcp {

namespace json = boost::json;

namespace {

void write(const json::value& v, std::string& out) {
    switch (v.kind()) {
    case json::kind::null:
        out += "null";
        return;
    case json::kind::bool_:
        out += v.get_bool() ? "true" : "false";
        return;
    case json::kind::int64:
        out += std::to_string(v.get_int64());
        return;
    case json::kind::uint64:
        out += std::to_string(v.get_uint64());
        return;
    case json::kind::double_: {
        double d = v.get_double();
        if (!std::isfinite(d)) {
            out += "null";
            return;
        }
        char buf[64];
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d); // shortest round-trip form
        if (ec != std::errc()) {
            out += json::serialize(v);
            return;
        }
        out.append(buf, end);
        return;
    }
    case json::kind::string:
        out += json::serialize(v);
        return;
    case json::kind::array: {
        out += '[';
        bool first = true;
        for (const auto& item : v.get_array()) {
            if (!first)
                out += ',';
            first = false;
            write(item, out);
        }
        out += ']';
        return;
    }
    case json::kind::object: {
        out += '{';
        bool first = true;
        for (const auto& m : v.get_object()) {
            if (!first)
                out += ',';
            first = false;
            out += json::serialize(json::string_view(m.key()));
            out += ':';
            write(m.value(), out);
        }
        out += '}';
        return;
    }
    }
}

} // namespace

std::string to_json_text(const json::value& v) {
    std::string out;
    write(v, out);
    return out;
}

} // namespace proxmox::mcp
