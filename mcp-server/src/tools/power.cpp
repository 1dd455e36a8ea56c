// Power tools: proxmox-start-vm, -stop-vm, -shutdown-vm, -reboot-vm, -start-lxc, -stop-lxc.
#include "tools/guest.hpp"
#include "tools/plan.hpp"
#include "tools/task_wait.hpp"
#include "tools/tools.hpp"

#include <proxmox/generated/nodes_lxc.hpp>
#include <proxmox/generated/nodes_qemu.hpp>

#include <fmt/format.h>

namespace proxmox::mcp::tools {

namespace asio = boost::asio;
namespace gen = proxmox::gen;
using proxmox::guest_type;

namespace {

enum class action { start, stop, shutdown, reboot };

/// The request for `a` on `g`; `timeout` is PVE's own limit where the endpoint takes one.
void plan_request(write_plan& plan,
                  action a,
                  const proxmox::guest_summary& g,
                  std::optional<std::int64_t> timeout) {
    const std::string node = g.node;
    const auto vmid = static_cast<std::int64_t>(g.vmid);
    if (g.type == guest_type::qemu) {
        switch (a) {
        case action::start:
            return plan.add(gen::nodes_qemu_status_start_post_params{.node = node, .vmid = vmid});
        case action::stop:
            return plan.add(
                gen::nodes_qemu_status_stop_post_params{.node = node, .vmid = vmid, .timeout = timeout});
        case action::shutdown:
            return plan.add(
                gen::nodes_qemu_status_shutdown_post_params{.node = node, .vmid = vmid, .timeout = timeout});
        case action::reboot:
            return plan.add(
                gen::nodes_qemu_status_reboot_post_params{.node = node, .vmid = vmid, .timeout = timeout});
        }
    }
    switch (a) {
    case action::start:
        return plan.add(gen::nodes_lxc_status_start_post_params{.node = node, .vmid = vmid});
    case action::stop: // PVE's container stop takes no timeout
        return plan.add(gen::nodes_lxc_status_stop_post_params{.node = node, .vmid = vmid});
    case action::shutdown:
        return plan.add(
            gen::nodes_lxc_status_shutdown_post_params{.node = node, .vmid = vmid, .timeout = timeout});
    case action::reboot:
        return plan.add(
            gen::nodes_lxc_status_reboot_post_params{.node = node, .vmid = vmid, .timeout = timeout});
    }
}

std::string_view verb(action a) {
    switch (a) {
    case action::start:
        return "start";
    case action::stop:
        return "stop";
    case action::shutdown:
        return "shut down";
    case action::reboot:
        return "reboot";
    }
    return "";
}

asio::awaitable<tool_result> power(tool_context ctx, json::object args, guest_type type, action a) {
    auto guest = co_await resolve_guest(ctx, args, type);
    if (!guest)
        co_return guest.failure();
    const auto& g = *guest;
    if (a == action::stop && arg_bool(args, "hard") == std::optional<bool>(false))
        a = action::shutdown; // the seed's stop-vm shuts down unless hard: true

    auto out = guest_out(g);
    // Idempotent: a guest already in the wanted state needs no task (PVE would fail one).
    const bool running = g.status == "running";
    if ((a == action::start && running) ||
        ((a == action::stop || a == action::shutdown) && g.status == "stopped")) {
        out["status"] = g.status;
        out["already"] = true;
        co_return tool_result::success(std::move(out));
    }
    std::optional<std::int64_t> timeout;
    if (a != action::start && args.contains("timeout"))
        timeout = arg_int(args, "timeout");

    write_plan plan(fmt::format("{} {}", verb(a), guest_label(g)));
    if (a == action::start)
        plan.check("not a template", !g.is_template,
                   g.is_template ? "templates cannot start; clone it first" : "");
    if (a == action::reboot)
        plan.check("guest is running", running,
                   running ? "" : fmt::format("it is {}; start it instead", g.status));
    plan_request(plan, a, g, timeout);
    std::string what = fmt::format("Could not {} {}", verb(a), guest_label(g));
    co_return co_await run_plan(ctx, args, plan, std::move(out), std::move(what));
}

tool_handler handler(guest_type type, action a) {
    return [type, a](tool_context ctx, json::object args) {
        return power(std::move(ctx), std::move(args), type, a);
    };
}

json::object power_output() {
    return output_schema(merged(
        {{"vmid", json::object{{"type", "integer"}}},
         {"node", json::object{{"type", "string"}}},
         {"name", json::object{{"type", "string"}}},
         {"status", json::object{{"type", "string"}}},
         {"already", json::object{{"type", "boolean"},
                                  {"description", "It was already in that state; nothing was sent."}}}},
        task_output_props()));
}

} // namespace

void register_power_tools(tool_registry& registry) {
    const wait_defaults waits{.wait = false, .timeout_seconds = 300, .poll_interval_seconds = 2.0};
    registry.add({
        .name = "proxmox-start-vm",
        .title = "Start a VM",
        .description = "Start a QEMU VM.",
        .input_schema = input_schema(selector_props()),
        .output_schema = power_output(),
        .annotations = {.idempotent = true},
        .handler = handler(guest_type::qemu, action::start),
        .safety = tool_safety::write,
        .waits = waits,
    });
    registry.add({
        .name = "proxmox-stop-vm",
        .title = "Stop a VM",
        .description = "Shut a QEMU VM down via ACPI, or power it off with hard: true.",
        .input_schema = input_schema(
            merged(selector_props(), {{"hard", json::object{{"type", "boolean"}, {"default", false}}}})),
        .output_schema = power_output(),
        .annotations = {.idempotent = true},
        .handler = handler(guest_type::qemu, action::stop),
        .safety = tool_safety::destructive,
        .waits = waits,
    });
    registry.add({
        .name = "proxmox-reboot-vm",
        .title = "Reboot a VM",
        .description = "Reboot a running QEMU VM (ACPI shutdown, then start).",
        .input_schema = input_schema(selector_props()),
        .output_schema = power_output(),
        .annotations = {.idempotent = false},
        .handler = handler(guest_type::qemu, action::reboot),
        .safety = tool_safety::write,
    });
    registry.add({
        .name = "proxmox-shutdown-vm",
        .title = "Shut down a VM",
        .description = "Shut a QEMU VM down cleanly (ACPI); timeout also bounds PVE's wait.",
        .input_schema = input_schema(selector_props()),
        .output_schema = power_output(),
        .annotations = {.idempotent = true},
        .handler = handler(guest_type::qemu, action::shutdown),
        .safety = tool_safety::write,
        .waits = waits,
    });
    registry.add({
        .name = "proxmox-start-lxc",
        .title = "Start a container",
        .description = "Start an LXC container.",
        .input_schema = input_schema(selector_props()),
        .output_schema = power_output(),
        .annotations = {.idempotent = true},
        .handler = handler(guest_type::lxc, action::start),
        .safety = tool_safety::write,
        .waits = waits,
    });
    registry.add({
        .name = "proxmox-stop-lxc",
        .title = "Stop a container",
        .description = "Stop an LXC container at once (no clean shutdown).",
        .input_schema = input_schema(selector_props()),
        .output_schema = power_output(),
        .annotations = {.idempotent = true},
        .handler = handler(guest_type::lxc, action::stop),
        .safety = tool_safety::destructive,
        .waits = waits,
    });
}

} // namespace proxmox::mcp::tools
