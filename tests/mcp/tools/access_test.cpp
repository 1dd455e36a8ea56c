// Tools of the access family against the simulator (see tool_fixture.hpp): pools, users, roles,
// permissions, the Ansible inventory of a VM and guest exec.
#include "tool_fixture.hpp"

#include <proxmox/blocking_client.hpp>
#include <proxmox/generated/access.hpp>

#include <boost/json/parse.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace {

namespace json = boost::json;
using proxmox::mcp::testing::tool_fixture;

class AccessTools : public tool_fixture {
protected:
    void tune(proxmox::sim::options& o) override {
        tool_fixture::tune(o);
        // a guest program that outlives the tool's timeout (exec-status says exited after half a task)
        if (test_is("GuestExecGivesUpAfterItsTimeout"))
            o.task_seconds = 10;
    }

    std::vector<proxmox::acl_entry> acl() {
        auto entries = pve().run(pve().async().access().async_acl());
        EXPECT_TRUE(entries) << entries.error().to_string();
        return entries ? *entries : std::vector<proxmox::acl_entry>{};
    }

    bool has_acl(std::string_view path, std::string_view type, std::string_view ugid, std::string_view role) {
        auto entries = acl();
        return std::any_of(entries.begin(), entries.end(), [&](const proxmox::acl_entry& e) {
            return e.path == path && e.type == type && e.ugid == ugid && e.roleid == role;
        });
    }

    /// A running QEMU VM (no template) whose config has `agent` set (or not).
    std::optional<proxmox::guest_summary> running_vm(bool with_agent) {
        auto all = pve().run(pve().async().cluster().async_resources(proxmox::resource_filter::vm));
        EXPECT_TRUE(all) << all.error().to_string();
        if (!all)
            return std::nullopt;
        for (const auto& r : *all) {
            if (r.type != "qemu" || r.is_template || r.status != "running")
                continue;
            auto g = r.to_guest();
            auto config = pve().run(pve().async().async_request(proxmox::http_method::get,
                                                                "/nodes/" + g.node + "/qemu/" +
                                                                    std::to_string(g.vmid) + "/config"));
            if (!config || !config->data.is_object())
                continue;
            if (config->data.as_object().contains("agent") == with_agent)
                return g;
        }
        ADD_FAILURE() << "the simulated cluster has no running VM " << (with_agent ? "with" : "without")
                      << " a guest agent";
        return std::nullopt;
    }

    /// A VM or container in `status` (no template).
    proxmox::guest_summary guest(std::string_view type, std::string_view status) {
        auto all = pve().run(pve().async().cluster().async_resources(proxmox::resource_filter::vm));
        EXPECT_TRUE(all);
        if (all)
            for (const auto& r : *all)
                if (r.type == type && !r.is_template && r.status == status)
                    return r.to_guest();
        ADD_FAILURE() << "no " << type << " that is " << status;
        return {};
    }

    /// The method+path of each request of a dry_run preview.
    static std::vector<std::string> planned(const json::object& preview) {
        std::vector<std::string> out;
        for (const auto& r : preview.at("requests").as_array())
            out.push_back(std::string(r.at("method").as_string()) + " " +
                          std::string(r.at("path").as_string()));
        return out;
    }

    /// The method+path of the writes the simulator saw, from the `from`th on.
    std::vector<std::string> written(std::size_t from = 0) const {
        std::vector<std::string> out;
        auto w = writes();
        for (std::size_t i = from; i < w.size(); ++i)
            out.push_back(w[i].method + " " + w[i].path);
        return out;
    }

    /// `dry_run` and then `confirm` of the same call: the preview lists exactly the writes made.
    void expect_preview_matches(const char* tool, json::object args) {
        auto preview_args = args;
        preview_args["dry_run"] = true;
        const auto before = writes().size();
        auto preview = ok(tool, preview_args);
        EXPECT_EQ(preview.at("dry_run"), true) << tool;
        EXPECT_EQ(preview.at("would_run"), true) << tool;
        EXPECT_EQ(writes().size(), before) << tool << ": a preview sent a write";
        args["confirm"] = true;
        ok(tool, args);
        EXPECT_EQ(planned(preview), written(before)) << tool;
        EXPECT_FALSE(planned(preview).empty()) << tool;
    }

