#include "caller_text.hpp"
#include "policy.hpp"
#include "text.hpp"
#include "toolsets.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <system_error>

namespace proxmox::mcp {

namespace {

std::vector<std::string> split_list(std::string_view text) {
    std::vector<std::string> out;
    while (!text.empty()) {
        auto comma = text.find(',');
        auto item = trim_blanks(text.substr(0, comma));
        if (!item.empty())
            out.emplace_back(item);
        if (comma == std::string_view::npos)
            break;
        text.remove_prefix(comma + 1);
    }
    return out;
}

std::optional<bool> parse_switch(std::string_view v) {
    if (v == "1" || v == "true" || v == "yes" || v == "on")
        return true;
    if (v == "0" || v == "false" || v == "no" || v == "off")
        return false;
    return std::nullopt;
}

std::string joined(const std::vector<std::string>& items) {
    return fmt::format("{}", fmt::join(items, ","));
}

} // namespace

std::optional<vmid_t> parse_vmid(std::string_view s) {
    vmid_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || v < 100 || v > 999999999)
        return std::nullopt;
    return v;
}

std::optional<std::vector<std::pair<vmid_t, vmid_t>>> parse_vmid_ranges(std::string_view text) {
    std::vector<std::pair<vmid_t, vmid_t>> out;
    for (const auto& item : split_list(text)) {
        std::string_view s = item;
        auto dash = s.find('-');
        auto low = parse_vmid(trim_blanks(s.substr(0, dash)));
        auto high = dash == std::string_view::npos ? low : parse_vmid(trim_blanks(s.substr(dash + 1)));
        if (!low || !high || *high < *low)
            return std::nullopt;
        out.emplace_back(*low, *high);
    }
    if (out.empty())
        return std::nullopt;
    return out;
}

bool server_policy::node_allowed(std::string_view node) const {
    return allowed_nodes.empty() ||
           std::find(allowed_nodes.begin(), allowed_nodes.end(), node) != allowed_nodes.end();
}

bool server_policy::vmid_allowed(vmid_t vmid) const {
    return allowed_vmids.empty() ||
           std::any_of(allowed_vmids.begin(), allowed_vmids.end(),
                       [&](const auto& r) { return vmid >= r.first && vmid <= r.second; });
}

bool server_policy::pool_allowed(std::string_view pool) const {
    return allowed_pools.empty() ||
           std::find(allowed_pools.begin(), allowed_pools.end(), pool) != allowed_pools.end();
}

std::optional<std::string> server_policy::refuse_node(std::string_view node) const {
    if (node_allowed(node))
        return std::nullopt;
    return fmt::format(
        "node '{}' is outside PROXMOX_ALLOWED_NODES ({}); the operator allows only those nodes", node,
        joined(allowed_nodes));
}

std::optional<std::string> server_policy::refuse_pool(std::string_view pool) const {
    if (pool_allowed(pool))
        return std::nullopt;
    return fmt::format(
        "pool '{}' is outside PROXMOX_ALLOWED_POOLS ({}); the operator allows only those pools", pool,
        joined(allowed_pools));
}

std::optional<std::string>
server_policy::refuse_guest(vmid_t vmid, std::string_view node, std::string_view pool) const {
    if (!vmid_allowed(vmid))
        return fmt::format("vmid {} is outside PROXMOX_ALLOWED_VMIDS; the operator allows only those guests",
                           vmid);
    if (!node.empty())
        if (auto why = refuse_node(node))
            return fmt::format("guest {} is on {}", vmid, *why);
    if (!pool_allowed(pool))
        return fmt::format(
            "guest {} is {} PROXMOX_ALLOWED_POOLS ({}); the operator allows only guests in those pools", vmid,
            pool.empty() ? std::string("in no pool, outside") : fmt::format("in pool '{}', outside", pool),
            joined(allowed_pools));
    return std::nullopt;
}

std::optional<std::string> server_policy::refuse_tool(const tool_def& tool) const {
    if (read_only && tool.safety != tool_safety::read)
        return fmt::format(
            "{} changes the cluster and PROXMOX_READ_ONLY=true; only reading tools are offered", tool.name);
    if (!toolsets.empty() && !tool.toolset.empty() &&
        std::find(toolsets.begin(), toolsets.end(), tool.toolset) == toolsets.end())
        return fmt::format("{} is in the toolset {}, which PROXMOX_TOOLSETS ({}) leaves out", tool.name,
                           tool.toolset, joined(toolsets));
    if (tool.requires_switch == "guest_exec" && !allow_guest_exec)
        return fmt::format("{} runs commands inside guests and is off; the operator enables it with "
                           "PROXMOX_ALLOW_GUEST_EXEC=true",
                           tool.name);
    return std::nullopt;
}

bool server_policy::offers(const tool_def& tool) const {
    return !refuse_tool(tool);
}

std::optional<server_policy> parse_policy(const std::function<std::string(std::string_view)>& get,
                                          std::string& error) {
    server_policy p;
    auto flag = [&](std::string_view key, bool& out) {
        auto v = get(key);
        if (v.empty())
            return true;
        auto parsed = parse_switch(v);
        if (!parsed) {
            error = fmt::format("{} must be true or false", key);
            return false;
        }
        out = *parsed;
        return true;
    };
    if (!flag("PROXMOX_READ_ONLY", p.read_only) || !flag("PROXMOX_ALLOW_GUEST_EXEC", p.allow_guest_exec))
        return std::nullopt;
    p.allowed_nodes = split_list(get("PROXMOX_ALLOWED_NODES"));
    p.allowed_pools = split_list(get("PROXMOX_ALLOWED_POOLS"));
    if (auto v = get("PROXMOX_ALLOWED_VMIDS"); !v.empty()) {
        auto ranges = parse_vmid_ranges(v);
        if (!ranges) {
            error = "PROXMOX_ALLOWED_VMIDS must be vmids and ranges separated by commas, e.g. 100-199,9000 "
                    "(each 100..999999999)";
            return std::nullopt;
        }
        p.allowed_vmids = std::move(*ranges);
    }
    if (auto dir = get("PROXMOX_UPLOAD_DIR"); !dir.empty()) {
        std::error_code ec;
        auto resolved = std::filesystem::canonical(dir, ec);
        if (ec || !std::filesystem::is_directory(resolved, ec)) {
            error = "PROXMOX_UPLOAD_DIR must name an existing directory (the upload tools read files only "
                    "below it)";
            return std::nullopt;
        }
        p.upload_dir = resolved.string();
    }
    for (auto& name : split_list(get("PROXMOX_TOOLSETS"))) {
        if (!is_toolset(name)) {
            std::vector<std::string> known;
            for (const auto& t : toolsets)
                known.emplace_back(t.name);
            error = fmt::format("PROXMOX_TOOLSETS names {}, which is not a toolset; toolsets: {}",
                                quote_text(name, 64), joined(known));
            return std::nullopt;
        }
        p.toolsets.push_back(std::move(name));
    }
    p.audit_log = get("PROXMOX_AUDIT_LOG");
    p.default_lxc_password = get("PROXMOX_DEFAULT_LXC_PASSWORD");
    return p;
}

} // namespace proxmox::mcp
