// proxmox-create-lxc, -delete-lxc, -configure-lxc.
#include "caller_text.hpp"
#include "policy.hpp"
#include "tools/checks.hpp"
#include "tools/guest.hpp"
#include "tools/plan.hpp"
#include "tools/task_wait.hpp"
#include "tools/tools.hpp"

#include <proxmox/client.hpp>
#include <proxmox/generated/nodes_lxc.hpp>
#include <proxmox/models/lxc_config.hpp>

#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace proxmox::mcp::tools {

namespace asio = boost::asio;
namespace gen = proxmox::gen;

namespace {

/// `dhcp`, `manual` or an IPv4 CIDR (`192.168.1.50/24`).
bool is_net_ip(std::string_view s) {
    if (s == "dhcp" || s == "manual")
        return true;
    auto slash = s.find('/');
    if (slash == std::string_view::npos)
        return false;
    auto prefix = s.substr(slash + 1);
    if (prefix.empty() || prefix.size() > 2 ||
        !std::all_of(prefix.begin(), prefix.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }) ||
        std::stoi(std::string(prefix)) > 32)
        return false;
    int parts = 0;
    std::string_view addr = s.substr(0, slash);
    while (true) {
        auto dot = addr.find('.');
        auto part = addr.substr(0, dot);
        if (part.empty() || part.size() > 3 ||
            !std::all_of(part.begin(), part.end(),
                         [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }) ||
            std::stoi(std::string(part)) > 255)
            return false;
        ++parts;
        if (dot == std::string_view::npos)
            break;
        addr.remove_prefix(dot + 1);
    }
    return parts == 4;
}

asio::awaitable<tool_result> create_lxc(tool_context ctx, json::object args) {
    auto node_arg = node_argument(ctx, args);
    if (!node_arg)
        co_return std::move(node_arg.failure());
    const std::string node = *node_arg;
    const auto vmid = static_cast<proxmox::vmid_t>(arg_int(args, "vmid").value_or(0));
    const std::string hostname = arg_string(args, "hostname").value_or("");
    const std::string ostemplate = arg_string(args, "ostemplate").value_or("");
    const std::string net_ip = arg_string(args, "net_ip").value_or("dhcp");
    const std::string bridge = arg_string(args, "bridge").value_or(ctx.defaults.bridge);
    if (auto refused = refuse_new_guest(ctx, vmid))
        co_return std::move(*refused);
    if (!is_dns_name(hostname))
        co_return tool_result::failure(
            fmt::format("hostname {} is not a DNS name. Fix: use letters, digits, '-' and '.' (e.g. web01).",
                        quote_text(hostname)));
    if (!is_net_ip(net_ip))
        co_return tool_result::failure(fmt::format(
            "net_ip {} is not dhcp, manual or an IPv4 CIDR. Fix: pass e.g. \"dhcp\" or \"192.168.1.50/24\".",
            quote_text(net_ip)));
    if (bridge.empty())
        co_return tool_result::failure("Missing bridge: pass \"bridge\" or set PROXMOX_DEFAULT_BRIDGE "
                                       "(proxmox-list-bridges lists them).");
    const std::string password = ctx.policy ? ctx.policy->default_lxc_password : std::string();
    if (!password.empty() && password.size() < 5)
        co_return tool_result::failure("PROXMOX_DEFAULT_LXC_PASSWORD is shorter than 5 characters, which PVE "
                                       "refuses. Fix: the operator sets a longer one, or unsets it.");

    write_plan plan(fmt::format("create container {} ({}) on {}", vmid, hostname, node));
    auto node_ok = co_await check_node(ctx, plan, node);
    if (!node_ok)
        co_return std::move(node_ok.failure());
    // shown in a plan whose node check failed; replaced by the checked storage otherwise
    std::string storage = arg_string(args, "storage").value_or(ctx.defaults.storage);
    std::string template_volid = ostemplate;
    if (*node_ok) {
        auto free = co_await check_vmid_free(ctx, plan, vmid);
        if (!free)
            co_return std::move(free.failure());
        const std::string vztmpl = "vztmpl", label = "ostemplate";
        auto volume = co_await find_volume(ctx, plan, node, ostemplate, vztmpl, label);
        if (!volume)
            co_return std::move(volume.failure());
        if (*volume)
            template_volid = (*volume)->volid;
        const std::string wanted = arg_string(args, "storage").value_or(""), rootdir = "rootdir";
        auto chosen = co_await storage_for(ctx, plan, node, wanted, rootdir);
        if (!chosen)
            co_return std::move(chosen.failure());
        storage = *chosen;
        const auto node_h = ctx.client->node(node);
        auto nets = co_await node_h.async_network(proxmox::network_filter::any_bridge, asio::use_awaitable);
        if (!nets) {
            const std::string failed = fmt::format("Listing the bridges of {} failed", node);
            co_return co_await node_failure(ctx, failed, node, nets.error());
        }
        std::vector<std::string> bridges;
        for (const auto& n : *nets)
            bridges.push_back(n.iface);
        const bool has_bridge = std::find(bridges.begin(), bridges.end(), bridge) != bridges.end();
        plan.check(fmt::format("bridge {} exists on {}", quote_text(bridge), node), has_bridge,
                   has_bridge ? "" : fmt::format("bridges there: {}", fmt::join(bridges, ", ")));
    }

    proxmox::lxc_nic nic;
    nic.bridge = bridge;
    nic.ip = net_ip;
    auto net0 = nic.to_property_string();
    if (!net0)
        co_return failure("Invalid network settings (bridge, net_ip)", net0.error());
    gen::nodes_lxc_post_params p{.node = node};
    p.vmid = vmid;
    p.ostemplate = template_volid;
    if (!password.empty())
        p.password = password;
    p.storage = storage.empty() ? std::optional<std::string>() : storage;
    p.config.hostname = hostname;
    p.config.cores = arg_int(args, "cores").value_or(2);
    p.config.memory = arg_int(args, "memory_mb").value_or(1024);
    p.config.rootfs = fmt::format("{}:{}", storage, arg_int(args, "rootfs_gb").value_or(8));
    p.config.net[0] = *net0;
    p.config.unprivileged = true;
    plan.add(p);
    std::string what = fmt::format("Could not create container {} on {}", vmid, node);
    json::object out{{"vmid", vmid},
                     {"node", node},
                     {"name", hostname},
                     {"ostemplate", template_volid},
                     {"storage", storage}};
    co_return co_await run_plan(ctx, args, plan, std::move(out), std::move(what));
}

