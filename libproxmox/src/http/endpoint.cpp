#include "http/endpoint.hpp"

#include <boost/url/parse.hpp>

#include <fmt/format.h>

namespace proxmox::detail {

result<endpoint> parse_endpoint(std::string_view url) {
    auto fail = [&](std::string_view why) {
        return make_error(errc::invalid_argument,
                          fmt::format("client_options.url '{}' {}; expected https://HOST:8006", url, why));
    };
    if (url.empty()) return fail("is empty");
    auto parsed = boost::urls::parse_uri(boost::urls::string_view(url.data(), url.size()));
    if (!parsed) return fail("is not a URL");
    const auto& u = *parsed;
    if (u.scheme() != "https") return fail("must use https (PVE serves its API only over TLS)");
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
    case boost::urls::host_type::name: ep.host = u.host(); break;
    default: return fail("has no usable host");
    }
    if (ep.host.empty()) return fail("has no host");
    ep.port = u.has_port() ? std::string(u.port()) : std::string("8006");
    if (ep.port.empty()) return fail("has an empty port");
    std::string path = u.path();
    if (!(path.empty() || path == "/" || path == "/api2/json" || path == "/api2/json/"))
        return fail(fmt::format("has the path '{}'; give only scheme, host and port", path));
    if (u.has_query() || u.has_fragment()) return fail("must not have a query or fragment");
    ep.host_header = u.host_type() == boost::urls::host_type::ipv6 ? fmt::format("[{}]:{}", ep.host, ep.port)
                                                                   : fmt::format("{}:{}", ep.host, ep.port);
    ep.display = ep.host_header;
    return ep;
}

} // namespace proxmox::detail
