#ifndef PROXMOX_MCP_PVE_FEATURES_PVE_FEATURES_HPP
#define PROXMOX_MCP_PVE_FEATURES_PVE_FEATURES_HPP

#include "cluster_cache.hpp"
#include "prompts.hpp"
#include "resources.hpp"

#include <chrono>
#include <memory>

/// What proxmox-mcp offers besides tools: resources (the cluster, node status, guest config, task
/// status and logs, with subscriptions to running tasks), prompts for common workflows, and
/// completion of their arguments.
namespace proxmox::mcp::pve {

struct resource_options {
    /// How often a subscription to a running task polls it.
    std::chrono::milliseconds task_poll{std::chrono::seconds(2)};
};

resource_registry make_resources(std::shared_ptr<cluster_cache> cache, resource_options options = {});
prompt_registry make_prompts(std::shared_ptr<cluster_cache> cache);

} // namespace proxmox::mcp::pve

#endif
