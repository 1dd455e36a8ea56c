#ifndef PROXMOX_MCP_CLI_HPP
#define PROXMOX_MCP_CLI_HPP

#include <span>
#include <string>
#include <string_view>

namespace proxmox::mcp {

/// The command line, parsed.
struct cli_options {
    enum class action { serve, help, version, list_tools_markdown, error } what = action::serve;
    bool demo = false;
    std::string env_file = ".env";
    bool env_file_given = false; ///< --env-file: the file must exist
    bool http = false;           ///< --http: serve Streamable HTTP instead of stdio
    std::string http_address;    ///< --http ADDR:PORT, checked by http_options_from
    std::string error;           ///< for action::error
};

cli_options parse_cli(std::span<const std::string_view> args);

/// The --help text.
std::string usage_text();

} // namespace proxmox::mcp

#endif
