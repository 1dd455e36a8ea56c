#include "caller_text.hpp"
#include "config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace proxmox::mcp {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

bool valid_key(std::string_view k) {
    if (k.empty() || std::isdigit(static_cast<unsigned char>(k.front())))
        return false;
    return std::all_of(k.begin(), k.end(),
                       [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

/// Only whitespace or a comment may follow a closing quote.
bool rest_is_comment(std::string_view rest) {
    rest = trim(rest);
    return rest.empty() || rest.front() == '#';
}

} // namespace

const std::string* dotenv::find(std::string_view key) const {
    const std::string* found = nullptr;
    for (const auto& [k, v] : entries)
        if (k == key)
            found = &v;
    return found;
}

dotenv parse_dotenv(std::string_view text) {
    dotenv out;
    std::size_t line_no = 0;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        auto nl = text.find('\n', pos);
        std::string_view raw =
            text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
        ++line_no;

        std::string_view line = trim(raw);
        if (line.empty() || line.front() == '#')
            continue;
        if (line.substr(0, 7) == "export " || line.substr(0, 7) == "export\t")
            line = trim(line.substr(7));
        auto eq = line.find('=');
        if (eq == std::string_view::npos) {
            out.error = fmt::format("line {}: expected KEY=value", line_no);
            return out;
        }
        std::string_view key = trim(line.substr(0, eq));
        if (!valid_key(key)) {
            out.error = fmt::format("line {}: invalid key (use letters, digits and _)", line_no);
            return out;
        }
        std::string_view rest = trim(line.substr(eq + 1));
        std::string value;
        if (!rest.empty() && rest.front() == '"') {
            std::size_t i = 1;
            bool closed = false;
            for (; i < rest.size(); ++i) {
                char c = rest[i];
                if (c == '"') {
                    closed = true;
                    break;
                }
                if (c == '\\' && i + 1 < rest.size()) {
                    char e = rest[++i];
                    switch (e) {
                    case 'n':
                        value += '\n';
                        break;
                    case 't':
                        value += '\t';
                        break;
                    case 'r':
                        value += '\r';
                        break;
                    case '"':
                        value += '"';
                        break;
                    case '\\':
                        value += '\\';
                        break;
                    default:
                        value += '\\';
                        value += e;
                    }
                    continue;
                }
                value += c;
            }
            if (!closed || !rest_is_comment(rest.substr(i + 1))) {
                out.error = fmt::format("line {}: {} has an unterminated or malformed double-quoted value",
                                        line_no, quote_text(key));
                return out;
            }
        } else if (!rest.empty() && rest.front() == '\'') {
            auto close = rest.find('\'', 1);
            if (close == std::string_view::npos || !rest_is_comment(rest.substr(close + 1))) {
                out.error = fmt::format("line {}: {} has an unterminated or malformed single-quoted value",
                                        line_no, quote_text(key));
                return out;
            }
            value = std::string(rest.substr(1, close - 1));
        } else {
            // Unquoted: a comment starts at " #".
            for (std::size_t i = 0; i < rest.size(); ++i) {
                if (rest[i] == '#' && i > 0 && (rest[i - 1] == ' ' || rest[i - 1] == '\t')) {
                    rest = trim(rest.substr(0, i));
                    break;
                }
            }
            value = std::string(rest);
        }
        out.entries.emplace_back(std::string(key), std::move(value));
    }
    return out;
}

env_lookup process_environment() {
    return [](std::string_view key) -> std::optional<std::string> {
        std::string k(key);
        if (const char* v = std::getenv(k.c_str()))
            return std::string(v);
        return std::nullopt;
    };
}

std::string server_config::describe() const {
    const auto& who = client.token.id.empty() && client.login ? client.login->userid : client.token.id;
    return fmt::format("{} as {}", client.url, who);
}

config_outcome make_config(const env_lookup& env,
                           const std::optional<std::string>& env_file_text,
                           std::string_view env_file_name,
                           bool demo) {
    if (!demo) {
        std::optional<std::string> profiles = env("PROXMOX_PROFILES");
        if ((!profiles || profiles->empty()) && env_file_text) {
            const dotenv file = parse_dotenv(*env_file_text); // named: find() points into it
            if (const auto* f = file.find("PROXMOX_PROFILES"))
                profiles = *f;
        }
        if (profiles && !profiles->empty())
            return load_profiles(*profiles, env, env_file_text, env_file_name);
    }
    return make_cluster_config(env, env_file_text, env_file_name, demo);
}

config_outcome make_cluster_config(const env_lookup& env,
                                   const std::optional<std::string>& env_file_text,
                                   std::string_view env_file_name,
                                   bool demo) {
    config_outcome out;
    dotenv file;
    if (env_file_text) {
        file = parse_dotenv(*env_file_text);
        if (!file.error.empty()) {
            out.error = fmt::format("{}: {}", env_file_name, file.error);
            return out;
        }
    }
    // The environment wins over the file; an empty value counts as unset.
    std::map<std::string, std::string, std::less<>> values;
    for (auto key : config_keys) {
        if (auto v = env(key); v && !v->empty())
            values.emplace(key, *v);
        else if (const auto* f = file.find(key); f && !f->empty())
            values.emplace(key, *f);
    }
    auto get = [&](std::string_view key) -> std::string {
        auto it = values.find(key);
        return it == values.end() ? std::string() : it->second;
    };

    server_config cfg;
    std::string policy_error;
    auto policy = parse_policy(get, policy_error);
    if (!policy) {
        out.error = fmt::format("{} (in the environment or {})", policy_error, env_file_name);
        return out;
    }
    cfg.policy = std::move(*policy);
    if (demo)
        cfg.policy.allow_guest_exec = true; // the simulated guests run nothing real
    cfg.defaults.node = get("PROXMOX_DEFAULT_NODE");
    cfg.defaults.storage = get("PROXMOX_DEFAULT_STORAGE");
    cfg.defaults.bridge = get("PROXMOX_DEFAULT_BRIDGE");
    if (demo) {
        out.config = std::move(cfg);
        return out;
    }

    auto client = proxmox::client_options_from_env([&](const char* key) -> const char* {
        auto it = values.find(std::string_view(key));
        return it == values.end() ? nullptr : it->second.c_str();
    });
    if (!client) {
        out.error = client.error().message;
        if (out.error.find("is not set") != std::string::npos)
            out.error += fmt::format(
                ". Set them in the env block of the MCP client's configuration, in {} or in "
                "~/.config/proxmox-mcp/env (see .env.example), or run with --demo for a simulated cluster",
                env_file_name);
        return out;
    }
    cfg.client = std::move(*client);
    if (get("PROXMOX_TIMEOUT").empty()) {
        cfg.client.request_timeout = default_call_timeout;
        cfg.client.operation_timeout = default_call_timeout;
    }
    out.config = std::move(cfg);
    return out;
}

config_outcome load_config(const env_lookup& env, const std::string& path, bool required, bool demo) {
    std::optional<std::string> text;
    std::ifstream in(path, std::ios::binary);
    if (in) {
        std::ostringstream ss;
        ss << in.rdbuf();
        text = ss.str();
    } else if (required) {
        config_outcome out;
        out.error = fmt::format("cannot read env file {}: {}", path, std::strerror(errno));
        return out;
    }
    return make_config(env, text, path, demo);
}

std::vector<std::string> env_file_candidates(const env_lookup& env) {
    std::vector<std::string> out{".env"};
    if (auto xdg = env("XDG_CONFIG_HOME"); xdg && !xdg->empty() && xdg->front() == '/')
        out.push_back(*xdg + "/proxmox-mcp/env");
    else if (auto home = env("HOME"); home && !home->empty())
        out.push_back(*home + "/.config/proxmox-mcp/env");
    return out;
}

config_outcome load_config(const env_lookup& env, const std::optional<std::string>& env_file, bool demo) {
    if (env_file)
        return load_config(env, *env_file, true, demo);
    for (const auto& candidate : env_file_candidates(env)) {
        std::error_code ec;
        if (std::filesystem::exists(candidate, ec))
            return load_config(env, candidate, true, demo);
    }
    auto out = make_config(env, std::nullopt, ".env", demo);
    return out;
}

} // namespace proxmox::mcp
