// Ticket login: POST /access/ticket (pve-access-control API2/AccessControl.pm create_ticket,
// AccessControl.pm authenticate_user / authenticate_2nd_new, RPCEnvironment.pm
// compute_api_permission). TOTP is stood in for by a fixed code per user (options::users).
#include "dispatch/auth.hpp"
#include "endpoints/handlers.hpp"

#include <boost/json/array.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <string_view>
#include <vector>

namespace proxmox::sim::detail {

namespace json = boost::json;

namespace {

/// RPCEnvironment.pm compute_api_permission: the privileges of `user` by area, for the GUI.
json::object compute_capabilities(const access_state& a, const std::string& user) {
    // the privilege prefixes of each area (`^(VM\.|Permissions\.Modify)` for vms, ...)
    struct area {
        std::string_view name;
        std::vector<std::string_view> prefixes;
    };
    static const area classes[] = {
        {"access", {"User.", "Group.", "Permissions.Modify"}},
        {"dc", {"Sys.Audit", "Sys.Modify", "SDN."}},
        {"mapping", {"Mapping.", "Permissions.Modify"}},
        {"nodes", {"Sys.", "Permissions.Modify"}},
        {"sdn", {"SDN.", "Permissions.Modify"}},
        {"storage", {"Datastore.", "Permissions.Modify"}},
        {"vms", {"VM.", "Permissions.Modify"}},
    };
    json::object cap;
    for (const auto& [name, prefixes] : classes)
        cap[name] = json::object{};
    std::set<std::string> paths = {"/", "/nodes", "/access/groups", "/vms", "/storage", "/sdn", "/mapping"};
    paths.merge(acl_tree_paths(a));
    for (const auto& path : paths) {
        const auto privs = permissions(a, user, path);
        // $path =~ /^\/(\w+)/ ? $1 : 'dc'
        std::string top;
        for (std::size_t i = 1;
             i < path.size() && (std::isalnum(static_cast<unsigned char>(path[i])) || path[i] == '_'); ++i)
            top += path[i];
        if (top.empty())
            top = "dc";
        for (const auto& [p, propagate] : privs) {
            if (top == "pool") {
                if (p.starts_with("VM."))
                    cap["vms"].as_object()[p] = 1;
                else if (p.starts_with("Datastore."))
                    cap["storage"].as_object()[p] = 1;
                else if (p == "Permissions.Modify")
                    cap["storage"].as_object()[p] = cap["vms"].as_object()[p] = 1;
                continue;
            }
            for (const auto& [name, prefixes] : classes)
                if (name == top &&
                    std::any_of(prefixes.begin(), prefixes.end(),
                                [&p](std::string_view prefix) { return p.starts_with(prefix); }))
                    cap[name].as_object()[p] = 1;
        }
    }
    return cap;
}

/// Anything that goes wrong inside create_ticket's eval: 401 "authentication failure" (the reason
/// only goes to syslog, "to prevent user enumeration attacks").
[[noreturn]] void authentication_failure() {
    raise_error("authentication failure\n", 401);
}

const user_state* configured_user(const access_state& a, const std::string& userid) {
    auto it = a.users.find(userid);
    return it == a.users.end() ? nullptr : &it->second;
}

/// The TFA challenge of a user with TOTP (proxmox-tfa TfaChallenge serialized).
constexpr std::string_view totp_challenge = R"(!tfa!{"totp":true})";

/// AccessControl.pm authenticate_user: returns true when a second factor is still needed.
bool authenticate_user(const call_context& ctx,
                       const std::string& username,
                       const std::string& password,
                       const std::optional<std::string>& otp,
                       const std::optional<std::string>& tfa_challenge) {
    const user_state* u = configured_user(ctx.state.access, username);
    if (!u || u->password.empty()) // e.g. a token's owner without a password: the realm rejects the login
        authentication_failure();
    if (tfa_challenge) {
        // the second factor: the password carries the TFA response
        if (u->otp.empty())
            authentication_failure();
        auto t = verify_ticket(*ctx.keys, *tfa_challenge, username, ctx.now);
        if (!t || !t->data.starts_with("!tfa!"))
            authentication_failure(); // "bad ticket"
        if (!constant_time_equal(password, "totp:" + u->otp))
            authentication_failure(); // "failed 2nd factor"
        return false;
    }
    if (!constant_time_equal(password, u->password))
        authentication_failure();
    // authenticate_2nd_new with the optional immediate TOTP response in `otp`
    if (u->otp.empty()) {
        if (otp)
            authentication_failure(); // "no such challenge"
        return false;
    }
    if (!otp)
        return true;
    if (!constant_time_equal(*otp, "totp:" + u->otp))
        authentication_failure();
    return false;
}

} // namespace

json::value get_access_ticket(call_context&) {
    return nullptr; // "Dummy. Useful for formatters which want to provide a login page."
}

json::value post_access_ticket(call_context& ctx) {
    std::string username = ctx.param("username").value_or("");
    if (auto realm = ctx.param("realm"); realm && !realm->empty())
        username += "@" + *realm;
    const std::string password = ctx.param("password").value_or("");
    const auto otp = ctx.param("otp");
    const auto tfa_challenge = ctx.param("tfa-challenge");
    const auto path = ctx.param("path");
    const auto privs = ctx.param("privs");

    json::object res;
    bool need_tfa = false;

    // everything in create_ticket's eval ends as 401 "authentication failure"
    if (check_user_enabled(ctx.state.access, username, ctx.now)) // $rpcenv->check_user_enabled
        authentication_failure();

    if (path && !path->empty() && privs && !privs->empty()) {
        // verify_auth: a valid ticket of the user, or the user's credentials; then the privileges
        auto t = verify_ticket(*ctx.keys, password, "", ctx.now);
        if (!(t && t->data == username))
            authenticate_user(ctx, username, password, otp, std::nullopt); // scalar context: no TFA
        if (!normalize_acl_path(*path))
            authentication_failure(); // "invalid path"
        std::string list = *privs;
        for (char& c : list)
            if (c == ',' || c == ';' || c == ' ' || c == '\0')
                c = ' ';
        std::size_t start = 0;
        while (start < list.size()) {
            auto end = list.find(' ', start);
            if (end == std::string::npos)
                end = list.size();
            if (end > start && !is_valid_privilege(std::string_view(list).substr(start, end - start)))
                authentication_failure(); // "invalid privilege name"
            start = end + 1;
        }
        res["username"] = username;
    } else {
        // create_ticket_do
        if (otp && tfa_challenge)
            authentication_failure(); // "TFA response should be in 'password', not 'otp' ..."
        std::optional<std::string> ticketuser;
        if (!tfa_challenge) {
            // renewal: the current ticket as password (root@pam may make tickets for others)
            if (auto t = verify_ticket(*ctx.keys, password, "", ctx.now); t && !t->data.starts_with("!tfa!"))
                ticketuser = t->data;
        }
        if (!(ticketuser && (*ticketuser == "root@pam" || *ticketuser == username)))
            need_tfa = authenticate_user(ctx, username, password, otp, tfa_challenge);

        const std::string data = need_tfa ? std::string(totp_challenge) : username;
        res["ticket"] = assemble_ticket(*ctx.keys, data, need_tfa ? username : std::string(), ctx.now);
        res["username"] = username;
        res["CSRFPreventionToken"] = assemble_csrf_token(*ctx.keys, username, ctx.now);
        if (need_tfa)
            res["NeedTFA"] = 1;
    }

    if (!need_tfa)
        res["cap"] = compute_capabilities(ctx.state.access, username);
    if (!ctx.state.name.empty()) // in a cluster, and the user has Sys.Audit on /
        res["clustername"] = ctx.state.name;
    return res;
}

} // namespace proxmox::sim::detail
