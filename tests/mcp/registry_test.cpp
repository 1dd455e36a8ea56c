#include "docs_markdown.hpp"
#include "schema_validation.hpp"
#include "tool_registry.hpp"
#include "tools/tools.hpp"

#include <boost/json/serialize.hpp>

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

namespace json = boost::json;
using namespace proxmox::mcp;

namespace {

void expect_object_schema(const json::object& s, const std::string& where) {
    const auto* type = s.if_contains("type");
    ASSERT_TRUE(type && type->is_string() && type->get_string() == "object") << where;
    const auto* props = s.if_contains("properties");
    ASSERT_TRUE(props && props->is_object()) << where;
    for (const auto& p : props->get_object()) {
        ASSERT_TRUE(p.value().is_object()) << where << "." << p.key();
        const auto& ps = p.value().get_object();
        EXPECT_TRUE(ps.contains("type")) << where << "." << p.key();
        if (ps.at("type") == "object" && ps.contains("properties")) // free-form objects may have none
            expect_object_schema(ps, where + "." + std::string(p.key()));
    }
    if (const auto* req = s.if_contains("required")) {
        ASSERT_TRUE(req->is_array()) << where;
        for (const auto& r : req->get_array())
            EXPECT_TRUE(props->get_object().contains(r.as_string())) << where << ": required " << r;
    }
}
} // namespace

TEST(McpRegistry, HasTheSeedToolsInTheSeedOrder) {
    auto reg = make_default_registry();
    std::vector<std::string> names;
    for (const auto& t : reg.tools())
        names.push_back(t.name);
    ASSERT_EQ(seed_tool_order.size(), 53u);
    EXPECT_EQ(names, std::vector<std::string>(seed_tool_order.begin(), seed_tool_order.end()));
}

TEST(McpRegistry, SharedArgumentsFollowTheSafetyClass) {
    auto reg = make_default_registry();
    for (const auto& t : reg.tools()) {
        SCOPED_TRACE(t.name);
        const auto& props = t.input_schema.at("properties").as_object();
        const bool writes = t.safety != tool_safety::read;
        EXPECT_EQ(props.contains("confirm"), writes);
        EXPECT_EQ(props.contains("dry_run"), writes);
        EXPECT_EQ(t.annotations.read_only, !writes);
        EXPECT_EQ(t.annotations.destructive, t.safety == tool_safety::destructive);
        if (t.waits) {
            EXPECT_TRUE(props.contains("wait"));
            EXPECT_TRUE(props.contains("timeout"));
            EXPECT_TRUE(props.contains("poll_interval"));
        }
    }
}

TEST(McpRegistry, ToolListFitsTheContextBudget) {
    // Every client resends tools/list to the model on every turn: the model-visible part (name,
    // description, inputSchema) of all tools within 16 KB, the whole answer within 48 KB.
    auto reg = make_default_registry();
    std::size_t visible = 0;
    json::array all;
    for (const auto& t : reg.tools()) {
        auto published = to_json(t, "2025-11-25");
        visible += json::serialize(json::object{{"name", published.at("name")},
                                                {"description", published.at("description")},
                                                {"inputSchema", published.at("inputSchema")}})
                       .size();
        all.push_back(std::move(published));
    }
    const std::size_t answer = json::serialize(json::object{{"tools", std::move(all)}}).size();
    std::printf("tools/list: %zu tools, model-visible %zu bytes (budget 16384), whole answer %zu bytes "
                "(budget 49152)\n",
                reg.size(), visible, answer);
    EXPECT_LE(visible, 16u * 1024);
    EXPECT_LE(answer, 48u * 1024);
}

TEST(McpRegistry, PublishedSchemasLeaveOutTheBoundsButTheServerEnforcesThem) {
    auto reg = make_default_registry();
    const auto& tool = *reg.find("proxmox-list-vms");
    auto published = to_json(tool, "2025-11-25").at("inputSchema").as_object();
    auto text = json::serialize(published);
    for (const char* keyword : {"maxLength", "minimum", "maximum", "additionalProperties", "maxItems"})
        EXPECT_EQ(text.find(keyword), std::string::npos) << keyword << " in " << text;
    EXPECT_TRUE(validate(tool.input_schema, json::object{{"node", std::string(129, 'a')}}));
    EXPECT_TRUE(validate(tool.input_schema, json::object{{"limit", 0}}));
    EXPECT_TRUE(validate(tool.input_schema, json::object{{"unknown", 1}}));
}

TEST(McpRegistry, EveryToolIsComplete) {
    auto reg = make_default_registry();
    for (const auto& t : reg.tools()) {
        SCOPED_TRACE(t.name);
        EXPECT_TRUE(is_valid_tool_name(t.name));
        EXPECT_FALSE(t.title.empty());
        EXPECT_GE(t.description.size(), 12u);
        EXPECT_TRUE(t.handler);
        expect_object_schema(t.input_schema, t.name + ".inputSchema");
        ASSERT_TRUE(t.input_schema.contains("additionalProperties"));
        EXPECT_EQ(t.input_schema.at("additionalProperties"), json::value(false));
        expect_object_schema(t.output_schema, t.name + ".outputSchema");
        EXPECT_LE(t.description.size(), 160u) << "descriptions are sent on every turn: one sentence";
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

/// Every string a client can send is bounded: by its maxLength, or by the validator's default.
void expect_bounded_strings(const json::object& schema, const std::string& where) {
    const auto* props = schema.if_contains("properties");
    if (!props || !props->is_object())
        return;
    for (const auto& p : props->get_object()) {
        const auto& ps = p.value().get_object();
        const std::string at = where + "." + std::string(p.key());
        if (ps.at("type") == "string" && !ps.contains("enum")) {
            std::size_t bound = default_max_string_length;
            if (const auto* m = ps.if_contains("maxLength"))
                bound = static_cast<std::size_t>(m->to_number<std::int64_t>());
            auto problem = validate(ps, json::value(std::string(bound + 1, 'a')));
            EXPECT_TRUE(problem && problem->message.find("at most") != std::string::npos) << at;
        }
        if (ps.at("type") == "array") {
            EXPECT_TRUE(ps.contains("maxItems")) << at << " is an unbounded array";
        }
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
    for (const auto& name : seed_tool_order)
        EXPECT_NE(md.find("### " + std::string(name)), std::string::npos) << name;
    EXPECT_NE(md.find("destructiveHint"), std::string::npos);
    EXPECT_NE(md.find("PROXMOX_FINGERPRINT"), std::string::npos);
    EXPECT_EQ(pretty_json(json::object{{"a", json::array{1, 2}}}), "{\n  \"a\": [1, 2]\n}");
}
