#include <proxmox/types.hpp>

#include "core/encoding.hpp"

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

TEST(Encoding, TargetEncodesEachSegmentAndAddsQuery) {
    auto t = detail::make_target("/nodes/pve/tasks/UPID:pve:0012AB34:0A1B2C3D:6650A1B2:qmstart:100:root@pam!x:/status",
                                 {});
    ASSERT_TRUE(t);
    EXPECT_EQ(*t, "/api2/json/nodes/pve/tasks/UPID%3Apve%3A0012AB34%3A0A1B2C3D%3A6650A1B2%3Aqmstart%3A100%3Aroot%40pam%21x%3A/status");
    auto q = detail::make_target("/cluster/resources", {{"type", "vm"}});
    ASSERT_TRUE(q);
    EXPECT_EQ(*q, "/api2/json/cluster/resources?type=vm");
    auto prefixed = detail::make_target("/api2/json/version", {});
    ASSERT_TRUE(prefixed);
    EXPECT_EQ(*prefixed, "/api2/json/version");
}

TEST(Encoding, TargetRejectsUnusablePaths) {
    for (const char* bad : {"", "nodes", "/nodes?x=1", "/nodes//pve", "/a#b"}) {
        auto t = detail::make_target(bad, {});
        ASSERT_FALSE(t) << bad;
        EXPECT_EQ(t.error().code, errc::invalid_argument);
        EXPECT_NE(t.error().message.find("API path"), std::string::npos);
    }
}
