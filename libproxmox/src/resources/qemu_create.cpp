// New VMs: POST /nodes/{node}/qemu from typed options (disks and NICs through the device
// builders, an ISO as CD-ROM, boot order), checked before anything is sent.

#include "core/text.hpp"
#include "resources/creation.hpp"
#include "resources/qemu_common.hpp"

#include <proxmox/generated/nodes_qemu.hpp>
#include <proxmox/resources/node.hpp>

#include <fmt/format.h>

namespace proxmox::detail {
namespace {

using boost::asio::awaitable;

/// Puts drive `key` into the params' field for it; false when `key` is no drive.
bool put_drive(gen::qemu_config_fields& c, const std::string& key, std::string text) {
    for (const auto& bus : qemu_drive_buses)
        if (auto n = drive_index(key, bus)) {
            (c.*bus.field)[*n] = std::move(text);
            return true;
        }
    if (key == "efidisk0")
        c.efidisk0 = std::move(text);
    else if (key == "tpmstate0")
        c.tpmstate0 = std::move(text);
    else
        return false;
    return true;
}

result<gen::nodes_qemu_post_params> create_params(const std::string& node, qemu_create_options o) {
    if (node.empty())
        return make_error(errc::invalid_argument, "node name is empty; pass the node to create the VM on");
    if (auto ok = check_new_vmid("qemu_create_options.vmid", o.vmid); !ok)
        return ok.error();
    if (!o.name.empty() && !is_dns_name(o.name))
        return make_error(
            errc::invalid_argument,
            fmt::format("qemu_create_options.name {} is not a DNS name (letters, digits, inner '-', dots)",
                        bounded_quote(o.name)));
    if (o.cores && (*o.cores < 1 || *o.cores > 1024))
        return make_error(errc::invalid_argument,
                          fmt::format("qemu_create_options.cores {} is not in 1..1024", *o.cores));
    if (o.sockets && (*o.sockets < 1 || *o.sockets > 4))
        return make_error(errc::invalid_argument,
                          fmt::format("qemu_create_options.sockets {} is not in 1..4", *o.sockets));
    if (o.memory && *o.memory < 16)
        return make_error(
            errc::invalid_argument,
            fmt::format("qemu_create_options.memory {} MiB is below PVE's minimum of 16", *o.memory));

    gen::nodes_qemu_post_params p{.node = node};
    p.vmid = o.vmid;
    p.config = std::move(o.extra);
    if (!o.name.empty())
        p.config.name = std::move(o.name);
    if (o.cores)
        p.config.cores = *o.cores;
    if (o.sockets)
        p.config.sockets = *o.sockets;
    if (o.memory)
        p.config.memory = std::to_string(*o.memory);
    if (!o.ostype.empty())
        p.config.ostype = gen::qemu_config_fields::ostype_enum(std::move(o.ostype));
    if (!o.scsihw.empty())
        p.config.scsihw = gen::qemu_config_fields::scsihw_enum(std::move(o.scsihw));
    if (o.agent)
        p.config.agent = *o.agent ? "1" : "0";
    if (!o.description.empty())
        p.config.description = std::move(o.description);
    for (const auto& [key, disk] : o.disks) {
        auto text = disk.to_property_string();
        if (!text)
            return make_error(errc::invalid_argument, fmt::format("qemu_create_options.disks[{}]: {}",
                                                                  bounded_quote(key), text.error().message));
        if (!put_drive(p.config, key, std::move(*text)))
            return make_error(
                errc::invalid_argument,
                fmt::format("qemu_create_options.disks: {} is not a drive (ide0-3, sata0-5, scsi0-30, "
                            "virtio0-15, efidisk0, tpmstate0)",
                            bounded_quote(key)));
    }
    if (!o.iso.empty()) {
        if (o.disks.contains("ide2"))
            return make_error(
                errc::invalid_argument,
                "qemu_create_options.iso goes on ide2, which disks already uses; put the ISO in disks "
                "as qemu_disk::cdrom(...) on another drive instead");
        auto text = qemu_disk::cdrom(o.iso).to_property_string();
        if (!text)
            return make_error(errc::invalid_argument, "qemu_create_options.iso: " + text.error().message);
        p.config.ide[2] = std::move(*text);
    }
    for (const auto& [n, nic] : o.nets) {
        if (n < 0 || n > 31)
            return make_error(
                errc::invalid_argument,
                fmt::format("qemu_create_options.nets: net{} is out of range (net0 .. net31)", n));
        auto text = nic.to_property_string();
        if (!text)
            return make_error(errc::invalid_argument,
                              fmt::format("qemu_create_options.nets[{}]: {}", n, text.error().message));
        p.config.net[n] = std::move(*text);
    }
    if (!o.boot_order.empty()) {
        std::string order;
        for (const auto& device : o.boot_order) {
            if (device.empty() || device.find_first_of(";,= ") != std::string::npos)
                return make_error(
                    errc::invalid_argument,
                    fmt::format("qemu_create_options.boot_order: {} is not a device name (scsi0, ide2, "
                                "net0, ...)",
                                bounded_quote(device)));
            order += (order.empty() ? "" : ";") + device;
        }
        p.config.boot = "order=" + order;
    }
    if (o.start)
        p.start = true;
    if (!o.pool.empty())
        p.pool = std::move(o.pool);
    return p;
}

} // namespace

void op_qemu_create(const state_ptr& state,
                    std::string node,
                    qemu_create_options o,
                    handler<guest_creation> h) {
    spawn(state, create_guest(state, create_params(node, std::move(o))), std::move(h));
}

} // namespace proxmox::detail
