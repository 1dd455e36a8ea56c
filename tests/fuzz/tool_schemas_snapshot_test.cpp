// The fuzz target for tool arguments reads the tools' input schemas from a snapshot, since the
// tools need the whole SDK: it must stay what the registry holds.
#include "docs_markdown.hpp"
#include "tools/tools.hpp"

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace json = boost::json;

TEST(FuzzToolSchemas, SnapshotMatchesTheRegistry) {
    std::ifstream in(PROXMOX_FUZZ_TOOL_SCHEMAS);
    ASSERT_TRUE(in) << "missing " << PROXMOX_FUZZ_TOOL_SCHEMAS;
    std::stringstream text;
    text << in.rdbuf();

    const auto registry = proxmox::mcp::make_default_registry();
    json::object expected;
    for (const auto& tool : registry.tools())
        expected[tool.name] = tool.input_schema;
    EXPECT_TRUE(json::parse(text.str()) == json::value(expected))
        << PROXMOX_FUZZ_TOOL_SCHEMAS << " is stale; replace it with:\n"
        << proxmox::mcp::pretty_json(expected);
}
