#include "core/encoding.hpp"

#include <proxmox/types.hpp>

#include <gtest/gtest.h>

using namespace proxmox;

TEST(Encoding, PlusColonSpaceAndBangArePercentEncoded) {
    // A raw '+' would reach PVE as a space (form decoding): `size=+10G` must stay a plus.
    EXPECT_EQ(detail::encode_component("+10G"), "%2B10G");
    EXPECT_EQ(detail::encode_component("a b"), "a%20b");
    EXPECT_EQ(detail::encode_component("root@pam!ci"), "root%40pam%21ci");
    EXPECT_EQ(detail::encode_component("virtio=BC:24:11:00:00:01,bridge=vmbr0"),
              "virtio%3DBC%3A24%3A11%3A00%3A00%3A01%2Cbridge%3Dvmbr0");
    EXPECT_EQ(detail::encode_component("safe-._~AZaz09"), "safe-._~AZaz09");
}

TEST(Encoding, ParamsKeepOrderRepeatsAndBooleansAsDigits) {
    request_params p;
    p.add("command", "ls").add("command", "-l").add("full", true).add("online", false).add("vmid", 100);
    EXPECT_EQ(detail::encode_params(p), "command=ls&command=-l&full=1&online=0&vmid=100");
}

TEST(Encoding, CallerPathsEncodeEachSegment) {
    auto t = detail::encode_path(
        "/nodes/pve/tasks/UPID:pve:0012AB34:0A1B2C3D:6650A1B2:qmstart:100:root@pam!x:/status");
    ASSERT_TRUE(t);
    EXPECT_EQ(*t, "/nodes/pve/tasks/"
                  "UPID%3Apve%3A0012AB34%3A0A1B2C3D%3A6650A1B2%3Aqmstart%3A100%3Aroot%40pam%21x%3A/status");
    auto prefixed = detail::encode_path("/api2/json/version/");
    ASSERT_TRUE(prefixed);
    EXPECT_EQ(*prefixed, "/version");
    EXPECT_EQ(detail::make_target("/cluster/resources", {{"type", "vm"}}),
              "/api2/json/cluster/resources?type=vm");
    EXPECT_EQ(detail::make_target("/version", {}), "/api2/json/version");
}

TEST(Encoding, CallerPathsRefuseUnusableOrEscapingSegments) {
    for (const char* bad : {"", "nodes", "/nodes?x=1", "/nodes//pve", "/a#b", "/nodes/../version",
                            "/nodes/./pve", "/nodes/pve/.."}) {
        auto t = detail::encode_path(bad);
        ASSERT_FALSE(t) << bad;
        EXPECT_EQ(t.error().code, errc::invalid_argument);
        EXPECT_NE(t.error().message.find("API path"), std::string::npos);
    }
}

TEST(Encoding, PathValuesAreOneSegment) {
    auto ok = detail::api_path({"nodes", detail::path_value{"node", "pve 1:@"}, "status"});
    ASSERT_TRUE(ok);
    EXPECT_EQ(*ok, "/nodes/pve%201%3A%40/status");
    for (const char* bad : {"", ".", "..", "pve/qemu/100", "pve/../../version", "/"}) {
        auto r = detail::api_path({"nodes", detail::path_value{"node", bad}, "status"});
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.error().code, errc::invalid_argument);
        EXPECT_NE(r.error().message.find("path parameter 'node'"), std::string::npos) << r.error().message;
    }
    // Storage content `{volume}` is routed as the rest of the path: '/' is kept, '..' is not.
    EXPECT_EQ(detail::segment_problem("local:iso/debian.iso", true), "");
    EXPECT_EQ(detail::encode_segments("local:iso/debian 12.iso"), "local%3Aiso/debian%2012.iso");
    EXPECT_NE(detail::segment_problem("local:iso/../../x", true), "");
    EXPECT_NE(detail::segment_problem("local:iso//x", true), "");
}

TEST(Encoding, LongValuesAreQuotedShort) {
    const std::string huge(50'000, 'a');
    auto r = detail::api_path({"nodes", detail::path_value{"node", huge + "/x"}});
    ASSERT_FALSE(r);
    EXPECT_LT(r.error().message.size(), 400u);
    EXPECT_NE(r.error().message.find("50002 characters"), std::string::npos) << r.error().message;
}
