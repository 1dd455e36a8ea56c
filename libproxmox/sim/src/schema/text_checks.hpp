// Plain character checks for the simple patterns PVE's validators use (identifiers, digits,
// yes/no words, DNS names, user names). They run in one pass over the text, so a value of any
// length costs no more than reading it. Classes are ASCII, as the checks they replace read them
// (\s is space, \t, \n, \v, \f or \r; `.` is anything but \n and \r).
#ifndef PROXMOX_SIM_SRC_TEXT_CHECKS_HPP
#define PROXMOX_SIM_SRC_TEXT_CHECKS_HPP

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <string_view>

namespace proxmox::sim::detail {

inline bool is_ascii_digit(char c) {
    return c >= '0' && c <= '9';
}
inline bool is_ascii_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
inline bool is_ascii_alnum(char c) {
    return is_ascii_alpha(c) || is_ascii_digit(c);
}
inline bool is_ascii_hex(char c) {
    return is_ascii_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
/// \s
inline bool is_ascii_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}
/// \w
inline bool is_word_char(char c) {
    return is_ascii_alnum(c) || c == '_';
}

/// Whether every character of `s` satisfies `pred` (true for an empty `s`).
template <class Pred> bool all_chars(std::string_view s, Pred pred) {
    return std::all_of(s.begin(), s.end(), pred);
}

/// `\d+`
bool is_digits(std::string_view s);
/// `\d+(\.\d+)?`
bool is_decimal(std::string_view s);
/// ASCII case-insensitive equality.
bool iequal(std::string_view a, std::string_view b);
/// JSONSchema.pm parse_boolean: 1/on/yes/true and 0/off/no/false, in any case; nullopt otherwise.
std::optional<bool> parse_boolean(std::string_view s);
/// `[a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?`: one label of a DNS name (and a node name).
bool is_dns_label(std::string_view s);
/// JSONSchema.pm pve_verify_dns_name: labels separated by dots.
bool is_dns_name(std::string_view s);
/// `[A-Za-z][A-Za-z0-9\.\-_]+`: pve-access-control's realm and token name rule.
bool is_realm_name(std::string_view s);
/// `[^\s:/]+@REALM`: pve-access-control's user name rule (the realm follows the last '@').
bool is_user_name(std::string_view s);
/// Whether one of `words` followed by a digit occurs anywhere in `s` (`(ide|sata)\d` searched).
bool contains_numbered(std::string_view s, std::initializer_list<std::string_view> words);

} // namespace proxmox::sim::detail

#endif // PROXMOX_SIM_SRC_TEXT_CHECKS_HPP