    json::object pool_entry(std::string_view poolid) {
        auto list = ok("proxmox-list-pools");
        for (const auto& p : list.at("pools").as_array())
            if (p.at("poolid").as_string() == poolid)
                return p.as_object();
        ADD_FAILURE() << "pool " << poolid << " is not listed: " << json::serialize(list);
        return {};
    }

    static bool holds(const json::object& pool, std::int64_t vmid) {
        const auto* vmids = pool.if_contains("vmids");
        if (!vmids)
            return false;
        const auto& a = vmids->as_array();
        return std::any_of(a.begin(), a.end(),
                           [&](const json::value& v) { return v.to_number<std::int64_t>() == vmid; });
    }

    void create_pool(std::string_view id) { ok("proxmox-create-pool", {{"poolid", id}, {"confirm", true}}); }
};

// ---- pools ----------------------------------------------------------------------------------------

TEST_F(AccessTools, CreatesAPoolThatIsThenListed) {
    EXPECT_EQ(ok("proxmox-list-pools").at("total"), 0);
    auto out = ok("proxmox-create-pool", {{"poolid", "dev"}, {"comment", "Dev team"}, {"confirm", true}});
    EXPECT_EQ(out.at("poolid"), "dev");
    auto dev = pool_entry("dev");
    EXPECT_EQ(dev.at("comment"), "Dev team");
    EXPECT_TRUE(dev.at("vmids").as_array().empty());
    ASSERT_EQ(written(), std::vector<std::string>{"POST /pools"});
    EXPECT_NE(last_params("POST", "/pools").find("\"poolid\":\"dev\""), std::string::npos);
}

TEST_F(AccessTools, CreatePoolOfAnExistingIdIsAnErrorNamingIt) {
    create_pool("dev");
    auto text = err("proxmox-create-pool", {{"poolid", "dev"}, {"confirm", true}});
    EXPECT_NE(text.find("'dev' already exists"), std::string::npos) << text;
    EXPECT_EQ(writes().size(), 1u);
}

