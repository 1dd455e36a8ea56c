// user.cfg's model: PVE 9's privileges and built-in roles, the start state, user and token names
// and checks (pve-access-control AccessControl.pm, Auth/Plugin.pm).
#include "dispatch/auth.hpp"
#include "schema/text_checks.hpp"
#include "state/access_state.hpp"

#include <proxmox/sim/server.hpp>

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <vector>

namespace proxmox::sim::detail {

namespace {

/// AccessControl.pm $privgroups for PVE 9: per category the privileges only root/Administrator
/// should have, those of the category's admin, of its user and of an auditor.
struct privilege_group {
    std::string_view category;
    std::vector<std::string_view> root, admin, user, audit;
};

const std::vector<privilege_group>& privilege_groups() {
    static const std::vector<privilege_group> groups = {
        {"VM",
         {},
         {"VM.Config.Disk", "VM.Config.CPU", "VM.Config.Memory", "VM.Config.Network", "VM.Config.HWType",
          "VM.Config.Options", "VM.Allocate", "VM.Clone", "VM.GuestAgent.Unrestricted", "VM.Migrate",
          "VM.Replicate", "VM.Snapshot", "VM.Snapshot.Rollback"},
         {"VM.Config.CDROM", "VM.Config.Cloudinit", "VM.Console", "VM.Backup", "VM.GuestAgent.FileRead",
          "VM.GuestAgent.FileSystemMgmt", "VM.GuestAgent.FileWrite", "VM.PowerMgmt"},
         {"VM.Audit", "VM.GuestAgent.Audit"}},
        {"Sys",
         {"Sys.PowerMgmt", "Sys.Modify", "Sys.Incoming", "Sys.AccessNetwork"},
         {"Sys.Console", "Sys.Syslog"},
         {},
         {"Sys.Audit"}},
        {"Datastore",
         {},
         {"Datastore.Allocate", "Datastore.AllocateTemplate"},
         {"Datastore.AllocateSpace"},
         {"Datastore.Audit"}},
        {"SDN", {}, {"SDN.Allocate", "SDN.Audit"}, {"SDN.Use"}, {"SDN.Audit"}},
        {"User", {"Realm.Allocate"}, {"User.Modify", "Group.Allocate", "Realm.AllocateUser"}, {}, {}},
        {"Pool", {}, {"Pool.Allocate"}, {"Pool.Audit"}, {"Pool.Audit"}},
        {"Mapping", {}, {"Mapping.Modify"}, {"Mapping.Use"}, {"Mapping.Audit"}},
    };
    return groups;
}

/// AccessControl.pm create_roles
std::map<std::string, role_state> builtin_roles() {
    std::map<std::string, role_state> roles;
    auto add = [&roles](const std::string& role, std::string_view priv) {
        roles[role].privs.insert(std::string(priv));
        roles[role].special = true;
    };
    roles["NoAccess"].special = true;
    for (const auto& p : valid_privileges())
        add("Administrator", p);
    for (const auto& g : privilege_groups()) {
        const std::string cat(g.category);
        for (const auto* list : {&g.admin, &g.user, &g.audit})
            for (auto p : *list) {
                add("PVE" + cat + "Admin", p);
                add("PVEAdmin", p);
            }
        if (!g.user.empty())
            for (const auto* list : {&g.user, &g.audit})
                for (auto p : *list)
                    add("PVE" + cat + "User", p);
        for (auto p : g.audit)
            add("PVEAuditor", p);
    }
    // only Administrator, root@pam and PVEMappingAdmin may modify mappings
    roles["PVEAdmin"].privs.erase("Mapping.Modify");
    add("PVETemplateUser", "VM.Clone");
    add("PVETemplateUser", "VM.Audit");
    return roles;
}

} // namespace

const std::vector<std::string>& valid_privileges() {
    static const std::vector<std::string> privs = [] {
        std::set<std::string> all = {"Permissions.Modify"}; // in no group
        for (const auto& g : privilege_groups())
            for (const auto* list : {&g.root, &g.admin, &g.user, &g.audit})
                for (auto p : *list)
                    all.insert(std::string(p));
        return std::vector<std::string>(all.begin(), all.end());
    }();
    return privs;
}

bool is_valid_privilege(std::string_view priv) {
    const auto& all = valid_privileges();
    return std::binary_search(all.begin(), all.end(), priv);
}

void seed_access(access_state& a, const proxmox::sim::options& opts) {
    a = access_state{};
    a.roles = builtin_roles();
    a.users["root@pam"].userid = "root@pam"; // userconfig_force_defaults
    auto grant = [&a](const std::string& userid, const std::string& role) {
        if (role.empty() || userid == "root@pam")
            return;
        if (!a.roles.contains(role))
            throw std::invalid_argument("proxmox::sim: user " + userid + ": unknown role '" + role + "'");
        a.acl.push_back(acl_entry{"/", "user", userid, role, true});
    };
    for (const auto& u : opts.users) {
        user_state& s = a.users[u.userid];
        s.userid = u.userid;
        s.password = u.password;
        s.otp = u.otp;
        grant(u.userid, u.role);
    }
    for (const auto& t : opts.tokens) {
        auto [it, added] = a.users.try_emplace(t.user);
        if (added) {
            it->second.userid = t.user;
            grant(t.user, "Administrator");
        }
        token_state& token = it->second.tokens[t.name];
        token.name = t.name;
        token.secret = t.secret;
        token.privsep = t.privsep;
    }
}

std::optional<std::string> username_problem(std::string_view userid) {
    const std::string u(userid);
    if (u.size() < 3)
        return "user name '" + u + "' is too short\n";
    if (u.size() > 64)
        return "user name '" + u + "' is too long (" + std::to_string(u.size()) + " > 64)\n";
    if (!is_user_name(u))
        return "value '" + u + "' does not look like a valid user name\n";
    return std::nullopt;
}

std::optional<std::pair<std::string, std::string>> split_tokenid(std::string_view tokenid) {
    // USER@REALM!TOKEN: the token name has no '!', so it follows the last one
    const auto bang = tokenid.rfind('!');
    if (bang == std::string_view::npos || !is_user_name(tokenid.substr(0, bang)) ||
        !is_realm_name(tokenid.substr(bang + 1)))
        return std::nullopt;
    return std::pair{std::string(tokenid.substr(0, bang)), std::string(tokenid.substr(bang + 1))};
}

std::optional<std::string> normalize_acl_path(std::string_view path) {
    if (path.empty() || path == "0") // Perl: return undef if !$path
        return std::nullopt;
    std::string out;
    for (char c : path)
        if (!(c == '/' && !out.empty() && out.back() == '/'))
            out += c;
    if (!out.empty() && out.back() == '/')
        out.pop_back();
    if (out.empty())
        out = "/";
    if (out.front() != '/')
        out.insert(out.begin(), '/');
    for (char c : out)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' || c == '/'))
            return std::nullopt;
    return out;
}

bool valid_acl_path(std::string_view path) {
    // AccessControl.pm check_path: "/" or one of the known trees, by segment
    if (path == "/")
        return true;
    if (!path.starts_with('/'))
        return false;
    std::vector<std::string_view> segs;
    for (std::string_view rest = path.substr(1);;) {
        const auto slash = rest.find('/');
        segs.push_back(rest.substr(0, slash));
        if (slash == std::string_view::npos)
            break;
        rest.remove_prefix(slash + 1);
    }
    // [[:alnum:]\.\-_]+
    auto name = [](std::string_view s) {
        return !s.empty() &&
               all_chars(s, [](char c) { return is_ascii_alnum(c) || c == '.' || c == '-' || c == '_'; });
    };
    auto names_from = [&](std::size_t first) {
        return std::all_of(segs.begin() + static_cast<std::ptrdiff_t>(first), segs.end(), name);
    };
    // [1-9][0-9]{min_digits-1,max_digits-1}
    auto number = [](std::string_view s, std::size_t min_digits, std::size_t max_digits) {
        return s.size() >= min_digits && s.size() <= max_digits && is_digits(s) && s.front() != '0';
    };
    const std::string_view top = segs[0];
    const std::size_t n = segs.size();
    if (top == "access")
        return n == 1 || (n == 2 && (segs[1] == "groups" || segs[1] == "realm")) ||
               (n == 3 && (segs[1] == "groups" || segs[1] == "realm") && name(segs[2]));
    if (top == "nodes" || top == "storage")
        return n == 1 || (n == 2 && name(segs[1]));
    if (top == "pool")
        return n <= 4 && names_from(1);
    if (top == "sdn")
        return n == 1 || (n == 2 && segs[1] == "zones") ||
               (n >= 3 && n <= 4 && segs[1] == "zones" && names_from(2)) ||
               (n == 5 && segs[1] == "zones" && name(segs[2]) && name(segs[3]) && number(segs[4], 1, 4));
    if (top == "vms")
        return n == 1 || (n == 2 && number(segs[1], 3, std::string_view::npos));
    if (top == "mapping")
        return n <= 3 && names_from(1);
    return false;
}

std::optional<std::string>
check_user_enabled(const access_state& a, std::string_view userid, std::int64_t now) {
    if (auto problem = username_problem(userid)) {
        problem->pop_back();
        return problem;
    }
    auto it = a.users.find(std::string(userid));
    if (it == a.users.end())
        return "no such user ('" + std::string(userid) + "')";
    if (!it->second.enable)
        return "user '" + std::string(userid) + "' is disabled";
    if (it->second.expire && it->second.expire < now)
        return "user '" + std::string(userid) + "' access expired";
    return std::nullopt;
}

std::optional<std::string> verify_api_token(const access_state& a, std::string_view value, std::int64_t now) {
    // /^(.*)=(.*)$/ is greedy: the token id ends at the last '='
    const auto eq = value.rfind('=');
    if (eq == std::string_view::npos)
        return std::nullopt;
    const auto tokenid = value.substr(0, eq);
    auto parts = split_tokenid(tokenid);
    if (!parts || check_user_enabled(a, parts->first, now))
        return std::nullopt;
    const auto& tokens = a.users.at(parts->first).tokens;
    auto t = tokens.find(parts->second);
    if (t == tokens.end() || (t->second.expire && t->second.expire < now) || t->second.secret.empty() ||
        !constant_time_equal(value.substr(eq + 1), t->second.secret))
        return std::nullopt;
    return std::string(tokenid);
}

const std::string* pool_of(const access_state& a, unsigned vmid) {
    for (const auto& [id, pool] : a.pools)
        if (pool.vmids.contains(vmid))
            return &id;
    return nullptr;
}

void add_vm_to_pool(access_state& a, unsigned vmid, std::string_view pool) {
    auto it = a.pools.find(std::string(pool));
    if (it == a.pools.end())
        return;
    for (auto& [id, p] : a.pools)
        p.vmids.erase(vmid);
    it->second.vmids.insert(vmid);
}

void remove_vm_access(access_state& a, unsigned vmid) {
    const std::string path = "/vms/" + std::to_string(vmid);
    std::erase_if(a.acl,
                  [&](const acl_entry& e) { return e.path == path || e.path.starts_with(path + "/"); });
    for (auto& [id, p] : a.pools)
        p.vmids.erase(vmid);
}

} // namespace proxmox::sim::detail
