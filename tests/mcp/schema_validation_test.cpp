#include "schema_validation.hpp"

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

namespace json = boost::json;
using proxmox::mcp::validate;

namespace {
json::object schema() {
    return json::parse(R"({
      "type": "object",
      "properties": {
        "vmid": {"type": "integer", "minimum": 100, "maximum": 999999999},
        "name": {"type": "string", "minLength": 1},
        "wait": {"type": "boolean"},
        "status": {"type": "string", "enum": ["running", "stopped"]},
        "ratio": {"type": "number", "exclusiveMinimum": 0},
        "tags": {"type": "array", "items": {"type": "string", "maxLength": 3}, "maxItems": 2},
        "opt": {"type": ["string", "null"]},
        "nested": {"type": "object", "properties": {"x": {"type": "integer"}}, "required": ["x"],
                   "additionalProperties": false}
      },
      "required": ["vmid"],
      "additionalProperties": false
    })")
        .as_object();
}

std::string error_of(const char* args) {
    auto r = validate(schema(), json::parse(args));
    return r ? r->message : std::string();
}

std::string path_of(const char* args) {
    auto r = validate(schema(), json::parse(args));
    return r ? r->path : std::string("<ok>");
}
} // namespace

TEST(McpValidation, AcceptsValidArguments) {
    EXPECT_FALSE(validate(schema(), json::parse(R"({"vmid": 100})")));
    EXPECT_FALSE(validate(schema(), json::parse(R"({"vmid": 100.0, "wait": true, "status": "running"})")));
    EXPECT_FALSE(validate(schema(), json::parse(R"({"vmid": 101, "tags": ["a", "bcd"], "opt": null})")));
    EXPECT_FALSE(validate(schema(), json::parse(R"({"vmid": 101, "nested": {"x": 1}, "ratio": 0.5})")));
}

TEST(McpValidation, ReportsFieldAndFix) {
    auto m = error_of(R"({"vmid": "100"})");
    EXPECT_NE(m.find("'vmid'"), std::string::npos) << m;
    EXPECT_NE(m.find("must be an integer"), std::string::npos) << m;
    EXPECT_NE(m.find("without quotes"), std::string::npos) << m;

    m = error_of(R"({})");
    EXPECT_NE(m.find("missing required argument 'vmid'"), std::string::npos) << m;
    EXPECT_NE(m.find("Fix:"), std::string::npos) << m;

    m = error_of(R"({"vmid": 100, "bogus": 1})");
    EXPECT_NE(m.find("unknown argument 'bogus'"), std::string::npos) << m;
    EXPECT_NE(m.find("allowed arguments: vmid, name"), std::string::npos) << m;

    m = error_of(R"({"vmid": 100, "status": "paused"})");
    EXPECT_NE(m.find("one of \"running\", \"stopped\""), std::string::npos) << m;

    m = error_of(R"({"vmid": 99})");
    EXPECT_NE(m.find("at least 100"), std::string::npos) << m;
    m = error_of(R"({"vmid": 1000000000})");
    EXPECT_NE(m.find("at most 999999999"), std::string::npos) << m;
    m = error_of(R"({"vmid": 100.5})");
    EXPECT_NE(m.find("must be an integer"), std::string::npos) << m;

    m = error_of(R"({"vmid": 100, "wait": "yes"})");
    EXPECT_NE(m.find("'wait' must be a boolean"), std::string::npos) << m;
    m = error_of(R"({"vmid": 100, "name": ""})");
    EXPECT_NE(m.find("'name' must not be empty"), std::string::npos) << m;
    m = error_of(R"({"vmid": 100, "ratio": 0})");
    EXPECT_NE(m.find("greater than 0"), std::string::npos) << m;
    m = error_of(R"({"vmid": 100, "opt": 3})");
    EXPECT_NE(m.find("a string or null"), std::string::npos) << m;
}

