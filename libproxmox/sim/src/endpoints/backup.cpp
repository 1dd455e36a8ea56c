// Backups: POST /nodes/{node}/vzdump as pve-manager API2/VZDump.pm and PVE/VZDump.pm run it
// (exec_backup / exec_backup_task), with the log lines of the QEMU and LXC vzdump plugins; the
// archive becomes a volume on the backup storage that restore reads.
#include "endpoints/guests.hpp"
#include "endpoints/handlers.hpp"
#include "endpoints/volumes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <ctime>
#include <map>
#include <set>

namespace proxmox::sim::detail {

namespace json = boost::json;

namespace {

constexpr double GiB = 1024.0 * 1024.0 * 1024.0;

/// PVE::Tools::split_list: `,`, `;` and white space separate the items.
std::vector<std::string> split_list(std::string_view text) {
    std::vector<std::string> out;
    std::string cur;
    for (char ch : text) {
        if (ch == ',' || ch == ';' || std::isspace(static_cast<unsigned char>(ch))) {
            if (!cur.empty())
                out.push_back(std::move(cur));
            cur.clear();
        } else {
            cur += ch;
        }
    }
    if (!cur.empty())
        out.push_back(std::move(cur));
    return out;
}

/// String::ShellQuote shell_quote, which vzdump's command line uses.
std::string shell_quote(std::string_view s) {
    if (s.empty())
        return "''";
    const bool plain = std::all_of(s.begin(), s.end(), [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch)) ||
               std::string_view("_!%+,-./:=@^").find(ch) != std::string_view::npos;
    });
    if (plain)
        return std::string(s);
    std::string out = "'";
    for (char ch : s)
        out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    return out + "'";
}

/// strftime on the simulator's clock (UTC: the simulated nodes run in UTC).
std::string time_text(epoch_seconds t, const char* format) {
    const std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, format, &tm);
    return buf;
}

/// VZDump.pm format_size
std::string format_size(std::uint64_t size) {
    const double kb = static_cast<double>(size) / 1024.0;
    if (kb < 1024)
        return fmt::format("{}KB", static_cast<std::uint64_t>(kb));
    const double mb = kb / 1024.0;
    if (mb < 1024)
        return fmt::format("{}MB", static_cast<std::uint64_t>(mb));
    const double gb = mb / 1024.0;
    if (gb < 1024)
        return fmt::format("{:.2f}GB", gb);
    return fmt::format("{:.2f}TB", gb / 1024.0);
}

/// VZDump.pm $generate_notes: {{cluster}}, {{guestname}}, {{node}}, {{vmid}}; `\n` and `\\` escapes.
std::string generate_notes(std::string_view tmpl, const cluster& c, const guest_state& g) {
    std::string unescaped;
    for (std::size_t i = 0; i < tmpl.size(); ++i) {
        if (tmpl[i] == '\\' && i + 1 < tmpl.size() && (tmpl[i + 1] == 'n' || tmpl[i + 1] == '\\')) {
            unescaped += tmpl[i + 1] == 'n' ? '\n' : '\\';
            ++i;
        } else {
            unescaped += tmpl[i];
        }
    }
    const std::map<std::string, std::string> vars = {
        {"cluster", c.name.empty() ? "standalone node" : c.name},
        {"guestname", g.name},
        {"node", g.node},
        {"vmid", std::to_string(g.vmid)},
    };
    std::string out;
    for (std::size_t i = 0; i < unescaped.size();) {
        bool replaced = false;
        if (unescaped.compare(i, 2, "{{") == 0)
            for (const auto& [name, value] : vars)
                if (unescaped.compare(i + 2, name.size() + 2, name + "}}") == 0) {
                    out += value;
                    i += name.size() + 4;
                    replaced = true;
                    break;
                }
        if (!replaced)
            out += unescaped[i++];
    }
    return out;
}

