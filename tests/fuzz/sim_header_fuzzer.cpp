// Request header bytes as they reach the simulator: header_scanner reads them within pveproxy's
// limits, once whole and once as they trickle in; a complete header's fields then go through the
// readers of the authentication values and the content type.
#include "dispatch/request_parsing.hpp"
#include "fuzz_support.hpp"
#include "server/header_limits.hpp"

#include <algorithm>
#include <cctype>

namespace sim = proxmox::sim::detail;
using verdict = sim::header_scanner::verdict;

namespace {

/// The header counted again from the bytes: lines after the request line and their summed size.
void check_complete(std::string_view header) {
    auto lines = proxmox::fuzz::split_lines(header);
    PROXMOX_FUZZ_CHECK(!lines.empty() && header.ends_with('\n'), std::string(header.substr(0, 200)));
    std::size_t total = 0;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        auto line = lines[i];
        if (line.ends_with('\r'))
            line.remove_suffix(1);
        total += line.size();
        PROXMOX_FUZZ_CHECK(line.empty() == (i + 1 == lines.size()), "a header with an empty line inside");
    }
    PROXMOX_FUZZ_CHECK(lines.size() - 1 < sim::limit_max_headers, std::to_string(lines.size()));
    PROXMOX_FUZZ_CHECK(total < sim::limit_max_header_size, std::to_string(total));
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

void read_fields(std::string_view header) {
    auto lines = proxmox::fuzz::split_lines(header);
    // request line: METHOD TARGET VERSION
    const auto request = lines.front();
    const auto sp = request.find(' ');
    if (sp != std::string_view::npos) {
        const auto target = request.substr(sp + 1, request.find(' ', sp + 1) - sp - 1);
        if (const auto t = sim::parse_target(target)) {
            std::string rel_uri, format;
            if (sim::split_abs_uri(t->path, rel_uri, format))
                (void)sim::is_upload_path(rel_uri);
        }
    }
    for (std::size_t i = 1; i < lines.size(); ++i) {
        const auto colon = lines[i].find(':');
        if (colon == std::string_view::npos)
            continue;
        const auto name = trim(lines[i].substr(0, colon));
        const auto value = trim(lines[i].substr(colon + 1));
        if (iequals(name, "Authorization") || iequals(name, "Cookie")) {
            for (std::string_view key : {"PVEAuthCookie", "PVEAPIToken"})
                if (const auto v = sim::extract_auth_value(value, key))
                    PROXMOX_FUZZ_CHECK(!v->empty(), std::string(key));
        } else if (iequals(name, "Content-Type")) {
            const auto base = sim::content_type_base(value);
            PROXMOX_FUZZ_CHECK(base.find_first_of(";,") == std::string_view::npos, std::string(base));
            if (const auto boundary = sim::content_type_boundary(value))
                PROXMOX_FUZZ_CHECK(
                    !boundary->empty() &&
                        std::none_of(boundary->begin(), boundary->end(),
                                     [](char c) { return std::isspace(static_cast<unsigned char>(c)); }),
                    *boundary);
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto received = proxmox::fuzz::as_text(data, size);

    sim::header_scanner whole;
    const auto at_once = whole.scan(received);
    PROXMOX_FUZZ_CHECK(whole.end() <= received.size(), std::to_string(whole.end()));
    PROXMOX_FUZZ_CHECK(whole.request_line(received).find('\n') == std::string_view::npos,
                       "request line with a line end");

    // The same bytes in pieces: a verdict, once given, stays; a header complete at once is
    // complete in pieces too when no piece overflows the read buffer.
    sim::header_scanner pieces;
    auto seen = verdict::need_more;
    std::size_t step = 1 + (size > 0 ? data[0] % 97 : 0);
    for (std::size_t n = 0; n < size;) {
        n = std::min(size, n + step);
        const auto now = pieces.scan(received.substr(0, n));
        PROXMOX_FUZZ_CHECK(seen == verdict::need_more || now == seen, "a verdict changed");
        seen = now;
    }
    if (at_once == verdict::complete && size <= sim::read_buffer_max) {
        PROXMOX_FUZZ_CHECK(seen == verdict::complete && pieces.end() == whole.end(),
                           std::to_string(pieces.end()));
    }

    if (at_once != verdict::complete)
        return 0;
    const auto header = received.substr(0, whole.end());
    check_complete(header);
    read_fields(header);
    return 0;
}
