// The PVE request pipeline without I/O: pveproxy's header checks and authentication
// (pve-http-server AnyEvent.pm), parameter extraction, routing, schema validation and handler
// dispatch (pve-manager HTTPServer.pm rest_handler, pve-common RESTHandler/JSONSchema), and the
// JSON envelope (Formatter/Standard.pm). The HTTPS layer (server.cpp) only moves bytes.
//
// This header uses the standard library only, so the Beast translation unit does not also parse
// Boost.JSON.
#ifndef PROXMOX_SIM_SRC_API_HPP
#define PROXMOX_SIM_SRC_API_HPP

#include "state/state.hpp"

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
    std::string_view csrf_token; ///< CSRFPreventionToken
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
    /// An API token header came with the request (and was verified when authenticated); PVE
    /// refuses `allowtoken: 0` endpoints then, even those that need no authentication.
    bool api_token = false;
    bool ticket = false; ///< authenticated with a ticket
    bool upload = false; ///< POST .../storage/{storage}/upload (pveproxy's isUpload)
    std::string user;    ///< the RPC environment's user: USER@REALM, or USER@REALM!TOKEN for tokens
};

/// What to do after the header checks.
struct head_decision {
    enum class kind {
        respond,   ///< send `answer`; the body is not read
        read_body, ///< read the (small) body, then call api::handle
        upload,    ///< stream the multipart body through api::begin_upload
        swallow,   ///< pveproxy dies without answering (upload with a wrong Content-Type): read
                   ///< what comes until its read buffer is full or the client is idle, then close
    };
    kind action = kind::read_body;
    response answer;
    std::string boundary; ///< upload: the multipart boundary
};

/// A multipart upload in progress: the body goes through feed() chunk by chunk.
class upload_session {
public:
    enum class state { need_more, answer, drop };
    virtual ~upload_session() = default;
    /// Feeds body bytes; `answer` means the request is complete (or failed): take_answer().
    virtual state feed(std::string_view chunk) = 0;
    virtual response take_answer() = 0;
    /// The parameters seen so far as JSON text, secrets redacted (for the request log).
    virtual std::string log_params() const = 0;
};

class api {
public:
    /// Uses the embedded API schema (parsed on first use, once per process).
    api(cluster& state, scheduler& sched, const options& opts);
    ~api();
    api(const api&) = delete;
    api& operator=(const api&) = delete;

    /// Checks made on the header alone, in pveproxy's order: method, transfer encoding, base
    /// URI, authentication (token, ticket, CSRF), body on GET/DELETE, upload, body size,
    /// content type. Fills `auth` when the request goes on.
    head_decision check_head(const request_head& head, auth_result& auth) const;

    /// Handles a request that passed check_head, with its body.
    response handle(const request_head& head, const auth_result& auth, std::string_view body);

    /// Starts an upload that check_head accepted.
    std::unique_ptr<upload_session>
    begin_upload(const request_head& head, const auth_result& auth, std::string boundary);

    /// An answer forced by fault injection: 595..599 carry only the reason phrase (as pveproxy
    /// passes AnyEvent::HTTP's errors on), 401 has an empty body, others PVE's JSON error body.
    response fault_response(unsigned status, std::string_view message) const;

    /// The API path of a request (`/nodes/pve/qemu`, without `/api2/FORMAT`), nullopt when the
    /// target is not an API path.
    std::optional<std::string> api_path(std::string_view target) const;
    /// The path the request log shows: the API path, else the decoded request path.
    std::string log_path(std::string_view target) const;
    /// Query and body parameters as JSON text, secrets redacted (for the request log).
    std::string log_params(const request_head& head, std::string_view body) const;

    struct impl; ///< defined in api.cpp

private:
    std::unique_ptr<impl> impl_;
};

} // namespace proxmox::sim::detail

#endif // PROXMOX_SIM_SRC_API_HPP
