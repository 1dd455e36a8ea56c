#include "cluster_cache.hpp"
#include "policy.hpp"

#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <set>

namespace proxmox::mcp::pve {

namespace asio = boost::asio;

bool visible(const server_policy* policy, const proxmox::cluster_resource& r) {
    if (!policy)
        return true;
    if (!r.node.empty() && !policy->node_allowed(r.node))
        return false;
    if (r.is_guest())
        return r.vmid && !policy->refuse_guest(*r.vmid, r.node, r.pool);
    return true;
}

asio::awaitable<std::vector<proxmox::cluster_resource>> cluster_cache::entries(const tool_context& ctx) {
    auto now = std::chrono::steady_clock::now();
    if (!ctx.client)
        co_return std::vector<proxmox::cluster_resource>{};
    if (!valid_ || now - fetched_ > ttl_) {
        const auto cluster = ctx.client->cluster();
        auto answer = co_await cluster.async_resources(proxmox::resource_filter::all, asio::use_awaitable);
        if (!answer)
            co_return std::vector<proxmox::cluster_resource>{};
        entries_.clear();
        for (auto& r : *answer)
            if (visible(ctx.policy.get(), r))
                entries_.push_back(std::move(r));
        fetched_ = now;
        valid_ = true;
    }
    co_return entries_;
}

completer complete_nodes(std::shared_ptr<cluster_cache> cache) {
    return [cache](tool_context ctx, boost::json::object) -> asio::awaitable<std::vector<std::string>> {
        auto entries = co_await cache->entries(ctx);
        std::vector<std::string> names;
        for (const auto& r : entries)
            if (r.type == "node")
                names.push_back(r.node);
        std::sort(names.begin(), names.end());
        co_return names;
    };
}

completer complete_guests(std::shared_ptr<cluster_cache> cache, bool templates_only) {
    return [cache, templates_only](tool_context ctx,
                                   boost::json::object) -> asio::awaitable<std::vector<std::string>> {
        auto entries = co_await cache->entries(ctx);
        std::vector<proxmox::cluster_resource> guests;
        for (auto& r : entries)
            if (r.is_guest() && r.vmid && (!templates_only || r.is_template))
                guests.push_back(std::move(r));
        std::sort(guests.begin(), guests.end(),
                  [](const auto& a, const auto& b) { return *a.vmid < *b.vmid; });
        std::vector<std::string> values;
        for (const auto& g : guests) // a vmid or a name completes the argument
            values.push_back(std::to_string(*g.vmid));
        for (const auto& g : guests)
            if (!g.name.empty())
                values.push_back(g.name);
        co_return values;
    };
}

completer complete_storages(std::shared_ptr<cluster_cache> cache) {
    return [cache](tool_context ctx, boost::json::object) -> asio::awaitable<std::vector<std::string>> {
        auto entries = co_await cache->entries(ctx);
        std::set<std::string> names;
        for (const auto& r : entries)
            if (r.type == "storage" && !r.storage.empty())
                names.insert(r.storage);
        co_return std::vector<std::string>(names.begin(), names.end());
    };
}

} // namespace proxmox::mcp::pve
