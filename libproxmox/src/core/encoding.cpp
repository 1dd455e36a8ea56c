#include "core/encoding.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <fmt/format.h>

namespace proxmox::detail {

std::string encode_component(std::string_view text) {
    return boost::urls::encode(boost::urls::string_view(text.data(), text.size()), boost::urls::unreserved_chars);
}

std::string encode_params(const request_params& params) {
    std::string out;
    for (const auto& [key, value] : params.items()) {
        if (!out.empty()) out += '&';
        out += encode_component(key);
        out += '=';
        out += encode_component(value);
    }
    return out;
}

result<std::string> make_target(std::string_view path, const request_params& query) {
    constexpr std::string_view prefix = "/api2/json";
    if (path.starts_with(prefix)) path.remove_prefix(prefix.size());
    if (path.empty() || path.front() != '/')
        return make_error(errc::invalid_argument,
                          fmt::format("API path '{}' must start with '/', e.g. /nodes/pve/status", path));
    if (path.find_first_of("?#") != std::string_view::npos)
        return make_error(errc::invalid_argument,
                          fmt::format("API path '{}' must not contain '?' or '#'; pass parameters separately", path));
    std::string target(prefix);
    std::string_view rest = path.substr(1);
    while (!rest.empty()) {
        auto slash = rest.find('/');
        auto segment = rest.substr(0, slash);
        if (segment.empty())
            return make_error(errc::invalid_argument, fmt::format("API path '{}' has an empty segment", path));
        target += '/';
        target += encode_component(segment);
        if (slash == std::string_view::npos) break;
        rest.remove_prefix(slash + 1);
        if (rest.empty()) break; // tolerate one trailing slash
    }
    if (!query.empty()) {
        target += '?';
        target += encode_params(query);
    }
    return target;
}

} // namespace proxmox::detail
