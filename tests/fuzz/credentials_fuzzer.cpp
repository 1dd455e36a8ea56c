// Credentials as people paste them: api_token::parse / validate, password_login::validate, and
// client_options_from_env with every PROXMOX_* variable taken from one line of the input (line 1
// is PROXMOX_API_URL, line 2 PROXMOX_TOKEN_ID, ... in the order of `keys` below; a missing or
// empty line is an unset variable). The first line also goes to api_token::parse whole.
//
// Secrets never reach an error: each check runs again with the secret masked (same length and
// control bytes, other text), and the error must not change.
#include "fuzz_support.hpp"

#include <proxmox/credentials.hpp>
#include <proxmox/options.hpp>

#include <array>
#include <map>

using proxmox::fuzz::masked;
using proxmox::fuzz::max_error_bytes;

namespace {

constexpr std::array<const char*, 10> keys{
    "PROXMOX_API_URL",  "PROXMOX_TOKEN_ID",       "PROXMOX_TOKEN_SECRET", "PROXMOX_USER",
    "PROXMOX_PASSWORD", "PROXMOX_VERIFY",         "PROXMOX_FINGERPRINT",  "PROXMOX_CA_FILE",
    "PROXMOX_TIMEOUT",  "PROXMOX_CONNECT_TIMEOUT"};

template <class T> std::string error_text(const proxmox::result<T>& r) {
    return r ? std::string() : r.error().message;
}

void check_bounded(const std::string& error) {
    PROXMOX_FUZZ_CHECK(error.size() < max_error_bytes, error.substr(0, 300));
}

void check_token_text(std::string_view text) {
    const auto token = proxmox::api_token::parse(text);
    check_bounded(error_text(token));
    if (token)
        PROXMOX_FUZZ_CHECK(token->id + "=" + token->secret == text, token->id);
    const auto eq = text.rfind('=');
    if (eq == std::string_view::npos)
        return;
    const auto other =
        proxmox::api_token::parse(std::string(text.substr(0, eq + 1)) + masked(text.substr(eq + 1)));
    PROXMOX_FUZZ_CHECK(error_text(other) == error_text(token), error_text(token) + " | " + error_text(other));
}

void check_token(const std::string& id, const std::string& secret) {
    const auto ok = proxmox::api_token{id, secret}.validate();
    check_bounded(error_text(ok));
    const auto other = proxmox::api_token{id, masked(secret)}.validate();
    PROXMOX_FUZZ_CHECK(error_text(other) == error_text(ok), error_text(ok) + " | " + error_text(other));
}

void check_login(const std::string& user, const std::string& password) {
    proxmox::password_login login;
    login.userid = user;
    login.password = password;
    const auto ok = login.validate();
    check_bounded(error_text(ok));
    login.password = masked(password);
    const auto other = login.validate();
    PROXMOX_FUZZ_CHECK(error_text(other) == error_text(ok), error_text(ok) + " | " + error_text(other));
}

proxmox::result<proxmox::client_options> from_env(const std::map<std::string, std::string>& env) {
    return proxmox::client_options_from_env([&env](const char* key) -> const char* {
        auto it = env.find(key);
        return it == env.end() ? nullptr : it->second.c_str();
    });
}

void check_env(const std::vector<std::string_view>& lines) {
    std::map<std::string, std::string> env;
    for (std::size_t i = 0; i < keys.size() && i < lines.size(); ++i)
        if (!lines[i].empty())
            env[keys[i]] = std::string(lines[i]);
    const auto options = from_env(env);
    check_bounded(error_text(options));
    if (options) {
        PROXMOX_FUZZ_CHECK(options->url.starts_with("https://"), options->url);
        PROXMOX_FUZZ_CHECK(!options->token.id.empty() || options->login.has_value(), "no credentials");
        PROXMOX_FUZZ_CHECK(options->request_timeout.count() >= 1000 &&
                               options->connect_timeout.count() >= 100,
                           "a timeout below its minimum");
    }
    auto hidden = env;
    for (const char* key : {"PROXMOX_TOKEN_SECRET", "PROXMOX_PASSWORD"})
        if (auto it = hidden.find(key); it != hidden.end())
            it->second = masked(it->second);
    const auto other = from_env(hidden);
    PROXMOX_FUZZ_CHECK(error_text(other) == error_text(options),
                       error_text(options) + " | " + error_text(other));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto lines = proxmox::fuzz::split_lines(proxmox::fuzz::as_text(data, size));
    auto line = [&lines](std::size_t i) { return i < lines.size() ? std::string(lines[i]) : std::string(); };
    check_token_text(line(0));
    check_token(line(1), line(2));
    check_login(line(3), line(4));
    check_env(lines);
    return 0;
}
