#ifndef PROXMOX_MCP_TOOL_REGISTRY_HPP
#define PROXMOX_MCP_TOOL_REGISTRY_HPP

#include <proxmox/client.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace proxmox::mcp {

/// MCP `ToolAnnotations`; every tool sets all four hints explicitly.
struct tool_annotations {
    bool read_only = false;  ///< readOnlyHint: does not modify its environment
    bool destructive = true; ///< destructiveHint: may destroy (only meaningful when not read-only)
    bool idempotent = false; ///< idempotentHint: repeating the call has no further effect
    bool open_world = true;  ///< openWorldHint: talks to an external system (the PVE cluster)
};

/// What a tool call produced: structured content on success, a message when `is_error`.
struct tool_result {
    bool is_error = false;
    boost::json::object structured; ///< success: matches the tool's outputSchema
    std::string message;            ///< is_error: what failed and how to fix it
    boost::json::object details;    ///< is_error: optional facts (upid, exit status, ...)

    static tool_result success(boost::json::object structured);
    static tool_result failure(std::string message, boost::json::object details = {});

    /// The text content block: the structured JSON, or the message (+ details as JSON).
    std::string text() const;
};

/// Defaults from the configuration (PROXMOX_DEFAULT_*); never holds a secret.
struct tool_defaults {
    std::string node;
    std::string storage;
    std::string bridge;
};

/// What a handler gets besides its (validated) arguments.
struct tool_context {
    std::shared_ptr<const proxmox::client> client; ///< null only in tests of fake tools
    tool_defaults defaults;
};

/// A tool handler: a coroutine on the server's io_context. Arguments were validated against
/// the inputSchema before the call. Cancellation (notifications/cancelled, shutdown) arrives as
/// Asio terminal cancellation of the coroutine.
using tool_handler = std::function<boost::asio::awaitable<tool_result>(tool_context, boost::json::object)>;

/// One tool, as data: everything tools/list, the docs and the tests read.
struct tool_def {
    std::string name;
    std::string title;
    std::string description;
    boost::json::object input_schema;  ///< root `type: object`, `additionalProperties: false`
    boost::json::object output_schema; ///< root `type: object`
    tool_annotations annotations;
    tool_handler handler;
};

/// The tools in registration order (which is also the tools/list order).
class tool_registry {
public:
    /// Throws std::invalid_argument for a duplicate or malformed name.
    void add(tool_def tool);
    const tool_def* find(std::string_view name) const noexcept;
    const std::vector<tool_def>& tools() const noexcept { return tools_; }
    std::size_t size() const noexcept { return tools_.size(); }

private:
    std::vector<tool_def> tools_;
};

/// The MCP `Tool` object for a negotiated protocol version: no `title` / `outputSchema` before
/// 2025-06-18, no `annotations` before 2025-03-26.
boost::json::object to_json(const tool_def& tool, std::string_view protocol_version);

/// The CallToolResult for a negotiated protocol version (`structuredContent` from 2025-06-18).
boost::json::object to_json(const tool_result& result, std::string_view protocol_version);

/// 1..128 characters of [A-Za-z0-9_.-] (MCP 2025-11-25 guidance).
bool is_valid_tool_name(std::string_view name) noexcept;

} // namespace proxmox::mcp

#endif
