#include "schema/perl_regex.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <memory>
#include <pcre2.h>
#include <stdexcept>
#include <utility>

namespace proxmox::sim::detail {

namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Perl 5.34 (PVE 9 runs 5.40) reads `{,N}` as the quantifier {0,N}; PCRE2 10.42 reads it as
// literal text, so it is spelled out. Escapes and character classes are left alone.
std::string with_perl_quantifiers(std::string_view pattern) {
    std::string out;
    out.reserve(pattern.size());
    bool in_class = false;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        const char c = pattern[i];
        if (c == '\\' && i + 1 < pattern.size()) {
            out += c;
            out += pattern[++i];
            continue;
        }
        if (in_class) {
            if (c == ']')
                in_class = false;
            out += c;
            continue;
        }
        if (c == '[') {
            in_class = true;
            out += c;
            // a ']' right after '[' or '[^' belongs to the class
            if (i + 1 < pattern.size() && pattern[i + 1] == '^')
                out += pattern[++i];
            if (i + 1 < pattern.size() && pattern[i + 1] == ']')
                out += pattern[++i];
            continue;
        }
        if (c == '{' && i + 2 < pattern.size() && pattern[i + 1] == ',' && is_digit(pattern[i + 2])) {
            std::size_t j = i + 2;
            while (j < pattern.size() && is_digit(pattern[j]))
                ++j;
            if (j < pattern.size() && pattern[j] == '}') {
                out += "{0";
                out.append(pattern.substr(i + 1, j - i));
                i = j;
                continue;
            }
        }
        out += c;
    }
    return out;
}

/// The limits every match runs under; never changed once made, so all threads share it.
pcre2_match_context* limits() {
    static const std::unique_ptr<pcre2_match_context, decltype(&pcre2_match_context_free)> context = [] {
        std::unique_ptr<pcre2_match_context, decltype(&pcre2_match_context_free)> c(
            pcre2_match_context_create(nullptr), &pcre2_match_context_free);
        if (!c)
            throw std::bad_alloc();
        pcre2_set_match_limit(c.get(), perl_regex::match_limit);
        pcre2_set_depth_limit(c.get(), perl_regex::depth_limit);
        pcre2_set_heap_limit(c.get(), perl_regex::heap_limit_kib);
        return c;
    }();
    return context.get();
}

pcre2_code* as_code(void* p) {
    return static_cast<pcre2_code*>(p);
}

} // namespace

perl_regex::perl_regex(std::string_view pattern, regex_subject subject) : pattern_(pattern) {
    const std::string source = with_perl_quantifiers(pattern);
    std::unique_ptr<pcre2_compile_context, decltype(&pcre2_compile_context_free)> context(
        pcre2_compile_context_create(nullptr), &pcre2_compile_context_free);
    if (!context)
        throw std::bad_alloc();
    pcre2_set_newline(context.get(), PCRE2_NEWLINE_LF); // Perl's "\n", whatever PCRE2 was built with
    const std::uint32_t options =
        subject == regex_subject::characters ? PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF : 0;
    int error = 0;
    PCRE2_SIZE offset = 0;
    code_ = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(source.data()), source.size(), options, &error,
                          &offset, context.get());
    if (!code_) {
        PCRE2_UCHAR message[256];
        pcre2_get_error_message(error, message, sizeof message);
        throw std::invalid_argument("cannot compile the pattern '" + pattern_ + "' at offset " +
                                    std::to_string(offset) + ": " + reinterpret_cast<const char*>(message));
    }
}

perl_regex::~perl_regex() {
    pcre2_code_free(as_code(code_));
}

perl_regex::perl_regex(perl_regex&& other) noexcept
    : pattern_(std::move(other.pattern_)), code_(std::exchange(other.code_, nullptr)) {}

perl_regex& perl_regex::operator=(perl_regex&& other) noexcept {
    if (this != &other) {
        pcre2_code_free(as_code(code_));
        pattern_ = std::move(other.pattern_);
        code_ = std::exchange(other.code_, nullptr);
    }
    return *this;
}

bool perl_regex::search(std::string_view subject) const {
    if (!code_)
        return false;
    std::unique_ptr<pcre2_match_data, decltype(&pcre2_match_data_free)> match(
        pcre2_match_data_create(1, nullptr), &pcre2_match_data_free);
    if (!match)
        return false;
    // PCRE2 10.42 refuses a null subject even when it is empty
    const char* text = subject.data() ? subject.data() : "";
    // >= 0: a match; PCRE2_ERROR_NOMATCH, a limit (MATCHLIMIT, DEPTHLIMIT, HEAPLIMIT) or
    // NOMEMORY: none
    const int rc = pcre2_match(as_code(code_), reinterpret_cast<PCRE2_SPTR>(text), subject.size(), 0, 0,
                               match.get(), limits());
    return rc >= 0;
}

} // namespace proxmox::sim::detail
