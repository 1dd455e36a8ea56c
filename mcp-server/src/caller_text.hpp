#ifndef PROXMOX_MCP_CALLER_TEXT_HPP
#define PROXMOX_MCP_CALLER_TEXT_HPP

#include <boost/json/value.hpp>

#include <cstddef>
#include <string>
#include <string_view>

/// Quoting text that came from the client in error messages and log lines. Everything from the
/// client is hostile: a 1 MB tool name must not become a 2 MB error or a 1 MB log line.
namespace proxmox::mcp {

/// How many characters of client text an error message or a log line quotes by default.
inline constexpr std::size_t quote_limit = 64;

/// At most `max_chars` printed characters of `text`, cut on a UTF-8 boundary. Control
/// characters and bytes that are not UTF-8 are escaped (`\n`, `\x1b`) so a quote stays on one line
/// and cannot drive a terminal; an escape counts as the characters it prints. A longer text ends in `…` and
/// its full length, e.g. `aaaa… (1048576 characters)`.
std::string quote_text(std::string_view text, std::size_t max_chars = quote_limit);

/// A JSON value from the client as compact JSON at the same bound: strings keep their quotes
/// (`"aaaa…" (1048576 characters)`), arrays and objects say how many items they hold. Only the
/// quoted part is serialized, whatever the value's size.
std::string quote_json(const boost::json::value& value, std::size_t max_chars = quote_limit);

} // namespace proxmox::mcp

#endif
