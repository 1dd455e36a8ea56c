#ifndef PROXMOX_MCP_TOOL_REGISTRY_HPP
#define PROXMOX_MCP_TOOL_REGISTRY_HPP

#include "peer.hpp"

#include <proxmox/client.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace proxmox::mcp {

struct server_policy;

/// What a tool may do to the cluster. The session enforces the rules from it: read-only mode,
/// `confirm`, `dry_run` (see README "Safety").
enum class tool_safety {
    read,       ///< only GET requests
    write,      ///< changes the cluster; needs confirm: true
    destructive ///< may destroy data or state; needs confirm: true
};

/// A tool that can wait for the PVE task it starts: the session adds `wait`, `timeout` and
/// `poll_interval` to its input schema with these defaults.
struct wait_defaults {
    bool wait = false;
    std::int64_t timeout_seconds = 300;
    double poll_interval_seconds = 2.0;
};

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
    /// Content blocks (image, audio, resource, ...) sent instead of the default text block.
    boost::json::array content;

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

/// How a call of a write or destructive tool runs.
enum class call_mode {
    execute,    ///< confirm: true: send the writes
    preview,    ///< dry_run: true: check with GET requests, return the plan
    unconfirmed ///< neither: check, send no write, return an error showing the plan
};

/// `notifications/progress` for the running call: strictly increasing `progress`, `total` when
/// known. Empty when the client did not send a progress token.
using progress_sink = std::function<void(double progress, std::optional<double> total, std::string message)>;

/// What a handler gets besides its (validated) arguments.
struct tool_context {
    /// null only in tests of fake tools. In preview and unconfirmed calls this client refuses
    /// every non-GET request, so a handler cannot write by mistake.
    std::shared_ptr<const proxmox::client> client;
    tool_defaults defaults;
    /// Allow-lists and switches; null means the defaults (everything allowed, not read-only).
    std::shared_ptr<const server_policy> policy;
    call_mode mode = call_mode::execute;
    progress_sink progress;
    std::string tool;                   ///< the tool's name, for messages
    std::optional<wait_defaults> waits; ///< the tool's wait defaults, when it waits for tasks
    /// Log messages and requests to the client, tied to this call.
    call_peer peer;
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
    /// readOnlyHint and destructiveHint are derived from `safety` by tool_registry::add.
    tool_annotations annotations;
    tool_handler handler;
    tool_safety safety = tool_safety::read;
    std::optional<wait_defaults> waits;
    /// Listed and callable only when this switch of the policy is on (e.g. "guest_exec").
    std::string requires_switch;
    /// Publish input_schema exactly as written (`$schema`, `$defs`, bounds, additionalProperties)
    /// instead of the lean form.
    bool verbatim_schema = false;
    /// The family PROXMOX_TOOLSETS selects it by (toolsets.hpp); empty: always listed.
    std::string toolset;
};

/// The tools in registration order (which is also the tools/list order).
class tool_registry {
public:
    /// Throws std::invalid_argument for a duplicate or malformed name. Derives the read-only and
    /// destructive hints from `safety`; adds `confirm` and `dry_run` to the input schema of write
    /// and destructive tools and the wait arguments to tools with `waits`; lets a write tool's
    /// output be a preview (see tools/plan.hpp) too.
    void add(tool_def tool);
    const tool_def* find(std::string_view name) const noexcept;
    /// Puts the tools named in `names` first, in that order; the others keep theirs after them.
    void order_by(const std::vector<std::string_view>& names);
    /// Puts the tool `name` (if registered) into `toolset`.
    void set_toolset(std::string_view name, std::string_view toolset);
    const std::vector<tool_def>& tools() const noexcept { return tools_; }
    std::size_t size() const noexcept { return tools_.size(); }

private:
    std::vector<tool_def> tools_;
};

/// The MCP `Tool` object for a negotiated protocol version: no `title` / `outputSchema` before
/// 2025-06-18, no `annotations` before 2025-03-26. The schemas are published lean (every
/// client resends them to the model on every turn): types, enums, defaults, required and
/// descriptions, without the bounds (lengths, minimum/maximum, item counts,
/// additionalProperties) the server still enforces and names in its errors.
boost::json::object to_json(const tool_def& tool, std::string_view protocol_version);

/// An argument schema marked `"x-unlisted": true` is accepted and validated but left out of the
/// published schema (shared arguments the server's instructions explain once: dry_run, the
/// selector's node, wait/timeout/poll_interval with their usual defaults).
///
/// `schema` without the bound keywords (see to_json), at every depth.
boost::json::object published_schema(const boost::json::object& schema);

/// The CallToolResult for a negotiated protocol version (`structuredContent` from 2025-06-18).
boost::json::object to_json(const tool_result& result, std::string_view protocol_version);

/// 1..128 characters of [A-Za-z0-9_.-] (MCP 2025-11-25 guidance).
bool is_valid_tool_name(std::string_view name) noexcept;

} // namespace proxmox::mcp

#endif
