// client_options_from_env: the PROXMOX_* variables shared by the examples and the MCP server.

#include <proxmox/options.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace proxmox {

result<client_options> client_options_from_env(std::function<const char*(const char*)> lookup) {
    if (!lookup) lookup = [](const char* key) -> const char* { return std::getenv(key); };
    auto get = [&](const char* key) {
        const char* v = lookup(key);
        return std::string(v ? v : "");
    };
    auto missing = [](std::string_view what) {
        return make_error(errc::invalid_argument,
                          fmt::format("{} is not set; set PROXMOX_API_URL and PROXMOX_TOKEN_ID + PROXMOX_TOKEN_SECRET "
                                      "(or PROXMOX_USER + PROXMOX_PASSWORD)",
                                      what));
    };

    client_options o;
    o.url = get("PROXMOX_API_URL");
    if (o.url.empty()) return missing("PROXMOX_API_URL");
    if (!o.url.starts_with("https://"))
        return make_error(errc::invalid_argument,
                          fmt::format("PROXMOX_API_URL must start with https:// (e.g. https://pve.example.com:8006), "
                                      "got \"{}\"",
                                      o.url));
    const auto token_id = get("PROXMOX_TOKEN_ID");
    const auto user = get("PROXMOX_USER");
    if (!token_id.empty()) {
        o.token = {token_id, get("PROXMOX_TOKEN_SECRET")};
        if (o.token.secret.empty()) return missing("PROXMOX_TOKEN_SECRET");
        if (auto ok = o.token.validate(); !ok) return ok.error();
    } else if (!user.empty()) {
        password_login login;
        login.userid = user;
        login.password = get("PROXMOX_PASSWORD");
        if (login.password.empty()) return missing("PROXMOX_PASSWORD");
        o.login = std::move(login);
    } else {
        return missing("PROXMOX_TOKEN_ID");
    }
    o.tls.fingerprint = get("PROXMOX_FINGERPRINT");
    o.tls.ca_file = get("PROXMOX_CA_FILE");
    auto verify = get("PROXMOX_VERIFY");
    std::transform(verify.begin(), verify.end(), verify.begin(), [](unsigned char c) { return std::tolower(c); });
    if (verify == "false" || verify == "0" || verify == "no" || verify == "off")
        o.tls.verify = false;
    else if (!verify.empty() && verify != "true" && verify != "1" && verify != "yes" && verify != "on")
        return make_error(errc::invalid_argument,
                          fmt::format("PROXMOX_VERIFY must be true or false, got \"{}\"", get("PROXMOX_VERIFY")));
    return o;
}

} // namespace proxmox
