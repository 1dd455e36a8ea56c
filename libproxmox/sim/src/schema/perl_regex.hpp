// Perl regular expressions matched with PCRE2, the simulator's only regular-expression engine.
// PVE writes its checks in Perl, so PCRE2 matches them as PVE does (`$` also before a final
// newline, `(?^i:...)` groups, Unicode classes on decoded text). Values come from clients and can be
// long, and some patterns backtrack exponentially: every match runs under limits on steps, depth
// and heap, so no input exhausts the CPU, the stack or the memory. A match that hits a limit
// counts as no match.
#ifndef PROXMOX_SIM_SRC_PERL_REGEX_HPP
#define PROXMOX_SIM_SRC_PERL_REGEX_HPP

#include <cstdint>
#include <string>
#include <string_view>

namespace proxmox::sim::detail {

/// How a subject is read: as UTF-8 text (a Perl string decoded from UTF-8, like the parameters
/// pveproxy decodes) or as bytes (a Perl byte string).
enum class regex_subject { characters, bytes };

class perl_regex {
public:
    /// Steps (backtracking points) one match may take: a linear pattern needs about twice the
    /// subject's length, so 64 KiB values stay far below it; exponential backtracking stops in
    /// about 15 ms.
    static constexpr std::uint32_t match_limit = 1'000'000;
    /// Nested backtracking points one match may hold.
    static constexpr std::uint32_t depth_limit = 1'000'000;
    /// Heap for the backtracking frames, in KiB.
    static constexpr std::uint32_t heap_limit_kib = 64 * 1024;

    /// Compiles a Perl pattern. Throws std::invalid_argument with PCRE2's message when PCRE2
    /// cannot compile it.
    explicit perl_regex(std::string_view pattern, regex_subject subject = regex_subject::characters);
    ~perl_regex();
    perl_regex(perl_regex&& other) noexcept;
    perl_regex& operator=(perl_regex&& other) noexcept;
    perl_regex(const perl_regex&) = delete;
    perl_regex& operator=(const perl_regex&) = delete;

    /// Perl's `$subject =~ m/PATTERN/`: whether the pattern matches anywhere in `subject` (the
    /// pattern anchors itself with ^ and $). False when a limit ends the match.
    bool search(std::string_view subject) const;

    const std::string& pattern() const { return pattern_; }

private:
    std::string pattern_;
    void* code_ = nullptr; ///< pcre2_code_8 (kept out of this header with <pcre2.h>)
};

} // namespace proxmox::sim::detail

#endif // PROXMOX_SIM_SRC_PERL_REGEX_HPP
