#ifndef PROXMOX_MCP_PVE_FEATURES_CLUSTER_CACHE_HPP
#define PROXMOX_MCP_PVE_FEATURES_CLUSTER_CACHE_HPP

#include "completion.hpp"
#include "tool_registry.hpp"

#include <proxmox/models/guest.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <vector>

namespace proxmox::mcp {
struct server_policy;
}

namespace proxmox::mcp::pve {

/// One `GET /cluster/resources` answer shared by completions for a few seconds: completing an
/// argument while the user types costs one request, not one per keystroke. Used on the server's
/// one thread only.
class cluster_cache {
public:
    explicit cluster_cache(std::chrono::milliseconds ttl = std::chrono::seconds(10)) : ttl_(ttl) {}

    /// The entries the policy's allow-lists let this server see (empty when the request fails).
    boost::asio::awaitable<std::vector<proxmox::cluster_resource>> entries(const tool_context& ctx);

private:
    std::chrono::milliseconds ttl_;
    std::chrono::steady_clock::time_point fetched_{};
    bool valid_ = false;
    std::vector<proxmox::cluster_resource> entries_;
};

/// Whether the policy's allow-lists let this server show `entry` (null policy: all).
bool visible(const server_policy* policy, const proxmox::cluster_resource& entry);

/// Completers from the cache: node names; guest vmids and names (templates only when asked);
/// storage names.
completer complete_nodes(std::shared_ptr<cluster_cache> cache);
completer complete_guests(std::shared_ptr<cluster_cache> cache, bool templates_only = false);
completer complete_storages(std::shared_ptr<cluster_cache> cache);

} // namespace proxmox::mcp::pve

#endif
