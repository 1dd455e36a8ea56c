// proxmox::sim over plain HTTPS with hostile sizes: very long parameter values, path segments,
// query strings and headers, and bodies at and over pveproxy's limit. Each must get PVE's answer
// (or, where pveproxy sends none, none), and the server must keep serving.
#include "client.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace simtest;

reply send_form(client& c, const std::string& method, const std::string& path, const std::string& form) {
    request r;
    r.method = method;
    r.target = "/api2/json" + path;
    r.body = form;
    r.content_type = "application/x-www-form-urlencoded";
    return c.send(r);
}

std::string error_of(const reply& r, const std::string& key) {
    auto v = body_json(r);
    const auto* errors = v.is_object() ? v.as_object().if_contains("errors") : nullptr;
    const auto* e = errors && errors->is_object() ? errors->as_object().if_contains(key) : nullptr;
    return e && e->is_string() ? std::string(e->get_string()) : std::string("<none: " + r.body + ">");
}

/// Long texts in failure messages: the start and the end.
std::string shorten(const std::string& s) {
    if (s.size() <= 300)
        return s;
    return s.substr(0, 150) + "...(" + std::to_string(s.size()) + " characters)..." +
           s.substr(s.size() - 100);
}

/// A 400 from JSONSchema::validate with exactly one error, for `key`.
void expect_param_error(const reply& r, const std::string& key, const std::string& error) {
    EXPECT_EQ(r.status, 400u) << shorten(r.reason);
    EXPECT_EQ(r.reason, "Parameter verification failed.") << shorten(r.reason);
    const auto v = body_json(r);
    EXPECT_EQ(text(v, "message"), "Parameter verification failed.\n") << shorten(r.body);
    EXPECT_TRUE(error_of(r, key) == error)
        << "errors." << key << " is " << shorten(error_of(r, key)) << "\nexpected " << shorten(error);
    const auto* errors = v.is_object() ? v.as_object().if_contains("errors") : nullptr;
    EXPECT_TRUE(errors && errors->is_object() && errors->as_object().size() == 1) << shorten(r.body);
    EXPECT_EQ(r.header("connection"), "close");
}

/// Every byte the server sent for `r` on a fresh connection; empty when it closed the connection
/// (or reset it while the request was still being written) without answering.
std::string raw_answer(client& c, const request& r) {
    try {
        return c.send_raw(r);
    } catch (const std::exception&) {
        return {};
    }
}

/// The host:port the client sends in its Host header.
std::string host_port(const proxmox::sim::endpoint_info& info) {
    return info.url.substr(std::string("https://").size());
}

/// The header lines the test client writes for `r` (without the request line): Host,
/// Authorization, Content-Type, the extra headers and Content-Length, as client.cpp builds them.
std::vector<std::string> header_lines(const request& r, const proxmox::sim::endpoint_info& info) {
    std::vector<std::string> lines = {"Host: " + host_port(info)};
    if (r.auth)
        lines.push_back("Authorization: PVEAPIToken=" + info.token_id + "=" + info.token_secret);
    if (!r.content_type.empty())
        lines.push_back("Content-Type: " + r.content_type);
    for (const auto& [k, v] : r.headers)
        lines.push_back(k + ": " + v);
    if (!r.body.empty())
        lines.push_back("Content-Length: " + std::to_string(r.body.size()));
    return lines;
}

/// AnyEvent.pm unshift_read_header counts every header line and the empty line that ends the
/// header, and sums their lengths without the line ends.
std::size_t counted_lines(const request& r, const proxmox::sim::endpoint_info& info) {
    return header_lines(r, info).size() + 1;
}

std::size_t counted_bytes(const request& r, const proxmox::sim::endpoint_info& info) {
    std::size_t n = 0;
    for (const auto& l : header_lines(r, info))
        n += l.size();
    return n;
}

class SimHostileInput : public ::testing::Test {
protected:
    void SetUp() override {
        info = sim.start();
        c = std::make_unique<client>(info);
    }

    /// The server still answers a fresh connection.
    void expect_serving() {
        client fresh(info);
        EXPECT_EQ(fresh.get("/version").status, 200u) << "the server stopped serving";
    }

    std::string free_vmid() { return std::string(data(c->get("/cluster/nextid")).as_string()); }

    /// Log entries for `path` (the API path).
    std::vector<proxmox::sim::request_log_entry> logged(const std::string& path) {
        std::vector<proxmox::sim::request_log_entry> out;
        for (auto& e : sim.request_log())
            if (e.path == path)
                out.push_back(e);
        return out;
    }

    proxmox::sim::server sim{quick_options()};
    proxmox::sim::endpoint_info info;
    std::unique_ptr<client> c;
};

// --- long request lines ----------------------------------------------------------------------

