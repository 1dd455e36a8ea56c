#include "protocol.hpp"

#include <algorithm>

namespace proxmox::mcp::protocol {

bool is_supported(std::string_view version) noexcept {
    return std::find(supported_versions.begin(), supported_versions.end(), version) !=
           supported_versions.end();
}

std::string negotiate(std::string_view requested) {
    return std::string(is_supported(requested) ? requested : latest_version);
}

bool has_structured_output(std::string_view version) noexcept {
    return version >= std::string_view("2025-06-18");
}

bool has_tool_annotations(std::string_view version) noexcept {
    return version >= std::string_view("2025-03-26");
}

bool accepts_batches(std::string_view version) noexcept {
    return version == std::string_view("2025-03-26");
}

} // namespace proxmox::mcp::protocol
