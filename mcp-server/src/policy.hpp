#ifndef PROXMOX_MCP_POLICY_HPP
#define PROXMOX_MCP_POLICY_HPP

#include "tool_registry.hpp"

#include <proxmox/types.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace proxmox::mcp {

/// What the operator allows the agent: read-only mode, allow-lists, guest exec and uploads.
/// Read from PROXMOX_READ_ONLY, PROXMOX_ALLOWED_NODES, PROXMOX_ALLOWED_VMIDS,
/// PROXMOX_ALLOWED_POOLS, PROXMOX_ALLOW_GUEST_EXEC, PROXMOX_UPLOAD_DIR, PROXMOX_AUDIT_LOG,
/// PROXMOX_DEFAULT_LXC_PASSWORD and PROXMOX_TOOLSETS.
struct server_policy {
    bool read_only = false;
    std::vector<std::string> allowed_nodes;               ///< empty: every node
    std::vector<std::pair<vmid_t, vmid_t>> allowed_vmids; ///< inclusive ranges; empty: every vmid
    std::vector<std::string> allowed_pools; ///< empty: every guest; else only guests in these pools
    bool allow_guest_exec = false;
    std::string upload_dir;            ///< absolute and resolved; empty: uploads are refused
    std::string audit_log;             ///< file the audit lines are appended to; empty: stderr
    std::string default_lxc_password;  ///< a secret: never printed
    std::vector<std::string> toolsets; ///< PROXMOX_TOOLSETS; empty: every toolset

    bool node_allowed(std::string_view node) const;
    bool vmid_allowed(vmid_t vmid) const;
    bool pool_allowed(std::string_view pool) const;

    /// Why a guest is off limits (the message names the setting), or nullopt.
    std::optional<std::string> refuse_guest(vmid_t vmid, std::string_view node, std::string_view pool) const;
    /// Why a node is off limits, or nullopt.
    std::optional<std::string> refuse_node(std::string_view node) const;
    /// Why a pool is off limits, or nullopt.
    std::optional<std::string> refuse_pool(std::string_view pool) const;

    /// Whether tools/list shows the tool and tools/call runs it.
    bool offers(const tool_def& tool) const;
    /// Why a tool is not offered (names the setting that hides it), or nullopt.
    std::optional<std::string> refuse_tool(const tool_def& tool) const;
};

/// Reads the policy keys through `get` (empty string = unset). On a malformed value returns
/// nullopt and sets `error` to a message naming the key and the fix (never the value of a secret).
std::optional<server_policy> parse_policy(const std::function<std::string(std::string_view)>& get,
                                          std::string& error);

/// A vmid written as digits, 100..999999999; nullopt otherwise.
std::optional<vmid_t> parse_vmid(std::string_view text);

/// `100-199,9000` -> ranges; nullopt when malformed.
std::optional<std::vector<std::pair<vmid_t, vmid_t>>> parse_vmid_ranges(std::string_view text);

} // namespace proxmox::mcp

#endif
