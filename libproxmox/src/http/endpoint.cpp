#include "http/endpoint.hpp"

#include <boost/url/parse.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace proxmox::detail {

namespace {

/// A DNS host name as it may appear in a URL: letters, digits, '.', '-' and '_' only (no
/// percent-encoding: a decoded CR/LF would end up in the Host header).
bool plain_host_name(std::string_view host) {
    return !host.empty() && host.size() <= 253 && std::all_of(host.begin(), host.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
               c == '-' || c == '_';
    });
}

} // namespace

result<endpoint> parse_endpoint(std::string_view url, std::string_view setting) {
    // The URL is never quoted back: a pasted `user:password@` or `?token=...` must not reach a log.
    auto fail = [&](std::string_view why) {
        return make_error(errc::invalid_argument,
                          fmt::format("{} {}; expected https://HOST:8006", setting, why));
    };
    if (url.empty())
        return fail("is empty");
    auto parsed = boost::urls::parse_uri(boost::urls::string_view(url.data(), url.size()));
    if (!parsed)
        return fail("is not a URL");
    const auto& u = *parsed;
    if (u.scheme() != "https")
        return fail("must use https (PVE serves its API only over TLS)");
    if (u.has_userinfo())
        return fail("must not contain user:password@ (credentials belong in the API token or the login)");
    if (u.has_query() || u.has_fragment())
        return fail("must not have a query (?...) or fragment (#...)");
    endpoint ep;
    switch (u.host_type()) {
    case boost::urls::host_type::ipv4:
        ep.host = u.host_ipv4_address().to_string();
        ep.host_is_ip = true;
        break;
    case boost::urls::host_type::ipv6:
        ep.host = u.host_ipv6_address().to_string();
        ep.host_is_ip = true;
        break;
    case boost::urls::host_type::name:
        if (!plain_host_name(u.encoded_host()))
            return fail("has a host name with characters a DNS name cannot have");
        ep.host = u.encoded_host();
        break;
    default:
        return fail("has no usable host");
    }
    if (ep.host.empty())
        return fail("has no host");
    ep.port = u.has_port() ? std::string(u.port()) : std::string("8006");
    if (ep.port.empty())
        return fail("has an empty port");
    std::string path = u.path();
    if (!(path.empty() || path == "/" || path == "/api2/json" || path == "/api2/json/"))
        return fail("has a path; give only scheme, host and port");
    ep.host_header = u.host_type() == boost::urls::host_type::ipv6 ? fmt::format("[{}]:{}", ep.host, ep.port)
                                                                   : fmt::format("{}:{}", ep.host, ep.port);
    ep.display = ep.host_header;
    return ep;
}

} // namespace proxmox::detail
