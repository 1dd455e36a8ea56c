#include "stdio_channel.hpp"

#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace proxmox::mcp;
using namespace std::chrono_literals;

namespace {
struct collected {
    std::vector<std::string> lines;
    int oversized = 0;
    bool eof = false;
};

line_reader::callbacks callbacks_for(collected& c) {
    return {.on_line = [&c](std::string l) { c.lines.push_back(std::move(l)); },
            .on_oversized = [&c] { ++c.oversized; },
            .on_eof = [&c] { c.eof = true; }};
}

void run_until(boost::asio::io_context& io, const bool& flag) {
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!flag && std::chrono::steady_clock::now() < deadline) {
        io.restart();
        io.run_for(5ms);
    }
}
} // namespace

TEST(McpStdio, ReadsLinesFromARegularFile) {
    char path[] = "/tmp/mcp-stdio-test-XXXXXX";
    int fd = ::mkstemp(path);
    ASSERT_GE(fd, 0);
    std::string text = "first\r\n\nsecond\nlast-without-newline";
    ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
    ::lseek(fd, 0, SEEK_SET);
    boost::asio::io_context io;
    collected c;
    line_reader reader(fd, io.get_executor(), callbacks_for(c));
    reader.start();
    run_until(io, c.eof);
    EXPECT_TRUE(c.eof);
    EXPECT_EQ(c.lines, (std::vector<std::string>{"first\r", "", "second", "last-without-newline"}));
    reader.stop();
    ::close(fd);
    std::remove(path);
}

TEST(McpStdio, ReadsFromAPipeAndDropsOversizedLines) {
    int p[2];
    ASSERT_EQ(::pipe(p), 0);
    boost::asio::io_context io;
    collected c;
    line_reader reader(p[0], io.get_executor(), callbacks_for(c), 16);
    reader.start();
    std::string text = "short\n" + std::string(40, 'x') + "\nafter\n";
    ASSERT_EQ(::write(p[1], text.data(), text.size()), static_cast<ssize_t>(text.size()));
    ::close(p[1]);
    run_until(io, c.eof);
    EXPECT_EQ(c.lines, (std::vector<std::string>{"short", "after"}));
    EXPECT_EQ(c.oversized, 1);
    ::close(p[0]);
}

TEST(McpStdio, StopWakesABlockedReader) {
    int p[2];
    ASSERT_EQ(::pipe(p), 0);
    boost::asio::io_context io;
    collected c;
    auto start = std::chrono::steady_clock::now();
    {
        line_reader reader(p[0], io.get_executor(), callbacks_for(c));
        reader.start();
        std::this_thread::sleep_for(20ms);
    } // destructor stops and joins although no input came
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
    EXPECT_FALSE(c.eof);
    ::close(p[0]);
    ::close(p[1]);
}

TEST(McpStdio, WriterWritesWholeLinesAndNoticesAClosedPeer) {
    int p[2];
    ASSERT_EQ(::pipe(p), 0);
    line_writer w(p[1]);
    EXPECT_TRUE(w.write_line(R"({"a":1})"));
    char buf[64] = {};
    ASSERT_EQ(::read(p[0], buf, sizeof buf), 8);
    EXPECT_EQ(std::string(buf), "{\"a\":1}\n");
    ::close(p[0]);
    std::signal(SIGPIPE, SIG_IGN);
    EXPECT_FALSE(w.write_line("x"));
    EXPECT_TRUE(w.broken());
    ::close(p[1]);
}