TEST_F(SimHostileInput, ARequestLineThatOverflowsTheReadBufferGetsNoAnswer) {
    // AnyEvent::Handle rbuf_max 64 KiB: a line that does not end within it is a fatal read error
    request r;
    r.target = "/api2/json/cluster/nextid?vmid=" + std::string(150000, '7');
    EXPECT_EQ(raw_answer(*c, r), "");
    EXPECT_TRUE(logged("/cluster/nextid").empty()) << "no request line was read";
    expect_serving();
}

// --- header limits ---------------------------------------------------------------------------

TEST_F(SimHostileInput, SixtyFourHeaderLinesAreTooMany) {
    request r;
    r.target = "/api2/json/version";
    for (int i = 0; counted_lines(r, info) < 63; ++i)
        r.headers.emplace_back("X-Line-" + std::to_string(i), "x");
    ASSERT_EQ(counted_lines(r, info), 63u);
    EXPECT_EQ(c->send(r).status, 200u) << "63 lines (with the empty one) are fine";

    // a line more (a body brings Content-Type and Content-Length, one X- line goes): pveproxy dies
    // in its header callback and never answers; the connection ends when the client is idle for
    // 5 s or has sent more than its 64 KiB read buffer holds
    r.method = "POST";
    r.target = "/api2/json/nodes/pve/qemu";
    r.content_type = "application/x-www-form-urlencoded";
    r.body = "vmid=" + free_vmid() + "&description=" + std::string(70000, 'd');
    r.headers.pop_back();
    ASSERT_EQ(counted_lines(r, info), 64u);
    EXPECT_EQ(raw_answer(*c, r), "");
    const auto e = logged("/nodes/pve/qemu");
    ASSERT_EQ(e.size(), 1u);
    EXPECT_EQ(e[0].method, "POST");
    EXPECT_EQ(e[0].status, 0u);
    expect_serving();
}

TEST_F(SimHostileInput, HeaderOf8KiBIsTooLarge) {
    request r;
    r.target = "/api2/json/version";
    r.headers.emplace_back("X-Pad", "");
    r.headers.back().second.assign(8191 - counted_bytes(r, info), 'p');
    ASSERT_EQ(counted_bytes(r, info), 8191u);
    EXPECT_EQ(c->send(r).status, 200u) << "8191 bytes of header lines are fine";

    r.method = "POST";
    r.target = "/api2/json/nodes/pve/qemu";
    r.content_type = "application/x-www-form-urlencoded";
    r.body = "vmid=" + free_vmid() + "&description=" + std::string(70000, 'd');
    r.headers.back().second.clear();
    r.headers.back().second.assign(8192 - counted_bytes(r, info), 'p');
    ASSERT_EQ(counted_bytes(r, info), 8192u);
    EXPECT_EQ(raw_answer(*c, r), "");
    const auto e = logged("/nodes/pve/qemu");
    ASSERT_EQ(e.size(), 1u);
    EXPECT_EQ(e[0].status, 0u);
    expect_serving();
}

TEST_F(SimHostileInput, LongHeaderValuesWithinTheLimitAreAnswered) {
    request r;
    r.target = "/api2/json/version";
    r.auth = false;
    r.headers = {{"Cookie", "PVEAuthCookie=PVE:root@pam:" + std::string(7000, 'A')}};
    auto ticket = c->send(r);
    EXPECT_EQ(ticket.status, 401u);
    EXPECT_EQ(ticket.reason, "permission denied - invalid PVE ticket");
    EXPECT_EQ(ticket.body, "");

    r.headers = {{"Authorization", "PVEAPIToken=root@pam!sim=" + std::string(7000, 'S')}};
    auto token = c->send(r);
    EXPECT_EQ(token.status, 401u);
    EXPECT_EQ(token.reason, "Authentication failed!");
    expect_serving();
}

// --- body limit ------------------------------------------------------------------------------

TEST_F(SimHostileInput, BodiesOver64KiBAre501ForDataTooLarge) {
    const auto [node, vmid] = stopped_vm(*c);
    const std::string config = "/nodes/" + node + "/qemu/" + vmid + "/config";
    const std::string key = "description=";

    // AnyEvent.pm: $len > $limit_max_post (64 KiB) is refused, 64 KiB itself is read
    auto at_limit = send_form(*c, "PUT", config, key + std::string(64 * 1024 - key.size(), 'd'));
    expect_param_error(at_limit, "description", "value may only be 8192 characters long");

    // decided on the header: the body is never read, so the request announces it and sends none
    for (const std::size_t size : {64u * 1024 + 1, 100u * 1024}) {
        request r;
        r.method = "PUT";
        r.target = "/api2/json" + config;
        r.content_type = "application/x-www-form-urlencoded";
        r.headers = {{"Content-Length", std::to_string(size)}};
        auto over = c->send(r);
        EXPECT_EQ(over.status, 501u);
        EXPECT_EQ(over.reason, "for data too large");
        EXPECT_EQ(over.header("connection"), "close");
    }
    expect_serving();
}

} // namespace
