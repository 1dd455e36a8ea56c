#include "core/encoding.hpp"
#include "core/text.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <fmt/format.h>

namespace proxmox::detail {

std::string encode_component(std::string_view text) {
    return boost::urls::encode(boost::urls::string_view(text.data(), text.size()),
                               boost::urls::unreserved_chars);
}

std::string encode_params(const request_params& params) {
    std::string out;
    for (const auto& [key, value] : params.items()) {
        if (!out.empty())
            out += '&';
        out += encode_component(key);
        out += '=';
        out += encode_component(value);
    }
    return out;
}

namespace {

std::string single_segment_problem(std::string_view value) {
    if (value.empty())
        return "is empty; set it";
    if (value == "." || value == "..")
        return fmt::format("is '{}', which would address another path; pass a name", value);
    if (value.find('/') != std::string_view::npos)
        return fmt::format("{} contains '/', which would address another path (PVE decodes %2F before "
                           "routing); pass one name without '/'",
                           bounded_quote(value));
    return {};
}

} // namespace

std::string encode_segments(std::string_view value) {
    std::string out;
    for (;;) {
        const auto slash = value.find('/');
        out += encode_component(value.substr(0, slash));
        if (slash == std::string_view::npos)
            return out;
        out += '/';
        value.remove_prefix(slash + 1);
    }
}

std::string segment_problem(std::string_view value, bool slashes_allowed) {
    if (!slashes_allowed || value.empty())
        return single_segment_problem(value);
    for (std::string_view rest = value;;) {
        const auto slash = rest.find('/');
        if (auto problem = single_segment_problem(rest.substr(0, slash)); !problem.empty())
            return fmt::format("{} has a part that {}", bounded_quote(value, 200), problem);
        if (slash == std::string_view::npos)
            return {};
        rest.remove_prefix(slash + 1);
    }
}

result<std::string> api_path(std::initializer_list<std::variant<std::string_view, path_value>> parts) {
    std::string out;
    for (const auto& part : parts) {
        if (const auto* literal = std::get_if<std::string_view>(&part)) {
            out += '/';
            out += *literal;
            continue;
        }
        const auto& v = std::get<path_value>(part);
        if (auto problem = segment_problem(v.value); !problem.empty())
            return make_error(errc::invalid_argument, fmt::format("path parameter '{}' {}", v.name, problem));
        out += '/';
        out += encode_component(v.value);
    }
    return out;
}

result<std::string> encode_path(std::string_view path) {
    constexpr std::string_view prefix = "/api2/json";
    if (path.starts_with(prefix))
        path.remove_prefix(prefix.size());
    auto fail = [&](std::string_view why) {
        return make_error(errc::invalid_argument,
                          fmt::format("API path {} {}", bounded_quote(path, 200), why));
    };
    if (path.empty() || path.front() != '/')
        return fail("must start with '/', e.g. /nodes/pve/status");
    if (path.find_first_of("?#") != std::string_view::npos)
        return fail("must not contain '?' or '#'; pass parameters separately");
    if (path.ends_with('/') && path.size() > 1)
        path.remove_suffix(1); // tolerate one trailing slash
    std::string_view rest = path.substr(1);
    if (rest.empty())
        return std::string("/");
    for (std::string_view scan = rest;;) {
        const auto slash = scan.find('/');
        const auto segment = scan.substr(0, slash);
        if (segment.empty())
            return fail("has an empty segment");
        if (segment == "." || segment == "..")
            return fail("has a '.' or '..' segment");
        if (slash == std::string_view::npos)
            break;
        scan.remove_prefix(slash + 1);
    }
    return "/" + encode_segments(rest);
}

std::string make_target(std::string_view encoded_path, const request_params& query) {
    std::string target = "/api2/json";
    target += encoded_path;
    if (!query.empty()) {
        target += '?';
        target += encode_params(query);
    }
    return target;
}

} // namespace proxmox::detail
