// Users, roles, ACLs, effective permissions and resource pools against the simulator, incl. a
// restricted token with privilege separation.

#include "sdk_sim_fixture.hpp"

using namespace proxmox;

namespace {

constexpr const char* restricted_token = "alice@pve!ci";
constexpr const char* restricted_secret = "5b8a6a8e-2f4c-4b51-9d7e-3c1f0a6e9d21";

/// A simulator with user alice@pve (PVEAuditor on /) who owns a privilege-separated token
/// without ACL entries of its own: it starts with no privileges at all.
class restricted_sim : public proxmox::testing::sdk_sim_fixture {
protected:
    void tune(sim::options& o) override {
        o.users = {{"alice@pve", "alice-pw", "", "PVEAuditor"}};
        o.tokens = {{"root@pam", "sim", "root-secret-1", false},
                    {"alice@pve", "ci", restricted_secret, true}};
    }
    client_options restricted_options() const {
        auto o = token_options();
        o.token = {restricted_token, restricted_secret};
        return o;
    }
};

class AccessUsers : public restricted_sim {};
class AccessRoles : public proxmox::testing::sdk_sim_fixture {};
class AccessAcl : public restricted_sim {};
class Pools : public restricted_sim {};

TEST_F(AccessUsers, ListShowsGroupsAndTokens) {
    blocking_client pve(token_options());
    auto users = pve.run(pve.async().access().async_users());
    ASSERT_TRUE(users) << users.error().to_string();
    auto alice = std::find_if(users->begin(), users->end(),
                              [](const user_info& u) { return u.userid == "alice@pve"; });
    ASSERT_NE(alice, users->end());
    EXPECT_TRUE(alice->enable);
    EXPECT_EQ(alice->realm_type, "pve");
    ASSERT_EQ(alice->tokens.size(), 1u);
    EXPECT_EQ(alice->tokens[0].tokenid, "ci");
    EXPECT_TRUE(alice->tokens[0].privsep);
    ASSERT_EQ(count("GET", "/access/users"), 1u);
}

TEST_F(AccessUsers, CreateUpdateDelete) {
    blocking_client pve(token_options());
    auto group =
        pve.run(pve.async().async_request(http_method::post, "/access/groups", {{"groupid", "ops"}}));
    ASSERT_TRUE(group) << group.error().to_string();
    auto access = pve.async().access();

    user_create bob{.userid = "bob@pve", .password = std::string("s3cret-pw"), .email = "bob@example.com"};
    bob.groups = {"ops"};
    ASSERT_TRUE(pve.run(access.async_create_user(bob)));
    auto read = pve.run(access.async_user("bob@pve"));
    ASSERT_TRUE(read) << read.error().to_string();
    EXPECT_EQ(read->userid, "bob@pve");
    EXPECT_EQ(read->email, "bob@example.com");
    EXPECT_EQ(read->groups, std::vector<std::string>{"ops"});
    EXPECT_TRUE(read->enable);

    auto again = pve.run(access.async_create_user(bob));
    ASSERT_FALSE(again);
    EXPECT_NE(again.error().message.find("already exists"), std::string::npos) << again.error().message;

    user_update changes;
    changes.comment = "on call";
    changes.enable = false;
    ASSERT_TRUE(pve.run(access.async_update_user("bob@pve", changes)));
    read = pve.run(access.async_user("bob@pve"));
    ASSERT_TRUE(read) << read.error().to_string();
    EXPECT_EQ(read->comment, "on call");
    EXPECT_FALSE(read->enable);
    EXPECT_EQ(read->groups, std::vector<std::string>{"ops"}); // untouched

    ASSERT_TRUE(pve.run(access.async_delete_user("bob@pve")));
    auto users = pve.run(access.async_users());
    ASSERT_TRUE(users);
    for (const auto& u : *users)
        EXPECT_NE(u.userid, "bob@pve");
    auto gone = pve.run(access.async_user("bob@pve"));
    ASSERT_FALSE(gone);
}

TEST_F(AccessUsers, MalformedUseridIsRejectedBeforeSending) {
    blocking_client pve(token_options());
    const auto before = server().request_count();
    for (const char* id : {"", "bob", "bob@", "@pve", "a/b@pve"}) {
        auto r = pve.run(pve.async().access().async_user(id));
        ASSERT_FALSE(r) << id;
        EXPECT_EQ(r.error().code, errc::invalid_argument) << id;
    }
    auto created = pve.run(pve.async().access().async_create_user({.userid = "carol"}));
    ASSERT_FALSE(created);
    EXPECT_NE(created.error().message.find("USER@REALM"), std::string::npos);
    EXPECT_EQ(server().request_count(), before);
}

TEST_F(AccessRoles, BuiltinRolesWithPrivilegesAndCustomOnes) {
    blocking_client pve(token_options());
    auto created = pve.run(pve.async().async_request(
        http_method::post, "/access/roles", {{"roleid", "Snapshotter"}, {"privs", "VM.Snapshot,VM.Audit"}}));
    ASSERT_TRUE(created) << created.error().to_string();
    auto roles = pve.run(pve.async().access().async_roles());
    ASSERT_TRUE(roles) << roles.error().to_string();
    auto find = [&](std::string_view id) {
        return std::find_if(roles->begin(), roles->end(), [&](const role_info& r) { return r.roleid == id; });
    };
    auto admin = find("PVEVMAdmin");
    ASSERT_NE(admin, roles->end());
    EXPECT_TRUE(admin->builtin);
    EXPECT_NE(std::find(admin->privileges.begin(), admin->privileges.end(), "VM.PowerMgmt"),
              admin->privileges.end());
    auto custom = find("Snapshotter");
    ASSERT_NE(custom, roles->end());
    EXPECT_FALSE(custom->builtin);
    auto privs = custom->privileges;
    std::sort(privs.begin(), privs.end());
    EXPECT_EQ(privs, (std::vector<std::string>{"VM.Audit", "VM.Snapshot"}));
}

TEST_F(AccessAcl, RestrictedTokenIsDeniedUntilAssignedAndAgainAfterRevoke) {
    blocking_client root(token_options());
    blocking_client token(restricted_options());
    auto denied = token.run(token.async().node("pve").async_rrd());
    ASSERT_FALSE(denied);
    EXPECT_EQ(denied.error().code, errc::permission_denied);
    EXPECT_EQ(denied.error().http_status, 403u);
    EXPECT_NE(denied.error().message.find("Sys.Audit"), std::string::npos) << denied.error().message;

    const acl_change grant{
        .path = "/nodes", .roles = {"PVEAuditor"}, .subjects = {acl_subject::token(restricted_token)}};
    ASSERT_TRUE(root.run(root.async().access().async_assign(grant)));
    auto acl = root.run(root.async().access().async_acl());
    ASSERT_TRUE(acl) << acl.error().to_string();
    auto entry = std::find_if(acl->begin(), acl->end(), [](const acl_entry& e) { return e.type == "token"; });
    ASSERT_NE(entry, acl->end());
    EXPECT_EQ(entry->ugid, restricted_token);
    EXPECT_EQ(entry->path, "/nodes");
    EXPECT_EQ(entry->roleid, "PVEAuditor");
    EXPECT_TRUE(entry->propagate);

    auto allowed = token.run(token.async().node("pve").async_rrd());
    ASSERT_TRUE(allowed) << allowed.error().to_string();

    // the token sees its own privileges; another user's need Sys.Audit on /access
    auto own = token.run(token.async().access().async_permissions());
    ASSERT_TRUE(own) << own.error().to_string();
    EXPECT_TRUE(own->has("/nodes", "Sys.Audit"));
    EXPECT_FALSE(own->has("/nodes", "Sys.Modify"));
    auto other = token.run(token.async().access().async_permissions("root@pam"));
    ASSERT_FALSE(other);
    EXPECT_EQ(other.error().code, errc::permission_denied);
    auto by_root = root.run(root.async().access().async_permissions(restricted_token, "/nodes"));
    ASSERT_TRUE(by_root) << by_root.error().to_string();
    EXPECT_TRUE(by_root->has("/nodes", "Sys.Audit"));
    EXPECT_EQ(by_root->paths.size(), 1u);

    ASSERT_TRUE(root.run(root.async().access().async_revoke(grant)));
    acl = root.run(root.async().access().async_acl());
    ASSERT_TRUE(acl);
    EXPECT_TRUE(std::none_of(acl->begin(), acl->end(), [](const acl_entry& e) { return e.type == "token"; }));
    auto denied_again = token.run(token.async().node("pve").async_rrd());
    ASSERT_FALSE(denied_again);
    EXPECT_EQ(denied_again.error().code, errc::permission_denied);
}

TEST_F(AccessAcl, RestrictedTokenCannotGrantItselfMore) {
    blocking_client token(restricted_options());
    auto r = token.run(token.async().access().async_assign(
        {.path = "/", .roles = {"Administrator"}, .subjects = {acl_subject::token(restricted_token)}}));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::permission_denied);
    EXPECT_EQ(r.error().path, "/access/acl");
}

