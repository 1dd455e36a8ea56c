// proxmox-clone-vm, -create-vm, -delete-vm, -migrate-vm, -resize-vm-disk, -template-vm.
#include "caller_text.hpp"
#include "policy.hpp"
#include "tools/guest.hpp"
#include "tools/plan.hpp"
#include "tools/task_wait.hpp"
#include "tools/tools.hpp"

#include <proxmox/client.hpp>
#include <proxmox/generated/nodes_qemu.hpp>
#include <proxmox/models/guest_devices.hpp>
#include <proxmox/models/storage.hpp>

#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <vector>

namespace proxmox::mcp::tools {

namespace asio = boost::asio;
namespace gen = proxmox::gen;
using proxmox::guest_type;

namespace {

// ---- facts from one GET /cluster/resources --------------------------------------------------

/// Every node, guest and storage of the cluster, from one `GET /cluster/resources`.
struct cluster_view {
    std::vector<proxmox::cluster_resource> items;

    const proxmox::cluster_resource* guest(proxmox::vmid_t vmid) const {
        for (const auto& r : items)
            if (r.is_guest() && r.vmid == vmid)
                return &r;
        return nullptr;
    }
    /// The node's status (online, offline, unknown); nullopt when it is not in the cluster.
    std::optional<std::string> node_status(std::string_view node) const {
        for (const auto& r : items)
            if (r.type == "node" && r.node == node)
                return r.status.empty() ? std::string("unknown") : r.status;
        return std::nullopt;
    }
    std::vector<std::string> node_names() const {
        std::vector<std::string> out;
        for (const auto& r : items)
            if (r.type == "node")
                out.push_back(r.node);
        std::sort(out.begin(), out.end());
        return out;
    }
    /// The storages `node` has, as /cluster/resources reports them.
    std::vector<proxmox::storage_usage> storages(std::string_view node) const {
        std::vector<proxmox::storage_usage> out;
        for (const auto& r : items)
            if (r.type == "storage" && r.node == node)
                out.push_back(proxmox::storage_usage::from_cluster_resource(r.raw));
        return out;
    }
    /// Whether storage `id` is shared (on any node that reports it).
    bool shared(std::string_view id) const {
        for (const auto& r : items)
            if (r.type == "storage" && r.storage == id)
                return proxmox::storage_usage::from_cluster_resource(r.raw).shared;
        return false;
    }
    /// The lowest vmid that no guest uses and the allow-list permits.
    std::optional<proxmox::vmid_t> free_vmid(const server_policy* policy) const {
        std::set<proxmox::vmid_t> used;
        for (const auto& r : items)
            if (r.is_guest() && r.vmid)
                used.insert(*r.vmid);
        std::vector<std::pair<proxmox::vmid_t, proxmox::vmid_t>> ranges{{100, 999999999}};
        if (policy && !policy->allowed_vmids.empty())
            ranges = policy->allowed_vmids;
        std::optional<proxmox::vmid_t> best;
        for (const auto& [low, high] : ranges)
            for (proxmox::vmid_t v = std::max<proxmox::vmid_t>(low, 100); v <= high; ++v)
                if (!used.contains(v)) {
                    if (!best || v < *best)
                        best = v;
                    break;
                }
        return best;
    }
};

asio::awaitable<outcome<cluster_view>> read_cluster(const tool_context& ctx) {
    auto all =
        co_await ctx.client->cluster().async_resources(proxmox::resource_filter::all, asio::use_awaitable);
    if (!all)
        co_return failure("Reading the cluster's resources failed", all.error());
    co_return cluster_view{std::move(*all)};
}

std::string joined(const std::vector<std::string>& items, std::string_view none = "none") {
    if (items.empty())
        return std::string(none);
    return fmt::format("{}", fmt::join(items, ", "));
}

std::string resource_label(const proxmox::cluster_resource& r) {
    std::string kind = r.type == "lxc" ? "container" : r.is_template ? "template" : "VM";
    if (r.name.empty())
        return fmt::format("{} {} on {}", kind, r.vmid.value_or(0), r.node);
    return fmt::format("{} {} ({}) on {}", kind, r.vmid.value_or(0), r.name, r.node);
}

// ---- checks shared by the tools -------------------------------------------------------------

/// `new vmid N is free`: fails naming the guest that has it and a free one.
void check_vmid_free(write_plan& plan,
                     const tool_context& ctx,
                     const cluster_view& view,
                     proxmox::vmid_t vmid) {
    const auto* taken = view.guest(vmid);
    std::string detail;
    if (taken) {
        auto next = view.free_vmid(ctx.policy.get());
        detail = fmt::format("vmid {} is in use by {}; pick a free one{}", vmid, resource_label(*taken),
                             next ? fmt::format(", e.g. {}", *next) : std::string());
    }
    plan.check(fmt::format("vmid {} is free", vmid), taken == nullptr, std::move(detail));
}

/// `node X is online`: fails naming the cluster's nodes.
void check_node_online(write_plan& plan, const cluster_view& view, std::string_view node) {
    auto status = view.node_status(node);
    std::string detail;
    if (!status)
        detail = fmt::format("node '{}' is not in the cluster; its nodes: {}", quote_text(node),
                             joined(view.node_names()));
    else if (*status != "online")
        detail = fmt::format("node '{}' is {}; pick an online node (proxmox-list-nodes)", node, *status);
    plan.check(fmt::format("node {} is online", quote_text(node)), status && *status == "online",
               std::move(detail));
}

/// `storage S on node N holds VM disks`: fails naming the storages that do.
void check_images_storage(write_plan& plan,
                          const cluster_view& view,
                          std::string_view node,
                          std::string_view storage) {
    auto storages = view.storages(node);
    std::vector<std::string> usable;
    const proxmox::storage_usage* found = nullptr;
    for (const auto& s : storages) {
        if (s.holds("images"))
            usable.push_back(s.storage);
        if (s.storage == storage)
            found = &s;
    }
    std::string detail;
    if (!found)
        detail = fmt::format("storage '{}' is not on node {}; storages for VM disks there: {}",
                             quote_text(storage), quote_text(node), joined(usable));
    else if (!found->holds("images"))
        detail = fmt::format("storage '{}' does not hold VM disks (content: {}); use one of: {}",
                             quote_text(storage), joined(found->content), joined(usable));
    plan.check(fmt::format("storage {} on {} holds VM disks", quote_text(storage), quote_text(node)),
               found && found->holds("images"), std::move(detail));
}

/// A DNS name as PVE's `dns-name` format takes it (VM names).
bool is_dns_name(std::string_view name) {
    if (name.empty() || name.size() > 253)
        return false;
    std::size_t start = 0;
    while (start <= name.size()) {
        auto dot = name.find('.', start);
        auto label = name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
            return false;
        for (char c : label)
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-')
                return false;
        if (dot == std::string_view::npos)
            break;
        start = dot + 1;
    }
    return true;
}

std::optional<tool_result> bad_name(const std::optional<std::string>& name) {
    if (name && !is_dns_name(*name))
        return tool_result::failure(fmt::format(
            "name '{}' is not a DNS name, which PVE requires for VMs. Fix: use letters, digits, inner '-' "
            "and dots only, e.g. \"web-01\".",
            quote_text(*name)));
    return std::nullopt;
}

/// Allow-list check of a vmid a tool creates (it must stay within what the agent may touch).
std::optional<tool_result>
refuse_new_vmid(const tool_context& ctx, proxmox::vmid_t vmid, std::string_view node) {
    if (!ctx.policy)
        return std::nullopt;
    if (auto why = ctx.policy->refuse_guest(vmid, node, ""))
        return tool_result::failure(fmt::format("Refused: the new {}.", *why));
    return std::nullopt;
}

json::object guest_out(const proxmox::guest_summary& g) {
    return {{"vmid", g.vmid}, {"node", g.node}, {"name", g.name}};
}

json::object with_task(json::object props) {
    return output_schema(merged(std::move(props), task_output_props()));
}

json::object already_prop() {
    return json::object{{"type", "boolean"}};
}

// ---- proxmox-clone-vm -----------------------------------------------------------------------

asio::awaitable<tool_result> clone_vm(tool_context ctx, json::object args) {
    const auto source_vmid = arg_int(args, "source_vmid").value_or(0);
    const auto new_vmid = static_cast<proxmox::vmid_t>(arg_int(args, "new_vmid").value_or(0));
    const auto name = arg_string(args, "name");
    const auto storage = arg_string(args, "storage");
    const bool full = arg_bool(args, "full").value_or(true);
    if (auto bad = bad_name(name))
        co_return std::move(*bad);
    if (storage && !full)
        co_return tool_result::failure(
            "storage needs a full clone (a linked clone stays on its template's storage). Fix: pass full: "
            "true, or leave storage out.");

    json::object selector{{"vmid", source_vmid}};
    if (auto node = arg_string(args, "source_node"))
        selector["node"] = *node;
    auto source = co_await resolve_guest(ctx, selector, guest_type::qemu);
    if (!source) {
        auto r = std::move(source.failure());
        r.message = "source_vmid: " + r.message;
        co_return r;
    }
    const auto& g = *source;
    if (new_vmid == g.vmid)
        co_return tool_result::failure(
            "new_vmid is the source's own vmid. Fix: pick a free vmid for the clone.");
    const std::string target = arg_string(args, "target_node").value_or(g.node);
    if (ctx.policy)
        if (auto why = ctx.policy->refuse_node(target))
            co_return tool_result::failure(fmt::format("Refused: target_node: {}.", *why));
    if (auto refused = refuse_new_vmid(ctx, new_vmid, target))
        co_return std::move(*refused);

    auto view = co_await read_cluster(ctx);
    if (!view)
        co_return view.failure();

    write_plan plan(
        fmt::format("{} clone of {} as VM {}{}{}", full ? "full" : "linked", guest_label(g), new_vmid,
                    name ? fmt::format(" ({})", *name) : std::string(),
                    target != g.node ? fmt::format(" on {}", quote_text(target)) : std::string()));
    check_vmid_free(plan, ctx, *view, new_vmid);
    if (target != g.node)
        check_node_online(plan, *view, target);
    if (!full)
        plan.check(
            "linked clones come from templates", g.is_template,
            g.is_template
                ? ""
                : "the source is no template; pass full: true or convert it first (proxmox-template-vm)");
    if (storage) {
        check_images_storage(plan, *view, target, *storage);
        if (target != g.node)
            plan.check(fmt::format("storage {} is shared", quote_text(*storage)), view->shared(*storage),
                       view->shared(*storage) ? ""
                                              : "PVE clones to another node only onto shared storage; clone "
                                                "on the source node, then move it with proxmox-migrate-vm");
    }
    if (target != g.node) {
        // PVE clones to another node only when every disk of the source is on shared storage.
        auto config = co_await ctx.client->node(g.node).qemu(g.vmid).async_config(asio::use_awaitable);
        if (!config)
            co_return failure(fmt::format("Reading the config of {} failed", guest_label(g)), config.error());
        std::vector<std::string> local;
        if (auto disks = config->disks())
            for (const auto& [key, disk] : *disks) {
                auto colon = disk.volume.find(':');
                if (colon == std::string::npos || disk.volume == "none")
                    continue;
                if (!view->shared(disk.volume.substr(0, colon)))
                    local.push_back(fmt::format("{} on {}", key, disk.volume.substr(0, colon)));
            }
        plan.check("the source's disks are on shared storage", local.empty(),
                   local.empty()
                       ? ""
                       : fmt::format("{} is local; PVE clones to another node only from shared storage. "
                                     "Fix: clone on {} (leave target_node out), then move it with "
                                     "proxmox-migrate-vm",
                                     joined(local), g.node));
    }

    gen::nodes_qemu_clone_post_params p{.node = g.node, .vmid = static_cast<std::int64_t>(g.vmid)};
    p.newid = new_vmid;
    p.full = full;
    if (name)
        p.name = *name;
    if (target != g.node)
        p.target = target;
    if (storage)
        p.storage = *storage;
    plan.add(p);
    if (auto answer = gate(ctx, plan))
        co_return std::move(*answer);

    std::string what = fmt::format("Could not clone {} as VM {}", guest_label(g), new_vmid);
    auto sent = co_await send_plan(ctx, plan, what);
    if (!sent)
        co_return sent.failure();
    json::object out{{"vmid", new_vmid}, {"node", target}, {"source_vmid", g.vmid}, {"full", full}};
    if (name)
        out["name"] = *name;
    co_return co_await follow_task(ctx, args, *sent, std::move(out), std::move(what));
}

// ---- proxmox-create-vm ----------------------------------------------------------------------

/// The ISO volumes on `node`'s ISO storages, and the one `iso` names (a volume id
/// `local:iso/x.iso` or a file name `x.iso`).
struct iso_search {
    std::optional<std::string> found;
    std::vector<std::string> available;
};

asio::awaitable<iso_search> find_iso(tool_context ctx, cluster_view view, std::string node, std::string iso) {
    iso_search out;
    std::vector<std::string> storages;
    for (const auto& s : view.storages(node))
        if (s.holds("iso"))
            storages.push_back(s.storage);
    for (const auto& storage : storages) {
        proxmox::content_filter filter{.content = "iso", .vmid = 0};
        auto handle = ctx.client->node(node).storage(storage);
        auto volumes = co_await handle.async_content(std::move(filter), asio::use_awaitable);
        if (!volumes)
            continue;
        for (const auto& v : *volumes) {
            out.available.push_back(v.volid);
            auto slash = v.volid.rfind('/');
            std::string file = slash == std::string::npos ? v.volid : v.volid.substr(slash + 1);
            if (!out.found && (v.volid == iso || file == iso))
                out.found = v.volid;
        }
    }
    co_return out;
}

asio::awaitable<tool_result> create_vm(tool_context ctx, json::object args) {
    auto chosen = node_argument(ctx, args);
    if (!chosen)
        co_return chosen.failure();
    const std::string node = *chosen;
    const auto vmid = static_cast<proxmox::vmid_t>(arg_int(args, "vmid").value_or(0));
    const std::string name = arg_string(args, "name").value_or("");
    const auto cores = arg_int(args, "cores").value_or(2);
    const auto memory = arg_int(args, "memory_mb").value_or(2048);
    const auto disk_gb = arg_int(args, "disk_gb").value_or(20);
    const std::string storage = arg_string(args, "storage").value_or(ctx.defaults.storage);
    const std::string bridge = arg_string(args, "bridge").value_or(ctx.defaults.bridge);
    const auto iso = arg_string(args, "iso");
    if (auto bad = bad_name(name))
        co_return std::move(*bad);
    if (storage.empty())
        co_return tool_result::failure("Missing storage: pass \"storage\" or set PROXMOX_DEFAULT_STORAGE "
                                       "(proxmox-list-storage lists them).");
    if (bridge.empty())
        co_return tool_result::failure("Missing bridge: pass \"bridge\" or set PROXMOX_DEFAULT_BRIDGE "
                                       "(proxmox-list-bridges lists them).");
    if (auto refused = refuse_new_vmid(ctx, vmid, node))
        co_return std::move(*refused);

    auto view = co_await read_cluster(ctx);
    if (!view)
        co_return view.failure();
    write_plan plan(fmt::format("create VM {} ({}) on {}: {} cores, {} MiB, {} GiB on {}, {}", vmid, name,
                                quote_text(node), cores, memory, disk_gb, quote_text(storage),
                                quote_text(bridge)));
    check_node_online(plan, *view, node);
    check_vmid_free(plan, ctx, *view, vmid);
    check_images_storage(plan, *view, node, storage);

    auto nets = co_await ctx.client->node(node).async_network(proxmox::network_filter::any_bridge,
                                                              asio::use_awaitable);
    std::vector<std::string> bridges;
    if (nets)
        for (const auto& n : *nets)
            bridges.push_back(n.iface);
    const bool has_bridge = std::find(bridges.begin(), bridges.end(), bridge) != bridges.end();
    plan.check(fmt::format("bridge {} is on {}", quote_text(bridge), quote_text(node)), has_bridge,
               has_bridge ? ""
               : nets     ? fmt::format("bridges on {}: {}", quote_text(node), joined(bridges))
                          : fmt::format("could not list the node's bridges: {}", describe(nets.error())));

    std::optional<std::string> iso_volume;
    if (iso) {
        auto search = co_await find_iso(ctx, *view, node, *iso);
        iso_volume = search.found;
        plan.check(fmt::format("ISO {} is on {}", quote_text(*iso), quote_text(node)),
                   search.found.has_value(),
                   search.found ? ""
                                : fmt::format("no such ISO on node {}; ISOs there: {} (upload one with "
                                              "proxmox-upload-iso)",
                                              quote_text(node), joined(search.available)));
    }

    // What qemu_create_options builds: a virtio-scsi disk, a virtio NIC, the ISO as CD-ROM.
    gen::nodes_qemu_post_params p{.node = node};
    p.vmid = vmid;
    p.config.name = name;
    p.config.cores = cores;
    p.config.memory = std::to_string(memory);
    p.config.ostype = gen::qemu_config_fields::ostype_enum("l26");
    p.config.scsihw = gen::qemu_config_fields::scsihw_enum("virtio-scsi-single");
    auto disk = proxmox::qemu_disk::new_disk(storage, static_cast<std::uint64_t>(disk_gb));
    disk.iothread = true;
    auto disk_text = disk.to_property_string();
    if (!disk_text)
        co_return tool_result::failure(fmt::format("storage: {}", disk_text.error().message));
    p.config.scsi[0] = *disk_text;
    proxmox::qemu_nic nic;
    nic.bridge = bridge;
    auto nic_text = nic.to_property_string();
    if (!nic_text)
        co_return tool_result::failure(fmt::format("bridge: {}", nic_text.error().message));
    p.config.net[0] = *nic_text;
    if (iso) {
        auto cd = proxmox::qemu_disk::cdrom(iso_volume.value_or(*iso)).to_property_string();
        if (!cd)
            co_return tool_result::failure(fmt::format("iso: {}", cd.error().message));
        p.config.ide[2] = *cd;
        p.config.boot = "order=scsi0;ide2;net0";
    } else {
        p.config.boot = "order=scsi0;net0";
    }
    plan.add(p);
    if (auto answer = gate(ctx, plan))
        co_return std::move(*answer);

    std::string what = fmt::format("Could not create VM {} on {}", vmid, node);
    auto sent = co_await send_plan(ctx, plan, what);
    if (!sent)
        co_return sent.failure();
    json::object out{{"vmid", vmid}, {"node", node}, {"name", name}};
    co_return co_await follow_task(ctx, args, *sent, std::move(out), std::move(what));
}

// ---- proxmox-delete-vm ----------------------------------------------------------------------

asio::awaitable<tool_result> delete_vm(tool_context ctx, json::object args) {
    auto guest = co_await resolve_guest(ctx, args, guest_type::qemu);
    if (!guest)
        co_return guest.failure();
    const auto& g = *guest;
    const bool purge = arg_bool(args, "purge").value_or(true);
    auto config = co_await ctx.client->node(g.node).qemu(g.vmid).async_config(asio::use_awaitable);
    if (!config)
        co_return failure(fmt::format("Reading the config of {} failed", guest_label(g)), config.error());

    write_plan plan(fmt::format("destroy {} and its disks{}", guest_label(g), purge ? " (purge)" : ""));
    const bool running = g.status == "running";
    plan.check("the VM is stopped", !running,
               running ? "it is running; stop it first with proxmox-stop-vm" : "");
    const bool is_protected = config->get("protection").value_or("0") == "1";
    plan.check("protection is off", !is_protected,
               is_protected ? "PVE's protection flag is set; it is never deleted while the flag is on" : "");
    gen::nodes_qemu_vmid_delete_params p{.node = g.node, .vmid = static_cast<std::int64_t>(g.vmid)};
    if (purge)
        p.purge = true;
    plan.add(p);
    if (auto answer = gate(ctx, plan))
        co_return std::move(*answer);

    std::string what = fmt::format("Could not delete {}", guest_label(g));
    auto sent = co_await send_plan(ctx, plan, what);
    if (!sent)
        co_return sent.failure();
    auto out = guest_out(g);
    out["purge"] = purge;
    co_return co_await follow_task(ctx, args, *sent, std::move(out), std::move(what));
}

// ---- proxmox-migrate-vm ---------------------------------------------------------------------

asio::awaitable<tool_result> migrate_vm(tool_context ctx, json::object args) {
    auto guest = co_await resolve_guest(ctx, args, guest_type::qemu);
    if (!guest)
        co_return guest.failure();
    const auto& g = *guest;
    const std::string target = arg_string(args, "target_node").value_or("");
    const bool live = arg_bool(args, "live").value_or(true);
    if (ctx.policy)
        if (auto why = ctx.policy->refuse_node(target))
            co_return tool_result::failure(fmt::format("Refused: target_node: {}.", *why));
    json::object out{{"vmid", g.vmid}, {"name", g.name}, {"from", g.node}, {"node", target}};
    if (target == g.node) {
        out["already"] = true;
        co_return tool_result::success(std::move(out));
    }
    auto nodes = co_await cluster_nodes(ctx);
    if (!nodes)
        co_return nodes.failure();

    const bool running = g.status == "running";
    const bool online = running && live;
    write_plan plan(fmt::format("{} migration of {} to {}", online ? "live" : "offline", guest_label(g),
                                quote_text(target)));
    const proxmox::node_summary* t = nullptr;
    std::vector<std::string> names;
    for (const auto& n : *nodes) {
        names.push_back(n.node);
        if (n.node == target)
            t = &n;
    }
    plan.check(
        fmt::format("node {} is online", quote_text(target)), t && t->status == "online",
        !t ? fmt::format("node '{}' is not in the cluster; its nodes: {}", quote_text(target), joined(names))
        : t->status != "online" ? fmt::format("node {} is {}", target, t->status)
                                : "");
    if (running && !live)
        plan.check("a running VM migrates live", false,
                   "it is running; pass live: true, or stop it first with proxmox-stop-vm");

    // PVE's own preconditions: devices tied to the node, local disks and ISOs.
    bool local_disks = false;
    if (t) {
        gen::nodes_qemu_migrate_get_params pre{
            .node = g.node, .vmid = static_cast<std::int64_t>(g.vmid), .target = target};
        auto answer = co_await ctx.client->async_call(pre, asio::use_awaitable);
        if (!answer)
            co_return failure(fmt::format("Checking whether {} can migrate failed", guest_label(g)),
                              answer.error());
        std::vector<std::string> devices, isos;
        if (const auto* o = answer->data.if_object()) {
            if (const auto* r = o->if_contains("local_resources"); r && r->is_array())
                for (const auto& d : r->get_array())
                    if (d.is_string())
                        devices.emplace_back(d.get_string());
            if (const auto* r = o->if_contains("local_disks"); r && r->is_array())
                for (const auto& d : r->get_array()) {
                    const auto* disk = d.if_object();
                    if (!disk)
                        continue;
                    auto flag = [&](std::string_view k) {
                        const auto* v = disk->if_contains(k);
                        return v &&
                               ((v->is_int64() && v->get_int64() != 0) || (v->is_bool() && v->get_bool()));
                    };
                    if (flag("cdrom")) {
                        const auto* vol = disk->if_contains("volid");
                        isos.emplace_back(vol && vol->is_string() ? std::string(vol->get_string())
                                                                  : "a local ISO");
                    } else if (!flag("is_unused")) {
                        local_disks = true;
                    }
                }
        }
        plan.check("no devices tie it to its node", devices.empty(),
                   devices.empty()
                       ? ""
                       : fmt::format("it uses local devices: {}; remove them with proxmox-configure-vm "
                                     "first",
                                     joined(devices)));
        plan.check("no local ISO is inserted", isos.empty(),
                   isos.empty() ? ""
                                : fmt::format("{} is a local ISO; eject it first with proxmox-configure-vm "
                                              "(params {{\"ide2\": \"none,media=cdrom\"}})",
                                              joined(isos)));
    }
    gen::nodes_qemu_migrate_post_params p{
        .node = g.node, .vmid = static_cast<std::int64_t>(g.vmid), .target = target};
    if (online)
        p.online = true;
    if (online && local_disks)
        p.with_local_disks = true; // what PVE's GUI sends: local disks move along
    plan.add(p);
    if (auto answer = gate(ctx, plan))
        co_return std::move(*answer);

    std::string what = fmt::format("Could not migrate {} to {}", guest_label(g), target);
    auto sent = co_await send_plan(ctx, plan, what);
    if (!sent)
        co_return sent.failure();
    out["live"] = online;
    co_return co_await follow_task(ctx, args, *sent, std::move(out), std::move(what));
}

// ---- proxmox-resize-vm-disk -----------------------------------------------------------------

asio::awaitable<tool_result> resize_disk(tool_context ctx, json::object args) {
    auto guest = co_await resolve_guest(ctx, args, guest_type::qemu);
    if (!guest)
        co_return guest.failure();
    const auto& g = *guest;
    const std::string disk = arg_string(args, "disk").value_or("scsi0");
    const auto grow = arg_int(args, "grow_gb").value_or(0);
    auto vm = ctx.client->node(g.node).qemu(g.vmid);
    auto config = co_await vm.async_config(asio::use_awaitable);
    if (!config)
        co_return failure(fmt::format("Reading the config of {} failed", guest_label(g)), config.error());
    auto disks = config->disks();
    if (!disks)
        co_return failure(fmt::format("Reading the disks of {} failed", guest_label(g)), disks.error());

    write_plan plan(fmt::format("grow {} of {} by {} GiB", quote_text(disk), guest_label(g), grow));
    std::vector<std::string> names;
    for (const auto& [key, d] : *disks)
        if (d.media.value_or("") != "cdrom")
            names.push_back(key);
    auto it = disks->find(disk);
    const bool is_disk = it != disks->end() && it->second.media.value_or("") != "cdrom";
    plan.check(fmt::format("{} is a disk of the VM", quote_text(disk)), is_disk,
               is_disk ? ""
               : it != disks->end()
                   ? fmt::format("{} is a CD-ROM drive; its disks: {}", disk, joined(names))
                   : fmt::format("the VM has no {}; its disks: {}", quote_text(disk), joined(names)));
    std::string old_size = is_disk ? it->second.size.value_or("") : "";
    plan.add(gen::nodes_qemu_resize_put_params{.node = g.node,
                                               .vmid = static_cast<std::int64_t>(g.vmid),
                                               .disk = disk,
                                               .size = fmt::format("+{}G", grow)});
    if (auto answer = gate(ctx, plan))
        co_return std::move(*answer);

    std::string what = fmt::format("Could not grow {} of {}", disk, guest_label(g));
    auto sent = co_await send_plan(ctx, plan, what);
    if (!sent)
        co_return sent.failure();
    auto out = guest_out(g);
    out["disk"] = disk;
    if (!old_size.empty())
        out["old_size"] = old_size;
    auto done = co_await follow_task(ctx, args, *sent, std::move(out), std::move(what));
    if (done.is_error || !done.structured.contains("task"))
        co_return done;
    auto after = co_await vm.async_config(asio::use_awaitable);
    if (after)
        if (auto size = after->get(disk))
            if (auto parsed = proxmox::qemu_disk::parse(*size); parsed && parsed->size)
                done.structured["size"] = *parsed->size;
    co_return done;
}

// ---- proxmox-template-vm --------------------------------------------------------------------

asio::awaitable<tool_result> template_vm(tool_context ctx, json::object args) {
    auto guest = co_await resolve_guest(ctx, args, guest_type::qemu);
    if (!guest)
        co_return guest.failure();
    const auto& g = *guest;
    auto out = guest_out(g);
    if (g.is_template) {
        out["already"] = true;
        co_return tool_result::success(std::move(out));
    }
    auto snapshots =
        co_await ctx.client->node(g.node).qemu(g.vmid).snapshots().async_list(asio::use_awaitable);
    if (!snapshots)
        co_return failure(fmt::format("Listing the snapshots of {} failed", guest_label(g)),
                          snapshots.error());
    std::vector<std::string> names;
    for (const auto& s : *snapshots)
        if (s.name != "current")
            names.push_back(s.name);

    write_plan plan(fmt::format("convert {} into a template (irreversible)", guest_label(g)));
    const bool running = g.status == "running";
    plan.check("the VM is stopped", !running,
               running ? "it is running; stop it first with proxmox-stop-vm" : "");
    plan.check("the VM has no snapshots", names.empty(),
               names.empty() ? ""
                             : fmt::format("PVE cannot template a VM with snapshots ({}); delete them first "
                                           "with proxmox-delete-snapshot",
                                           joined(names)));
    plan.add(gen::nodes_qemu_template_post_params{.node = g.node, .vmid = static_cast<std::int64_t>(g.vmid)});
    if (auto answer = gate(ctx, plan))
        co_return std::move(*answer);

    std::string what = fmt::format("Could not convert {} into a template", guest_label(g));
    auto sent = co_await send_plan(ctx, plan, what);
    if (!sent)
        co_return sent.failure();
    co_return co_await follow_task(ctx, args, *sent, std::move(out), std::move(what));
}

json::object text(std::size_t max = max_name_length) {
    return json::object{{"type", "string"}, {"minLength", 1}, {"maxLength", max}};
}

json::object vmid_type() {
    return json::object{{"type", "integer"}, {"minimum", 100}, {"maximum", 999999999}};
}

} // namespace

void register_vm_lifecycle_tools(tool_registry& registry) {
    registry.add({
        .name = "proxmox-clone-vm",
        .title = "Clone a VM",
        .description = "Clone a VM or template to new_vmid (optionally another node/storage).",
        .input_schema = input_schema({{"source_vmid", vmid_type()},
                                      {"new_vmid", vmid_type()},
                                      {"source_node", text()},
                                      {"target_node", text()},
                                      {"name", text()},
                                      {"storage", text()},
                                      {"full", json::object{{"type", "boolean"}, {"default", true}}}},
                                     {"source_vmid", "new_vmid"}),
        .output_schema = with_task(fields({{"vmid", "integer"},
                                           {"node", "string"},
                                           {"name", "string"},
                                           {"source_vmid", "integer"},
                                           {"full", "boolean"}})),
        .annotations = {.idempotent = false},
        .handler = clone_vm,
        .safety = tool_safety::write,
        .waits = wait_defaults{.wait = false, .timeout_seconds = 900},
    });
    registry.add({
        .name = "proxmox-create-vm",
        .title = "Create a VM",
        .description = "Create a VM: one disk, one NIC, optional ISO.",
        .input_schema = input_schema(
            {{"node", text()},
             {"vmid", vmid_type()},
             {"name", text()},
             {"cores", json::object{{"type", "integer"}, {"default", 2}, {"minimum", 1}, {"maximum", 1024}}},
             {"memory_mb",
              json::object{{"type", "integer"}, {"default", 2048}, {"minimum", 16}, {"maximum", 16777216}}},
             {"disk_gb",
              json::object{{"type", "integer"}, {"default", 20}, {"minimum", 1}, {"maximum", 131072}}},
             {"storage", text()},
             {"bridge", text()},
             {"iso", text(max_text_length)}},
            {"vmid", "name"}),
        .output_schema = with_task(fields({{"vmid", "integer"}, {"node", "string"}, {"name", "string"}})),
        .annotations = {.idempotent = false},
        .handler = create_vm,
        .safety = tool_safety::write,
        .waits = wait_defaults{.wait = false, .timeout_seconds = 900},
    });
    registry.add({
        .name = "proxmox-delete-vm",
        .title = "Delete a VM",
        .description = "Destroy a stopped VM and its disks.",
        .input_schema = input_schema(
            merged(selector_props(), {{"purge", json::object{{"type", "boolean"}, {"default", true}}}})),
        .output_schema = with_task(
            fields({{"vmid", "integer"}, {"node", "string"}, {"name", "string"}, {"purge", "boolean"}})),
        .annotations = {.idempotent = false},
        .handler = delete_vm,
        .safety = tool_safety::destructive,
        .waits = wait_defaults{.wait = false, .timeout_seconds = 600},
    });
    registry.add({
        .name = "proxmox-migrate-vm",
        .title = "Migrate a VM",
        .description = "Move a VM to another node, live while it runs.",
        .input_schema = input_schema(
            merged(selector_props(),
                   {{"target_node", text()}, {"live", json::object{{"type", "boolean"}, {"default", true}}}}),
            {"target_node"}),
        .output_schema = with_task(merged(fields({{"vmid", "integer"},
                                                  {"name", "string"},
                                                  {"from", "string"},
                                                  {"node", "string"},
                                                  {"live", "boolean"}}),
                                          {{"already", already_prop()}})),
        .annotations = {.idempotent = true},
        .handler = migrate_vm,
        .safety = tool_safety::write,
        .waits = wait_defaults{.wait = true, .timeout_seconds = 1800},
    });
    registry.add({
        .name = "proxmox-resize-vm-disk",
        .title = "Grow a VM disk",
        .description = "Grow a VM disk by grow_gb GiB (PVE cannot shrink).",
        .input_schema = input_schema(
            merged(selector_props(),
                   {{"disk", json::object{{"type", "string"}, {"default", "scsi0"}, {"maxLength", 16}}},
                    {"grow_gb", json::object{{"type", "integer"}, {"minimum", 1}, {"maximum", 131072}}}}),
            {"grow_gb"}),
        .output_schema = with_task(fields({{"vmid", "integer"},
                                           {"node", "string"},
                                           {"name", "string"},
                                           {"disk", "string"},
                                           {"old_size", "string"},
                                           {"size", "string"}})),
        .annotations = {.idempotent = false},
        .handler = resize_disk,
        .safety = tool_safety::write,
        .waits = wait_defaults{.wait = true, .timeout_seconds = 900},
    });
    registry.add({
        .name = "proxmox-template-vm",
        .title = "Convert a VM to a template",
        .description = "Convert a stopped VM into a template (irreversible).",
        .input_schema = input_schema(selector_props()),
        .output_schema =
            with_task(merged(fields({{"vmid", "integer"}, {"node", "string"}, {"name", "string"}}),
                             {{"already", already_prop()}})),
        .annotations = {.idempotent = true},
        .handler = template_vm,
        .safety = tool_safety::destructive,
    });
}

} // namespace proxmox::mcp::tools
