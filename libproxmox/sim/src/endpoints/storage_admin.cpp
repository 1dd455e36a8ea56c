// Storage configuration, status and single volumes: pve-storage API2/Storage/Config.pm (index,
// read), API2/Storage/Status.pm (index, read_status), API2/Storage/Content.pm (info, delete),
// Storage.pm storage_info / vdisk_free and the dir and LVM-thin plugins' parse_volname.
#include "endpoints/guests.hpp"
#include "endpoints/handlers.hpp"
#include "endpoints/volumes.hpp"

#include <boost/json/array.hpp>

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace proxmox::sim::detail {

namespace json = boost::json;

void add_storage_usage(node_state& node, std::string_view storage, std::int64_t delta) {
    for (auto& u : node.storages)
        if (u.storage == storage) {
            const auto used = static_cast<std::int64_t>(u.used) + delta;
            u.used = static_cast<std::uint64_t>(
                std::clamp<std::int64_t>(used, 0, static_cast<std::int64_t>(u.total)));
        }
    if (storage == "local") { // /var/lib/vz is on the root file system
        const auto used = static_cast<std::int64_t>(node.rootfs_used) + delta;
        node.rootfs_used = static_cast<std::uint64_t>(std::max<std::int64_t>(0, used));
    }
}

namespace {

std::string content_text(const storage_def& s) {
    std::vector<std::string> sorted = s.content;
    std::sort(sorted.begin(), sorted.end());
    std::string out;
    for (const auto& c : sorted)
        out += (out.empty() ? "" : ",") + c;
    return out;
}

/// storage.cfg as PVE writes it; its SHA-1 is the `digest` of the config calls.
std::string storage_cfg_digest(const cluster& c) {
    std::string text;
    for (const auto& s : c.storages) {
        text += fmt::format("{}: {}\n", s.type, s.id);
        if (!s.path.empty())
            text += "\tpath " + s.path + "\n";
        if (!s.thinpool.empty())
            text += "\tthinpool " + s.thinpool + "\n";
        if (!s.vgname.empty())
            text += "\tvgname " + s.vgname + "\n";
        text += "\tcontent " + content_text(s) + "\n";
        if (s.shared)
            text += "\tshared 1\n";
        text += "\n";
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(text.data(), text.size(), md, &len, EVP_sha1(), nullptr);
    std::string hex;
    for (unsigned i = 0; i < len; ++i)
        hex += fmt::format("{:02x}", md[i]);
    return hex;
}

const storage_def* find_storage(const cluster& c, std::string_view id) {
    for (const auto& s : c.storages)
        if (s.id == id)
            return &s;
    return nullptr;
}

const storage_def& storage_or_die(const cluster& c, const std::string& id) {
    const storage_def* s = find_storage(c, id);
    if (!s)
        raise_error(fmt::format("storage '{}' does not exist\n", id));
    return *s;
}

/// Config.pm $api_storage_config
json::object storage_config_entry(const storage_def& s, const std::string& digest) {
    json::object o;
    o["storage"] = s.id;
    o["type"] = s.type;
    o["content"] = content_text(s);
    o["digest"] = digest;
    if (!s.path.empty())
        o["path"] = s.path;
    if (!s.vgname.empty())
        o["vgname"] = s.vgname;
    if (!s.thinpool.empty())
        o["thinpool"] = s.thinpool;
    if (s.shared)
        o["shared"] = 1;
    return o;
}

json::value get_storage_index(call_context& ctx) {
    const auto type = ctx.param("type");
    const auto digest = storage_cfg_digest(ctx.state);
    json::array out;
    for (const auto& s : ctx.state.storages)
        if (!type || *type == s.type)
            out.push_back(storage_config_entry(s, digest));
    return out;
}

json::value get_storage_config(call_context& ctx) {
    return storage_config_entry(storage_or_die(ctx.state, *ctx.param("storage")),
                                storage_cfg_digest(ctx.state));
}

/// Storage.pm storage_info for one storage on one node (every storage here is active and enabled).
json::object storage_status(const storage_def& s, const node_state& n) {
    json::object o;
    o["type"] = s.type;
    o["content"] = content_text(s);
    o["shared"] = s.shared ? 1 : 0;
    o["active"] = 1;
    o["enabled"] = 1;
    const storage_usage* u = n.usage(s.id);
    const std::uint64_t total = u ? u->total : 0;
    const std::uint64_t used = u ? std::min(u->used, total) : 0;
    o["total"] = total;
    o["used"] = used;
    o["avail"] = total - used;
    return o;
}

json::value get_node_storage(call_context& ctx) {
    const node_state& node = ctx.node();
    const auto only = ctx.param("storage");
    if (only && !find_storage(ctx.state, *only))
        raise_param_exc({{"storage", "No such storage."}});
    std::vector<std::string> wanted_content;
    if (auto content = ctx.param("content"))
        for (std::size_t start = 0; start <= content->size();) {
            auto end = std::min(content->find_first_of(",; \t", start), content->size());
            if (end > start)
                wanted_content.push_back(content->substr(start, end - start));
            start = end + 1;
        }
    // Status.pm: a target other than this node lists only shared storages both can reach
    auto target = ctx.param("target");
    if (target && (*target == node.name || *target == "localhost"))
        target.reset();
    std::vector<const storage_def*> storages;
    for (const auto& s : ctx.state.storages)
        storages.push_back(&s);
    std::sort(storages.begin(), storages.end(),
              [](const storage_def* a, const storage_def* b) { return a->id < b->id; });
    json::array out;
    for (const auto* s : storages) {
        if (only && *only != s->id)
            continue;
        if (!wanted_content.empty() &&
            std::none_of(wanted_content.begin(), wanted_content.end(), [&](const std::string& c) {
                return std::find(s->content.begin(), s->content.end(), c) != s->content.end();
            }))
            continue;
        if (target && !s->shared)
            continue;
        json::object o = storage_status(*s, node);
        o["storage"] = s->id;
        const auto total = o["total"].to_number<double>();
        if (total > 0)
            o["used_fraction"] = o["used"].to_number<double>() / total;
        if (ctx.bool_param("format")) {
            const bool file_based = !s->path.empty();
            json::array supported;
            if (file_based)
                supported = {"qcow2", "raw", "subvol", "vmdk"};
            else
                supported = {"raw"};
            o["formats"] = json::object{{"default", "raw"}, {"supported", std::move(supported)}};
        }
        out.push_back(std::move(o));
    }
    return out;
}

json::value get_storage_status(call_context& ctx) {
    const node_state& node = ctx.node();
    const storage_def* s = find_storage(ctx.state, *ctx.param("storage"));
    if (!s)
        raise_param_exc({{"storage", "No such storage."}});
    return storage_status(*s, node);
}

/// A volume as the plugins resolve it (parse_volname + path).
struct volume_ref {
    std::string volid;
    const storage_def* storage = nullptr;
    std::string vtype; ///< iso, vztmpl, backup, import, images, rootdir
    std::string path;
    unsigned owner = 0; ///< VMID the volume belongs to, 0 = none
};

/// Content.pm $real_volume_id, then the plugin's parse_volname.
volume_ref resolve_volume(call_context& ctx) {
    const auto storage_param = ctx.param("storage");
    const auto volume = *ctx.param("volume");
    volume_ref ref;
    if (volume.find(':') != std::string::npos) {
        const auto sid = volume.substr(0, volume.find(':'));
        if (storage_param && *storage_param != sid)
            raise_param_exc(
                {{"volume", fmt::format("storage ID mismatch ({} != {})\n", sid, *storage_param)}});
        ref.volid = volume;
    } else {
        ref.volid = *storage_param + ":" + volume;
    }
    const auto sid = ref.volid.substr(0, ref.volid.find(':'));
    const auto volname = ref.volid.substr(ref.volid.find(':') + 1);
    ref.storage = &storage_or_die(ctx.state, sid);
    auto owner_of = [](std::string_view name, std::string_view prefix) -> unsigned {
        // vzdump-qemu-100-..., vm-100-disk-0, base-9000-disk-0
        auto pos = name.find(prefix);
        if (pos == std::string_view::npos)
            return 0;
        return static_cast<unsigned>(
            std::strtoul(std::string(name.substr(pos + prefix.size())).c_str(), nullptr, 10));
    };
    if (ref.storage->type == "lvmthin") {
        const auto lv = volume_name(ref.volid);
        const bool ok = (lv.starts_with("vm-") || lv.starts_with("base-")) &&
                        std::isdigit(static_cast<unsigned char>(lv[lv.find('-') + 1]));
        if (!ok)
            raise_error(fmt::format("unable to parse lvm volume name '{}'\n", volname));
        ref.vtype = "images";
        ref.owner = owner_of(lv, "-");
        ref.path = fmt::format("/dev/{}/{}", ref.storage->vgname, lv);
        return ref;
    }
    static constexpr std::pair<std::string_view, std::string_view> dirs[] = {{"iso/", "/template/iso/"},
                                                                             {"vztmpl/", "/template/cache/"},
                                                                             {"backup/", "/dump/"},
                                                                             {"import/", "/import/"}};
    for (const auto& [prefix, dir] : dirs)
        if (volname.starts_with(prefix) && volname.size() > prefix.size() &&
            volname.find('/', prefix.size()) == std::string::npos) {
            ref.vtype = std::string(prefix.substr(0, prefix.size() - 1));
            ref.path = ref.storage->path + std::string(dir) + volname.substr(prefix.size());
            if (ref.vtype == "backup") {
                const auto file = volname.substr(prefix.size());
                for (std::string_view type : {"vzdump-qemu-", "vzdump-lxc-"})
                    if (file.starts_with(type))
                        ref.owner = owner_of(file, type);
            }
            return ref;
        }
    raise_error(fmt::format("unable to parse directory volume name '{}'\n", volname));
}

const volume_state* find_file(const node_state& node, const volume_ref& ref) {
    auto it = node.volumes.find(ref.storage->id);
    if (it == node.volumes.end())
        return nullptr;
    for (const auto& v : it->second)
        if (v.volid == ref.volid)
            return &v;
    return nullptr;
}

/// The guest of this node whose config uses the LV, and the size its config gives it.
guest_state* image_user(cluster& c, const node_state& node, const std::string& volid, std::uint64_t* size) {
    for (auto& [id, g] : c.guests) {
        if (g.node != node.name)
            continue;
        for (const auto& [key, value] : g.config) {
            const auto vol = value.substr(0, value.find(','));
            if (vol != volid && !(is_unused_key(key) && value == volid))
                continue;
            if (size) {
                *size = g.maxdisk;
                if (auto pos = value.find("size="); pos != std::string::npos) {
                    const auto text = value.substr(pos + 5, value.find(',', pos) - pos - 5);
                    char* end = nullptr;
                    const double v = std::strtod(text.c_str(), &end);
                    const char unit = end && *end ? *end : 'B';
                    const double mult = unit == 'T'   ? 1099511627776.0
                                        : unit == 'G' ? 1073741824.0
                                        : unit == 'M' ? 1048576.0
                                        : unit == 'K' ? 1024.0
                                                      : 1.0;
                    *size = static_cast<std::uint64_t>(v * mult);
                }
            }
            return &g;
        }
    }
    return nullptr;
}

json::value get_volume_info(call_context& ctx) {
    node_state& node = ctx.node();
    const volume_ref ref = resolve_volume(ctx);
    json::object o;
    o["path"] = ref.path;
    o["format"] = "raw"; // what file_size_info / lvs report for these volumes
    if (ref.vtype == "images") {
        std::uint64_t size = 0;
        if (!image_user(ctx.state, node, ref.volid, &size))
            raise_error(fmt::format("volume_size_info on '{}' failed - no format\n", ref.volid));
        o["size"] = size;
        o["used"] = 0; // LVM-thin reports no usage
        return o;
    }
    const volume_state* v = find_file(node, ref);
    if (!v)
        raise_error(fmt::format("volume_size_info on '{}' failed - no format\n", ref.volid));
    o["size"] = v->size;
    o["used"] = (v->size + 4095) / 4096 * 4096; // allocated blocks
    if (ref.vtype == "backup") {
        if (!v->notes.empty())
            o["notes"] = v->notes;
        o["protected"] = 0;
    }
    return o;
}

/// Storage.pm vdisk_free and what the plugin prints while it frees the volume.
task_result free_volume(cluster& c, const std::string& node_name, const volume_ref& ref) {
    task_result r;
    node_state* node = c.find_node(node_name);
    if (!node) {
        r.error = without_newline(hostname_lookup_failed(node_name));
        return r;
    }
    if (ref.vtype == "images") {
        const auto lv = volume_name(ref.volid);
        const auto lv_path = fmt::format("{}/{}", ref.storage->vgname, lv);
        std::uint64_t size = 0;
        // no "base volume ... is still in use by linked clones" here: volume_is_base_and_used
        // cannot see LVM-thin clones (their volids do not name the base), and LVM-thin keeps a
        // clone intact when its base goes
        guest_state* g = image_user(c, *node, ref.volid, &size);
        if (!g) {
            r.error =
                fmt::format("lvremove '{}' error:   Failed to find logical volume \"{}\"", lv_path, lv_path);
        } else if (g->running && std::any_of(g->config.begin(), g->config.end(), [&](const auto& kv) {
                       return !is_unused_key(kv.first) &&
                              kv.second.substr(0, kv.second.find(',')) == ref.volid;
                   })) {
            // the running guest holds the LV open
            r.error = fmt::format("lvremove '{}' error:   Logical volume {} in use.", lv_path, lv_path);
        } else {
            std::erase_if(g->config, [&](const auto& kv) {
                return kv.second.substr(0, kv.second.find(',')) == ref.volid || kv.second == ref.volid;
            });
            sync_from_config(*g);
            add_storage_usage(*node, ref.storage->id, -static_cast<std::int64_t>(size * 35 / 100));
            r.log.push_back(fmt::format("  Logical volume \"{}\" successfully removed.", lv));
            r.log.push_back(fmt::format("Removed volume '{}'", ref.volid));
        }
        return r;
    }
    auto& vols = node->volumes[ref.storage->id];
    auto it =
        std::find_if(vols.begin(), vols.end(), [&](const volume_state& v) { return v.volid == ref.volid; });
    if (it == vols.end()) {
        r.log.push_back(fmt::format("disk image '{}' does not exist", ref.path)); // a warning only
    } else {
        add_storage_usage(*node, ref.storage->id, -static_cast<std::int64_t>(it->size));
        vols.erase(it);
    }
    r.log.push_back(fmt::format("Removed volume '{}'", ref.volid));
    return r;
}

json::value delete_volume(call_context& ctx) {
    node_state& node = ctx.node();
    const volume_ref ref = resolve_volume(ctx);
    const std::string id = (ref.owner ? fmt::format("{}@", ref.owner) : std::string()) + ref.storage->id;
    auto work = [ref, on = node.name](cluster& c, epoch_seconds) { return free_volume(c, on, ref); };
    // `delay`: wait that long for the worker and answer null when it is done by then
    if (const auto delay = ctx.int_param("delay");
        delay && static_cast<double>(*delay) >= ctx.opts.task_seconds) {
        task_state& t = create_task(ctx.state, node, "imgdel", id, ctx.auth.user, ctx.now);
        finish_task(ctx.state, t, work(ctx.state, ctx.now), ctx.now);
        if (t.exitstatus != "OK")
            raise_error(t.exitstatus + "\n");
        return nullptr;
    }
    return json::string(ctx.run_worker(node, "imgdel", id, work));
}

} // namespace

std::vector<handler_entry> storage_admin_endpoints() {
    return {
        {"GET", "/storage", &get_storage_index},
        {"GET", "/storage/{storage}", &get_storage_config},
        {"GET", "/nodes/{node}/storage", &get_node_storage},
        {"GET", "/nodes/{node}/storage/{storage}/status", &get_storage_status},
        {"GET", "/nodes/{node}/storage/{storage}/content/{volume}", &get_volume_info},
        {"DELETE", "/nodes/{node}/storage/{storage}/content/{volume}", &delete_volume},
    };
}

} // namespace proxmox::sim::detail
