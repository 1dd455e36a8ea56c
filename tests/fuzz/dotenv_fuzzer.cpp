// A `.env` file as proxmox-mcp reads it: parse_dotenv, then make_config with the file's text (and
// the SDK's client_options_from_env under it).
#include "config.hpp"
#include "fuzz_support.hpp"

#include <map>

using namespace proxmox::mcp;
using proxmox::fuzz::max_error_bytes;

namespace {

/// KEY="value" with the escapes parse_dotenv reads.
std::string double_quoted_line(const std::string& key, const std::string& value) {
    std::string line = key + "=\"";
    for (char c : value) {
        switch (c) {
        case '\n':
            line += "\\n";
            break;
        case '\t':
            line += "\\t";
            break;
        case '\r':
            line += "\\r";
            break;
        case '"':
            line += "\\\"";
            break;
        case '\\':
            line += "\\\\";
            break;
        default:
            line += c;
        }
    }
    return line + "\"\n";
}

/// Entries written back in double quotes read as the same entries.
void check_round_trip(const dotenv& parsed) {
    std::string text;
    for (const auto& [key, value] : parsed.entries)
        text += double_quoted_line(key, value);
    const auto again = parse_dotenv(text);
    PROXMOX_FUZZ_CHECK(again.error.empty(), again.error);
    PROXMOX_FUZZ_CHECK(again.entries == parsed.entries, text.substr(0, 300));
}

config_outcome configure(std::string_view file_text,
                         const std::map<std::string, std::string, std::less<>>& env) {
    env_lookup lookup = [&env](std::string_view key) -> std::optional<std::string> {
        auto it = env.find(key);
        return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    return make_config(lookup, std::string(file_text), ".env", false);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = proxmox::fuzz::as_text(data, size);
    const auto parsed = parse_dotenv(text);
    if (!parsed.error.empty()) {
        // "line N: ..." names the line and at most the key, never a value
        PROXMOX_FUZZ_CHECK(parsed.error.starts_with("line "), parsed.error);
        PROXMOX_FUZZ_CHECK(parsed.error.size() < max_error_bytes, parsed.error.substr(0, 300));
    } else {
        check_round_trip(parsed);
    }

    const auto outcome = configure(text, {});
    PROXMOX_FUZZ_CHECK(outcome.config.has_value() == outcome.error.empty(), outcome.error);
    PROXMOX_FUZZ_CHECK(outcome.error.size() < max_error_bytes, outcome.error.substr(0, 300));

    // The same file with the secrets replaced (the environment wins over the file): nothing the
    // server prints may change, or it shows the secret.
    std::map<std::string, std::string, std::less<>> env;
    for (const char* key : {"PROXMOX_TOKEN_SECRET", "PROXMOX_PASSWORD"})
        if (const auto* secret = parsed.find(key); secret && !secret->empty())
            env[key] = proxmox::fuzz::masked(*secret);
    if (!env.empty() && parsed.error.empty()) {
        const auto other = configure(text, env);
        PROXMOX_FUZZ_CHECK(other.error == outcome.error, outcome.error + " | " + other.error);
        PROXMOX_FUZZ_CHECK(other.config.has_value() == outcome.config.has_value(), outcome.error);
        if (outcome.config)
            PROXMOX_FUZZ_CHECK(other.config->describe() == outcome.config->describe(),
                               outcome.config->describe());
    }

    // --demo needs no connection keys, but the operator's policy (read-only, allow-lists) applies
    // to the demo too: a well-formed file is accepted exactly when its policy values are.
    const auto demo =
        make_config([](std::string_view) { return std::nullopt; }, std::string(text), ".env", true);
    std::string policy_error;
    const bool policy_ok = parse_policy(
                               [&parsed](std::string_view key) {
                                   const auto* v = parsed.find(key);
                                   return v ? *v : std::string();
                               },
                               policy_error)
                               .has_value();
    PROXMOX_FUZZ_CHECK(demo.config.has_value() == (parsed.error.empty() && policy_ok), demo.error);
    return 0;
}
