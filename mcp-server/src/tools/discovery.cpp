// proxmox-vm-info, -lxc-info, -list-bridges, -vm-firewall-get.
#include "tools/guest.hpp"
#include "tools/tools.hpp"

#include <proxmox/client.hpp>
#include <proxmox/models/property_string.hpp>

#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <cctype>
#include <string>
#include <string_view>

namespace proxmox::mcp::tools {

namespace asio = boost::asio;
using proxmox::guest_type;

namespace {

/// Config texts longer than this (descriptions, notes) are cut: the answer goes into the context.
constexpr std::size_t max_config_text = 1000;

/// `key` is `prefix` followed by digits only (`net0`, `scsi12`).
bool numbered(std::string_view key, std::string_view prefix) {
    if (!key.starts_with(prefix) || key.size() == prefix.size())
        return false;
    for (char c : key.substr(prefix.size()))
        if (!std::isdigit(static_cast<unsigned char>(c)))
            return false;
    return true;
}

/// The keys of a property string not modelled by the SDK (`aio`, `serial`, `trunks`, ...).
void add_other(json::object& o, const proxmox::property_string& other) {
    for (const auto& [k, v] : other.entries())
        if (!k.empty() && !o.contains(k))
            o[k] = v;
}

std::string cut(std::string text) {
    if (text.size() > max_config_text) {
        text.resize(max_config_text);
        text += "...";
    }
    return text;
}

json::object qemu_disk_json(std::string_view key, const proxmox::qemu_disk& d) {
    json::object o{{"key", key}, {"volume", d.volume}};
    if (d.media)
        o["media"] = *d.media;
    if (d.size)
        o["size"] = *d.size;
    if (d.format)
        o["format"] = *d.format;
    if (d.cache)
        o["cache"] = *d.cache;
    if (d.discard)
        o["discard"] = *d.discard;
    if (d.iothread)
        o["iothread"] = *d.iothread;
    if (d.ssd)
        o["ssd"] = *d.ssd;
    if (d.backup)
        o["backup"] = *d.backup;
    add_other(o, d.other);
    return o;
}

json::object qemu_nic_json(std::string_view key, const proxmox::qemu_nic& n) {
    json::object o{{"key", key}, {"model", n.model}, {"macaddr", n.macaddr}, {"bridge", n.bridge}};
    if (n.tag)
        o["tag"] = *n.tag;
    if (n.firewall)
        o["firewall"] = *n.firewall;
    if (n.mtu)
        o["mtu"] = *n.mtu;
    if (n.queues)
        o["queues"] = *n.queues;
    if (n.rate)
        o["rate"] = *n.rate;
    if (n.link_down)
        o["link_down"] = *n.link_down;
    add_other(o, n.other);
    return o;
}

json::object lxc_volume_json(std::string_view key, const proxmox::lxc_volume& v) {
    json::object o{{"key", key}, {"volume", v.volume}};
    if (!v.mp.empty())
        o["mp"] = v.mp;
    if (v.size)
        o["size"] = *v.size;
    if (v.backup)
        o["backup"] = *v.backup;
    if (v.ro)
        o["ro"] = *v.ro;
    add_other(o, v.other);
    return o;
}

json::object lxc_nic_json(std::string_view key, const proxmox::lxc_nic& n) {
    json::object o{{"key", key}, {"name", n.name}, {"bridge", n.bridge}};
    const std::pair<const char*, const std::string*> texts[] = {
        {"hwaddr", &n.hwaddr}, {"ip", &n.ip}, {"gw", &n.gw}, {"ip6", &n.ip6}, {"gw6", &n.gw6}};
    for (const auto& [k, v] : texts)
        if (!v->empty())
            o[k] = *v;
    if (n.tag)
        o["tag"] = *n.tag;
    if (n.firewall)
        o["firewall"] = *n.firewall;
    if (n.mtu)
        o["mtu"] = *n.mtu;
    if (n.rate)
        o["rate"] = *n.rate;
    add_other(o, n.other);
    return o;
}

/// The facts every guest answer starts with, from /cluster/resources.
json::object guest_head(const proxmox::guest_summary& g) {
    json::object o{{"vmid", g.vmid},     {"name", g.name},
                   {"node", g.node},     {"type", proxmox::to_string(g.type)},
                   {"status", g.status}, {"template", g.is_template}};
    add_marks(o, g);
    return o;
}

/// The answer of proxmox-vm-info without the live usage: the guest's facts, CPU and memory, the
/// disks and NICs parsed, and the rest of the config as PVE sent it.
json::object info_json(const proxmox::guest_summary& g, const proxmox::qemu_config& c) {
    json::object out = guest_head(g);
    if (auto name = c.get("name"))
        out["name"] = *name;
    const unsigned cores = c.cores().value_or(1);
    const unsigned sockets = c.sockets().value_or(1);
    out["cores"] = cores;
    out["sockets"] = sockets;
    out["vcpus"] = cores * sockets;
    if (auto mem = c.memory_mib())
        out["memory_mb"] = *mem;
    out["agent"] = c.agent_enabled();

    json::array disks, nets;
    json::object ipconfigs, rest;
    for (const auto& [key, value] : c.entries()) {
        if (key == "name" || key == "cores" || key == "sockets" || key == "memory" || key == "agent" ||
            key == "template" || key == "tags" || key == "lock" || key == "digest")
            continue;
        if (key == "cipassword")
            continue; // a secret (PVE shows it masked anyway)
        if (proxmox::is_drive_key(key) || numbered(key, "unused")) {
            if (auto d = proxmox::qemu_disk::parse(value)) {
                disks.push_back(qemu_disk_json(key, *d));
                continue;
            }
        } else if (numbered(key, "net")) {
            if (auto n = proxmox::qemu_nic::parse(value)) {
                nets.push_back(qemu_nic_json(key, *n));
                continue;
            }
        } else if (numbered(key, "ipconfig")) {
            ipconfigs[key] = value;
            continue;
        }
        rest[key] = cut(value); // and values the SDK cannot parse, as PVE sent them
    }
    out["disks"] = std::move(disks);
    out["nets"] = std::move(nets);
    if (!ipconfigs.empty())
        out["ipconfigs"] = std::move(ipconfigs);
    out["config"] = std::move(rest);
    return out;
}

/// The answer of proxmox-lxc-info without the live usage.
json::object info_json(const proxmox::guest_summary& g, const proxmox::lxc_config& c) {
    json::object out = guest_head(g);
    if (!c.hostname.empty())
        out["name"] = c.hostname;
    if (c.cores)
        out["cores"] = *c.cores;
    out["memory_mb"] = c.memory;
    out["swap_mb"] = c.swap;
    if (!c.ostype.empty())
        out["ostype"] = c.ostype;
    out["unprivileged"] = c.unprivileged;

    json::array disks, nets;
    json::object rest;
    for (const auto& kv : c.raw) {
        const std::string key(kv.key());
        if (key == "hostname" || key == "cores" || key == "memory" || key == "swap" || key == "ostype" ||
            key == "unprivileged" || key == "template" || key == "tags" || key == "lock" || key == "digest")
            continue;
        const std::string value = c.get(key).value_or("");
        if (key == "rootfs" || numbered(key, "mp") || numbered(key, "unused")) {
            if (auto v = proxmox::lxc_volume::parse(value)) {
                disks.push_back(lxc_volume_json(key, *v));
                continue;
            }
        } else if (numbered(key, "net")) {
            if (auto n = proxmox::lxc_nic::parse(value)) {
                nets.push_back(lxc_nic_json(key, *n));
                continue;
            }
        }
        rest[key] = cut(value);
    }
    out["disks"] = std::move(disks);
    out["nets"] = std::move(nets);
    out["config"] = std::move(rest);
    return out;
}

/// The live state and usage of a running VM.
void add_usage(json::object& out, const proxmox::qemu_status& s) {
    out["status"] = s.status;
    if (!s.qmpstatus.empty())
        out["qmpstatus"] = s.qmpstatus;
    out["uptime"] = s.uptime;
    out["cpu"] = s.cpu;
    out["mem"] = s.mem;
    out["maxmem"] = s.maxmem;
    out["netin"] = s.netin;
    out["netout"] = s.netout;
}

/// The live state and usage of a running container.
void add_usage(json::object& out, const proxmox::guest_summary& s) {
    out["status"] = s.status;
    out["uptime"] = s.uptime;
    out["cpu"] = s.cpu;
    out["mem"] = s.mem;
    out["maxmem"] = s.maxmem;
    out["disk"] = s.disk;
    out["maxdisk"] = s.maxdisk;
}

/// proxmox-vm-info and -lxc-info: the guest's config, and its status while it runs.
template <guest_type Type> asio::awaitable<tool_result> guest_info(tool_context ctx, json::object args) {
    auto guest = co_await resolve_guest(ctx, args, Type);
    if (!guest)
        co_return guest.failure();
    const proxmox::guest_summary g = *guest;
    auto node = ctx.client->node(g.node);
    const auto handle = [&] {
        if constexpr (Type == guest_type::qemu)
            return node.qemu(g.vmid);
        else
            return node.lxc(g.vmid);
    }();
    auto config = co_await handle.async_config(asio::use_awaitable);
    if (!config)
        co_return failure(fmt::format("Reading the config of {} failed", guest_label(g)), config.error());
    json::object out = info_json(g, *config);
    if (g.status == "running") {
        auto status = co_await handle.async_status(asio::use_awaitable);
        if (!status)
            co_return failure(fmt::format("Reading the status of {} failed", guest_label(g)), status.error());
        add_usage(out, *status);
    }
    co_return tool_result::success(std::move(out));
}

json::object info_output() {
    return output_schema(fields({{"vmid", "integer"},
                                 {"name", "string"},
                                 {"node", "string"},
                                 {"status", "string"},
                                 {"memory_mb", "integer"},
                                 {"disks", "array"},
                                 {"nets", "array"},
                                 {"config", "object"}}),
                         {"vmid", "node", "status", "config"});
}

asio::awaitable<tool_result> list_bridges(tool_context ctx, json::object args) {
    auto chosen = node_argument(ctx, args);
    if (!chosen)
        co_return chosen.failure();
    const std::string node = *chosen;
    const auto handle = ctx.client->node(node);
    auto ifaces = co_await handle.async_network(proxmox::network_filter::any_bridge, asio::use_awaitable);
    if (!ifaces)
        co_return co_await node_failure(ctx, "Listing the node's bridges failed", node, ifaces.error());
    json::array bridges;
    for (const auto& i : *ifaces) {
        json::object b{
            {"iface", i.iface}, {"type", i.type}, {"active", i.active}, {"autostart", i.autostart}};
        const std::pair<const char*, const std::string*> texts[] = {{"cidr", &i.cidr},
                                                                    {"gateway", &i.gateway},
                                                                    {"cidr6", &i.cidr6},
                                                                    {"gateway6", &i.gateway6},
                                                                    {"comments", &i.comments}};
        for (const auto& [k, v] : texts)
            if (!v->empty())
                b[k] = *v;
        json::array ports;
        for (const auto& p : i.bridge_ports)
            ports.emplace_back(p);
        b["ports"] = std::move(ports);
        if (const auto* aware = i.raw.if_contains("bridge_vlan_aware"))
            b["vlan_aware"] = aware->is_bool()
                                  ? aware->get_bool()
                                  : (aware->is_int64() ? aware->get_int64() != 0
                                                       : aware->is_string() && aware->get_string() == "1");
        bridges.push_back(std::move(b));
    }
    const std::size_t count = bridges.size();
    co_return tool_result::success({{"node", node}, {"bridges", std::move(bridges)}, {"count", count}});
}

asio::awaitable<tool_result> firewall_get(tool_context ctx, json::object args) {
    auto guest = co_await resolve_guest(ctx, args, std::nullopt);
    if (!guest)
        co_return guest.failure();
    const proxmox::guest_summary g = *guest;
    auto node = ctx.client->node(g.node);
    const auto fw = g.type == guest_type::qemu ? node.qemu(g.vmid).firewall() : node.lxc(g.vmid).firewall();
    auto options = co_await fw.async_options(asio::use_awaitable);
    if (!options)
        co_return failure(fmt::format("Reading the firewall options of {} failed", guest_label(g)),
                          options.error());
    auto rules = co_await fw.async_rules(asio::use_awaitable);
    if (!rules)
        co_return failure(fmt::format("Reading the firewall rules of {} failed", guest_label(g)),
                          rules.error());

    json::object opts = options->raw;
    opts.erase("digest");
    json::array list;
    for (const auto& r : *rules) {
        json::object o{
            {"pos", r.pos}, {"type", proxmox::to_string(r.type)}, {"action", r.action}, {"enable", r.enable}};
        const std::pair<const char*, const std::string*> texts[] = {
            {"macro", &r.macro}, {"source", &r.source},       {"dest", &r.dest},
            {"proto", &r.proto}, {"dport", &r.dport},         {"sport", &r.sport},
            {"iface", &r.iface}, {"icmp-type", &r.icmp_type}, {"comment", &r.comment}};
        for (const auto& [k, v] : texts)
            if (!v->empty())
                o[k] = *v;
        if (r.log)
            o["log"] = proxmox::to_string(*r.log);
        list.push_back(std::move(o));
    }
    const std::size_t count = list.size();
    json::object out{{"vmid", g.vmid},
                     {"name", g.name},
                     {"node", g.node},
                     {"type", proxmox::to_string(g.type)},
                     // PVE's default when the guest's firewall file does not set it: off
                     {"enabled", options->enable.value_or(false)},
                     {"options", std::move(opts)},
                     {"rules", std::move(list)},
                     {"count", count}};
    co_return tool_result::success(std::move(out));
}

json::object selector_input() {
    return input_schema(selector_props());
}

} // namespace

void register_discovery_tools(tool_registry& registry) {
    registry.add({
        .name = "proxmox-vm-info",
        .title = "VM details",
        .description = "One VM in detail: CPU, memory, disks, NICs, cloud-init, config, live usage.",
        .input_schema = selector_input(),
        .output_schema = info_output(),
        .annotations = {.idempotent = true},
        .handler = guest_info<guest_type::qemu>,
    });
    registry.add({
        .name = "proxmox-lxc-info",
        .title = "Container details",
        .description = "One container in detail: CPU, memory, disks, NICs, config, live usage.",
        .input_schema = selector_input(),
        .output_schema = info_output(),
        .annotations = {.idempotent = true},
        .handler = guest_info<guest_type::lxc>,
    });
    registry.add({
        .name = "proxmox-list-bridges",
        .title = "List bridges",
        .description = "A node's network bridges (vmbr0, ...) for NICs.",
        .input_schema =
            input_schema({{"node", json::object{{"type", "string"}, {"maxLength", max_name_length}}}}),
        .output_schema =
            output_schema({{"node", json::object{{"type", "string"}}},
                           {"bridges", json::object{{"type", "array"},
                                                    {"items", output_schema(fields({{"iface", "string"},
                                                                                    {"cidr", "string"},
                                                                                    {"ports", "array"}}),
                                                                            {"iface"})}}},
                           {"count", json::object{{"type", "integer"}}}},
                          {"node", "bridges", "count"}),
        .annotations = {.idempotent = true},
        .handler = list_bridges,
    });
    registry.add({
        .name = "proxmox-vm-firewall-get",
        .title = "Read a guest firewall",
        .description = "A guest's firewall options and rules.",
        .input_schema = selector_input(),
        .output_schema = output_schema(
            merged(fields({{"vmid", "integer"},
                           {"node", "string"},
                           {"enabled", "boolean"},
                           {"options", "object"},
                           {"count", "integer"}}),
                   {{"rules", json::object{{"type", "array"},
                                           {"items", output_schema(fields(
                                                         {{"pos", "integer"}, {"action", "string"}}))}}}}),
            {"vmid", "enabled", "rules"}),
        .annotations = {.idempotent = true},
        .handler = firewall_get,
    });
}

} // namespace proxmox::mcp::tools
