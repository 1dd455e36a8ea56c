// A small blocking HTTP/1.1 client for the Streamable HTTP tests (Beast over a socket, every call
// bounded by a timeout), and a reader of SSE bodies.
#ifndef PROXMOX_TESTS_MCP_HTTP_TEST_CLIENT_HPP
#define PROXMOX_TESTS_MCP_HTTP_TEST_CLIENT_HPP

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <string>
#include <vector>

namespace proxmox::mcp::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

struct sse_event {
    std::string id;
    std::string event;
    std::string data;
    std::string retry;
};

/// The events of an SSE body (comments left out); with `priming`, also the events without data
/// (a priming event: an id, `retry:` and an empty `data:`).
inline std::vector<sse_event> parse_sse(const std::string& body, bool priming = false) {
    std::vector<sse_event> out;
    std::size_t pos = 0;
    while (pos < body.size()) {
        auto end = body.find("\n\n", pos);
        std::string block = body.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
        pos = end == std::string::npos ? body.size() : end + 2;
        sse_event e;
        bool any = false;
        std::size_t line_start = 0;
        while (line_start <= block.size()) {
            auto nl = block.find('\n', line_start);
            std::string line =
                block.substr(line_start, nl == std::string::npos ? std::string::npos : nl - line_start);
            line_start = nl == std::string::npos ? block.size() + 1 : nl + 1;
            if (line.rfind("id: ", 0) == 0) {
                e.id = line.substr(4);
                any = true;
            } else if (line.rfind("event: ", 0) == 0) {
                e.event = line.substr(7);
                any = true;
            } else if (line.rfind("data: ", 0) == 0) {
                e.data += line.substr(6);
                any = true;
            } else if (line.rfind("retry: ", 0) == 0) {
                e.retry = line.substr(7);
                any = true;
            }
        }
        if (any && (priming || !e.data.empty()))
            out.push_back(std::move(e));
    }
    return out;
}

/// One client connection (keep-alive) with blocking calls bounded by a timeout.
class client {
public:
    explicit client(unsigned short port) : port_(port), stream_(ioc_) {
        stream_.expires_after(5s);
        stream_.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                              [this](beast::error_code ec) { connect_error_ = ec; });
        pump();
    }

    http::request<http::string_body>
    post(const std::string& body,
         const std::string& session = {},
         const std::string& accept = "application/json, text/event-stream") const {
        http::request<http::string_body> req{http::verb::post, "/mcp", 11};
        req.set(http::field::host, "127.0.0.1:" + std::to_string(port_));
        req.set(http::field::content_type, "application/json");
        if (!accept.empty())
            req.set(http::field::accept, accept);
        if (!session.empty())
            req.set("Mcp-Session-Id", session);
        req.body() = body;
        req.prepare_payload();
        return req;
    }

    http::request<http::string_body> bare(http::verb verb, const std::string& session = {}) const {
        http::request<http::string_body> req{verb, "/mcp", 11};
        req.set(http::field::host, "127.0.0.1:" + std::to_string(port_));
        if (!session.empty())
            req.set("Mcp-Session-Id", session);
        req.prepare_payload();
        return req;
    }

    /// Sends `req` and reads the whole response (an SSE body up to its end).
    http::response<http::string_body> send(http::request<http::string_body> req,
                                           std::chrono::milliseconds timeout = 10s) {
        write(req, timeout);
        return read(timeout);
    }

    void write(http::request<http::string_body>& req, std::chrono::milliseconds timeout = 10s) {
        EXPECT_TRUE(try_write(req, timeout));
    }

    /// Writes `req`; false when the server closed the connection.
    bool try_write(http::request<http::string_body>& req, std::chrono::milliseconds timeout = 10s) {
        beast::error_code ec;
        stream_.expires_after(timeout);
        http::async_write(stream_, req, [&](beast::error_code e, std::size_t) { ec = e; });
        pump();
        return !ec;
    }

    http::response<http::string_body> read(std::chrono::milliseconds timeout = 10s) {
        beast::error_code ec;
        http::response_parser<http::string_body> parser;
        parser.body_limit(boost::none);
        stream_.expires_after(timeout);
        http::async_read(stream_, buffer_, parser, [&](beast::error_code e, std::size_t) { ec = e; });
        pump();
        last_error_ = ec;
        EXPECT_FALSE(ec) << ec.message();
        return parser.release();
    }

    /// Writes raw bytes.
    void write_raw(const std::string& bytes) {
        beast::error_code ec;
        stream_.expires_after(5s);
        asio::async_write(stream_, asio::buffer(bytes), [&](beast::error_code e, std::size_t) { ec = e; });
        pump();
        EXPECT_FALSE(ec) << ec.message();
    }

    /// Reads raw bytes until `text` arrived (true), the peer closed or `timeout` passed (false).
    bool read_until(const std::string& text, std::chrono::milliseconds timeout = 5s) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (raw_.find(text) == std::string::npos) {
            auto left = deadline - std::chrono::steady_clock::now();
            if (left <= 0s)
                return false;
            std::array<char, 4096> chunk{};
            beast::error_code ec;
            std::size_t n = 0;
            stream_.expires_after(std::chrono::duration_cast<std::chrono::milliseconds>(left));
            stream_.async_read_some(asio::buffer(chunk), [&](beast::error_code e, std::size_t got) {
                ec = e;
                n = got;
            });
            pump();
            raw_.append(chunk.data(), n);
            if (ec) {
                last_error_ = ec;
                return raw_.find(text) != std::string::npos;
            }
        }
        return true;
    }

    /// The peer closed the connection within `timeout` (reading anything it still sends).
    bool closed_by_peer(std::chrono::milliseconds timeout = 5s) {
        read_until("\x01never\x02", timeout);
        return last_error_ == http::error::end_of_stream || last_error_ == asio::error::eof ||
               last_error_ == asio::error::connection_reset;
    }

    const std::string& raw() const { return raw_; }
    beast::error_code connect_error() const { return connect_error_; }
    void close() {
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
        stream_.close();
    }

private:
    void pump() {
        ioc_.restart();
        ioc_.run();
    }

    unsigned short port_;
    asio::io_context ioc_;
    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::string raw_;
    beast::error_code connect_error_;
    beast::error_code last_error_;
};

} // namespace proxmox::mcp::testing

#endif
