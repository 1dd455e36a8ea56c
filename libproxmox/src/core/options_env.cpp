// client_options_from_env: the PROXMOX_* variables shared by the examples and the MCP server.
// No message quotes a variable's value: a secret pasted into the wrong variable must not reach a log.

#include "core/text.hpp"
#include "http/endpoint.hpp"

#include <proxmox/options.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>

namespace proxmox {

namespace {

error named(std::string_view key, const error& e) {
    return make_error(e.code, fmt::format("{}: {}", key, e.message));
}

/// Seconds as `30` or `2.5`, within [min, max].
std::optional<std::chrono::milliseconds> seconds(std::string_view text, double min, double max) {
    double value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || !(value >= min && value <= max))
        return std::nullopt;
    return std::chrono::milliseconds(static_cast<std::int64_t>(value * 1000));
}

} // namespace

result<client_options> client_options_from_env(std::function<const char*(const char*)> lookup) {
    if (!lookup)
        lookup = [](const char* key) -> const char* { return std::getenv(key); };
    auto get = [&](const char* key) {
        const char* v = lookup(key);
        return std::string(v ? v : "");
    };
    auto missing = [](std::string_view what) {
        return make_error(
            errc::invalid_argument,
            fmt::format("{} is not set; set PROXMOX_API_URL and PROXMOX_TOKEN_ID + PROXMOX_TOKEN_SECRET "
                        "(or PROXMOX_USER + PROXMOX_PASSWORD)",
                        what));
    };
    auto control_char = [](std::string_view key) {
        return make_error(
            errc::invalid_argument,
            fmt::format("{} contains a control character (a line break from copying?); remove it", key));
    };

    client_options o;
    o.url = get("PROXMOX_API_URL");
    if (o.url.empty())
        return missing("PROXMOX_API_URL");
    if (!o.url.starts_with("https://"))
        return make_error(errc::invalid_argument,
                          "PROXMOX_API_URL must start with https:// (e.g. https://pve.example.com:8006)");
    if (auto ep = detail::parse_endpoint(o.url, "PROXMOX_API_URL"); !ep)
        return ep.error();

    const auto token_id = get("PROXMOX_TOKEN_ID");
    const auto user = get("PROXMOX_USER");
    if (!token_id.empty()) {
        if (auto ok = api_token{token_id, "-"}.validate(); !ok)
            return named("PROXMOX_TOKEN_ID", ok.error());
        o.token = {token_id, get("PROXMOX_TOKEN_SECRET")};
        if (o.token.secret.empty())
            return missing("PROXMOX_TOKEN_SECRET");
        if (detail::has_control_char(o.token.secret))
            return control_char("PROXMOX_TOKEN_SECRET");
    } else if (!user.empty()) {
        password_login login;
        login.userid = user;
        login.password = get("PROXMOX_PASSWORD");
        if (login.password.empty())
            return missing("PROXMOX_PASSWORD");
        if (detail::has_control_char(login.password))
            return control_char("PROXMOX_PASSWORD");
        if (auto ok = login.validate(); !ok)
            return named("PROXMOX_USER", ok.error());
        o.login = std::move(login);
    } else {
        return missing("PROXMOX_TOKEN_ID");
    }
    o.tls.fingerprint = get("PROXMOX_FINGERPRINT");
    if (detail::has_control_char(o.tls.fingerprint))
        return control_char("PROXMOX_FINGERPRINT");
    o.tls.ca_file = get("PROXMOX_CA_FILE");
    auto verify = get("PROXMOX_VERIFY");
    std::transform(verify.begin(), verify.end(), verify.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    if (verify == "false" || verify == "0" || verify == "no" || verify == "off")
        o.tls.verify = false;
    else if (!verify.empty() && verify != "true" && verify != "1" && verify != "yes" && verify != "on")
        return make_error(errc::invalid_argument,
                          "PROXMOX_VERIFY must be true or false (also 1/0, yes/no, on/off)");

    if (auto text = get("PROXMOX_TIMEOUT"); !text.empty()) {
        auto limit = seconds(text, 1, 3600);
        if (!limit)
            return make_error(
                errc::invalid_argument,
                "PROXMOX_TIMEOUT must be the seconds one API call may take, 1 to 3600, e.g. 30");
        o.request_timeout = *limit;
        o.operation_timeout = *limit;
    }
    if (auto text = get("PROXMOX_CONNECT_TIMEOUT"); !text.empty()) {
        auto limit = seconds(text, 0.1, 600);
        if (!limit)
            return make_error(
                errc::invalid_argument,
                "PROXMOX_CONNECT_TIMEOUT must be the seconds a connection (TCP + TLS) may take, 0.1 to "
                "600, e.g. 10");
        o.connect_timeout = *limit;
    }
    return o;
}

} // namespace proxmox
