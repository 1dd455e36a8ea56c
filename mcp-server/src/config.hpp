#ifndef PROXMOX_MCP_CONFIG_HPP
#define PROXMOX_MCP_CONFIG_HPP

#include "tool_registry.hpp"

#include <array>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace proxmox::mcp {

/// The environment keys the server reads (the seed's, plus TLS pinning and CA file).
inline constexpr std::array<std::string_view, 9> config_keys{
    "PROXMOX_API_URL",      "PROXMOX_TOKEN_ID",     "PROXMOX_TOKEN_SECRET",    "PROXMOX_VERIFY",
    "PROXMOX_FINGERPRINT",  "PROXMOX_CA_FILE",      "PROXMOX_DEFAULT_NODE",    "PROXMOX_DEFAULT_STORAGE",
    "PROXMOX_DEFAULT_BRIDGE"};

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
    std::string api_url;
    std::string token_id;
    std::string token_secret; ///< never printed
    bool verify = true;
    std::string fingerprint;
    std::string ca_file;
    tool_defaults defaults;
};

/// Looks a variable up (std::getenv in the program, a map in tests).
using env_lookup = std::function<std::optional<std::string>(std::string_view key)>;
env_lookup process_environment();

struct config_outcome {
    std::optional<server_config> config; ///< set on success
    std::string error;                   ///< names the key and the fix; never contains a secret
};

/// Builds the configuration from the environment and the text of the env file (if one was
/// read); the environment wins. `demo` requires nothing and ignores the connection keys.
config_outcome make_config(const env_lookup& env, const std::optional<std::string>& env_file_text,
                           std::string_view env_file_name, bool demo);

/// Reads `path` (a missing file is an error only when `required`) and calls make_config.
config_outcome load_config(const env_lookup& env, const std::string& path, bool required, bool demo);

} // namespace proxmox::mcp

#endif
