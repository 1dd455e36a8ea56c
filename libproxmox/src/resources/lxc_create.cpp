// New containers: create from a template (POST /nodes/{node}/lxc) and clone.

#include "core/text.hpp"
#include "resources/creation.hpp"

#include <proxmox/generated/nodes_lxc.hpp>

#include <fmt/format.h>

namespace proxmox::detail {
namespace {

using boost::asio::awaitable;

result<gen::nodes_lxc_post_params> create_params(const std::string& node, lxc_create_options o) {
    if (node.empty())
        return make_error(errc::invalid_argument,
                          "node name is empty; pass the node to create the container on");
    if (auto ok = check_new_vmid("vmid", o.vmid); !ok)
        return ok.error();
    if (o.ostemplate.empty())
        return make_error(errc::invalid_argument, "ostemplate is empty; pass a template volume like "
                                                  "\"local:vztmpl/debian-13-standard_13.1-2_amd64.tar.zst\"");
    if (!o.hostname.empty() && !is_dns_name(o.hostname))
        return make_error(errc::invalid_argument,
                          fmt::format("hostname {} is not a DNS name (letters, digits, inner '-', dots)",
                                      bounded_quote(o.hostname)));
    if (!o.password.empty() && o.password.size() < 5)
        return make_error(errc::invalid_argument, "password is shorter than 5 characters (PVE's minimum)");
    if (o.storage.empty())
        return make_error(errc::invalid_argument, "storage is empty; name the storage for the root volume");
    if (o.rootfs_gib == 0)
        return make_error(errc::invalid_argument, "rootfs_gib is 0; give the root volume a size in GiB");
    if (o.cores && (*o.cores < 1 || *o.cores > 8192))
        return make_error(errc::invalid_argument, fmt::format("cores {} is not in 1..8192", *o.cores));
    if (o.memory && *o.memory < 16)
        return make_error(errc::invalid_argument,
                          fmt::format("memory {} MiB is below PVE's minimum of 16", *o.memory));

    gen::nodes_lxc_post_params p{.node = node};
    p.vmid = o.vmid;
    p.ostemplate = std::move(o.ostemplate);
    p.config = std::move(o.extra);
    if (!o.hostname.empty())
        p.config.hostname = std::move(o.hostname);
    if (!o.password.empty())
        p.password = std::move(o.password);
    if (!o.ssh_public_keys.empty())
        p.ssh_public_keys = std::move(o.ssh_public_keys);
    p.storage = o.storage;
    p.config.rootfs = fmt::format("{}:{}", o.storage, o.rootfs_gib);
    if (o.cores)
        p.config.cores = *o.cores;
    if (o.memory)
        p.config.memory = static_cast<std::int64_t>(*o.memory);
    if (o.swap)
        p.config.swap = static_cast<std::int64_t>(*o.swap);
    for (const auto& [n, nic] : o.nets) {
        auto text = nic.to_property_string();
        if (!text)
            return make_error(errc::invalid_argument, fmt::format("nets[{}]: {}", n, text.error().message));
        p.config.net[n] = std::move(*text);
    }
    if (o.start)
        p.start = true;
    if (!o.pool.empty())
        p.pool = std::move(o.pool);
    p.config.unprivileged = o.unprivileged;
    return p;
}

awaitable<result<guest_creation>> clone(state_ptr state, std::string node, vmid_t vmid, lxc_clone_options o) {
    if (node.empty())
        co_return make_error(errc::invalid_argument, "node name is empty; pass the node the container is on");
    if (vmid < 100 || vmid > 999'999'999)
        co_return make_error(errc::invalid_argument,
                             fmt::format("vmid {} is out of range (100 .. 999999999)", vmid));
    if (auto ok = check_new_vmid("newid", o.newid); !ok)
        co_return ok.error();
    if (!o.hostname.empty() && !is_dns_name(o.hostname))
        co_return make_error(errc::invalid_argument,
                             fmt::format("hostname {} is not a DNS name", bounded_quote(o.hostname)));
    auto newid = co_await pick_vmid(state, o.newid);
    if (!newid)
        co_return newid.error();
    gen::nodes_lxc_clone_post_params p{.node = node, .vmid = vmid};
    p.newid = *newid;
    if (!o.hostname.empty())
        p.hostname = o.hostname;
    if (!o.description.empty())
        p.description = o.description;
    p.full = o.full;
    if (!o.storage.empty())
        p.storage = o.storage;
    if (!o.target.empty())
        p.target = o.target;
    if (!o.pool.empty())
        p.pool = o.pool;
    if (!o.snapname.empty())
        p.snapname = o.snapname;
    auto req = gen::encode(p);
    co_return co_await start_creation(state, *newid, std::move(req));
}

} // namespace

void op_lxc_create(const state_ptr& state,
                   std::string node,
                   lxc_create_options o,
                   handler<guest_creation> h) {
    spawn(state, create_guest(state, create_params(node, std::move(o))), std::move(h));
}

void op_lxc_clone(
    const state_ptr& state, std::string node, vmid_t vmid, lxc_clone_options o, handler<guest_creation> h) {
    spawn(state, clone(state, std::move(node), vmid, std::move(o)), std::move(h));
}

} // namespace proxmox::detail
