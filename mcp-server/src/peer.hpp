#ifndef PROXMOX_MCP_PEER_HPP
#define PROXMOX_MCP_PEER_HPP

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace proxmox::mcp {

/// MCP logging levels (RFC 5424 order, least severe first).
enum class log_level { debug, info, notice, warning, error, critical, alert, emergency };

std::optional<log_level> parse_log_level(std::string_view name) noexcept;
std::string_view to_string(log_level level) noexcept;

/// What the client answered to a request the server sent it.
struct client_answer {
    bool ok = false;
    boost::json::value result; ///< ok: the result object
    std::string error;         ///< not ok: why there is no result (client error, timeout, cancelled)
};

/// The client as a running call sees it: log messages (`notifications/message`) and requests to
/// the client (`elicitation/create`, `sampling/createMessage`), both tied to the call so a
/// transport with one stream per request sends them on the call's stream. Every member is empty
/// in tests of fake tools; then nothing is sent.
struct call_peer {
    /// Would a message at this level reach the client (the level it set with logging/setLevel)?
    std::function<bool(log_level)> wants;
    /// Sends `notifications/message` when wanted; `data` is any JSON (usually a string).
    std::function<void(log_level, boost::json::value data)> log;
    /// Sends a request to the client and waits for its answer (at most `timeout`). Cancelling the
    /// call cancels the request (notifications/cancelled).
    std::function<boost::asio::awaitable<client_answer>(
        std::string method, boost::json::object params, std::chrono::milliseconds timeout)>
        request;
    /// Closes the call's stream on a transport that resumes streams (the client reconnects and
    /// receives the rest); nothing elsewhere.
    std::function<void()> close_stream;
    /// The capabilities the client declared in `initialize` (elicitation, sampling, roots).
    boost::json::object capabilities;
    /// The negotiated protocol version.
    std::string version;

    bool supports(std::string_view capability) const { return capabilities.contains(capability); }
    void send_log(log_level level, boost::json::value data) const {
        if (log && wants && wants(level))
            log(level, std::move(data));
    }
};

} // namespace proxmox::mcp

#endif
