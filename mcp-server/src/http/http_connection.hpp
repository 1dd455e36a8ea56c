#ifndef PROXMOX_MCP_HTTP_CONNECTION_HPP
#define PROXMOX_MCP_HTTP_CONNECTION_HPP

#include "http/http_endpoint.hpp"
#include "http/response_channel.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

namespace proxmox::mcp {

/// The I/O limits of one connection.
struct http_connection_limits {
    std::size_t max_header = std::size_t{16} << 10;
    std::size_t max_body = std::size_t{4} << 20;
    /// A request's head, and then its body, must arrive within this (also the keep-alive wait
    /// for the next request).
    std::chrono::milliseconds read_timeout{std::chrono::seconds(30)};
    /// Each write must complete within this (a client that stops reading is dropped).
    std::chrono::milliseconds write_timeout{std::chrono::seconds(30)};
    /// An SSE stream without events gets a comment this often.
    std::chrono::milliseconds keepalive_interval{std::chrono::seconds(15)};
};

/// One HTTP/1.1 connection to the MCP endpoint: reads requests one after the other (keep-alive),
/// asks the endpoint, and writes plain replies, single JSON replies that arrive later, and SSE
/// streams (chunked) with keep-alive comments. A disconnect while a reply waits or streams gives
/// the reply's channel up; the session goes on.
class http_connection : public std::enable_shared_from_this<http_connection> {
public:
    http_connection(boost::asio::ip::tcp::socket socket,
                    std::shared_ptr<http_endpoint> endpoint,
                    http_connection_limits limits,
                    std::function<void()> on_closed);
    http_connection(const http_connection&) = delete;
    http_connection& operator=(const http_connection&) = delete;

    /// Serves requests until the client closes, a limit is hit or stop().
    void start();
    /// Closes the connection now (server shutdown).
    void stop();

private:
    boost::asio::awaitable<void> run();
    boost::asio::awaitable<bool> read_and_answer();
    boost::asio::awaitable<bool> write_reply(http_reply& reply, bool keep_alive);
    boost::asio::awaitable<bool> write_events(http_reply& reply, bool keep_alive);
    boost::asio::awaitable<bool> write_single(http_reply& reply, bool keep_alive);
    enum class write_mode { raw, chunk, last_chunk };
    boost::asio::awaitable<bool> write_bytes(std::string_view bytes, write_mode mode);
    /// After a refusal with the body unread: reads and drops it for a moment, so the client gets
    /// to read the refusal.
    boost::asio::awaitable<void> drain();
    /// Gives `channel` up when the client closes its side while the reply is pending.
    void watch(std::shared_ptr<response_channel> channel);
    void unwatch();
    void close();

    boost::beast::tcp_stream stream_;
    boost::beast::flat_buffer buffer_;
    std::shared_ptr<http_endpoint> endpoint_;
    http_connection_limits limits_;
    std::function<void()> on_closed_;
    std::shared_ptr<response_channel> current_;
    bool stopped_ = false;
};

} // namespace proxmox::mcp

#endif
