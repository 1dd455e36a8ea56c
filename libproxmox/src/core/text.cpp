#include "core/text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace proxmox::detail {

std::string bounded_quote(std::string_view text, std::size_t max) {
    if (text.size() <= max)
        return fmt::format("'{}'", text);
    std::size_t cut = max;
    // Back up to the first byte of a UTF-8 sequence (continuation bytes are 10xxxxxx).
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut;
    return fmt::format("'{}…' ({} characters)", text.substr(0, cut), text.size());
}

bool has_control_char(std::string_view text) noexcept {
    return std::any_of(text.begin(), text.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7F;
    });
}

bool is_ascii_alpha(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_ascii_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}
bool is_ascii_alnum(char c) noexcept {
    return is_ascii_alpha(c) || is_ascii_digit(c);
}
bool is_hex_digit(char c) noexcept {
    return is_ascii_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool all_hex(std::string_view text) noexcept {
    return !text.empty() && std::all_of(text.begin(), text.end(), is_hex_digit);
}

bool all_digits(std::string_view text) noexcept {
    return !text.empty() && std::all_of(text.begin(), text.end(), is_ascii_digit);
}

bool is_dns_label(std::string_view label) noexcept {
    if (label.empty() || !is_ascii_alnum(label.front()) || !is_ascii_alnum(label.back()))
        return false;
    return std::all_of(label.begin(), label.end(), [](char c) { return is_ascii_alnum(c) || c == '-'; });
}

bool is_dns_name(std::string_view name) noexcept {
    for (;;) {
        const auto dot = name.find('.');
        if (!is_dns_label(name.substr(0, dot)))
            return false;
        if (dot == std::string_view::npos)
            return true;
        name.remove_prefix(dot + 1);
    }
}

} // namespace proxmox::detail