/// What a guest's archive holds: the used part of its disks, compressed by `comp`.
std::uint64_t archive_size(const guest_state& g, std::uint64_t data, std::string_view comp) {
    const double ratio = comp == "zst" ? 0.38 : comp == "gz" ? 0.42 : comp == "lzo" ? 0.55 : 1.0;
    // a little per-guest spread, as real archives have
    const double spread = 1.0 + static_cast<double>(g.vmid % 11) * 0.01;
    return static_cast<std::uint64_t>(static_cast<double>(data) * ratio * spread) + 512 * 1024;
}

struct backup_job {
    std::string node;
    std::string storage;
    std::string dumpdir;
    std::string mode;
    std::string comp_ext; ///< zst, gz, lzo or empty
    std::string notes_template;
    bool remove = true;
    std::string prune; ///< prune-backups property string
    std::string cmdline;
    std::vector<unsigned> vmids;          ///< local guests and IDs of no guest, sorted
    std::set<unsigned> locked;            ///< the guests this job locked
    std::map<unsigned, std::string> busy; ///< guests locked by others: check_lock's text
};

std::string prune_text(const std::string& prune) {
    auto items = split_list(prune);
    std::sort(items.begin(), items.end());
    std::string out;
    for (const auto& i : items)
        out += (out.empty() ? "" : ", ") + i;
    return out;
}

/// keep-last=N of a prune-backups string (0: keep everything, which the other keep-* options
/// approximate here).
unsigned keep_last(const std::string& prune) {
    for (const auto& item : split_list(prune))
        if (item.starts_with("keep-last="))
            return static_cast<unsigned>(std::strtoul(item.c_str() + 10, nullptr, 10));
    return 0;
}