TEST(McpValidation, NestedPaths) {
    EXPECT_EQ(path_of(R"({"vmid": 100, "tags": ["a", "toolong"]})"), "tags[1]");
    EXPECT_EQ(path_of(R"({"vmid": 100, "tags": ["a", "b", "c"]})"), "tags");
    EXPECT_EQ(path_of(R"({"vmid": 100, "nested": {}})"), "nested.x");
    EXPECT_EQ(path_of(R"({"vmid": 100, "nested": {"x": 1, "y": 2}})"), "nested.y");
    EXPECT_EQ(path_of(R"([1])"), "");
}

TEST(McpValidation, NoArgumentTool) {
    auto s = json::parse(R"({"type":"object","properties":{},"additionalProperties":false})").as_object();
    EXPECT_FALSE(validate(s, json::object{}));
    auto r = validate(s, json::parse(R"({"node":"pve"})"));
    ASSERT_TRUE(r);
    EXPECT_NE(r->message.find("takes no arguments"), std::string::npos) << r->message;
}

TEST(McpValidation, QuotesClientTextAtABoundedLength) {
    const std::string huge(1 << 20, 'k');
    json::object args{{"vmid", 100}, {huge, 1}};
    auto r = validate(schema(), args);
    ASSERT_TRUE(r);
    EXPECT_LT(r->message.size(), 1024u);
    EXPECT_LT(r->path.size(), 200u);
    EXPECT_NE(r->message.find("unknown argument"), std::string::npos) << r->message.substr(0, 300);
    EXPECT_NE(r->message.find("(1048576 characters)"), std::string::npos) << r->message.substr(0, 300);
    EXPECT_NE(r->message.find("allowed arguments: vmid, name"), std::string::npos)
        << r->message.substr(0, 300);

    r = validate(schema(), json::object{{"vmid", 100}, {"status", huge}});
    ASSERT_TRUE(r);
    EXPECT_LT(r->message.size(), 1024u);
    EXPECT_NE(r->message.find("one of \"running\", \"stopped\""), std::string::npos) << r->message;

    r = validate(schema(), json::object{{"vmid", 100}, {"status", json::array(100000, json::value(1))}});
    ASSERT_TRUE(r);
    EXPECT_LT(r->message.size(), 1024u) << "a type error names no value";

    auto with_enum =
        json::parse(R"({"type":"object","properties":{"mode":{"enum":["a","b"]},"k":{"const":"fixed"}}})")
            .as_object();
    r = validate(with_enum, json::object{{"mode", json::array(100000, json::value(1))}});
    ASSERT_TRUE(r);
    EXPECT_LT(r->message.size(), 1024u);
    EXPECT_NE(r->message.find("(an array of 100000 items)"), std::string::npos) << r->message;
    r = validate(with_enum, json::object{{"k", huge}});
    ASSERT_TRUE(r);
    EXPECT_LT(r->message.size(), 1024u);
    EXPECT_NE(r->message.find("must be \"fixed\""), std::string::npos) << r->message;

    auto no_args =
        json::parse(R"({"type":"object","properties":{},"additionalProperties":false})").as_object();
    r = validate(no_args, json::object{{huge, 1}});
    ASSERT_TRUE(r);
    EXPECT_LT(r->message.size(), 1024u);
    EXPECT_NE(r->message.find("takes no arguments"), std::string::npos) << r->message;
}

TEST(McpValidation, NumbersThatJsonReadsAsNanOrInfinityAreRefused) {
    // Boost.JSON reads 0e621 as NaN and 1e999 as infinity; both compare false with every bound.
    EXPECT_NE(error_of(R"({"vmid": 100, "ratio": 0e621})").find("finite"), std::string::npos);
    EXPECT_NE(error_of(R"({"vmid": 100, "ratio": 1e999})").find("finite"), std::string::npos);
    EXPECT_EQ(path_of(R"({"vmid": 100, "ratio": 0.5})"), "<ok>");
}
