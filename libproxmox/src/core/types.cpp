#include "core/text.hpp"

#include <proxmox/credentials.hpp>
#include <proxmox/types.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <vector>

namespace proxmox {

std::string_view to_string(http_method m) noexcept {
    switch (m) {
    case http_method::get:
        return "GET";
    case http_method::post:
        return "POST";
    case http_method::put:
        return "PUT";
    case http_method::del:
        return "DELETE";
    }
    return "GET";
}

namespace {

template <class Int> bool parse_hex(std::string_view text, Int& out) {
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out, 16);
    return ec == std::errc{} && ptr == text.data() + text.size();
}

/// pve-common UPID.pm: node `[a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?` (a DNS label).
/// type, id and user: `[^:\s/]+` (id may be empty).
bool upid_word(std::string_view s, bool may_be_empty) {
    if (s.empty())
        return may_be_empty;
    return std::none_of(s.begin(), s.end(), [](char c) {
        return c == ':' || c == '/' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
               c == '\v';
    });
}

/// Splits `UPID:a:b:...:` into the fields between the colons; nullopt without the trailing ':'.
std::optional<std::vector<std::string_view>> upid_fields(std::string_view text) {
    constexpr std::string_view prefix = "UPID:";
    // `UPID:` alone ends with ':' too, but that colon is the prefix's own
    if (text.size() <= prefix.size() || !text.starts_with(prefix) || !text.ends_with(':'))
        return std::nullopt;
    text.remove_prefix(prefix.size());
    text.remove_suffix(1);
    std::vector<std::string_view> fields;
    for (;;) {
        const auto colon = text.find(':');
        fields.push_back(text.substr(0, colon));
        if (colon == std::string_view::npos)
            return fields;
        text.remove_prefix(colon + 1);
    }
}

} // namespace

result<upid> upid::parse(std::string_view text) {
    // PVE's UPIDs are well under 200 characters; anything this long is not one.
    constexpr std::size_t max_length = 1024;
    auto fail = [&](std::string_view why) {
        return make_error(
            errc::invalid_argument,
            fmt::format("{} is not a task UPID ({}; expected UPID:node:pid:pstart:starttime:type:id:user:)",
                        detail::bounded_quote(text, 100), why));
    };
    if (text.size() > max_length)
        return fail(fmt::format("longer than {} characters", max_length));
    // pve-common src/PVE/UPID.pm decode(): node, pid, pstart, starttime, type, id, user.
    const auto fields = upid_fields(text);
    if (!fields)
        return fail("it must start with 'UPID:' and end with ':'");
    if (fields->size() != 7)
        return fail(fmt::format("{} fields instead of 7", fields->size()));
    const auto& f = *fields;
    if (!detail::is_dns_label(f[0]))
        return fail("the node name is malformed");
    upid u;
    std::uint64_t starttime = 0;
    if (f[1].size() != 8 || !detail::all_hex(f[1]) || !parse_hex(f[1], u.pid))
        return fail("pid is not 8 hex digits");
    if (f[2].size() < 8 || f[2].size() > 9 || !detail::all_hex(f[2]) || !parse_hex(f[2], u.pstart))
        return fail("pstart is not 8 or 9 hex digits");
    if (f[3].size() != 8 || !detail::all_hex(f[3]) || !parse_hex(f[3], starttime))
        return fail("starttime is not 8 hex digits");
    if (!upid_word(f[4], false) || !upid_word(f[5], true) || !upid_word(f[6], false))
        return fail("type, id or user is malformed");
    u.node = std::string(f[0]);
    u.starttime = static_cast<std::int64_t>(starttime);
    u.type = std::string(f[4]);
    u.id = std::string(f[5]);
    u.user = std::string(f[6]);
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

namespace {

/// pve-access-control: realms and token names are `[A-Za-z][A-Za-z0-9.\-_]+`.
bool realm_like(std::string_view s) {
    return s.size() >= 2 && detail::is_ascii_alpha(s.front()) && std::all_of(s.begin(), s.end(), [](char c) {
               return detail::is_ascii_alnum(c) || c == '.' || c == '-' || c == '_';
           });
}

/// The user part of `USER@REALM`: no whitespace, control characters, '@', '!', ':' or '/'.
bool user_like(std::string_view s) {
    return !s.empty() && std::none_of(s.begin(), s.end(), [](char c) {
        return c == '@' || c == '!' || c == ':' || c == '/' || c == ' ' ||
               static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
    });
}

/// What is wrong with a `USER@REALM` value, or empty. Never quotes the value: a secret pasted
/// into the wrong setting must not reach a log.
std::string userid_problem(std::string_view userid) {
    const auto at = userid.find('@');
    if (userid.find_first_of(" \t") != std::string_view::npos)
        return "it contains a space or tab";
    if (detail::has_control_char(userid))
        return "it contains a control character (a line break?)";
    if (at == std::string_view::npos)
        return "it has no '@'";
    if (!user_like(userid.substr(0, at)))
        return "the part before '@' is empty or has '!', ':' or '/'";
    if (!realm_like(userid.substr(at + 1)))
        return "the realm after '@' is not a realm name such as pam or pve";
    return {};
}

} // namespace

result<api_token> api_token::parse(std::string_view text) {
    auto eq = text.rfind('=');
    if (eq == std::string_view::npos)
        return make_error(errc::invalid_argument,
                          "API token must look like USER@REALM!TOKENID=SECRET (no '=' found)");
    api_token t{std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
    if (auto ok = t.validate(); !ok)
        return ok.error();
    return t;
}

result<void> api_token::validate() const {
    std::string problem;
    const auto bang = id.rfind('!');
    if (id.empty())
        problem = "it is empty";
    else if (id.find('=') != std::string::npos)
        problem = "it contains '=' (put the part after '=' in the secret)";
    else if (bang == std::string::npos)
        problem = "it has no '!'";
    else if (problem = userid_problem(std::string_view(id).substr(0, bang));
             problem.empty() && !realm_like(std::string_view(id).substr(bang + 1)))
        problem = "the token name after '!' is not a name such as mcp";
    if (!problem.empty())
        return make_error(
            errc::invalid_argument,
            fmt::format("token id must look like USER@REALM!TOKENID, e.g. root@pam!mcp, but {}", problem));
    // The id is well-formed by now, but of any length: quoted at bounded length.
    if (secret.empty())
        return make_error(errc::invalid_argument,
                          fmt::format("token secret for {} is empty", detail::bounded_quote(id)));
    // The secret goes into the Authorization header: a line break there would add header lines.
    if (detail::has_control_char(secret))
        return make_error(
            errc::invalid_argument,
            fmt::format("token secret for {} contains a control character (a line break from copying?); "
                        "remove it",
                        detail::bounded_quote(id)));
    return {};
}

result<void> password_login::validate() const {
    if (auto problem = userid_problem(userid); !problem.empty())
        return make_error(
            errc::invalid_argument,
            fmt::format("login user must look like USER@REALM, e.g. root@pam, but {}", problem));
    if (password.empty())
        return make_error(errc::invalid_argument,
                          fmt::format("login password for {} is empty", detail::bounded_quote(userid)));
    if (detail::has_control_char(password))
        return make_error(errc::invalid_argument,
                          fmt::format("login password for {} contains a control character (a line break from "
                                      "copying?); remove it",
                                      detail::bounded_quote(userid)));
    return {};
}

} // namespace proxmox
