// Snapshot rotation: take a snapshot named auto-<UTC time> of a VM, then delete the oldest
// auto- snapshots so that only the newest KEEP remain. Run it from cron; blocking for brevity.
//
//   export PROXMOX_API_URL=... PROXMOX_TOKEN_ID=... PROXMOX_TOKEN_SECRET=... PROXMOX_FINGERPRINT=...
//   ./snapshot_rotation VMID [KEEP=3]
//
// Needs VM.Snapshot on /vms/VMID. Snapshots not named auto-... are never touched.

#include <proxmox/blocking_client.hpp>
#include <proxmox/generated/api.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

namespace {

/// auto-YYYYMMDD-HHMMSS-mmm: sorts like the time it was taken.
std::string snapshot_name() {
    const auto now = std::chrono::system_clock::now();
    const auto t = std::chrono::system_clock::to_time_t(now);
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm utc{};
    gmtime_r(&t, &utc);
    char buf[40];
    std::strftime(buf, sizeof buf, "auto-%Y%m%d-%H%M%S", &utc);
    return std::string(buf) + "-" + std::to_string(1000 + ms).substr(1);
}

template <class R> bool failed(const R& r, const char* what) {
    if (r)
        return false;
    std::fprintf(stderr, "%s failed: %s\n", what, r.error().to_string().c_str());
    return true;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: snapshot_rotation VMID [KEEP=3]\n");
        return 2;
    }
    const proxmox::vmid_t vmid = static_cast<proxmox::vmid_t>(std::strtoul(argv[1], nullptr, 10));
    const std::size_t keep = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 3;
    auto options = proxmox::client_options_from_env();
    if (!options) {
        std::fprintf(stderr, "%s\n", options.error().message.c_str());
        return 2;
    }
    proxmox::blocking_client pve(*options);
    proxmox::gen::api api(pve.async());

    proxmox::guest_selector which;
    which.vmid = vmid;
    which.type = proxmox::guest_type::qemu;
    auto vm = pve.run(pve.async().cluster().async_find_guest(which));
    if (failed(vm, "finding the VM"))
        return 1;

    const auto name = snapshot_name();
    auto task =
        pve.run(api.async_nodes_qemu_snapshot_post({.node = vm->node, .vmid = vmid, .snapname = name}));
    if (failed(task, "snapshot"))
        return 1;
    if (failed(pve.run(task->async_wait()), "snapshot task"))
        return 1;
    std::printf("took %s\n", name.c_str());

    auto list = pve.run(api.async_nodes_qemu_snapshot_get({.node = vm->node, .vmid = vmid}));
    if (failed(list, "listing snapshots"))
        return 1;
    std::vector<std::string> autos;
    for (const auto& s : list->data.as_array())
        if (std::string_view n = s.at("name").as_string(); n.starts_with("auto-"))
            autos.emplace_back(n);
    std::sort(autos.begin(), autos.end()); // oldest first
    for (std::size_t i = 0; i + keep < autos.size(); ++i) {
        auto del = pve.run(api.async_nodes_qemu_snapshot_snapname_delete(
            {.node = vm->node, .vmid = vmid, .snapname = autos[i]}));
        if (failed(del, "deleting a snapshot") || failed(pve.run(del->async_wait()), "snapshot delete task"))
            return 1;
        std::printf("deleted %s\n", autos[i].c_str());
    }
    std::printf("%zu auto- snapshots kept\n", std::min(keep, autos.size()));
    return 0;
}
