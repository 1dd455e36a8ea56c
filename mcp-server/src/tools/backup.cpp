// proxmox-backup-vm, -restore-vm: vzdump archives of VMs and containers, and restores from them
// (POST /nodes/{node}/qemu with `archive`, or /nodes/{node}/lxc with `restore=1`).
#include "caller_text.hpp"
#include "policy.hpp"
#include "tools/checks.hpp"
#include "tools/guest.hpp"
#include "tools/plan.hpp"
#include "tools/task_wait.hpp"
#include "tools/tools.hpp"

#include <proxmox/client.hpp>
#include <proxmox/generated/nodes_lxc.hpp>
#include <proxmox/generated/nodes_other.hpp>
#include <proxmox/generated/nodes_qemu.hpp>

#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace proxmox::mcp::tools {

namespace asio = boost::asio;
namespace gen = proxmox::gen;
using proxmox::guest_type;

namespace {

asio::awaitable<tool_result> backup_vm(tool_context ctx, json::object args) {
    const std::optional<guest_type> any;
    auto guest = co_await resolve_guest(ctx, args, any);
    if (!guest)
        co_return std::move(guest.failure());
    const auto g = *guest;
    const std::string mode = arg_string(args, "mode").value_or("snapshot");
    const std::string compress = arg_string(args, "compress").value_or("zstd");
    if (compress != "zstd" && compress != "gzip" && compress != "lzo" && compress != "0")
        co_return tool_result::failure(fmt::format(
            "compress {} is not zstd, gzip, lzo or 0 (none). Fix: pass one of them (zstd is the default).",
            quote_text(compress)));

    write_plan plan(fmt::format("back up {} ({} mode)", guest_label(g), mode));
    const std::string wanted = arg_string(args, "storage").value_or(""), backup_content = "backup";
    auto chosen = co_await storage_for(ctx, plan, g.node, wanted, backup_content);
    if (!chosen)
        co_return std::move(chosen.failure());
    const std::string storage = *chosen;
    check_not_locked(plan, g);
    gen::nodes_vzdump_post_params p{.node = g.node};
    p.job.vmid = std::to_string(g.vmid);
    p.job.mode = gen::backup_job_fields::mode_enum(mode);
    p.job.compress = gen::backup_job_fields::compress_enum(compress);
    if (!storage.empty())
        p.job.storage = storage;
    plan.add(p);
    std::string what = fmt::format("Could not back up {}", guest_label(g));
    auto out = guest_out(g);
    out["storage"] = storage;
    auto result = co_await run_plan(ctx, args, plan, std::move(out), std::move(what));
    if (result.is_error || !result.structured.contains("task"))
        co_return result;
    // The archive just written: the guest's newest backup on that storage.
    const auto storage_h = ctx.client->node(g.node).storage(storage);
    auto backups = co_await storage_h.async_backups(g.vmid, asio::use_awaitable);
    if (backups && !backups->empty()) {
        auto newest = std::max_element(backups->begin(), backups->end(),
                                       [](const auto& a, const auto& b) { return a.ctime < b.ctime; });
        result.structured["archive"] = newest->volid;
        result.structured["size"] = newest->size;
    }
    co_return result;
}

asio::awaitable<tool_result> restore_vm(tool_context ctx, json::object args) {
    auto node_arg = node_argument(ctx, args);
    if (!node_arg)
        co_return std::move(node_arg.failure());
    const std::string node = *node_arg;
    const auto vmid = static_cast<proxmox::vmid_t>(arg_int(args, "vmid").value_or(0));
    const std::string archive = arg_string(args, "archive").value_or("");
    const bool force = arg_bool(args, "force").value_or(false);
    std::string storage = arg_string(args, "storage").value_or("");
    if (auto refused = refuse_new_guest(ctx, vmid))
        co_return std::move(*refused);

    write_plan plan(
        fmt::format("restore {} as guest {} on {}{}", archive, vmid, node, force ? " (overwriting it)" : ""));
    auto node_ok = co_await check_node(ctx, plan, node);
    if (!node_ok)
        co_return std::move(node_ok.failure());
    std::string volid = archive;
    bool container = archive.find("vzdump-lxc-") != std::string::npos;
    if (*node_ok) {
        const std::string backup_content = "backup", label = "archive";
        auto volume = co_await find_volume(ctx, plan, node, archive, backup_content, label);
        if (!volume)
            co_return std::move(volume.failure());
        if (*volume) {
            volid = (*volume)->volid;
            container =
                (*volume)->subtype == "lxc" || (*volume)->volid.find("vzdump-lxc-") != std::string::npos;
        }
        if (!force) {
            auto free = co_await check_vmid_free(ctx, plan, vmid);
            if (!free)
                co_return std::move(free.failure());
        } else {
            // overwriting: PVE wants the same kind of guest, on this node, stopped
            auto guests = co_await cluster_guests(ctx);
            if (!guests)
                co_return std::move(guests.failure());
            auto it = std::find_if(guests->begin(), guests->end(),
                                   [&](const auto& r) { return r.vmid && *r.vmid == vmid; });
            if (it != guests->end()) {
                const auto existing = it->to_guest();
                const bool same_kind = (existing.type == guest_type::lxc) == container;
                const bool ok = same_kind && existing.node == node && existing.status != "running";
                plan.check(
                    fmt::format("{} can be overwritten", guest_label(existing)), ok,
                    ok           ? ""
                    : !same_kind ? fmt::format("the archive is a {} backup", container ? "container" : "VM")
                    : existing.node != node
                        ? fmt::format("it is on {}; restore there (node: {})", existing.node, existing.node)
                        : "it is running; stop it first");
                if (ctx.policy)
                    if (auto why = ctx.policy->refuse_guest(existing.vmid, existing.node, existing.pool))
                        co_return tool_result::failure(fmt::format("Refused: {}.", *why));
            }
        }
        // A VM's disks go back where they were unless storage is given; a container's volumes go
        // to `storage` (PVE's default `local` rarely holds rootdir), so one is always picked.
        if (!storage.empty() || container) {
            const std::string content = container ? "rootdir" : "images";
            auto chosen = co_await storage_for(ctx, plan, node, storage, content);
            if (!chosen)
                co_return std::move(chosen.failure());
            storage = *chosen;
        }
    }

    const auto text = [](const std::string& s) {
        return s.empty() ? std::nullopt : std::optional<std::string>(s);
    };
    const auto flag = [&](std::string_view key) {
        return arg_bool(args, key).value_or(false) ? std::optional<bool>(true) : std::nullopt;
    };
    // A restore beside the original is a copy: new MAC addresses unless unique: false says otherwise.
    const std::optional<bool> unique =
        arg_bool(args, "unique").value_or(!force) ? std::optional<bool>(true) : std::nullopt;
    const auto add_restore = [&](auto p) { // the same parameters for either kind
        p.vmid = vmid;
        p.force = flag("force");
        p.unique = unique;
        p.storage = text(storage);
        plan.add(p);
    };
    if (container) {
        gen::nodes_lxc_post_params p{.node = node};
        p.ostemplate = volid;
        p.restore = true;
        add_restore(std::move(p));
    } else {
        gen::nodes_qemu_post_params p{.node = node};
        p.archive = volid;
        add_restore(std::move(p));
    }
    std::string what = fmt::format("Could not restore {} as {} on {}", volid, vmid, node);
    json::object out{
        {"vmid", vmid}, {"node", node}, {"archive", volid}, {"type", container ? "lxc" : "qemu"}};
    co_return co_await run_plan(ctx, args, plan, std::move(out), std::move(what));
}

} // namespace

