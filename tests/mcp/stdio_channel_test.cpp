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

/// Waits (without running the io_context) until `done()` or 5 s have passed.
template <class Predicate> bool wait_for(Predicate done) {
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!done() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(1ms);
    return done();
}

/// Writes `count` numbered lines of `width` bytes (plus newline) on a thread, then closes the pipe.
/// Callers keep the total below the pipe's 64 KiB, so the writer never blocks and always ends.
std::jthread write_lines(int fd, int count, std::size_t width = 8) {
    return std::jthread([fd, count, width] {
        for (int i = 0; i < count; ++i) {
            std::string line = std::to_string(i);
            line.resize(width, '.');
            line.push_back('\n');
            if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
                break;
        }
        ::close(fd);
    });
}

std::vector<std::string> numbered_lines(int count, std::size_t width = 8) {
    std::vector<std::string> out;
    for (int i = 0; i < count; ++i) {
        out.push_back(std::to_string(i));
        out.back().resize(width, '.');
    }
    return out;
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
    line_reader reader(p[0], io.get_executor(), callbacks_for(c), input_limits{.max_line = 16});
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

TEST(McpStdio, StopsReadingWhileTheConsumerLagsAndResumesAtHalf) {
    int p[2];
    ASSERT_EQ(::pipe(p), 0);
    boost::asio::io_context io;
    collected c;
    line_reader reader(p[0], io.get_executor(), callbacks_for(c), input_limits{.max_queued_lines = 8});
    reader.start();
    auto writer = write_lines(p[1], 2000);

    // Nobody consumes: the reader posts 8 lines, then waits instead of reading on.
    ASSERT_TRUE(wait_for([&] { return reader.paused(); })) << "queued " << reader.queued_lines();
    EXPECT_EQ(reader.queued_lines(), 8u);
    std::this_thread::sleep_for(20ms);
    EXPECT_EQ(reader.queued_lines(), 8u) << "read on although the queue was full";

    // Consuming a few is not enough: it resumes only once the queue is down to half.
    for (int i = 0; i < 3; ++i)
        io.run_one();
    std::this_thread::sleep_for(20ms);
    EXPECT_TRUE(reader.paused());
    EXPECT_EQ(reader.queued_lines(), 5u);
    io.run_one();
    ASSERT_TRUE(wait_for([&] { return reader.queued_lines() == 8u; })) << "did not resume at half";

    // Consuming everything delivers every line once, in order, then EOF.
    run_until(io, c.eof);
    writer.join();
    EXPECT_TRUE(c.eof);
    EXPECT_EQ(c.lines, numbered_lines(2000));
    EXPECT_EQ(reader.queued_lines(), 0u);
    ::close(p[0]);
}

TEST(McpStdio, QueuedBytesAreBoundedButOneLongLineStillPasses) {
    int p[2];
    ASSERT_EQ(::pipe(p), 0);
    boost::asio::io_context io;
    collected c;
    line_reader reader(p[0], io.get_executor(), callbacks_for(c), input_limits{.max_queued_bytes = 100});
    reader.start();
    std::string text;
    for (int i = 0; i < 10; ++i)
        text += std::string(30, static_cast<char>('a' + i)) + "\n";
    text += std::string(500, 'z') + "\n"; // longer than the whole byte budget
    ASSERT_EQ(::write(p[1], text.data(), text.size()), static_cast<ssize_t>(text.size()));
    ::close(p[1]);

    ASSERT_TRUE(wait_for([&] { return reader.paused(); }));
    EXPECT_EQ(reader.queued_lines(), 4u) << "30-byte lines are posted until 100 bytes wait";
    run_until(io, c.eof);
    ASSERT_EQ(c.lines.size(), 11u);
    EXPECT_EQ(c.lines.back(), std::string(500, 'z'));
    ::close(p[0]);
}

TEST(McpStdio, StopWakesAReaderWaitingForRoom) {
    int p[2];
    ASSERT_EQ(::pipe(p), 0);
    boost::asio::io_context io;
    collected c;
    auto writer = write_lines(p[1], 100);
    {
        line_reader reader(p[0], io.get_executor(), callbacks_for(c), input_limits{.max_queued_lines = 2});
        reader.start();
        ASSERT_TRUE(wait_for([&] { return reader.paused(); }));
        reader.stop(); // returns although the queue never drains
        EXPECT_EQ(reader.queued_lines(), 2u);
    }
    // What was posted before stop still runs; nothing after it, and no EOF.
    io.run();
    EXPECT_EQ(c.lines.size(), 2u);
    EXPECT_FALSE(c.eof);
    ::close(p[0]);
}
