#ifndef PROXMOX_CREDENTIALS_HPP
#define PROXMOX_CREDENTIALS_HPP

#include <proxmox/error.hpp>

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

} // namespace proxmox

#endif
