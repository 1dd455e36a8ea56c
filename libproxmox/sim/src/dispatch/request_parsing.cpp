#include "dispatch/request_parsing.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/pct_string_view.hpp>

#include <fmt/format.h>

#include <cctype>
#include <vector>

namespace proxmox::sim::detail {

namespace json = boost::json;
namespace urls = boost::urls;

namespace {

/// Percent-decodes with Boost.URL; text that is not valid percent-encoding is kept as it is
/// (Perl's decoders leave broken escapes alone, too).
std::string pct_decode(std::string_view s, bool plus_as_space) {
    auto pv = urls::make_pct_string_view(s);
    if (!pv)
        return std::string(s);
    return pv->decode(urls::encoding_opts(plus_as_space));
}

} // namespace

std::optional<parsed_target> parse_target(std::string_view target) {
    auto u = urls::parse_origin_form(target);
    if (!u)
        return std::nullopt;
    parsed_target t;
    t.path = u->encoded_path().decode();
    if (u->has_query())
        t.query = std::string(u->encoded_query());
    return t;
}

bool split_abs_uri(std::string_view path, std::string& rel_uri, std::string& format) {
    constexpr std::string_view base = "/api2";
    if (!path.starts_with(base))
        return false;
    path.remove_prefix(base.size());
    if (path.empty() || path.front() != '/')
        return false;
    while (!path.empty() && path.front() == '/')
        path.remove_prefix(1);
    std::size_t n = 0;
    while (n < path.size() &&
           ((path[n] >= 'a' && path[n] <= 'z') || (n > 0 && path[n] >= '0' && path[n] <= '9')))
        ++n;
    if (n < 2 || (n < path.size() && path[n] != '/'))
        return false;
    if (path.find('\n') != std::string_view::npos)
        return false;
    format = std::string(path.substr(0, n));
    rel_uri = n < path.size() ? std::string(path.substr(n)) : "/";
    return true;
}

void decode_urlencoded(std::string_view data, json::object& out) {
    std::size_t i = 0;
    while (i <= data.size()) {
        std::size_t j = data.find_first_of("&;", i);
        if (j == std::string_view::npos)
            j = data.size();
        std::string_view kv = data.substr(i, j - i);
        i = j + 1;
        if (kv.empty())
            continue;
        std::vector<std::string_view> fields;
        for (std::size_t a = 0;;) {
            std::size_t b = kv.find('=', a);
            fields.push_back(kv.substr(a, b == std::string_view::npos ? std::string_view::npos : b - a));
            if (b == std::string_view::npos)
                break;
            a = b + 1;
        }
        while (!fields.empty() && fields.back().empty()) // Perl's split drops trailing empty fields
            fields.pop_back();
        if (fields.empty())
            continue;
        const std::string key = pct_decode(fields[0], true);
        if (fields.size() < 2) {
            out[key] = nullptr;
            continue;
        }
        std::string value = pct_decode(fields[1], true);
        auto* old = out.if_contains(key);
        if (old && old->is_string()) {
            json::array both;
            both.emplace_back(old->get_string());
            both.emplace_back(value);
            *old = std::move(both);
        } else if (old && old->is_array()) {
            old->get_array().emplace_back(value);
        } else {
            out[key] = value;
        }
    }
}

std::optional<std::string> extract_params(std::string_view method,
                                          std::string_view content_type,
                                          std::string_view query,
                                          std::string_view body,
                                          json::object& params) {
    if ((method == "POST" || method == "PUT") && !body.empty()) {
        if (content_type_base(content_type) == "application/json") {
            json::error_code ec;
            json::value v = json::parse(body, ec);
            if (ec)
                return fmt::format("malformed JSON string: {}", ec.message());
            if (!v.is_object())
                return std::string("Not a HASH reference");
            params = std::move(v.get_object());
        } else {
            decode_urlencoded(body, params);
        }
    }
    json::object from_query;
    decode_urlencoded(query, from_query);
    for (auto& [k, v] : from_query)
        params[k] = std::move(v);
    return std::nullopt;
}

std::optional<std::string> extract_auth_value(std::string_view header, std::string_view key) {
    for (std::size_t pos = header.find(key); pos != std::string_view::npos; pos = header.find(key, pos + 1)) {
        const bool at_start = pos == 0 || std::isspace(static_cast<unsigned char>(header[pos - 1]));
        const std::size_t after = pos + key.size();
        if (!at_start || after >= header.size() || (header[after] != '=' && header[after] != ' '))
            continue;
        std::string_view v = header.substr(after + 1);
        v = v.substr(0, v.find(';'));
        if (v.empty())
            return std::nullopt; // Perl: `$value = uri_unescape($value) if $value` - empty is false
        return pct_decode(v, false);
    }
    return std::nullopt;
}

std::string_view content_type_base(std::string_view ctype) {
    // AnyEvent.pm parse_content_type: split(/\s*[;,]\s*/) and take the first part
    std::string_view ct = ctype.substr(0, ctype.find_first_of(";,"));
    while (!ct.empty() && std::isspace(static_cast<unsigned char>(ct.back())))
        ct.remove_suffix(1);
    return ct;
}

std::optional<std::string> content_type_boundary(std::string_view ctype) {
    std::size_t pos = ctype.find_first_of(";,");
    while (pos != std::string_view::npos) {
        std::size_t next = ctype.find_first_of(";,", pos + 1);
        std::string_view part =
            ctype.substr(pos + 1, next == std::string_view::npos ? std::string_view::npos : next - pos - 1);
        while (!part.empty() && std::isspace(static_cast<unsigned char>(part.front())))
            part.remove_prefix(1);
        while (!part.empty() && std::isspace(static_cast<unsigned char>(part.back())))
            part.remove_suffix(1);
        if (part.starts_with("boundary")) {
            std::string_view v = part.substr(8);
            while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front())))
                v.remove_prefix(1);
            if (!v.empty() && v.front() == '=') {
                v.remove_prefix(1);
                while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front())))
                    v.remove_prefix(1);
                bool ok = !v.empty();
                for (char c : v)
                    ok = ok && !std::isspace(static_cast<unsigned char>(c));
                if (ok)
                    return std::string(v);
            }
        }
        pos = next;
    }
    return std::nullopt;
}

bool is_upload_path(std::string_view rel_uri) {
    constexpr std::string_view nodes = "/nodes/";
    if (!rel_uri.starts_with(nodes))
        return false;
    auto rest = rel_uri.substr(nodes.size());
    const auto s1 = rest.find('/');
    if (s1 == 0 || s1 == std::string_view::npos)
        return false;
    rest = rest.substr(s1);
    if (!rest.starts_with("/storage/"))
        return false;
    rest = rest.substr(9);
    const auto s2 = rest.find('/');
    if (s2 == 0 || s2 == std::string_view::npos)
        return false;
    return rest.substr(s2) == "/upload";
}

} // namespace proxmox::sim::detail
