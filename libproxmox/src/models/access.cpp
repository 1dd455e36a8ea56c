#include "core/json_read.hpp"

#include <proxmox/models/access.hpp>

#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

namespace proxmox {
using namespace detail;

namespace {

user_token read_token(const boost::json::object& o, std::string tokenid) {
    user_token t;
    t.tokenid = tokenid.empty() ? read_string(o, "tokenid") : std::move(tokenid);
    t.comment = read_string(o, "comment");
    t.privsep = read_int(o, "privsep", 1) != 0;
    t.expire = read_int(o, "expire");
    return t;
}

} // namespace

bool effective_permissions::has(const std::string& path, std::string_view privilege) const {
    const auto it = paths.find(path);
    return it != paths.end() && it->second.contains(std::string(privilege));
}

user_info tag_invoke(boost::json::value_to_tag<user_info>, const boost::json::value& v) {
    const auto& o = as_object_or_empty(v);
    user_info u;
    u.userid = read_string(o, "userid");
    u.enable = read_int(o, "enable", 1) != 0;
    u.expire = read_int(o, "expire");
    u.firstname = read_string(o, "firstname");
    u.lastname = read_string(o, "lastname");
    u.email = read_string(o, "email");
    u.comment = read_string(o, "comment");
    u.realm_type = read_string(o, "realm-type");
    u.groups = read_string_list(o, "groups");
    // `full=1` lists tokens as an array; GET /access/users/{userid} as an object keyed by name
    if (const auto* tokens = o.if_contains("tokens")) {
        if (const auto* a = tokens->if_array())
            for (const auto& t : *a)
                u.tokens.push_back(read_token(as_object_or_empty(t), {}));
        else if (const auto* m = tokens->if_object())
            for (const auto& [name, t] : *m)
                u.tokens.push_back(read_token(as_object_or_empty(t), std::string(name)));
    }
    u.raw = o;
    return u;
}

role_info tag_invoke(boost::json::value_to_tag<role_info>, const boost::json::value& v) {
    const auto& o = as_object_or_empty(v);
    role_info r;
    r.roleid = read_string(o, "roleid");
    r.privileges = read_string_list(o, "privs");
    r.builtin = read_bool(o, "special");
    r.raw = o;
    return r;
}

acl_entry tag_invoke(boost::json::value_to_tag<acl_entry>, const boost::json::value& v) {
    const auto& o = as_object_or_empty(v);
    acl_entry a;
    a.path = read_string(o, "path");
    a.type = read_string(o, "type");
    a.ugid = read_string(o, "ugid");
    a.roleid = read_string(o, "roleid");
    a.propagate = read_int(o, "propagate", 1) != 0;
    a.raw = o;
    return a;
}

effective_permissions tag_invoke(boost::json::value_to_tag<effective_permissions>,
                                 const boost::json::value& v) {
    effective_permissions p;
    for (const auto& [path, privs] : as_object_or_empty(v)) {
        auto& entry = p.paths[std::string(path)];
        for (const auto& [priv, propagate] : as_object_or_empty(privs))
            entry[std::string(priv)] = to_int(propagate).value_or(0) != 0;
    }
    return p;
}

void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const user_info& u) {
    boost::json::array tokens;
    for (const auto& t : u.tokens)
        tokens.push_back(boost::json::object{
            {"tokenid", t.tokenid}, {"comment", t.comment}, {"privsep", t.privsep}, {"expire", t.expire}});
    v = boost::json::object{{"userid", u.userid},
                            {"enable", u.enable},
                            {"expire", u.expire},
                            {"firstname", u.firstname},
                            {"lastname", u.lastname},
                            {"email", u.email},
                            {"comment", u.comment},
                            {"realm-type", u.realm_type},
                            {"groups", boost::json::value_from(u.groups)},
                            {"tokens", std::move(tokens)}};
}

void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const role_info& r) {
    v = boost::json::object{
        {"roleid", r.roleid}, {"privs", boost::json::value_from(r.privileges)}, {"builtin", r.builtin}};
}

void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const acl_entry& a) {
    v = boost::json::object{{"path", a.path},
                            {"type", a.type},
                            {"ugid", a.ugid},
                            {"roleid", a.roleid},
                            {"propagate", a.propagate}};
}

} // namespace proxmox
