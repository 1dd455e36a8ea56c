#ifndef PROXMOX_MCP_HTTP_GUARD_HPP
#define PROXMOX_MCP_HTTP_GUARD_HPP

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

/// The checks of the Streamable HTTP transport that need no socket: where to listen, and which
/// requests to refuse (DNS rebinding through Host and Origin, the bearer token). Pure functions.
/// Every URL and authority is parsed with Boost.URL.
namespace proxmox::mcp {

/// The environment variables of the HTTP transport.
inline constexpr std::string_view http_token_env = "PROXMOX_MCP_HTTP_TOKEN";
inline constexpr std::string_view http_origins_env = "PROXMOX_MCP_HTTP_ALLOWED_ORIGINS";

/// `--http ADDR:PORT` parsed: `127.0.0.1:8080`, `[::1]:8080`, `localhost:8080` (127.0.0.1),
/// `0.0.0.0:8080`, `[::]:8080`. Port 0 picks a free port. No name resolution: a host name other
/// than `localhost` is refused.
struct listen_address_result {
    std::optional<boost::asio::ip::tcp::endpoint> endpoint;
    std::string error; ///< when `endpoint` is empty: what is wrong, naming --http and the fix
};
listen_address_result parse_listen_address(std::string_view text);

/// 127.0.0.0/8 and ::1 (also as an IPv4-mapped IPv6 address).
bool is_loopback(const boost::asio::ip::address& address) noexcept;

/// A `Host` header naming this machine's loopback: `localhost`, `127.0.0.1` or `[::1]`, with any
/// port. A server bound to loopback accepts only these, so a DNS name rebound to 127.0.0.1 is
/// refused.
bool is_loopback_host(std::string_view host_header);

/// A web origin (scheme, host, port), normalized: lower case, the scheme's default port filled in.
struct web_origin {
    std::string scheme; ///< http or https
    std::string host;   ///< a name, an IPv4 address, or an IPv6 address in brackets
    std::uint16_t port = 0;
    bool operator==(const web_origin&) const = default;
};

/// `scheme://host[:port]` with scheme http or https, no user info, no path but `/`, no query or
/// fragment; anything else (including the opaque origin `null`) is not an origin.
std::optional<web_origin> parse_origin(std::string_view text);

/// PROXMOX_MCP_HTTP_ALLOWED_ORIGINS: origins separated by commas (blanks around them ignored).
struct allowed_origins_result {
    std::vector<web_origin> origins;
    std::string error; ///< not empty: an entry that is not an origin, named with the fix
};
allowed_origins_result parse_allowed_origins(std::string_view text);

/// An `Origin` header the server accepts: http(s) on localhost, 127.0.0.1 or [::1] (any port),
/// or one of `allowed`. An absent header is the caller's case (not a browser: accepted).
bool origin_allowed(std::string_view origin_header, const std::vector<web_origin>& allowed);

/// `Authorization: Bearer <token>` carrying exactly `token` (the scheme is case-insensitive).
/// The comparison takes the same time whatever the two tokens hold.
bool bearer_token_matches(std::string_view authorization_header, std::string_view token);

/// Why PROXMOX_MCP_HTTP_TOKEN cannot be used (empty when it can): a bearer token is 16 to 4096
/// visible ASCII characters without spaces.
std::string token_problem(std::string_view token);

/// Why the server must not start with this address and token (empty when it may): listening
/// beyond loopback needs a token.
std::string exposure_problem(const boost::asio::ip::tcp::endpoint& endpoint, bool has_token);

/// `http://HOST:PORT/mcp` for a log line (an IPv6 address in brackets).
std::string endpoint_url(const boost::asio::ip::tcp::endpoint& endpoint);

} // namespace proxmox::mcp

#endif
