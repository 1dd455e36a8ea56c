#ifndef PROXMOX_CREDENTIALS_HPP
#define PROXMOX_CREDENTIALS_HPP

#include <proxmox/error.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

namespace proxmox {

/// A PVE API token: `USER@REALM!TOKENID` and its secret (a UUID).
/// The secret is only ever written into the Authorization header; it has no printer.
struct api_token {
    std::string id;     ///< e.g. `root@pam!mcp`
    std::string secret; ///< e.g. `aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee`

    /// Parses the `USER@REALM!TOKENID=SECRET` form PVE shows when a token is created
    /// (split at the last `=`).
    static result<api_token> parse(std::string_view text);

    /// Checks the id has the `USER@REALM!TOKENID` shape and the secret is not empty.
    result<void> validate() const;
};

/// Ticket (session) login with a user's password: needed for the few endpoints that refuse API
/// tokens, and for users without a token. The SDK logs in on first use, renews the ticket before
/// PVE's 2-hour expiry, sends the CSRF token on writes, and logs in again once after a 401.
/// The password, tickets and CSRF tokens never appear in errors or logs.
struct password_login {
    std::string userid; ///< `USER@REALM`, e.g. `root@pam`
    std::string password;
    /// Asked when the user has two-factor authentication: returns the second factor, e.g. the
    /// current TOTP code (`123456`, sent as `totp:123456`) or `recovery:KEY`.
    std::function<std::string()> second_factor;
    /// Renew the ticket once it is this old (PVE's tickets live 2 hours).
    std::chrono::seconds renew_after{std::chrono::minutes(90)};

    /// Checks the `USER@REALM` shape and that a password is set.
    result<void> validate() const;
};

} // namespace proxmox

#endif
