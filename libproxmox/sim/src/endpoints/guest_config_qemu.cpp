// VM config writes and disk resize: qemu-server API2/Qemu.pm $update_vm_api and resize_vm,
// QemuServer.pm vmconfig_hotplug_pending / vmconfig_apply_pending.
#include "endpoints/guest_config.hpp"
#include "endpoints/lifecycle.hpp"
#include "schema/schema.hpp"
#include "schema/schema_formats.hpp"
#include "schema/text_checks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace proxmox::sim::detail {

namespace json = boost::json;

namespace {

/// QemuServer.pm: a cipassword that is a crypt() hash already, `^\$(?:[156]|2[ay])(\$.+){2}`:
/// the id, then '$' and at least two characters with another '$' between them, within one line.
bool is_crypt_hash(std::string_view v) {
    std::string_view rest;
    for (std::string_view id : {"$1", "$5", "$6", "$2a", "$2y"})
        if (v.starts_with(id))
            rest = v.substr(id.size());
    if (!rest.starts_with('$'))
        return false;
    const auto line = rest.substr(0, rest.find_first_of("\r\n"));
    const auto second = line.find('$', 2);
    return second != std::string_view::npos && second + 1 < line.size();
}

std::vector<std::string> boot_order(const std::optional<std::string>& boot) {
    if (!boot)
        return {};
    for (const auto& [k, v] : split_property_string(*boot, "legacy"))
        if (k == "order")
            return split_config_list(v);
    return {};
}

std::string print_bootorder(const std::vector<std::string>& order) {
    std::string out;
    for (const auto& dev : order)
        out += (out.empty() ? "" : ";") + dev;
    return "order=" + out;
}

struct qemu_update {
    unsigned vmid = 0;
    std::string node;
    std::string user;
    std::map<std::string, std::string> set; ///< options to add or change
    std::vector<std::string> del;
    std::vector<std::string> revert;
    bool force = false;
    bool skiplock = false;
    std::string digest;
    std::string param_text; ///< `-cores 4 -delete net1` for the task log
};

/// $load_and_check_config: the config exists here, digest, lock, balloon.
guest_state& load_and_check(cluster& c, const qemu_update& u) {
    guest_state* g = c.find_guest(u.vmid);
    if (!g || g->kind != guest_kind::qemu || g->node != u.node)
        raise_error(missing_config(guest_kind::qemu, u.vmid, u.node));
    if (!u.digest.empty() && u.digest != config_digest(*g))
        raise_error("checksum mismatch (file change by other user?)\n");
    if (!u.skiplock)
        check_lock(*g);
    if (u.set.contains("memory") || u.set.contains("balloon")) {
        auto current = [](const std::string& memory) {
            for (const auto& [k, v] : split_property_string(memory, "current"))
                if (k == "current")
                    return std::strtoull(v.c_str(), nullptr, 10);
            return 512ULL;
        };
        const auto mem =
            u.set.contains("memory")
                ? u.set.at("memory")
                : pending_value(*g, "memory").value_or(config_value(*g, "memory").value_or("512"));
        const auto balloon =
            u.set.contains("balloon")
                ? u.set.at("balloon")
                : pending_value(*g, "balloon").value_or(config_value(*g, "balloon").value_or("0"));
        if (std::strtoull(balloon.c_str(), nullptr, 10) > current(mem))
            raise_error("balloon value too large (must be smaller than assigned memory)\n");
    }
    return *g;
}

/// vmconfig_register_unused_drive
void register_unused_drive(cluster& c, guest_state& g, const std::string& value) {
    if (is_cloudinit_drive(value)) {
        free_volume(c, g, drive_volume(value), drive_size(value));
        g.cloudinit.clear();
    } else if (!is_cdrom_drive(value)) {
        const auto volid = drive_volume(value);
        if (guest_owns_volume(g, volid))
            add_unused_volume(g, volid);
    }
}

/// vmconfig_delete_or_detach_drive
void delete_or_detach_drive(cluster& c, guest_state& g, const std::string& value, bool force) {
    if (!force)
        return register_unused_drive(c, g, value);
    if (!is_cdrom_drive(value) && guest_owns_volume(g, drive_volume(value)))
        free_volume(c, g, drive_volume(value), drive_size(value));
}

/// create_disks for one drive: `STORAGE:SIZE` becomes a new volume with its size.
std::string create_disk(cluster& c, guest_state& g, const std::string& value, std::vector<std::string>& log) {
    auto props = split_property_string(value, "file");
    const auto file = property_value(props, "file").value_or("");
    if (file.ends_with(":cloudinit")) {
        // a new cloud-init drive: vm-VMID-cloudinit on that storage, always a CD-ROM
        set_property_value(props, "file",
                           fmt::format("{}:vm-{}-cloudinit", file.substr(0, file.find(':')), g.vmid));
        set_property_value(props, "media", "cdrom");
        return print_properties(props, "file");
    }
    auto request = new_disk_request(file);
    if (!request) {
        const node_state* node = c.find_node(g.node);
        return node ? lifecycle::with_existing_volume_size(*node, value) : value;
    }
    if (is_cdrom_drive(value))
        return value;
    const auto size = static_cast<std::uint64_t>(request->second * 1024 * 1024 * 1024);
    set_property_value(props, "file", allocate_volume(c, g, request->first, size, log));
    set_property_value(props, "size", format_disk_size(size));
    return print_properties(props, "file");
}

bool is_fast_plug(std::string_view opt) {
    static const std::set<std::string, std::less<>> fast = {
        "description", "hookscript", "lock",   "migrate_downtime", "migrate_speed", "name",
        "onboot",      "protection", "shares", "startup",          "tags",          "vmstatestorage"};
    return fast.contains(opt) || (is_cloudinit_option(opt) && !opt.starts_with("net") && opt != "name");
}

/// vmconfig_hotplug_pending for the options this call modified.
void hotplug_pending(cluster& c, guest_state& g, const std::set<std::string>& selection) {
    std::set<std::string> features;
    const auto hotplug = config_value(g, "hotplug").value_or("1");
    for (const auto& f : split_config_list(hotplug == "1"   ? "network,disk,usb"
                                           : hotplug == "0" ? ""
                                                            : hotplug))
        features.insert(f);
    for (const auto& [opt, value] : config_entries(g.pending))
        if (is_fast_plug(opt)) {
            record_cloudinit_change(g, opt, config_value(g, opt), value);
            set_config_value(g, opt, value);
            erase_pending_value(g, opt);
        }
    const bool usb_hotplug =
        features.contains("usb") && config_value(g, "ostype").value_or("other") != "other";

    for (const auto& entry : std::vector<std::string>(g.pending_delete)) {
        const bool force = entry.starts_with('!');
        const std::string opt = force ? entry.substr(1) : entry;
        if (!selection.contains(opt))
            continue;
        bool ok = false;
        if (opt == "hotplug")
            ok = hotplug.find("cpu") == std::string::npos && hotplug.find("memory") == std::string::npos;
        else if (opt == "tablet")
            ok = features.contains("usb");
        else if (opt.starts_with("usb"))
            ok = usb_hotplug;
        else if (opt == "vcpus")
            ok = features.contains("cpu");
        else if (opt == "balloon")
            ok = config_value(g, "balloon") != "0";
        else if (is_fast_plug(opt) || opt == "cpuunits" || opt == "cpulimit")
            ok = true;
        else if (opt.starts_with("net"))
            ok = features.contains("network");
        else if (is_qemu_drive_key(opt)) {
            ok = features.contains("disk") && !contains_numbered(opt, {"efidisk", "ide", "sata", "tpmstate"});
            if (ok)
                delete_or_detach_drive(c, g, *config_value(g, opt), force);
        } else if (opt == "memory")
            ok = features.contains("memory");
        if (!ok)
            continue;
        const auto old_value = config_value(g, opt);
        erase_config_value(g, opt);
        record_cloudinit_change(g, opt, old_value, std::nullopt);
        remove_from_pending_delete(g, opt);
    }

    for (const auto& [opt, value] : config_entries(g.pending)) {
        if (!selection.contains(opt))
            continue;
        const auto old_value = config_value(g, opt);
        bool ok = false;
        if (opt == "hotplug")
            ok = value.find("memory") == std::string::npos && hotplug.find("memory") == std::string::npos &&
                 value.find("cpu") == std::string::npos && hotplug.find("cpu") == std::string::npos;
        else if (opt == "tablet")
            ok = features.contains("usb");
        else if (opt.starts_with("usb"))
            ok = usb_hotplug;
        else if (opt == "vcpus")
            ok = features.contains("cpu");
        else if (opt == "balloon")
            ok = (old_value.value_or("1") != "0") == (value != "0");
        else if (opt.starts_with("net")) {
            // vmconfig_update_net: bridge/tag/firewall/rate/link changes work live, a new model,
            // MAC, queues or MTU needs the NIC hot-plugged
            ok = features.contains("network");
            if (old_value) {
                auto o = split_property_string(*old_value, "model");
                auto n = split_property_string(value, "model");
                const bool same_device = o.front() == n.front() &&
                                         property_value(o, "queues") == property_value(n, "queues") &&
                                         property_value(o, "mtu") == property_value(n, "mtu") &&
                                         property_value(o, "bridge") && property_value(n, "bridge");
                ok = ok || same_device;
            }
        } else if (is_qemu_drive_key(opt)) {
            if (opt != "efidisk0" && opt != "tpmstate0") {
                // vmconfig_update_disk
                if (old_value && is_cdrom_drive(*old_value) != is_cdrom_drive(value)) {
                    raise_param_exc({{opt, "hotplug problem - unable to change media type\n"}});
                } else if (old_value && is_cdrom_drive(*old_value)) {
                    ok = true;
                } else if (old_value && drive_volume(*old_value) != drive_volume(value)) {
                    ok = features.contains("disk");
                    if (ok)
                        register_unused_drive(c, g, *old_value);
                } else if (old_value) {
                    ok = true;
                    for (const char* cold :
                         {"aio", "discard", "iothread", "queues", "product", "cache", "ssd", "vendor", "ro"})
                        if (property_value(split_property_string(*old_value, "file"), cold) !=
                            property_value(split_property_string(value, "file"), cold))
                            ok = false;
                } else {
                    ok = features.contains("disk") && !contains_numbered(opt, {"ide", "sata"});
                }
            }
        } else if (opt == "memory")
            ok = features.contains("memory");
        else if (opt == "cpuunits" || opt == "cpulimit")
            ok = true;
        else if (opt == "agent")
            ok = old_value.has_value() && [&] {
                auto strip = [](property_list p) {
                    std::erase_if(p, [](const auto& kv) { return kv.first == "fstrim_cloned_disks"; });
                    std::sort(p.begin(), p.end());
                    return p;
                };
                return strip(split_property_string(*old_value, "enabled")) ==
                       strip(split_property_string(value, "enabled"));
            }();
        if (!ok)
            continue;
        record_cloudinit_change(g, opt, old_value, value);
        set_config_value(g, opt, value);
        erase_pending_value(g, opt);
    }
}

/// The worker part of $update_vm_api ($updatefn).
void apply_update(cluster& c, const qemu_update& u, std::vector<std::string>& log) {
    guest_state& g = load_and_check(c, u);
    lock_as_option(g, true);
    struct lock_restore {
        guest_state& g;
        ~lock_restore() { lock_as_option(g, false); }
    } restore{g};
    auto set = u.set;
    auto del = u.del;
    for (const auto& opt : u.revert) {
        if (auto current = config_value(g, opt))
            set[opt] = *current;
        else if (pending_value(g, opt))
            del.push_back(opt);
    }
    std::set<std::string> modified;
    auto order = boot_order(config_value(g, "boot"));
    const bool bootorder_deleted = std::find(del.begin(), del.end(), "bootorder") != del.end();

    for (const auto& opt : del) {
        modified.insert(opt);
        const auto value = config_value(g, opt) ? config_value(g, opt) : pending_value(g, opt);
        if (!value) {
            log.push_back(fmt::format("cannot delete '{}' - not set in current configuration!", opt));
            modified.erase(opt);
            continue;
        }
        const auto pending_old = pending_value(g, opt);
        erase_pending_value(g, opt);
        if (!bootorder_deleted && std::find(order.begin(), order.end(), opt) != order.end()) {
            std::erase(order, opt);
            set_pending_value(g, "boot", print_bootorder(order));
            modified.insert("boot");
        }
        if (opt.starts_with("unused")) {
            // try_deallocate_drive: an unused volume is destroyed at once
            if (guest_owns_volume(g, *value))
                free_volume(c, g, *value, 0);
            erase_config_value(g, opt);
        } else if (is_qemu_drive_key(opt)) {
            if (pending_old)
                register_unused_drive(c, g, *pending_old);
            add_to_pending_delete(g, opt, u.force);
        } else if (opt == "tags") {
            erase_config_value(g, opt);
        } else {
            add_to_pending_delete(g, opt, u.force);
        }
    }

    for (auto [opt, value] : set) {
        modified.insert(opt);
        if (pending_value(g, opt) == value)
            continue;
        if (is_qemu_drive_key(opt)) {
            if (auto pending_old = pending_value(g, opt))
                register_unused_drive(c, g, *pending_old);
            value = create_disk(c, g, value, log);
            if (!order.empty() && is_cdrom_drive(value) &&
                std::find(order.begin(), order.end(), opt) == order.end()) {
                order.push_back(opt);
                set_pending_value(g, "boot", print_bootorder(order));
                modified.insert("boot");
            }
        } else if (opt == "cipassword") {
            // stored right away, encrypted unless it is a crypt() hash already (not for Windows)
            const bool windows = config_value(g, "ostype").value_or("").starts_with("w");
            if (!windows && !is_crypt_hash(value))
                value = encrypt_password(value, c.seed + g.vmid + c.tasks.size());
            set_config_value(g, opt, value);
            remove_from_pending_delete(g, opt);
            continue;
        } else if (opt == "tags") {
            std::set<std::string> tags;
            for (const auto& t : split_config_list(value))
                tags.insert(t);
            value.clear();
            for (const auto& t : tags)
                value += (value.empty() ? "" : ";") + t;
        } else if (opt == "boot") {
            const auto devices = boot_order(value);
            if (!devices.empty()) {
                for (const auto& dev : devices) {
                    const bool exists = config_value(g, dev) || pending_value(g, dev) || set.contains(dev);
                    if (!exists || std::find(del.begin(), del.end(), dev) != del.end())
                        raise_error(fmt::format("invalid bootorder: device '{}' does not exist'\n", dev));
                }
                value = print_bootorder(devices);
                if (config_value(g, "bootdisk"))
                    add_to_pending_delete(g, "bootdisk", false);
            }
        }
        set_pending_value(g, opt, value);
        remove_from_pending_delete(g, opt);
    }

    cleanup_pending(g);
    if (has_pending(g)) {
        if (g.running)
            hotplug_pending(c, g, modified);
        else
            apply_pending_changes(c, g, log);
    }
    sync_from_config(g);
}

qemu_update prepare_update(call_context& ctx) {
    json::object params = ctx.params;
    qemu_update u;
    u.vmid = static_cast<unsigned>(*ctx.int_param("vmid"));
    u.node = ctx.node().name;
    u.user = ctx.auth.user;
    for (const char* key :
         {"node", "vmid", "digest", "background_delay", "skip_cloud_init", "import-working-storage"})
        params.erase(key);
    u.digest = ctx.param("digest").value_or("");
    u.param_text = task_param_text(params);
    root_only(ctx, {"skiplock"});
    u.skiplock = ctx.bool_param("skiplock");
    const auto delete_str = ctx.param("delete").value_or("");
    const auto revert_str = ctx.param("revert").value_or("");
    u.force = ctx.bool_param("force");
    for (const char* key : {"skiplock", "delete", "revert", "force"})
        params.erase(key);
    if (auto keys = params.if_contains("sshkeys"))
        validate_ssh_keys(perl_scalar_text(*keys).value_or(""));
    if (delete_str.empty() && revert_str.empty() && params.empty())
        raise_error("no options specified\n");
    for (const auto& [key, value] : params)
        u.set[std::string(key)] =
            value.is_bool() ? (value.get_bool() ? "1" : "0") : perl_scalar_text(value).value_or("");
    if (auto cdrom = u.set.find("cdrom"); cdrom != u.set.end()) {
        // $resolve_cdrom_alias
        auto value = cdrom->second;
        if (value.find("media=") == std::string::npos)
            value += ",media=cdrom";
        u.set["ide2"] = value;
        u.set.erase("cdrom");
    }
    for (const auto& opt : split_config_list(revert_str)) {
        if (!config_option_exists(guest_kind::qemu, opt))
            raise_param_exc({{"revert", fmt::format("unknown option '{}'", opt)}});
        if (u.set.contains(opt))
            raise_param_exc(
                {{"delete", fmt::format("you can't use '-{0}' and -revert {0}' at the same time", opt)}});
        u.revert.push_back(opt);
    }
    for (auto opt : split_config_list(delete_str)) {
        if (opt == "cdrom")
            opt = "ide2";
        if (u.set.contains(opt))
            raise_param_exc(
                {{"delete", fmt::format("you can't use '-{0}' and -delete {0}' at the same time", opt)}});
        if (std::find(u.revert.begin(), u.revert.end(), opt) != u.revert.end())
            raise_param_exc(
                {{"revert",
                  fmt::format("you can't use '-delete {0}' and -revert {0}' at the same time", opt)}});
        if (!config_option_exists(guest_kind::qemu, opt))
            raise_param_exc({{"delete", fmt::format("unknown option '{}'", opt)}});
        u.del.push_back(opt);
    }
    guest_state salt_guest;
    salt_guest.vmid = u.vmid;
    for (auto& [opt, value] : u.set) {
        if (is_qemu_drive_key(opt)) {
            // $check_drive_param / $check_storage_access
            const auto volume = drive_volume(value);
            if (auto request = new_disk_request(volume); request && !is_cdrom_drive(value)) {
                if (request->first.empty())
                    raise_error("no storage ID specified (and no default storage)\n");
                const storage_def* s = nullptr;
                for (const auto& def : ctx.state.storages)
                    if (def.id == request->first)
                        s = &def;
                if (!s)
                    raise_error(fmt::format("storage '{}' does not exist\n", request->first));
                if (std::find(s->content.begin(), s->content.end(), "images") == s->content.end())
                    raise_param_exc(
                        {{"storage", fmt::format("storage '{}' does not support vm images", s->id)}});
            } else if (volume.find(":iso/") != std::string::npos && !is_cdrom_drive(value)) {
                raise_param_exc({{opt, "explicit 'media=cdrom' is required for iso images"}});
            }
        } else if (opt.starts_with("net")) {
            value = normalize_net(ctx.state, salt_guest, opt, value);
        } else if (opt == "vmgenid" && value == "1") {
            rng r(ctx.state.seed + u.vmid + ctx.state.tasks.size());
            const std::uint64_t a = r.next(), b = r.next();
            value = fmt::format("{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xffff,
                                a & 0xfff, 0x8000 | ((b >> 48) & 0x3fff), b & 0xffffffffffffULL);
        }
    }
    load_and_check(ctx.state, u); // early checks before the worker
    return u;
}

} // namespace