/// exec_backup_task for one guest; appends its log lines, returns false when it failed.
bool backup_guest(
    cluster& c, backup_job& job, unsigned vmid, epoch_seconds now, std::vector<std::string>& log) {
    auto info = [&](const std::string& line) { log.push_back("INFO: " + line); };
    auto fail = [&](const std::string& err) {
        log.push_back(fmt::format("ERROR: Backup of VM {} failed - {}", vmid, err));
        info("Failed at " + time_text(now, "%F %H:%M:%S"));
        return false;
    };
    guest_state* g = c.find_guest(vmid);
    if (!g || g->node != job.node)
        return fail(fmt::format("unable to find VM '{}'", vmid));
    const bool qemu = g->kind == guest_kind::qemu;
    const std::string type(kind_name(g->kind));
    info(fmt::format("Starting Backup of VM {} ({})", vmid, type));
    info("Backup started at " + time_text(now, "%F %H:%M:%S"));
    info(fmt::format("status = {}", g->running ? "running" : "stopped"));
    if (auto it = job.busy.find(vmid); it != job.busy.end())
        return fail(it->second);

    const std::string mode = g->running ? job.mode : "stop";
    const auto disks = guest_disks(g->kind, g->config);
    auto prepare = [&] {
        if (qemu) {
            info("VM Name: " + g->name);
            for (const auto& d : disks) {
                const auto value = config_value(*g, d.key).value_or("");
                auto pos = value.find("size=");
                const auto size = pos == std::string::npos
                                      ? std::string("0")
                                      : value.substr(pos + 5, value.find(',', pos) - pos - 5);
                info(fmt::format("include disk '{}' '{}' {}", d.key, d.volid, size));
            }
        } else {
            info("CT Name: " + g->name);
            for (const auto& d : disks)
                info(d.key == "rootfs" ? std::string("including mount point rootfs ('/') in backup")
                                       : fmt::format("including mount point {} in backup", d.key));
        }
    };
    if (mode == "snapshot")
        prepare();
    info("backup mode: " + mode);
    info("ionice priority: 7");
    if (mode != "snapshot")
        prepare();
    if (mode == "stop" && g->running)
        info("stopping virtual guest");
    if (mode == "suspend")
        info("suspending guest");
    if (mode == "snapshot" && !qemu) {
        info("create storage snapshot 'vzdump'");
        for (const auto& d : disks)
            if (const storage_def* s = volume_storage(c, d.volid); s && s->type == "lvmthin")
                info(fmt::format("  Logical volume \"snap_{}_vzdump\" created.", volume_name(d.volid)));
    }

    const std::string basename =
        fmt::format("vzdump-{}-{}-{}", type, vmid, time_text(now, "%Y_%m_%d-%H_%M_%S"));
    const std::string format =
        std::string(qemu ? "vma" : "tar") + (job.comp_ext.empty() ? "" : "." + job.comp_ext);
    const std::string filename = basename + "." + format;
    info(fmt::format("creating vzdump archive '{}/{}'", job.dumpdir, filename));

    const std::uint64_t total = g->maxdisk;
    const double used_share =
        qemu ? 0.25 + static_cast<double>(vmid % 7) * 0.03 : (g->disk_fraction > 0 ? g->disk_fraction : 0.3);
    const auto data = static_cast<std::uint64_t>(static_cast<double>(total) * used_share);
    if (qemu) {
        if (!g->running)
            info("starting kvm to execute backup task");
        if (mode == "snapshot" && g->running && g->agent) {
            info("issuing guest-agent 'fs-freeze' command");
            info("issuing guest-agent 'fs-thaw' command");
        }
        info(fmt::format("started backup task '{:08x}-{:04x}-4{:03x}-9{:03x}-{:012x}'", now & 0xffffffff,
                         vmid & 0xffff, (now >> 12) & 0xfff, vmid & 0xfff,
                         (static_cast<std::uint64_t>(now) * 40503ULL + vmid) & 0xffffffffffffULL));
        if (mode == "suspend")
            info("resuming VM again");
        const double t = static_cast<double>(total) / GiB;
        info(fmt::format("100% ({:.1f} GiB of {:.1f} GiB) in 1s, read: {:.1f} GiB/s, write: {:.1f} GiB/s", t,
                         t, t, static_cast<double>(data) / GiB));
        const std::uint64_t zero = total - data;
        info(fmt::format("backup is sparse: {:.2f} GiB ({}%) total zero data",
                         static_cast<double>(zero) / GiB, total ? zero * 100 / total : 0));
        info(fmt::format("transferred {:.2f} GiB in 1 seconds ({:.1f} GiB/s)", t, t));
        if (!g->running)
            info("stopping kvm after backup task");
    } else {
        info(fmt::format("Total bytes written: {} ({:.1f}GiB, {:.0f}MiB/s)", data,
                         static_cast<double>(data) / GiB, static_cast<double>(data) / (1024.0 * 1024.0)));
    }
    const std::uint64_t size = archive_size(*g, data, job.comp_ext);
    info("archive file size: " + format_size(size));

    volume_state vol;
    vol.volid = fmt::format("{}:backup/{}", job.storage, filename);
    vol.content = "backup";
    vol.format = format;
    vol.size = size;
    vol.ctime = now;
    vol.backup_kind = type;
    vol.backup_vmid = vmid;
    vol.backup_config = g->config;
    if (!job.notes_template.empty()) {
        info("adding notes to backup");
        vol.notes = generate_notes(job.notes_template, c, *g);
    }
    node_state* node = c.find_node(job.node);
    auto& vols = node->volumes[job.storage];
    std::erase_if(vols, [&](const volume_state& v) { return v.volid == vol.volid; });
    vols.push_back(vol);
    add_storage_usage(*node, job.storage, static_cast<std::int64_t>(size));

    if (job.remove) {
        info("prune older backups with retention: " + prune_text(job.prune));
        unsigned pruned = 0;
        if (const unsigned keep = keep_last(job.prune)) {
            std::vector<const volume_state*> group;
            for (const auto& v : vols)
                if (v.content == "backup" && v.backup_vmid == vmid && v.backup_kind == type)
                    group.push_back(&v);
            std::sort(group.begin(), group.end(), [](const volume_state* a, const volume_state* b) {
                return a->ctime != b->ctime ? a->ctime > b->ctime : a->volid > b->volid;
            });
            std::set<std::string> doomed;
            for (std::size_t i = keep; i < group.size(); ++i) {
                info(fmt::format("removing backup '{}'", group[i]->volid));
                add_storage_usage(*node, job.storage, -static_cast<std::int64_t>(group[i]->size));
                doomed.insert(group[i]->volid);
            }
            pruned = static_cast<unsigned>(doomed.size());
            std::erase_if(vols, [&](const volume_state& v) { return doomed.contains(v.volid); });
        }
        info(fmt::format("pruned {} backup(s){}", pruned,
                         pruned ? " not covered by keep-retention policy" : ""));
    }
    if (mode == "snapshot" && !qemu)
        info("cleanup temporary 'vzdump' snapshot");
    if ((mode == "stop" && g->running) || (mode == "suspend" && !qemu)) {
        if (mode == "suspend")
            info("resuming guest");
        info("guest is online again after 1 seconds");
    }
    info(fmt::format("Finished Backup of VM {} (00:00:01)", vmid));
    info("Backup finished at " + time_text(now, "%F %H:%M:%S"));
    return true;
}

