#include "demo.hpp"

#ifdef PROXMOX_MCP_HAVE_SIM
#include <proxmox/sim/server.hpp>
#endif

#include <exception>

namespace proxmox::mcp {

#ifdef PROXMOX_MCP_HAVE_SIM
namespace {

class sim_demo final : public demo_cluster {
public:
    sim_demo() : server_(make_options()) {
        const auto& info = server_.start();
        url_ = info.url;
        options_.url = info.url;
        options_.token.id = info.token_id;
        options_.token.secret = info.token_secret;
        options_.tls.fingerprint = info.fingerprint; // pin the simulator's self-signed certificate
    }

    const proxmox::client_options& client_options() const override { return options_; }
    const std::string& url() const override { return url_; }

private:
    static proxmox::sim::options make_options() {
        proxmox::sim::options o;
        o.task_seconds = 2.0;
        return o;
    }

    proxmox::sim::server server_;
    proxmox::client_options options_;
    std::string url_;
};

} // namespace

std::unique_ptr<demo_cluster> start_demo_cluster(std::string& error) {
    try {
        return std::make_unique<sim_demo>();
    } catch (const std::exception& e) {
        error = e.what();
        return nullptr;
    }
}
#else
std::unique_ptr<demo_cluster> start_demo_cluster(std::string& error) {
    error = "this build has no simulator (configured with PROXMOX_BUILD_SIM=OFF)";
    return nullptr;
}
#endif

} // namespace proxmox::mcp