asio::awaitable<tool_result> delete_lxc(tool_context ctx, json::object args) {
    auto guest = co_await resolve_guest(ctx, args, proxmox::guest_type::lxc);
    if (!guest)
        co_return std::move(guest.failure());
    const auto g = *guest;
    auto config = co_await read_lxc_config(ctx, g);
    if (!config)
        co_return std::move(config.failure());

    write_plan plan(fmt::format("delete {}", guest_label(g)));
    plan.check("container is stopped", g.status != "running",
               g.status == "running" ? "it is running; stop it first with proxmox-stop-lxc" : "");
    plan.check("not protected", !config->protection,
               config->protection ? "PVE's protection flag is set; clear it with proxmox-configure-lxc "
                                    "{\"params\": {\"protection\": 0}} first"
                                  : "");
    check_not_locked(plan, g);
    gen::nodes_lxc_vmid_delete_params p{.node = g.node, .vmid = static_cast<std::int64_t>(g.vmid)};
    if (arg_bool(args, "purge").value_or(true))
        p.purge = true;
    plan.add(p);
    std::string what = fmt::format("Could not delete {}", guest_label(g));
    auto out = guest_out(g);
    co_return co_await run_plan(ctx, args, plan, std::move(out), std::move(what));
}

asio::awaitable<tool_result> configure_lxc(tool_context ctx, json::object args) {
    const auto* params = args.if_contains("params");
    if (!params || !params->is_object() || params->get_object().empty())
        co_return tool_result::failure(
            "params is empty. Fix: pass the config keys to change, e.g. {\"params\": {\"cores\": 2, "
            "\"memory\": 2048}} (null deletes a key).");
    proxmox::lxc_config_update update;
    std::vector<std::string> set_keys;
    std::vector<std::string> deleted;
    for (const auto& kv : params->get_object()) {
        const std::string key(kv.key());
        if (key == "delete" && kv.value().is_string()) { // PVE's own comma list
            std::string_view list = kv.value().get_string();
            while (!list.empty()) {
                auto comma = list.find(',');
                std::string item(list.substr(0, comma));
                item.erase(std::remove(item.begin(), item.end(), ' '), item.end());
                if (!item.empty()) {
                    update.remove(item);
                    deleted.push_back(item);
                }
                if (comma == std::string_view::npos)
                    break;
                list.remove_prefix(comma + 1);
            }
            continue;
        }
        if (key == "digest" || key == "revert" || key == "delete") {
            co_return tool_result::failure(fmt::format(
                "params.{} is not supported here. Fix: pass config keys only (null deletes one).", key));
        }
        if (kv.value().is_null()) {
            update.remove(key);
            deleted.push_back(key);
            continue;
        }
        auto text = config_text(kv.value());
        if (!text)
            co_return tool_result::failure(
                fmt::format("params.{} must be a string, number, boolean or null (PVE's text for property "
                            "strings, e.g. \"name=eth0,bridge=vmbr0,ip=dhcp\").",
                            quote_text(key)));
        update.set(key, *text);
        set_keys.push_back(key);
    }
    if (auto ok = update.check(); !ok) {
        const std::string message = ok.error().message; // error() returns a copy: keep it alive
        std::string_view why = message;
        if (why.starts_with("lxc_config_update: "))
            why.remove_prefix(std::string_view("lxc_config_update: ").size());
        co_return tool_result::failure(fmt::format(
            "params: {}. Fix: use PVE's container config keys (proxmox-lxc-info shows the current "
            "ones).",
            quote_text(why, max_error_text)));
    }

    auto guest = co_await resolve_guest(ctx, args, proxmox::guest_type::lxc);
    if (!guest)
        co_return std::move(guest.failure());
    const auto g = *guest;
    auto config = co_await read_lxc_config(ctx, g);
    if (!config)
        co_return std::move(config.failure());

    auto out = guest_out(g);
    json::array changed;
    for (const auto& [key, value] : update.values())
        if (config->get(key) != value)
            changed.emplace_back(key);
    json::array removed;
    for (const auto& key : update.deletions())
        if (config->get(key))
            removed.emplace_back(key);
    if (changed.empty() && removed.empty()) {
        out["already"] = true;
        co_return tool_result::success(std::move(out));
    }
    update.digest = config->digest.empty() ? std::nullopt : std::optional<std::string>(config->digest);

    write_plan plan(fmt::format("change the config of {}", guest_label(g)));
    check_not_locked(plan, g);
    gen::nodes_lxc_config_put_params p{.node = g.node, .vmid = static_cast<std::int64_t>(g.vmid)};
    p.delete_ = update.deletion_list();
    p.digest = update.digest;
    auto request = gen::encode(p);
    for (const auto& [key, value] : update.values())
        request.params.add(key, value);
    plan.add(proxmox::http_method::put, std::move(request));
    std::string what = fmt::format("Could not change the config of {}", guest_label(g));
    out["changed"] = std::move(changed);
    out["deleted"] = std::move(removed);
    if (g.status == "running")
        out["note"] = "It is running: keys it cannot change live stay pending until a restart.";
    co_return co_await run_plan(ctx, args, plan, std::move(out), std::move(what));
}

