#ifndef PROXMOX_MCP_PROTOCOL_HPP
#define PROXMOX_MCP_PROTOCOL_HPP

#include <array>
#include <string>
#include <string_view>

/// MCP protocol revisions this server speaks, and what each one allows.
namespace proxmox::mcp::protocol {

/// Newest first. Revision strings are dates, so they compare as strings.
inline constexpr std::array<std::string_view, 4> supported_versions{"2025-11-25", "2025-06-18", "2025-03-26",
                                                                    "2024-11-05"};
inline constexpr std::string_view latest_version = supported_versions.front();

bool is_supported(std::string_view version) noexcept;

/// The version to answer `initialize` with: the client's if supported, else the latest.
std::string negotiate(std::string_view requested);

/// Tool `title`, `outputSchema`, `structuredContent`, `serverInfo.title` (2025-06-18+).
bool has_structured_output(std::string_view version) noexcept;
/// Tool `annotations` and `instructions` in the initialize result (2025-03-26+).
bool has_tool_annotations(std::string_view version) noexcept;
/// JSON-RPC batches (arrays) must be accepted (2025-03-26 only; 2025-06-18 removed them).
bool accepts_batches(std::string_view version) noexcept;

} // namespace proxmox::mcp::protocol

#endif
