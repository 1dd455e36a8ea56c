// Guest configuration: config read (current, pending, snapshot), the config file and its digest,
// pending changes, volumes (qemu-server API2/Qemu.pm, QemuServer.pm; pve-container
// API2/LXC/Config.pm; pve-guest-common AbstractConfig.pm, GuestHelpers.pm).
#include "endpoints/guest_config.hpp"
#include "schema/schema.hpp"
#include "schema/text_checks.hpp"

#include <boost/json/array.hpp>

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>

namespace proxmox::sim::detail {

namespace json = boost::json;

namespace {

constexpr std::uint64_t KiB = 1024;

guest_kind path_kind(const call_context& ctx) {
    return ctx.ep.path.find("/lxc/") != std::string::npos ? guest_kind::lxc : guest_kind::qemu;
}

const json::object& config_properties(guest_kind kind) {
    // the `returns` of GET .../config: json_config_properties with the snapshot keys
    static const auto props = [](std::string_view path) {
        const endpoint* ep = api_schema::embedded().lookup("GET", path);
        static const json::object empty;
        if (!ep || !ep->definition)
            return &empty;
        const auto* ret = ep->definition->if_contains("returns");
        const auto* p = ret && ret->is_object() ? ret->as_object().if_contains("properties") : nullptr;
        return p && p->is_object() ? &p->as_object() : &empty;
    };
    static const json::object* qemu = props("/nodes/{node}/qemu/{vmid}/config");
    static const json::object* lxc = props("/nodes/{node}/lxc/{vmid}/config");
    return kind == guest_kind::qemu ? *qemu : *lxc;
}

/// write_vm_config's generate_raw_config: description as comments, then the keys sorted.
std::string raw_section(config_entries entries) {
    std::string raw;
    for (const auto& [k, v] : entries)
        if (k == "description") {
            std::size_t start = 0;
            while (start < v.size()) {
                auto end = v.find('\n', start);
                if (end == std::string::npos)
                    end = v.size();
                raw += "#" + v.substr(start, end - start) + "\n";
                start = end + 1;
            }
        }
    std::stable_sort(entries.begin(), entries.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [k, v] : entries)
        if (k != "description")
            raw += k + ": " + v + "\n";
    return raw;
}

std::string sha1_hex(std::string_view text) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(text.data(), text.size(), md, &len, EVP_sha1(), nullptr);
    std::string out;
    for (unsigned i = 0; i < len; ++i)
        out += fmt::format("{:02x}", md[i]);
    return out;
}

const snapshot_state* find_snapshot(const guest_state& g, std::string_view name) {
    for (const auto& s : g.snapshots)
        if (s.name == name)
            return &s;
    return nullptr;
}

/// The keys of a config with its pending changes applied (load_current_config without current).
config_entries with_pending(const guest_state& g) {
    guest_state view = g;
    for (const auto& [k, v] : g.pending)
        set_config_value(view, k, v);
    for (const auto& entry : g.pending_delete)
        erase_config_value(view, entry.starts_with('!') ? entry.substr(1) : entry);
    return view.config;
}

json::value get_config(call_context& ctx) {
    const guest_kind kind = path_kind(ctx);
    const auto snapshot = ctx.param("snapshot");
    // vm_config: both set is a parameter error (an empty snapshot name counts as unset)
    if (snapshot && !snapshot->empty() && ctx.bool_param("current"))
        raise_param_exc({{"snapshot", "cannot use 'snapshot' parameter with 'current'"},
                         {"current", "cannot use 'snapshot' parameter with 'current'"}});
    const guest_state& g = local_guest(ctx, kind);
    json::object o;
    if (snapshot && !snapshot->empty()) {
        // AbstractConfig load_snapshot_config
        const snapshot_state* s = find_snapshot(g, *snapshot);
        if (!s)
            raise_error(fmt::format("snapshot '{}' does not exist\n", *snapshot));
        for (const auto& [k, v] : s->config)
            o[k] = typed_config_value(kind, k, v);
        if (!s->description.empty())
            o["description"] = s->description;
        if (!s->parent.empty())
            o["parent"] = s->parent;
        o["snaptime"] = s->snaptime;
    } else {
        for (const auto& [k, v] : ctx.bool_param("current") ? g.config : with_pending(g))
            o[k] = typed_config_value(kind, k, v);
        if (!g.lock.empty())
            o["lock"] = g.lock;
    }
    o["digest"] = config_digest(g);
    if (kind == guest_kind::qemu && o.contains("cipassword"))
        o["cipassword"] = "**********";
    return o;
}

/// GuestHelpers.pm config_with_pending_array
json::value get_pending(call_context& ctx) {
    const guest_kind kind = path_kind(ctx);
    const guest_state& g = local_guest(ctx, kind);
    std::map<std::string, json::object> items;
    config_entries current = g.config;
    current.emplace_back("digest", config_digest(g));
    if (!g.lock.empty())
        current.emplace_back("lock", g.lock);
    for (const auto& [k, v] : current) {
        json::object item{{"key", k}, {"value", typed_config_value(kind, k, v)}};
        if (auto p = pending_value(g, k))
            item["pending"] = typed_config_value(kind, k, *p);
        if (auto force = pending_delete(g, k))
            item["delete"] = *force ? 2 : 1;
        items[k] = std::move(item);
    }
    for (const auto& [k, v] : g.pending)
        if (!items.contains(k))
            items[k] = json::object{{"key", k}, {"pending", typed_config_value(kind, k, v)}};
    for (const auto& entry : g.pending_delete) {
        const bool force = entry.starts_with('!');
        const auto k = force ? entry.substr(1) : entry;
        if (!items.contains(k))
            items[k] = json::object{{"key", k}, {"delete", force ? 2 : 1}};
    }
    json::array out;
    for (auto& [k, item] : items) {
        // Qemu.pm vm_pending masks the password (the pending one with a trailing blank)
        if (kind == guest_kind::qemu && k == "cipassword") {
            if (item.contains("value"))
                item["value"] = "**********";
            if (item.contains("pending"))
                item["pending"] = "********** ";
        }
        out.push_back(std::move(item));
    }
    return out;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// the config file

std::string config_file_text(const guest_state& g) {
    config_entries main = g.config;
    if (!g.lock.empty())
        main.emplace_back("lock", g.lock);
    std::string raw = raw_section(main);
    if (has_pending(g)) {
        config_entries pending = g.pending;
        if (!g.pending_delete.empty()) {
            std::string list;
            for (const auto& d : g.pending_delete)
                list += (list.empty() ? "" : ",") + d;
            pending.emplace_back("delete", list);
        }
        raw += "\n[PENDING]\n" + raw_section(pending);
    }
    if (!g.cloudinit.empty())
        raw += "\n[special:cloudinit]\n" + raw_section(g.cloudinit);
    std::vector<const snapshot_state*> snaps;
    for (const auto& s : g.snapshots)
        snaps.push_back(&s);
    std::sort(snaps.begin(), snaps.end(), [](const auto* a, const auto* b) { return a->name < b->name; });
    for (const auto* s : snaps) {
        config_entries entries = s->config;
        if (!s->description.empty())
            entries.emplace_back("description", s->description);
        if (!s->parent.empty())
            entries.emplace_back("parent", s->parent);
        entries.emplace_back("snaptime", std::to_string(s->snaptime));
        raw += "\n[" + s->name + "]\n" + raw_section(entries);
    }
    return raw;
}

std::string config_digest(const guest_state& g) {
    return sha1_hex(config_file_text(g));
}

json::value typed_config_value(guest_kind kind, std::string_view key, const std::string& value) {
    const json::object* schema = find_parameter(config_properties(kind), key);
    const auto* type = schema ? schema->if_contains("type") : nullptr;
    // QemuServer.pm / LXC::Config check_type: integers as int($1), booleans as 1/0
    if (type && *type == "integer" && is_digits(value))
        return std::strtoll(value.c_str(), nullptr, 10);
    if (type && *type == "boolean")
        if (const auto b = parse_boolean(value))
            return *b ? 1 : 0;
    return json::string(value);
}

bool config_option_exists(guest_kind kind, std::string_view key) {
    return find_parameter(config_properties(kind), key) != nullptr;
}

// ---------------------------------------------------------------------------------------------
// pending changes

std::optional<std::string> pending_value(const guest_state& g, std::string_view key) {
    for (const auto& [k, v] : g.pending)
        if (k == key)
            return v;
    return std::nullopt;
}

void set_pending_value(guest_state& g, std::string_view key, std::string value) {
    for (auto& [k, v] : g.pending)
        if (k == key) {
            v = std::move(value);
            return;
        }
    g.pending.emplace_back(std::string(key), std::move(value));
}

bool erase_pending_value(guest_state& g, std::string_view key) {
    auto it =
        std::find_if(g.pending.begin(), g.pending.end(), [&](const auto& kv) { return kv.first == key; });
    if (it == g.pending.end())
        return false;
    g.pending.erase(it);
    return true;
}

std::optional<bool> pending_delete(const guest_state& g, std::string_view key) {
    for (const auto& d : g.pending_delete) {
        if (d == key)
            return false;
        if (d.starts_with('!') && std::string_view(d).substr(1) == key)
            return true;
    }
    return std::nullopt;
}

void add_to_pending_delete(guest_state& g, std::string_view key, bool force) {
    remove_from_pending_delete(g, key);
    g.pending_delete.push_back(force ? "!" + std::string(key) : std::string(key));
}

void remove_from_pending_delete(guest_state& g, std::string_view key) {
    std::erase_if(g.pending_delete, [&](const std::string& d) {
        return d == key || (d.starts_with('!') && d.substr(1) == key);
    });
}

void cleanup_pending(guest_state& g) {
    std::erase_if(g.pending, [&](const auto& kv) { return config_value(g, kv.first) == kv.second; });
    std::erase_if(g.pending_delete, [&](const std::string& d) {
        return !config_value(g, d.starts_with('!') ? d.substr(1) : d);
    });
}

bool has_pending(const guest_state& g) {
    return !g.pending.empty() || !g.pending_delete.empty();
}

// ---------------------------------------------------------------------------------------------
// property strings and sizes

std::optional<std::string> property_value(const property_list& props, std::string_view key) {
    for (const auto& [k, v] : props)
        if (k == key)
            return v;
    return std::nullopt;
}

void set_property_value(property_list& props, std::string_view key, std::string value) {
    for (auto& [k, v] : props)
        if (k == key) {
            v = std::move(value);
            return;
        }
    props.emplace_back(std::string(key), std::move(value));
}

std::string print_properties(const property_list& props,
                             std::string_view default_key,
                             std::initializer_list<std::string_view> first) {
    std::string out;
    auto add = [&](const std::string& text) { out += (out.empty() ? "" : ",") + text; };
    if (auto v = property_value(props, default_key))
        add(*v);
    for (auto key : first)
        if (auto v = property_value(props, key))
            add(std::string(key) + "=" + *v);
    property_list rest;
    for (const auto& kv : props)
        if (kv.first != default_key && std::find(first.begin(), first.end(), kv.first) == first.end())
            rest.push_back(kv);
    std::sort(rest.begin(), rest.end());
    for (const auto& [k, v] : rest)
        add(k + "=" + v);
    return out;
}

std::optional<std::uint64_t> parse_disk_size(std::string_view text) {
    // (\d+(\.\d+)?)([KMGT])?
    std::string_view number = text;
    char unit = 0;
    if (!number.empty() && std::string_view("KMGT").find(number.back()) != std::string_view::npos) {
        unit = number.back();
        number.remove_suffix(1);
    }
    if (!is_decimal(number))
        return std::nullopt;
    double size = std::strtod(std::string(number).c_str(), nullptr);
    if (unit == 0)
        return static_cast<std::uint64_t>(size);
    for (const char u : {'K', 'M', 'G', 'T'}) {
        size *= KiB;
        if (unit == u)
            break;
    }
    return static_cast<std::uint64_t>(size);
}

std::string format_disk_size(std::uint64_t size) {
    // JSONSchema.pm format_size: the largest unit that divides the size
    const std::uint64_t kb = size / KiB;
    if (kb * KiB != size)
        return std::to_string(size);
    const std::uint64_t mb = kb / KiB;
    if (mb * KiB != kb)
        return fmt::format("{}K", kb);
    const std::uint64_t gb = mb / KiB;
    if (gb * KiB != mb)
        return fmt::format("{}M", mb);
    const std::uint64_t tb = gb / KiB;
    if (tb * KiB != gb)
        return fmt::format("{}G", gb);
    return fmt::format("{}T", tb);
}

// ---------------------------------------------------------------------------------------------
// volumes

std::optional<std::pair<std::string, double>> new_disk_request(std::string_view volume) {
    // (([^/:\s]+):)?(\d+(\.\d+)?): the size has no ':', so a storage ends at the only one
    std::string_view storage;
    std::string_view size = volume;
    if (const auto colon = volume.find(':'); colon != std::string_view::npos) {
        storage = volume.substr(0, colon);
        size = volume.substr(colon + 1);
        if (storage.empty() || !all_chars(storage, [](char c) { return c != '/' && !is_ascii_space(c); }))
            return std::nullopt;
    }
    if (!is_decimal(size))
        return std::nullopt;
    return std::pair{std::string(storage), std::strtod(std::string(size).c_str(), nullptr)};
}

bool guest_owns_volume(const guest_state& g, std::string_view volid) {
    const auto colon = volid.find(':');
    if (colon == std::string_view::npos)
        return false;
    auto name = volid.substr(colon + 1);
    if (auto slash = name.rfind('/'); slash != std::string_view::npos)
        name.remove_prefix(slash + 1);
    const auto vm = fmt::format("vm-{}-", g.vmid);
    const auto base = fmt::format("base-{}-", g.vmid);
    return name.starts_with(vm) || name.starts_with(base);
}

std::string allocate_volume(cluster& c,
                            guest_state& g,
                            const std::string& storage,
                            std::uint64_t size,
                            std::vector<std::string>& log) {
    const storage_def* s = nullptr;
    for (const auto& def : c.storages)
        if (def.id == storage)
            s = &def;
    if (!s)
        raise_error(fmt::format("storage '{}' does not exist\n", storage));
    const bool qemu = g.kind == guest_kind::qemu;
    const auto content = qemu ? "images" : "rootdir";
    if (std::find(s->content.begin(), s->content.end(), content) == s->content.end())
        raise_param_exc({{"storage", fmt::format("storage '{}' does not support {}", storage,
                                                 qemu ? "vm images" : "container directories")}});
    // Plugin.pm find_free_diskname: the lowest index no volume of this guest on the storage uses
    std::vector<std::string> used;
    auto collect = [&](const config_entries& entries) {
        for (const auto& [k, v] : entries)
            if (v.starts_with(storage + ":"))
                used.push_back(v.substr(0, v.find(',')));
    };
    collect(g.config);
    collect(g.pending);
    for (const auto& snap : g.snapshots)
        collect(snap.config);
    std::string volid;
    for (unsigned i = 0;; ++i) {
        const auto name = fmt::format("vm-{}-disk-{}", g.vmid, i);
        volid = storage + ":" + (s->type == "dir" ? fmt::format("{}/{}.raw", g.vmid, name) : name);
        if (std::none_of(used.begin(), used.end(), [&](const std::string& u) {
                return u.ends_with(name) || u.find(name + ".") != std::string::npos;
            })) {
            if (s->type == "lvmthin" || s->type == "lvm")
                log.push_back(fmt::format("  Logical volume \"{}\" created.", name));
            break;
        }
    }
    if (node_state* n = c.find_node(g.node))
        for (auto& u : n->storages)
            if (u.storage == storage)
                u.used = std::min(u.total, u.used + size);
    return volid;
}

void free_volume(cluster& c, guest_state& g, std::string_view volid, std::uint64_t size) {
    const auto storage = volid.substr(0, volid.find(':'));
    if (node_state* n = c.find_node(g.node))
        for (auto& u : n->storages)
            if (u.storage == storage)
                u.used = u.used > size ? u.used - size : 0;
}

void add_unused_volume(guest_state& g, std::string_view volid) {
    for (unsigned i = 0; i < 256; ++i)
        if (config_value(g, fmt::format("unused{}", i)) == std::string(volid))
            return; // no duplicates
    for (unsigned i = 0; i < 256; ++i) {
        const auto key = fmt::format("unused{}", i);
        if (!config_value(g, key)) {
            set_config_value(g, key, std::string(volid));
            return;
        }
    }
    raise_error("Too many unused volumes - please delete them first.\n");
}

std::string generate_mac(cluster& c, const guest_state& g, std::string_view salt) {
    std::uint64_t seed = c.seed * 0x9e3779b97f4a7c15ULL + g.vmid * 1000003ULL + c.tasks.size() * 7919ULL;
    for (char ch : salt)
        seed = seed * 131 + static_cast<unsigned char>(ch);
    for (const auto& [k, v] : g.config)
        seed = seed * 31 + v.size();
    rng r(seed ^ static_cast<std::uint64_t>(c.now()));
    return fmt::format("BC:24:11:{:02X}:{:02X}:{:02X}", r.below(256), r.below(256), r.below(256));
}

std::string normalize_net(cluster& c, const guest_state& g, std::string_view key, std::string_view value) {
    static constexpr std::string_view models[] = {
        "e1000",    "e1000-82540em", "e1000-82544gc", "e1000-82545em", "e1000e",  "i82551", "i82557b",
        "i82559er", "ne2k_isa",      "ne2k_pci",      "pcnet",         "rtl8139", "virtio", "vmxnet3"};
    if (g.kind == guest_kind::lxc) {
        // LXC::Config parse_lxc_network: type veth and a generated hwaddr
        auto props = split_property_string(value, "");
        if (!property_value(props, "hwaddr"))
            set_property_value(props, "hwaddr", generate_mac(c, g, key));
        set_property_value(props, "type", "veth");
        return print_properties(props, "", {"name"});
    }
    // QemuServer::Network parse_net / print_net: `model=MAC` first (the alias form), then the rest
    property_list props;
    for (auto& [k, v] : split_property_string(value, "model")) {
        if (std::find(std::begin(models), std::end(models), k) != std::end(models)) {
            set_property_value(props, "model", k);
            set_property_value(props, "macaddr", v);
        } else {
            set_property_value(props, k, v);
        }
    }
    const auto model = property_value(props, "model").value_or("virtio");
    const auto mac = property_value(props, "macaddr").value_or(generate_mac(c, g, key));
    std::erase_if(props, [](const auto& kv) { return kv.first == "model" || kv.first == "macaddr"; });
    const auto rest = print_properties(props, "");
    return model + "=" + mac + (rest.empty() ? "" : "," + rest);
}

std::vector<std::string> split_config_list(std::string_view text) {
    std::vector<std::string> out;
    std::string cur;
    for (char ch : text) {
        if (ch == ',' || ch == ';' || ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
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

void lock_as_option(guest_state& g, bool into_config) {
    if (into_config) {
        if (!g.lock.empty())
            set_config_value(g, "lock", g.lock);
        return;
    }
    g.lock = config_value(g, "lock").value_or("");
    erase_config_value(g, "lock");
}

std::string task_param_text(const json::object& params) {
    std::map<std::string, std::string> sorted;
    for (const auto& [k, v] : params)
        sorted[std::string(k)] = k == "cipassword" ? "<hidden>" : perl_scalar_text(v).value_or("");
    std::string out;
    for (const auto& [k, v] : sorted)
        out += (out.empty() ? "-" : " -") + k + " " + v;
    return out;
}

// ---------------------------------------------------------------------------------------------
// create and clone

void apply_config_params(call_context& ctx, guest_state& g, const json::object& params, bool creating) {
    std::vector<std::string> log;
    for (const auto& [key, value] : params) {
        if (!config_option_exists(g.kind, key) || key == "digest" || key == "delete" || key == "revert")
            continue;
        auto text = value.is_bool() ? std::optional<std::string>(value.get_bool() ? "1" : "0")
                                    : perl_scalar_text(value);
        if (!text)
            continue;
        if (key.starts_with("net"))
            text = normalize_net(ctx.state, g, key, *text);
        set_config_value(g, key, *text);
    }
    if (!creating) {
        if (auto del = params.if_contains("delete"); del && del->is_string())
            for (const auto& key : split_config_list(del->get_string()))
                erase_config_value(g, key);
        // new disks of an update: allocated right away (the guest is not running yet)
        for (auto& [key, value] : g.config) {
            if (!(g.kind == guest_kind::qemu ? is_qemu_drive_key(key)
                                             : (key == "rootfs" || key.starts_with("mp"))))
                continue;
            auto props = split_property_string(value, g.kind == guest_kind::qemu ? "file" : "volume");
            const auto file_key = g.kind == guest_kind::qemu ? "file" : "volume";
            auto request = new_disk_request(property_value(props, file_key).value_or(""));
            if (!request || request->first.empty())
                continue;
            const auto size = static_cast<std::uint64_t>(request->second * 1024 * 1024 * 1024);
            set_property_value(props, file_key, allocate_volume(ctx.state, g, request->first, size, log));
            set_property_value(props, "size", format_disk_size(size));
            value = print_properties(props, file_key);
        }
    }
    sync_from_config(g);
}

std::vector<handler_entry> guest_config_endpoints() {
    return {
        {"GET", "/nodes/{node}/qemu/{vmid}/config", &get_config},
        {"POST", "/nodes/{node}/qemu/{vmid}/config", &post_qemu_config},
        {"PUT", "/nodes/{node}/qemu/{vmid}/config", &put_qemu_config},
        {"GET", "/nodes/{node}/qemu/{vmid}/pending", &get_pending},
        {"PUT", "/nodes/{node}/qemu/{vmid}/resize", &put_qemu_resize},
        {"GET", "/nodes/{node}/qemu/{vmid}/cloudinit", &get_qemu_cloudinit},
        {"PUT", "/nodes/{node}/qemu/{vmid}/cloudinit", &put_qemu_cloudinit},
        {"GET", "/nodes/{node}/qemu/{vmid}/cloudinit/dump", &get_qemu_cloudinit_dump},
        {"GET", "/nodes/{node}/lxc/{vmid}/config", &get_config},
        {"PUT", "/nodes/{node}/lxc/{vmid}/config", &put_lxc_config},
        {"GET", "/nodes/{node}/lxc/{vmid}/pending", &get_pending},
        {"PUT", "/nodes/{node}/lxc/{vmid}/resize", &put_lxc_resize},
    };
}

} // namespace proxmox::sim::detail
