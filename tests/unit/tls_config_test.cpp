#include "http/endpoint.hpp"
#include "http/fingerprint.hpp"

#include <proxmox/client.hpp>
#include <proxmox/transport.hpp>

#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

#include <optional>
#include <utility>
#include <vector>

using namespace proxmox;

TEST(Fingerprint, AcceptsColonsAnyCaseOrBareHex) {
    const std::string canonical(64, 'A');
    std::string with_colons;
    for (int i = 0; i < 32; ++i)
        with_colons += (i ? ":aa" : "aa");
    auto a = detail::normalize_fingerprint(with_colons);
    ASSERT_TRUE(a);
    EXPECT_EQ(*a, canonical);
    auto b = detail::normalize_fingerprint(std::string(64, 'a'));
    ASSERT_TRUE(b);
    EXPECT_EQ(*b, canonical);
    EXPECT_EQ(detail::format_fingerprint("ABCD"), "AB:CD");
}

TEST(Fingerprint, RejectsWrongLengthOrCharacters) {
    auto short_fp = detail::normalize_fingerprint("AA:BB");
    ASSERT_FALSE(short_fp);
    EXPECT_NE(short_fp.error().message.find("64"), std::string::npos);
    EXPECT_FALSE(detail::normalize_fingerprint(std::string(63, 'A') + "G"));
}

TEST(Endpoint, DefaultsToPort8006AndKeepsIpv6Brackets) {
    auto a = detail::parse_endpoint("https://pve.example.com");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->host, "pve.example.com");
    EXPECT_EQ(a->port, "8006");
    EXPECT_FALSE(a->host_is_ip);
    auto b = detail::parse_endpoint("https://[::1]:9000/api2/json");
    ASSERT_TRUE(b) << b.error().to_string();
    EXPECT_EQ(b->host, "::1");
    EXPECT_TRUE(b->host_is_ip);
    EXPECT_EQ(b->host_header, "[::1]:9000");
}

TEST(Endpoint, RejectsPlainHttpAndPaths) {
    for (const char* bad : {"http://pve:8006", "pve:8006", "", "https://pve:8006/ui", "https://:8006"}) {
        auto e = detail::parse_endpoint(bad);
        ASSERT_FALSE(e) << bad;
        EXPECT_EQ(e.error().code, errc::invalid_argument);
        EXPECT_NE(e.error().message.find("client_options.url"), std::string::npos);
    }
}

TEST(Endpoint, CredentialsQueriesAndEncodedHostsAreRefusedWithoutEchoingThem) {
    for (const char* bad : {"https://root:hunter2@pve:8006", "https://hunter2@pve:8006",
                            "https://pve:8006/?token=hunter2", "https://pve:8006#hunter2",
                            "https://pve%0D%0AX-Evil:%20hunter2:8006", "https://pve%2Ehunter2:8006"}) {
        auto e = detail::parse_endpoint(bad);
        ASSERT_FALSE(e) << bad;
        EXPECT_EQ(e.error().code, errc::invalid_argument);
        EXPECT_EQ(e.error().to_string().find("hunter2"), std::string::npos) << e.error().to_string();
    }
}

TEST(ClientOptions, BadOptionsFailEveryOperationWithoutThrowing) {
    boost::asio::io_context io;
    client_options opts;
    opts.url = "https://127.0.0.1:1";
    opts.token = {"not-a-token-id", "s3cr3t-value"};
    client c(io.get_executor(), opts);
    std::optional<result<version_info>> out;
    c.async_version([&](result<version_info> r) { out = std::move(r); });
    io.run();
    ASSERT_TRUE(out);
    ASSERT_FALSE(*out);
    EXPECT_EQ(out->error().code, errc::invalid_argument);
    EXPECT_NE(out->error().message.find("client_options.token"), std::string::npos);
    EXPECT_EQ(out->error().to_string().find("s3cr3t-value"), std::string::npos);
}

TEST(ClientOptions, MissingCaFileIsReported) {
    boost::asio::io_context io;
    client_options opts;
    opts.url = "https://127.0.0.1:1";
    opts.token = {"root@pam!test", "secret"};
    opts.tls.ca_file = "/nonexistent/ca.pem";
    client c(io.get_executor(), opts);
    std::optional<result<std::vector<node_summary>>> out;
    c.async_nodes([&](auto r) { out = std::move(r); });
    io.run();
    ASSERT_TRUE(out && !*out);
    EXPECT_NE(out->error().message.find("tls.ca_file"), std::string::npos);
}

TEST(Transport, HeaderValuesWithLineBreaksAreNeverSent) {
    // Port 1 on loopback refuses connections: a request that got as far as connecting would fail
    // with connection_refused, not invalid_argument.
    boost::asio::io_context io;
    client_options opts;
    opts.url = "https://127.0.0.1:1";
    opts.tls.fingerprint = std::string(64, 'A');
    auto transport = make_https_transport(io.get_executor(), opts);
    ASSERT_TRUE(transport) << transport.error().to_string();
    for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
             {"Authorization", "PVEAPIToken=root@pam!x=secret\r\nX-Evil: 1"},
             {"CSRFPreventionToken", "abc\ndef"},
             {"X\r\nEvil", "1"}}) {
        http_request req;
        req.method = http_method::get;
        req.target = "/api2/json/version";
        req.headers.emplace_back(name, value);
        std::optional<result<http_response>> answer;
        (*transport)->async_send(req, [&](result<http_response> r) { answer = std::move(r); });
        io.restart();
        io.run();
        ASSERT_TRUE(answer);
        ASSERT_FALSE(*answer);
        EXPECT_EQ(answer->error().code, errc::invalid_argument) << answer->error().to_string();
        EXPECT_EQ(answer->error().to_string().find("secret"), std::string::npos);
    }
}
