// What every fuzz target shares: the entry point's signature, invariant checks that abort (so
// libFuzzer keeps the input and the replay test fails), and splitting an input into fields.
#ifndef PROXMOX_TESTS_FUZZ_FUZZ_SUPPORT_HPP
#define PROXMOX_TESTS_FUZZ_FUZZ_SUPPORT_HPP

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace proxmox::fuzz {

/// Every error text the targets check stays below this many bytes, whatever the input's size.
inline constexpr std::size_t max_error_bytes = 1024;

[[noreturn]] inline void
invariant_failed(const char* condition, const char* file, int line, const std::string& what) {
    std::fprintf(stderr, "%s:%d: invariant failed: %s\n  %s\n", file, line, condition, what.c_str());
    std::fflush(stderr);
    std::abort();
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

/// Removes and returns the first line of `rest` (without its '\n'); empty once `rest` is.
inline std::string_view take_line(std::string_view& rest) {
    const auto nl = rest.find('\n');
    const auto line = rest.substr(0, nl);
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    return line;
}

/// Every line of `text`, split at '\n'.
inline std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty())
        lines.push_back(take_line(text));
    return lines;
}

/// Well-formed UTF-8 (no overlong forms, surrogates or code points above U+10FFFF).
inline bool is_valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = 0;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c < 0x80) {
            ++i;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            n = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 3;
            if (c == 0xE0)
                lo = 0xA0;
            if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 4;
            if (c == 0xF0)
                lo = 0x90;
            if (c == 0xF4)
                hi = 0x8F;
        } else {
            return false;
        }
        if (i + n > s.size())
            return false;
        const auto second = static_cast<unsigned char>(s[i + 1]);
        if (second < lo || second > hi)
            return false;
        for (std::size_t k = 2; k < n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80)
                return false;
        i += n;
    }
    return true;
}

/// A byte below 0x20 or 0x7F.
inline bool has_control_byte(std::string_view s) {
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F)
            return true;
    }
    return false;
}

/// A byte below 0x20: line breaks, escape sequences (JSON text has them escaped).
inline bool has_c0_control(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
}

/// `secret` with every printable byte replaced: the same length, emptiness and control bytes, so
/// a check on the secret's shape decides alike, while its text is different. An error text that
/// changes when only the secret does depends on the secret's text.
inline std::string masked(std::string_view secret) {
    std::string out(secret);
    for (char& c : out) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u != 0x7F)
            c = c == '*' ? '#' : '*';
    }
    return out;
}

} // namespace proxmox::fuzz

#define PROXMOX_FUZZ_CHECK(condition, what)                                                                  \
    do {                                                                                                     \
        if (!(condition))                                                                                    \
            ::proxmox::fuzz::invariant_failed(#condition, __FILE__, __LINE__, (what));                       \
    } while (false)

#endif
