#ifndef PROXMOX_OPTIONS_HPP
#define PROXMOX_OPTIONS_HPP

#include <proxmox/credentials.hpp>
#include <proxmox/error.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace proxmox {

class transport;

/// How the server certificate is checked. Verification is on by default.
struct tls_options {
    /// Verify the certificate chain and host name (system CAs, or ca_file / ca_path).
    /// false = no verification at all; the client logs a warning once. Prefer `fingerprint`.
    bool verify = true;
    /// PEM file with the CA to trust, e.g. the cluster's /etc/pve/pve-root-ca.pem.
    std::string ca_file;
    /// Directory of hashed CA certificates (OpenSSL c_rehash layout).
    std::string ca_path;
    /// SHA-256 fingerprint of the node's leaf certificate as `pvenode cert info` prints it
    /// (`AA:BB:...`, case-insensitive, colons optional). When set, it replaces CA verification.
    std::string fingerprint;
};

enum class log_level { debug, info, warning, error };

/// Receives the SDK's log lines (never containing secrets). Default: none.
using log_sink = std::function<void(log_level, std::string_view)>;

/// When a failed request is sent again. Retries back off exponentially with jitter.
/// Retried: connection failures and timeouts, and 595/596/597/599 (the contacted node could not
/// reach the target node) and 503. Never retried: 4xx, 500, 501, TLS verification failures.
struct retry_policy {
    unsigned max_attempts = 3;                      ///< 1 = never retry
    std::chrono::milliseconds initial_backoff{200}; ///< doubles per attempt, up to max_backoff
    std::chrono::milliseconds max_backoff{5'000};
    std::chrono::milliseconds max_total{30'000}; ///< no new attempt once this much time passed
    /// POST/PUT/DELETE are retried only when true: a write that may have reached PVE could run twice.
    bool retry_writes = false;
};

/// Everything a client needs to reach one PVE cluster.
struct client_options {
    /// `https://host:8006` (the `/api2/json` prefix is added by the SDK).
    std::string url;
    /// API token used for every request (preferred: stateless, no CSRF, no expiry).
    api_token token;
    /// Ticket login instead of a token; used only when `token.id` is empty.
    std::optional<password_login> login;
    tls_options tls;
    /// Connections open at once per host; further concurrent requests wait their turn (FIFO).
    std::size_t max_connections = 4;
    /// A request still waiting for its answer after this long stops counting against
    /// max_connections: a request queued behind it may open another connection, so a stalled
    /// endpoint (a hung storage, an unreachable node) cannot hold up unrelated calls. 0 = never.
    std::chrono::milliseconds stalled_after{2'000};
    /// Connections opened past max_connections that way, at most.
    std::size_t max_extra_connections = 8;
    /// false: one TLS connection per request (`Connection: close`), for proxies that mishandle
    /// keep-alive. Much slower: every request pays a TCP and TLS handshake.
    bool keep_alive = true;
    /// An idle keep-alive connection older than this is closed instead of reused.
    std::chrono::milliseconds idle_timeout{10'000};
    std::chrono::milliseconds connect_timeout{10'000}; ///< TCP connect + TLS handshake
    std::chrono::milliseconds request_timeout{60'000}; ///< one request: write + read of the answer
    /// A whole operation, retries and queueing for a connection included (0 = no limit). Task
    /// waits use task_wait_options::timeout instead.
    std::chrono::milliseconds operation_timeout{0};
    retry_policy retry;
    /// true: the client and its handles may be used from several threads at once (its work runs
    /// on a strand of the executor). false: use it from one thread or strand only (cheaper).
    bool thread_safe = false;
    log_sink logger;
    /// Replaces the HTTPS stack (tests, proxies, recording). Null = the built-in Beast transport.
    std::shared_ptr<proxmox::transport> custom_transport;
};

/// Reads the connection settings from environment variables, the names the MCP server and the
/// examples use: PROXMOX_API_URL (required, https://), PROXMOX_TOKEN_ID + PROXMOX_TOKEN_SECRET or
/// PROXMOX_USER + PROXMOX_PASSWORD, PROXMOX_FINGERPRINT, PROXMOX_CA_FILE, PROXMOX_VERIFY
/// (true/false, default true). `lookup` returns a variable's value or nullptr (default: getenv).
/// errc::invalid_argument names the missing or malformed variable, never a secret's value.
result<client_options> client_options_from_env(std::function<const char*(const char*)> lookup = {});

} // namespace proxmox

#endif
