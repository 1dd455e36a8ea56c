// Guest lifecycle: create and restore (qemu-server API2/Qemu.pm create_vm, QemuServer.pm
// restore_vma_archive; pve-container API2/LXC.pm create_vm, LXC/Create.pm).
#include "endpoints/lifecycle.hpp"
#include "schema/schema.hpp"

#include <boost/json/array.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace proxmox::sim::detail {

namespace json = boost::json;
using namespace lifecycle;

namespace {

/// Parameters of the create calls that are no config keys (extract_param'd by the handlers).
constexpr std::string_view qemu_create_only[] = {"node",
                                                 "vmid",
                                                 "archive",
                                                 "storage",
                                                 "force",
                                                 "unique",
                                                 "live-restore",
                                                 "pool",
                                                 "bwlimit",
                                                 "start",
                                                 "import-working-storage"};
constexpr std::string_view lxc_create_only[] = {
    "node",   "vmid", "ostemplate",           "password",        "storage", "force", "restore",
    "unique", "pool", "ignore-unpack-errors", "ssh-public-keys", "bwlimit", "start", "ha-managed"};

template <std::size_t N>
json::object config_params(const json::object& params, const std::string_view (&skip)[N]) {
    json::object out;
    for (const auto& [key, value] : params)
        if (std::find(std::begin(skip), std::end(skip), std::string_view(key)) == std::end(skip))
            out[key] = value;
    return out;
}

std::string text_of(const json::value& v) {
    if (v.is_bool())
        return v.get_bool() ? "1" : "0";
    return perl_scalar_text(v).value_or("");
}

/// PVE::Storage::check_volume_access for a volume of content `type`.
void check_volume_content(const cluster& c, std::string_view volid, std::string_view type) {
    if (const auto colon = volid.find(':'); colon != std::string_view::npos)
        storage_config(c, volid.substr(0, colon));
    if (volume_type(volid) != type)
        raise_error(fmt::format("unable to use volume {} - content type needs to be {}\n", volid, type));
}

/// The archive's disks on their new home: the `storage` parameter or the original storage
/// (restore_vma_archive / LXC::Create restore), renumbered for the new VMID.
void remap_restored_volumes(guest_state& g,
                            const std::optional<std::string>& storage,
                            std::vector<std::string>& log) {
    config_entries assigned;
    for (auto& [key, value] : g.config) {
        if (!is_volume_key(g.kind, key) || is_cdrom(value))
            continue;
        const auto old_volid = volume_of(value);
        if (old_volid.find(':') == std::string::npos || old_volid == "none")
            continue;
        const auto target = storage.value_or(old_volid.substr(0, old_volid.find(':')));
        const auto name = next_disk_name(assigned, g.vmid, false);
        const auto volid = target + ":" + name;
        assigned.emplace_back(key, volid);
        log.push_back(fmt::format("  Logical volume \"{}\" created.", name));
        log.push_back(fmt::format("new volume ID is '{}'", volid));
        value = with_volume(value, volid);
    }
}

/// create_disks on the existing volumes (ISO images): `size=` on their lines.
void record_existing_volume_sizes(guest_state& g, const node_state& node) {
    for (auto& [key, value] : g.config)
        if (is_volume_key(g.kind, key))
            value = with_existing_volume_size(node, value);
}

/// get_default_bootdevices: the first disk, the first CD-ROM, the first NIC.
std::string default_boot_order(const guest_state& g) {
    std::vector<std::string> devs;
    for (bool cdrom : {false, true})
        for (std::string_view prefix : {"ide", "sata", "scsi", "virtio"}) {
            bool found = false;
            for (unsigned i = 0; i <= 30 && !found; ++i) {
                const auto key = fmt::format("{}{}", prefix, i);
                if (auto v = config_value(g, key); v && is_cdrom(*v) == cdrom) {
                    devs.push_back(key);
                    found = true;
                }
            }
            if (found)
                break;
        }
    for (unsigned i = 0; i < 32; ++i)
        if (config_value(g, fmt::format("net{}", i))) {
            devs.push_back(fmt::format("net{}", i));
            break;
        }
    std::string order;
    for (const auto& d : devs)
        order += (order.empty() ? "" : ";") + d;
    return order.empty() ? std::string{} : "order=" + order;
}

/// The backup volume behind `archive` on the node (restore), or 500 like abs_filesystem_path.
const volume_state& backup_volume(const cluster& c, const node_state& node, std::string_view archive) {
    check_volume_content(c, archive, "backup");
    const volume_state* v = find_volume(node, archive);
    if (!v)
        raise_error(fmt::format("can't find file '{}'\n", archive));
    return *v;
}

// --- qemu create / restore ------------------------------------------------------------------

json::value post_qemu_create(call_context& ctx) {
    node_state& node = ctx.node();
    const auto vmid = vmid_param(ctx);
    const auto archive = ctx.param("archive");
    const bool restore = archive && !archive->empty();
    const bool force = ctx.bool_param("force");
    const bool unique = ctx.bool_param("unique");
    const bool start = ctx.bool_param("start");
    const auto pool = ctx.param("pool");
    const auto storage = ctx.param("storage");
    check_pool_exist(ctx.state, pool);
    if (storage)
        storage_config(ctx.state, *storage);

    json::object config = config_params(ctx.params, qemu_create_only);
    // $resolve_cdrom_alias
    if (auto* cdrom = config.if_contains("cdrom")) {
        auto value = text_of(*cdrom);
        if (value.find("media=") == std::string::npos)
            value += ",media=cdrom";
        config["ide2"] = value;
        config.erase("cdrom");
    }
    std::vector<std::string> drive_keys;
    for (const auto& [key, value] : config)
        if (is_volume_key(guest_kind::qemu, key))
            drive_keys.emplace_back(key);
    std::sort(drive_keys.begin(), drive_keys.end());
    const volume_state* backup = nullptr;
    if (restore) {
        if (!drive_keys.empty())
            raise_param_exc({{drive_keys.front(), "option conflicts with option 'archive'"}});
        if (*archive == "-")
            raise_error("pipe requires cli environment\n");
        backup = &backup_volume(ctx.state, node, *archive);
    }
    // $check_drive_param
    std::optional<std::string> missing_volume;
    for (const auto& key : drive_keys) {
        const auto value = text_of(config.at(key));
        const auto volid = volume_of(value);
        if (volid.find(':') == std::string::npos || volid == "none" || volid == "cdrom")
            continue;
        if (volume_type(volid) == "iso" && !is_cdrom(value))
            raise_param_exc({{key, "explicit 'media=cdrom' is required for iso images"}});
        if (volume_type(volid) != "images" && !find_volume(node, volid))
            missing_volume = volid;
    }

    // create_and_lock_config (allow_existing = force)
    const auto emsg = fmt::format("unable to {} VM {} -", restore ? "restore" : "create", vmid);
    guest_state* existing = ctx.state.find_guest(vmid);
    if (existing) {
        if (!force || existing->kind != guest_kind::qemu || existing->node != node.name)
            raise_error(fmt::format("{} {}", emsg, *vmid_in_use(ctx.state, vmid)));
        if (!existing->lock.empty())
            raise_error(fmt::format("{} {}\n", emsg, lock_message(*existing)));
    }

    if (!restore) {
        guest_state g;
        g.kind = guest_kind::qemu;
        g.vmid = vmid;
        g.node = node.name;
        apply_config_params(ctx, g, config, true);
        std::vector<std::string> log;
        allocate_new_volumes(g, ctx.state, log);
        record_existing_volume_sizes(g, node);
        if (!config_value(g, "boot"))
            if (auto order = default_boot_order(g); !order.empty())
                set_config_value(g, "boot", order);
        set_config_value(g, "meta", fmt::format("creation-qemu=10.0.2,ctime={}", ctx.now));
        if (!config_value(g, "smbios1"))
            set_config_value(g, "smbios1", "uuid=" + random_uuid(ctx.state, vmid));
        if (auto gen = config_value(g, "vmgenid"); !gen || *gen == "1")
            set_config_value(g, "vmgenid", random_uuid(ctx.state, vmid + 1));
        sort_config(g);
        sync_from_config(g);
        g.lock = "create";
        ctx.state.guests[vmid] = std::move(g);
        return json::string(ctx.run_worker(
            node, "qmcreate", std::to_string(vmid),
            [vmid, emsg, log, missing_volume, pool, start](cluster& c, epoch_seconds now) -> task_result {
                guest_state* g = c.find_guest(vmid);
                if (!g)
                    return {log, fmt::format("{} Configuration file vanished", emsg)};
                if (missing_volume) {
                    // the config file is unlinked again
                    c.guests.erase(vmid);
                    return {log, fmt::format("{} volume {} does not exist", emsg, *missing_volume)};
                }
                g->lock.clear();
                if (pool)
                    add_vm_to_pool(c, *pool, vmid);
                auto lines = log;
                if (start) {
                    lines.emplace_back("Execute autostart");
                    start_guest(*g, c, now);
                }
                return {lines, {}};
            },
            2.0));
    }

    // restore: the archive's config, the given options on top (restore_merge_config)
    if (backup->backup_kind != "qemu")
        raise_error(fmt::format("{} archive '{}' is not a VM backup\n", emsg, *archive));
    const bool overwrite = existing != nullptr;
    if (overwrite) {
        existing->lock = "create";
    } else {
        guest_state g;
        g.kind = guest_kind::qemu;
        g.vmid = vmid;
        g.node = node.name;
        g.name = fmt::format("VM {}", vmid);
        g.lock = "create";
        ctx.state.guests[vmid] = std::move(g);
    }
    const auto path = volume_path(ctx.state, *archive);
    return json::string(ctx.run_worker(
        node, "qmrestore", std::to_string(vmid),
        [vmid, emsg, path, volid = *archive, backup_config = backup->backup_config, overrides = config,
         storage, unique, pool, start, overwrite,
         size = backup->size](cluster& c, epoch_seconds now) -> task_result {
            guest_state* g = c.find_guest(vmid);
            if (!g)
                return {{}, fmt::format("{} Configuration file vanished", emsg)};
            auto fail = [&](std::string err) -> task_result {
                g->lock.clear();
                return {
                    {"error before or during data restore, some or all disks were not completely restored. "
                     "VM " +
                     std::to_string(vmid) + " state is NOT cleaned up."},
                    err};
            };
            if (overwrite) {
                if (config_value(*g, "protection").value_or("0") == "1")
                    return fail(
                        fmt::format("{} - protection mode enabled", emsg)); // check_protection($conf, $emsg)
                if (g->running)
                    return fail(fmt::format("{} vm is running", emsg));
            }
            std::vector<std::string> log = {
                fmt::format(
                    "restore vma archive: zstd -q -d -c {} | vma extract -v -r /var/tmp/vzdumptmp{}.fifo - "
                    "/var/tmp/vzdumptmp{}",
                    path, 4242 + vmid, 4242 + vmid),
                "CFG: size: 512 name: qemu-server.conf"};
            if (overwrite) {
                auto removed = removal_lines(*g);
                log.insert(log.end(), removed.begin(), removed.end());
            }
            g->config = backup_config;
            erase_config_value(*g, "lock");
            // QemuServer.pm restore_update_config_line: a set vmgenid is always new, the smbios1
            // uuid only with unique (like the MACs below)
            if (auto gen = config_value(*g, "vmgenid"); gen && *gen != "0")
                set_config_value(*g, "vmgenid", random_uuid(c, vmid + 1));
            if (auto smbios = config_value(*g, "smbios1"); smbios && unique)
                set_config_value(*g, "smbios1", with_property(*smbios, "uuid", random_uuid(c, vmid)));
            for (const auto& [key, value] : overrides)
                set_config_value(*g, key, text_of(value));
            remap_restored_volumes(*g, storage, log);
            for (auto& [key, value] : g->config)
                if (unique && key.starts_with("net") && key.size() > 3 &&
                    std::isdigit(static_cast<unsigned char>(key[3])))
                    value = with_new_mac(c, guest_kind::qemu, value, vmid);
            log.push_back(fmt::format("progress 100% (read {} bytes, duration 1 sec)", size));
            log.push_back(fmt::format("total bytes read {}, sparse bytes 0 (0%)", size));
            log.emplace_back("rescan volumes...");
            sort_config(*g);
            sync_from_config(*g);
            if (g->is_template) {
                log.emplace_back("Convert to template.");
                auto lines = convert_to_template(*g);
                log.insert(log.end(), lines.begin(), lines.end());
            }
            g->lock.clear();
            if (pool)
                add_vm_to_pool(c, *pool, vmid);
            if (start && !g->is_template) {
                log.emplace_back("Execute autostart");
                start_guest(*g, c, now);
            }
            return {log, {}};
        },
        2.0));
}

// --- lxc create / restore -------------------------------------------------------------------

/// What PVE::LXC::Setup detects from a template's name (ostype) for the new config.
std::string ostype_of_template(std::string_view volid) {
    const auto file = volid.substr(volid.find('/') + 1);
    for (std::string_view os : {"debian", "ubuntu", "alpine", "centos", "fedora", "archlinux", "devuan",
                                "opensuse", "gentoo", "nixos"})
        if (file.starts_with(os))
            return std::string(os);
    if (file.starts_with("rockylinux") || file.starts_with("almalinux"))
        return "centos";
    return "unmanaged";
}

json::value post_lxc_create(call_context& ctx) {
    node_state& node = ctx.node();
    const auto vmid = vmid_param(ctx);
    const bool restore = ctx.bool_param("restore");
    const bool force = ctx.bool_param("force");
    const bool unique = ctx.bool_param("unique");
    const bool start = ctx.bool_param("start");
    const auto pool = ctx.param("pool");
    // pve-container API2/LXC.pm create_vm checks the keys before anything else
    if (auto keys = ctx.param("ssh-public-keys"))
        validate_ssh_key_lines(std::string(*keys));

    guest_state* existing = ctx.state.find_guest(vmid);
    const bool same_container_exists =
        existing && existing->kind == guest_kind::lxc && existing->node == node.name;
    if (!(same_container_exists && restore && force)) {
        if (auto taken = vmid_in_use(ctx.state, vmid))
            raise_error(*taken);
    } else {
        if (existing->running)
            raise_error("can't overwrite running container\n");
        if (config_value(*existing, "protection").value_or("0") == "1")
            raise_error(fmt::format("unable to restore CT {} - protection mode enabled\n", vmid));
    }
    check_pool_exist(ctx.state, pool);

    const auto ostemplate = *ctx.param("ostemplate");
    const auto storage = ctx.param("storage").value_or("local");
    if (ostemplate == "-")
        raise_error("pipe requires cli environment\n");
    check_volume_content(ctx.state, ostemplate, restore ? "backup" : "vztmpl");

    json::object config = config_params(ctx.params, lxc_create_only);
    bool has_mount_points = false;
    for (auto it = config.begin(); it != config.end();) {
        const std::string key(it->key());
        if (key.starts_with("unused")) {
            it = config.erase(it);
            continue;
        }
        if (is_volume_key(guest_kind::lxc, key)) {
            has_mount_points = true;
            // a plain number is a size on the default storage
            const auto value = text_of(it->value());
            if (!value.empty() && value.find_first_not_of("0123456789.") == std::string::npos)
                it->value() = storage + ":" + value;
        }
        ++it;
    }
    if (has_mount_points && !config.contains("rootfs"))
        raise_error("mount points configured, but 'rootfs' not set - aborting\n");
    auto check_storage = [&](std::string_view sid) {
        const auto& s = storage_config(ctx.state, sid);
        if (!has_content(s, "rootdir"))
            raise_param_exc(
                {{"storage", fmt::format("storage '{}' does not support container directories", sid)}});
    };
    for (const auto& [key, value] : config)
        if (is_volume_key(guest_kind::lxc, key)) {
            const auto volid = volume_of(text_of(value));
            if (const auto colon = volid.find(':'); colon != std::string::npos)
                check_storage(volid.substr(0, colon));
        }
    if (!config.contains("rootfs"))
        check_storage(storage);
    if (!restore && !config.contains("unprivileged"))
        config["unprivileged"] = "1";

    // the config as update_pct_config writes it; the archive's config comes in for a restore
    guest_state g;
    g.kind = guest_kind::lxc;
    g.vmid = vmid;
    g.node = node.name;
    apply_config_params(ctx, g, config, true);
    if (!restore && !config_value(g, "rootfs"))
        set_config_value(g, "rootfs", storage + ":4"); // defaults to 4 GiB
    std::vector<std::string> log;
    if (restore)
        log.push_back(fmt::format("recovering backed-up configuration from '{}'", ostemplate));
    if (!restore || config_value(g, "rootfs"))
        allocate_new_volumes(g, ctx.state, log);
    g.lock = "create";
    const config_entries given = g.config;
    const bool overwrite = same_container_exists && restore && force;
    if (overwrite)
        existing->lock = "create";
    else
        ctx.state.guests[vmid] = g;

    const auto emsg = fmt::format("unable to {} CT {} -", restore ? "restore" : "create", vmid);
    const auto path = volume_path(ctx.state, ostemplate);
    return json::string(ctx.run_worker(
        node, restore ? "vzrestore" : "vzcreate", std::to_string(vmid),
        [vmid, emsg, path, ostemplate, on = node.name, restore, unique, start, pool, storage, overwrite,
         given, log](cluster& c, epoch_seconds now) mutable -> task_result {
            guest_state* g = c.find_guest(vmid);
            if (!g)
                return {log, fmt::format("{} Configuration file vanished", emsg)};
            const node_state* n = c.find_node(on);
            const volume_state* archive = n ? find_volume(*n, ostemplate) : nullptr;
            auto fail = [&](std::string err) -> task_result {
                if (overwrite)
                    g->lock.clear();
                else
                    c.guests.erase(vmid); // destroy_config
                return {log, fmt::format("{} {}", emsg, err)};
            };
            if (!archive || (restore && archive->backup_kind != "lxc"))
                return fail(fmt::format("can't find file '{}'", ostemplate));
            if (overwrite) {
                auto removed = removal_lines(*g);
                log.insert(log.end(), removed.begin(), removed.end());
            }
            g->config.clear();
            bool was_template = false;
            if (restore) {
                // the archive's config; mount points come from it unless given (storage_only_mode)
                for (const auto& [key, value] : archive->backup_config) {
                    if (key == "template") {
                        was_template = value == "1";
                        continue;
                    }
                    if (key == "lock")
                        continue;
                    set_config_value(*g, key, value);
                }
                if (!std::any_of(given.begin(), given.end(),
                                 [](const auto& kv) { return kv.first == "rootfs"; })) {
                    for (auto& [key, value] : g->config)
                        if (is_volume_key(guest_kind::lxc, key)) {
                            const auto gib = drive_size(value) / (1024ULL * 1024 * 1024);
                            value = fmt::format("{}:{}", storage, std::max<std::uint64_t>(1, gib));
                        }
                    allocate_new_volumes(*g, c, log);
                }
                log.push_back(fmt::format("restoring '{}' now..", ostemplate));
                log.emplace_back("merging backed-up and given configuration..");
            } else {
                log.push_back(fmt::format("extracting archive '{}'", path));
                log.push_back(fmt::format("Total bytes read: {} ({})", archive->size * 4,
                                          render_bytes(archive->size * 4)));
                log.emplace_back("Detected container architecture: amd64");
                set_config_value(*g, "arch", "amd64");
                set_config_value(*g, "ostype", ostype_of_template(ostemplate));
            }
            for (const auto& [key, value] : given)
                set_config_value(*g, key, value);
            if (unique)
                for (auto& [key, value] : g->config)
                    if (key.starts_with("net"))
                        value = with_new_mac(c, guest_kind::lxc, value, vmid);
            // set some defaults
            if (!config_value(*g, "hostname"))
                set_config_value(*g, "hostname", fmt::format("CT{}", vmid));
            if (!config_value(*g, "memory"))
                set_config_value(*g, "memory", "512");
            if (!config_value(*g, "swap"))
                set_config_value(*g, "swap", "512");
            sort_config(*g);
            sync_from_config(*g);
            if (was_template) {
                log.emplace_back("Convert restored container to template...");
                auto lines = convert_to_template(*g);
                log.insert(log.end(), lines.begin(), lines.end());
            }
            g->lock.clear();
            if (pool)
                add_vm_to_pool(c, *pool, vmid);
            if (start && !g->is_template)
                start_guest(*g, c, now);
            return {log, {}};
        },
        2.0));
}

} // namespace

namespace lifecycle {

std::vector<handler_entry> create_endpoints() {
    return {
        {"POST", "/nodes/{node}/qemu", &post_qemu_create},
        {"POST", "/nodes/{node}/lxc", &post_lxc_create},
    };
}

} // namespace lifecycle

} // namespace proxmox::sim::detail
