#include "caller_text.hpp"
#include "policy.hpp"
#include "tools/checks.hpp"
#include "tools/guest.hpp"

#include <proxmox/client.hpp>

#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace proxmox::mcp::tools {

namespace asio = boost::asio;

namespace {

/// The file part of a volume id (`local:vztmpl/x.tar.zst` -> `x.tar.zst`).
std::string_view file_of(std::string_view volid) {
    if (auto slash = volid.rfind('/'); slash != std::string_view::npos)
        return volid.substr(slash + 1);
    if (auto colon = volid.find(':'); colon != std::string_view::npos)
        return volid.substr(colon + 1);
    return volid;
}

/// What a storage of `content` holds, in words (`images` -> `VM disks`).
std::string_view content_words(std::string_view content) {
    if (content == "images")
        return "VM disks";
    if (content == "rootdir")
        return "container volumes";
    if (content == "vztmpl")
        return "container templates";
    if (content == "iso")
        return "ISO images";
    if (content == "backup")
        return "backups";
    return content;
}

/// The tool that puts a missing volume of `content` there, as a hint; empty when there is none.
std::string_view upload_hint(std::string_view content) {
    if (content == "iso")
        return " (upload one with proxmox-upload-iso)";
    if (content == "vztmpl")
        return " (upload one with proxmox-upload-template)";
    return "";
}

/// The lowest vmid no guest uses that the allow-list permits.
std::optional<proxmox::vmid_t> free_vmid(const std::vector<proxmox::cluster_resource>& guests,
                                         const server_policy* policy) {
    std::set<proxmox::vmid_t> used;
    for (const auto& r : guests)
        if (r.vmid)
            used.insert(*r.vmid);
    std::vector<std::pair<proxmox::vmid_t, proxmox::vmid_t>> ranges{{100, 999999999}};
    if (policy && !policy->allowed_vmids.empty())
        ranges = policy->allowed_vmids;
    std::optional<proxmox::vmid_t> best;
    for (const auto& [low, high] : ranges)
        for (proxmox::vmid_t v = std::max<proxmox::vmid_t>(low, 100); v <= high; ++v)
            if (!used.contains(v)) {
                if (!best || v < *best)
                    best = v;
                break;
            }
    return best;
}

} // namespace

std::optional<tool_result> refuse_new_guest(const tool_context& ctx, proxmox::vmid_t vmid) {
    if (!ctx.policy)
        return std::nullopt;
    if (!ctx.policy->vmid_allowed(vmid))
        return tool_result::failure(fmt::format(
            "Refused: vmid {} is outside PROXMOX_ALLOWED_VMIDS; the operator allows only those guests. Fix: "
            "pick a vmid inside it. Nothing was sent.",
            vmid));
    if (!ctx.policy->allowed_pools.empty())
        return tool_result::failure(fmt::format(
            "Refused: PROXMOX_ALLOWED_POOLS ({}) is set and a new guest {} would be in no pool, outside "
            "them; the operator creates guests in pools. Nothing was sent.",
            fmt::join(ctx.policy->allowed_pools, ","), vmid));
    return std::nullopt;
}

void check_not_locked(write_plan& plan, const proxmox::guest_summary& g) {
    plan.check("not locked", g.lock.empty(),
               g.lock.empty() ? "" : fmt::format("locked ({}); wait for that task to end", g.lock));
}

asio::awaitable<outcome<bool>> check_node(const tool_context& ctx, write_plan& plan, std::string node) {
    auto nodes = co_await cluster_nodes(ctx);
    if (!nodes)
        co_return std::move(nodes.failure());
    std::vector<std::string> online;
    const proxmox::node_summary* found = nullptr;
    for (const auto& n : *nodes) {
        if (n.status == "online")
            online.push_back(n.node);
        if (n.node == node)
            found = &n;
    }
    if (!found) {
        plan.check(fmt::format("node {} is in the cluster", quote_text(node)), false,
                   fmt::format("online nodes: {}", joined(online)));
        co_return false;
    }
    const bool ok = found->status == "online";
    plan.check(fmt::format("node {} is online", node), ok,
               ok ? "" : fmt::format("it is {}; online nodes: {}", found->status, joined(online)));
    co_return ok;
}

asio::awaitable<outcome<std::vector<proxmox::cluster_resource>>> cluster_guests(const tool_context& ctx) {
    const auto cluster = ctx.client->cluster();
    auto resources = co_await cluster.async_resources(proxmox::resource_filter::vm, asio::use_awaitable);
    if (!resources)
        co_return failure("Listing the cluster's guests failed", resources.error());
    co_return std::move(*resources);
}

asio::awaitable<outcome<bool>>
check_vmid_free(const tool_context& ctx, write_plan& plan, proxmox::vmid_t vmid) {
    auto guests = co_await cluster_guests(ctx);
    if (!guests)
        co_return std::move(guests.failure());
    auto it = std::find_if(guests->begin(), guests->end(),
                           [&](const auto& r) { return r.vmid && *r.vmid == vmid; });
    if (it == guests->end()) {
        plan.check(fmt::format("vmid {} is free", vmid), true);
        co_return true;
    }
    std::string detail =
        fmt::format("vmid {} is in use, taken by {}; pick another vmid", vmid, guest_label(it->to_guest()));
    if (auto next = free_vmid(*guests, ctx.policy.get()))
        detail += fmt::format(" (next free: {})", *next);
    plan.check(fmt::format("vmid {} is free", vmid), false, std::move(detail));
    co_return false;
}

