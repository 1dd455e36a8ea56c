// proxmox-list-snapshots, -create-snapshot, -delete-snapshot, -rollback-snapshot: for VMs and
// containers alike (the guest's type picks the qemu or lxc endpoints).
#include "caller_text.hpp"
#include "tools/checks.hpp"
#include "tools/guest.hpp"
#include "tools/plan.hpp"
#include "tools/task_wait.hpp"
#include "tools/tools.hpp"

#include <proxmox/client.hpp>
#include <proxmox/generated/nodes_lxc.hpp>
#include <proxmox/generated/nodes_qemu.hpp>
#include <proxmox/models/snapshot.hpp>

#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace proxmox::mcp::tools {

namespace asio = boost::asio;
namespace gen = proxmox::gen;
using proxmox::guest_type;

namespace {

proxmox::snapshot_handle snapshots_of(const tool_context& ctx, const proxmox::guest_summary& g) {
    if (g.type == guest_type::qemu)
        return ctx.client->node(g.node).qemu(g.vmid).snapshots();
    return ctx.client->node(g.node).lxc(g.vmid).snapshots();
}

/// The guest's snapshots without PVE's `current` pseudo entry, and the name of the one the
/// guest runs on (`current`'s parent).
struct snapshot_list {
    std::vector<proxmox::snapshot_info> snapshots;
    std::string current_parent;

    const proxmox::snapshot_info* find(std::string_view name) const {
        auto it =
            std::find_if(snapshots.begin(), snapshots.end(), [&](const auto& s) { return s.name == name; });
        return it == snapshots.end() ? nullptr : &*it;
    }
    std::string names() const {
        if (snapshots.empty())
            return "it has none";
        std::vector<std::string> n;
        for (const auto& s : snapshots)
            n.push_back(s.name);
        return fmt::format("its snapshots: {}", fmt::join(n, ", "));
    }
};

asio::awaitable<outcome<snapshot_list>> read_snapshots(const tool_context& ctx, proxmox::guest_summary g) {
    const auto handle = snapshots_of(ctx, g);
    auto list = co_await handle.async_list(asio::use_awaitable);
    if (!list)
        co_return failure(fmt::format("Listing the snapshots of {} failed", guest_label(g)), list.error());
    snapshot_list out;
    for (auto& s : *list) {
        if (s.is_current)
            out.current_parent = s.parent;
        else
            out.snapshots.push_back(std::move(s));
    }
    co_return out;
}

json::object base_out(const proxmox::guest_summary& g, std::string_view snapname) {
    return merged(guest_out(g),
                  {{"type", g.type == guest_type::qemu ? "qemu" : "lxc"}, {"snapname", snapname}});
}

asio::awaitable<tool_result> list_snapshots(tool_context ctx, json::object args) {
    const std::optional<guest_type> any;
    auto guest = co_await resolve_guest(ctx, args, any);
    if (!guest)
        co_return std::move(guest.failure());
    const auto g = *guest;
    auto list = co_await read_snapshots(ctx, g);
    if (!list)
        co_return std::move(list.failure());
    json::array items;
    for (const auto& s : list->snapshots) {
        json::object o{{"name", s.name}, {"vmstate", s.vmstate}};
        if (!s.description.empty())
            o["description"] = s.description;
        if (s.snaptime)
            o["snaptime"] = *s.snaptime;
        if (!s.parent.empty())
            o["parent"] = s.parent;
        items.push_back(std::move(o));
    }
    json::object out{{"snapshots", std::move(items)}};
    out["vmid"] = g.vmid;
    out["node"] = g.node;
    out["type"] = g.type == guest_type::qemu ? "qemu" : "lxc";
    if (!list->current_parent.empty())
        out["current"] = list->current_parent;
    co_return tool_result::success(std::move(out));
}

enum class action { create, remove, rollback };

std::string_view verb(action a) {
    switch (a) {
    case action::create:
        return "snapshot";
    case action::remove:
        return "delete snapshot";
    case action::rollback:
        return "roll back to snapshot";
    }
    return "";
}

void plan_request(write_plan& plan,
                  action a,
                  const proxmox::guest_summary& g,
                  const std::string& snapname,
                  const json::object& args) {
    const std::string node = g.node;
    const auto vmid = static_cast<std::int64_t>(g.vmid);
    std::optional<std::string> description;
    if (auto d = arg_string(args, "description"); d && !d->empty())
        description = *d;
    const bool qemu = g.type == guest_type::qemu;
    switch (a) {
    case action::create:
        if (qemu)
            return plan.add(gen::nodes_qemu_snapshot_post_params{
                .node = node,
                .vmid = vmid,
                .description = description,
                .snapname = snapname,
                .vmstate =
                    arg_bool(args, "vmstate").value_or(false) ? std::optional<bool>(true) : std::nullopt});
        return plan.add(gen::nodes_lxc_snapshot_post_params{
            .node = node, .vmid = vmid, .description = description, .snapname = snapname});
    case action::remove:
        if (qemu)
            return plan.add(gen::nodes_qemu_snapshot_snapname_delete_params{
                .node = node, .vmid = vmid, .snapname = snapname});
        return plan.add(
            gen::nodes_lxc_snapshot_snapname_delete_params{.node = node, .vmid = vmid, .snapname = snapname});
    case action::rollback:
        if (qemu)
            return plan.add(gen::nodes_qemu_snapshot_rollback_post_params{
                .node = node, .vmid = vmid, .snapname = snapname});
        return plan.add(
            gen::nodes_lxc_snapshot_rollback_post_params{.node = node, .vmid = vmid, .snapname = snapname});
    }
}

asio::awaitable<tool_result> snapshot_write(tool_context ctx, json::object args, action a) {
    const std::string snapname = arg_string(args, "snapname").value_or("");
    if (auto ok = proxmox::check_snapshot_name(snapname); !ok)
        co_return tool_result::failure(fmt::format(
            "snapname {}: {}. Fix: use e.g. \"before-upgrade\" (a letter first, then letters, digits, "
            "'_' or '-', at most 40).",
            quote_text(snapname), ok.error().message));
    const std::optional<guest_type> any;
    auto guest = co_await resolve_guest(ctx, args, any);
    if (!guest)
        co_return std::move(guest.failure());
    const auto g = *guest;
    if (a == action::create && g.type == guest_type::lxc && arg_bool(args, "vmstate").value_or(false))
        co_return tool_result::failure(fmt::format(
            "vmstate is for VMs only; {} is a container. Fix: leave vmstate out.", guest_label(g)));
    auto list = co_await read_snapshots(ctx, g);
    if (!list)
        co_return std::move(list.failure());
    const auto* existing = list->find(snapname);

    write_plan plan(fmt::format("{} {} of {}", verb(a), snapname, guest_label(g)));
    if (a == action::create) {
        std::string taken;
        if (existing)
            taken = existing->snaptime
                        ? fmt::format("taken at {} (Unix time); pick another name or delete it with "
                                      "proxmox-delete-snapshot",
                                      *existing->snaptime)
                        : "pick another name or delete it with proxmox-delete-snapshot";
        plan.check(fmt::format("no snapshot named {} yet", snapname), !existing, taken);
        plan.check("not a template", !g.is_template,
                   g.is_template ? "templates cannot be snapshotted; clone it first" : "");
    } else {
        plan.check(fmt::format("snapshot {} exists", quote_text(snapname)), existing != nullptr,
                   existing ? "" : list->names());
    }
    check_not_locked(plan, g);
    plan_request(plan, a, g, snapname, args);
    std::string what = fmt::format("Could not {} {} of {}", verb(a), snapname, guest_label(g));
    auto out = base_out(g, snapname);
    co_return co_await run_plan(ctx, args, plan, std::move(out), std::move(what));
}

tool_handler write_handler(action a) {
    return [a](tool_context ctx, json::object args) {
        return snapshot_write(std::move(ctx), std::move(args), a);
    };
}

json::object snapname_prop() {
    return json::object{{"type", "string"}, {"minLength", 1}, {"maxLength", 40}};
}

json::object write_output() {
    return output_schema(merged(fields({{"vmid", "integer"},
                                        {"node", "string"},
                                        {"name", "string"},
                                        {"type", "string"},
                                        {"snapname", "string"}}),
                                task_output_props()));
}

} // namespace

