// List every VM and container of a cluster, using coroutines.
//
//   export PROXMOX_API_URL=https://pve.example.com:8006
//   export PROXMOX_TOKEN_ID='root@pam!reader' PROXMOX_TOKEN_SECRET=...
//   export PROXMOX_FINGERPRINT=AA:BB:...   # or PROXMOX_CA_FILE=/path/to/pve-root-ca.pem
//   ./list_vms
//
// One GET /cluster/resources?type=vm answers for every node of the cluster.

#include <proxmox/client.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdio>

namespace {

boost::asio::awaitable<int> list_guests(proxmox::client pve) {
    auto guests = co_await pve.cluster().async_resources(proxmox::resource_filter::vm);
    if (!guests) {
        std::fprintf(stderr, "error: %s\n", guests.error().to_string().c_str());
        co_return 1;
    }
    std::printf("%-6s %-5s %-24s %-8s %-9s %s\n", "VMID", "TYPE", "NAME", "NODE", "STATUS", "TEMPLATE");
    for (const auto& g : *guests)
        std::printf("%-6u %-5s %-24s %-8s %-9s %s\n", g.vmid.value_or(0), g.type.c_str(), g.name.c_str(),
                    g.node.c_str(), g.status.c_str(), g.is_template ? "yes" : "");
    co_return 0;
}

} // namespace

int main() {
    auto options = proxmox::client_options_from_env();
    if (!options) {
        std::fprintf(stderr, "%s\n", options.error().message.c_str());
        return 2;
    }
    boost::asio::io_context io;
    int exit_code = 1;
    boost::asio::co_spawn(io, list_guests(proxmox::client(io.get_executor(), *options)),
                          [&](std::exception_ptr, int code) { exit_code = code; });
    io.run();
    return exit_code;
}
