#ifndef PROXMOX_MCP_HTTP_SERVER_HPP
#define PROXMOX_MCP_HTTP_SERVER_HPP

#include "config.hpp"
#include "http/http_endpoint.hpp"
#include "http/http_guard.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace proxmox::mcp {

/// What one client may hold and how long it may take.
struct http_limits {
    std::size_t max_sessions = 64;
    std::size_t max_connections = 256;
    std::size_t max_body = std::size_t{4} << 20;
    std::size_t max_header = std::size_t{16} << 10;
    /// A request's head, and then its body, within this; also the keep-alive wait between requests.
    std::chrono::milliseconds read_timeout{std::chrono::seconds(30)};
    /// Each write within this.
    std::chrono::milliseconds write_timeout{std::chrono::seconds(30)};
    /// A comment on every SSE stream without events for this long.
    std::chrono::milliseconds keepalive_interval{std::chrono::seconds(15)};
    /// A session without a request and without an open stream this long is ended.
    std::chrono::milliseconds session_idle_timeout{std::chrono::minutes(30)};
    /// Bytes of SSE events that may wait for a client that does not read.
    std::size_t max_stream_backlog = std::size_t{16} << 20;
    /// The reconnection delay (`retry:`) in the priming event of each SSE stream (clients of
    /// protocol 2025-11-25 and later).
    std::chrono::milliseconds sse_retry{std::chrono::seconds(1)};
    /// Bytes of SSE events each session keeps for clients that resume a stream (GET with
    /// Last-Event-ID); the oldest are dropped beyond it.
    std::size_t event_log_bytes = std::size_t{4} << 20;
    /// How long a stream's events stay once its request ended and its last event was delivered.
    std::chrono::milliseconds event_log_linger{std::chrono::seconds(30)};
};

struct http_server_options {
    /// Where to listen; port 0 picks a free one (see http_server::local_endpoint).
    boost::asio::ip::tcp::endpoint endpoint{boost::asio::ip::make_address("127.0.0.1"), 0};
    /// Required as `Authorization: Bearer <token>` when not empty (PROXMOX_MCP_HTTP_TOKEN).
    std::string token;
    /// Origins accepted besides http(s)://localhost, 127.0.0.1 and [::1]
    /// (PROXMOX_MCP_HTTP_ALLOWED_ORIGINS).
    std::vector<web_origin> allowed_origins;
    http_limits limits;
};

/// `--http ADDR:PORT` with PROXMOX_MCP_HTTP_TOKEN and PROXMOX_MCP_HTTP_ALLOWED_ORIGINS from
/// `env`, checked: an unusable address, token or origin list, or listening beyond loopback
/// without a token, is an error that names the fix.
struct http_options_result {
    std::optional<http_server_options> options;
    std::string error;
};
http_options_result http_options_from(std::string_view listen, const env_lookup& env);

/// MCP over Streamable HTTP (MCP 2025-11-25 basic/transports#streamable-http) on one endpoint,
/// `/mcp`: every Mcp-Session-Id is one MCP session made by `factory`. Runs on `executor`, which
/// must be the (single) thread the sessions run on; call the member functions on that thread
/// (or before it runs).
///
/// A test or fixture program serves its own tools with it:
///
///     http_server server(io.get_executor(), options, [&](session::message_sink sink) {
///         return std::make_unique<session>(io.get_executor(), registry, context, std::move(sink), identity);
///     });
///     if (auto error = server.start(); !error.empty()) ...
///     server.local_endpoint().port(); // the port, when options.endpoint asked for 0
class http_server {
public:
    http_server(boost::asio::any_io_executor executor, http_server_options options, session_factory factory);
    ~http_server(); ///< stop()
    http_server(const http_server&) = delete;
    http_server& operator=(const http_server&) = delete;

    /// Binds and listens. Empty on success, else why not (e.g. the address is in use).
    std::string start();
    /// Closes the listener and every connection, and ends every session. Idempotent.
    void stop();

    /// The bound address (after start).
    boost::asio::ip::tcp::endpoint local_endpoint() const;
    /// `http://ADDR:PORT/mcp` (after start).
    std::string url() const;
    std::size_t session_count() const noexcept;
    std::size_t connection_count() const noexcept;

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

} // namespace proxmox::mcp

#endif
