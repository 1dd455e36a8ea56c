// Clone a VM template into a new VM and follow the clone task's log while it runs.
//
//   export PROXMOX_API_URL=... PROXMOX_TOKEN_ID=... PROXMOX_TOKEN_SECRET=... PROXMOX_FINGERPRINT=...
//   ./clone_with_progress [TEMPLATE_NAME [NEW_NAME]]
//
// Without a template name the first template of the cluster is cloned. The new VM gets the next
// free VMID (GET /cluster/nextid). Needs VM.Clone on the template and VM.Allocate on the new VMID.

#include <proxmox/client.hpp>
#include <proxmox/generated/api.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdio>
#include <optional>
#include <string>

namespace {

boost::asio::awaitable<int> clone(proxmox::client pve, std::string template_name, std::string new_name) {
    proxmox::gen::api api(pve);

    auto guests = co_await pve.cluster().async_resources(proxmox::resource_filter::vm);
    if (!guests) {
        std::fprintf(stderr, "error: %s\n", guests.error().to_string().c_str());
        co_return 1;
    }
    std::optional<proxmox::guest_summary> source;
    for (const auto& g : *guests)
        if (g.is_template && g.type == "qemu" && (template_name.empty() || g.name == template_name)) {
            source = g.to_guest();
            break;
        }
    if (!source) {
        std::fprintf(stderr, "no QEMU template%s%s found\n", template_name.empty() ? "" : " named ",
                     template_name.c_str());
        co_return 1;
    }

    // parameter structs are named variables, not temporaries inside co_await: g++ 12 destroys
    // such temporaries twice (GCC bug 100611)
    const proxmox::gen::cluster_nextid_get_params any_free_id;
    auto next = co_await api.async_cluster_nextid_get(any_free_id);
    if (!next) {
        std::fprintf(stderr, "error: %s\n", next.error().to_string().c_str());
        co_return 1;
    }
    const auto newid = std::stoll(std::string(next->data.as_string())); // PVE sends the id as a string
    if (new_name.empty())
        new_name = source->name + "-clone";

    std::printf("cloning %u (%s) on %s to %lld (%s)\n", source->vmid, source->name.c_str(),
                source->node.c_str(), newid, new_name.c_str());
    const proxmox::gen::nodes_qemu_clone_post_params request{
        .node = source->node, .vmid = source->vmid, .full = true, .name = new_name, .newid = newid};
    auto task = co_await api.async_nodes_qemu_clone_post(request);
    if (!task) {
        std::fprintf(stderr, "error: %s\n", task.error().to_string().c_str());
        co_return 1;
    }
    proxmox::task_wait_options wait;
    wait.on_progress = [](const proxmox::task_progress& p) {
        for (const auto& line : p.new_lines)
            std::printf("  [%5.1fs] %s\n", p.elapsed.count() / 1000.0, line.c_str());
    };
    auto done = co_await task->async_wait(wait);
    if (!done) {
        std::fprintf(stderr, "clone failed: %s\n", done.error().to_string().c_str());
        co_return 1;
    }
    std::printf("VM %lld (%s) is ready\n", newid, new_name.c_str());
    co_return 0;
}

} // namespace

int main(int argc, char** argv) {
    auto options = proxmox::client_options_from_env();
    if (!options) {
        std::fprintf(stderr, "%s\n", options.error().message.c_str());
        return 2;
    }
    boost::asio::io_context io;
    int exit_code = 1;
    boost::asio::co_spawn(
        io,
        clone(proxmox::client(io.get_executor(), *options), argc > 1 ? argv[1] : "", argc > 2 ? argv[2] : ""),
        [&](std::exception_ptr, int code) { exit_code = code; });
    io.run();
    return exit_code;
}
