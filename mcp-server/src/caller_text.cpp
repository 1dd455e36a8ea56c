#include "caller_text.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/serializer.hpp>

#include <fmt/format.h>

namespace proxmox::mcp {

namespace json = boost::json;

namespace {

constexpr std::string_view ellipsis = "\xE2\x80\xA6"; // U+2026

/// Length of the well-formed UTF-8 sequence at `i` (1..4), or 0 for a byte that does not start one
/// (stray continuation bytes, overlong forms, surrogates, truncated sequences).
std::size_t sequence_length(std::string_view s, std::size_t i) {
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
    unsigned char c = byte(0);
    if (c < 0x80)
        return 1;
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF; // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
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
        return 0;
    }
    if (i + n > s.size())
        return 0;
    if (byte(1) < lo || byte(1) > hi)
        return 0;
    for (std::size_t k = 2; k < n; ++k)
        if ((byte(k) & 0xC0) != 0x80)
            return 0;
    return n;
}

std::size_t count_characters(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80)
            ++n;
    return n;
}

void append_escaped_byte(std::string& out, unsigned char c) {
    switch (c) {
    case '\n':
        out += "\\n";
        return;
    case '\r':
        out += "\\r";
        return;
    case '\t':
        out += "\\t";
        return;
    default:
        out += fmt::format("\\x{:02x}", c);
    }
}

/// One quoted character (or an escaped stray byte); returns how many input bytes it used.
std::size_t append_character(std::string& out, std::string_view text, std::size_t i, bool escape_controls) {
    std::size_t n = sequence_length(text, i);
    auto c = static_cast<unsigned char>(text[i]);
    if (n == 0) {
        if (escape_controls)
            append_escaped_byte(out, c);
        else
            out += "\xEF\xBF\xBD"; // U+FFFD keeps a JSON string valid UTF-8
        return 1;
    }
    bool control =
        (n == 1 && (c < 0x20 || c == 0x7F)) ||
        (n == 2 && c == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0); // C1: U+0080..U+009F
    if (control && escape_controls) {
        if (n == 1)
            append_escaped_byte(out, c);
        else
            out += fmt::format("\\u{:04x}", static_cast<unsigned char>(text[i + 1]));
        return n;
    }
    out.append(text.substr(i, n));
    return n;
}

/// As many leading characters as fit in `max_chars` printed characters (an escape such as
/// `\u0096` prints 6), so a quote of escapes is no longer than one of letters; `cut` tells
/// whether anything was left out.
std::string prefix(std::string_view text, std::size_t max_chars, bool escape_controls, bool& cut) {
    std::string out;
    std::string one;
    std::size_t i = 0;
    for (std::size_t printed = 0; i < text.size();) {
        one.clear();
        const std::size_t used = append_character(one, text, i, escape_controls);
        const std::size_t width = count_characters(one);
        if (printed + width > max_chars)
            break;
        out += one;
        printed += width;
        i += used;
    }
    cut = i < text.size();
    return out;
}

std::string size_note(const json::value& v) {
    if (const auto* a = v.if_array())
        return fmt::format(" (an array of {} items)", a->size());
    if (const auto* o = v.if_object())
        return fmt::format(" (an object of {} members)", o->size());
    return {};
}

} // namespace

std::string quote_text(std::string_view text, std::size_t max_chars) {
    bool cut = false;
    std::string out = prefix(text, max_chars, true, cut);
    if (cut)
        out += fmt::format("{} ({} characters)", ellipsis, count_characters(text));
    return out;
}

std::string quote_json(const json::value& value, std::size_t max_chars) {
    if (const auto* s = value.if_string()) {
        bool cut = false;
        std::string shown = prefix(*s, max_chars, false, cut);
        if (!cut)
            return json::serialize(json::string_view(shown));
        shown.append(ellipsis);
        return fmt::format("{} ({} characters)", json::serialize(json::string_view(shown)),
                           count_characters(*s));
    }
    // Serialize only as much as can be shown: a character takes at most 4 bytes.
    json::serializer sr;
    sr.reset(&value);
    std::string buf(max_chars * 4 + 4, '\0');
    std::string_view part = sr.read(buf.data(), buf.size());
    bool cut = !sr.done();
    bool cut_here = false;
    std::string out = prefix(part, max_chars, false, cut_here);
    if (cut || cut_here)
        out += fmt::format("{}{}", ellipsis, size_note(value));
    return out;
}

} // namespace proxmox::mcp
