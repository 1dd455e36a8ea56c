// proxmox::sim over plain HTTPS: users, tokens, groups, roles, ACLs, pools, and the permission
// checks every call goes through (pve-access-control RPCEnvironment.pm).
#include "client.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <set>

namespace {

using namespace simtest;

reply send(client& c, const std::string& method, const std::string& path, const std::string& form = {}) {
    request r;
    r.method = method;
    r.target = "/api2/json" + path;
    r.body = form;
    if (!form.empty())
        r.content_type = "application/x-www-form-urlencoded";
    return c.send(r);
}

std::string message(const reply& r) {
    return text(body_json(r), "message");
}

/// The `errors` member of a 400 answer.
json::object param_errors(const reply& r) {
    EXPECT_EQ(r.status, 400u) << r.body;
    auto v = body_json(r);
    const auto* e = v.is_object() ? v.as_object().if_contains("errors") : nullptr;
    return e && e->is_object() ? e->as_object() : json::object{};
}

std::set<std::string> vmids_of(const json::value& list) {
    std::set<std::string> out;
    for (const auto& g : list.as_array())
        out.insert(std::to_string(g.at("vmid").to_number<int>()));
    return out;
}

/// A cluster with root's token and two users seeded as Administrators on `/`: bob (token
/// bob@pve!cli, not privilege separated, so it acts as bob) and carol (password login).
class AccessFixture : public proxmox::testing::sim_fixture {
protected:
    void tune(proxmox::sim::options& o) override {
        o.tokens = {{"root@pam", "sim", "root-secret"}, {"bob@pve", "cli", "bob-secret"}};
        o.users = {{"bob@pve", "bobs-password", ""}, {"carol@pve", "carols-password", ""}};
    }

    void SetUp() override {
        sim_fixture::SetUp();
        root = std::make_unique<client>(info());
        bob = as_token("bob@pve!cli", "bob-secret");
        auto [node, vmid] = stopped_vm(*root);
        vm_node = node;
        vm = vmid;
    }

    std::unique_ptr<client> as_token(const std::string& id, const std::string& secret) {
        auto i = info();
        i.token_id = id;
        i.token_secret = secret;
        return std::make_unique<client>(i);
    }

    void grant(const std::string& path,
               const std::string& who_key,
               const std::string& who,
               const std::string& role,
               const std::string& extra = "") {
        auto r = send(*root, "PUT", "/access/acl",
                      "path=" + form_value(path) + "&" + who_key + "=" + form_value(who) + "&roles=" + role +
                          extra);
        ASSERT_EQ(r.status, 200u) << r.body;
    }

    std::string start_path() const { return "/nodes/" + vm_node + "/qemu/" + vm + "/status/start"; }

