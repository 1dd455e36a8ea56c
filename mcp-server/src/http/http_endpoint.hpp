#ifndef PROXMOX_MCP_HTTP_ENDPOINT_HPP
#define PROXMOX_MCP_HTTP_ENDPOINT_HPP

#include "http/http_guard.hpp"
#include "http/response_channel.hpp"
#include "session.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace proxmox::mcp {

/// Makes the MCP session of a new Mcp-Session-Id; the session must send every message to `sink`.
using session_factory = std::function<std::unique_ptr<session>(session::message_sink sink)>;

/// What the connection writes for one request.
struct http_reply {
    /// The whole response; or, with `stream`, its head (status and headers; a `single` stream's
    /// status and body come from the channel).
    boost::beast::http::response<boost::beast::http::string_body> message;
    std::shared_ptr<response_channel> stream;
};

struct http_endpoint_options {
    /// Accept only Host headers naming loopback (the server listens on loopback).
    bool loopback_only = true;
    /// Required as `Authorization: Bearer <token>` when not empty.
    std::string token;
    /// Origins accepted besides http(s)://localhost, 127.0.0.1 and [::1].
    std::vector<web_origin> allowed_origins;
    std::size_t max_sessions = 64;
    std::size_t max_body = std::size_t{4} << 20;
    /// A session without a request and without an open stream this long is ended.
    std::chrono::milliseconds session_idle_timeout{std::chrono::minutes(30)};
    /// Bytes of SSE events that may wait for a client that does not read.
    std::size_t max_stream_backlog = std::size_t{16} << 20;
    /// The reconnection delay (`retry:`) in the priming event that starts each SSE stream for
    /// clients of protocol 2025-11-25 and later.
    std::chrono::milliseconds sse_retry{std::chrono::seconds(1)};
    /// Bytes of SSE event data each session keeps so a client can resume a stream (event_log.hpp);
    /// beyond it the oldest events are dropped.
    std::size_t event_log_bytes = std::size_t{4} << 20;
    /// How long the events of a stream stay once its request ended and its last event was
    /// delivered (an event of the GET stream: once it was delivered).
    std::chrono::milliseconds event_log_linger{std::chrono::seconds(30)};
};

/// The MCP endpoint `/mcp` of the Streamable HTTP transport (MCP 2025-11-25
/// basic/transports#streamable-http): the checks every request passes (Host, Origin, bearer
/// token, path, method, headers), the session table (one MCP session per Mcp-Session-Id, made by
/// the factory), and the routing of each session's messages to the response of the request they
/// belong to, the session's GET stream, or nowhere.
///
/// SSE streams are resumable (basic/transports#resumability-and-redelivery): each session logs
/// the events of its streams (event_log.hpp), every event id names its stream, and a GET with
/// `Last-Event-ID` replays that stream after the id and goes on with it. For clients of 2025-11-25
/// and later, each stream starts with a priming event (an id, `retry:`, empty data), and a call
/// may close its stream early (outgoing_message::close_stream; SSE polling) and go on: the client
/// reconnects and gets the rest. No I/O: http_connection reads and writes. Single-threaded (the
/// server's io_context thread).
class http_endpoint {
public:
    http_endpoint(boost::asio::any_io_executor executor,
                  http_endpoint_options options,
                  session_factory factory);
    ~http_endpoint(); ///< ends every session
    http_endpoint(const http_endpoint&) = delete;
    http_endpoint& operator=(const http_endpoint&) = delete;

    /// The checks that need only the head, in this order: Host and Origin (403), the bearer token
    /// (401), path (404), method (405), MCP-Protocol-Version (400), and for POST Content-Type
    /// (415), Content-Length (413) and Accept (406). A refusal, or nothing (read the body).
    std::optional<http_reply> check_head(const boost::beast::http::request_header<>& head);
    /// A request whose head passed check_head, with its body.
    http_reply handle(const boost::beast::http::request<boost::beast::http::string_body>& request);
    /// The body was longer than max_body (a chunked body found out while reading).
    http_reply body_too_large() const;
    /// The request could not be parsed as HTTP.
    http_reply malformed_request() const;
    /// The request head was too large.
    http_reply head_too_large() const;

    /// Ends every session and refuses new ones (server shutdown).
    void close();
    std::size_t session_count() const noexcept;

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

} // namespace proxmox::mcp

#endif
