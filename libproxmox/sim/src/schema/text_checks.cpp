#include "schema/text_checks.hpp"

namespace proxmox::sim::detail {

bool is_digits(std::string_view s) {
    return !s.empty() && all_chars(s, is_ascii_digit);
}

bool is_decimal(std::string_view s) {
    const auto dot = s.find('.');
    if (dot == std::string_view::npos)
        return is_digits(s);
    return is_digits(s.substr(0, dot)) && is_digits(s.substr(dot + 1));
}

bool iequal(std::string_view a, std::string_view b) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return lower(x) == lower(y); });
}

std::optional<bool> parse_boolean(std::string_view s) {
    for (std::string_view yes : {"1", "on", "yes", "true"})
        if (iequal(s, yes))
            return true;
    for (std::string_view no : {"0", "off", "no", "false"})
        if (iequal(s, no))
            return false;
    return std::nullopt;
}

bool is_dns_label(std::string_view s) {
    return !s.empty() && is_ascii_alnum(s.front()) && is_ascii_alnum(s.back()) &&
           all_chars(s, [](char c) { return is_ascii_alnum(c) || c == '-'; });
}

bool is_dns_name(std::string_view s) {
    for (;;) {
        const auto dot = s.find('.');
        if (!is_dns_label(s.substr(0, dot)))
            return false;
        if (dot == std::string_view::npos)
            return true;
        s.remove_prefix(dot + 1);
    }
}

bool is_realm_name(std::string_view s) {
    return s.size() >= 2 && is_ascii_alpha(s.front()) &&
           all_chars(s, [](char c) { return is_ascii_alnum(c) || c == '.' || c == '-' || c == '_'; });
}

bool is_user_name(std::string_view s) {
    // the realm has no '@', so the greedy user part ends at the last one
    const auto at = s.rfind('@');
    if (at == std::string_view::npos || at == 0)
        return false;
    const auto user = s.substr(0, at);
    return all_chars(user, [](char c) { return !is_ascii_space(c) && c != ':' && c != '/'; }) &&
           is_realm_name(s.substr(at + 1));
}

bool contains_numbered(std::string_view s, std::initializer_list<std::string_view> words) {
    for (const auto word : words)
        for (auto pos = s.find(word); pos != std::string_view::npos; pos = s.find(word, pos + 1))
            if (pos + word.size() < s.size() && is_ascii_digit(s[pos + word.size()]))
                return true;
    return false;
}

} // namespace proxmox::sim::detail
