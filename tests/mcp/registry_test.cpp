#include "docs_markdown.hpp"
#include "schema_validation.hpp"
#include "tool_registry.hpp"
#include "tools/tools.hpp"

#include <boost/json/serialize.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

namespace json = boost::json;
using namespace proxmox::mcp;

namespace {
const std::set<std::string> expected_tools{"proxmox-list-nodes", "proxmox-node-status", "proxmox-list-vms",
                                           "proxmox-start-vm", "proxmox-task-status"};

void expect_object_schema(const json::object& s, const std::string& where) {
    const auto* type = s.if_contains("type");
    ASSERT_TRUE(type && type->is_string() && type->get_string() == "object") << where;
    const auto* props = s.if_contains("properties");
    ASSERT_TRUE(props && props->is_object()) << where;
    for (const auto& p : props->get_object()) {
        ASSERT_TRUE(p.value().is_object()) << where << "." << p.key();
        const auto& ps = p.value().get_object();
        EXPECT_TRUE(ps.contains("type")) << where << "." << p.key();
        EXPECT_TRUE(ps.contains("description")) << where << "." << p.key() << " has no description";
        if (ps.at("type") == "object")
            expect_object_schema(ps, where + "." + std::string(p.key()));
    }
    if (const auto* req = s.if_contains("required")) {
        ASSERT_TRUE(req->is_array()) << where;
        for (const auto& r : req->get_array())
            EXPECT_TRUE(props->get_object().contains(r.as_string())) << where << ": required " << r;
    }
}
} // namespace

TEST(McpRegistry, HasTheSeedTools) {
    auto reg = make_default_registry();
    std::set<std::string> names;
    for (const auto& t : reg.tools())
        names.insert(t.name);
    EXPECT_EQ(names, expected_tools);
}

TEST(McpRegistry, EveryToolIsComplete) {
    auto reg = make_default_registry();
    for (const auto& t : reg.tools()) {
        SCOPED_TRACE(t.name);
        EXPECT_TRUE(is_valid_tool_name(t.name));
        EXPECT_FALSE(t.title.empty());
        EXPECT_GT(t.description.size(), 20u);
        EXPECT_TRUE(t.handler);
        expect_object_schema(t.input_schema, t.name + ".inputSchema");
        ASSERT_TRUE(t.input_schema.contains("additionalProperties"));
        EXPECT_EQ(t.input_schema.at("additionalProperties"), json::value(false));
        expect_object_schema(t.output_schema, t.name + ".outputSchema");
        EXPECT_TRUE(t.annotations.open_world);
        if (t.annotations.read_only) {
            EXPECT_FALSE(t.annotations.destructive);
        }
        // An empty argument object is valid exactly when nothing is required.
        bool requires_something = t.input_schema.contains("required");
        EXPECT_EQ(validate(t.input_schema, json::object{}).has_value(), requires_something);
    }
    EXPECT_TRUE(reg.find("proxmox-list-vms")->annotations.read_only);
    EXPECT_FALSE(reg.find("proxmox-start-vm")->annotations.read_only);
    EXPECT_FALSE(reg.find("proxmox-start-vm")->annotations.destructive);
}

/// Every string a client can send is bounded (maxLength) unless it is one of a few enum values.
void expect_bounded_strings(const json::object& schema, const std::string& where) {
    const auto* props = schema.if_contains("properties");
    if (!props || !props->is_object())
        return;
    for (const auto& p : props->get_object()) {
        const auto& ps = p.value().get_object();
        const std::string at = where + "." + std::string(p.key());
        if (ps.at("type") == "string" && !ps.contains("enum")) {
            EXPECT_TRUE(ps.contains("maxLength")) << at << " is an unbounded string";
        }
        if (ps.at("type") == "array" && ps.contains("items") && ps.at("items").at("type") == "string") {
            EXPECT_TRUE(ps.contains("maxItems") && ps.at("items").as_object().contains("maxLength")) << at;
        }
        if (ps.at("type") == "object")
            expect_bounded_strings(ps, at);
    }
}

