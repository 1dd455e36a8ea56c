// Tickets and CSRF prevention tokens as pve-common Ticket.pm / pve-access-control AccessControl.pm
// make and check them (WIRE.md section 5.2). Sans-I/O; OpenSSL does the hashing.
//
// PVE signs tickets with a 2048-bit RSA key; the simulator signs with HMAC-SHA256 expanded to the
// same 256 bytes, so tickets have PVE's shape and length (clients must treat them as opaque).
#ifndef PROXMOX_SIM_SRC_AUTH_HPP
#define PROXMOX_SIM_SRC_AUTH_HPP

#include "state/state.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace proxmox::sim::detail {

/// AccessControl.pm: `$ticket_lifetime = 3600 * 2`, `$auth_graceperiod = 60 * 5`.
inline constexpr epoch_seconds ticket_lifetime = 7200;
inline constexpr epoch_seconds auth_graceperiod = 300;

/// The cluster's secrets: the ticket signing key (authkey.key) and the CSRF secret (pve-www.key).
struct auth_keys {
    std::string ticket_key;
    std::string csrf_secret;
};

/// Fresh random keys.
auth_keys make_auth_keys();

/// Ticket.pm assemble_rsa_ticket: `PVE:<data with ':' escaped>:<8 hex digits of now>::<base64 sig>`;
/// `aad` (may be empty) is signed but not part of the ticket.
std::string
assemble_ticket(const auth_keys& keys, std::string_view data, std::string_view aad, epoch_seconds now);

struct verified_ticket {
    std::string data; ///< URI-unescaped
    epoch_seconds age = 0;
};

/// Ticket.pm verify_rsa_ticket with AccessControl.pm's age range: the signature must match and
/// -auth_graceperiod < age < ticket_lifetime.
std::optional<verified_ticket>
verify_ticket(const auth_keys& keys, std::string_view ticket, std::string_view aad, epoch_seconds now);

/// Ticket.pm assemble_csrf_prevention_token: `<8 hex digits>:<base64 HMAC-SHA256, no padding>`.
std::string assemble_csrf_token(const auth_keys& keys, std::string_view user, epoch_seconds now);

/// Ticket.pm verify_csrf_prevention_token, same age range as tickets.
bool verify_csrf_token(const auth_keys& keys,
                       std::string_view user,
                       std::string_view token,
                       epoch_seconds now);

/// Constant-time comparison for secrets.
bool constant_time_equal(std::string_view a, std::string_view b);

} // namespace proxmox::sim::detail

#endif // PROXMOX_SIM_SRC_AUTH_HPP