TEST_F(AccessAcl, BadChangesAreRejectedBeforeSending) {
    blocking_client root(token_options());
    const auto before = server().request_count();
    const acl_change bad[] = {
        {.path = "vms/100", .roles = {"PVEVMUser"}, .subjects = {acl_subject::user("alice@pve")}},
        {.path = "/vms/100", .roles = {""}, .subjects = {acl_subject::user("alice@pve")}},
        {.path = "/vms/100", .roles = {}, .subjects = {acl_subject::user("alice@pve")}},
        {.path = "/vms/100",
         .roles = {"PVEVMUser,Administrator"},
         .subjects = {acl_subject::user("alice@pve")}},
        {.path = "/vms/100", .roles = {"PVEVMUser"}, .subjects = {acl_subject::group("")}},
        {.path = "/vms/100", .roles = {"PVEVMUser"}, .subjects = {}},
        {.path = "/vms/100", .roles = {"PVEVMUser"}, .subjects = {acl_subject::user("a@pve,root@pam")}},
        {.path = "/vms/100", .roles = {"PVEVMUser"}, .subjects = {acl_subject::token("alice@pve")}},
    };
    for (const auto& c : bad) {
        auto r = root.run(root.async().access().async_assign(c));
        ASSERT_FALSE(r) << c.path;
        EXPECT_EQ(r.error().code, errc::invalid_argument) << r.error().message;
    }
    EXPECT_EQ(server().request_count(), before);
}

