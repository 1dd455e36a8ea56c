#ifndef PROXMOX_MCP_TEXT_HPP
#define PROXMOX_MCP_TEXT_HPP

#include <string_view>

namespace proxmox::mcp {

/// `text` without the spaces and tabs around it (settings, list items, header values).
constexpr std::string_view trim_blanks(std::string_view text) noexcept {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

} // namespace proxmox::mcp

#endif