bool is_cdrom_drive(std::string_view value) {
    return value.find("media=cdrom") != std::string_view::npos;
}

bool is_cloudinit_drive(std::string_view value) {
    const auto volume = value.substr(0, value.find(','));
    return volume.ends_with(":cloudinit") || volume.find("-cloudinit") != std::string_view::npos;
}

std::string drive_volume(std::string_view value) {
    for (const auto& [k, v] : split_property_string(value, "file"))
        if (k == "file" || k == "volume")
            return v;
    return {};
}

std::uint64_t drive_size(std::string_view value) {
    for (const auto& [k, v] : split_property_string(value, "file"))
        if (k == "size")
            return parse_disk_size(v).value_or(0);
    return 0;
}

bool is_qemu_drive_key(std::string_view key) {
    // ide[0-3], sata[0-5], scsi0..30, virtio0..15, efidisk0, tpmstate0
    return numbered_key_of(key, "ide", 4) || numbered_key_of(key, "sata", 6) ||
           numbered_key_of(key, "scsi", 31) || numbered_key_of(key, "virtio", 16) || key == "efidisk0" ||
           key == "tpmstate0";
}

void apply_pending_changes(cluster& c, guest_state& g, std::vector<std::string>&) {
    if (g.kind == guest_kind::lxc) {
        for (const auto& entry : std::vector<std::string>(g.pending_delete)) {
            const std::string opt = entry.starts_with('!') ? entry.substr(1) : entry;
            if (opt.starts_with("mp"))
                if (auto v = config_value(g, opt); v && guest_owns_volume(g, v->substr(0, v->find(','))))
                    add_unused_volume(g, v->substr(0, v->find(',')));
            erase_config_value(g, opt);
        }
        g.pending_delete.clear();
        for (const auto& [opt, value] : config_entries(g.pending))
            set_config_value(g, opt, value);
        g.pending.clear();
        sync_from_config(g);
        return;
    }
    // vmconfig_apply_pending: deletes first (drives become unused), then the changes
    for (const auto& entry : std::vector<std::string>(g.pending_delete)) {
        const bool force = entry.starts_with('!');
        const std::string opt = force ? entry.substr(1) : entry;
        if (auto v = config_value(g, opt); v && is_qemu_drive_key(opt))
            delete_or_detach_drive(c, g, *v, force);
        erase_config_value(g, opt);
    }
    g.pending_delete.clear();
    cleanup_pending(g);
    bool cloudinit_drive_changed = false;
    for (const auto& [opt, value] : config_entries(g.pending)) {
        if (auto old_value = config_value(g, opt); old_value && is_qemu_drive_key(opt))
            register_unused_drive(c, g, *old_value);
        cloudinit_drive_changed =
            cloudinit_drive_changed || (is_qemu_drive_key(opt) && is_cloudinit_drive(value));
        set_config_value(g, opt, value);
    }
    g.pending.clear();
    if (cloudinit_drive_changed)
        g.cloudinit.clear(); // apply_cloudinit_config regenerated the drive
    sync_from_config(g);
}