TEST_F(Pools, CreateAddListRemoveDelete) {
    blocking_client pve(token_options());
    auto pools = pve.async().pools();
    ASSERT_TRUE(pve.run(pools.async_create("dev", "development")));
    ASSERT_TRUE(pve.run(pools.async_add("dev", {.vmids = {100}, .storages = {"local"}})));

    auto dev = pve.run(pools.async_get("dev"));
    ASSERT_TRUE(dev) << dev.error().to_string();
    EXPECT_EQ(dev->comment, "development");
    EXPECT_TRUE(dev->members_read);
    EXPECT_EQ(dev->vmids(), std::vector<vmid_t>{100});
    EXPECT_EQ(dev->storages(), std::vector<std::string>{"local"});
    auto member =
        std::find_if(dev->members.begin(), dev->members.end(), [](const auto& m) { return m.vmid == 100u; });
    ASSERT_NE(member, dev->members.end());
    EXPECT_EQ(member->name, "web01");

    // membership shows in /cluster/resources
    auto resources = pve.run(pve.async().cluster().async_resources());
    ASSERT_TRUE(resources) << resources.error().to_string();
    bool pool_entry = false;
    for (const auto& r : *resources) {
        if (r.vmid == 100u) {
            EXPECT_EQ(r.pool, "dev");
        }
        if (r.type == "pool" && r.raw.contains("pool") && r.pool == "dev")
            pool_entry = true;
    }
    EXPECT_TRUE(pool_entry);

    auto list = pve.run(pools.async_list());
    ASSERT_TRUE(list) << list.error().to_string();
    ASSERT_EQ(list->size(), 1u);
    EXPECT_EQ((*list)[0].poolid, "dev");
    EXPECT_EQ((*list)[0].vmids(), std::vector<vmid_t>{100});
    auto ids_only = pve.run(pools.async_list(false));
    ASSERT_TRUE(ids_only);
    EXPECT_FALSE((*ids_only)[0].members_read);

    auto not_empty = pve.run(pools.async_delete("dev"));
    ASSERT_FALSE(not_empty);
    EXPECT_NE(not_empty.error().message.find("is not empty"), std::string::npos) << not_empty.error().message;

    ASSERT_TRUE(pve.run(pools.async_remove("dev", {.vmids = {100}, .storages = {"local"}})));
    dev = pve.run(pools.async_get("dev"));
    ASSERT_TRUE(dev);
    EXPECT_TRUE(dev->members.empty());
    ASSERT_TRUE(pve.run(pools.async_delete("dev")));
    list = pve.run(pools.async_list());
    ASSERT_TRUE(list);
    EXPECT_TRUE(list->empty());
    auto gone = pve.run(pools.async_get("dev"));
    ASSERT_FALSE(gone);
    EXPECT_NE(gone.error().message.find("does not exist"), std::string::npos) << gone.error().message;
}

