#include <proxmox/credentials.hpp>
#include <proxmox/types.hpp>

#include <fmt/format.h>

#include <charconv>
#include <regex>

namespace proxmox {

std::string_view to_string(http_method m) noexcept {
    switch (m) {
    case http_method::get: return "GET";
    case http_method::post: return "POST";
    case http_method::put: return "PUT";
    case http_method::del: return "DELETE";
    }
    return "GET";
}

namespace {
template <class Int>
bool parse_hex(const std::string& text, Int& out) {
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out, 16);
    return ec == std::errc{} && ptr == text.data() + text.size();
}
} // namespace

result<upid> upid::parse(std::string_view text) {
    // pve-common src/PVE/UPID.pm decode(): node, pid, pstart, starttime, type, id, user.
    static const std::regex pattern(
        R"(^UPID:([a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):([^:\s/]+):([^:\s/]*):([^:\s/]+):$)");
    std::match_results<std::string_view::const_iterator> m;
    if (!std::regex_match(text.begin(), text.end(), m, pattern))
        return make_error(errc::invalid_argument,
                          fmt::format("'{}' is not a task UPID (expected UPID:node:pid:pstart:starttime:type:id:user:)",
                                      text.substr(0, 200)));
    upid u;
    u.node = m[1].str();
    std::uint64_t starttime = 0;
    if (!parse_hex(m[3].str(), u.pid) || !parse_hex(m[4].str(), u.pstart) || !parse_hex(m[5].str(), starttime))
        return make_error(errc::invalid_argument, fmt::format("'{}' has malformed hex fields", text));
    u.starttime = static_cast<std::int64_t>(starttime);
    u.type = m[6].str();
    u.id = m[7].str();
    u.user = m[8].str();
    u.text = std::string(text);
    return u;
}

request_params& request_params::add(std::string key, std::string value) {
    items_.emplace_back(std::move(key), std::move(value));
    return *this;
}
request_params& request_params::add(std::string key, std::int64_t value) {
    return add(std::move(key), std::to_string(value));
}
request_params& request_params::add(std::string key, bool value) {
    return add(std::move(key), std::string(value ? "1" : "0")); // PVE accepts only 1/0 in forms
}

result<api_token> api_token::parse(std::string_view text) {
    auto eq = text.rfind('=');
    if (eq == std::string_view::npos)
        return make_error(errc::invalid_argument,
                          "API token must look like USER@REALM!TOKENID=SECRET (no '=' found)");
    api_token t{std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
    if (auto ok = t.validate(); !ok) return ok.error();
    return t;
}

result<void> api_token::validate() const {
    static const std::regex id_pattern(R"(^[^\s@!]+@[A-Za-z][A-Za-z0-9.\-_]+![A-Za-z][A-Za-z0-9.\-_]+$)");
    if (!std::regex_match(id, id_pattern))
        // Echo only what precedes a '=': a whole `id=secret` pasted into the id must not leak.
        return make_error(errc::invalid_argument,
                          fmt::format("token id '{}' must look like USER@REALM!TOKENID, e.g. root@pam!mcp{}",
                                      id.substr(0, id.find('=')),
                                      id.find('=') != std::string::npos ? " (put the part after '=' in the secret)"
                                                                        : ""));
    if (secret.empty())
        return make_error(errc::invalid_argument, fmt::format("token secret for '{}' is empty", id));
    return {};
}

result<void> password_login::validate() const {
    static const std::regex user_pattern(R"(^[^\s@:!]+@[A-Za-z][A-Za-z0-9.\-_]+$)");
    if (!std::regex_match(userid, user_pattern))
        return make_error(errc::invalid_argument,
                          fmt::format("login user '{}' must look like USER@REALM, e.g. root@pam",
                                      userid.substr(0, userid.find_first_of(":=")))); // no pasted password
    if (password.empty())
        return make_error(errc::invalid_argument, fmt::format("login password for '{}' is empty", userid));
    return {};
}

} // namespace proxmox