void apply_pending_on_start(cluster& c, guest_state& g) {
    std::vector<std::string> log;
    if (has_pending(g))
        apply_pending_changes(c, g, log);
    if (g.kind == guest_kind::qemu && has_cloudinit_drive(g))
        g.cloudinit.clear();
}

json::value put_qemu_config(call_context& ctx) {
    qemu_update u = prepare_update(ctx);
    std::vector<std::string> log;
    apply_update(ctx.state, u, log);
    return nullptr;
}

json::value post_qemu_config(call_context& ctx) {
    qemu_update u = prepare_update(ctx);
    if (ctx.param("background_delay")) {
        // the call waits for the worker; a quick one ends within the delay and answers null
        std::vector<std::string> log;
        try {
            apply_update(ctx.state, u, log);
        } catch (const api_error& e) {
            raise_error(fmt::format("failed to update VM {}: {}\n", u.vmid, without_newline(e.message)));
        }
        return nullptr;
    }
    return json::string(ctx.run_worker(
        ctx.node(), "qmconfig", std::to_string(u.vmid), [u](cluster& c, epoch_seconds) -> task_result {
            task_result r;
            r.log.push_back(fmt::format("update VM {}: {}", u.vmid, u.param_text));
            try {
                apply_update(c, u, r.log);
            } catch (const api_error& e) {
                std::string msg = without_newline(e.message);
                for (const auto& [k, v] : e.errors)
                    msg += fmt::format("\n{}: {}", std::string_view(k), perl_scalar_text(v).value_or(""));
                r.error = msg;
            }
            return r;
        }));
}

} // namespace proxmox::sim::detail
