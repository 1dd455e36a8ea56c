// Helpers of the guest lifecycle handlers (see lifecycle.hpp).
#include "endpoints/lifecycle.hpp"
#include "schema/schema.hpp"
#include "schema/text_checks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <ctime>

namespace proxmox::sim::detail::lifecycle {

unsigned vmid_param(call_context& ctx, std::string_view key) {
    return static_cast<unsigned>(ctx.int_param(key).value_or(0));
}

std::optional<std::string> vmid_in_use(const cluster& c, unsigned vmid) {
    auto it = c.guests.find(vmid);
    if (it == c.guests.end())
        return std::nullopt;
    return fmt::format("{} {} already exists on node '{}'\n", guest_type(it->second.kind), vmid,
                       it->second.node);
}

void check_pool_exist(const cluster& c, const std::optional<std::string>& pool) {
    if (pool && !c.access.pools.contains(*pool))
        raise_error(fmt::format("Permission check failed (pool '{}' does not exist)\n", *pool), 403);
}

void add_vm_to_pool(cluster& c, const std::string& pool, unsigned vmid) {
    if (auto it = c.access.pools.find(pool); it != c.access.pools.end())
        it->second.vmids.insert(vmid);
}

void remove_vm_access(cluster& c, unsigned vmid) {
    const auto path = fmt::format("/vms/{}", vmid);
    std::erase_if(c.access.acl, [&](const acl_entry& e) { return e.path == path; });
    for (auto& [id, p] : c.access.pools)
        p.vmids.erase(vmid);
}

const storage_def& storage_config(const cluster& c, std::string_view id) {
    for (const auto& s : c.storages)
        if (s.id == id)
            return s;
    raise_error(fmt::format("storage '{}' does not exist\n", id));
}

bool has_content(const storage_def& s, std::string_view content) {
    return std::find(s.content.begin(), s.content.end(), content) != s.content.end();
}

namespace {

bool numbered(std::string_view key, std::string_view prefix, unsigned max) {
    if (!key.starts_with(prefix) || key.size() == prefix.size())
        return false;
    const auto digits = key.substr(prefix.size());
    if (!std::all_of(digits.begin(), digits.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
        return false;
    return std::strtoul(std::string(digits).c_str(), nullptr, 10) <= max;
}

thread_local std::uint64_t random_calls = 0;

std::uint64_t random_seed(const cluster& c, unsigned salt) {
    return c.seed * 0x9E3779B97F4A7C15ULL + salt * 0x100000001B3ULL + c.tasks.size() * 7919 + ++random_calls;
}

} // namespace

bool is_volume_key(guest_kind kind, std::string_view key) {
    if (kind == guest_kind::lxc)
        return key == "rootfs" || numbered(key, "mp", 255);
    return numbered(key, "ide", 3) || numbered(key, "sata", 5) || numbered(key, "scsi", 30) ||
           numbered(key, "virtio", 15) || key == "efidisk0" || key == "tpmstate0";
}

std::string with_property(std::string_view value, std::string_view key, std::string_view v) {
    std::string out;
    bool replaced = false;
    std::size_t start = 0;
    while (start <= value.size()) {
        auto end = value.find(',', start);
        if (end == std::string_view::npos)
            end = value.size();
        auto part = std::string(value.substr(start, end - start));
        const auto eq = part.find('=');
        if (eq != std::string::npos && std::string_view(part).substr(0, eq) == key) {
            part = fmt::format("{}={}", key, v);
            replaced = true;
        }
        if (!part.empty())
            out += (out.empty() ? "" : ",") + part;
        start = end + 1;
    }
    if (!replaced)
        out += fmt::format("{}{}={}", out.empty() ? "" : ",", key, v);
    return out;
}

std::string volume_of(std::string_view value) {
    auto first = std::string(value.substr(0, value.find(',')));
    // the default key may also be spelled out (`file=` for drives, `volume=` for mount points)
    for (std::string_view prefix : {"file=", "volume="})
        if (first.starts_with(prefix))
            return first.substr(prefix.size());
    return first;
}

std::string with_volume(std::string_view value, std::string_view volid) {
    const auto comma = value.find(',');
    return std::string(volid) + (comma == std::string_view::npos ? "" : std::string(value.substr(comma)));
}

bool is_cdrom(std::string_view value) {
    return value.find("media=cdrom") != std::string_view::npos;
}

std::vector<std::pair<std::string, std::string>> guest_volumes(const guest_state& g) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [key, value] : g.config) {
        if (!is_volume_key(g.kind, key) && !numbered(key, "unused", 255))
            continue;
        if (is_cdrom(value))
            continue;
        const auto volid = volume_of(value);
        if (volid.find(':') == std::string::npos || volid == "none")
            continue;
        out.emplace_back(key, volid);
    }
    return out;
}

namespace {

/// N of the first `(?:vm|base)-VMID-disk-(\d+)` in a volume ID (nullopt when there is none, or
/// when N does not fit).
std::optional<unsigned> disk_number(std::string_view volid, unsigned vmid) {
    std::optional<std::size_t> digits; // where the leftmost match's N starts
    for (const auto& prefix : {fmt::format("vm-{}-disk-", vmid), fmt::format("base-{}-disk-", vmid)})
        for (auto pos = volid.find(prefix); pos != std::string_view::npos; pos = volid.find(prefix, pos + 1))
            if (pos + prefix.size() < volid.size() && is_ascii_digit(volid[pos + prefix.size()])) {
                if (!digits || pos + prefix.size() < *digits)
                    digits = pos + prefix.size();
                break;
            }
    if (!digits)
        return std::nullopt;
    unsigned n = 0;
    const char* first = volid.data() + *digits;
    const auto [end, ec] = std::from_chars(first, volid.data() + volid.size(), n);
    if (ec != std::errc{})
        return std::nullopt;
    return n;
}

/// Drive::NEW_DISK_RE `([A-Za-z][A-Za-z0-9\-_.]*):(\d+(?:\.\d+)?)`: STORAGE:SIZE_IN_GiB.
std::optional<std::pair<std::string_view, std::string_view>> new_disk_spec(std::string_view volid) {
    const auto colon = volid.find(':');
    if (colon == std::string_view::npos)
        return std::nullopt;
    const auto storage = volid.substr(0, colon);
    const auto size = volid.substr(colon + 1);
    const bool storage_ok =
        !storage.empty() && is_ascii_alpha(storage.front()) &&
        all_chars(storage, [](char c) { return is_ascii_alnum(c) || c == '-' || c == '_' || c == '.'; });
    if (!storage_ok || !is_decimal(size))
        return std::nullopt;
    return std::pair{storage, size};
}

} // namespace

std::string next_disk_name(const config_entries& config, unsigned vmid, bool base) {
    unsigned next = 0;
    for (const auto& [key, value] : config)
        if (const auto n = disk_number(volume_of(value), vmid))
            next = std::max(next, *n + 1);
    return fmt::format("{}-{}-disk-{}", base ? "base" : "vm", vmid, next);
}

void allocate_new_volumes(guest_state& g, const cluster& c, std::vector<std::string>& log) {
    // Drive::NEW_DISK_RE: STORAGE:SIZE_IN_GiB (qemu-server) / mount points alike (pve-container)
    for (auto& [key, value] : g.config) {
        if (!is_volume_key(g.kind, key) || is_cdrom(value))
            continue;
        const auto volid = volume_of(value);
        const auto spec = new_disk_spec(volid);
        if (!spec)
            continue;
        const storage_def& s = storage_config(c, std::string(spec->first));
        const bool qemu = g.kind == guest_kind::qemu;
        if (!has_content(s, qemu ? "images" : "rootdir"))
            raise_param_exc({{"storage", fmt::format("storage '{}' does not support {}", s.id,
                                                     qemu ? "vm images" : "container directories")}});
        const auto name = next_disk_name(g.config, g.vmid, false);
        const double gib = std::strtod(std::string(spec->second).c_str(), nullptr);
        const auto size = gib == std::floor(gib) ? fmt::format("{}G", static_cast<std::uint64_t>(gib))
                                                 : fmt::format("{}M", static_cast<std::uint64_t>(gib * 1024));
        log.push_back(fmt::format("  Logical volume \"{}\" created.", name));
        const auto new_volid = s.id + ":" + name;
        if (!qemu) {
            value = with_property(with_volume(value, new_volid), "size", size);
            continue;
        }
        auto props = split_property_string(with_volume(value, new_volid), "file");
        set_property_value(props, "size", size);
        value = print_properties(props, "file");
        // API2/Qemu.pm create_disks after vdisk_alloc: the whole new drive line
        log.push_back(fmt::format("{}: successfully created disk '{}'", key, value));
    }
}

std::string random_mac(cluster& c, unsigned salt) {
    rng r(random_seed(c, salt));
    return fmt::format("BC:24:11:{:02X}:{:02X}:{:02X}", r.below(256), r.below(256), r.below(256));
}

std::string random_uuid(cluster& c, unsigned salt) {
    rng r(random_seed(c, salt));
    const std::uint64_t a = r.next();
    const std::uint64_t b = r.next();
    return fmt::format("{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xffff, a & 0xfff,
                       0x8000 | ((b >> 48) & 0x3fff), b & 0xffffffffffffULL);
}

std::string with_new_mac(cluster& c, guest_kind kind, std::string_view value, unsigned salt) {
    const auto mac = random_mac(c, salt);
    if (kind == guest_kind::lxc)
        return with_property(value, "hwaddr", mac);
    if (property_value(value, "macaddr"))
        return with_property(value, "macaddr", mac);
    // the short form `virtio=BC:24:11:..,bridge=vmbr0` (or a bare model)
    const auto comma = value.find(',');
    const auto first = value.substr(0, comma);
    const auto rest = comma == std::string_view::npos ? std::string_view{} : value.substr(comma);
    return fmt::format("{}={}{}", first.substr(0, first.find('=')), mac, rest);
}

std::string volume_type(std::string_view volid) {
    const auto colon = volid.find(':');
    const auto name = colon == std::string_view::npos ? volid : volid.substr(colon + 1);
    for (std::string_view t : {"iso", "vztmpl", "backup", "import", "snippets"})
        if (name.starts_with(std::string(t) + "/"))
            return std::string(t);
    return "images";
}

const volume_state* find_volume(const node_state& node, std::string_view volid) {
    const auto storage = std::string(volid.substr(0, volid.find(':')));
    auto it = node.volumes.find(storage);
    if (it == node.volumes.end())
        return nullptr;
    for (const auto& v : it->second)
        if (v.volid == volid)
            return &v;
    return nullptr;
}

std::string with_existing_volume_size(const node_state& node, const std::string& drive) {
    const volume_state* v = find_volume(node, volume_of(drive));
    if (!v || v->size == 0)
        return drive;
    auto props = split_property_string(drive, "file");
    set_property_value(props, "size", format_disk_size(v->size));
    return print_properties(props, "file");
}

std::string volume_path(const cluster& c, std::string_view volid) {
    const auto colon = volid.find(':');
    const auto& s = storage_config(c, volid.substr(0, colon));
    const auto name = volid.substr(colon + 1);
    const auto type = volume_type(volid);
    const auto slash = name.find('/');
    const auto file = slash == std::string_view::npos ? name : name.substr(slash + 1);
    if (type == "iso")
        return fmt::format("{}/template/iso/{}", s.path, file);
    if (type == "vztmpl")
        return fmt::format("{}/template/cache/{}", s.path, file);
    if (type == "backup")
        return fmt::format("{}/dump/{}", s.path, file);
    if (!s.vgname.empty())
        return fmt::format("/dev/{}/{}", s.vgname, name);
    return fmt::format("{}/{}", s.path, name);
}

/// The lines lvremove prints for each volume of a destroyed guest.
std::vector<std::string> removal_lines(const guest_state& g) {
    std::vector<std::string> out;
    for (const auto& [key, volid] : guest_volumes(g))
        out.push_back(
            fmt::format("  Logical volume \"{}\" successfully removed.", volid.substr(volid.find(':') + 1)));
    return out;
}

/// template_create on lvmthin: each disk is renamed to base-N-disk-K and made read-only.
std::vector<std::string> convert_to_template(guest_state& g, const std::optional<std::string>& only_disk) {
    std::vector<std::string> log;
    for (auto& [key, value] : g.config) {
        if (!is_volume_key(g.kind, key) || is_cdrom(value) || (only_disk && key != *only_disk))
            continue;
        const auto volid = volume_of(value);
        const auto colon = volid.find(':');
        if (colon == std::string::npos || volid.find(":vm-") == std::string::npos)
            continue;
        auto name = volid.substr(colon + 1);
        const auto base = "base-" + name.substr(3);
        log.push_back(fmt::format("  Renamed \"{}\" to \"{}\" in volume group \"pve\"", name, base));
        log.push_back(fmt::format("  Logical volume pve/{} changed.", base));
        value = with_volume(value, volid.substr(0, colon + 1) + base);
    }
    set_config_value(g, "template", "1");
    sync_from_config(g);
    return log;
}

void sort_config(guest_state& g) {
    std::stable_sort(g.config.begin(), g.config.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
}

std::string log_time(epoch_seconds t) {
    const std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S ", &tm);
    return buf;
}

std::string render_bytes(std::uint64_t bytes) {
    static constexpr const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = static_cast<double>(bytes);
    std::size_t unit = 0;
    while (v >= 1024 && unit + 1 < std::size(units)) {
        v /= 1024;
        ++unit;
    }
    return fmt::format("{:.1f} {}", v, units[unit]);
}

std::string failing_worker(call_context& ctx,
                           node_state& node,
                           std::string type,
                           unsigned vmid,
                           std::string error,
                           std::vector<std::string> log) {
    return ctx.run_worker(node, std::move(type), std::to_string(vmid),
                          [error = std::move(error), log = std::move(log)](cluster&, epoch_seconds) {
                              return task_result{log, error};
                          });
}

} // namespace proxmox::sim::detail::lifecycle