TEST_F(AccessTools, CreatePoolRefusesABadIdAndANestedPoolWithoutParent) {
    auto text = err("proxmox-create-pool", {{"poolid", "a b"}, {"confirm", true}});
    EXPECT_NE(text.find("not a pool id"), std::string::npos) << text;
    text = err("proxmox-create-pool", {{"poolid", "team/web"}, {"confirm", true}});
    EXPECT_NE(text.find("create pool 'team' first"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
    create_pool("team");
    ok("proxmox-create-pool", {{"poolid", "team/web"}, {"confirm", true}});
    pool_entry("team/web");
}

TEST_F(AccessTools, CreatePoolWithoutConfirmShowsThePlanAndSendsNothing) {
    auto text = err("proxmox-create-pool", {{"poolid", "dev"}});
    EXPECT_NE(text.find("confirm: true"), std::string::npos) << text;
    EXPECT_NE(text.find("\"POST\""), std::string::npos) << text;
    EXPECT_NE(text.find("/pools"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
    EXPECT_EQ(ok("proxmox-list-pools").at("total"), 0);
}

TEST_F(AccessTools, CreatePoolPreviewIsWhatTheConfirmedCallSends) {
    expect_preview_matches("proxmox-create-pool", {{"poolid", "dev"}});
}

TEST_F(AccessTools, PoolAddPutsTheGuestInThePoolThroughPutPools) {
    create_pool("dev");
    const auto before = writes().size();
    auto out = ok("proxmox-pool-add", {{"poolid", "dev"}, {"vmid", 100}, {"confirm", true}});
    EXPECT_EQ(out.at("vmid"), 100);
    EXPECT_FALSE(out.contains("already"));
    EXPECT_TRUE(holds(pool_entry("dev"), 100));
    // PVE's way: PUT /pools with vms (the seed wrote pool= into the guest config)
    EXPECT_EQ(written(before), std::vector<std::string>{"PUT /pools"});
    auto params = json::parse(last_params("PUT", "/pools")).as_object();
    EXPECT_EQ(params.at("vms"), "100");
    EXPECT_EQ(params.at("poolid"), "dev");
    EXPECT_FALSE(params.contains("delete"));
    // the guest's own view shows the pool too
    auto vms = ok("proxmox-list-vms", {{"fields", json::array{"vmid", "pool"}}});
    bool seen = false;
    for (const auto& v : vms.at("vms").as_array())
        seen = seen || (v.at("vmid") == 100 && v.as_object().contains("pool") && v.at("pool") == "dev");
    EXPECT_TRUE(seen) << json::serialize(vms);
}

TEST_F(AccessTools, PoolAddOfAMemberSucceedsWithAlreadyAndSendsNothing) {
    create_pool("dev");
    ok("proxmox-pool-add", {{"poolid", "dev"}, {"vmid", 100}, {"confirm", true}});
    const auto before = writes().size();
    auto out = ok("proxmox-pool-add", {{"poolid", "dev"}, {"vmid", 100}, {"confirm", true}});
    EXPECT_EQ(out.at("already"), true);
    EXPECT_EQ(writes().size(), before);
}

TEST_F(AccessTools, PoolAddTakesContainersWithTypeLxc) {
    create_pool("dev");
    const auto ct = guest("lxc", "running");
    ok("proxmox-pool-add", {{"poolid", "dev"}, {"vmid", ct.vmid}, {"type_", "lxc"}, {"confirm", true}});
    EXPECT_TRUE(holds(pool_entry("dev"), ct.vmid));
    // without type_ a container is the wrong kind of guest
    auto text = err("proxmox-pool-add", {{"poolid", "dev"}, {"vmid", ct.vmid}, {"confirm", true}});
    EXPECT_NE(text.find("container"), std::string::npos) << text;
    text =
        err("proxmox-pool-add", {{"poolid", "dev"}, {"vmid", ct.vmid}, {"type_", "ct"}, {"confirm", true}});
    EXPECT_NE(text.find("\"lxc\""), std::string::npos) << text;
}

TEST_F(AccessTools, PoolAddToAnUnknownPoolNamesTheFix) {
    create_pool("dev");
    auto text = err("proxmox-pool-add", {{"poolid", "nope"}, {"vmid", 100}, {"confirm", true}});
    EXPECT_NE(text.find("pool 'nope' does not exist"), std::string::npos) << text;
    EXPECT_NE(text.find("dev"), std::string::npos) << text;
    EXPECT_NE(text.find("proxmox-create-pool"), std::string::npos) << text;
    EXPECT_EQ(writes().size(), 1u);
}

TEST_F(AccessTools, PoolAddOfAGuestInAnotherPoolSaysToRemoveItThere) {
    create_pool("a");
    create_pool("b");
    ok("proxmox-pool-add", {{"poolid", "a"}, {"vmid", 100}, {"confirm", true}});
    const auto before = writes().size();
    auto text = err("proxmox-pool-add", {{"poolid", "b"}, {"vmid", 100}, {"confirm", true}});
    EXPECT_NE(text.find("in pool 'a'"), std::string::npos) << text;
    EXPECT_NE(text.find("proxmox-pool-remove"), std::string::npos) << text;
    EXPECT_EQ(writes().size(), before);
    EXPECT_TRUE(holds(pool_entry("a"), 100));
}

TEST_F(AccessTools, PoolAddWithoutConfirmSendsNothingAndPreviewMatches) {
    create_pool("dev");
    auto text = err("proxmox-pool-add", {{"poolid", "dev"}, {"vmid", 100}});
    EXPECT_NE(text.find("confirm: true"), std::string::npos) << text;
    EXPECT_EQ(writes().size(), 1u);
    server().clear_request_log();
    expect_preview_matches("proxmox-pool-add", {{"poolid", "dev"}, {"vmid", 100}});
    EXPECT_TRUE(holds(pool_entry("dev"), 100));
}

TEST_F(AccessTools, PoolRemoveTakesTheGuestOutWithDelete) {
    create_pool("dev");
    ok("proxmox-pool-add", {{"poolid", "dev"}, {"name", "web01"}, {"confirm", true}});
    server().clear_request_log();
    expect_preview_matches("proxmox-pool-remove", {{"poolid", "dev"}, {"name", "web01"}});
    EXPECT_FALSE(holds(pool_entry("dev"), 100));
    auto params = json::parse(last_params("PUT", "/pools")).as_object();
    EXPECT_EQ(params.at("delete"), "1");
    EXPECT_EQ(params.at("vms"), "100");
    // not a member any more: success, nothing sent
    const auto before = writes().size();
    auto out = ok("proxmox-pool-remove", {{"poolid", "dev"}, {"vmid", 100}, {"confirm", true}});
    EXPECT_EQ(out.at("already"), true);
    EXPECT_EQ(writes().size(), before);
}

TEST_F(AccessTools, PoolRemoveFromAnUnknownPoolIsAnError) {
    auto text = err("proxmox-pool-remove", {{"poolid", "nope"}, {"vmid", 100}, {"confirm", true}});
    EXPECT_NE(text.find("pool 'nope' does not exist"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
}

TEST_F(AccessTools, DeletePoolRemovesAnEmptyPool) {
    create_pool("dev");
    server().clear_request_log();
    auto text = err("proxmox-delete-pool", {{"poolid", "dev"}});
    EXPECT_NE(text.find("confirm: true"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
    expect_preview_matches("proxmox-delete-pool", {{"poolid", "dev"}});
    EXPECT_EQ(written(), std::vector<std::string>{"DELETE /pools"});
    EXPECT_EQ(ok("proxmox-list-pools").at("total"), 0);
}

TEST_F(AccessTools, DeletePoolWithMembersIsRefusedInThePlan) {
    create_pool("dev");
    ok("proxmox-pool-add", {{"poolid", "dev"}, {"vmid", 100}, {"confirm", true}});
    const auto before = writes().size();
    auto preview = ok("proxmox-delete-pool", {{"poolid", "dev"}, {"dry_run", true}});
    EXPECT_EQ(preview.at("would_run"), false);
    auto text = err("proxmox-delete-pool", {{"poolid", "dev"}, {"confirm", true}});
    EXPECT_NE(text.find("guest 100"), std::string::npos) << text;
    EXPECT_NE(text.find("proxmox-pool-remove"), std::string::npos) << text;
    EXPECT_EQ(writes().size(), before);
    pool_entry("dev");
}

TEST_F(AccessTools, DeletePoolOfAnUnknownPoolIsAnError) {
    auto text = err("proxmox-delete-pool", {{"poolid", "nope"}, {"confirm", true}});
    EXPECT_NE(text.find("pool 'nope' does not exist"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
}

TEST_F(AccessTools, ListPoolsPagesAndShowsMembersOfThePage) {
    for (auto id : {"a", "b", "c"})
        create_pool(id);
    ok("proxmox-pool-add", {{"poolid", "c"}, {"vmid", 100}, {"confirm", true}});
    auto page = ok("proxmox-list-pools", {{"limit", 2}});
    EXPECT_EQ(page.at("total"), 3);
    EXPECT_EQ(page.at("next_offset"), 2);
    ASSERT_EQ(page.at("pools").as_array().size(), 2u);
    auto rest = ok("proxmox-list-pools", {{"offset", 2}});
    ASSERT_EQ(rest.at("pools").as_array().size(), 1u);
    EXPECT_TRUE(holds(rest.at("pools").at(0).as_object(), 100));
}

TEST_F(AccessTools, AllowedPoolsHideAndRefuseOtherPools) {
    create_pool("dev");
    create_pool("prod");
    ok("proxmox-pool-add", {{"poolid", "dev"}, {"vmid", 100}, {"confirm", true}});
    start_server({{"PROXMOX_ALLOWED_POOLS", "dev"}});
    server().clear_request_log();
    auto list = ok("proxmox-list-pools");
    ASSERT_EQ(list.at("total"), 1) << json::serialize(list);
    EXPECT_EQ(list.at("pools").at(0).at("poolid"), "dev");
    EXPECT_TRUE(holds(list.at("pools").at(0).as_object(), 100));
    for (auto [tool, args] : std::vector<std::pair<const char*, json::object>>{
             {"proxmox-create-pool", {{"poolid", "qa"}, {"confirm", true}}},
             {"proxmox-delete-pool", {{"poolid", "prod"}, {"confirm", true}}},
             {"proxmox-pool-add", {{"poolid", "prod"}, {"vmid", 100}, {"confirm", true}}},
             {"proxmox-pool-remove", {{"poolid", "prod"}, {"vmid", 100}, {"confirm", true}}}}) {
        auto text = err(tool, args);
        EXPECT_NE(text.find("PROXMOX_ALLOWED_POOLS"), std::string::npos) << tool << ": " << text;
    }
    // a guest outside the allowed pools cannot be pulled in
    auto text = err("proxmox-pool-add", {{"poolid", "dev"}, {"vmid", 101}, {"confirm", true}});
    EXPECT_NE(text.find("PROXMOX_ALLOWED_POOLS"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
    // inside them all works as usual
    ok("proxmox-pool-remove", {{"poolid", "dev"}, {"vmid", 100}, {"confirm", true}});
    EXPECT_EQ(written(), std::vector<std::string>{"PUT /pools"});
}

// ---- users, roles, permissions ------------------------------------------------------------------

TEST_F(AccessTools, ListUsersShowsUsersAndTokenNamesButNoSecret) {
    auto r = call("proxmox-list-users");
    ASSERT_FALSE(proxmox::mcp::testing::is_error(r));
    EXPECT_EQ(proxmox::mcp::testing::text_of(r).find(info().token_secret), std::string::npos);
    auto out = ok("proxmox-list-users");
    const auto& users = out.at("users").as_array();
    auto root = std::find_if(users.begin(), users.end(),
                             [](const json::value& u) { return u.at("userid") == "root@pam"; });
    ASSERT_NE(root, users.end()) << json::serialize(out);
    EXPECT_EQ(root->at("enable"), true);
    EXPECT_EQ(root->at("tokens"), "sim"); // root@pam!sim, by name only
}

TEST_F(AccessTools, ListRolesIsCompactAndPaged) {
    auto all = ok("proxmox-list-roles", {{"limit", 1000}});
    const auto& roles = all.at("roles").as_array();
    ASSERT_GT(roles.size(), 5u);
    EXPECT_EQ(all.at("total"), roles.size());
    auto vm_user = std::find_if(roles.begin(), roles.end(),
                                [](const json::value& r) { return r.at("roleid") == "PVEVMUser"; });
    ASSERT_NE(vm_user, roles.end());
    ASSERT_TRUE(vm_user->at("privs").is_string()); // one comma string, not an array
    EXPECT_NE(std::string(vm_user->at("privs").as_string()).find("VM.PowerMgmt"), std::string::npos);
    EXPECT_EQ(vm_user->at("builtin"), true);

    auto page = ok("proxmox-list-roles", {{"limit", 2}, {"fields", json::array{"roleid"}}});
    ASSERT_EQ(page.at("roles").as_array().size(), 2u);
    EXPECT_FALSE(page.at("roles").at(0).as_object().contains("privs"));
    EXPECT_EQ(page.at("next_offset"), 2);
}

TEST_F(AccessTools, AssignPermissionAddsTheAclEntry) {
    EXPECT_FALSE(has_acl("/vms/100", "user", "root@pam", "PVEVMUser"));
    server().clear_request_log();
    expect_preview_matches("proxmox-assign-permission",
                           {{"path", "/vms/100"}, {"roles", "PVEVMUser"}, {"users", "root@pam"}});
    EXPECT_EQ(written(), std::vector<std::string>{"PUT /access/acl"});
    EXPECT_TRUE(has_acl("/vms/100", "user", "root@pam", "PVEVMUser"));
    // the same grant again: success, nothing sent
    const auto before = writes().size();
    auto out = ok("proxmox-assign-permission", {{"path", "/vms/100"},
                                                {"roles", json::array{"PVEVMUser"}},
                                                {"users", "root@pam"},
                                                {"confirm", true}});
    EXPECT_EQ(out.at("already"), true);
    EXPECT_EQ(writes().size(), before);
}

TEST_F(AccessTools, AssignPermissionTakesListsOfRolesForGroupsAndTokens) {
    auto made =
        pve().run(pve().async().async_call(proxmox::gen::access_groups_post_params{.groupid = "ops"}));
    ASSERT_TRUE(made) << made.error().to_string();
    server().clear_request_log();
    auto out = ok("proxmox-assign-permission", {{"path", "/pool/dev"},
                                                {"roles", "PVEAuditor, PVEVMUser"},
                                                {"groups", json::array{"ops"}},
                                                {"users", info().token_id},
                                                {"propagate", false},
                                                {"confirm", true}});
    EXPECT_EQ(out.at("roles"), "PVEAuditor,PVEVMUser");
    EXPECT_EQ(written(), std::vector<std::string>{"PUT /access/acl"}); // one request for all
    for (auto role : {"PVEAuditor", "PVEVMUser"}) {
        EXPECT_TRUE(has_acl("/pool/dev", "group", "ops", role)) << role;
        EXPECT_TRUE(has_acl("/pool/dev", "token", info().token_id, role)) << role;
    }
    auto entries = acl();
    for (const auto& e : entries)
        if (e.path == "/pool/dev") {
            EXPECT_FALSE(e.propagate);
        }
}

TEST_F(AccessTools, AssignPermissionChecksRolesUsersAndGroupsBeforeSending) {
    auto text = err("proxmox-assign-permission",
                    {{"path", "/"}, {"roles", "NoSuchRole"}, {"users", "root@pam"}, {"confirm", true}});
    EXPECT_NE(text.find("no role 'NoSuchRole'"), std::string::npos) << text;
    EXPECT_NE(text.find("PVEVMUser"), std::string::npos) << text; // the roles there are
    text = err("proxmox-assign-permission",
               {{"path", "/"}, {"roles", "PVEAuditor"}, {"users", "ghost@pve"}, {"confirm", true}});
    EXPECT_NE(text.find("no user 'ghost@pve'"), std::string::npos) << text;
    text = err("proxmox-assign-permission",
               {{"path", "/"}, {"roles", "PVEAuditor"}, {"groups", "nobody"}, {"confirm", true}});
    EXPECT_NE(text.find("no group 'nobody'"), std::string::npos) << text;
    text = err("proxmox-assign-permission", {{"path", "/"}, {"roles", "PVEAuditor"}, {"confirm", true}});
    EXPECT_NE(text.find("users"), std::string::npos) << text;
    EXPECT_NE(text.find("groups"), std::string::npos) << text;
    text = err("proxmox-assign-permission",
               {{"path", "vms/100"}, {"roles", "PVEAuditor"}, {"users", "root@pam"}, {"confirm", true}});
    EXPECT_NE(text.find("start"), std::string::npos) << text;
    text = err("proxmox-assign-permission",
               {{"path", "/"}, {"roles", json::array{1}}, {"users", "root@pam"}, {"confirm", true}});
    EXPECT_NE(text.find("'roles[0]'"), std::string::npos) << text; // the schema names the item
    EXPECT_TRUE(writes().empty());
}

TEST_F(AccessTools, AssignPermissionWithoutConfirmShowsThePut) {
    auto text = err("proxmox-assign-permission",
                    {{"path", "/vms/100"}, {"roles", "PVEVMUser"}, {"users", "root@pam"}});
    EXPECT_NE(text.find("confirm: true"), std::string::npos) << text;
    EXPECT_NE(text.find("/access/acl"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
    EXPECT_FALSE(has_acl("/vms/100", "user", "root@pam", "PVEVMUser"));
}

TEST_F(AccessTools, AssignPermissionStaysInsideTheAllowLists) {
    start_server({{"PROXMOX_ALLOWED_POOLS", "dev"}});
    for (auto path : {"/", "/pool/prod", "/vms"}) {
        auto text = err("proxmox-assign-permission",
                        {{"path", path}, {"roles", "PVEAuditor"}, {"users", "root@pam"}, {"confirm", true}});
        EXPECT_NE(text.find("Refused"), std::string::npos) << path << ": " << text;
    }
    // guest 100 is in no pool, so outside the allowed ones
    auto text =
        err("proxmox-assign-permission",
            {{"path", "/vms/100"}, {"roles", "PVEAuditor"}, {"users", "root@pam"}, {"confirm", true}});
    EXPECT_NE(text.find("PROXMOX_ALLOWED_POOLS"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
    ok("proxmox-assign-permission",
       {{"path", "/pool/dev"}, {"roles", "PVEAuditor"}, {"users", "root@pam"}, {"confirm", true}});
    EXPECT_TRUE(has_acl("/pool/dev", "user", "root@pam", "PVEAuditor"));
}

// ---- register-vm-as-host ------------------------------------------------------------------------

TEST_F(AccessTools, RegisterVmAsHostGivesTheGuestsReachableAddress) {
    auto vm = running_vm(true);
    ASSERT_TRUE(vm);
    auto out =
        ok("proxmox-register-vm-as-host",
           {{"vmid", vm->vmid}, {"ssh_user", "ansible"}, {"ssh_private_key_path", "~/.ssh/id_ed25519"}});
    const std::string ip(out.at("ansible_host").as_string());
    // the simulated guest has 127.0.0.1, ::1, an IPv4 on eth0 and an fe80:: address there
    EXPECT_EQ(ip.rfind("192.168.1.", 0), 0u) << ip;
    EXPECT_EQ(out.at("interface"), "eth0");
    for (const auto& a : out.at("addresses").as_array()) {
        const std::string addr(a.at("address").as_string());
        EXPECT_NE(addr.rfind("127.", 0), 0u) << addr;
        EXPECT_NE(addr, "::1");
        EXPECT_NE(addr.rfind("fe80", 0), 0u) << addr;
    }
    const auto& host = out.at("inventory").at("all").at("children").at("proxmox").at("hosts").at(vm->name);
    EXPECT_EQ(host.at("ansible_host").as_string(), ip);
    EXPECT_EQ(host.at("ansible_user"), "ansible");
    EXPECT_EQ(host.at("ansible_ssh_private_key_file"), "~/.ssh/id_ed25519");
    const std::string ini(out.at("ini").as_string());
    EXPECT_NE(ini.find(vm->name + " ansible_host=" + ip + " ansible_user=ansible"), std::string::npos) << ini;
    EXPECT_TRUE(writes().empty());
    EXPECT_EQ(count("GET", "/nodes/" + vm->node + "/qemu/" + std::to_string(vm->vmid) +
                               "/agent/network-get-interfaces"),
              1u);
}

TEST_F(AccessTools, RegisterVmAsHostPrefersTheNamedInterface) {
    auto vm = running_vm(true);
    ASSERT_TRUE(vm);
    auto out = ok("proxmox-register-vm-as-host", {{"vmid", vm->vmid}, {"prefer_interface", "eth0"}});
    EXPECT_EQ(out.at("interface"), "eth0");
    auto text = err("proxmox-register-vm-as-host", {{"vmid", vm->vmid}, {"prefer_interface", "eth7"}});
    EXPECT_NE(text.find("no interface 'eth7'"), std::string::npos) << text;
    EXPECT_NE(text.find("eth0"), std::string::npos) << text;
    // loopback only: no usable address there
    text = err("proxmox-register-vm-as-host", {{"vmid", vm->vmid}, {"prefer_interface", "lo"}});
    EXPECT_NE(text.find("no usable address"), std::string::npos) << text;
}

TEST_F(AccessTools, RegisterVmAsHostSaysHowToEnableTheAgent) {
    auto vm = running_vm(false);
    ASSERT_TRUE(vm);
    auto text = err("proxmox-register-vm-as-host", {{"vmid", vm->vmid}});
    EXPECT_NE(text.find("enable the QEMU guest agent"), std::string::npos) << text;
    const auto stopped = guest("qemu", "stopped");
    text = err("proxmox-register-vm-as-host", {{"vmid", stopped.vmid}});
    EXPECT_NE(text.find("proxmox-start-vm"), std::string::npos) << text;
}

// ---- guest-exec ---------------------------------------------------------------------------------

TEST_F(AccessTools, GuestExecIsOffUnlessTheOperatorAllowsIt) {
    EXPECT_FALSE(listed().contains("proxmox-guest-exec"));
    EXPECT_TRUE(listed().contains("proxmox-register-vm-as-host"));
    auto text = err("proxmox-guest-exec", {{"vmid", 100}, {"command", "hostname"}, {"confirm", true}});
    EXPECT_NE(text.find("PROXMOX_ALLOW_GUEST_EXEC"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
    start_server({{"PROXMOX_ALLOW_GUEST_EXEC", "true"}});
    EXPECT_TRUE(listed().contains("proxmox-guest-exec"));
}

TEST_F(AccessTools, GuestExecRunsTheProgramAndReturnsItsOutput) {
    start_server({{"PROXMOX_ALLOW_GUEST_EXEC", "true"}});
    auto vm = running_vm(true);
    ASSERT_TRUE(vm);
    auto out = ok("proxmox-guest-exec",
                  {{"vmid", vm->vmid}, {"command", "uname"}, {"args", json::array{"-n"}}, {"confirm", true}});
    EXPECT_EQ(out.at("exitcode"), 0);
    EXPECT_EQ(out.at("stdout").as_string(), vm->name + "\n");
    EXPECT_EQ(out.at("stderr"), "");
    EXPECT_EQ(out.at("stdout_truncated"), false);
    // PVE takes the argv as repeated `command` values; there is no `args` parameter
    const std::string exec = "/nodes/" + vm->node + "/qemu/" + std::to_string(vm->vmid) + "/agent/exec";
    auto params = json::parse(last_params("POST", exec)).as_object();
    EXPECT_EQ(params.at("command"), (json::array{"uname", "-n"})) << json::serialize(params);
    EXPECT_FALSE(params.contains("args"));
    EXPECT_GE(count("GET", exec + "-status"), 1u);
}

TEST_F(AccessTools, GuestExecSplitsACommandLineAndPassesInput) {
    start_server({{"PROXMOX_ALLOW_GUEST_EXEC", "true"}});
    auto vm = running_vm(true);
    ASSERT_TRUE(vm);
    auto out =
        ok("proxmox-guest-exec", {{"vmid", vm->vmid}, {"command", "sh -c 'cat /nope'"}, {"confirm", true}});
    EXPECT_EQ(out.at("exitcode"), 1);
    EXPECT_NE(std::string(out.at("stderr").as_string()).find("No such file"), std::string::npos);
    out = ok("proxmox-guest-exec",
             {{"vmid", vm->vmid}, {"command", "cat"}, {"input_data", "hello"}, {"confirm", true}});
    EXPECT_EQ(out.at("stdout"), "hello");
    auto text = err("proxmox-guest-exec", {{"vmid", vm->vmid}, {"command", "echo 'open"}, {"confirm", true}});
    EXPECT_NE(text.find("unclosed quote"), std::string::npos) << text;
}

TEST_F(AccessTools, GuestExecCapsLongOutput) {
    start_server({{"PROXMOX_ALLOW_GUEST_EXEC", "true"}});
    auto vm = running_vm(true);
    ASSERT_TRUE(vm);
    json::array words;
    for (int i = 0; i < 6; ++i)
        words.push_back(json::value(std::string(4000, 'x')));
    // call(), not ok(): the fixture checks results with the input bound of 4096 characters per
    // string (schema_validation.hpp), which output text need not keep
    auto r = call("proxmox-guest-exec",
                  {{"vmid", vm->vmid}, {"command", "echo"}, {"args", words}, {"confirm", true}});
    ASSERT_FALSE(proxmox::mcp::testing::is_error(r)) << proxmox::mcp::testing::text_of(r);
    const auto& out = r.at("structuredContent").as_object();
    EXPECT_EQ(out.at("stdout_truncated"), true);
    EXPECT_EQ(out.at("stdout").as_string().size(), 16u * 1024);
    EXPECT_EQ(out.at("stderr_truncated"), false);
}

TEST_F(AccessTools, GuestExecWithoutConfirmSendsNothingAndPreviewMatches) {
    start_server({{"PROXMOX_ALLOW_GUEST_EXEC", "true"}});
    auto vm = running_vm(true);
    ASSERT_TRUE(vm);
    auto text = err("proxmox-guest-exec", {{"vmid", vm->vmid}, {"command", "hostname"}});
    EXPECT_NE(text.find("confirm: true"), std::string::npos) << text;
    EXPECT_NE(text.find("/agent/exec"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
    expect_preview_matches("proxmox-guest-exec", {{"vmid", vm->vmid}, {"command", "hostname"}});
}

TEST_F(AccessTools, GuestExecNeedsARunningVmWithAnAgent) {
    start_server({{"PROXMOX_ALLOW_GUEST_EXEC", "true"}});
    const auto stopped = guest("qemu", "stopped");
    auto text =
        err("proxmox-guest-exec", {{"vmid", stopped.vmid}, {"command", "hostname"}, {"confirm", true}});
    EXPECT_NE(text.find("proxmox-start-vm"), std::string::npos) << text;
    auto vm = running_vm(false);
    ASSERT_TRUE(vm);
    text = err("proxmox-guest-exec", {{"vmid", vm->vmid}, {"command", "hostname"}, {"confirm", true}});
    EXPECT_NE(text.find("enable the QEMU guest agent"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
    auto with_agent = running_vm(true);
    ASSERT_TRUE(with_agent);
    text = err("proxmox-guest-exec",
               {{"vmid", with_agent->vmid}, {"command", "no-such-program"}, {"confirm", true}});
    EXPECT_NE(text.find("no-such-program"), std::string::npos) << text;
}

TEST_F(AccessTools, GuestExecGivesUpAfterItsTimeout) {
    start_server({{"PROXMOX_ALLOW_GUEST_EXEC", "true"}});
    auto vm = running_vm(true);
    ASSERT_TRUE(vm);
    auto text = err("proxmox-guest-exec",
                    {{"vmid", vm->vmid}, {"command", "hostname"}, {"timeout", 1}, {"confirm", true}});
    EXPECT_NE(text.find("still running after 1 s"), std::string::npos) << text;
    EXPECT_NE(text.find("timeout"), std::string::npos) << text;
}

} // namespace
