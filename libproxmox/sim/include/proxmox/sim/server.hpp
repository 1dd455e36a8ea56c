// proxmox::sim - a simulated Proxmox VE cluster served over HTTPS on loopback.
//
// The simulator answers the PVE REST API (`/api2/json/...`) the way a PVE 9.1 node does: every
// request is validated against the vendored API schema, answers use PVE's envelope, status lines
// and error texts, worker calls return UPIDs and run as tasks. It stands alone (Boost, OpenSSL,
// fmt); it does not use the SDK, so the SDK can be tested against it.
//
// This header only uses the standard library: Beast, Asio and OpenSSL stay inside the library.
#ifndef PROXMOX_SIM_SERVER_HPP
#define PROXMOX_SIM_SERVER_HPP

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace proxmox::sim {

/// An API token the simulator accepts: `Authorization: PVEAPIToken=USER!NAME=SECRET`.
struct api_token {
    std::string user = "root@pam"; ///< USER@REALM
    std::string name = "sim";      ///< token name; the full token id is `user!name`
    std::string secret;            ///< the secret (PVE uses a UUID); must not be empty
    /// Privilege separation: true = only the token's own ACLs (intersected with its user's
    /// privileges) apply, as for tokens PVE creates by default; false = the user's privileges.
    bool privsep = false;
};

/// A user who can log in with a password (`POST /access/ticket`, WIRE.md section 5.2).
struct user {
    std::string userid;   ///< USER@REALM, e.g. `alice@pve`
    std::string password; ///< must not be empty
    /// Non-empty: the user has TOTP two-factor authentication. The simulator stands in for a TOTP
    /// authenticator by accepting exactly this code (sent as `totp:CODE`), at any time.
    std::string otp;
    /// The role the user holds on `/` (propagated), e.g. `PVEAuditor`; empty = no ACL entry, so
    /// the user starts without privileges. Token owners not listed as users get Administrator.
    std::string role = "Administrator";
};

/// A fault the simulator injects into matching requests (see docs/simulator.md).
struct fault {
    enum class action {
        status,       ///< answer `status` without running the handler
        delay,        ///< wait `delay`, then handle and answer normally
        reset,        ///< read the request, do not run the handler, reset the TCP connection
        reset_after,  ///< run the handler (the change takes effect), then reset without answering
        stall,        ///< read the request, never answer, keep the connection open
        truncate,     ///< run the handler, send the header with the full Content-Length, then
                      ///< only `truncate_bytes` of the body, then close
        close_idle,   ///< run the handler, answer with keep-alive, then close the connection
        offline_node, ///< node `node` is offline: proxied calls answer 595, views show it offline
    };

    // which requests: method and path glob on the API path without `/api2/json`
    std::string method;       ///< GET, POST, PUT, DELETE; empty or `*` = any
    std::string path = "/**"; ///< `*` = any text within one segment, `**` = any rest (also `/`)

    // when it fires among the matching requests (all that are set must agree)
    double probability = 1.0; ///< 0..1, drawn from a RNG seeded with options::seed
    unsigned nth = 0;         ///< > 0: only the nth matching request (1-based)
    unsigned first = 0;       ///< > 0: only the first `first` matching requests

    // what it does
    action kind = action::status;
    unsigned status = 500; ///< action::status: 400..599
    std::string message;   ///< action::status: status line / JSON message; empty = default
    std::chrono::milliseconds delay{0};
    std::size_t truncate_bytes = 0;
    std::string node; ///< action::offline_node
};

/// Parses the CLI form of a fault (`--fault SPEC`), e.g.
/// `POST /nodes/*/qemu/*/status/start:status=595,nth=1` or `offline_node=pve2`.
/// Throws std::invalid_argument naming what is wrong.
fault parse_fault(std::string_view spec);

/// One request as the simulator saw it (the request log).
struct request_log_entry {
    std::chrono::system_clock::time_point time; ///< when the request header arrived (real time)
    std::string method;
    std::string path;    ///< API path without `/api2/FORMAT` (the request path when it has none)
    std::string params;  ///< JSON object text: query + body parameters, secrets redacted
    unsigned status = 0; ///< status sent; 0 = no answer (reset, stall, client gone)
    double duration_ms = 0;
    std::string auth;             ///< "token", "ticket" or "none"
    std::uint64_t connection = 0; ///< id of the TCP connection (1, 2, ... per server)
    std::string fault;            ///< the fault action that fired (`status`, `reset_after`, ...), or empty
};

/// How the simulated cluster looks and behaves.
struct options {
    std::string listen_host = "127.0.0.1";
    unsigned short port = 0;       ///< 0 = pick a free port
    unsigned nodes = 3;            ///< nodes `pve`, `pve2`, `pve3`, ... (1..100)
    unsigned guests = 12;          ///< VMs + containers in total, some of them templates (0..100000)
    std::uint64_t seed = 1;        ///< the cluster state is generated deterministically from the seed
    std::vector<api_token> tokens; ///< empty = one token `root@pam!sim` with a random UUID secret
    double task_seconds = 1.0;     ///< how long a worker task runs (tests use ~0.05)
    std::chrono::milliseconds unauthorized_delay{3000}; ///< PVE delays every 401 by 3 s
    std::vector<user> users;                            ///< users who may log in with a password (tickets)
    std::vector<fault> faults;    ///< faults active from the start (see server::add_fault)
    std::string request_log_file; ///< non-empty: append one JSON line per request to this file
};

/// What this build of the simulator is and which PVE API it answers.
struct version_info {
    std::string simulator;     ///< the project's version, e.g. `0.1.0`
    std::string pve_api;       ///< the PVE release of the embedded API schema (its `meta.pve_version`)
    std::string schema_sha256; ///< SHA-256 (hex) of the embedded schema.json
};

/// This build's versions (what `proxmox-sim --version` prints).
version_info version();

/// Where and how to reach a started simulator (what `proxmox-sim` prints as its JSON line).
struct endpoint_info {
    std::string url;          ///< `https://127.0.0.1:PORT`
    std::string fingerprint;  ///< SHA-256 of the leaf certificate, `AA:BB:...` (32 uppercase pairs)
    std::string ca_file;      ///< PEM file of the CA that signed the leaf (removed on stop)
    std::string token_id;     ///< the first token: `USER@REALM!NAME`
    std::string token_secret; ///< its secret
};

/// The simulator. All cluster state lives on the server's own thread; the public functions may
/// be called from any thread.
class server {
public:
    explicit server(options opts = {});
    ~server(); ///< stops and joins
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    /// Builds the cluster and the certificates, listens, and serves on its own thread. Returns
    /// once the listening socket accepts connections. Calling it again returns the same info.
    /// Throws std::invalid_argument for bad options, std::system_error if it cannot listen,
    /// std::logic_error if the server was already stopped.
    const endpoint_info& start();

    /// Stops serving: closes the listener and every open session (idle keep-alive sessions too),
    /// joins the server thread and removes the CA file. Idempotent.
    void stop();

    /// The endpoint of a started server (empty strings before start()).
    const endpoint_info& info() const;

    /// Number of HTTP requests answered so far (thread-safe), for tests.
    std::size_t request_count() const;

    /// Every request so far, in the order they finished (thread-safe). Also written to
    /// options::request_log_file when set.
    std::vector<request_log_entry> request_log() const;
    /// Forgets the in-memory request log (the file is left alone).
    void clear_request_log();

    /// Adds a fault; it applies to requests whose header arrives afterwards. May be called
    /// before start(). Throws std::invalid_argument for a fault that makes no sense (e.g. an
    /// unknown or the answering node for offline_node).
    void add_fault(fault f);
    /// Removes every fault and brings offline nodes back online.
    void clear_faults();

    /// Moves the simulator's clock forward: what the API reports as "now" (uptimes, task start
    /// and end times, `since`/`until` filters) and the age of tickets and CSRF tokens. Pending
    /// timers still run in real time: a running task ends after options::task_seconds as usual.
    void advance_clock(std::chrono::seconds by);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace proxmox::sim

#endif // PROXMOX_SIM_SERVER_HPP
