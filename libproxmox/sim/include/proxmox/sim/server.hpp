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
#include <vector>

namespace proxmox::sim {

/// An API token the simulator accepts: `Authorization: PVEAPIToken=USER!NAME=SECRET`.
struct api_token {
    std::string user = "root@pam"; ///< USER@REALM
    std::string name = "sim";      ///< token name; the full token id is `user!name`
    std::string secret;            ///< the secret (PVE uses a UUID); must not be empty
};

/// How the simulated cluster looks and behaves.
struct options {
    std::string listen_host = "127.0.0.1";
    unsigned short port = 0;       ///< 0 = pick a free port
    unsigned nodes = 3;            ///< nodes `pve`, `pve2`, `pve3`, ... (1..100)
    unsigned guests = 12;          ///< VMs + containers in total, some of them templates (0..5000)
    std::uint64_t seed = 1;        ///< the cluster state is generated deterministically from the seed
    std::vector<api_token> tokens; ///< empty = one token `root@pam!sim` with a random UUID secret
    double task_seconds = 1.0;     ///< how long a worker task runs (tests use ~0.05)
    std::chrono::milliseconds unauthorized_delay{3000}; ///< PVE delays every 401 by 3 s
};

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

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace proxmox::sim

#endif // PROXMOX_SIM_SERVER_HPP
