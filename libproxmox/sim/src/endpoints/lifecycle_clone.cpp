// Guest lifecycle: clone and migrate (qemu-server API2/Qemu.pm clone_vm, migrate_vm,
// migrate_vm_precondition, QemuMigrate.pm; pve-container API2/LXC.pm clone_vm, migrate_vm,
// LXC/Migrate.pm; pve-guest-common AbstractMigrate.pm for the migration log).
#include "endpoints/lifecycle.hpp"
#include "endpoints/volumes.hpp"

#include <boost/json/array.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace proxmox::sim::detail {

namespace json = boost::json;
using namespace lifecycle;

namespace {

bool is_shared_volume(const cluster& c, std::string_view volid) {
    const auto colon = volid.find(':');
    if (colon == std::string_view::npos)
        return false;
    for (const auto& s : c.storages)
        if (s.id == volid.substr(0, colon))
            return s.shared;
    return false;
}

/// The `target` node of a clone (nullopt for the local node), or PVE's error for an unknown one.
std::optional<std::string> clone_target(call_context& ctx, const node_state& node) {
    auto target = ctx.param("target");
    if (target && (*target == node.name || *target == "localhost"))
        target.reset();
    if (target && !ctx.state.find_node(*target))
        raise_error(fmt::format("no such cluster node '{}'\n", *target));
    return target;
}

const snapshot_state* find_snapshot(const guest_state& g, const std::optional<std::string>& snapname) {
    if (!snapname)
        return nullptr;
    for (const auto& s : g.snapshots)
        if (s.name == *snapname)
            return &s;
    raise_error(fmt::format("snapshot '{}' does not exist\n", *snapname));
}

bool is_net_key(std::string_view key) {
    return key.starts_with("net") && key.size() > 3 && std::isdigit(static_cast<unsigned char>(key[3]));
}

/// The new volume of a cloned disk: a full copy on `storage` (or the source's), or a linked
/// clone on the base volume's storage. LVM-thin (the simulator's image storage) names a linked
/// clone like any disk: LvmThinPlugin clone_image returns the plain `vm-NEW-disk-J` (the
/// `base-N-disk-K/vm-NEW-disk-J` form is ZFS's and the directory plugins').
std::string cloned_volume(std::string_view volid,
                          bool full,
                          const std::optional<std::string>& storage,
                          const config_entries& assigned,
                          unsigned newid) {
    const auto source_storage = std::string(volid.substr(0, volid.find(':')));
    const auto name = next_disk_name(assigned, newid, false);
    return (full ? storage.value_or(source_storage) : source_storage) + ":" + name;
}

/// check_storage_access_clone's answer: whether every disk of `conf` lies on shared storage.
bool only_shared_volumes(const cluster& c, const config_entries& conf) {
    for (const auto& [key, value] : conf) {
        if (!is_volume_key(guest_kind::qemu, key))
            continue;
        const auto volid = volume_of(value);
        if (is_cdrom(value) && (volid == "none" || volid == "cdrom"))
            continue;
        if (!is_shared_volume(c, volid))
            return false;
    }
    return true;
}

/// AbstractMigrate's duration text, HH:MM:SS.
std::string duration_text(epoch_seconds seconds) {
    seconds = std::max<epoch_seconds>(0, seconds);
    return fmt::format("{:02}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60);
}

// --- qemu clone -----------------------------------------------------------------------------

json::value post_qemu_clone(call_context& ctx) {
    node_state& node = ctx.node();
    const auto newid = vmid_param(ctx, "newid");
    const auto pool = ctx.param("pool");
    const auto storage = ctx.param("storage");
    const auto snapname = ctx.param("snapname");
    const auto target = clone_target(ctx, node);
    check_pool_exist(ctx.state, pool);
    if (storage) {
        const auto& s = storage_config(ctx.state, *storage);
        if (!has_content(s, "images"))
            raise_param_exc({{"storage", fmt::format("storage '{}' does not support vm images", *storage)}});
        if (target && !s.shared)
            raise_error(fmt::format("can't clone to non-shared storage '{}'\n", *storage));
    }
    guest_state& src = local_guest(ctx, guest_kind::qemu);
    check_lock(src);
    const snapshot_state* snap = find_snapshot(src, snapname);
    const bool full = ctx.param("full") ? ctx.bool_param("full") : !src.is_template;
    if (storage && !full)
        raise_error("parameter 'storage' not allowed for linked clones\n");
    if (ctx.param("format") && !full)
        raise_error("parameter 'format' not allowed for linked clones\n");

    auto oldconf = snap ? snap->config : src.config;
    std::stable_sort(oldconf.begin(), oldconf.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    if (target && !only_shared_volumes(ctx.state, oldconf))
        raise_error(fmt::format("can't clone VM to node '{}' (VM uses local storage)\n", *target));
    // $load_and_check tests `-f` on this node's qemu-server/NEWID.conf only; a VM of that id on
    // another node or a container passes, and the worker's file_set_contents of the temporary
    // config fails (pmxcfs refuses the rename)
    const guest_state* taken = ctx.state.find_guest(newid);
    if (taken && taken->kind == guest_kind::qemu && taken->node == node.name)
        raise_error(fmt::format("unable to create VM {}: config file already exists\n", newid));
    std::vector<std::string> log = {fmt::format("creating a clone of VM {} with ID {}", src.vmid, newid)};

    guest_state clone;
    clone.kind = guest_kind::qemu;
    clone.vmid = newid;
    clone.node = node.name;
    clone.firewall = src.firewall; // clone_vmfw_conf
    config_entries assigned;
    for (const auto& [key, value] : oldconf) {
        if (key == "parent" || key == "snaptime" || key == "vmstate" || key == "snapstate" || key == "lock" ||
            key == "digest" || key.starts_with("unused"))
            continue;
        if (full && src.running && !snap && key == "tpmstate0")
            raise_error("cannot clone TPM state while VM is running\n");
        if (is_net_key(key)) {
            clone.config.emplace_back(key, with_new_mac(ctx.state, guest_kind::qemu, value, newid));
            continue;
        }
        if (!is_volume_key(guest_kind::qemu, key)) {
            clone.config.emplace_back(key, value);
            continue;
        }
        const auto volid = volume_of(value);
        if (is_cdrom(value)) {
            clone.config.emplace_back(key, value);
            continue;
        }
        // lvmthin: a linked clone needs a base volume
        if (!full && volid.find(":base-") == std::string::npos)
            raise_error(fmt::format("Linked clone feature is not supported for{} '{}' ({})\n",
                                    snap ? " a snapshot of" : "", volid, key));
        const auto new_volid = cloned_volume(volid, full, storage, assigned, newid);
        assigned.emplace_back(key, new_volid);
        log.push_back(fmt::format("create {} clone of drive {} ({})", full ? "full" : "linked", key, volid));
        log.push_back(fmt::format("  Logical volume \"{}\" created.", volume_name(new_volid)));
        if (full) {
            log.push_back(fmt::format("allocated target volume '{}'", new_volid)); // clone_disk
            const auto size = render_bytes(drive_size(value));
            if (src.running) {
                log.push_back(fmt::format("drive mirror is starting for drive-{}", key));
                log.push_back(
                    fmt::format("drive-{}: transferred {} of {} (100.00%) in 1s, ready", key, size, size));
                log.emplace_back("all 'mirror' jobs are ready");
            } else {
                log.push_back(fmt::format("transferred 0.0 B of {} (0.00%)", size));
                log.push_back(fmt::format("transferred {} of {} (100.00%)", size, size));
            }
        }
        clone.config.emplace_back(key, with_volume(value, new_volid));
    }
    if (taken)
        return json::string(
            failing_worker(ctx, node, "qmclone", src.vmid,
                           fmt::format("close (rename) atomic file '/etc/pve/nodes/{}/qemu-server/"
                                       "{}.conf' failed: File exists",
                                       node.name, newid),
                           {log.front()}));
    set_config_value(clone, "smbios1",
                     lifecycle::with_property(config_value(clone, "smbios1").value_or(""), "uuid",
                                              random_uuid(ctx.state, newid)));
    if (config_value(clone, "vmgenid"))
        set_config_value(clone, "vmgenid", random_uuid(ctx.state, newid + 1));
    erase_config_value(clone, "template");
    const auto name = ctx.param("name");
    set_config_value(clone, "name",
                     name ? *name
                          : "Copy-of-VM-" + config_value(src, "name").value_or(std::to_string(src.vmid)));
    if (auto description = ctx.param("description"); description && !description->empty())
        set_config_value(clone, "description", *description);
    if (!snap && (!src.pending.empty() || !src.pending_delete.empty())) {
        std::string keys;
        for (const auto& [key, value] : src.pending)
            keys += (keys.empty() ? "" : ",") + key;
        if (!src.pending_delete.empty())
            keys += std::string(keys.empty() ? "" : ",") + "delete";
        log.push_back(fmt::format("found pending changes for '{}', discarding for clone", keys));
    }
    sort_config(clone);
    sync_from_config(clone);
    clone.lock = "clone";
    ctx.state.guests[newid] = std::move(clone);

    return json::string(ctx.run_worker(
        node, "qmclone", std::to_string(src.vmid),
        [newid, target, pool, log](cluster& c, epoch_seconds) -> task_result {
            guest_state* g = c.find_guest(newid);
            if (!g)
                return {log, fmt::format("clone failed: unable to find configuration file for VM {}", newid)};
            g->lock.clear();
            if (target)
                g->node = *target; // the config moves to the target node
            if (pool)
                add_vm_to_pool(c, *pool, newid);
            return {log, {}};
        },
        3.0));
}

// --- lxc clone ------------------------------------------------------------------------------

json::value post_lxc_clone(call_context& ctx) {
    node_state& node = ctx.node();
    const auto newid = vmid_param(ctx, "newid");
    const auto pool = ctx.param("pool");
    check_pool_exist(ctx.state, pool);
    const auto snapname = ctx.param("snapname");
    const auto storage = ctx.param("storage");
    const auto target = clone_target(ctx, node);
    if (storage) {
        const auto& s = storage_config(ctx.state, *storage);
        if (target && !s.shared)
            raise_error(fmt::format("can't clone to non-shared storage '{}'\n", *storage));
    }
    // set_lock($vmid, 'disk'), then create_and_lock_config($newid)
    guest_state& src = local_guest(ctx, guest_kind::lxc);
    check_lock(src);
    if (auto taken = vmid_in_use(ctx.state, newid))
        raise_error(*taken);

    guest_state clone;
    clone.kind = guest_kind::lxc;
    clone.vmid = newid;
    clone.node = node.name;
    clone.firewall = src.firewall;
    std::vector<std::string> log;
    const bool full = ctx.param("full") ? ctx.bool_param("full") : !src.is_template;
    if (storage && !full)
        raise_error("parameter 'storage' not allowed for linked clones\n");
    const snapshot_state* snap = find_snapshot(src, snapname);
    auto oldconf = snap ? snap->config : src.config;
    std::stable_sort(oldconf.begin(), oldconf.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    bool sharedvm = true;
    config_entries assigned;
    for (const auto& [key, value] : oldconf) {
        if (key.starts_with("unused") || key == "parent" || key == "snaptime" || key == "snapstate" ||
            key == "lock" || key == "template" || key == "digest")
            continue;
        if (is_net_key(key)) {
            clone.config.emplace_back(key, with_new_mac(ctx.state, guest_kind::lxc, value, newid));
            continue;
        }
        if (!is_volume_key(guest_kind::lxc, key)) {
            clone.config.emplace_back(key, value);
            continue;
        }
        const auto volid = volume_of(value);
        if (volid.starts_with("/"))
            raise_error(fmt::format("unable to clone mountpoint '{}' (type bind)\n", key));
        const auto sid = storage.value_or(volid.substr(0, volid.find(':')));
        if (!storage_config(ctx.state, sid).shared)
            sharedvm = false;
        if (full && src.running && !snap)
            raise_error("Cannot do full clones on a running container without snapshots\n");
        if (!full && volid.find(":base-") == std::string::npos)
            raise_error(fmt::format("Linked clone feature for '{}' is not available\n", volid));
        const auto new_volid = cloned_volume(volid, full, storage, assigned, newid);
        assigned.emplace_back(key, new_volid);
        log.push_back(full ? fmt::format("create full clone of mountpoint {} ({})", key, volid)
                           : fmt::format("create linked clone of mount point {} ({})", key, volid));
        log.push_back(fmt::format("  Logical volume \"{}\" created.", volume_name(new_volid)));
        clone.config.emplace_back(key, with_volume(value, new_volid));
    }
    if (target && !sharedvm)
        raise_error(fmt::format("can't clone CT to node '{}' (CT uses local storage)\n", *target));
    if (auto hostname = ctx.param("hostname"))
        set_config_value(clone, "hostname", *hostname);
    if (auto description = ctx.param("description"); description && !description->empty())
        set_config_value(clone, "description", *description);
    sort_config(clone);
    sync_from_config(clone);
    clone.lock = "create";
    src.lock = "disk";
    const auto vmid = src.vmid;
    ctx.state.guests[newid] = std::move(clone);

    return json::string(ctx.run_worker(
        node, "vzclone", std::to_string(vmid),
        [vmid, newid, target, pool, log](cluster& c, epoch_seconds) -> task_result {
            if (guest_state* s = c.find_guest(vmid); s && s->lock == "disk")
                s->lock.clear();
            guest_state* g = c.find_guest(newid);
            if (!g)
                return {log, "clone failed: Lost 'create' config lock, aborting."};
            if (pool)
                add_vm_to_pool(c, *pool, newid);
            g->lock.clear();
            if (target)
                g->node = *target;
            return {log, {}};
        },
        3.0));
}

// --- migrate --------------------------------------------------------------------------------

/// The checks of a migrate call that come before the worker: the target, root-only options.
node_state& migration_target(call_context& ctx, const node_state& node) {
    const auto target = *ctx.param("target");
    if (target == node.name)
        raise_param_exc({{"target", "target is local node."}});
    node_state* t = ctx.state.find_node(target);
    if (!t)
        raise_error(fmt::format("no such cluster node '{}'\n", target));
    return *t;
}

/// parse_idmap of a targetstorage mapping: every target storage must exist and hold images.
void check_target_storages(call_context& ctx, std::string_view param, std::string_view content) {
    const auto map = ctx.param(param);
    if (!map || *map == "1")
        return;
    std::size_t start = 0;
    while (start <= map->size()) {
        auto end = map->find(',', start);
        if (end == std::string::npos)
            end = map->size();
        auto entry = map->substr(start, end - start);
        const auto sid = entry.substr(entry.find(':') == std::string::npos ? 0 : entry.find(':') + 1);
        if (!has_content(storage_config(ctx.state, sid), content))
            raise_error(fmt::format("storage '{}' does not support {}\n", sid,
                                    content == "images" ? "vm images" : "container directories"));
        start = end + 1;
    }
}

/// AbstractMigrate's log: each line with its time stamp.
std::vector<std::string> stamped(epoch_seconds now, const std::vector<std::string>& lines) {
    std::vector<std::string> out;
    for (const auto& l : lines)
        out.push_back(log_time(now) + l);
    return out;
}

/// QemuServer::check_local_resources: devices that tie a VM to its node.
std::vector<std::string> local_resources(const guest_state& g) {
    std::vector<std::string> out;
    for (const auto& [key, value] : g.config) {
        const bool device = (key.starts_with("hostpci") || key.starts_with("parallel") || key == "ivshmem") ||
                            (key.starts_with("usb") && value.find("spice") == std::string::npos) ||
                            (key.starts_with("serial") && value != "socket");
        if (device)
            out.push_back(key);
    }
    return out;
}

std::vector<std::string> copy_volume_lines(const std::string& volid) {
    const auto name = volid.substr(volid.find(':') + 1);
    return {fmt::format("  Logical volume \"{}\" created.", name),
            fmt::format("successfully imported '{}'", volid),
            fmt::format("volume '{}' is '{}' on the target", volid, volid),
            fmt::format("  Logical volume \"{}\" successfully removed.", name)};
}

json::value post_qemu_migrate(call_context& ctx) {
    node_state& node = ctx.node();
    node_state& target = migration_target(ctx, node);
    root_only(ctx, {"force", "migration_type", "migration_network"});
    guest_state& g = local_guest(ctx, guest_kind::qemu);
    check_lock(g);
    const bool online = ctx.bool_param("online") && g.running;
    if (g.running && !online)
        raise_error("can't migrate running VM without --online\n");
    check_target_storages(ctx, "targetstorage", "images");
    const bool with_local_disks = ctx.bool_param("with-local-disks");
    const auto vmid = g.vmid;
    const auto now = ctx.now;
    auto aborted = [&](const std::string& err, std::vector<std::string> lines) {
        lines.push_back(fmt::format("ERROR: migration aborted (duration 00:00:00): {}", err));
        return json::string(
            failing_worker(ctx, node, "qmigrate", vmid, "migration aborted", stamped(now, lines)));
    };
    // QemuMigrate prepare
    if (auto devices = local_resources(g); !devices.empty() && (g.running || !ctx.bool_param("force"))) {
        std::string list;
        for (const auto& d : devices)
            list += (list.empty() ? "" : ", ") + d;
        return aborted("can't migrate VM which uses local devices: " + list, {});
    }
    if (target.offline)
        return aborted("Can't connect to destination address using public key", {});
    // phase 1: scan_local_volumes
    std::vector<std::string> lines = {
        fmt::format("starting migration of VM {} to node '{}' ({})", vmid, target.name, target.ip)};
    std::vector<std::string> problems;
    std::vector<std::string> disks;
    for (const auto& [key, value] : g.config) {
        if (!is_volume_key(guest_kind::qemu, key) && !key.starts_with("unused"))
            continue;
        const auto volid = volume_of(value);
        if (volid == "none" || volid.find(':') == std::string::npos || is_shared_volume(ctx.state, volid))
            continue;
        if (is_cdrom(value)) {
            problems.push_back(fmt::format("can't migrate local disk '{}': local cdrom image", volid));
            continue;
        }
        lines.push_back(fmt::format("found local disk '{}' ({})", volid,
                                    key.starts_with("unused") ? "unused" : "attached"));
        if (online && !with_local_disks && !key.starts_with("unused"))
            problems.push_back(fmt::format("can't migrate local disk '{}': can't live migrate attached local "
                                           "disks without with-local-disks option",
                                           volid));
        disks.push_back(volid);
    }
    if (!problems.empty()) {
        lines.insert(lines.end(), problems.begin(), problems.end());
        lines.emplace_back("ERROR: Problem found while scanning volumes - can't migrate VM - check log");
        lines.emplace_back("aborting phase 1 - cleanup resources");
        return aborted("Problem found while scanning volumes - can't migrate VM - check log", lines);
    }
    if (!online) {
        if (!disks.empty())
            lines.emplace_back("copying local disk images");
        for (const auto& d : disks) {
            auto more = copy_volume_lines(d);
            lines.insert(lines.end(), more.begin(), more.end());
        }
    } else {
        const auto mem = render_bytes(g.maxmem);
        lines.push_back(fmt::format("starting VM {} on remote node '{}'", vmid, target.name));
        for (const auto& d : disks)
            lines.push_back(fmt::format("volume '{}' is '{}' on the target", d, d));
        lines.emplace_back("start remote tunnel");
        lines.emplace_back("ssh tunnel ver 1");
        if (!disks.empty())
            lines.emplace_back("starting storage migration");
        for (const auto& [key, value] : g.config)
            if (is_volume_key(guest_kind::qemu, key) && !is_cdrom(value) &&
                !is_shared_volume(ctx.state, volume_of(value))) {
                const auto size = render_bytes(drive_size(value));
                lines.push_back(
                    fmt::format("{0}: start migration to nbd:unix:/run/qemu-server/{1}_nbd.migrate:"
                                "exportname=drive-{0}",
                                key, vmid));
                lines.push_back(fmt::format("drive mirror is starting for drive-{}", key));
                lines.push_back(
                    fmt::format("drive-{}: transferred {} of {} (100.00%) in 1s, ready", key, size, size));
            }
        if (!disks.empty())
            lines.emplace_back("all 'mirror' jobs are ready");
        lines.push_back(
            fmt::format("starting online/live migration on unix:/run/qemu-server/{}.migrate", vmid));
        lines.emplace_back("set migration capabilities");
        lines.emplace_back("migration downtime limit: 100 ms");
        lines.emplace_back("migration cachesize: 256.0 MiB");
        lines.emplace_back("set migration parameters");
        lines.push_back(fmt::format("start migrate command to unix:/run/qemu-server/{}.migrate", vmid));
        lines.push_back(fmt::format("migration active, transferred {} of {} VM-state, 1.1 GiB/s",
                                    render_bytes(g.maxmem / 4), mem));
        lines.emplace_back("average migration speed: 1.1 GiB/s - downtime 42 ms");
        lines.emplace_back("migration status: completed");
        lines.emplace_back("stopping NBD storage migration server on target.");
    }
    g.lock = "migrate";
    return json::string(ctx.run_worker(
        node, "qmigrate", std::to_string(vmid),
        [vmid, on = node.name, to = target.name, online, lines,
         start = ctx.now](cluster& c, epoch_seconds end) -> task_result {
            guest_state* vm = c.find_guest(vmid);
            if (!vm || vm->node != on)
                return {{}, "migration aborted"};
            vm->lock.clear();
            vm->node = to;
            if (online)
                start_guest(*vm, c, end); // the QEMU process on the target takes over
            auto out = lines;
            out.push_back(
                fmt::format("migration finished successfully (duration {})", duration_text(end - start)));
            return {stamped(end, out), {}};
        },
        4.0));
}

json::value get_qemu_migrate(call_context& ctx) {
    node_state& node = ctx.node();
    guest_state& g = local_guest(ctx, guest_kind::qemu);
    check_lock(g);
    json::object o;
    o["running"] = g.running ? 1 : 0;
    json::array allowed;
    for (const auto& n : ctx.state.nodes)
        if (n.name != node.name)
            allowed.push_back(json::string(n.name));
    o["allowed_nodes"] = std::move(allowed);
    o["not_allowed_nodes"] = json::object{};
    json::array disks;
    for (const auto& [key, value] : g.config) {
        const bool unused = key.starts_with("unused");
        if (!is_volume_key(guest_kind::qemu, key) && !unused)
            continue;
        const auto volid = volume_of(value);
        if (volid == "none" || volid.find(':') == std::string::npos || is_shared_volume(ctx.state, volid))
            continue;
        json::object d;
        d["volid"] = volid;
        d["size"] = drive_size(value);
        d["cdrom"] = is_cdrom(value) ? 1 : 0;
        d["is_unused"] = unused ? 1 : 0;
        if (!unused) {
            d["drivename"] = key;
            d["is_attached"] = 1;
        }
        d["referenced_in_config"] = 1;
        disks.push_back(std::move(d));
    }
    o["local_disks"] = std::move(disks);
    json::array resources;
    for (const auto& r : local_resources(g))
        resources.push_back(json::string(r));
    o["local_resources"] = std::move(resources);
    o["mapped-resources"] = json::array{};
    o["mapped-resource-info"] = json::object{};
    // qemu-server 9.0.10+ (PVE::API2::Qemu migrate_vm_precondition): the host always has the
    // dbus-vmstate helper.
    o["has-dbus-vmstate"] = 1;
    return o;
}

json::value post_lxc_migrate(call_context& ctx) {
    node_state& node = ctx.node();
    node_state& target = migration_target(ctx, node);
    guest_state& g = local_guest(ctx, guest_kind::lxc);
    const bool online = ctx.bool_param("online");
    const bool restart = ctx.bool_param("restart");
    if (g.running && !online && !restart)
        raise_error("can't migrate running container without --online or --restart\n");
    check_target_storages(ctx, "target-storage", "rootdir");
    const auto vmid = g.vmid;
    const auto now = ctx.now;
    auto aborted = [&](const std::string& err) {
        return json::string(failing_worker(
            ctx, node, "vzmigrate", vmid, "migration aborted",
            stamped(now, {fmt::format("ERROR: migration aborted (duration 00:00:00): {}", err)})));
    };
    // LXC::Migrate prepare
    if (!g.lock.empty())
        return aborted(lock_message(g));
    if (g.running && online)
        return aborted("lxc live migration is currently not implemented");
    if (target.offline)
        return aborted("Can't connect to destination address using public key");
    const bool was_running = g.running;
    std::vector<std::string> lines;
    if (was_running)
        lines.push_back(fmt::format("shutdown CT {}", vmid));
    lines.push_back(
        fmt::format("starting migration of CT {} to node '{}' ({})", vmid, target.name, target.ip));
    for (const auto& [key, volid] : guest_volumes(g)) {
        if (is_shared_volume(ctx.state, volid))
            continue;
        lines.push_back(fmt::format("found local volume '{}' (in current VM config)", volid));
        auto more = copy_volume_lines(volid);
        lines.insert(lines.end(), more.begin(), more.end());
    }
    if (was_running)
        stop_guest(g); // the shutdown happens at once
    g.lock = "migrate";
    return json::string(ctx.run_worker(
        node, "vzmigrate", std::to_string(vmid),
        [vmid, on = node.name, to = target.name, was_running, lines,
         start = ctx.now](cluster& c, epoch_seconds end) -> task_result {
            guest_state* ct = c.find_guest(vmid);
            if (!ct || ct->node != on)
                return {{}, "migration aborted"};
            ct->lock.clear();
            ct->node = to;
            auto out = lines;
            if (was_running) {
                out.emplace_back("start container on target node");
                start_guest(*ct, c, end);
            }
            out.push_back(
                fmt::format("migration finished successfully (duration {})", duration_text(end - start)));
            return {stamped(end, out), {}};
        },
        4.0));
}

} // namespace

namespace lifecycle {

std::vector<handler_entry> clone_migrate_endpoints() {
    return {
        {"POST", "/nodes/{node}/qemu/{vmid}/clone", &post_qemu_clone},
        {"POST", "/nodes/{node}/qemu/{vmid}/migrate", &post_qemu_migrate},
        {"GET", "/nodes/{node}/qemu/{vmid}/migrate", &get_qemu_migrate},
        {"POST", "/nodes/{node}/lxc/{vmid}/clone", &post_lxc_clone},
        {"POST", "/nodes/{node}/lxc/{vmid}/migrate", &post_lxc_migrate},
    };
}

} // namespace lifecycle

} // namespace proxmox::sim::detail
