// Privileges from ACLs and roles (pve-access-control AccessControl.pm roles(), RPCEnvironment.pm
// permissions / check / check_any / check_perm_modify) and the endpoints' `permissions` checks as
// RPCEnvironment check_api2_permissions and exec_api2_perm_check evaluate them.
#include "endpoints/access_admin.hpp"

#include <boost/json/object.hpp>

#include <fmt/format.h>

#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace proxmox::sim::detail {

namespace json = boost::json;

namespace {

bool is_root(std::string_view authid) {
    return authid == "root@pam";
}

/// The ACL tree nodes from `/` down to `path`: "/", "/vms", "/vms/100".
std::vector<std::string> path_prefixes(std::string_view path) {
    std::vector<std::string> out = {"/"};
    std::string current;
    std::size_t start = 1;
    while (start <= path.size()) {
        auto end = path.find('/', start);
        if (end == std::string_view::npos)
            end = path.size();
        if (end > start) {
            current += "/" + std::string(path.substr(start, end - start));
            out.push_back(current);
        }
        start = end + 1;
    }
    return out;
}

using role_map = std::map<std::string, bool>; ///< role -> propagate

/// AccessControl.pm roles(): the roles of `who` on `path`. Deeper ACL nodes replace what the
/// nodes above gave, a token's own entries win over user entries, user entries over group
/// entries; entries on the nodes above only count when they propagate; NoAccess wins.
role_map acl_roles(const access_state& a, const std::string& who, std::string_view path) {
    if (is_root(who))
        return {{"Administrator", true}};
    const user_state* member = nullptr;
    if (auto tok = split_tokenid(who)) {
        auto u = a.users.find(tok->first);
        if (u == a.users.end() || !u->second.tokens.contains(tok->second))
            return {};
        if (!u->second.tokens.at(tok->second).privsep)
            return acl_roles(a, tok->first, path);
    } else if (auto u = a.users.find(who); u != a.users.end()) {
        member = &u->second;
    }

    role_map roles;
    const auto prefixes = path_prefixes(path);
    for (std::size_t i = 0; i < prefixes.size(); ++i) {
        const bool final = i + 1 == prefixes.size();
        auto collect = [&](auto matches) {
            role_map found;
            for (const auto& e : a.acl)
                if (e.path == prefixes[i] && matches(e) && (final || e.propagate))
                    found[e.roleid] = e.propagate;
            return found;
        };
        auto tokens = collect([&](const acl_entry& e) { return e.type == "token" && e.ugid == who; });
        if (!tokens.empty()) {
            roles = std::move(tokens);
            continue;
        }
        auto users = collect([&](const acl_entry& e) { return e.type == "user" && e.ugid == who; });
        if (!users.empty()) {
            roles = std::move(users);
            continue;
        }
        auto groups = collect([&](const acl_entry& e) {
            return e.type == "group" && member && member->groups.contains(e.ugid) &&
                   a.groups.contains(e.ugid);
        });
        if (!groups.empty())
            roles = std::move(groups);
    }
    if (auto na = roles.find("NoAccess"); na != roles.end())
        return {{"NoAccess", na->second}};
    return roles;
}

/// RPCEnvironment.pm compile_acl_path: roles on the path plus the roles on the pools the guest
/// or storage belongs to, turned into privileges; a privilege-separated token only keeps what
/// its user has too.
privilege_map compile_privileges(const access_state& a,
                                 const std::string& who,
                                 std::string_view path,
                                 const privilege_map* owner) {
    role_map pool_roles;
    for (const auto& [poolid, pool] : a.pools) {
        bool member = false;
        for (auto vmid : pool.vmids)
            member = member || path == "/vms/" + std::to_string(vmid);
        for (const auto& storage : pool.storages)
            member = member || path == "/storage/" + storage;
        if (member)
            for (const auto& [role, propagate] : acl_roles(a, who, "/pool/" + poolid))
                pool_roles[role] = true;
    }
    role_map roles = acl_roles(a, who, path);
    if (!pool_roles.empty() && !roles.contains("NoAccess")) {
        if (pool_roles.contains("NoAccess"))
            roles = {{"NoAccess", false}}; // a pool's NoAccess beats the regular ACL
        else
            for (const auto& [role, propagate] : pool_roles)
                roles.try_emplace(role, false); // never propagated
    }
    privilege_map privs;
    for (const auto& [role, propagate] : roles) {
        auto r = a.roles.find(role);
        if (r == a.roles.end())
            continue;
        for (const auto& p : r->second.privs) {
            bool& flag = privs[p];
            flag = flag || propagate;
        }
    }
    if (owner) {
        privilege_map both;
        for (const auto& [p, propagate] : privs)
            if (auto o = owner->find(p); o != owner->end())
                both[p] = propagate && o->second;
        privs = std::move(both);
    }
    return privs;
}

std::string join_privs(const std::vector<std::string>& privs) {
    std::string out;
    for (const auto& p : privs)
        out += (out.empty() ? "" : "|") + p;
    return out;
}

/// root@pam and its tokens without privilege separation: every privilege everywhere (the fast
/// path for lists of thousands of guests).
bool holds_everything(const access_state& a, std::string_view authid) {
    if (is_root(authid))
        return true;
    const auto bang = authid.find('!');
    if (bang == std::string_view::npos || !is_root(authid.substr(0, bang)))
        return false;
    const auto& tokens = a.users.at("root@pam").tokens;
    auto t = tokens.find(std::string(authid.substr(bang + 1)));
    return t != tokens.end() && !t->second.privsep;
}

void require_valid_privilege(std::string_view priv) {
    if (!is_valid_privilege(priv))
        raise_error(fmt::format("invalid privilege '{}'\n", priv));
}

} // namespace

