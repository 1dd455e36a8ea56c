// The operator's policy: parsing of the PROXMOX_* switches and allow-lists, and the refusals
// they produce, each naming its setting.
#include "audit.hpp"
#include "policy.hpp"
#include "tools/tools.hpp"
#include "toolsets.hpp"

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>

using namespace proxmox::mcp;
namespace json = boost::json;

namespace {

std::optional<server_policy> parse(std::map<std::string, std::string> values, std::string& error) {
    return parse_policy(
        [&](std::string_view key) {
            auto it = values.find(std::string(key));
            return it == values.end() ? std::string() : it->second;
        },
        error);
}

TEST(McpPolicy, DefaultsAllowEverythingButGuestExecAndUploads) {
    std::string error;
    auto p = parse({}, error);
    ASSERT_TRUE(p) << error;
    EXPECT_FALSE(p->read_only);
    EXPECT_FALSE(p->allow_guest_exec);
    EXPECT_TRUE(p->upload_dir.empty());
    EXPECT_TRUE(p->node_allowed("any"));
    EXPECT_TRUE(p->vmid_allowed(100));
    EXPECT_FALSE(p->refuse_guest(123, "pve", ""));
}

TEST(McpPolicy, VmidRanges) {
    auto r = parse_vmid_ranges("100-199, 9000");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->size(), 2u);
    EXPECT_EQ((*r)[0], (std::pair<proxmox::vmid_t, proxmox::vmid_t>{100, 199}));
    EXPECT_EQ((*r)[1], (std::pair<proxmox::vmid_t, proxmox::vmid_t>{9000, 9000}));
    for (const char* bad : {"", "abc", "199-100", "50", "100-", "100-abc", "1000000000", "-5"})
        EXPECT_FALSE(parse_vmid_ranges(bad)) << bad;
}

TEST(McpPolicy, AllowListsRefuseNamingTheSetting) {
    std::string error;
    auto p = parse({{"PROXMOX_ALLOWED_NODES", "pve, pve2"},
                    {"PROXMOX_ALLOWED_VMIDS", "100-199,9000"},
                    {"PROXMOX_ALLOWED_POOLS", "lab"}},
                   error);
    ASSERT_TRUE(p) << error;
    EXPECT_FALSE(p->refuse_node("pve2"));
    ASSERT_TRUE(p->refuse_node("pve3"));
    EXPECT_NE(p->refuse_node("pve3")->find("PROXMOX_ALLOWED_NODES"), std::string::npos);
    EXPECT_NE(p->refuse_guest(200, "pve", "lab")->find("PROXMOX_ALLOWED_VMIDS"), std::string::npos);
    EXPECT_NE(p->refuse_guest(150, "pve3", "lab")->find("PROXMOX_ALLOWED_NODES"), std::string::npos);
    EXPECT_NE(p->refuse_guest(150, "pve", "prod")->find("PROXMOX_ALLOWED_POOLS"), std::string::npos);
    EXPECT_NE(p->refuse_guest(150, "pve", "")->find("in no pool"), std::string::npos);
    EXPECT_FALSE(p->refuse_guest(9000, "pve", "lab"));
}

TEST(McpPolicy, MalformedValuesNameTheKey) {
    std::string error;
    EXPECT_FALSE(parse({{"PROXMOX_READ_ONLY", "maybe"}}, error));
    EXPECT_NE(error.find("PROXMOX_READ_ONLY"), std::string::npos);
    EXPECT_FALSE(parse({{"PROXMOX_ALLOWED_VMIDS", "1-2"}}, error));
    EXPECT_NE(error.find("PROXMOX_ALLOWED_VMIDS"), std::string::npos);
    EXPECT_FALSE(parse({{"PROXMOX_UPLOAD_DIR", "/nonexistent/dir"}}, error));
    EXPECT_NE(error.find("PROXMOX_UPLOAD_DIR"), std::string::npos);
    auto p = parse({{"PROXMOX_READ_ONLY", "true"}, {"PROXMOX_UPLOAD_DIR", "/tmp/../tmp"}}, error);
    ASSERT_TRUE(p) << error;
    EXPECT_TRUE(p->read_only);
    EXPECT_EQ(p->upload_dir, "/tmp") << "resolved before use";
}

TEST(McpPolicy, ToolsetsListOnlyTheirFamilies) {
    const auto registry = make_default_registry();
    std::map<std::string, std::size_t> per_toolset;
    for (const auto& t : registry.tools()) {
        EXPECT_TRUE(is_toolset(t.toolset)) << t.name << " has no toolset";
        ++per_toolset[t.toolset];
    }
    // The seed's families: discovery 1–11, VM lifecycle 12–21, ..., orchestration 51–53.
    EXPECT_EQ(per_toolset["discovery"], 11u);
    EXPECT_EQ(per_toolset["lifecycle"], 10u);
    EXPECT_EQ(per_toolset["orchestration"], 3u);
    EXPECT_EQ(registry.find("proxmox-list-vms")->toolset, "discovery");
    EXPECT_EQ(registry.find("proxmox-create-snapshot")->toolset, "images");

    std::string error;
    auto p = parse({{"PROXMOX_TOOLSETS", "discovery, metrics"}}, error);
    ASSERT_TRUE(p) << error;
    std::size_t offered = 0;
    for (const auto& t : registry.tools())
        offered += p->offers(t) ? 1 : 0;
    EXPECT_EQ(offered, 13u);
    auto refusal = p->refuse_tool(*registry.find("proxmox-start-vm"));
    ASSERT_TRUE(refusal);
    EXPECT_NE(refusal->find("lifecycle"), std::string::npos);
    EXPECT_NE(refusal->find("PROXMOX_TOOLSETS"), std::string::npos);

    EXPECT_FALSE(parse({{"PROXMOX_TOOLSETS", "discovery,vms"}}, error));
    EXPECT_NE(error.find("PROXMOX_TOOLSETS"), std::string::npos);
    EXPECT_NE(error.find("orchestration"), std::string::npos) << "the error lists the toolsets";
}

TEST(McpAudit, LineNamesToolTargetOutcomeAndTaskWithoutSecrets) {
    auto result = tool_result::success({{"upid", "UPID:pve:1:2:3:qmstart:100:root@pam:"}, {"vmid", 100}});
    auto line = audit_line(
        std::chrono::system_clock::time_point{}, "proxmox-start-vm", call_mode::execute,
        {{"vmid", 100}, {"params", json::object{{"cipassword", "pw"}, {"cores", 2}}}, {"token_secret", "s"}},
        result);
    auto o = json::parse(line).as_object();
    EXPECT_EQ(o.at("time"), "1970-01-01T00:00:00Z");
    EXPECT_EQ(o.at("tool"), "proxmox-start-vm");
    EXPECT_EQ(o.at("target").at("vmid"), 100);
    EXPECT_EQ(o.at("upid"), "UPID:pve:1:2:3:qmstart:100:root@pam:");
    EXPECT_EQ(o.at("arguments").at("params").at("cipassword"), "***");
    EXPECT_EQ(o.at("arguments").at("params").at("cores"), 2);
    EXPECT_EQ(o.at("arguments").at("token_secret"), "***");
    auto failed = audit_line(std::chrono::system_clock::now(), "t", call_mode::execute, {},
                             tool_result::failure("task failed", {{"upid", "U"}}));
    EXPECT_EQ(json::parse(failed).at("outcome"), "error");
    EXPECT_EQ(json::parse(failed).at("upid"), "U");
}

} // namespace
