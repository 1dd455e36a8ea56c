#ifndef PROXMOX_MCP_TESTS_MCP_CLIENT_HPP
#define PROXMOX_MCP_TESTS_MCP_CLIENT_HPP

#include "child_process.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace proxmox::mcp::testing {

/// A tools/call result with isError: true.
inline bool is_error(const boost::json::object& result) {
    const auto* e = result.if_contains("isError");
    return e && e->is_bool() && e->get_bool();
}

/// The text of a tools/call result's first content block.
inline std::string text_of(const boost::json::object& result) {
    const auto* c = result.if_contains("content");
    if (!c || !c->is_array() || c->as_array().empty())
        return {};
    return std::string(c->as_array().at(0).at("text").as_string());
}

/// A minimal MCP client over `proxmox-mcp` (PROXMOX_MCP_EXE) as a child process.
class mcp_client {
public:
    explicit mcp_client(std::vector<std::string> args = {"--demo"},
                        std::map<std::string, std::string> env = {})
        : proc_(PROXMOX_MCP_EXE, args, env) {}

    child_process& proc() { return proc_; }

    void send(const boost::json::value& v) { ASSERT_TRUE(proc_.send_line(boost::json::serialize(v))); }
    void send_raw(std::string_view line) { ASSERT_TRUE(proc_.send_line(line)); }

    /// The next message (in arrival order), or null after `timeout`.
    boost::json::value next(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
        if (!backlog_.empty()) {
            auto v = backlog_.front();
            backlog_.pop_front();
            return v;
        }
        auto line = proc_.read_line(timeout);
        if (!line)
            return nullptr;
        boost::system::error_code ec;
        auto v = boost::json::parse(*line, ec);
        EXPECT_FALSE(ec) << "stdout carried a non-JSON line: " << line->substr(0, 200);
        return v;
    }

    /// Waits for the response with `id`, keeping other messages for next().
    boost::json::value response(const boost::json::value& id,
                                std::chrono::milliseconds timeout = std::chrono::seconds(15)) {
        for (auto it = backlog_.begin(); it != backlog_.end(); ++it) {
            if (it->is_object() && it->as_object().contains("id") && it->at("id") == id) {
                auto v = *it;
                backlog_.erase(it);
                return v;
            }
        }
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            auto line = proc_.read_line(std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now()));
            if (!line)
                break;
            auto v = boost::json::parse(*line);
            if (v.is_object() && v.as_object().contains("id") && v.at("id") == id)
                return v;
            backlog_.push_back(v);
        }
        ADD_FAILURE() << "no response to id " << boost::json::serialize(id) << "; stderr:\n"
                      << proc_.stderr_text();
        return nullptr;
    }

    boost::json::value request(const char* method, boost::json::object params = {}) {
        boost::json::value id = next_id_++;
        send(boost::json::object{
            {"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
        return response(id);
    }

    boost::json::value initialize(const char* version = "2025-11-25", boost::json::object capabilities = {}) {
        auto r =
            request("initialize", {{"protocolVersion", version},
                                   {"capabilities", std::move(capabilities)},
                                   {"clientInfo", boost::json::object{{"name", "e2e"}, {"version", "1.0"}}}});
        send(boost::json::object{{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}});
        return r;
    }

    /// tools/call; returns the `result` object (fails the test on a JSON-RPC error).
    boost::json::object call(const char* tool, boost::json::object args = {}) {
        auto r = request("tools/call", {{"name", tool}, {"arguments", std::move(args)}});
        if (!r.is_object() || !r.as_object().contains("result")) {
            ADD_FAILURE() << tool << ": " << boost::json::serialize(r);
            return {};
        }
        return r.at("result").as_object();
    }

    boost::json::value send_call(const char* tool, boost::json::object args) {
        boost::json::value id = next_id_++;
        send(boost::json::object{
            {"jsonrpc", "2.0"},
            {"id", id},
            {"method", "tools/call"},
            {"params", boost::json::object{{"name", tool}, {"arguments", std::move(args)}}}});
        return id;
    }

    std::map<std::string, boost::json::object> tools() {
        std::map<std::string, boost::json::object> out;
        auto r = request("tools/list");
        for (const auto& t : r.at("result").at("tools").as_array())
            out[std::string(t.at("name").as_string())] = t.as_object();
        return out;
    }

private:
    child_process proc_;
    std::deque<boost::json::value> backlog_;
    std::int64_t next_id_ = 1;
};

} // namespace proxmox::mcp::testing

#endif
