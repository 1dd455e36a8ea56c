#ifndef PROXMOX_SRC_CORE_AUTH_HPP
#define PROXMOX_SRC_CORE_AUTH_HPP

// Credentials on the wire (WIRE.md §5): the API token header, or a ticket cookie plus the CSRF
// token on writes, with login, two-factor completion, renewal and one re-login after a 401.

#include "core/client_state.hpp"

#include <proxmox/transport.hpp>

namespace proxmox::detail {

/// Checks the configured credentials; on success prepares the token header or ticket session.
result<void> setup_auth(client_state& state);

/// Adds credentials to `req`, logging in or renewing the ticket first when needed (one login at
/// a time per client; concurrent requests wait for it).
boost::asio::awaitable<result<void>> authorize(state_ptr state, http_method method, http_request& req);

/// After a 401 on a ticket-authenticated request: drops the ticket so the next authorize logs
/// in again. False for token auth (nothing to renew: the 401 is final).
bool forget_ticket(client_state& state);

} // namespace proxmox::detail

#endif
