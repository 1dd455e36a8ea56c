#ifndef PROXMOX_MCP_TOOLS_CHECKS_HPP
#define PROXMOX_MCP_TOOLS_CHECKS_HPP

#include "tools/common.hpp"
#include "tools/outcome.hpp"
#include "tools/plan.hpp"

#include <proxmox/models/guest.hpp>
#include <proxmox/models/storage.hpp>

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

/// The live-state checks of the tools that create guests or place files (create, clone,
/// restore, upload): each records its result in the plan (a failed check stops the call before
/// any write, naming what to pass instead) and fails itself only when the cluster cannot be read.
namespace proxmox::mcp::tools {

/// The allow-lists for a guest a tool creates: its vmid inside PROXMOX_ALLOWED_VMIDS, and no
/// PROXMOX_ALLOWED_POOLS (a new guest is in no pool). nullopt = allowed. No request.
std::optional<tool_result> refuse_new_guest(const tool_context& ctx, proxmox::vmid_t vmid);

/// `not locked`: the guest holds no lock (a backup, migration, ... of it is running). No request.
void check_not_locked(write_plan& plan, const proxmox::guest_summary& g);

/// `node X is online` (`GET /nodes`); when it is not, or not in the cluster, the check names
/// the online nodes. Completes with whether it is online (node-scoped checks need it).
boost::asio::awaitable<outcome<bool>> check_node(const tool_context& ctx, write_plan& plan, std::string node);

/// The cluster's guests (`GET /cluster/resources?type=vm`).
boost::asio::awaitable<outcome<std::vector<proxmox::cluster_resource>>>
cluster_guests(const tool_context& ctx);

/// `vmid N is free`: when it is not, names the guest that has it and the lowest free vmid the
/// allow-list permits. Completes with whether it is free.
boost::asio::awaitable<outcome<bool>>
check_vmid_free(const tool_context& ctx, write_plan& plan, proxmox::vmid_t vmid);

/// The storage of `node` for `content` (images, rootdir, vztmpl, iso, backup): `wanted` checked
/// to exist there, hold that content and be active; without `wanted`, PROXMOX_DEFAULT_STORAGE
/// when it fits, else the node's first that does. Completes with the storage (`wanted` as given
/// when the check failed).
boost::asio::awaitable<outcome<std::string>> storage_for(
    const tool_context& ctx, write_plan& plan, std::string node, std::string wanted, std::string content);

/// `<what> <volid> exists on <node>`: the volume of `content` that `volid` names, a volume id
/// (`local:iso/x.iso`) or a file name on any storage of the node holding that content. When
/// missing, the check lists what is there. Completes with the volume found.
boost::asio::awaitable<outcome<std::optional<proxmox::storage_volume>>> find_volume(const tool_context& ctx,
                                                                                    write_plan& plan,
                                                                                    std::string node,
                                                                                    std::string volid,
                                                                                    std::string content,
                                                                                    std::string what);

/// `bridge B is on <node>`: when it is not, the check lists the node's bridges (or why they
/// could not be listed).
boost::asio::awaitable<void>
check_bridge(const tool_context& ctx, write_plan& plan, std::string node, std::string bridge);

} // namespace proxmox::mcp::tools

#endif
