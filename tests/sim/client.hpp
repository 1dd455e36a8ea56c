// A small blocking HTTPS client for the simulator tests (not the SDK): it verifies the server
// against the simulator's CA file and host name, records the leaf fingerprint, and keeps one
// connection open across requests so keep-alive behaviour can be observed.
#ifndef PROXMOX_TESTS_SIM_CLIENT_HPP
#define PROXMOX_TESTS_SIM_CLIENT_HPP

#include <proxmox/sim/server.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace simtest {

struct reply {
    unsigned status = 0;
    std::string reason;
    std::map<std::string, std::string> headers; ///< lower-case names
    std::string body;

    std::string header(const std::string& lower_name) const {
        auto it = headers.find(lower_name);
        return it == headers.end() ? std::string{} : it->second;
    }
};

struct request {
    std::string method = "GET";
    std::string target; ///< full target, e.g. /api2/json/version
    std::string body;
    std::string content_type;
    std::vector<std::pair<std::string, std::string>> headers;
    bool auth = true;     ///< send the endpoint's API token
    bool chunked = false; ///< send the body with Transfer-Encoding: chunked
};

class client {
public:
    /// `verify_with_ca`: trust the simulator's CA file (otherwise only the system store).
    explicit client(proxmox::sim::endpoint_info info, bool verify_with_ca = true);
    ~client();
    client(const client&) = delete;
    client& operator=(const client&) = delete;

    /// Sends a request on the open connection (connecting first when there is none, or when the
    /// previous answer said Connection: close) and reads the answer. Throws on I/O errors.
    reply send(const request& r);

    reply get(const std::string& path);                                ///< GET /api2/json + path
    reply post(const std::string& path, const std::string& form = {}); ///< form-encoded POST

    /// Sends a request on a fresh connection and returns every byte the server sent until it
    /// closed the connection (or the timeout passed), unparsed. Throws when it cannot connect.
    std::string send_raw(const request& r);

    /// Timeout of each request (default 10 s); an expired timeout throws from send().
    void set_timeout(std::chrono::milliseconds t);
    /// Forgets the open connection, so the next request connects again.
    void disconnect();

    /// Waits up to two seconds for the server to close the current connection.
    bool server_closed();

    int connections_opened() const;
    std::string peer_fingerprint() const; ///< SHA-256 of the server's leaf, AA:BB:...
    const proxmox::sim::endpoint_info& info() const;

private:
    reply exchange(const request& r);

    struct impl;
    std::unique_ptr<impl> impl_;
};

/// Percent-encodes a path segment (e.g. a UPID) with Boost.URL.
std::string encode_segment(std::string_view s);

} // namespace simtest

#endif // PROXMOX_TESTS_SIM_CLIENT_HPP
