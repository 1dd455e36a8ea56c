// qemu_handle writes that start worker tasks: clone, delete, template, migrate and disk resize
// (power actions: power.cpp).

#include "core/json_read.hpp"
#include "core/text.hpp"
#include "resources/creation.hpp"
#include "resources/qemu_common.hpp"

namespace proxmox::detail {
namespace {

using boost::asio::awaitable;

/// `+?\d+(\.\d+)?[KMGT]?`: a size or an increment, as the resize call's `size` takes it.
bool is_disk_size(std::string_view size) {
    if (size.starts_with('+'))
        size.remove_prefix(1);
    if (!size.empty() && std::string_view("KMGT").find(size.back()) != std::string_view::npos)
        size.remove_suffix(1);
    const auto dot = size.find('.');
    if (dot == std::string_view::npos)
        return all_digits(size);
    return all_digits(size.substr(0, dot)) && all_digits(size.substr(dot + 1));
}

awaitable<result<guest_creation>>
clone(state_ptr state, std::string node, vmid_t vmid, qemu_clone_options o) {
    if (auto ok = check_vm(node, vmid); !ok)
        co_return ok.error();
    if (auto ok = check_new_vmid("qemu_clone_options.newid", o.newid); !ok)
        co_return ok.error();
    if (o.newid == vmid)
        co_return make_error(errc::invalid_argument,
                             "qemu_clone_options.newid is the VM's own id; pick another or 0");
    if (!o.name.empty() && !is_dns_name(o.name))
        co_return make_error(
            errc::invalid_argument,
            fmt::format("qemu_clone_options.name {} is not a DNS name (letters, digits, '-', '.')",
                        bounded_quote(o.name)));
    if (!o.storage.empty() && o.full && !*o.full)
        co_return make_error(
            errc::invalid_argument,
            "qemu_clone_options.storage needs a full clone; set full = true or leave storage empty");
    auto picked = co_await pick_vmid(state, o.newid);
    if (!picked)
        co_return picked.error();
    const vmid_t newid = *picked;
    gen::nodes_qemu_clone_post_params p;
    p.node = node;
    p.vmid = vmid;
    p.newid = newid;
    if (!o.name.empty())
        p.name = o.name;
    p.full = o.full;
    if (!o.target.empty())
        p.target = o.target;
    if (!o.storage.empty())
        p.storage = o.storage;
    if (!o.pool.empty())
        p.pool = o.pool;
    if (!o.description.empty())
        p.description = o.description;
    if (!o.snapname.empty())
        p.snapname = o.snapname;
    auto task = co_await send_task(state, std::move(p));
    if (!task)
        co_return task.error();
    guest_creation out;
    out.vmid = newid;
    out.task = std::move(*task);
    co_return out;
}

awaitable<result<task_handle>>
destroy(state_ptr state, std::string node, vmid_t vmid, qemu_delete_options o) {
    if (auto ok = check_vm(node, vmid); !ok)
        co_return ok.error();
    gen::nodes_qemu_vmid_delete_params p;
    p.node = node;
    p.vmid = vmid;
    if (o.purge)
        p.purge = true;
    if (o.destroy_unreferenced_disks)
        p.destroy_unreferenced_disks = true;
    if (o.skiplock)
        p.skiplock = true;
    co_return co_await send_task(state, std::move(p));
}

awaitable<result<task_handle>> make_template(state_ptr state, std::string node, vmid_t vmid) {
    if (auto ok = check_vm(node, vmid); !ok)
        co_return ok.error();
    gen::nodes_qemu_template_post_params p;
    p.node = node;
    p.vmid = vmid;
    co_return co_await send_task(state, std::move(p));
}

awaitable<result<task_handle>>
migrate(state_ptr state, std::string node, vmid_t vmid, qemu_migrate_options o) {
    if (auto ok = check_vm(node, vmid); !ok)
        co_return ok.error();
    if (o.target.empty())
        co_return make_error(errc::invalid_argument,
                             "qemu_migrate_options.target is empty; name the node to migrate to");
    if (o.target == node)
        co_return make_error(
            errc::invalid_argument,
            fmt::format("qemu_migrate_options.target {} is the node the VM is on", bounded_quote(o.target)));
    gen::nodes_qemu_migrate_post_params p;
    p.node = node;
    p.vmid = vmid;
    p.target = o.target;
    if (o.online)
        p.online = true;
    if (o.with_local_disks)
        p.with_local_disks = true;
    if (!o.target_storage.empty())
        p.targetstorage = o.target_storage;
    co_return co_await send_task(state, std::move(p));
}

awaitable<result<task_handle>>
resize(state_ptr state, std::string node, vmid_t vmid, std::string disk, std::string size) {
    if (auto ok = check_vm(node, vmid); !ok)
        co_return ok.error();
    if (!is_qemu_drive(disk))
        co_return make_error(
            errc::invalid_argument,
            fmt::format("disk {} is not a drive name (ide0-3, sata0-5, scsi0-30, virtio0-15, "
                        "efidisk0, tpmstate0)",
                        bounded_quote(disk)));
    if (!is_disk_size(size))
        co_return make_error(errc::invalid_argument,
                             fmt::format("size {} is not a size; pass the new size (\"40G\") or an increment "
                                         "(\"+10G\"), units K, M, G, T",
                                         bounded_quote(size)));
    gen::nodes_qemu_resize_put_params p;
    p.node = node;
    p.vmid = vmid;
    p.disk = disk;
    p.size = size;
    co_return co_await send_task(state, std::move(p));
}

} // namespace

void op_qemu_clone(
    const state_ptr& state, std::string node, vmid_t vmid, qemu_clone_options o, handler<guest_creation> h) {
    spawn(state, clone(state, std::move(node), vmid, std::move(o)), std::move(h));
}

void op_qemu_delete(
    const state_ptr& state, std::string node, vmid_t vmid, qemu_delete_options o, handler<task_handle> h) {
    spawn(state, destroy(state, std::move(node), vmid, o), std::move(h));
}

void op_qemu_template(const state_ptr& state, std::string node, vmid_t vmid, handler<task_handle> h) {
    spawn(state, make_template(state, std::move(node), vmid), std::move(h));
}

void op_qemu_migrate(
    const state_ptr& state, std::string node, vmid_t vmid, qemu_migrate_options o, handler<task_handle> h) {
    spawn(state, migrate(state, std::move(node), vmid, std::move(o)), std::move(h));
}

void op_qemu_resize(const state_ptr& state,
                    std::string node,
                    vmid_t vmid,
                    std::string disk,
                    std::string size,
                    handler<task_handle> h) {
    spawn(state, resize(state, std::move(node), vmid, std::move(disk), std::move(size)), std::move(h));
}

} // namespace proxmox::detail