privilege_map permissions(const access_state& a, std::string_view authid, std::string_view path) {
    if (is_root(authid)) {
        privilege_map all;
        for (const auto& p : a.roles.at("Administrator").privs)
            all[p] = true;
        return all;
    }
    if (path.empty()) // an ACL path that did not normalize
        return {};
    const std::string who(authid);
    if (auto tok = split_tokenid(authid)) {
        auto u = a.users.find(tok->first);
        if (u == a.users.end() || !u->second.tokens.contains(tok->second))
            return {};
        privilege_map owner = permissions(a, tok->first, path);
        if (!u->second.tokens.at(tok->second).privsep)
            return owner;
        return compile_privileges(a, who, path, is_root(tok->first) ? nullptr : &owner);
    }
    if (username_problem(authid))
        return {};
    return compile_privileges(a, who, path, nullptr);
}

std::set<std::string> acl_tree_paths(const access_state& a) {
    std::set<std::string> paths = {"/"};
    for (const auto& e : a.acl)
        for (auto& p : path_prefixes(e.path))
            paths.insert(std::move(p));
    return paths;
}

std::map<std::string, privilege_map> effective_permissions(const access_state& a, std::string_view authid) {
    std::set<std::string> paths = {"/",     "/access", "/access/groups", "/nodes",
                                   "/pool", "/sdn",    "/storage",       "/vms"};
    paths.merge(acl_tree_paths(a));
    for (const auto& [id, pool] : a.pools) {
        for (auto vmid : pool.vmids)
            paths.insert("/vms/" + std::to_string(vmid));
        for (const auto& s : pool.storages)
            paths.insert("/storage/" + s);
    }
    std::map<std::string, privilege_map> out;
    for (const auto& path : paths)
        if (auto privs = permissions(a, authid, path); !privs.empty())
            out[path] = std::move(privs);
    return out;
}

[[noreturn]] void raise_perm_exc(std::string_view what) {
    raise_error(what.empty() ? std::string("Permission check failed\n")
                             : fmt::format("Permission check failed ({})\n", what),
                403);
}

bool rpc_check(const access_state& a,
               std::string_view authid,
               std::string_view path,
               const std::vector<std::string>& privs,
               bool any,
               bool noerr) {
    if (holds_everything(a, authid) && !path.empty()) {
        for (const auto& p : privs)
            require_valid_privilege(p);
        return true;
    }
    const auto held = permissions(a, authid, path);
    if (any) {
        for (const auto& p : privs) {
            require_valid_privilege(p);
            if (held.contains(p))
                return true;
        }
        if (noerr)
            return false;
        raise_perm_exc(fmt::format("{}, {}", path, join_privs(privs)));
    }
    for (const auto& p : privs) {
        require_valid_privilege(p);
        if (!held.contains(p)) {
            if (noerr)
                return false;
            raise_perm_exc(fmt::format("{}, {}", path, p));
        }
    }
    return true;
}

