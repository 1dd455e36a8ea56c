// Disk resize: qemu-server API2/Qemu.pm resize_vm (a `resize` task that checks in the worker) and
// pve-container API2/LXC.pm resize_vm (checks first, then the `resize` task).
#include "endpoints/guest_config.hpp"
#include "schema/schema.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace proxmox::sim::detail {

namespace json = boost::json;

json::value put_qemu_resize(call_context& ctx) {
    // resize_vm checks nothing but the parameters before its worker: even a VM that is not on
    // this node gets a UPID, and the task fails loading its config
    root_only(ctx, {"skiplock"});
    const auto vmid = static_cast<unsigned>(*ctx.int_param("vmid"));
    const auto disk = *ctx.param("disk");
    const auto size_text = *ctx.param("size");
    const auto digest = ctx.param("digest").value_or("");
    const bool skiplock = ctx.bool_param("skiplock");
    const auto node = ctx.node().name;
    auto work = [=](cluster& c, epoch_seconds) -> task_result {
        guest_state* g = c.find_guest(vmid);
        if (!g || g->node != node || g->kind != guest_kind::qemu)
            return {{}, without_newline(missing_config(guest_kind::qemu, vmid, node))};
        if (!digest.empty() && digest != config_digest(*g))
            return {{}, "checksum mismatch (file change by other user?)"};
        if (!skiplock && !g->lock.empty())
            return {{}, lock_message(*g)};
        const auto value = config_value(*g, disk);
        if (!value)
            return {{}, fmt::format("disk '{}' does not exist", disk)};
        const auto volid = drive_volume(*value);
        if (volid.empty())
            return {{}, fmt::format("disk '{}' has no associated volume", disk)};
        if (is_cdrom_drive(*value))
            return {{}, "you can't resize a cdrom"};
        const std::uint64_t size = drive_size(*value);
        if (size == 0)
            return {{}, fmt::format("Could not determine current size of volume '{}'", volid)};
        const bool ext = size_text.starts_with('+');
        std::uint64_t new_size = parse_disk_size(ext ? size_text.substr(1) : size_text).value_or(0);
        if (ext)
            new_size += size;
        if (new_size < size)
            return {{}, "shrinking disks is not supported"};
        task_result r;
        if (new_size == size)
            return r;
        const auto lv = volid.substr(volid.find(':') + 1);
        r.log.push_back(fmt::format("  Size of logical volume pve/{} changed from {:.2f} GiB ({} extents) to "
                                    "{:.2f} GiB ({} extents).",
                                    lv, static_cast<double>(size) / (1 << 30), size / (4 << 20),
                                    static_cast<double>(new_size) / (1 << 30), new_size / (4 << 20)));
        r.log.push_back(fmt::format("  Logical volume pve/{} successfully resized.", lv));
        free_volume(c, *g, volid, 0);
        if (node_state* n = c.find_node(node))
            for (auto& usage : n->storages)
                if (usage.storage == volid.substr(0, volid.find(':')))
                    usage.used = std::min(usage.total, usage.used + (new_size - size));
        auto props = split_property_string(*value, "file");
        set_property_value(props, "size", format_disk_size(new_size));
        set_config_value(*g, disk, print_properties(props, "file"));
        sync_from_config(*g);
        return r;
    };
    return json::string(ctx.run_worker(ctx.node(), "resize", std::to_string(vmid), work));
}

json::value put_lxc_resize(call_context& ctx) {
    guest_state& g = local_guest(ctx, guest_kind::lxc);
    check_lock(g);
    if (auto digest = ctx.param("digest"); digest && !digest->empty() && *digest != config_digest(g))
        raise_error("detected modified configuration - file changed by other user? Try again.\n");
    const auto disk = *ctx.param("disk");
    const auto value = config_value(g, disk);
    if (!value)
        raise_error(fmt::format("disk '{}' does not exist\n", disk));
    auto props = split_property_string(*value, "volume");
    const auto volid = property_value(props, "volume").value_or("");
    const std::uint64_t size = parse_disk_size(property_value(props, "size").value_or("")).value_or(0);
    if (size == 0)
        raise_error(fmt::format("Size of volume {} couldn't be determined\n", volid));
    const auto size_text = *ctx.param("size");
    const bool ext = size_text.starts_with('+');
    std::uint64_t new_size = parse_disk_size(ext ? size_text.substr(1) : size_text).value_or(0);
    if (ext)
        new_size += size;
    if (new_size < size)
        raise_error("unable to shrink disk size\n");
    if (new_size == size) // pve-container API2/LXC.pm resize_vm: before any task
        raise_error("disk is already at specified size\n");
    const unsigned vmid = g.vmid;
    const std::string node = g.node;
    // the config and the volume change in the worker (volume_resize, then resize2fs)
    return json::string(ctx.run_worker(
        ctx.node(), "resize", std::to_string(vmid), [=](cluster& c, epoch_seconds) -> task_result {
            guest_state* ct = c.find_guest(vmid);
            if (!ct || ct->node != node)
                return {{}, without_newline(missing_config(guest_kind::lxc, vmid, node))};
            task_result r;
            if (node_state* n = c.find_node(node))
                for (auto& usage : n->storages)
                    if (usage.storage == volid.substr(0, volid.find(':')))
                        usage.used = std::min(usage.total, usage.used + (new_size - size));
            auto updated = split_property_string(config_value(*ct, disk).value_or(*value), "volume");
            set_property_value(updated, "size", format_disk_size(new_size));
            set_config_value(*ct, disk, print_properties(updated, "volume", {"mp"}));
            sync_from_config(*ct);
            r.log.push_back("Resizing image: " + volid);
            return r;
        }));
}

} // namespace proxmox::sim::detail
