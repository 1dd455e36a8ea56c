#ifndef PROXMOX_MCP_FEATURE_REQUESTS_HPP
#define PROXMOX_MCP_FEATURE_REQUESTS_HPP

#include "prompts.hpp"
#include "resources.hpp"
#include "rpc_outcome.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

/// The requests of the resources, prompts and completions features, each answered from the
/// registries: the session checks the lifecycle and runs them as cancellable calls.
namespace proxmox::mcp {

/// MCP's "resource not found" (2025-06-18 … 2025-11-25).
inline constexpr int resource_not_found = -32002;

/// `resources/read {uri}`.
boost::asio::awaitable<rpc_outcome>
read_resource(const resource_registry& resources, tool_context context, boost::json::object params);

/// `prompts/get {name, arguments}`.
boost::asio::awaitable<rpc_outcome>
get_prompt(const prompt_registry& prompts, tool_context context, boost::json::object params);

/// `completion/complete {ref, argument, context}`; either registry may be null.
boost::asio::awaitable<rpc_outcome> complete_argument(const resource_registry* resources,
                                                      const prompt_registry* prompts,
                                                      tool_context context,
                                                      boost::json::object params);

/// The `uri` parameter of resources/read, subscribe and unsubscribe, or an invalid-params outcome.
struct uri_param {
    std::string uri;
    std::optional<rpc_outcome> problem;
};
uri_param read_uri_param(const boost::json::object& params);

} // namespace proxmox::mcp

#endif