TEST_F(Pools, MovingAGuestNeedsAllowMove) {
    blocking_client pve(token_options());
    auto pools = pve.async().pools();
    ASSERT_TRUE(pve.run(pools.async_create("dev")));
    ASSERT_TRUE(pve.run(pools.async_create("prod")));
    ASSERT_TRUE(pve.run(pools.async_add("dev", {.vmids = {100}})));
    auto refused = pve.run(pools.async_add("prod", {.vmids = {100}}));
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("allow-move"), std::string::npos) << refused.error().message;
    ASSERT_TRUE(pve.run(pools.async_add("prod", {.vmids = {100}, .allow_move = true})));
    auto dev = pve.run(pools.async_get("dev"));
    auto prod = pve.run(pools.async_get("prod"));
    ASSERT_TRUE(dev && prod);
    EXPECT_TRUE(dev->vmids().empty());
    EXPECT_EQ(prod->vmids(), std::vector<vmid_t>{100});
}

TEST_F(Pools, RestrictedTokenIsDenied) {
    blocking_client token(restricted_options());
    auto created = token.run(token.async().pools().async_create("mine"));
    ASSERT_FALSE(created);
    EXPECT_EQ(created.error().code, errc::permission_denied);
    EXPECT_NE(created.error().message.find("Pool.Allocate"), std::string::npos) << created.error().message;
    // lists show only what the caller may audit
    blocking_client root(token_options());
    ASSERT_TRUE(root.run(root.async().pools().async_create("dev")));
    auto list = token.run(token.async().pools().async_list());
    ASSERT_TRUE(list) << list.error().to_string();
    EXPECT_TRUE(list->empty());
}

TEST_F(Pools, BadInputIsRejectedBeforeSending) {
    blocking_client pve(token_options());
    const auto before = server().request_count();
    auto pools = pve.async().pools();
    auto r1 = pve.run(pools.async_create(""));
    auto r2 = pve.run(pools.async_add("dev", {}));
    auto r3 = pve.run(pools.async_add("dev", {.vmids = {42}}));
    auto r4 = pve.run(pools.async_get(""));
    for (const auto* r : {&r1, &r2, &r3}) {
        ASSERT_FALSE(*r);
        EXPECT_EQ(r->error().code, errc::invalid_argument) << r->error().message;
    }
    ASSERT_FALSE(r4);
    EXPECT_EQ(r4.error().code, errc::invalid_argument);
    EXPECT_NE(r3.error().message.find("42"), std::string::npos);
    EXPECT_EQ(server().request_count(), before);
}

} // namespace

namespace {

TEST_F(AccessAcl, OneChangeGrantsSeveralRolesToSeveralSubjects) {
    blocking_client root(token_options());
    ASSERT_TRUE(root.run(root.async().access().async_create_user({.userid = "bob@pve"}))); // alice exists
    const acl_change grant{.path = "/vms/100",
                           .roles = {"PVEVMUser", "PVEAuditor"},
                           .subjects = {acl_subject::user("alice@pve"), acl_subject::user("bob@pve"),
                                        acl_subject::token(restricted_token)}};
    const auto puts = count("PUT", "/access/acl");
    ASSERT_TRUE(root.run(root.async().access().async_assign(grant)));
    EXPECT_EQ(count("PUT", "/access/acl"), puts + 1); // one request for all six pairs
    auto acl = root.run(root.async().access().async_acl());
    ASSERT_TRUE(acl) << acl.error().to_string();
    std::set<std::string> pairs;
    for (const auto& e : *acl)
        if (e.path == "/vms/100")
            pairs.insert(e.ugid + " " + e.roleid);
    EXPECT_EQ(pairs,
              (std::set<std::string>{"alice@pve PVEAuditor", "alice@pve PVEVMUser", "bob@pve PVEAuditor",
                                     "bob@pve PVEVMUser", std::string(restricted_token) + " PVEAuditor",
                                     std::string(restricted_token) + " PVEVMUser"}));

    ASSERT_TRUE(root.run(root.async().access().async_revoke(grant)));
    acl = root.run(root.async().access().async_acl());
    ASSERT_TRUE(acl);
    EXPECT_TRUE(
        std::none_of(acl->begin(), acl->end(), [](const acl_entry& e) { return e.path == "/vms/100"; }));
}

} // namespace
