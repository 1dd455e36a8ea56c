#ifndef PROXMOX_ERROR_HPP
#define PROXMOX_ERROR_HPP

#include <boost/assert/source_location.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <map>
#include <stdexcept>
#include <string>
#include <system_error>

namespace proxmox {

/// Error conditions the SDK reports on top of transport (Asio, SSL) error codes.
enum class errc {
    invalid_argument = 1,     ///< the caller passed something unusable (empty node, malformed UPID, ...)
    auth_failed,              ///< 401: missing, wrong or expired token/ticket
    permission_denied,        ///< 403: ACL check failed or endpoint refuses API tokens
    invalid_parameter,        ///< 400: PVE rejected a parameter; see error::field_errors
    not_found,                ///< the node, guest or object does not exist
    not_implemented,          ///< 501: unknown path or method for this PVE version
    server_error,             ///< 500: the handler failed (PVE's message says why)
    proxy_unreachable,        ///< 595/596/597/599: the contacted node could not reach the target node
    http_error,               ///< any other non-success HTTP status
    protocol_error,           ///< the answer is not the `{"data":...}` JSON PVE sends
    task_failed,              ///< a worker task ended with an exit status other than OK / WARNINGS: n
    task_timeout,             ///< waiting for a task took longer than the caller allowed
    timeout,                  ///< a connect, handshake or request step took too long
    tls_fingerprint_mismatch, ///< the server certificate does not match the pinned SHA-256 fingerprint
    tls_verification_failed,  ///< the server certificate failed CA or host name verification
    ambiguous_name,           ///< a guest name matches several guests; error::message lists them
    /// A write (POST/PUT/DELETE) was sent whole, but no answer arrived (connection reset, timeout,
    /// cancellation): PVE may have applied it. Check the object's state or the node's task list
    /// before sending it again; the SDK never re-sends it unless retry_policy::retry_writes.
    outcome_unknown,
};

/// The error category of proxmox::errc ("proxmox").
const boost::system::error_category& proxmox_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), proxmox_category()};
}

/// Everything known about a failed operation. Never contains a secret (token secret, password,
/// ticket, CSRF token): messages are built from the request line and the server's answer only.
struct error {
    boost::system::error_code code; ///< proxmox::errc or a transport code (Asio, SSL)
    unsigned http_status = 0;       ///< 0 when no HTTP answer was received
    std::string message;            ///< PVE's message (JSON `message` or reason phrase), or ours
    std::map<std::string, std::string> field_errors; ///< PVE's per-parameter `errors` (400)
    std::string method;                              ///< request method, when a request was involved
    std::string path;        ///< API path without `/api2/json`, e.g. `/nodes/pve/status`
    std::string upid;        ///< the task, for task_failed / task_timeout
    std::string exit_status; ///< the task's exit status, for task_failed
    std::string log_tail;    ///< last lines of the task log, for task_failed

    /// One line for humans: "POST /nodes/pve/qemu/100/status/start: 500 VM 100 not running".
    std::string to_string() const;
};

error make_error(boost::system::error_code code, std::string message);
inline error make_error(errc code, std::string message) {
    return make_error(make_error_code(code), std::move(message));
}

/// Thrown only by result<T>::value() on an error result; the SDK itself never throws.
class exception : public std::runtime_error {
public:
    explicit exception(error e);
    const proxmox::error& details() const noexcept { return error_; }

private:
    proxmox::error error_;
};

/// Found by ADL from boost::system::result<T, proxmox::error>::value().
[[noreturn]] void throw_exception_from_error(const error& e, const boost::source_location& loc);

/// The completion value of every SDK operation.
template <class T> using result = boost::system::result<T, error>;

} // namespace proxmox

namespace boost::system {
template <> struct is_error_code_enum<proxmox::errc> : std::true_type {};
} // namespace boost::system

#endif