bool check_perm_modify(const access_state& a, std::string_view authid, std::string_view path, bool noerr) {
    if (path.empty())
        return rpc_check(a, authid, "/access", {"Permissions.Modify"}, false, noerr);
    std::vector<std::string> privs = {"Permissions.Modify"};
    auto below = [&](std::string_view top) { return path.starts_with(top) && path.size() > top.size(); };
    if (below("/storage/"))
        privs.push_back("Datastore.Allocate");
    else if (below("/vms/"))
        privs.push_back("VM.Allocate");
    else if (below("/pool/"))
        privs.push_back("Pool.Allocate");
    return rpc_check(a, authid, path, privs, true, noerr);
}

// ---------------------------------------------------------------------------------------------
// the endpoints' permission checks

namespace {

/// One test of a `check` as the schema prints it: `perm(/vms/{vmid}, VM.Audit|VM.Console, any)`,
/// `and(...)`, `or(...)`, `userid-param(self)`, `userid-group(User.Modify, groups_param, create)`,
/// `perm-modify({path})`.
struct perm_test {
    std::string name;
    std::vector<std::string> args;   ///< the plain arguments (not for and/or)
    std::vector<perm_test> subtests; ///< and/or
};

std::string trim(std::string_view s) {
    while (!s.empty() && s.front() == ' ')
        s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ')
        s.remove_suffix(1);
    return std::string(s);
}

perm_test parse_test(std::string_view text) {
    perm_test t;
    const auto open = text.find('(');
    if (open == std::string_view::npos || text.back() != ')')
        throw std::logic_error("proxmox::sim: cannot read permission check '" + std::string(text) + "'");
    t.name = trim(text.substr(0, open));
    const auto inner = text.substr(open + 1, text.size() - open - 2);
    std::vector<std::string> parts;
    int depth = 0;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= inner.size(); ++i) {
        if (i == inner.size() || (inner[i] == ',' && depth == 0)) {
            parts.push_back(trim(inner.substr(start, i - start)));
            start = i + 1;
        } else if (inner[i] == '(') {
            ++depth;
        } else if (inner[i] == ')') {
            --depth;
        }
    }
    if (t.name == "and" || t.name == "or")
        for (const auto& p : parts)
            t.subtests.push_back(parse_test(p));
    else
        t.args = std::move(parts);
    return t;
}

