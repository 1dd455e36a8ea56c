#ifndef PROXMOX_MCP_DEMO_HPP
#define PROXMOX_MCP_DEMO_HPP

#include <proxmox/options.hpp>

#include <memory>
#include <string>

namespace proxmox::mcp {

/// A simulated PVE cluster (proxmox::sim) serving on loopback in this process, for --demo.
/// Stops when destroyed.
class demo_cluster {
public:
    virtual ~demo_cluster() = default;
    /// url, API token and the pinned certificate fingerprint of the simulated cluster.
    virtual const proxmox::client_options& client_options() const = 0;
    /// e.g. "https://127.0.0.1:40123".
    virtual const std::string& url() const = 0;
};

/// Starts the simulator (3 nodes, a dozen guests, tasks lasting 2 s). Null with `error` set
/// when it cannot start or this build has no simulator.
std::unique_ptr<demo_cluster> start_demo_cluster(std::string& error);

} // namespace proxmox::mcp

#endif