void register_snapshot_tools(tool_registry& registry) {
    registry.add({
        .name = "proxmox-list-snapshots",
        .title = "List snapshots",
        .description = "A guest's snapshots; current is the one it runs on.",
        .input_schema = input_schema(selector_props()),
        .output_schema = output_schema(merged(
            {{"snapshots", json::object{{"type", "array"},
                                        {"items", output_schema(fields({{"name", "string"},
                                                                        {"description", "string"},
                                                                        {"snaptime", "integer"},
                                                                        {"vmstate", "boolean"},
                                                                        {"parent", "string"}}))}}}},
            fields({{"vmid", "integer"}, {"node", "string"}, {"type", "string"}, {"current", "string"}}))),
        .annotations = {.idempotent = true},
        .handler = list_snapshots,
    });
    registry.add({
        .name = "proxmox-create-snapshot",
        .title = "Create a snapshot",
        .description = "Snapshot a VM or container (vmstate: with a running VM's RAM).",
        .input_schema =
            input_schema(merged(selector_props(), {{"snapname", snapname_prop()},
                                                   {"description", json::object{{"type", "string"}}},
                                                   {"vmstate", json::object{{"type", "boolean"}}}}),
                         {"snapname"}),
        .output_schema = write_output(),
        .annotations = {.idempotent = false},
        .handler = write_handler(action::create),
        .safety = tool_safety::write,
        .waits = wait_defaults{.timeout_seconds = 600},
    });
    registry.add({
        .name = "proxmox-delete-snapshot",
        .title = "Delete a snapshot",
        .description = "Delete a snapshot of a VM or container.",
        .input_schema = input_schema(merged(selector_props(), {{"snapname", snapname_prop()}}), {"snapname"}),
        .output_schema = write_output(),
        .annotations = {.idempotent = false},
        .handler = write_handler(action::remove),
        .safety = tool_safety::destructive,
        .waits = wait_defaults{},
    });
    registry.add({
        .name = "proxmox-rollback-snapshot",
        .title = "Roll back to a snapshot",
        .description = "Roll a VM or container back to a snapshot, losing later changes.",
        .input_schema = input_schema(merged(selector_props(), {{"snapname", snapname_prop()}}), {"snapname"}),
        .output_schema = write_output(),
        .annotations = {.idempotent = false},
        .handler = write_handler(action::rollback),
        .safety = tool_safety::destructive,
        .waits = wait_defaults{.wait = true, .timeout_seconds = 900},
    });
}

} // namespace proxmox::mcp::tools
