// Every string path parameter of every endpoint, sent to the simulator: hostile values are
// refused before anything is sent (the request log stays empty), and other characters reach the
// endpoint the template names, as exactly that parameter's segment.
#include "path_cases.hpp"
#include "sdk_sim_fixture.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/url/pct_string_view.hpp>

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace proxmox::testing {
namespace {

http_method method_of(std::string_view m) {
    if (m == "POST")
        return http_method::post;
    if (m == "PUT")
        return http_method::put;
    if (m == "DELETE")
        return http_method::del;
    return http_method::get;
}

class PathInjection : public sdk_sim_fixture {};

TEST_F(PathInjection, HostileValuesInEveryPathParameterSendNothing) {
    blocking_client pve(token_options());
    std::size_t refused = 0;
    for (const auto& c : path_cases()) {
        for (const std::string value : {"..", ".", "", "pve/../../version", "pve/qemu/100", "a/../../.."}) {
            if (c.rest_of_path && value.find("..") == std::string::npos && !value.empty() && value != ".")
                continue;
            auto r = pve.run(pve.async().async_send(method_of(c.method), c.encode(value)));
            ASSERT_FALSE(r) << c.method << " " << c.path << " " << c.param << " = '" << value << "' was sent";
            EXPECT_EQ(r.error().code, errc::invalid_argument);
            EXPECT_NE(r.error().message.find("'" + std::string(c.param) + "'"), std::string::npos)
                << r.error().to_string();
            ++refused;
        }
    }
    EXPECT_GT(refused, 3000u);
    EXPECT_TRUE(server().request_log().empty()) << server().request_log().front().path;
}

TEST_F(PathInjection, OtherCharactersReachTheTemplatesEndpointAsOneSegment) {
    boost::asio::io_context io;
    client pve(io.get_executor(), token_options());
    const std::string special = "x:y@z!%41?#&=+ä";
    // Every case twice, all at once: a plain value, then the special one. Where the simulator does
    // not implement an endpoint it answers 501 for both, which says nothing about routing.
    std::map<std::string, unsigned> sent; // "METHOD decoded-path" -> requests
    for (const auto& c : path_cases()) {
        for (const std::string value : {"x1", special.c_str()}) {
            auto req = c.encode(value);
            // The simulator logs the path as PVE routes it: URI-unescaped.
            const auto key = std::string(c.method) + " " + boost::urls::pct_string_view(req.path).decode();
            ++sent[key];
            pve.async_send(method_of(c.method), std::move(req), [](const result<api_response>&) {});
        }
    }
    io.run();
    std::map<std::string, unsigned> logged;
    std::map<std::string, unsigned> status;
    for (const auto& e : server().request_log()) {
        const auto key = e.method + " " + e.path;
        ++logged[key];
        status[key] = e.status;
    }
    EXPECT_EQ(logged, sent); // every request reached the path its template names, nothing else
    std::size_t routed = 0;
    for (const auto& c : path_cases()) {
        auto plain = c.encode("x1");
        auto odd = c.encode(special);
        const auto plain_key =
            std::string(c.method) + " " + boost::urls::pct_string_view(plain.path).decode();
        const auto odd_key = std::string(c.method) + " " + boost::urls::pct_string_view(odd.path).decode();
        if (status[plain_key] == 501)
            continue;
        EXPECT_NE(status[odd_key], 501u) << odd_key << " found no endpoint";
        ++routed;
    }
    EXPECT_GT(routed, 400u);
}

TEST_F(PathInjection, CuratedHandlesAndRawRequestsKeepValuesInTheirSegment) {
    blocking_client pve(token_options());
    for (const std::string node : {"pve/qemu/100", "pve/../../version", "..", "."}) {
        auto status = pve.run(pve.async().node(node).async_status());
        ASSERT_FALSE(status) << node;
        EXPECT_NE(status.error().message.find("path parameter 'node'"), std::string::npos)
            << status.error().message;
        auto vms = pve.run(pve.async().node(node).async_qemu_list());
        ASSERT_FALSE(vms) << node;
        auto start = pve.run(pve.async().node(node).qemu(100).async_start());
        ASSERT_FALSE(start) << node;
    }
    for (const std::string path : {"/nodes/pve/../../version", "/nodes/./pve/status", "/nodes/pve/.."}) {
        auto raw = pve.run(pve.async().async_request(http_method::get, path));
        ASSERT_FALSE(raw) << path;
        EXPECT_EQ(raw.error().code, errc::invalid_argument);
    }
    EXPECT_TRUE(server().request_log().empty()) << server().request_log().front().path;
    // A node name that is odd but one segment arrives as one segment (and PVE refuses it).
    auto odd = pve.run(pve.async().node("pve:1").async_status());
    ASSERT_FALSE(odd);
    ASSERT_EQ(server().request_log().size(), 1u);
    EXPECT_EQ(server().request_log().front().path, "/nodes/pve:1/status");
}

} // namespace
} // namespace proxmox::testing
