// Container config writes (pve-container API2/LXC/Config.pm update_vm, LXC/Config.pm
// update_pct_config / vmconfig_hotplug_pending).
#include "endpoints/guest_config.hpp"
#include "schema/schema.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace proxmox::sim::detail {

namespace json = boost::json;

namespace {

bool is_mount_point(std::string_view key) {
    return key == "rootfs" ||
           (key.starts_with("mp") && key.size() > 2 && std::isdigit(static_cast<unsigned char>(key[2])));
}

/// apply_pending_mountpoint: a `STORAGE:SIZE` mount point gets its volume.
std::string
create_mount_point(cluster& c, guest_state& g, const std::string& value, std::vector<std::string>& log) {
    auto props = split_property_string(value, "volume");
    auto request = new_disk_request(property_value(props, "volume").value_or(""));
    if (!request || request->first.empty())
        return value;
    const auto size = static_cast<std::uint64_t>(request->second * 1024 * 1024 * 1024);
    set_property_value(props, "volume", allocate_volume(c, g, request->first, size, log));
    set_property_value(props, "size", format_disk_size(size));
    return print_properties(props, "volume", {"mp"});
}

/// LXC::Config vmconfig_hotplug_pending: what a running container takes at once.
void lxc_hotplug_pending(cluster& c, guest_state& g, std::vector<std::string>& log) {
    static const std::set<std::string, std::less<>> fast = {
        "description", "onboot", "startup", "protection", "hostname", "hookscript", "cores", "tags", "lock"};
    for (const auto& entry : std::vector<std::string>(g.pending_delete)) {
        const std::string opt = entry.starts_with('!') ? entry.substr(1) : entry;
        const bool ok = fast.contains(opt) || opt.starts_with("unused") || opt == "swap" ||
                        opt == "cpulimit" || opt == "cpuunits" || opt.starts_with("net");
        if (!ok)
            continue;
        if (opt.starts_with("unused"))
            if (auto v = config_value(g, opt))
                free_volume(c, g, *v, 0);
        erase_config_value(g, opt);
        remove_from_pending_delete(g, opt);
    }
    for (auto [opt, value] : config_entries(g.pending)) {
        bool ok = fast.contains(opt) || opt == "cpulimit" || opt == "cpuunits" || opt == "memory" ||
                  opt == "swap" || opt.starts_with("net");
        if (opt.starts_with("mp") && !config_value(g, opt)) {
            // a new mount point is hot-plugged, one over an existing mount point is not
            value = create_mount_point(c, g, value, log);
            ok = true;
        }
        if (!ok)
            continue;
        set_config_value(g, opt, value);
        erase_pending_value(g, opt);
    }
}

} // namespace

json::value put_lxc_config(call_context& ctx) {
    json::object params = ctx.params;
    for (const char* key : {"node", "vmid", "revert", "digest"})
        params.erase(key);
    if (params.empty())
        raise_error("no options specified\n");
    const auto delete_list = split_config_list(ctx.param("delete").value_or(""));
    const auto revert_list = split_config_list(ctx.param("revert").value_or(""));
    params.erase("delete");
    for (const auto& opt : revert_list) {
        if (!config_option_exists(guest_kind::lxc, opt))
            raise_param_exc({{"revert", fmt::format("unknown option '{}'", opt)}});
        if (params.contains(opt))
            raise_param_exc(
                {{"revert", fmt::format("you can't use '-{0}' and '-revert {0}' at the same time", opt)}});
    }
    for (const auto& opt : delete_list) {
        if (params.contains(opt))
            raise_param_exc(
                {{"delete", fmt::format("you can't use '-{0}' and -delete {0}' at the same time", opt)}});
        if (std::find(revert_list.begin(), revert_list.end(), opt) != revert_list.end())
            raise_param_exc(
                {{"delete",
                  fmt::format("you can't use '-delete {0}' and '-revert {0}' at the same time", opt)}});
    }

    guest_state& g = local_guest(ctx, guest_kind::lxc);
    check_lock(g);
    // PVE::Tools::assert_if_modified
    if (auto digest = ctx.param("digest"); digest && !digest->empty() && *digest != config_digest(g))
        raise_error("detected modified configuration - file changed by other user? Try again.\n");

    // update_pct_config
    lock_as_option(g, true);
    struct lock_restore {
        guest_state& g;
        ~lock_restore() { lock_as_option(g, false); }
    } restore{g};
    for (const auto& opt : revert_list) {
        erase_pending_value(g, opt);
        remove_from_pending_delete(g, opt);
    }
    for (const auto& opt : delete_list) {
        if (!config_value(g, opt) && !pending_value(g, opt))
            continue; // warn "cannot delete '$opt' - not set in current configuration!"
        if (opt == "memory" || opt == "rootfs" || opt == "ostype")
            raise_error(fmt::format("unable to delete required option '{}'\n", opt));
        if (opt == "unprivileged")
            raise_error(fmt::format("unable to delete read-only option: '{}'\n", opt));
        add_to_pending_delete(g, opt, false);
    }
    std::map<std::string, std::string> sorted;
    for (const auto& [key, value] : params)
        sorted[std::string(key)] =
            value.is_bool() ? (value.get_bool() ? "1" : "0") : perl_scalar_text(value).value_or("");
    std::vector<std::string> log;
    for (auto [opt, value] : sorted) {
        if (opt == "unprivileged")
            raise_error(fmt::format("unable to modify read-only option: '{}'\n", opt));
        if (opt == "tags") {
            std::set<std::string> tags;
            for (const auto& t : split_config_list(value))
                tags.insert(t);
            value.clear();
            for (const auto& t : tags)
                value += (value.empty() ? "" : ";") + t;
        } else if (opt.starts_with("net")) {
            value = normalize_net(ctx.state, g, opt, value);
        }
        set_pending_value(g, opt, value);
        remove_from_pending_delete(g, opt);
    }
    cleanup_pending(g);
    if (g.running) {
        lxc_hotplug_pending(ctx.state, g, log);
    } else {
        for (auto& [opt, value] : g.pending)
            if (is_mount_point(opt))
                value = create_mount_point(ctx.state, g, value, log);
        apply_pending_changes(ctx.state, g, log);
    }
    sync_from_config(g);
    return nullptr;
}

} // namespace proxmox::sim::detail
