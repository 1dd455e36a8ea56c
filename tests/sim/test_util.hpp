// Small helpers shared by the simulator tests that came after sim_test.cpp.
#ifndef PROXMOX_TESTS_SIM_TEST_UTIL_HPP
#define PROXMOX_TESTS_SIM_TEST_UTIL_HPP

#include "client.hpp"
#include "sim_fixture.hpp"

#include <proxmox/sim/server.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <string>
#include <thread>

namespace simtest {

namespace json = boost::json;

using proxmox::testing::quick_sim_options;

inline json::value body_json(const reply& r) {
    json::error_code ec;
    auto v = json::parse(r.body, ec);
    EXPECT_FALSE(ec) << "body is not JSON: '" << r.body << "' (" << r.status << " " << r.reason << ")";
    return v;
}

inline json::value data(const reply& r) {
    EXPECT_EQ(r.status, 200u) << r.reason << " " << r.body;
    auto v = body_json(r);
    if (!v.is_object() || !v.as_object().contains("data"))
        return nullptr;
    return v.as_object().at("data");
}

inline std::string text(const json::value& v, std::string_view key) {
    const auto* f = v.is_object() ? v.as_object().if_contains(key) : nullptr;
    return f && f->is_string() ? std::string(f->get_string()) : std::string{};
}

inline std::int64_t number(const json::value& v, std::string_view key) {
    const auto* f = v.is_object() ? v.as_object().if_contains(key) : nullptr;
    if (!f)
        return -1;
    if (f->is_int64())
        return f->get_int64();
    if (f->is_uint64())
        return static_cast<std::int64_t>(f->get_uint64());
    return -1;
}

/// The node of a UPID.
inline std::string upid_node(const std::string& upid) {
    const auto a = upid.find(':');
    return upid.substr(a + 1, upid.find(':', a + 1) - a - 1);
}

inline std::string task_path(const std::string& upid, const std::string& what = "") {
    return "/nodes/" + upid_node(upid) + "/tasks/" + encode_segment(upid) + (what.empty() ? "" : "/" + what);
}

/// Polls a task until it stopped (at most 10 s) and returns its status.
inline json::value wait_for_task(client& c, const std::string& upid) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
        auto st = data(c.get(task_path(upid, "status")));
        if (text(st, "status") == "stopped" || std::chrono::steady_clock::now() > deadline)
            return st;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

/// The lines of a task log.
inline std::vector<std::string> task_lines(client& c, const std::string& upid) {
    std::vector<std::string> out;
    auto log = data(c.get(task_path(upid, "log") + "?limit=0"));
    for (const auto& l : log.as_array())
        out.push_back(std::string(l.at("t").as_string()));
    return out;
}

/// A guest from /cluster/resources matching the predicate.
template <class Pred> json::object find_resource(client& c, Pred pred) {
    auto all = data(c.get("/cluster/resources?type=vm"));
    for (const auto& g : all.as_array())
        if (pred(g.as_object()))
            return g.as_object();
    ADD_FAILURE() << "no such guest in " << json::serialize(all);
    return {};
}

/// A stopped VM that is no template: {node, vmid}.
inline std::pair<std::string, std::string> stopped_vm(client& c) {
    auto g = find_resource(c, [](const json::object& o) {
        return o.at("type") == "qemu" && o.at("status") == "stopped" &&
               o.at("template").to_number<int>() == 0;
    });
    if (g.empty())
        return {};
    return {std::string(g.at("node").as_string()), std::to_string(g.at("vmid").to_number<int>())};
}

/// `method path` with `form` as an application/x-www-form-urlencoded body.
inline reply
send_form(client& c, const std::string& method, const std::string& path, const std::string& form) {
    request r;
    r.method = method;
    r.target = "/api2/json" + path;
    r.body = form;
    r.content_type = "application/x-www-form-urlencoded";
    return c.send(r);
}

/// `POST /access/ticket` with `form` (`username=...&password=...`) and no API token.
inline reply ticket_login(client& c, const std::string& form) {
    request r;
    r.method = "POST";
    r.target = "/api2/json/access/ticket";
    r.auth = false;
    r.content_type = "application/x-www-form-urlencoded";
    r.body = form;
    return c.send(r);
}

/// The `errors` entry for `key` of a 400 answer, or `<none: BODY>`.
inline std::string error_of(const reply& r, const std::string& key) {
    auto v = body_json(r);
    const auto* errors = v.is_object() ? v.as_object().if_contains("errors") : nullptr;
    const auto* e = errors && errors->is_object() ? errors->as_object().if_contains(key) : nullptr;
    return e && e->is_string() ? std::string(e->get_string()) : std::string("<none: " + r.body + ">");
}

/// application/x-www-form-urlencoded encoding of one value.
inline std::string form_value(std::string_view v) {
    return encode_segment(v);
}

} // namespace simtest

#endif // PROXMOX_TESTS_SIM_TEST_UTIL_HPP
