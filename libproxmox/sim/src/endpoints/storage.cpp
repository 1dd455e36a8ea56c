// Storage content and uploads (pve-storage API2/Storage/Content.pm index, API2/Storage/Status.pm
// upload, Storage.pm volume_list / normalize_content_filename, Storage/Plugin.pm list_volumes).
#include "endpoints/handlers.hpp"

#include <boost/json/array.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace proxmox::sim::detail {

namespace json = boost::json;

namespace {

const storage_def& storage_config(const cluster& c, const std::string& id) {
    for (const auto& s : c.storages)
        if (s.id == id)
            return s;
    raise_error(fmt::format("storage '{}' does not exist\n", id));
}

bool has_content(const storage_def& s, std::string_view content) {
    return std::find(s.content.begin(), s.content.end(), content) != s.content.end();
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

/// $ISO_EXT_RE_0 = qr/\.(?:iso|img)/i at the end of a name with something before it.
bool iso_name(std::string_view name) {
    const auto l = lower(name);
    return (l.size() > 4 && (l.ends_with(".iso") || l.ends_with(".img"))) &&
           name.find('/') == std::string_view::npos;
}

/// $VZTMPL_EXT_RE_1 = qr/\.(?|(tar)(?!\.)|tar\.(gz|xz|zst|bz2))/i: the format is "t" + the group.
std::optional<std::string> vztmpl_format(std::string_view name) {
    const auto l = lower(name);
    if (name.find('/') != std::string_view::npos)
        return std::nullopt;
    for (std::string_view ext : {"gz", "xz", "zst", "bz2"}) {
        const std::string suffix = ".tar." + std::string(ext);
        if (l.size() > suffix.size() && l.ends_with(suffix))
            return "t" + std::string(name.substr(name.size() - ext.size()));
    }
    if (l.size() > 4 && l.ends_with(".tar"))
        return "t" + std::string(name.substr(name.size() - 3));
    return std::nullopt;
}

/// ${SAFE_CHAR_CLASS_RE}+$UPLOAD_IMPORT_EXT_RE_1: [a-zA-Z0-9\-\.\+\=\_]+\.(ova|qcow2|raw|vmdk)
std::optional<std::string> import_format(std::string_view name) {
    for (std::string_view ext : {"ova", "qcow2", "raw", "vmdk"}) {
        const std::string suffix = "." + std::string(ext);
        if (name.size() > suffix.size() && name.ends_with(suffix)) {
            const auto stem = name.substr(0, name.size() - suffix.size());
            if (std::all_of(stem.begin(), stem.end(), [](char c) {
                    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '+' ||
                           c == '=' || c == '_';
                }))
                return std::string(ext);
        }
    }
    return std::nullopt;
}

/// PVE::Storage::normalize_content_filename
std::string normalize_content_filename(std::string name) {
    if (!name.empty() && name.back() == '\n') // chomp
        name.pop_back();
    if (auto slash = name.find_last_of("/\\"); slash != std::string::npos)
        name.erase(0, slash + 1);
    for (auto& c : name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-'))
            c = '_';
    return name;
}

json::object volume_entry(const volume_state& v) {
    json::object o;
    o["volid"] = v.volid;
    o["format"] = v.format;
    o["size"] = v.size;
    o["ctime"] = v.ctime;
    o["content"] = v.content;
    if (v.content == "backup") {
        // Plugin.pm list_volumes: archive_info's subtype, the owner from the file name, notes
        o["subtype"] = v.backup_kind.empty() ? "unknown" : v.backup_kind;
        if (v.backup_vmid)
            o["vmid"] = v.backup_vmid;
        if (!v.notes.empty())
            o["notes"] = v.notes.substr(0, v.notes.find('\n')); // file_read_firstline
    }
    return o;
}

/// The guest disks on an LVM-thin storage: VM disks are `images`, container volumes `rootdir`.
void list_images(const cluster& c,
                 const node_state& node,
                 const storage_def& s,
                 std::string_view content,
                 const std::optional<std::int64_t>& vmid,
                 json::array& out) {
    std::vector<json::object> items;
    for (const auto& [id, g] : c.guests) {
        if (g.node != node.name)
            continue;
        if (vmid && static_cast<std::int64_t>(id) != *vmid)
            continue;
        const bool ct = g.kind == guest_kind::lxc;
        if ((content == "rootdir") != ct)
            continue;
        for (const auto& [key, value] : g.config) {
            if (key != "scsi0" && key != "rootfs")
                continue;
            const std::string prefix = s.id + ":";
            if (!value.starts_with(prefix))
                continue;
            json::object o;
            o["volid"] = value.substr(0, value.find(','));
            o["format"] = "raw";
            o["size"] = g.maxdisk;
            o["vmid"] = g.vmid;
            o["ctime"] = 1747000000 + static_cast<std::int64_t>(g.vmid); // the meta ctime of the config
            o["content"] = std::string(content);
            items.push_back(std::move(o));
        }
    }
    std::sort(items.begin(), items.end(), [](const json::object& a, const json::object& b) {
        return a.at("volid").as_string() < b.at("volid").as_string();
    });
    for (auto& i : items)
        out.push_back(std::move(i));
}

std::string content_dir(const storage_def& s, std::string_view content) {
    if (content == "iso")
        return s.path + "/template/iso";
    if (content == "vztmpl")
        return s.path + "/template/cache";
    return s.path + "/import";
}

} // namespace

json::value get_storage_content(call_context& ctx) {
    const node_state& node = ctx.node();
    const auto& s = storage_config(ctx.state, *ctx.param("storage"));
    const auto content = ctx.param("content");
    const auto vmid = ctx.int_param("vmid");

    // Storage.pm volume_list: content types in this order, those the storage has
    static constexpr std::string_view ctypes[] = {"rootdir", "images",   "vztmpl", "iso",
                                                  "backup",  "snippets", "import"};
    json::array out;
    for (auto ct : ctypes) {
        if (content && *content != ct)
            continue;
        if (!has_content(s, ct))
            continue;
        if (ct == "images" || ct == "rootdir") {
            list_images(ctx.state, node, s, ct, vmid, out);
            continue;
        }
        if (s.path.empty())
            continue;
        // Plugin.pm list_volumes: ISOs and templates belong to no VM
        if ((ct == "iso" || ct == "vztmpl" || ct == "snippets" || ct == "import") && vmid)
            continue;
        auto it = node.volumes.find(s.id);
        if (it == node.volumes.end())
            continue;
        std::vector<const volume_state*> vols;
        for (const auto& v : it->second)
            if (v.content == ct && !(vmid && static_cast<std::int64_t>(v.backup_vmid) != *vmid))
                vols.push_back(&v);
        std::sort(vols.begin(), vols.end(),
                  [](const volume_state* a, const volume_state* b) { return a->volid < b->volid; });
        for (const auto* v : vols)
            out.push_back(volume_entry(*v));
    }
    return out;
}

json::value post_storage_upload(call_context& ctx) {
    // runs where the client is connected (upload has no proxyto); the file is copied to {node}
    const std::string node_name = *ctx.param("node");
    const std::string storage = *ctx.param("storage");
    const std::string content = *ctx.param("content");
    const auto& s = storage_config(ctx.state, storage);

    if (s.path.empty())
        raise_error(fmt::format("can't upload to storage type '{}'\n", s.type));

    const auto tmpfilename = ctx.param("tmpfilename");
    if (!tmpfilename)
        raise_error("missing temporary file name\n");
    if (!ctx.upload || ctx.upload->tmpfilename != *tmpfilename)
        raise_error(fmt::format("temporary file '{}' does not exist\n", *tmpfilename));
    const upload_info info = *ctx.upload;

    const std::string filename = normalize_content_filename(*ctx.param("filename"));
    std::string format;
    if (content == "iso") {
        if (!iso_name(filename))
            raise_param_exc({{"filename", "wrong file extension"}});
        format = "iso";
    } else if (content == "vztmpl") {
        auto f = vztmpl_format(filename);
        if (!f)
            raise_param_exc({{"filename", "wrong file extension"}});
        format = *f;
    } else if (content == "import") {
        auto f = import_format(filename);
        if (!f)
            raise_param_exc({{"filename", "invalid filename or wrong extension"}});
        format = *f;
    } else {
        raise_param_exc({{"content", fmt::format("upload content type '{}' not allowed", content)}});
    }
    if (!has_content(s, content))
        raise_error(fmt::format("storage '{}' does not support '{}' content\n", storage, content));

    const std::string dest = content_dir(s, content) + "/" + filename;
    node_state& local = ctx.state.local_node();
    std::string command;
    if (node_name != "localhost" && node_name != local.name) {
        const node_state* target = ctx.state.find_node(node_name);
        if (!target) // PVE::Cluster::remote_node_ip falls back to DNS
            raise_error(hostname_lookup_failed(node_name));
        const std::string ssh_opts = fmt::format(
            "-o BatchMode=yes -o HostKeyAlias={0} -o UserKnownHostsFile=/etc/pve/nodes/{0}/ssh_known_hosts "
            "-o GlobalKnownHostsFile=none",
            node_name);
        if (target->offline)
            raise_error(
                fmt::format("can't activate storage '{}' on node '{}': command '/usr/bin/ssh {} {} -- "
                            "/usr/sbin/pvesm status --storage {}' failed: exit code 255\n",
                            storage, node_name, ssh_opts, target->ip, storage));
        command =
            fmt::format("/usr/bin/scp {} -p -- {} [{}]:{}", ssh_opts, info.tmpfilename, target->ip, dest);
    } else {
        command = fmt::format("cp -- {} {}", info.tmpfilename, dest);
    }

    const std::string target_node = node_name == "localhost" ? local.name : node_name;
    const std::string checksum = ctx.param("checksum").value_or("");
    const std::string algorithm = ctx.param("checksum-algorithm").value_or("");
    const std::string volid = fmt::format("{}:{}/{}", storage, content, filename);
    return json::string(
        ctx.run_worker(local, "imgcopy", "", [=](cluster& c, epoch_seconds now) -> task_result {
            task_result r;
            r.log.push_back("starting file import from: " + info.tmpfilename);
            if (!algorithm.empty()) {
                std::string got = info.algorithm == algorithm ? info.checksum : std::string();
                auto lc = [](std::string v) {
                    for (auto& ch : v)
                        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
                    return v;
                };
                if (lc(got) == lc(checksum)) {
                    r.log.push_back("calculating checksum...OK, checksum verified");
                } else {
                    r.log.push_back("calculating checksum...");
                    r.error = fmt::format("checksum mismatch: got '{}' != expect '{}'", got, checksum);
                    return r;
                }
            }
            r.log.push_back("target node: " + node_name);
            r.log.push_back("target file: " + dest);
            r.log.push_back(fmt::format("file size is: {}", info.size));
            r.log.push_back("command: " + command);
            node_state* n = c.find_node(target_node);
            if (!n || n->offline) {
                r.error = "import failed: exit code 255";
                return r;
            }
            // NOTE: an existing file of that name is overwritten
            auto& vols = n->volumes[storage];
            std::erase_if(vols, [&](const volume_state& v) { return v.volid == volid; });
            vols.push_back(
                {.volid = volid, .content = content, .format = format, .size = info.size, .ctime = now});
            r.log.push_back("finished file import successfully");
            return r;
        }));
}

} // namespace proxmox::sim::detail
