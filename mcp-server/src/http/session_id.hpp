#ifndef PROXMOX_MCP_HTTP_SESSION_ID_HPP
#define PROXMOX_MCP_HTTP_SESSION_ID_HPP

#include <string>
#include <string_view>

namespace proxmox::mcp {

/// A new `Mcp-Session-Id`: 128 bits from OpenSSL's RAND_bytes as 32 lower-case hex characters.
/// Throws std::runtime_error when the generator fails (it never hands out a guessable id).
std::string new_session_id();

/// 32 hex characters: the shape new_session_id makes (anything else names no session).
bool is_session_id(std::string_view text) noexcept;

} // namespace proxmox::mcp

#endif