TEST(McpRegistry, EveryStringArgumentIsBounded) {
    auto registry = make_default_registry();
    for (const auto& t : registry.tools())
        expect_bounded_strings(t.input_schema, t.name);
}

TEST(McpRegistry, ToolJsonFollowsTheProtocolVersion) {
    auto reg = make_default_registry();
    const auto& tool = *reg.find("proxmox-start-vm");
    auto latest = to_json(tool, "2025-11-25");
    EXPECT_EQ(latest.at("name"), "proxmox-start-vm");
    EXPECT_TRUE(latest.contains("title"));
    EXPECT_TRUE(latest.contains("outputSchema"));
    const auto& a = latest.at("annotations").as_object();
    for (const char* hint : {"readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"}) {
        ASSERT_TRUE(a.contains(hint)) << hint;
        EXPECT_TRUE(a.at(hint).is_bool()) << hint;
    }
    auto v0326 = to_json(tool, "2025-03-26");
    EXPECT_FALSE(v0326.contains("title"));
    EXPECT_FALSE(v0326.contains("outputSchema"));
    EXPECT_TRUE(v0326.contains("annotations"));
    auto v1105 = to_json(tool, "2024-11-05");
    EXPECT_FALSE(v1105.contains("annotations"));
    EXPECT_TRUE(v1105.contains("inputSchema"));
}

TEST(McpRegistry, ResultJsonFollowsTheProtocolVersion) {
    auto ok = tool_result::success({{"a", 1}});
    auto latest = to_json(ok, "2025-06-18");
    EXPECT_EQ(latest.at("structuredContent"), (json::object{{"a", 1}}));
    EXPECT_EQ(latest.at("content").at(0).at("type"), "text");
    EXPECT_EQ(latest.at("content").at(0).at("text"), R"({"a":1})");
    EXPECT_FALSE(latest.contains("isError"));
    EXPECT_FALSE(to_json(ok, "2025-03-26").contains("structuredContent"));

    auto bad = tool_result::failure("it broke", {{"upid", "U"}});
    auto err = to_json(bad, "2025-11-25");
    EXPECT_EQ(err.at("isError"), true);
    EXPECT_FALSE(err.contains("structuredContent"));
    EXPECT_EQ(err.at("content").at(0).at("text"), "it broke\n{\"upid\":\"U\"}");
}

TEST(McpRegistry, RejectsBadOrDuplicateNames) {
    tool_registry reg;
    tool_def t;
    t.name = "a tool";
    EXPECT_THROW(reg.add(t), std::invalid_argument);
    t.name = "tool";
    reg.add(t);
    EXPECT_THROW(reg.add(t), std::invalid_argument);
    EXPECT_EQ(reg.size(), 1u);
}

TEST(McpDocs, CommittedReferenceMatchesRegistry) {
    std::string path = std::string(PROXMOX_MCP_SOURCE_DIR) + "/docs/mcp-tools.md";
    std::ifstream in(path);
    ASSERT_TRUE(in) << "missing " << path;
    std::stringstream ss;
    ss << in.rdbuf();
    std::string expected = render_tools_markdown(make_default_registry());
    EXPECT_TRUE(ss.str() == expected)
        << path << " is stale; regenerate it with: build/dev/mcp-server/proxmox-mcp --list-tools-markdown > "
        << "docs/mcp-tools.md";
}

TEST(McpDocs, MentionsEveryToolAndHint) {
    auto md = render_tools_markdown(make_default_registry());
    for (const auto& name : expected_tools)
        EXPECT_NE(md.find("### " + name), std::string::npos) << name;
    EXPECT_NE(md.find("destructiveHint"), std::string::npos);
    EXPECT_NE(md.find("PROXMOX_FINGERPRINT"), std::string::npos);
    EXPECT_EQ(pretty_json(json::object{{"a", json::array{1, 2}}}), "{\n  \"a\": [1, 2]\n}");
}
