#ifndef PROXMOX_MCP_SESSION_HPP
#define PROXMOX_MCP_SESSION_HPP

#include "audit.hpp"
#include "peer.hpp"
#include "prompts.hpp"
#include "resources.hpp"
#include "tool_registry.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace proxmox::mcp {

/// What `initialize` tells the client about this server.
struct server_identity {
    std::string name = "proxmox-mcp";
    std::string version;
    std::string title = "Proxmox VE";
    std::string instructions;
};

/// One cluster of several (PROXMOX_PROFILES): what a call that names it runs with.
struct cluster_binding {
    tool_context context;
    std::shared_ptr<const proxmox::client> preview_client; ///< see session_options
    std::string unavailable;                               ///< see session_options
};

struct session_options {
    /// Tools per tools/list page: all of them fit in one.
    std::size_t page_size = 100;
    /// After stdin EOF, calls still running get this long to answer before they are cancelled.
    /// Every call is bounded by its own timeouts (API calls, task waits of at most a day), so by
    /// default they all finish and answer.
    std::chrono::milliseconds eof_grace{std::chrono::hours(25)};
    /// Tool calls running at once; more are refused with jsonrpc::server_busy.
    std::size_t max_calls = 4096;
    /// The client for preview and unconfirmed calls of write tools: it refuses every non-GET
    /// request (write_guard.hpp). Null: such calls use the context's client.
    std::shared_ptr<const proxmox::client> preview_client;
    /// Receives one line per executed call of a write or destructive tool. Empty: no audit.
    audit_sink audit;
    /// When not empty, the server cannot reach a cluster (e.g. its configuration is missing or
    /// malformed): tools are listed, and every tools/call answers this message as its error.
    std::string unavailable;
    /// Resources and prompts; null or empty: the capability is not declared.
    std::shared_ptr<const resource_registry> resources;
    std::shared_ptr<const prompt_registry> prompts;
    /// Log messages (notifications/message) below this level are not sent until the client
    /// chooses a level with logging/setLevel.
    log_level default_log_level = log_level::warning;
    /// How long a request to the client may wait for its answer (a person answers elicitations).
    std::chrono::milliseconds client_request_timeout{std::chrono::minutes(10)};
    /// A write called without confirm asks the user (elicitation) when the client can.
    bool ask_to_confirm = true;
    /// Resource subscriptions at once per session.
    std::size_t max_subscriptions = 64;
    /// Several clusters (PROXMOX_PROFILES), by name, the default one included: a tools/call whose
    /// arguments hold `cluster: NAME` runs with that cluster's binding; without it, with the
    /// session's context. Empty: one cluster, and a `cluster` argument is refused.
    std::map<std::string, cluster_binding, std::less<>> clusters;
};

/// One message from the session to the client, with the client request it belongs to, so a
/// transport that answers each request on its own stream (Streamable HTTP) can route it.
struct outgoing_message {
    /// One JSON-RPC message without a newline. Empty only when `ends_request` is set and the
    /// request ends without a response (a cancelled call).
    std::string line;
    /// jsonrpc::id_key of the client request this message belongs to: its response, and the
    /// progress, log messages and requests to the client sent while it runs. Empty: none.
    std::string related;
    /// The last message for `related`: its response, or its end without one.
    bool ends_request = false;
    /// With an empty `line`: the call asks its transport to close the stream of `related` now
    /// and keep what follows for the client to resume (SSE polling, SEP-1699). A transport
    /// without resumable streams ignores it.
    bool close_stream = false;
};

/// One MCP session: JSON-RPC dispatch, lifecycle and version negotiation, tools/list with
/// pagination, tools/call as concurrent coroutines with cancellation, logging, resources (with
/// subscriptions), prompts, completions, and requests to the client (elicitation).
///
/// All member functions must be called on the executor's thread (the server runs one thread);
/// `out` receives whole JSON lines (without the newline) from that thread.
class session {
public:
    using line_sink = std::function<void(std::string)>;
    using message_sink = std::function<void(outgoing_message)>;

    /// For a channel that carries every message on one stream (stdio).
    session(boost::asio::any_io_executor executor,
            const tool_registry& tools,
            tool_context context,
            line_sink out,
            server_identity identity,
            session_options options = {});
    /// For a transport that routes messages by the request they belong to.
    session(boost::asio::any_io_executor executor,
            const tool_registry& tools,
            tool_context context,
            message_sink out,
            server_identity identity,
            session_options options = {});
    ~session();
    session(const session&) = delete;
    session& operator=(const session&) = delete;

    /// One line read from the client (a trailing `\r` is ignored): one message, or a batch where
    /// the negotiated version allows them.
    void on_line(std::string_view line);
    /// A line longer than the channel accepts was dropped.
    void on_oversized_line();
    /// The client closed its side: finish running calls within `eof_grace`, then finish.
    void on_input_closed();
    /// Sends `notifications/message` tied to no request, when the client wants this level (the
    /// SDK's retries and logins while calls run).
    void log_to_client(log_level level, boost::json::value data);
    /// Cancels every running call (their responses are suppressed) and finishes at once.
    void shutdown();
    /// Called once when the session is done (after input closed and calls ended, or shutdown).
    void set_on_finished(std::function<void()> callback);

    /// The negotiated version; empty before `initialize`.
    const std::string& protocol_version() const noexcept;
    /// `notifications/initialized` was received.
    bool client_initialized() const noexcept;
    std::size_t calls_in_flight() const noexcept;
    bool finished() const noexcept;

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

} // namespace proxmox::mcp

#endif
