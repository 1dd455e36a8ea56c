// Snapshots of VMs and containers: qemu-server API2/Qemu.pm (snapshot_list, snapshot,
// snapshot_cmd_idx, {get,update}_snapshot_config, rollback, delsnapshot) and QemuConfig.pm,
// pve-container API2/LXC/Snapshot.pm and LXC/Config.pm, pve-common AbstractConfig.pm
// (__snapshot_prepare / snapshot_delete / snapshot_rollback).
#include "endpoints/guests.hpp"
#include "endpoints/handlers.hpp"
#include "endpoints/volumes.hpp"

#include <boost/json/array.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace proxmox::sim::detail {

namespace json = boost::json;

bool is_unused_key(std::string_view key) {
    return key.size() > 6 && key.starts_with("unused") && std::all_of(key.begin() + 6, key.end(), [](char c) {
               return std::isdigit(static_cast<unsigned char>(c));
           });
}

namespace {

bool numbered(std::string_view key, std::string_view prefix) {
    return key.size() > prefix.size() && key.starts_with(prefix) &&
           std::all_of(key.begin() + static_cast<std::ptrdiff_t>(prefix.size()), key.end(),
                       [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

/// The volume of a drive / mount point property string (`[file=|volume=]VOLID,...`).
std::string drive_volume(std::string_view value) {
    auto first = value.substr(0, value.find(','));
    for (std::string_view prefix : {"file=", "volume="})
        if (first.starts_with(prefix))
            first.remove_prefix(prefix.size());
    return std::string(first);
}

} // namespace

std::vector<guest_disk> guest_disks(guest_kind kind, const config_entries& config) {
    std::vector<guest_disk> out;
    for (const auto& [key, value] : config) {
        bool disk = false;
        if (kind == guest_kind::qemu) {
            disk = numbered(key, "ide") || numbered(key, "sata") || numbered(key, "scsi") ||
                   numbered(key, "virtio") || key == "efidisk0" || key == "tpmstate0";
            // QemuServer::drive_is_cdrom: media=cdrom (also `none` and `cdrom` drives)
            if (disk && value.find("media=cdrom") != std::string::npos)
                disk = false;
        } else {
            disk = key == "rootfs" || numbered(key, "mp");
        }
        if (!disk)
            continue;
        auto volid = drive_volume(value);
        // bind mounts and device pass-through (absolute paths) are no storage volumes
        if (volid.empty() || volid.front() == '/' || volid.find(':') == std::string::npos)
            continue;
        out.push_back({key, std::move(volid)});
    }
    return out;
}

std::string volume_name(std::string_view volid) {
    auto name = volid.substr(volid.find(':') + 1);
    // a linked clone whose volid names its base (ZFS, directories): base-9000-disk-0/vm-101-disk-0
    if (auto slash = name.rfind('/'); slash != std::string_view::npos)
        name.remove_prefix(slash + 1);
    return std::string(name);
}

const storage_def* volume_storage(const cluster& c, std::string_view volid) {
    const auto sid = volid.substr(0, volid.find(':'));
    for (const auto& s : c.storages)
        if (s.id == sid)
            return &s;
    return nullptr;
}

json::object config_object(guest_kind kind, const config_entries& entries) {
    static const endpoint* qemu_ep = api_schema::embedded().lookup("PUT", "/nodes/{node}/qemu/{vmid}/config");
    static const endpoint* lxc_ep = api_schema::embedded().lookup("PUT", "/nodes/{node}/lxc/{vmid}/config");
    const endpoint* ep = kind == guest_kind::qemu ? qemu_ep : lxc_ep;
    json::object o;
    for (const auto& [key, value] : entries) {
        const json::value* prop = ep && ep->parameters ? ep->parameters->if_contains(key) : nullptr;
        const json::value* type = prop && prop->is_object() ? prop->as_object().if_contains("type") : nullptr;
        // parse_vm_config / parse_pct_config check_type: numbers and booleans become numbers
        if (type && (*type == "integer" || *type == "boolean"))
            o[key] = std::strtoll(value.c_str(), nullptr, 10);
        else if (type && *type == "number")
            o[key] = std::strtod(value.c_str(), nullptr);
        else
            o[key] = value;
    }
    return o;
}

namespace {

constexpr std::uint64_t MiB = 1024 * 1024;

guest_kind path_kind(const call_context& ctx) {
    return ctx.ep.path.find("/lxc/") != std::string::npos ? guest_kind::lxc : guest_kind::qemu;
}

snapshot_state* find_snapshot(guest_state& g, std::string_view name) {
    for (auto& s : g.snapshots)
        if (s.name == name)
            return &s;
    return nullptr;
}

std::string no_such_snapshot(std::string_view name) {
    return fmt::format("snapshot '{}' does not exist", name);
}

/// Config keys __snapshot_copy_config leaves out (parent and description live in snapshot_state).
bool copied_into_snapshot(std::string_view key) {
    return key != "snapshots" && key != "snapstate" && key != "snaptime" && key != "vmstate" &&
           key != "lock" && key != "digest" && key != "description" && key != "parent" && !is_unused_key(key);
}

/// The guest `vmid` of `kind` on node `on` as a worker sees it, or the worker's error.
guest_state* worker_guest(cluster& c, guest_kind kind, unsigned vmid, const std::string& on, task_result& r) {
    guest_state* g = c.find_guest(vmid);
    if (!g || g->kind != kind || g->node != on) {
        r.error = without_newline(missing_config(kind, vmid, on));
        return nullptr;
    }
    return g;
}

/// has_feature('snapshot'): LVM-thin, ZFS, RBD and btrfs volumes, qcow2 files on directories.
bool snapshot_possible(const cluster& c, const guest_state& g) {
    for (const auto& d : guest_disks(g.kind, g.config)) {
        const storage_def* s = volume_storage(c, d.volid);
        if (!s)
            return false;
        const bool file_based = s->type == "dir" || s->type == "nfs" || s->type == "cifs";
        if (file_based
                ? !d.volid.ends_with(".qcow2")
                : !(s->type == "lvmthin" || s->type == "zfspool" || s->type == "rbd" || s->type == "btrfs"))
            return false;
    }
    return true;
}

/// LVM-thin prints what lvcreate/lvremove said; other storages are silent.
void storage_line(const cluster& c, std::string_view volid, std::string text, std::vector<std::string>& log) {
    const storage_def* s = volume_storage(c, volid);
    if (s && s->type == "lvmthin")
        log.push_back(std::move(text));
}

/// QemuConfig find_vmstate_storage: vmstatestorage, else a storage of the VM's disks (file based
/// preferred), else local.
std::string vmstate_storage(const cluster& c, const guest_state& g) {
    if (auto v = config_value(g, "vmstatestorage"))
        return *v;
    std::string target;
    for (const auto& d : guest_disks(g.kind, g.config)) {
        const storage_def* s = volume_storage(c, d.volid);
        if (s && (target.empty() || !s->path.empty()))
            target = s->id;
    }
    return target.empty() ? "local" : target;
}

std::string gib_text(std::uint64_t bytes) {
    return fmt::format("{:.2f} GiB", static_cast<double>(bytes) / (1024.0 * MiB));
}

// ---------------------------------------------------------------------------------------------
// handlers

json::value get_snapshot_list(call_context& ctx) {
    const auto kind = path_kind(ctx);
    guest_state& g = local_guest(ctx, kind);
    json::array out;
    for (const auto& s : g.snapshots) {
        json::object o;
        o["name"] = s.name;
        o["snaptime"] = s.snaptime;
        if (kind == guest_kind::qemu)
            o["vmstate"] = s.vmstate ? 1 : 0;
        o["description"] = s.description;
        if (!s.parent.empty())
            o["parent"] = s.parent;
        out.push_back(std::move(o));
    }
    json::object current;
    current["name"] = "current";
    current["running"] = g.running ? 1 : 0;
    // Qemu.pm describes the current state; LXC/Snapshot.pm leaves the description out
    if (kind == guest_kind::qemu)
        current["description"] = "You are here!";
    if (auto parent = config_value(g, "parent"))
        current["parent"] = *parent;
    out.push_back(std::move(current));
    return out;
}

json::value post_snapshot(call_context& ctx) {
    const auto kind = path_kind(ctx);
    const std::string snapname = *ctx.param("snapname");
    if (snapname == "current")
        raise_error("unable to use snapshot name 'current' (reserved name)\n");
    if (kind == guest_kind::qemu) {
        std::string lower = snapname;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
        if (lower == "pending")
            raise_error("unable to use snapshot name 'pending' (reserved name)\n");
        local_guest(ctx, kind); // Qemu.pm loads the config before it forks
    } else if (snapname == "vzdump") {
        raise_error("unable to use snapshot name 'vzdump' (reserved name)\n");
    }
    node_state& node = ctx.node();
    const auto vmid = static_cast<unsigned>(*ctx.int_param("vmid"));
    const bool want_vmstate = ctx.bool_param("vmstate");
    const std::string description = ctx.param("description").value_or("");

    // __snapshot_prepare runs as the worker starts: its checks decide at once, the lock holds
    // while the volumes are snapshotted
    std::string early_error;
    guest_state* g = ctx.state.find_guest(vmid);
    if (!g || g->kind != kind || g->node != node.name)
        early_error = without_newline(missing_config(kind, vmid, node.name));
    else if (g->is_template)
        early_error = "you can't take a snapshot if it's a template";
    else if (!g->lock.empty())
        early_error = lock_message(*g);
    else if (find_snapshot(*g, snapname))
        early_error = fmt::format("snapshot name '{}' already used", snapname);
    else if (!snapshot_possible(ctx.state, *g))
        early_error = "snapshot feature is not available";
    if (early_error.empty())
        g->lock = "snapshot";

    const auto type = kind == guest_kind::qemu ? "qmsnapshot" : "vzsnapshot";
    return json::string(ctx.run_worker(
        node, type, std::to_string(vmid), [=, on = node.name](cluster& c, epoch_seconds now) -> task_result {
            task_result r;
            if (!early_error.empty()) {
                r.error = early_error;
                return r;
            }
            guest_state* guest = worker_guest(c, kind, vmid, on, r);
            if (!guest)
                return r;
            snapshot_state snap;
            snap.name = snapname;
            snap.description = description;
            snap.parent = config_value(*guest, "parent").value_or("");
            snap.snaptime = now;
            for (const auto& kv : guest->config)
                if (copied_into_snapshot(kv.first))
                    snap.config.push_back(kv);
            if (kind == guest_kind::qemu && want_vmstate && guest->running) {
                // QemuConfig __snapshot_save_vmstate: RAM into a state volume
                const auto storage = vmstate_storage(c, *guest);
                const storage_def* s = nullptr;
                for (const auto& def : c.storages)
                    if (def.id == storage)
                        s = &def;
                const std::string name = fmt::format("vm-{}-state-{}", vmid, snapname);
                const std::string volid = s && !s->path.empty()
                                              ? fmt::format("{}:{}/{}.raw", storage, vmid, name)
                                              : fmt::format("{}:{}", storage, name);
                snap.vmstate = true;
                snap.config.emplace_back("vmstate", volid);
                snap.config.emplace_back("runningmachine", guest->name.starts_with("win")
                                                               ? "pc-q35-10.0+pve1"
                                                               : "pc-i440fx-10.0+pve1");
                snap.config.emplace_back("runningcpu",
                                         "kvm64,enforce,+kvm_pv_eoi,+kvm_pv_unhalt,+lahf_lm,+sep");
                const auto saved = guest_mem(*guest, now);
                r.log.push_back(fmt::format("saving VM state and RAM using storage '{}'", storage));
                r.log.push_back(fmt::format("{} in 0s", gib_text(saved / 3)));
                r.log.push_back(
                    fmt::format("completed saving the VM state in 1s, saved {}", gib_text(saved)));
            }
            for (const auto& d : guest_disks(kind, guest->config)) {
                if (kind == guest_kind::qemu)
                    r.log.push_back(fmt::format("snapshotting 'drive-{}' ({})", d.key, d.volid));
                storage_line(
                    c, d.volid,
                    fmt::format("  Logical volume \"snap_{}_{}\" created.", volume_name(d.volid), snapname),
                    r.log);
            }
            guest->snapshots.push_back(std::move(snap));
            set_config_value(*guest, "parent", snapname); // __snapshot_commit
            if (guest->lock == "snapshot")
                guest->lock.clear();
            return r;
        }));
}

json::value get_snapshot_index(call_context&) {
    return json::array{json::object{{"cmd", "rollback"}}, json::object{{"cmd", "config"}}};
}

json::value get_snapshot_config(call_context& ctx) {
    const auto kind = path_kind(ctx);
    guest_state& g = local_guest(ctx, kind);
    const auto snapname = *ctx.param("snapname");
    const snapshot_state* s = find_snapshot(g, snapname);
    if (!s)
        raise_error(no_such_snapshot(snapname) + "\n");
    json::object o = config_object(kind, s->config);
    if (!s->description.empty())
        o["description"] = s->description;
    if (!s->parent.empty())
        o["parent"] = s->parent;
    o["snaptime"] = s->snaptime;
    if (auto* pw = o.if_contains("cipassword"))
        *pw = "**********";
    return o;
}

json::value put_snapshot_config(call_context& ctx) {
    const auto kind = path_kind(ctx);
    const auto description = ctx.param("description");
    if (!description)
        return nullptr; // nothing to change: PVE returns before it even loads the config
    guest_state& g = local_guest(ctx, kind);
    check_lock(g);
    const auto snapname = *ctx.param("snapname");
    snapshot_state* s = find_snapshot(g, snapname);
    if (!s)
        raise_error(no_such_snapshot(snapname) + "\n");
    s->description = *description;
    return nullptr;
}

json::value delete_snapshot(call_context& ctx) {
    const auto kind = path_kind(ctx);
    node_state& node = ctx.node();
    const auto vmid = static_cast<unsigned>(*ctx.int_param("vmid"));
    const std::string snapname = *ctx.param("snapname");
    const bool force = ctx.bool_param("force");

    // snapshot_delete: set_lock('snapshot-delete') first (check_lock), then the template and
    // existence checks under that lock
    std::string early_error;
    bool locked = false;
    guest_state* g = ctx.state.find_guest(vmid);
    if (!g || g->kind != kind || g->node != node.name) {
        early_error = without_newline(missing_config(kind, vmid, node.name));
    } else if (!g->lock.empty()) {
        early_error = lock_message(*g);
    } else {
        g->lock = "snapshot-delete";
        locked = true;
        if (g->is_template)
            early_error = "you can't delete a snapshot if vm is a template";
        else if (!find_snapshot(*g, snapname))
            early_error = no_such_snapshot(snapname);
    }

    const auto type = kind == guest_kind::qemu ? "qmdelsnapshot" : "vzdelsnapshot";
    return json::string(ctx.run_worker(
        node, type, std::to_string(vmid), [=, on = node.name](cluster& c, epoch_seconds) -> task_result {
            task_result r;
            guest_state* guest = c.find_guest(vmid);
            if (!early_error.empty()) {
                r.error = early_error;
                // a failed delete leaves the lock behind, as PVE does (unlock with `qm unlock`)
                return r;
            }
            guest = worker_guest(c, kind, vmid, on, r);
            if (!guest)
                return r;
            auto it = std::find_if(guest->snapshots.begin(), guest->snapshots.end(),
                                   [&](const snapshot_state& s) { return s.name == snapname; });
            if (it == guest->snapshots.end()) {
                r.error = no_such_snapshot(snapname);
                return r;
            }
            for (const auto& [key, value] : it->config)
                if (key == "vmstate")
                    storage_line(
                        c, value,
                        fmt::format("  Logical volume \"{}\" successfully removed.", volume_name(value)),
                        r.log);
            for (const auto& d : guest_disks(kind, it->config))
                storage_line(c, d.volid,
                             fmt::format("  Logical volume \"snap_{}_{}\" successfully removed.",
                                         volume_name(d.volid), snapname),
                             r.log);
            // unlink_parent: children and the current state move up to the deleted one's parent
            const std::string new_parent = it->parent;
            for (auto& other : guest->snapshots)
                if (other.parent == snapname)
                    other.parent = new_parent;
            if (config_value(*guest, "parent").value_or("") == snapname) {
                if (new_parent.empty())
                    erase_config_value(*guest, "parent");
                else
                    set_config_value(*guest, "parent", new_parent);
            }
            guest->snapshots.erase(it);
            if (locked && guest->lock == "snapshot-delete")
                guest->lock.clear();
            (void)force; // removing volume snapshots never fails here
            return r;
        }));
}

/// AbstractConfig __snapshot_apply_config + QemuConfig __snapshot_rollback_hook: the snapshot's
/// config, with the current description and unused disks, the current disks the snapshot does
/// not know as new unused entries, and parent = the snapshot.
config_entries rolled_back_config(const guest_state& g, const snapshot_state& snap) {
    config_entries out;
    for (const auto& [key, value] : snap.config)
        if (key != "vmstate" && key != "runningmachine" && key != "runningcpu" &&
            key != "running-nets-host-mtu")
            out.emplace_back(key, value);
    for (const auto& [key, value] : g.config)
        if (key == "description" || is_unused_key(key))
            out.emplace_back(key, value);
    const auto snap_disks = guest_disks(g.kind, snap.config);
    for (const auto& d : guest_disks(g.kind, g.config)) {
        const bool kept = std::any_of(snap_disks.begin(), snap_disks.end(),
                                      [&](const guest_disk& s) { return s.volid == d.volid; });
        const bool listed = std::any_of(out.begin(), out.end(), [&](const auto& kv) {
            return is_unused_key(kv.first) && kv.second == d.volid;
        });
        if (kept || listed)
            continue;
        for (unsigned i = 0; i < 256; ++i) {
            const auto key = fmt::format("unused{}", i);
            if (std::none_of(out.begin(), out.end(), [&](const auto& kv) { return kv.first == key; })) {
                out.emplace_back(key, d.volid);
                break;
            }
        }
    }
    out.emplace_back("parent", snap.name);
    return out;
}

json::value post_snapshot_rollback(call_context& ctx) {
    const auto kind = path_kind(ctx);
    node_state& node = ctx.node();
    const auto vmid = static_cast<unsigned>(*ctx.int_param("vmid"));
    const std::string snapname = *ctx.param("snapname");
    const bool start = ctx.bool_param("start");

    // snapshot_rollback: load_config, template and existence checks, then check_lock, stop the
    // guest and lock it 'rollback' while the volumes roll back
    std::string early_error;
    guest_state* g = ctx.state.find_guest(vmid);
    if (!g || g->kind != kind || g->node != node.name)
        early_error = without_newline(missing_config(kind, vmid, node.name));
    else if (g->is_template)
        early_error = "you can't rollback if vm is a template";
    else if (!find_snapshot(*g, snapname))
        early_error = no_such_snapshot(snapname);
    else if (!g->lock.empty())
        early_error = lock_message(*g);
    if (early_error.empty()) {
        stop_guest(*g);
        g->lock = "rollback";
    }

    const auto type = kind == guest_kind::qemu ? "qmrollback" : "vzrollback";
    return json::string(ctx.run_worker(
        node, type, std::to_string(vmid), [=, on = node.name](cluster& c, epoch_seconds now) -> task_result {
            task_result r;
            if (!early_error.empty()) {
                r.error = early_error;
                return r;
            }
            guest_state* guest = worker_guest(c, kind, vmid, on, r);
            if (!guest)
                return r;
            const snapshot_state* snap = find_snapshot(*guest, snapname);
            if (!snap) {
                r.error = no_such_snapshot(snapname);
                return r;
            }
            for (const auto& d : guest_disks(kind, snap->config)) {
                const auto lv = volume_name(d.volid);
                storage_line(c, d.volid, fmt::format("  Logical volume \"{}\" successfully removed.", lv),
                             r.log);
                storage_line(c, d.volid, fmt::format("  Logical volume \"{}\" created.", lv), r.log);
            }
            guest->config = rolled_back_config(*guest, *snap);
            if (kind == guest_kind::qemu && config_value(*guest, "vmgenid")) {
                // a new generation ID tells the guest it runs from an older state
                set_config_value(
                    *guest, "vmgenid",
                    fmt::format("{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}", now & 0xffffffff, vmid & 0xffff,
                                (now >> 8) & 0xfff, vmid & 0xfff,
                                static_cast<std::uint64_t>(now) * 2654435761ULL & 0xffffffffffffULL));
            }
            sync_from_config(*guest);
            if (guest->lock == "rollback")
                guest->lock.clear();
            // a snapshot with RAM resumes where it was taken; `start` starts the others
            if ((snap->vmstate || start) && !guest->running)
                start_guest(*guest, c, now);
            return r;
        }));
}

} // namespace

std::vector<handler_entry> snapshot_endpoints() {
    return {
        {"GET", "/nodes/{node}/qemu/{vmid}/snapshot", &get_snapshot_list},
        {"POST", "/nodes/{node}/qemu/{vmid}/snapshot", &post_snapshot},
        {"GET", "/nodes/{node}/qemu/{vmid}/snapshot/{snapname}", &get_snapshot_index},
        {"DELETE", "/nodes/{node}/qemu/{vmid}/snapshot/{snapname}", &delete_snapshot},
        {"GET", "/nodes/{node}/qemu/{vmid}/snapshot/{snapname}/config", &get_snapshot_config},
        {"PUT", "/nodes/{node}/qemu/{vmid}/snapshot/{snapname}/config", &put_snapshot_config},
        {"POST", "/nodes/{node}/qemu/{vmid}/snapshot/{snapname}/rollback", &post_snapshot_rollback},
        {"GET", "/nodes/{node}/lxc/{vmid}/snapshot", &get_snapshot_list},
        {"POST", "/nodes/{node}/lxc/{vmid}/snapshot", &post_snapshot},
        {"GET", "/nodes/{node}/lxc/{vmid}/snapshot/{snapname}", &get_snapshot_index},
        {"DELETE", "/nodes/{node}/lxc/{vmid}/snapshot/{snapname}", &delete_snapshot},
        {"GET", "/nodes/{node}/lxc/{vmid}/snapshot/{snapname}/config", &get_snapshot_config},
        {"PUT", "/nodes/{node}/lxc/{vmid}/snapshot/{snapname}/config", &put_snapshot_config},
        {"POST", "/nodes/{node}/lxc/{vmid}/snapshot/{snapname}/rollback", &post_snapshot_rollback},
    };
}

} // namespace proxmox::sim::detail
