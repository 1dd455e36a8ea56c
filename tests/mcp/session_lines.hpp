// The in-process session tests' reading side: the session writes each message as one line into
// a queue; a test runs the io_context until the next one is there.
#ifndef PROXMOX_TESTS_MCP_SESSION_LINES_HPP
#define PROXMOX_TESTS_MCP_SESSION_LINES_HPP

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <string>

namespace proxmox::mcp::testing {

/// Runs `io` until `lines` holds a line (or `timeout` passes) and returns the first one parsed,
/// removed from `lines`; null on timeout. A line is one message: it holds no newline.
inline boost::json::value
next_line(boost::asio::io_context& io, std::deque<std::string>& lines, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (lines.empty() && std::chrono::steady_clock::now() < deadline) {
        io.restart();
        io.run_for(std::chrono::milliseconds(5));
    }
    if (lines.empty())
        return nullptr;
    auto line = lines.front();
    lines.pop_front();
    EXPECT_EQ(line.find('\n'), std::string::npos);
    return boost::json::parse(line);
}

} // namespace proxmox::mcp::testing

#endif
