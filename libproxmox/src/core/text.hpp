#ifndef PROXMOX_SRC_CORE_TEXT_HPP
#define PROXMOX_SRC_CORE_TEXT_HPP

// Plain checks on caller text, and how caller text is quoted in errors. Values from outside are
// never matched with std::regex (libstdc++ recurses per character and overflows the stack on
// long input) and never quoted at full length.

#include <cstddef>
#include <string>
#include <string_view>

namespace proxmox::detail {

/// `'text'`, or its first `max` bytes (cut on a UTF-8 boundary) + `…' (N characters)` when longer.
std::string bounded_quote(std::string_view text, std::size_t max = 64);

/// True when `text` holds a byte below 0x20 or 0x7F (CR, LF, NUL, TAB, ...).
bool has_control_char(std::string_view text) noexcept;

bool is_ascii_alpha(char c) noexcept;
bool is_ascii_digit(char c) noexcept;
bool is_ascii_alnum(char c) noexcept;
bool is_hex_digit(char c) noexcept;
/// Every character is [0-9a-fA-F] and there is at least one.
bool all_hex(std::string_view text) noexcept;
/// Every character is [0-9] and there is at least one.
bool all_digits(std::string_view text) noexcept;

/// One label of a DNS name: [a-zA-Z0-9], then [a-zA-Z0-9-]*, not ending in '-'.
bool is_dns_label(std::string_view label) noexcept;
/// PVE's `dns-name` format (VM names, node names): labels separated by '.'.
bool is_dns_name(std::string_view name) noexcept;

} // namespace proxmox::detail

#endif