json::value post_vzdump(call_context& ctx) {
    // API2/VZDump.pm: options the API refuses, then verify_vzdump_parameters
    if (ctx.bool_param("stdout"))
        raise_param_exc({{"stdout", "option is only allowed on the command line interface."}});
    for (std::string_view key :
         {"maxfiles", "prune-backups", "tmpdir", "dumpdir", "script", "bwlimit", "ionice"})
        if (ctx.param(key) && ctx.auth.user != "root@pam")
            raise_param_exc({{key, "Only root may set this option."}});
    const auto vmid_param = ctx.param("vmid").value_or("");
    const bool all_param = ctx.bool_param("all");
    const auto exclude = ctx.param("exclude");
    const auto pool = ctx.param("pool");
    if (all_param && !vmid_param.empty())
        raise_param_exc({{"all", "option conflicts with option 'vmid'"}});
    if (exclude && !exclude->empty() && !vmid_param.empty())
        raise_param_exc({{"exclude", "option conflicts with option 'vmid'"}});
    if (pool && !pool->empty() && !vmid_param.empty())
        raise_param_exc({{"pool", "option conflicts with option 'vmid'"}});
    if (ctx.param("prune-backups") && ctx.param("maxfiles"))
        raise_param_exc({{"prune-backups", "option conflicts with option 'maxfiles'"}});
    const auto notes_template = ctx.param("notes-template").value_or("");
    if (notes_template.find('\n') != std::string::npos)
        raise_param_exc({{"notes-template", "contains a line feed"}});
    const bool all = all_param || (exclude && !(pool && !pool->empty()));
    if (!(all || ctx.bool_param("stop") || (pool && !pool->empty())) && vmid_param.empty())
        raise_param_exc({{"vmid", "property is missing"}});

    node_state& node = ctx.node();
    // get_included_guests: guests of other nodes are left out, IDs of no guest fail visibly
    std::set<unsigned> wanted;
    if (pool && !pool->empty()) {
        if (auto it = ctx.state.access.pools.find(*pool); it != ctx.state.access.pools.end())
            wanted.insert(it->second.vmids.begin(), it->second.vmids.end());
    } else if (!vmid_param.empty()) {
        for (const auto& id : split_list(vmid_param))
            wanted.insert(static_cast<unsigned>(std::strtoul(id.c_str(), nullptr, 10)));
    } else if (all) {
        std::set<unsigned> excluded;
        for (const auto& id : split_list(exclude.value_or("")))
            excluded.insert(static_cast<unsigned>(std::strtoul(id.c_str(), nullptr, 10)));
        for (const auto& [id, g] : ctx.state.guests)
            if (!excluded.contains(id))
                wanted.insert(id);
    }
    backup_job job;
    job.node = node.name;
    for (unsigned id : wanted) {
        const guest_state* g = ctx.state.find_guest(id);
        if (!g || g->node == node.name)
            job.vmids.push_back(id);
    }
    if (ctx.bool_param("stop") && job.vmids.empty())
        return json::string("OK");
    if (job.vmids.empty() && !all)
        return json::string("OK"); // the guests run elsewhere: nothing to do here

    // vzdump's command line for the log: the VMIDs, then every other option
    job.cmdline = "vzdump";
    for (const auto& id : split_list(vmid_param))
        job.cmdline += " " + id;
    std::vector<std::string> keys;
    for (const auto& kv : ctx.params)
        if (kv.key() != "vmid" && kv.key() != "stdout")
            keys.emplace_back(kv.key());
    if (all && !ctx.params.contains("all"))
        keys.emplace_back("all");
    std::sort(keys.begin(), keys.end());
    for (const auto& key : keys)
        if (auto v = key == "all" ? std::optional<std::string>("1") : ctx.param(key); v && !v->empty())
            job.cmdline += fmt::format(" --{} {}", key, shell_quote(*v));

    job.storage = ctx.param("storage").value_or("local");
    job.mode = ctx.param("mode").value_or("snapshot");
    const auto compress = ctx.param("compress").value_or("0");
    job.comp_ext = compress == "zstd"                       ? "zst"
                   : compress == "gzip"                     ? "gz"
                   : (compress == "1" || compress == "lzo") ? "lzo"
                                                            : "";
    job.notes_template = notes_template;
    job.remove = ctx.param("remove").value_or("1") == "1";
    job.prune = ctx.param("prune-backups").value_or("");
    if (job.prune.empty())
        if (auto maxfiles = ctx.param("maxfiles"))
            job.prune = "keep-last=" + *maxfiles;
    if (job.prune.empty())
        job.prune = "keep-all=1";
    // VZDump.pm new: "avoid triggering any remove code path if keep-all is set" (no prune lines)
    if (const auto items = split_list(job.prune);
        std::find(items.begin(), items.end(), "keep-all=1") != items.end())
        job.remove = false;

    // VZDump->new: storage_info decides before any guest is touched
    std::string setup_error;
    const storage_def* storage = nullptr;
    for (const auto& s : ctx.state.storages)
        if (s.id == job.storage)
            storage = &s;
    if (!storage)
        setup_error = fmt::format("storage '{}' does not exist", job.storage);
    else if (std::find(storage->content.begin(), storage->content.end(), "backup") == storage->content.end())
        setup_error = fmt::format("can't use storage '{}' for backups - wrong content type", job.storage);
    else
        job.dumpdir = storage->path + "/dump";
    if (!setup_error.empty())
        setup_error = fmt::format("could not get storage information for '{}': {}", job.storage, setup_error);

    // plugin->lock_vm: each guest is locked 'backup' while the job runs
    if (setup_error.empty()) {
        for (unsigned id : job.vmids) {
            guest_state* g = ctx.state.find_guest(id);
            if (g && g->lock.empty()) {
                g->lock = "backup";
                job.locked.insert(id);
            } else if (g) {
                job.busy[id] = lock_message(*g);
            }
        }
    }

    const std::string task_id = job.vmids.size() == 1 ? std::to_string(job.vmids.front()) : std::string();
    const double duration = static_cast<double>(std::max<std::size_t>(1, job.vmids.size()));
    return json::string(ctx.run_worker(
        node, "vzdump", task_id,
        [job, setup_error](cluster& c, epoch_seconds now) mutable -> task_result {
            task_result r;
            if (!setup_error.empty()) {
                r.error = setup_error;
                return r;
            }
            r.log.push_back("INFO: starting new backup job: " + job.cmdline);
            unsigned errors = 0;
            for (unsigned id : job.vmids) {
                if (!backup_guest(c, job, id, now, r.log))
                    ++errors;
                if (guest_state* g = c.find_guest(id); g && job.locked.contains(id) && g->lock == "backup")
                    g->lock.clear();
            }
            r.log.push_back(errors ? "INFO: Backup job finished with errors"
                                   : "INFO: Backup job finished successfully");
            if (errors)
                r.error = "job errors";
            return r;
        },
        duration));
}

} // namespace

std::vector<handler_entry> backup_endpoints() {
    std::vector<handler_entry> out = {
        {"POST", "/nodes/{node}/vzdump", &post_vzdump},
    };
    auto more = storage_admin_endpoints();
    out.insert(out.end(), more.begin(), more.end());
    return out;
}

} // namespace proxmox::sim::detail
