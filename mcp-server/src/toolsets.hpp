#ifndef PROXMOX_MCP_TOOLSETS_HPP
#define PROXMOX_MCP_TOOLSETS_HPP

#include <array>
#include <string_view>

namespace proxmox::mcp {

/// The seed's tool families, as PROXMOX_TOOLSETS names them: a user who needs only some of them
/// lists only those and saves the context the others' descriptions would take.
struct toolset {
    std::string_view name;  ///< the PROXMOX_TOOLSETS word
    std::string_view title; ///< the heading in docs/mcp-tools.md
    std::size_t first;      ///< position of its first tool in the seed's order
};

inline constexpr std::array<toolset, 8> toolsets{{
    {"discovery", "Discovery", 0},
    {"lifecycle", "VM lifecycle", 11},
    {"lxc", "LXC containers", 21},
    {"network", "Cloud-init and networking", 26},
    {"images", "Images, templates, snapshots, backups", 31},
    {"metrics", "Metrics", 40},
    {"access", "Pools, users, permissions", 42},
    {"orchestration", "Orchestration", 50},
}};

/// The toolset of the tool at `position` in the seed's order.
constexpr const toolset& toolset_at(std::size_t position) noexcept {
    std::size_t i = 0;
    while (i + 1 < toolsets.size() && toolsets[i + 1].first <= position)
        ++i;
    return toolsets[i];
}

constexpr bool is_toolset(std::string_view name) noexcept {
    for (const auto& t : toolsets)
        if (t.name == name)
            return true;
    return false;
}

} // namespace proxmox::mcp

#endif