    std::unique_ptr<client> root, bob;
    std::string vm_node, vm;
};

// --- roles -----------------------------------------------------------------------------------

TEST_F(AccessFixture, AccessRolesBuiltInRolesHavePve9Privileges) {
    auto roles = data(root->get("/access/roles"));
    std::map<std::string, std::string> privs;
    for (const auto& r : roles.as_array()) {
        EXPECT_EQ(number(r, "special"), 1) << text(r, "roleid");
        privs[text(r, "roleid")] = text(r, "privs");
    }
    EXPECT_EQ(privs.size(), 17u);
    EXPECT_EQ(privs["NoAccess"], "");
    EXPECT_EQ(privs["PVEVMUser"], "VM.Audit,VM.Backup,VM.Config.CDROM,VM.Config.Cloudinit,VM.Console,"
                                  "VM.GuestAgent.Audit,VM.GuestAgent.FileRead,VM.GuestAgent.FileSystemMgmt,"
                                  "VM.GuestAgent.FileWrite,VM.PowerMgmt");
    EXPECT_EQ(privs["PVEAuditor"], "Datastore.Audit,Mapping.Audit,Pool.Audit,SDN.Audit,Sys.Audit,VM.Audit,"
                                   "VM.GuestAgent.Audit");
    EXPECT_EQ(privs["PVETemplateUser"], "VM.Audit,VM.Clone");
    EXPECT_EQ(privs["PVESysAdmin"], "Sys.Audit,Sys.Console,Sys.Syslog");
    EXPECT_EQ(privs["PVEUserAdmin"], "Group.Allocate,Realm.AllocateUser,User.Modify");
    EXPECT_EQ(privs["PVEDatastoreUser"], "Datastore.AllocateSpace,Datastore.Audit");
    EXPECT_EQ(privs["PVEPoolAdmin"], "Pool.Allocate,Pool.Audit");
    EXPECT_EQ(privs["PVEMappingAdmin"], "Mapping.Audit,Mapping.Modify,Mapping.Use");
    EXPECT_EQ(privs["PVEAdmin"].find("Mapping.Modify"), std::string::npos);
    EXPECT_EQ(privs["PVEAdmin"].find("Sys.Modify"), std::string::npos) << "root-group privileges";
    EXPECT_NE(privs["Administrator"].find("Sys.AccessNetwork"), std::string::npos);
    EXPECT_NE(privs["Administrator"].find("Permissions.Modify"), std::string::npos);

    auto one = data(root->get("/access/roles/PVETemplateUser"));
    EXPECT_EQ(json::serialize(one), R"({"VM.Audit":1,"VM.Clone":1})");
    auto missing = root->get("/access/roles/Nope");
    EXPECT_EQ(missing.status, 500u);
    EXPECT_EQ(message(missing), "role 'Nope' does not exist\n");
}

TEST_F(AccessFixture, AccessRolesCustomRolesAndPveErrors) {
    ASSERT_EQ(root->post("/access/roles", "roleid=Operator&privs=VM.PowerMgmt,VM.Console").status, 200u);
    EXPECT_EQ(json::serialize(data(root->get("/access/roles/Operator"))),
              R"({"VM.Console":1,"VM.PowerMgmt":1})");
    ASSERT_EQ(send(*root, "PUT", "/access/roles/Operator", "privs=VM.Audit&append=1").status, 200u);
    EXPECT_EQ(data(root->get("/access/roles/Operator")).as_object().size(), 3u);
    ASSERT_EQ(send(*root, "PUT", "/access/roles/Operator", "privs=VM.Audit").status, 200u);
    EXPECT_EQ(json::serialize(data(root->get("/access/roles/Operator"))), R"({"VM.Audit":1})");

    auto again = root->post("/access/roles", "roleid=Operator");
    EXPECT_EQ(again.status, 500u);
    EXPECT_EQ(message(again), "create role failed: role 'Operator' already exists\n");
    EXPECT_EQ(param_errors(root->post("/access/roles", "roleid=pveMine")).at("roleid"),
              "cannot use role ID starting with the (case-insensitive) 'PVE' namespace");
    EXPECT_EQ(param_errors(root->post("/access/roles", "roleid=Old&privs=VM.Monitor")).at("privs"),
              "invalid format - invalid privilege 'VM.Monitor'\n")
        << "PVE 9 dropped VM.Monitor";

    auto builtin = send(*root, "PUT", "/access/roles/PVEVMUser", "privs=VM.Audit");
    EXPECT_EQ(builtin.status, 500u);
    EXPECT_EQ(message(builtin), "auto-generated role 'PVEVMUser' cannot be modified\n");
    EXPECT_EQ(message(send(*root, "DELETE", "/access/roles/NoAccess")),
              "auto-generated role 'NoAccess' cannot be deleted\n");

    grant("/vms", "users", "carol@pve", "Operator");
    ASSERT_EQ(send(*root, "DELETE", "/access/roles/Operator").status, 200u);
    EXPECT_EQ(message(send(*root, "DELETE", "/access/roles/Operator")),
              "delete role failed: role 'Operator' does not exist\n");
    const auto acl = data(root->get("/access/acl"));
    for (const auto& e : acl.as_array())
        EXPECT_NE(text(e, "roleid"), "Operator") << "ACL entries of a deleted role go too";
}

TEST(AccessSeed, OptionsUsersGetTheirRoleOnRoot) {
    auto o = quick_sim_options();
    o.users = {{"dan@pve", "dans-password", "", "PVEAuditor"}, {"eve@pve", "eves-password", "", ""}};
    o.tokens = {{"root@pam", "sim", "s"}, {"ci@pve", "job", "t", true}};
    proxmox::sim::server sim(o);
    client c(sim.start());
    EXPECT_EQ(json::serialize(data(c.get("/access/acl"))),
              R"([{"path":"/","type":"user","ugid":"ci@pve","roleid":"Administrator","propagate":1},)"
              R"({"path":"/","type":"user","ugid":"dan@pve","roleid":"PVEAuditor","propagate":1}])");
    EXPECT_EQ(json::serialize(data(c.get("/access/users/ci@pve/token/job"))), R"({"privsep":1,"expire":0})");
    auto i = sim.info();
    i.token_id = "ci@pve!job";
    i.token_secret = "t";
    client ci(i);
    EXPECT_TRUE(data(ci.get("/cluster/resources?type=vm")).as_array().empty())
        << "privsep token without ACLs";

    auto bad = quick_sim_options();
    bad.users = {{"dan@pve", "dans-password", "", "NoSuchRole"}};
    EXPECT_THROW(proxmox::sim::server(bad).start(), std::invalid_argument);
}

// --- users and groups ------------------------------------------------------------------------

TEST_F(AccessFixture, AccessUsersCreateReadUpdateDelete) {
    ASSERT_EQ(root->post("/access/groups", "groupid=ops&comment=operators").status, 200u);
    ASSERT_EQ(
        root->post("/access/users", "userid=dave@pve&password=longenough&firstname=Dave&groups=ops&expire=0")
            .status,
        200u);

    auto dave = data(root->get("/access/users/dave@pve"));
    EXPECT_EQ(number(dave, "enable"), 1);
    EXPECT_EQ(number(dave, "expire"), 0);
    EXPECT_EQ(text(dave, "firstname"), "Dave");
    EXPECT_EQ(json::serialize(dave.at("groups")), R"(["ops"])");
    EXPECT_TRUE(dave.at("tokens").is_null());
    EXPECT_FALSE(dave.as_object().contains("lastname"));

    auto list = data(root->get("/access/users?full=1"));
    std::map<std::string, json::object> by_id;
    for (const auto& u : list.as_array())
        by_id[text(u, "userid")] = u.as_object();
    ASSERT_TRUE(by_id.contains("root@pam") && by_id.contains("bob@pve") && by_id.contains("dave@pve"));
    EXPECT_EQ(text(by_id["dave@pve"], "groups"), "ops");
    EXPECT_EQ(text(by_id["root@pam"], "realm-type"), "pam");
    EXPECT_EQ(text(by_id["bob@pve"], "realm-type"), "pve");
    ASSERT_TRUE(by_id["bob@pve"].at("tokens").is_array());
    EXPECT_EQ(text(by_id["bob@pve"].at("tokens").as_array()[0], "tokenid"), "cli");
    EXPECT_FALSE(data(root->get("/access/users")).as_array()[0].as_object().contains("groups"))
        << "groups and tokens only with full=1";
    EXPECT_EQ(json::serialize(data(root->get("/access/groups/ops")).at("members")), R"(["dave@pve"])");

    ASSERT_EQ(root->post("/access/groups", "groupid=qa").status, 200u);
    ASSERT_EQ(send(*root, "PUT", "/access/users/dave@pve", "enable=0&lastname=Doe&groups=qa").status, 200u);
    dave = data(root->get("/access/users/dave@pve"));
    EXPECT_EQ(number(dave, "enable"), 0);
    EXPECT_EQ(text(dave, "lastname"), "Doe");
    EXPECT_EQ(json::serialize(dave.at("groups")), R"(["qa"])") << "groups replace the memberships";
    ASSERT_EQ(send(*root, "PUT", "/access/users/dave@pve", "groups=ops&append=1").status, 200u);
    EXPECT_EQ(json::serialize(data(root->get("/access/users/dave@pve")).at("groups")), R"(["ops","qa"])");
    bool disabled_listed = false;
    const auto enabled = data(root->get("/access/users?enabled=1"));
    for (const auto& u : enabled.as_array())
        disabled_listed = disabled_listed || text(u, "userid") == "dave@pve";
    EXPECT_FALSE(disabled_listed);

    auto dup = root->post("/access/users", "userid=dave@pve");
    EXPECT_EQ(dup.status, 500u);
    EXPECT_EQ(message(dup), "create user failed: user 'dave@pve' already exists\n");
    EXPECT_EQ(message(root->post("/access/users", "userid=erin@pve&groups=nope")),
              "create user failed: no such group 'nope'\n");
    EXPECT_EQ(message(root->post("/access/users", "userid=erin@ldap&password=longenough")),
              "create user failed: auth domain 'ldap' does not exist\n");
    // a token is not root@pam: userid-group's check_user_exist fails before the handler runs
    EXPECT_EQ(message(send(*root, "PUT", "/access/users/nobody@pve", "comment=x")),
              "no such user ('nobody@pve')\n");

    ASSERT_EQ(send(*root, "DELETE", "/access/users/dave@pve").status, 200u);
    auto gone = root->get("/access/users/dave@pve");
    EXPECT_EQ(gone.status, 500u);
    EXPECT_EQ(message(gone), "no such user ('dave@pve')\n");
}

TEST_F(AccessFixture, AccessUsersPasswordLoginFollowsTheUserState) {
    ASSERT_EQ(root->post("/access/users", "userid=erin@pve&password=erins-secret").status, 200u);
    auto ticket = text(data(ticket_login(*root, "username=erin@pve&password=erins-secret")), "ticket");
    ASSERT_FALSE(ticket.empty());

    request get;
    get.target = "/api2/json/version";
    get.auth = false;
    get.headers = {{"Cookie", "PVEAuthCookie=" + encode_segment(ticket)}};
    EXPECT_EQ(root->send(get).status, 200u);

    ASSERT_EQ(send(*root, "PUT", "/access/users/erin@pve", "enable=0").status, 200u);
    auto refused = root->send(get);
    EXPECT_EQ(refused.status, 401u);
    EXPECT_EQ(refused.reason, "user 'erin@pve' is disabled");
    EXPECT_EQ(ticket_login(*root, "username=erin@pve&password=erins-secret").status, 401u);
    ASSERT_EQ(send(*root, "DELETE", "/access/users/erin@pve").status, 200u);
    EXPECT_EQ(root->send(get).reason, "no such user ('erin@pve')");
}

TEST_F(AccessFixture, AccessGroupsLifecycleAndErrors) {
    ASSERT_EQ(root->post("/access/groups", "groupid=devs").status, 200u);
    EXPECT_EQ(message(root->post("/access/groups", "groupid=devs")),
              "create group failed: group 'devs' already exists\n");
    EXPECT_EQ(param_errors(root->post("/access/groups", "groupid=bad%20name")).at("groupid"),
              "invalid format - group name 'bad name' contains invalid characters\n");
    ASSERT_EQ(send(*root, "PUT", "/access/groups/devs", "comment=developers").status, 200u);
    auto list = data(root->get("/access/groups"));
    ASSERT_EQ(list.as_array().size(), 1u);
    EXPECT_EQ(json::serialize(list), R"([{"groupid":"devs","comment":"developers","users":""}])");
    EXPECT_EQ(message(send(*root, "PUT", "/access/groups/nope", "comment=x")),
              "update group failed: group 'nope' does not exist\n");
    EXPECT_EQ(message(root->get("/access/groups/nope")), "group 'nope' does not exist\n");

    grant("/vms", "groups", "devs", "PVEAuditor");
    ASSERT_EQ(send(*root, "DELETE", "/access/groups/devs").status, 200u);
    EXPECT_TRUE(data(root->get("/access/acl")).as_array().size() == 2u) << "only the seeded entries remain";
    EXPECT_EQ(message(send(*root, "DELETE", "/access/groups/devs")),
              "delete group failed: group 'devs' does not exist\n");
}

// --- tokens ----------------------------------------------------------------------------------

TEST_F(AccessFixture, AccessTokensCreatedTokensAuthenticateUntilDeleted) {
    auto created = data(root->post("/access/users/carol@pve/token/ci", "comment=pipeline"));
    EXPECT_EQ(text(created, "full-tokenid"), "carol@pve!ci");
    EXPECT_EQ(json::serialize(created.at("info")), R"({"privsep":1,"comment":"pipeline"})");
    const std::string secret = text(created, "value");
    EXPECT_TRUE(std::regex_match(
        secret, std::regex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")))
        << secret;

    auto ci = as_token("carol@pve!ci", secret);
    EXPECT_EQ(ci->get("/version").status, 200u);
    EXPECT_EQ(as_token("carol@pve!ci", "wrong")->get("/version").status, 401u);

    auto dup = root->post("/access/users/carol@pve/token/ci");
    EXPECT_EQ(param_errors(dup).at("tokenid"), "Token already exists.");
    auto nobody = root->post("/access/users/nobody@pve/token/xx");
    EXPECT_EQ(nobody.status, 403u) << "both parts of the `or` fail quietly for an unknown user";
    EXPECT_EQ(message(nobody), "Permission check failed\n");
    EXPECT_EQ(message(root->get("/access/users/carol@pve/token/nope")),
              "no such token 'nope' for user 'carol@pve'\n");

    auto listed = data(root->get("/access/users/carol@pve/token"));
    EXPECT_EQ(json::serialize(listed), R"([{"privsep":1,"expire":0,"comment":"pipeline","tokenid":"ci"}])");
    auto updated =
        data(send(*root, "PUT", "/access/users/carol@pve/token/ci", "privsep=0&expire=4102444800"));
    EXPECT_EQ(json::serialize(updated), R"({"privsep":0,"expire":4102444800,"comment":"pipeline"})");

    ASSERT_EQ(send(*root, "DELETE", "/access/users/carol@pve/token/ci").status, 200u);
    ci->disconnect();
    EXPECT_EQ(ci->get("/version").status, 401u);
}

TEST_F(AccessFixture, AccessTokensExpiredTokensAndDisabledOwnersFail) {
    auto secret = text(data(root->post("/access/users/carol@pve/token/old", "expire=1000")), "value");
    EXPECT_EQ(as_token("carol@pve!old", secret)->get("/version").status, 401u) << "expired in 1970";
    ASSERT_EQ(send(*root, "DELETE", "/access/users/bob@pve/token/cli").status, 200u);
    EXPECT_EQ(bob->get("/version").status, 401u);
}

// --- ACLs ------------------------------------------------------------------------------------

TEST_F(AccessFixture, AccessAclSetListDeleteAndPveErrors) {
    auto seeded = data(root->get("/access/acl"));
    EXPECT_EQ(json::serialize(seeded),
              R"([{"path":"/","type":"user","ugid":"bob@pve","roleid":"Administrator","propagate":1},)"
              R"({"path":"/","type":"user","ugid":"carol@pve","roleid":"Administrator","propagate":1}])");
    // the seeded rights of bob and carol are not what these tests want
    for (const std::string who : {"bob@pve", "carol@pve"})
        grant("/", "users", who, "Administrator", "&delete=1");
    EXPECT_TRUE(data(root->get("/access/acl")).as_array().empty());

    grant("/vms/" + vm, "users", "carol@pve", "PVEVMUser", "&propagate=0");
    grant("/vms/" + vm, "tokens", "bob@pve!cli", "PVEAuditor");
    auto acl = data(root->get("/access/acl"));
    ASSERT_EQ(acl.as_array().size(), 2u);
    EXPECT_EQ(text(acl.as_array()[0], "type"), "user");
    EXPECT_EQ(number(acl.as_array()[0], "propagate"), 0);
    EXPECT_EQ(text(acl.as_array()[1], "ugid"), "bob@pve!cli");

    auto none = send(*root, "PUT", "/access/acl", "path=/&roles=PVEAuditor");
    auto errors = param_errors(none);
    EXPECT_EQ(errors.at("users"), "either 'users', 'groups' or 'tokens' is required.");
    EXPECT_EQ(errors.at("groups"), "either 'users', 'groups' or 'tokens' is required.");
    EXPECT_EQ(param_errors(send(*root, "PUT", "/access/acl", "path=/bogus&users=carol@pve&roles=PVEAuditor"))
                  .at("path"),
              "invalid ACL path '/bogus'");
    EXPECT_EQ(message(send(*root, "PUT", "/access/acl", "path=/&users=carol@pve&roles=Nope")),
              "ACL update failed: role 'Nope' does not exist\n");
    EXPECT_EQ(message(send(*root, "PUT", "/access/acl", "path=/&users=zed@pve&roles=PVEAuditor")),
              "ACL update failed: user 'zed@pve' does not exist\n");
    EXPECT_EQ(message(send(*root, "PUT", "/access/acl", "path=/&groups=nope&roles=PVEAuditor")),
              "ACL update failed: group 'nope' does not exist\n");
    EXPECT_EQ(message(send(*root, "PUT", "/access/acl", "path=/&tokens=carol@pve!xx&roles=PVEAuditor")),
              "ACL update failed: no such token 'xx' for user 'carol@pve'\n");
    EXPECT_EQ(param_errors(send(*root, "PUT", "/access/acl", "path=/&tokens=carol@pve!x&roles=PVEAuditor"))
                  .at("tokens"),
              "invalid format - value 'carol@pve!x' does not look like a valid token ID\n");
    EXPECT_EQ(data(root->get("/access/acl")).as_array().size(), 2u) << "failed updates change nothing";
}

// --- permission checks -----------------------------------------------------------------------

class PermissionCheck : public AccessFixture {
protected:
    void SetUp() override {
        AccessFixture::SetUp();
        for (const std::string who : {"bob@pve", "carol@pve"})
            grant("/", "users", who, "Administrator", "&delete=1");
    }
};

TEST_F(PermissionCheck, MissingPrivilegeIsA403WithPvesText) {
    auto denied = bob->post(start_path());
    EXPECT_EQ(denied.status, 403u);
    EXPECT_EQ(denied.reason, "Permission check failed (/vms/" + vm + ", VM.PowerMgmt)");
    EXPECT_EQ(message(denied), "Permission check failed (/vms/" + vm + ", VM.PowerMgmt)\n");
    EXPECT_EQ(bob->get("/version").status, 200u) << "user: all";

    grant("/vms/" + vm, "users", "bob@pve", "PVEVMUser");
    auto ok = bob->post(start_path());
    ASSERT_EQ(ok.status, 200u) << ok.body;
    EXPECT_TRUE(std::string(body_json(ok).at("data").as_string()).ends_with(":bob@pve!cli:"));
    auto cfg =
        bob->send(request{"POST", "/api2/json/nodes/" + vm_node + "/qemu/" + vm + "/template", "", "", {}});
    EXPECT_EQ(cfg.status, 403u);
    EXPECT_EQ(cfg.reason, "Permission check failed (/vms/" + vm + ", VM.Allocate)");
}

TEST_F(PermissionCheck, AnyOfSeveralPrivilegesAndRootOnlyCalls) {
    auto any = bob->get("/nodes/" + vm_node + "/qemu/" + vm + "/agent/info");
    EXPECT_EQ(any.status, 403u);
    EXPECT_EQ(any.reason,
              "Permission check failed (/vms/" + vm + ", VM.GuestAgent.Audit|VM.GuestAgent.Unrestricted)");
    // no permissions in the schema: root@pam only, not even root's own token
    auto root_only = root->get("/cluster/backup-info");
    EXPECT_EQ(root_only.status, 403u);
    EXPECT_EQ(root_only.reason, "Permission check failed (user != root@pam)");
}

TEST_F(PermissionCheck, PropagationGroupsAndNoAccess) {
    grant("/vms", "users", "bob@pve", "PVEVMUser", "&propagate=0");
    EXPECT_EQ(bob->post(start_path()).status, 403u) << "an entry on /vms without propagate covers /vms only";
    grant("/vms", "users", "bob@pve", "PVEVMUser");
    EXPECT_EQ(bob->post(start_path()).status, 200u);

    grant("/vms/" + vm, "users", "bob@pve", "NoAccess");
    EXPECT_EQ(bob->post(start_path()).status, 403u) << "NoAccess on the guest wins";
    grant("/vms/" + vm, "users", "bob@pve", "NoAccess", "&delete=1");

    ASSERT_EQ(root->post("/access/groups", "groupid=ops").status, 200u);
    ASSERT_EQ(send(*root, "PUT", "/access/users/carol@pve", "groups=ops").status, 200u);
    grant("/vms/" + vm, "groups", "ops", "PVEVMAdmin");
    auto carol = data(root->get("/access/permissions?userid=carol@pve&path=/vms/" + vm));
    EXPECT_TRUE(carol.at("/vms/" + vm).as_object().contains("VM.Allocate"));
    // a user entry on the same node beats the group entry
    grant("/vms/" + vm, "users", "carol@pve", "PVEAuditor");
    carol = data(root->get("/access/permissions?userid=carol@pve&path=/vms/" + vm));
    EXPECT_FALSE(carol.at("/vms/" + vm).as_object().contains("VM.Allocate"));
    EXPECT_TRUE(carol.at("/vms/" + vm).as_object().contains("VM.Audit"));
}

TEST_F(PermissionCheck, PrivilegeSeparatedTokensGetTheIntersection) {
    auto token = data(root->post("/access/users/bob@pve/token/sep"));
    auto sep = as_token("bob@pve!sep", text(token, "value"));
    grant("/vms", "users", "bob@pve", "PVEVMUser");
    EXPECT_EQ(sep->post(start_path()).status, 403u) << "a privsep token without ACLs has nothing";
    grant("/vms/" + vm, "tokens", "bob@pve!sep", "PVEVMAdmin", "&propagate=0");
    EXPECT_EQ(sep->post(start_path()).status, 200u);

    auto perms = data(sep->get("/access/permissions?path=/vms/" + vm)).at("/vms/" + vm).as_object();
    EXPECT_TRUE(perms.contains("VM.PowerMgmt"));
    EXPECT_FALSE(perms.contains("VM.Allocate")) << "bob himself lacks it";
    EXPECT_EQ(perms.at("VM.PowerMgmt"), 0) << "propagates only when both entries do";

    // one token is not the owner of another, nor may it read its user's permissions
    EXPECT_EQ(bob->get("/access/permissions?userid=bob@pve!sep").status, 403u);
    auto denied = sep->get("/access/permissions?userid=bob@pve");
    EXPECT_EQ(denied.status, 403u);
    EXPECT_EQ(denied.reason, "Permission check failed (/access, Sys.Audit)");
}

TEST_F(PermissionCheck, PoolMembershipGrantsGuestPrivileges) {
    ASSERT_EQ(root->post("/pools", "poolid=team").status, 200u);
    ASSERT_EQ(send(*root, "PUT", "/pools", "poolid=team&vms=" + vm).status, 200u);
    grant("/pool/team", "users", "bob@pve", "PVEVMUser");
    EXPECT_EQ(bob->post(start_path()).status, 200u);
    EXPECT_EQ(vmids_of(data(bob->get("/cluster/resources?type=vm"))), std::set<std::string>{vm});
    EXPECT_EQ(vmids_of(data(bob->get("/nodes/" + vm_node + "/qemu"))), std::set<std::string>{vm});
    EXPECT_TRUE(data(bob->get("/pools")).as_array().empty()) << "PVEVMUser has no Pool.Audit";
    grant("/pool/team", "users", "bob@pve", "PVEPoolUser");
    EXPECT_EQ(json::serialize(data(bob->get("/pools"))), R"([{"poolid":"team"}])");

    // NoAccess on the guest itself is not trumped by the pool
    grant("/vms/" + vm, "users", "bob@pve", "NoAccess");
    EXPECT_EQ(bob->post(start_path()).status, 403u);
}

TEST_F(PermissionCheck, ListsOnlyShowWhatTheCallerMayAudit) {
    EXPECT_TRUE(data(bob->get("/cluster/resources?type=vm")).as_array().empty());
    EXPECT_TRUE(data(bob->get("/nodes/" + vm_node + "/qemu")).as_array().empty());
    EXPECT_TRUE(data(bob->get("/cluster/resources?type=storage")).as_array().empty());
    auto users = data(bob->get("/access/users"));
    ASSERT_EQ(users.as_array().size(), 0u) << "a token is not its user: no own entry";
    EXPECT_TRUE(data(bob->get("/access/acl")).as_array().empty());

    grant("/", "users", "bob@pve", "PVEAuditor");
    EXPECT_FALSE(data(bob->get("/cluster/resources?type=vm")).as_array().empty());
    EXPECT_EQ(data(bob->get("/access/users")).as_array().size(), 3u) << "Sys.Audit on /access/groups";
    EXPECT_EQ(data(bob->get("/access/acl")).as_array().size(), 1u) << "Sys.Audit on /access";
}

TEST_F(PermissionCheck, UserAdministrationChecks) {
    // userid-param(Realm.AllocateUser) and userid-group(User.Modify, groups_param, create)
    auto create = bob->post("/access/users", "userid=frank@pve");
    EXPECT_EQ(create.status, 403u);
    EXPECT_EQ(create.reason, "Permission check failed (/access/realm/pve, Realm.AllocateUser)");
    grant("/access/realm/pve", "users", "bob@pve", "PVEUserAdmin");
    create = bob->post("/access/users", "userid=frank@pve");
    EXPECT_EQ(create.reason, "Permission check failed (/access/groups, User.Modify)");
    grant("/access/groups", "users", "bob@pve", "PVEUserAdmin");
    EXPECT_EQ(bob->post("/access/users", "userid=frank@pve").status, 200u);

    // tokens: the owner (with a ticket) or User.Modify on the user
    auto other = bob->get("/access/users/carol@pve/token");
    EXPECT_EQ(other.status, 200u) << "User.Modify on /access/groups covers every user";
    auto unknown = bob->get("/access/users/nobody@pve/token");
    EXPECT_EQ(unknown.status, 403u) << "both parts of the `or` fail quietly";
    EXPECT_EQ(unknown.reason, "Permission check failed");
    auto read = bob->get("/access/users/nobody@pve");
    EXPECT_EQ(read.status, 500u) << "userid-group without noerr dies in check_user_exist";
    EXPECT_EQ(message(read), "no such user ('nobody@pve')\n");
}

TEST_F(PermissionCheck, LoginCapabilitiesFollowThePrivileges) {
    grant("/vms", "users", "carol@pve", "PVEVMUser");
    auto cap = data(ticket_login(*root, "username=carol@pve&password=carols-password")).at("cap").as_object();
    EXPECT_TRUE(cap.at("vms").as_object().contains("VM.PowerMgmt"));
    EXPECT_FALSE(cap.at("vms").as_object().contains("VM.Allocate"));
    EXPECT_TRUE(cap.at("nodes").as_object().empty());
    EXPECT_TRUE(cap.at("dc").as_object().empty());
}

// --- pools -----------------------------------------------------------------------------------

TEST_F(AccessFixture, AccessPoolsMembersMovesAndPveErrors) {
    ASSERT_EQ(root->post("/pools", "poolid=dev&comment=developers").status, 200u);
    ASSERT_EQ(root->post("/pools", "poolid=ops").status, 200u);
    EXPECT_EQ(message(root->post("/pools", "poolid=dev")), "create pool failed: pool 'dev' already exists\n");
    ASSERT_EQ(send(*root, "PUT", "/pools", "poolid=dev&vms=" + vm + "&storage=local").status, 200u);

    auto dev = data(root->get("/pools?poolid=dev")).as_array().at(0);
    EXPECT_EQ(text(dev, "comment"), "developers");
    const auto& members = dev.at("members").as_array();
    ASSERT_EQ(members.size(), 2u);
    EXPECT_EQ(text(members[0], "id"), "qemu/" + vm);
    EXPECT_EQ(text(members[0], "node"), vm_node);
    EXPECT_EQ(text(members[1], "id"), "storage/pve/local");
    EXPECT_EQ(
        data(root->get("/pools?poolid=dev&type=storage")).as_array().at(0).at("members").as_array().size(),
        1u);
    EXPECT_EQ(data(root->get("/pools/dev")).at("members").as_array().size(), 2u) << "the deprecated call";
    EXPECT_EQ(json::serialize(data(root->get("/pools"))),
              R"([{"poolid":"dev","comment":"developers"},{"poolid":"ops"}])");
    auto resources = data(root->get("/cluster/resources"));
    bool pool_listed = false, guest_tagged = false;
    for (const auto& r : resources.as_array()) {
        pool_listed = pool_listed || text(r, "id") == "/pool/dev";
        guest_tagged = guest_tagged || (text(r, "id") == "qemu/" + vm && text(r, "pool") == "dev");
    }
    EXPECT_TRUE(pool_listed && guest_tagged);

    auto taken = send(*root, "PUT", "/pools/ops", "vms=" + vm);
    EXPECT_EQ(taken.status, 500u);
    EXPECT_EQ(message(taken), "update pools failed: VM " + vm +
                                  " belongs already to pool 'dev' and 'allow-move' is not set\n");
    EXPECT_EQ(message(send(*root, "PUT", "/pools", "poolid=dev&vms=" + vm)),
              "update pools failed: VM " + vm + " is already a pool member\n");
    ASSERT_EQ(send(*root, "PUT", "/pools/ops", "vms=" + vm + "&allow-move=1").status, 200u);
    EXPECT_EQ(data(root->get("/pools/dev")).at("members").as_array().size(), 1u);

    auto busy = send(*root, "DELETE", "/pools?poolid=ops");
    EXPECT_EQ(busy.status, 500u);
    EXPECT_EQ(message(busy), "delete pool failed: pool 'ops' is not empty (contains VM " + vm + ")\n");
    EXPECT_EQ(message(send(*root, "DELETE", "/pools/dev")),
              "delete pool failed: pool 'dev' is not empty (contains storage 'local')\n");
    EXPECT_EQ(message(send(*root, "PUT", "/pools", "poolid=dev&storage=local-lvm&delete=1")),
              "update pools failed: Storage 'local-lvm' is not a pool member\n");
    ASSERT_EQ(send(*root, "PUT", "/pools", "poolid=ops&vms=" + vm + "&delete=1").status, 200u);
    ASSERT_EQ(send(*root, "DELETE", "/pools?poolid=ops").status, 200u);
    EXPECT_EQ(message(root->get("/pools/ops")), "pool 'ops' does not exist\n");
    EXPECT_EQ(message(send(*root, "DELETE", "/pools?poolid=ops")),
              "delete pool failed: pool 'ops' does not exist\n");
}

TEST_F(PermissionCheck, PoolUpdatesNeedPermissionsOnTheMembers) {
    grant("/pool/dev", "users", "bob@pve", "PVEPoolAdmin");
    ASSERT_EQ(bob->post("/pools", "poolid=dev").status, 200u);
    auto denied = send(*bob, "PUT", "/pools", "poolid=dev&vms=" + vm);
    EXPECT_EQ(denied.status, 500u) << "raised inside the user.cfg lock";
    EXPECT_EQ(message(denied), "update pools failed: Permission check failed (/vms/" + vm +
                                   ", Permissions.Modify|VM.Allocate)\n");
    auto other = bob->post("/pools", "poolid=other");
    EXPECT_EQ(other.status, 403u);
    EXPECT_EQ(other.reason, "Permission check failed (/pool/other, Pool.Allocate)");
}

} // namespace