json::object str() {
    return json::object{{"type", "string"}, {"maxLength", max_name_length}};
}

} // namespace

void register_lxc_tools(tool_registry& registry) {
    registry.add({
        .name = "proxmox-create-lxc",
        .title = "Create a container",
        .description = "Create an LXC container from a template (volid or file name).",
        .input_schema = input_schema(
            {{"node", str()},
             {"vmid", json::object{{"type", "integer"}, {"minimum", 100}, {"maximum", 999999999}}},
             {"hostname", str()},
             {"ostemplate", json::object{{"type", "string"}, {"maxLength", max_text_length}}},
             {"cores", json::object{{"type", "integer"}, {"minimum", 1}, {"maximum", 8192}, {"default", 2}}},
             {"memory_mb",
              json::object{{"type", "integer"}, {"minimum", 16}, {"maximum", 268435456}, {"default", 1024}}},
             {"rootfs_gb",
              json::object{{"type", "integer"}, {"minimum", 1}, {"maximum", 131072}, {"default", 8}}},
             {"storage", str()},
             {"bridge", str()},
             {"net_ip", json::object{{"type", "string"}, {"maxLength", 64}, {"default", "dhcp"}}}},
            {"vmid", "hostname", "ostemplate"}),
        .output_schema = output_schema(merged(fields({{"vmid", "integer"},
                                                      {"node", "string"},
                                                      {"name", "string"},
                                                      {"ostemplate", "string"},
                                                      {"storage", "string"}}),
                                              task_output_props())),
        .annotations = {.idempotent = false},
        .handler = create_lxc,
        .safety = tool_safety::write,
        .waits = wait_defaults{.wait = true, .timeout_seconds = 900},
    });
    registry.add({
        .name = "proxmox-delete-lxc",
        .title = "Delete a container",
        .description = "Destroy a stopped LXC container and its volumes.",
        .input_schema = input_schema(
            merged(selector_props(), {{"purge", json::object{{"type", "boolean"}, {"default", true}}}})),
        .output_schema = output_schema(merged(
            fields({{"vmid", "integer"}, {"node", "string"}, {"name", "string"}}), task_output_props())),
        .annotations = {.idempotent = false},
        .handler = delete_lxc,
        .safety = tool_safety::destructive,
        .waits = wait_defaults{.timeout_seconds = 600},
    });
    registry.add({
        .name = "proxmox-configure-lxc",
        .title = "Configure a container",
        .description = "Set or delete config keys of an LXC container, named as in PVE.",
        .input_schema = input_schema(
            merged(selector_props(),
                   {{"params", json::object{{"type", "object"}, {"description", "null deletes a key"}}}}),
            {"params"}),
        .output_schema = output_schema(fields({{"vmid", "integer"},
                                               {"node", "string"},
                                               {"name", "string"},
                                               {"changed", "array"},
                                               {"deleted", "array"},
                                               {"already", "boolean"},
                                               {"note", "string"}})),
        .annotations = {.idempotent = true},
        .handler = configure_lxc,
        .safety = tool_safety::write,
        .waits = wait_defaults{.timeout_seconds = 600},
    });
}

} // namespace proxmox::mcp::tools
