// proxmox-clone-vm, -create-vm, -delete-vm, -migrate-vm, -resize-vm-disk, -template-vm.
#include "caller_text.hpp"
#include "policy.hpp"
#include "tools/checks.hpp"
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

#include <map>
#include <string>
#include <vector>

namespace proxmox::mcp::tools {

namespace asio = boost::asio;
namespace gen = proxmox::gen;
using proxmox::guest_type;

namespace {

/// Whether each storage of the cluster is shared, from one `GET /cluster/resources?type=storage`.
asio::awaitable<outcome<std::map<std::string, bool>>> shared_storages(const tool_context& ctx) {
    const auto cluster = ctx.client->cluster();
    auto storages = co_await cluster.async_resources(proxmox::resource_filter::storage, asio::use_awaitable);
    if (!storages)
        co_return failure("Reading the cluster's resources failed", storages.error());
    std::map<std::string, bool> out;
    for (const auto& r : *storages)
        if (r.type == "storage")
            out.emplace(r.storage, proxmox::storage_usage::from_cluster_resource(r.raw).shared);
    co_return out;
}

std::optional<tool_result> bad_name(const std::optional<std::string>& name) {
    if (name && !is_dns_name(*name))
        return tool_result::failure(fmt::format(
            "name '{}' is not a DNS name, which PVE requires for VMs. Fix: use letters, digits, inner '-' "
            "and dots only, e.g. \"web-01\".",
            quote_text(*name)));
    return std::nullopt;
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
    if (auto refused = refuse_new_guest(ctx, new_vmid))
        co_return std::move(*refused);

    write_plan plan(
        fmt::format("{} clone of {} as VM {}{}{}", full ? "full" : "linked", guest_label(g), new_vmid,
                    name ? fmt::format(" ({})", *name) : std::string(),
                    target != g.node ? fmt::format(" on {}", quote_text(target)) : std::string()));
    auto free = co_await check_vmid_free(ctx, plan, new_vmid);
    if (!free)
        co_return std::move(free.failure());
    bool target_ok = true;
    if (target != g.node) {
        auto node_ok = co_await check_node(ctx, plan, target);
        if (!node_ok)
            co_return std::move(node_ok.failure());
        target_ok = *node_ok;
    }
    if (!full)
        plan.check(
            "linked clones come from templates", g.is_template,
            g.is_template
                ? ""
                : "the source is no template; pass full: true or convert it first (proxmox-template-vm)");
    if (storage && target_ok) {
        const std::string images = "images";
        auto checked = co_await storage_for(ctx, plan, target, *storage, images);
        if (!checked)
            co_return std::move(checked.failure());
    }
    if (target != g.node) {
        // PVE clones to another node only onto shared storage, and only when every disk of the
        // source is on shared storage.
        auto shared = co_await shared_storages(ctx);
        if (!shared)
            co_return std::move(shared.failure());
        const auto is_shared = [&](const std::string& id) {
            auto it = shared->find(id);
            return it != shared->end() && it->second;
        };
        if (storage)
            plan.check(fmt::format("storage {} is shared", quote_text(*storage)), is_shared(*storage),
                       is_shared(*storage) ? ""
                                           : "PVE clones to another node only onto shared storage; clone "
                                             "on the source node, then move it with proxmox-migrate-vm");
        auto config = co_await read_qemu_config(ctx, g);
        if (!config)
            co_return std::move(config.failure());
        std::vector<std::string> local;
        if (auto disks = config->disks())
            for (const auto& [key, disk] : *disks) {
                auto colon = disk.volume.find(':');
                if (colon == std::string::npos || disk.volume == "none")
                    continue;
                if (!is_shared(disk.volume.substr(0, colon)))
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
    std::string what = fmt::format("Could not clone {} as VM {}", guest_label(g), new_vmid);
    json::object out{{"vmid", new_vmid}, {"node", target}, {"source_vmid", g.vmid}, {"full", full}};
    if (name)
        out["name"] = *name;
    co_return co_await run_plan(ctx, args, plan, std::move(out), std::move(what));
}

// ---- proxmox-create-vm ----------------------------------------------------------------------

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
    if (auto refused = refuse_new_guest(ctx, vmid))
        co_return std::move(*refused);

    write_plan plan(fmt::format("create VM {} ({}) on {}: {} cores, {} MiB, {} GiB on {}, {}", vmid, name,
                                quote_text(node), cores, memory, disk_gb, quote_text(storage),
                                quote_text(bridge)));
    auto node_ok = co_await check_node(ctx, plan, node);
    if (!node_ok)
        co_return std::move(node_ok.failure());
    auto free = co_await check_vmid_free(ctx, plan, vmid);
    if (!free)
        co_return std::move(free.failure());
    std::optional<std::string> iso_volume;
    if (*node_ok) {
        const std::string images = "images";
        auto checked = co_await storage_for(ctx, plan, node, storage, images);
        if (!checked)
            co_return std::move(checked.failure());
        co_await check_bridge(ctx, plan, node, bridge);
        if (iso) {
            const std::string content = "iso", label = "ISO";
            auto volume = co_await find_volume(ctx, plan, node, *iso, content, label);
            if (!volume)
                co_return std::move(volume.failure());
            if (*volume)
                iso_volume = (*volume)->volid;
        }
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
    std::string what = fmt::format("Could not create VM {} on {}", vmid, node);
    json::object out{{"vmid", vmid}, {"node", node}, {"name", name}};
    co_return co_await run_plan(ctx, args, plan, std::move(out), std::move(what));
}

// ---- proxmox-delete-vm ----------------------------------------------------------------------

asio::awaitable<tool_result> delete_vm(tool_context ctx, json::object args) {
    auto guest = co_await resolve_guest(ctx, args, guest_type::qemu);
    if (!guest)
        co_return guest.failure();
    const auto& g = *guest;
    const bool purge = arg_bool(args, "purge").value_or(true);
    auto config = co_await read_qemu_config(ctx, g);
    if (!config)
        co_return std::move(config.failure());

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
    std::string what = fmt::format("Could not delete {}", guest_label(g));
    auto out = guest_out(g);
    out["purge"] = purge;
    co_return co_await run_plan(ctx, args, plan, std::move(out), std::move(what));
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
    const bool running = g.status == "running";
    const bool online = running && live;
    write_plan plan(fmt::format("{} migration of {} to {}", online ? "live" : "offline", guest_label(g),
                                quote_text(target)));
    auto node_ok = co_await check_node(ctx, plan, target);
    if (!node_ok)
        co_return std::move(node_ok.failure());
    if (running && !live)
        plan.check("a running VM migrates live", false,
                   "it is running; pass live: true, or stop it first with proxmox-stop-vm");

    // PVE's own preconditions: devices tied to the node, local disks and ISOs.
    bool local_disks = false;
    if (*node_ok) {
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
    std::string what = fmt::format("Could not migrate {} to {}", guest_label(g), target);
    out["live"] = online;
    co_return co_await run_plan(ctx, args, plan, std::move(out), std::move(what));
}

// ---- proxmox-resize-vm-disk -----------------------------------------------------------------

asio::awaitable<tool_result> resize_disk(tool_context ctx, json::object args) {
    auto guest = co_await resolve_guest(ctx, args, guest_type::qemu);
    if (!guest)
        co_return guest.failure();
    const auto& g = *guest;
    const std::string disk = arg_string(args, "disk").value_or("scsi0");
    const auto grow = arg_int(args, "grow_gb").value_or(0);
    auto config = co_await read_qemu_config(ctx, g);
    if (!config)
        co_return std::move(config.failure());
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
    std::string what = fmt::format("Could not grow {} of {}", disk, guest_label(g));
    auto out = guest_out(g);
    out["disk"] = disk;
    if (!old_size.empty())
        out["old_size"] = old_size;
    auto done = co_await run_plan(ctx, args, plan, std::move(out), std::move(what));
    if (done.is_error || !done.structured.contains("task"))
        co_return done;
    const auto vm = ctx.client->node(g.node).qemu(g.vmid);
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
    const auto snapshot_h = ctx.client->node(g.node).qemu(g.vmid).snapshots();
    auto snapshots = co_await snapshot_h.async_list(asio::use_awaitable);
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
    std::string what = fmt::format("Could not convert {} into a template", guest_label(g));
    co_return co_await run_plan(ctx, args, plan, std::move(out), std::move(what));
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
