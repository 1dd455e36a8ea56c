#include "caller_text.hpp"
#include "http/http_guard.hpp"
#include "text.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/url/authority_view.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/scheme.hpp>
#include <boost/url/url_view.hpp>

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>

namespace proxmox::mcp {

namespace beast = boost::beast;

namespace asio = boost::asio;
namespace urls = boost::urls;

namespace {

constexpr std::string_view listen_example = "e.g. --http 127.0.0.1:8080 (this machine only)";

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

/// A port written as 1 to 5 digits up to 65535.
std::optional<std::uint16_t> parse_port(std::string_view digits) {
    if (digits.empty() || digits.size() > 5)
        return std::nullopt;
    unsigned value = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc() || end != digits.data() + digits.size() || value > 65535)
        return std::nullopt;
    return static_cast<std::uint16_t>(value);
}

asio::ip::address_v4 to_asio(const urls::ipv4_address& a) {
    return asio::ip::address_v4(a.to_bytes());
}

asio::ip::address_v6 to_asio(const urls::ipv6_address& a) {
    return asio::ip::address_v6(a.to_bytes());
}

/// The host of an authority as this machine's loopback name or address.
bool is_loopback_name(const urls::authority_view& a) {
    switch (a.host_type()) {
    case urls::host_type::name:
        return beast::iequals(a.encoded_host(), "localhost");
    case urls::host_type::ipv4:
        return to_asio(a.host_ipv4_address()) == asio::ip::make_address_v4("127.0.0.1");
    case urls::host_type::ipv6:
        return to_asio(a.host_ipv6_address()) == asio::ip::address_v6::loopback();
    default:
        return false;
    }
}

/// `ADDR:PORT`, an IPv6 address in brackets.
std::string endpoint_text(const asio::ip::tcp::endpoint& endpoint) {
    const auto address = endpoint.address();
    if (address.is_v6())
        return fmt::format("[{}]:{}", address.to_string(), endpoint.port());
    return fmt::format("{}:{}", address.to_string(), endpoint.port());
}

std::array<unsigned char, EVP_MAX_MD_SIZE> sha256(std::string_view text, unsigned& size) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
    size = 0;
    if (EVP_Digest(text.data(), text.size(), md.data(), &size, EVP_sha256(), nullptr) != 1)
        size = 0;
    return md;
}

} // namespace

listen_address_result parse_listen_address(std::string_view text) {
    listen_address_result out;
    auto fail = [&](std::string message) {
        out.error = std::move(message);
        return out;
    };
    std::string quoted = quote_text(text);
    if (text.empty())
        return fail(fmt::format("--http needs ADDR:PORT, {}", listen_example));
    auto parsed = urls::parse_authority(text);
    if (!parsed)
        return fail(fmt::format("--http {} is not ADDR:PORT; {}", quoted, listen_example));
    const urls::authority_view& a = *parsed;
    if (a.has_userinfo())
        return fail(fmt::format("--http {}: no user@ part; {}", quoted, listen_example));
    if (!a.has_port() || a.port().empty())
        return fail(
            fmt::format("--http {} has no port; {}, or port 0 for any free port", quoted, listen_example));
    auto port = parse_port(a.port());
    if (!port)
        return fail(
            fmt::format("--http {}: the port must be a number from 0 to 65535; {}", quoted, listen_example));
    asio::ip::address address;
    switch (a.host_type()) {
    case urls::host_type::ipv4:
        address = to_asio(a.host_ipv4_address());
        break;
    case urls::host_type::ipv6:
        address = to_asio(a.host_ipv6_address());
        break;
    case urls::host_type::name:
        if (a.encoded_host().empty())
            return fail(fmt::format("--http {} has no address; {}, or 0.0.0.0:PORT for every interface "
                                    "(needs {})",
                                    quoted, listen_example, http_token_env));
        if (!beast::iequals(a.encoded_host(), "localhost"))
            return fail(
                fmt::format("--http {}: host names are not resolved; give an IP address (127.0.0.1, [::1], "
                            "0.0.0.0) or localhost, {}",
                            quoted, listen_example));
        address = asio::ip::make_address_v4("127.0.0.1");
        break;
    case urls::host_type::none:
        return fail(
            fmt::format("--http {} has no address; {}, or 0.0.0.0:PORT for every interface (needs {})",
                        quoted, listen_example, http_token_env));
    default:
        return fail(fmt::format("--http {}: unsupported address; {}", quoted, listen_example));
    }
    out.endpoint = asio::ip::tcp::endpoint(address, *port);
    return out;
}

bool is_loopback(const asio::ip::address& address) noexcept {
    if (address.is_v4())
        return address.to_v4().is_loopback();
    const auto v6 = address.to_v6();
    if (v6.is_v4_mapped())
        return asio::ip::make_address_v4(asio::ip::v4_mapped, v6).is_loopback();
    return v6.is_loopback();
}

