#include <proxmox/generated/endpoints.hpp>

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <utility>

using proxmox::http_method;
using proxmox::gen::endpoint_info;
using proxmox::gen::endpoints;
using proxmox::gen::find_endpoint;
using proxmox::gen::task_kind;

TEST(EndpointTable, HasEveryEndpointOfTheSchema) {
    EXPECT_EQ(endpoints().size(), 649u);
    std::map<http_method, int> by_method;
    std::set<std::pair<http_method, std::string_view>> unique;
    for (const auto& e : endpoints()) {
        ++by_method[e.method];
        unique.emplace(e.method, e.path);
        EXPECT_FALSE(e.name.empty()) << e.path;
        EXPECT_EQ(e.path.front(), '/') << e.path;
    }
    EXPECT_EQ(by_method[http_method::get], 327);
    EXPECT_EQ(by_method[http_method::post], 169);
    EXPECT_EQ(by_method[http_method::put], 79);
    EXPECT_EQ(by_method[http_method::del], 74);
    EXPECT_EQ(unique.size(), 649u);
}

TEST(EndpointTable, FindEndpoint) {
    const endpoint_info* e = find_endpoint(http_method::post, "/nodes/{node}/qemu/{vmid}/status/start");
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->name, "vm_start");
    EXPECT_EQ(e->task, task_kind::upid);
    EXPECT_TRUE(e->allow_token);
    EXPECT_TRUE(e->is_protected);
    EXPECT_EQ(e->proxyto, "node");
    EXPECT_EQ(e->permission_check, "perm(/vms/{vmid}, VM.PowerMgmt)");

    const endpoint_info* res = find_endpoint(http_method::get, "/cluster/resources");
    ASSERT_NE(res, nullptr);
    EXPECT_EQ(res->task, task_kind::none);
    EXPECT_TRUE(res->proxyto.empty());

    EXPECT_EQ(find_endpoint(http_method::del, "/cluster/resources"), nullptr);
    EXPECT_EQ(find_endpoint(http_method::get, "/nodes/pve/qemu"), nullptr); // templates only
    EXPECT_EQ(find_endpoint(http_method::get, "/no/such/path"), nullptr);
}

TEST(EndpointTable, TokenRefusingEndpointsAreFlagged) {
    std::set<std::pair<http_method, std::string>> refused;
    for (const auto& e : endpoints())
        if (!e.allow_token)
            refused.emplace(e.method, std::string(e.path));
    EXPECT_EQ(refused.size(), 5u);
    EXPECT_TRUE(refused.count({http_method::post, "/access/ticket"}));
    EXPECT_TRUE(refused.count({http_method::put, "/access/password"}));
    for (const auto& [m, p] : refused)
        EXPECT_TRUE(p.starts_with("/access/")) << p;
}

TEST(EndpointTable, TaskKindsCounted) {
    std::map<task_kind, int> kinds;
    for (const auto& e : endpoints())
        ++kinds[e.task];
    EXPECT_EQ(kinds[task_kind::upid], 91);
    EXPECT_EQ(kinds[task_kind::upid_or_null], 2);
    EXPECT_EQ(kinds[task_kind::object_with_upid], 8);
    EXPECT_EQ(kinds[task_kind::task_no_upid], 1);
    EXPECT_EQ(kinds[task_kind::none], 649 - 91 - 2 - 8 - 1);
    const auto* tmpl = find_endpoint(http_method::post, "/nodes/{node}/lxc/{vmid}/template");
    ASSERT_NE(tmpl, nullptr);
    EXPECT_EQ(tmpl->task, task_kind::task_no_upid);
}
