// The PVE request pipeline without I/O: pveproxy's header checks and authentication
// (pve-http-server AnyEvent.pm), parameter extraction, routing, schema validation and handler
// dispatch (pve-manager HTTPServer.pm rest_handler, pve-common RESTHandler/JSONSchema), and the
// JSON envelope (Formatter/Standard.pm). The HTTPS layer (server.cpp) only moves bytes.
//
// This header uses the standard library only, so the Beast translation unit does not also parse
// Boost.JSON.
#ifndef PROXMOX_SIM_SRC_API_HPP
#define PROXMOX_SIM_SRC_API_HPP

#include "state.hpp"

#include <proxmox/sim/server.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace proxmox::sim::detail {

/// What the pipeline needs from a request header. The views stay valid while the request is
/// being handled.
struct request_head {
    std::string_view method;
    std::string_view target;
    std::string_view authorization;
    std::string_view cookie;
    std::string_view content_type;
    std::string_view transfer_encoding;
    std::optional<std::uint64_t> content_length;
};

/// An answer, before the HTTP layer adds the standard headers (Server, Date, Expires,
/// Cache-Control, Pragma, Connection, Content-Length).
struct response {
    unsigned status = 200;
    std::string reason;                 ///< status line text
    std::string body;                   ///< empty: no content
    bool json = false;                  ///< Content-Type: application/json;charset=UTF-8
    std::chrono::milliseconds delay{0}; ///< send no earlier than this after the request arrived
};

/// Who sent the request.
struct auth_result {
    bool authenticated = false; ///< false for the few calls PVE allows without credentials
    bool api_token = false;
    std::string user; ///< the RPC environment's user: USER@REALM, or USER@REALM!TOKEN for tokens
};

class api {
public:
    /// Uses the embedded API schema (parsed on first use, once per process).
    api(cluster& state, scheduler& sched, const options& opts);
    ~api();
    api(const api&) = delete;
    api& operator=(const api&) = delete;

    /// Checks made on the header alone, in pveproxy's order: method, transfer encoding, base
    /// URI, authentication, body on GET/DELETE, body size, content type. Returns the answer
    /// when the request ends here (the body is then not read); otherwise fills `auth`.
    std::optional<response> check_head(const request_head& head, auth_result& auth) const;

    /// Handles a request that passed check_head, with its body.
    response handle(const request_head& head, const auth_result& auth, std::string_view body);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace proxmox::sim::detail

#endif // PROXMOX_SIM_SRC_API_HPP