void register_backup_tools(tool_registry& registry) {
    const wait_defaults waits{.wait = true, .timeout_seconds = 3600, .poll_interval_seconds = 5};
    json::object name{{"type", "string"}, {"maxLength", max_name_length}};
    registry.add({
        .name = "proxmox-backup-vm",
        .title = "Back up a guest",
        .description = "Back up a VM or container with vzdump (compress: zstd, gzip, lzo or 0).",
        .input_schema = input_schema(merged(
            selector_props(),
            {{"mode", json::object{{"type", "string"}, {"enum", json::array{"snapshot", "suspend", "stop"}}}},
             {"compress", json::object{{"type", "string"}, {"maxLength", 8}}},
             {"storage", name}})),
        .output_schema = output_schema(merged(fields({{"vmid", "integer"},
                                                      {"node", "string"},
                                                      {"name", "string"},
                                                      {"storage", "string"},
                                                      {"archive", "string"},
                                                      {"size", "integer"}}),
                                              task_output_props())),
        .annotations = {.idempotent = false},
        .handler = backup_vm,
        .safety = tool_safety::write,
        .waits = waits,
    });
    registry.add({
        .name = "proxmox-restore-vm",
        .title = "Restore a backup",
        .description = "Restore a vzdump archive as guest vmid; force overwrites a stopped one.",
        .input_schema = input_schema(
            {{"node", name},
             {"vmid", json::object{{"type", "integer"}, {"minimum", 100}, {"maximum", 999999999}}},
             {"archive", json::object{{"type", "string"}, {"minLength", 1}, {"maxLength", max_text_length}}},
             {"storage", name},
             {"force", json::object{{"type", "boolean"}}},
             {"unique", json::object{{"type", "boolean"}}}},
            {"vmid", "archive"}),
        .output_schema = output_schema(merged(
            fields({{"vmid", "integer"}, {"node", "string"}, {"archive", "string"}, {"type", "string"}}),
            task_output_props())),
        .annotations = {.idempotent = false},
        .handler = restore_vm,
        .safety = tool_safety::destructive,
        .waits = waits,
    });
}

} // namespace proxmox::mcp::tools