std::vector<std::string> split_privs(std::string_view list) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= list.size()) {
        auto end = list.find('|', start);
        if (end == std::string_view::npos)
            end = list.size();
        out.emplace_back(list.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

std::optional<std::string> param_text(const json::object& params, std::string_view key) {
    const auto* v = params.if_contains(key);
    return v ? perl_scalar_text(*v) : std::nullopt;
}

/// PVE::Tools::template_replace: `{name}` becomes the parameter, or '-' when it is false.
std::string template_replace(std::string_view tmpl, const json::object& params) {
    std::string out;
    for (std::size_t i = 0; i < tmpl.size(); ++i) {
        const auto close = tmpl.find('}', i);
        if (tmpl[i] == '{' && close != std::string_view::npos) {
            auto v = param_text(params, tmpl.substr(i + 1, close - i - 1));
            out += v && !v->empty() && *v != "0" ? *v : "-";
            i = close;
        } else {
            out += tmpl[i];
        }
    }
    return out;
}

class perm_checker {
public:
    perm_checker(const access_state& a, std::string_view authid, const json::object& params)
        : a_(a), authid_(authid), params_(params) {}

    /// RPCEnvironment.pm exec_api2_perm_check
    bool exec(const perm_test& t, bool noerr) {
        if (t.name == "and") {
            for (const auto& sub : t.subtests)
                exec(sub, false); // PVE checks the parts of an `and` without noerr
            return true;
        }
        if (t.name == "or") {
            for (const auto& sub : t.subtests)
                if (exec(sub, true))
                    return true;
            if (noerr)
                return false;
            raise_perm_exc();
        }
        if (t.name == "perm")
            return perm(t, noerr);
        if (t.name == "userid-group")
            return userid_group(t, noerr);
        if (t.name == "userid-param")
            return userid_param(t, noerr);
        if (t.name == "perm-modify") {
            auto path = normalize_acl_path(template_replace(t.args.at(0), params_));
            return path && check_perm_modify(a_, authid_, *path, noerr);
        }
        raise_error("unknown permission test");
    }

private:
    bool perm(const perm_test& t, bool noerr) {
        bool any = false;
        for (std::size_t i = 2; i < t.args.size(); ++i) {
            if (t.args[i] == "any") {
                any = true;
            } else if (t.args[i].starts_with("require_param=")) {
                if (!params_.contains(std::string_view(t.args[i]).substr(14))) {
                    if (noerr)
                        return false;
                    raise_perm_exc();
                }
            }
        }
        auto path = normalize_acl_path(template_replace(t.args.at(0), params_));
        return rpc_check(a_, authid_, path.value_or(""), split_privs(t.args.at(1)), any, noerr);
    }

    /// AccessControl.pm check_user_exist
    bool user_exists(std::string_view userid, bool noerr) {
        if (auto problem = username_problem(userid)) {
            if (noerr)
                return false;
            raise_error(*problem);
        }
        if (a_.users.contains(std::string(userid)))
            return true;
        if (noerr)
            return false;
        raise_error(fmt::format("no such user ('{}')\n", userid));
    }

    bool userid_group(const perm_test& t, bool noerr) {
        const auto privs = split_privs(t.args.at(0));
        const std::string userid = param_text(params_, "userid").value_or("");
        const std::string groups_param = t.args.size() > 2 ? t.args[2] : "";
        const bool check_existing_user = groups_param != "create";
        if (check_existing_user && !user_exists(userid, noerr))
            return false;
        if (rpc_check(a_, authid_, "/access/groups", privs, true, true))
            return true;
        // the groups the caller may administrate
        std::set<std::string> allowed_groups;
        for (const auto& [group, data] : a_.groups)
            if (rpc_check(a_, authid_, "/access/groups/" + group, privs, true, true))
                allowed_groups.insert(group);
        if (!groups_param.empty()) {
            const auto wanted = split_list(param_text(params_, "groups").value_or(""));
            if (wanted.empty())
                raise_perm_exc("/access/groups, " + join_privs(privs));
            for (const auto& g : wanted)
                if (!allowed_groups.contains(g))
                    raise_perm_exc("/access/groups/" + g + ", " + join_privs(privs));
        }
        if (check_existing_user) {
            auto u = a_.users.find(userid);
            bool allowed = false;
            if (u != a_.users.end())
                for (const auto& g : u->second.groups)
                    allowed = allowed || allowed_groups.contains(g);
            if (!allowed) {
                if (noerr)
                    return false;
                raise_perm_exc();
            }
        }
        return true;
    }

    bool userid_param(const perm_test& t, bool noerr) {
        const std::string userid = param_text(params_, "userid").value_or("");
        if (auto problem = username_problem(userid))
            raise_error(*problem);
        if (t.args.at(0) == "self") {
            if (!user_exists(userid, noerr))
                return false;
            if (authid_ == userid)
                return true;
            if (noerr)
                return false;
            raise_perm_exc();
        }
        const std::string realm = userid.substr(userid.rfind('@') + 1);
        return rpc_check(a_, authid_, "/access/realm/" + realm, {"Realm.AllocateUser"}, false, noerr);
    }

    const access_state& a_;
    std::string_view authid_;
    const json::object& params_;
};

} // namespace

std::optional<api_error> check_api_permissions(const endpoint& ep,
                                               const json::object& params,
                                               const auth_result& auth,
                                               const cluster& state) {
    // RPCEnvironment.pm check_api2_permissions
    if (is_root(auth.user))
        return std::nullopt;
    try {
        const auto* perm = ep.definition ? ep.definition->if_contains("permissions") : nullptr;
        if (!perm || !perm->is_object())
            raise_perm_exc("user != root@pam");
        const auto& p = perm->get_object();
        if (const auto* user = p.if_contains("user");
            user && user->is_string() && user->get_string() == "all")
            return std::nullopt;
        const auto* check = p.if_contains("check");
        if (!check || !check->is_string())
            raise_perm_exc();
        perm_checker(state.access, auth.user, params).exec(parse_test(check->get_string()), false);
        return std::nullopt;
    } catch (const api_error& e) {
        return e;
    }
}

} // namespace proxmox::sim::detail
