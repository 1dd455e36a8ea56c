// Every string path parameter of every endpoint is one path segment: hostile values (empty, '.',
// '..', with '/') leave `path_error` naming the parameter; other characters are percent-encoded
// into exactly the parameter's segment.
#include "path_cases.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace {

std::vector<std::string_view> split(std::string_view path) {
    std::vector<std::string_view> out;
    path.remove_prefix(1);
    for (;;) {
        const auto slash = path.find('/');
        out.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos)
            return out;
        path.remove_prefix(slash + 1);
    }
}

std::size_t segment_of(std::string_view path_template, std::string_view param) {
    const auto segs = split(path_template);
    for (std::size_t i = 0; i < segs.size(); ++i)
        if (segs[i] == "{" + std::string(param) + "}")
            return i;
    return segs.size();
}

TEST(PathParams, EveryEndpointHasCases) {
    EXPECT_GT(proxmox::testing::path_cases().size(), 500u);
}

TEST(PathParams, HostileValuesNeverBecomeAPath) {
    const std::vector<std::string> hostile{"",      ".",   "..", "pve/qemu/100", "pve/../../version",
                                           "../..", "a/b/"};
    const std::vector<std::string> hostile_rest{"", ".", "..", "local:iso/../../x", "a//b", "../x", "x/."};
    for (const auto& c : proxmox::testing::path_cases()) {
        for (const auto& value : c.rest_of_path ? hostile_rest : hostile) {
            auto r = c.encode(value);
            EXPECT_NE(r.path_error.find("'" + std::string(c.param) + "'"), std::string::npos)
                << c.method << " " << c.path << " " << c.param << " = '" << value << "': " << r.path_error;
        }
    }
}

TEST(PathParams, OtherCharactersAreEncodedIntoTheParametersSegment) {
    const std::string value = "x:y@z!%41?#&=+ä{node}";
    const std::string encoded = boost::urls::encode(value, boost::urls::unreserved_chars);
    for (const auto& c : proxmox::testing::path_cases()) {
        auto r = c.encode(value);
        ASSERT_TRUE(r.path_error.empty()) << c.path << " " << c.param << ": " << r.path_error;
        const auto want = split(c.path);
        const auto got = split(r.path);
        ASSERT_EQ(got.size(), want.size()) << c.path << " -> " << r.path;
        EXPECT_EQ(got[segment_of(c.path, c.param)], encoded) << c.path << " -> " << r.path;
        for (std::size_t i = 0; i < want.size(); ++i) {
            if (!want[i].starts_with('{')) {
                EXPECT_EQ(got[i], want[i]) << c.path << " -> " << r.path;
            }
        }
    }
}

} // namespace
