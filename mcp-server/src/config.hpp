#ifndef PROXMOX_MCP_CONFIG_HPP
#define PROXMOX_MCP_CONFIG_HPP

#include "policy.hpp"
#include "tool_registry.hpp"

#include <proxmox/options.hpp>

#include <array>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace proxmox::mcp {

/// The environment keys the server reads: the SDK's connection keys (client_options_from_env)
/// and the server's own.
inline constexpr std::array<std::string_view, 23> config_keys{"PROXMOX_API_URL",
                                                              "PROXMOX_TOKEN_ID",
                                                              "PROXMOX_TOKEN_SECRET",
                                                              "PROXMOX_USER",
                                                              "PROXMOX_PASSWORD",
                                                              "PROXMOX_VERIFY",
                                                              "PROXMOX_FINGERPRINT",
                                                              "PROXMOX_CA_FILE",
                                                              "PROXMOX_TIMEOUT",
                                                              "PROXMOX_CONNECT_TIMEOUT",
                                                              "PROXMOX_DEFAULT_NODE",
                                                              "PROXMOX_DEFAULT_STORAGE",
                                                              "PROXMOX_DEFAULT_BRIDGE",
                                                              "PROXMOX_READ_ONLY",
                                                              "PROXMOX_ALLOWED_NODES",
                                                              "PROXMOX_ALLOWED_VMIDS",
                                                              "PROXMOX_ALLOWED_POOLS",
                                                              "PROXMOX_ALLOW_GUEST_EXEC",
                                                              "PROXMOX_UPLOAD_DIR",
                                                              "PROXMOX_AUDIT_LOG",
                                                              "PROXMOX_DEFAULT_LXC_PASSWORD",
                                                              "PROXMOX_TOOLSETS",
                                                              "PROXMOX_PROFILES"};

/// Without PROXMOX_TIMEOUT, one API call may take this long, retries included: it ends well
/// before the 60 s many MCP clients wait for an answer. Task waits have their own timeout.
inline constexpr std::chrono::seconds default_call_timeout{30};

/// A parsed `.env` file: `KEY=value`, `KEY="value"` (with \n \t \" \\ escapes), `KEY='value'`
/// (literal), `export KEY=value`, `#` comments (whole line, or after a space in an unquoted
/// value), blank lines. Later lines win.
struct dotenv {
    std::vector<std::pair<std::string, std::string>> entries;
    /// `line N: ...` for the first malformed line; never quotes a value (it may be a secret).
    std::string error;

    const std::string* find(std::string_view key) const;
};

dotenv parse_dotenv(std::string_view text);

/// Everything the server needs from its configuration.
struct server_config {
    proxmox::client_options client; ///< holds the token secret or password: never printed
    tool_defaults defaults;
    server_policy policy; ///< holds the default LXC password: never printed
    /// For the start-up log line: `https://host:8006 as root@pam!mcp` (no secret).
    std::string describe() const;
};

/// Looks a variable up (std::getenv in the program, a map in tests).
using env_lookup = std::function<std::optional<std::string>(std::string_view key)>;
env_lookup process_environment();

/// One cluster of a profile file (PROXMOX_PROFILES).
struct cluster_profile {
    std::string name;
    server_config config;
};

struct config_outcome {
    std::optional<server_config> config; ///< set on success; with profiles, the default cluster's
    std::string error;                   ///< names the key and the fix; never contains a secret
    /// With PROXMOX_PROFILES: every cluster, the default one first. Empty: one cluster.
    std::vector<cluster_profile> clusters;
};

/// The largest profile file read, and the most clusters it may name.
inline constexpr std::size_t max_profile_file = std::size_t{1} << 20;
inline constexpr std::size_t max_profiles = 32;

/// Builds the configuration from the environment and the text of the env file (if one was
/// read); the environment wins, an empty value counts as unset. The connection keys are read by
/// the SDK's client_options_from_env (token or password login, TLS, timeouts). `demo` requires
/// nothing and ignores the connection keys.
///
/// PROXMOX_PROFILES names a JSON file of several clusters:
///
///     {"default": "prod",
///      "clusters": {"prod": {"PROXMOX_API_URL": "https://pve1:8006", "PROXMOX_TOKEN_ID": "...", ...},
///                   "lab":  {"PROXMOX_API_URL": "https://lab:8006", ...}}}
///
/// Each cluster's settings are the keys above (strings, or booleans and numbers written as
/// such) on top of the environment and env file; each names its own PROXMOX_API_URL.
/// `default` may be left out when there is one cluster. Not read by `demo`.
config_outcome make_config(const env_lookup& env,
                           const std::optional<std::string>& env_file_text,
                           std::string_view env_file_name,
                           bool demo);

/// make_config for one cluster: PROXMOX_PROFILES is not looked at.
config_outcome make_cluster_config(const env_lookup& env,
                                   const std::optional<std::string>& env_file_text,
                                   std::string_view env_file_name,
                                   bool demo);

/// The clusters of the profile file `path` (see make_config), each configured by
/// make_cluster_config over an environment that gives the cluster's own keys first.
config_outcome load_profiles(const std::string& path,
                             const env_lookup& env,
                             const std::optional<std::string>& env_file_text,
                             std::string_view env_file_name);

/// Where the server looks for its env file when --env-file is not given, in order: `.env` in the
/// working directory, then the per-user file `$XDG_CONFIG_HOME/proxmox-mcp/env` (default
/// `~/.config/proxmox-mcp/env`), so a client that starts the server elsewhere still finds it.
std::vector<std::string> env_file_candidates(const env_lookup& env);

/// Reads `path` (a missing file is an error only when `required`) and calls make_config.
config_outcome load_config(const env_lookup& env, const std::string& path, bool required, bool demo);

/// With --env-file: that file (required). Without: the first of env_file_candidates that exists
/// (none is fine: the environment may hold everything).
config_outcome load_config(const env_lookup& env, const std::optional<std::string>& env_file, bool demo);

} // namespace proxmox::mcp

#endif
