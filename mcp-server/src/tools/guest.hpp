#ifndef PROXMOX_MCP_TOOLS_GUEST_HPP
#define PROXMOX_MCP_TOOLS_GUEST_HPP

#include "tools/common.hpp"
#include "tools/outcome.hpp"

#include <proxmox/models/guest.hpp>
#include <proxmox/models/lxc_config.hpp>
#include <proxmox/models/qemu_config.hpp>

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

/// The guest selector (`vmid` | `name`, optional `node`) and node arguments: schema, resolution
/// against the live cluster with one request, allow-list checks, errors that name the fix.
namespace proxmox::mcp::tools {

/// `vmid`, `name`, `node` properties (no descriptions: the instructions explain the selector;
/// `node` is accepted but not listed).
json::object selector_props();
/// `a` with the properties of `b` added.
json::object merged(json::object a, const json::object& b);

/// Resolves the selector with one `GET /cluster/resources?type=vm`. `type` restricts the search
/// (a vmid of the other type is an error naming the tool for it). Checks the allow-lists.
boost::asio::awaitable<outcome<proxmox::guest_summary>>
resolve_guest(const tool_context& ctx, const json::object& args, std::optional<proxmox::guest_type> type);

/// The guest's config (`GET /nodes/{node}/qemu|lxc/{vmid}/config`); the failure names the guest.
boost::asio::awaitable<outcome<proxmox::qemu_config>> read_qemu_config(const tool_context& ctx,
                                                                       const proxmox::guest_summary& g);
boost::asio::awaitable<outcome<proxmox::lxc_config>> read_lxc_config(const tool_context& ctx,
                                                                     const proxmox::guest_summary& g);

/// The node argument `key`, or PROXMOX_DEFAULT_NODE; checks the allow-list. No request.
outcome<std::string>
node_argument(const tool_context& ctx, const json::object& args, std::string_view key = "node");

/// The cluster's nodes (`GET /nodes`), for checks and messages.
boost::asio::awaitable<outcome<std::vector<proxmox::node_summary>>> cluster_nodes(const tool_context& ctx);

/// After a node-scoped call failed with `e`: the cluster's node names when `node` is not among
/// them (one `GET /nodes`), nullopt when it is or `e` cannot mean that (auth, permissions).
boost::asio::awaitable<std::optional<std::vector<std::string>>>
nodes_without(const tool_context& ctx, std::string_view node, const proxmox::error& e);

/// A failed node-scoped call: when `node` is not in the cluster, says so and lists the nodes
/// (PVE answers a raw "hostname lookup failed"); otherwise failure(what, e).
boost::asio::awaitable<tool_result>
node_failure(const tool_context& ctx, std::string_view what, std::string_view node, const proxmox::error& e);

/// `vmid`, `node`, `name` of the guest: how a write tool's answer names it.
json::object guest_out(const proxmox::guest_summary& g);

/// "VM" or "container".
std::string_view kind_name(proxmox::guest_type type);
/// `VM 100 (web01) on pve`.
std::string guest_label(const proxmox::guest_summary& g);
/// The tool that lists guests of this type.
std::string_view list_tool(proxmox::guest_type type);

} // namespace proxmox::mcp::tools

#endif