bool is_loopback_host(std::string_view host_header) {
    auto parsed = urls::parse_authority(host_header);
    if (!parsed || parsed->has_userinfo())
        return false;
    if (parsed->has_port() && !parsed->port().empty() && !parse_port(parsed->port()))
        return false;
    return is_loopback_name(*parsed);
}

std::optional<web_origin> parse_origin(std::string_view text) {
    auto parsed = urls::parse_uri(text);
    if (!parsed)
        return std::nullopt;
    const urls::url_view& u = *parsed;
    if (!u.has_authority() || u.has_userinfo() || u.has_query() || u.has_fragment())
        return std::nullopt;
    if (!u.encoded_path().empty() && u.encoded_path() != "/")
        return std::nullopt;
    web_origin o;
    switch (u.scheme_id()) {
    case urls::scheme::http:
        o.scheme = "http";
        o.port = 80;
        break;
    case urls::scheme::https:
        o.scheme = "https";
        o.port = 443;
        break;
    default:
        return std::nullopt;
    }
    switch (u.host_type()) {
    case urls::host_type::name:
        if (u.encoded_host().empty())
            return std::nullopt;
        o.host = lower(u.encoded_host());
        break;
    case urls::host_type::ipv4:
        o.host = to_asio(u.host_ipv4_address()).to_string();
        break;
    case urls::host_type::ipv6:
        o.host = "[" + to_asio(u.host_ipv6_address()).to_string() + "]";
        break;
    default:
        return std::nullopt;
    }
    if (u.has_port()) {
        auto port = parse_port(u.port());
        if (!port)
            return std::nullopt;
        o.port = *port;
    }
    return o;
}

allowed_origins_result parse_allowed_origins(std::string_view text) {
    allowed_origins_result out;
    while (!text.empty()) {
        auto comma = text.find(',');
        std::string_view entry = trim_blanks(text.substr(0, comma));
        text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
        if (entry.empty())
            continue;
        auto origin = parse_origin(entry);
        if (!origin) {
            out.origins.clear();
            out.error = fmt::format("{}: {} is not an origin; write scheme://host[:port] such as "
                                    "https://app.example.com, several separated by commas",
                                    http_origins_env, quote_text(entry));
            return out;
        }
        if (std::find(out.origins.begin(), out.origins.end(), *origin) == out.origins.end())
            out.origins.push_back(std::move(*origin));
    }
    return out;
}

bool origin_allowed(std::string_view origin_header, const std::vector<web_origin>& allowed) {
    auto origin = parse_origin(origin_header);
    if (!origin)
        return false;
    if (origin->host == "localhost" || origin->host == "127.0.0.1" || origin->host == "[::1]")
        return true;
    return std::find(allowed.begin(), allowed.end(), *origin) != allowed.end();
}

bool bearer_token_matches(std::string_view authorization_header, std::string_view token) {
    std::string_view h = trim_blanks(authorization_header);
    auto space = h.find(' ');
    if (space == std::string_view::npos || !beast::iequals(h.substr(0, space), "Bearer"))
        return false;
    std::string_view credentials = trim_blanks(h.substr(space + 1));
    if (credentials.empty() || token.empty())
        return false;
    // Hash both, so the comparison below sees equal lengths and takes the same time whatever
    // the client sent.
    unsigned a_size = 0;
    unsigned b_size = 0;
    auto a = sha256(credentials, a_size);
    auto b = sha256(token, b_size);
    if (a_size == 0 || a_size != b_size)
        return false;
    return CRYPTO_memcmp(a.data(), b.data(), a_size) == 0;
}

std::string token_problem(std::string_view token) {
    constexpr std::string_view fix = "e.g. PROXMOX_MCP_HTTP_TOKEN=$(openssl rand -hex 32)";
    if (token.size() < 16)
        return fmt::format("{} is {} characters long; use at least 16 ({})", http_token_env, token.size(),
                           fix);
    if (token.size() > 4096)
        return fmt::format("{} is {} characters long; use at most 4096 ({})", http_token_env, token.size(),
                           fix);
    for (char c : token)
        if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f)
            return fmt::format("{} holds a blank, a control character or a non-ASCII byte; use visible ASCII "
                               "characters only ({})",
                               http_token_env, fix);
    return {};
}

std::string exposure_problem(const asio::ip::tcp::endpoint& endpoint, bool has_token) {
    if (has_token || is_loopback(endpoint.address()))
        return {};
    return fmt::format("--http {}: listening beyond loopback lets other machines call the tools; set {} to a "
                       "secret (e.g. {}=$(openssl rand -hex 32)) that clients send as "
                       "\"Authorization: Bearer <token>\", or listen on 127.0.0.1:{} (this machine only)",
                       endpoint_text(endpoint), http_token_env, http_token_env, endpoint.port());
}

std::string endpoint_url(const asio::ip::tcp::endpoint& endpoint) {
    return fmt::format("http://{}/mcp", endpoint_text(endpoint));
}

} // namespace proxmox::mcp
