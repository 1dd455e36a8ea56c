// Quick start: connect, print the PVE version, the nodes and their VMs, blocking.
//
//   export PROXMOX_API_URL=https://pve.example.com:8006
//   export PROXMOX_TOKEN_ID='root@pam!reader' PROXMOX_TOKEN_SECRET=...
//   export PROXMOX_FINGERPRINT=AA:BB:...   # or PROXMOX_CA_FILE=/path/to/pve-root-ca.pem
//   ./quick_start
//
// blocking_client runs each call to completion on the calling thread: no Asio needed.

#include <proxmox/blocking_client.hpp>

#include <cstdio>

int main() {
    auto options = proxmox::client_options_from_env();
    if (!options) {
        std::fprintf(stderr, "%s\n", options.error().message.c_str());
        return 2;
    }
    proxmox::blocking_client pve(*options);

    auto version = pve.version();
    if (!version) {
        std::fprintf(stderr, "error: %s\n", version.error().to_string().c_str());
        return 1;
    }
    std::printf("Proxmox VE %s\n", version->version.c_str());

    auto nodes = pve.nodes();
    if (!nodes) {
        std::fprintf(stderr, "error: %s\n", nodes.error().to_string().c_str());
        return 1;
    }
    for (const auto& node : *nodes) {
        std::printf("node %s: %s, CPU %.0f%%, memory %.1f of %.1f GiB\n", node.node.c_str(),
                    node.status.c_str(), node.cpu * 100, node.mem / 1073741824.0, node.maxmem / 1073741824.0);
        if (node.status != "online")
            continue;
        auto vms = pve.run(pve.async().node(node.node).async_qemu_list());
        if (!vms) {
            std::fprintf(stderr, "  error: %s\n", vms.error().to_string().c_str());
            continue;
        }
        for (const auto& vm : *vms)
            std::printf("  VM %u %s (%s)\n", vm.vmid, vm.name.c_str(), vm.status.c_str());
    }
    return 0;
}