asio::awaitable<outcome<std::string>> storage_for(
    const tool_context& ctx, write_plan& plan, std::string node, std::string wanted, std::string content) {
    const auto node_h = ctx.client->node(node);
    const proxmox::storage_filter all{};
    auto storages = co_await node_h.async_storages(all, asio::use_awaitable);
    if (!storages) {
        const std::string what = fmt::format("Listing the storages of {} failed", node);
        co_return co_await node_failure(ctx, what, node, storages.error());
    }
    std::vector<std::string> fitting;
    for (const auto& s : *storages)
        if (s.holds(content) && (s.active || !s.raw.contains("active")))
            fitting.push_back(s.storage);
    if (wanted.empty()) {
        // PROXMOX_DEFAULT_STORAGE when it fits, else the first storage of the node that does
        if (std::find(fitting.begin(), fitting.end(), ctx.defaults.storage) != fitting.end())
            wanted = ctx.defaults.storage;
        else if (!fitting.empty())
            wanted = fitting.front();
        plan.check(fmt::format("a storage on {} holds {}", node, content), !wanted.empty(),
                   wanted.empty() ? "none does; pass storage (proxmox-list-storage lists them)" : wanted);
        co_return wanted;
    }
    auto it =
        std::find_if(storages->begin(), storages->end(), [&](const auto& s) { return s.storage == wanted; });
    const std::string what = fmt::format("storage {} on {} holds {}", quote_text(wanted), node, content);
    if (it == storages->end())
        plan.check(what, false,
                   fmt::format("{} has no such storage; with {}: {}", node, content, joined(fitting)));
    else if (!it->holds(content))
        plan.check(what, false,
                   fmt::format("it does not hold {}, only {}; with {}: {}", content_words(content),
                               joined(it->content), content, joined(fitting)));
    else if (it->raw.contains("active") && !it->active)
        plan.check(what, false, "it is not active on that node");
    else
        plan.check(what, true);
    co_return wanted;
}

asio::awaitable<outcome<std::optional<proxmox::storage_volume>>> find_volume(const tool_context& ctx,
                                                                             write_plan& plan,
                                                                             std::string node,
                                                                             std::string volid,
                                                                             std::string content,
                                                                             std::string what) {
    const auto node_h = ctx.client->node(node);
    std::vector<std::string> storages;
    if (auto colon = volid.find(':'); colon != std::string::npos) {
        storages.push_back(volid.substr(0, colon));
    } else { // a bare file name: every storage of the node holding that content
        proxmox::storage_filter holding;
        holding.content = content;
        auto list = co_await node_h.async_storages(holding, asio::use_awaitable);
        if (!list) {
            const std::string failed = fmt::format("Listing the storages of {} failed", node);
            co_return co_await node_failure(ctx, failed, node, list.error());
        }
        for (const auto& s : *list)
            storages.push_back(s.storage);
    }
    std::vector<std::string> seen;
    std::optional<proxmox::storage_volume> found;
    for (const auto& storage : storages) {
        const auto storage_h = node_h.storage(storage);
        proxmox::content_filter of_content;
        of_content.content = content;
        auto volumes = co_await storage_h.async_content(of_content, asio::use_awaitable);
        if (!volumes) {
            const auto e = volumes.error();
            if (e.http_status == 0 || e.code == proxmox::make_error_code(proxmox::errc::auth_failed) ||
                e.code == proxmox::make_error_code(proxmox::errc::permission_denied)) {
                const std::string failed =
                    fmt::format("Listing the {} volumes of {} failed", content, storage);
                co_return co_await node_failure(ctx, failed, node, e);
            }
            seen.push_back(fmt::format("(storage {}: {})", quote_text(storage), quote_text(e.message, 120)));
            continue; // e.g. no such storage: reported with the check below
        }
        for (const auto& v : *volumes) {
            if (v.volid == volid || (volid.find(':') == std::string::npos && file_of(v.volid) == volid)) {
                if (!found)
                    found = v;
            }
            seen.push_back(v.volid);
        }
    }
    std::sort(seen.begin(), seen.end(), std::greater<>());
    if (seen.size() > 5)
        seen.resize(5);
    plan.check(fmt::format("{} {} exists on {}", what, quote_text(volid), node), found.has_value(),
               found ? found->volid
                     : fmt::format("{} volumes there: {}{}", content, joined(seen), upload_hint(content)));
    co_return found;
}

asio::awaitable<void>
check_bridge(const tool_context& ctx, write_plan& plan, std::string node, std::string bridge) {
    const auto node_h = ctx.client->node(node);
    auto nets = co_await node_h.async_network(proxmox::network_filter::any_bridge, asio::use_awaitable);
    std::vector<std::string> bridges;
    if (nets)
        for (const auto& n : *nets)
            bridges.push_back(n.iface);
    const bool found = std::find(bridges.begin(), bridges.end(), bridge) != bridges.end();
    plan.check(fmt::format("bridge {} is on {}", quote_text(bridge), quote_text(node)), found,
               found  ? ""
               : nets ? fmt::format("bridges on {}: {}", quote_text(node), joined(bridges))
                      : fmt::format("could not list the node's bridges: {}", describe(nets.error())));
}

} // namespace proxmox::mcp::tools
