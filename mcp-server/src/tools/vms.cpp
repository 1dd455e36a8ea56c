// proxmox-list-vms, proxmox-start-vm.
#include "tools/common.hpp"
#include "tools/tools.hpp"

#include <proxmox/client.hpp>

#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <vector>

namespace proxmox::mcp::tools {

namespace asio = boost::asio;

namespace {

constexpr std::int64_t default_wait_seconds = 50; // below the 60 s request timeout many clients use
constexpr std::int64_t max_wait_seconds = 3600;

asio::awaitable<tool_result> list_vms(tool_context ctx, json::object args) {
    auto node = arg_string(args, "node");
    auto status = arg_string(args, "status");
    auto name = arg_string(args, "name");

    std::vector<proxmox::guest_summary> guests;
    if (node) {
        auto handle = ctx.client->node(*node);
        auto list = co_await handle.async_qemu_list(asio::use_awaitable);
        if (!list)
            co_return failure(fmt::format("Listing the VMs of node {} failed", *node), list.error());
        guests = std::move(*list);
    } else {
        auto cluster = ctx.client->cluster();
        auto resources = co_await cluster.async_resources(proxmox::resource_filter::vm, asio::use_awaitable);
        if (!resources)
            co_return failure("Listing the cluster's VMs failed", resources.error());
        for (const auto& r : *resources)
            if (r.type == "qemu")
                guests.push_back(r.to_guest());
    }

    std::sort(guests.begin(), guests.end(), [](const auto& a, const auto& b) { return a.vmid < b.vmid; });
    json::array vms;
    for (const auto& g : guests) {
        if (status && g.status != *status)
            continue;
        if (name && !contains_icase(g.name, *name))
            continue;
        vms.push_back(guest_json(g));
    }
    std::size_t count = vms.size();
    co_return tool_result::success({{"vms", std::move(vms)}, {"count", count}});
}

asio::awaitable<tool_result> start_vm(tool_context ctx, json::object args) {
    proxmox::guest_selector selector;
    if (auto vmid = arg_int(args, "vmid"))
        selector.vmid = static_cast<proxmox::vmid_t>(*vmid);
    selector.name = arg_string(args, "name").value_or("");
    selector.node = arg_string(args, "node").value_or("");
    selector.type = proxmox::guest_type::qemu;
    bool wait = arg_bool(args, "wait").value_or(false);
    std::int64_t timeout = arg_int(args, "timeout").value_or(default_wait_seconds);
    if (!selector.vmid && selector.name.empty())
        co_return tool_result::failure(
            "Missing the VM: pass \"vmid\" (e.g. 100) or \"name\". Fix: add one of them "
            "(proxmox-list-vms lists the VMs).");

    std::string what =
        selector.vmid ? fmt::format("VM {}", *selector.vmid) : fmt::format("VM '{}'", selector.name);
    auto cluster = ctx.client->cluster();
    auto found = co_await cluster.async_find_guest(selector, asio::use_awaitable);
    if (!found)
        co_return failure(fmt::format("Finding {} failed", what), found.error());
    const proxmox::guest_summary guest = std::move(*found);

    auto vm = ctx.client->node(guest.node).qemu(guest.vmid);
    auto started = co_await vm.async_start(asio::use_awaitable);
    if (!started)
        co_return failure(fmt::format("Starting VM {} on node {} failed", guest.vmid, guest.node),
                          started.error());
    const proxmox::task_handle task = *started;

    json::object out{{"upid", task.upid()},
                     {"node", guest.node},
                     {"vmid", guest.vmid},
                     {"name", guest.name},
                     {"waited", wait}};
    if (!wait)
        co_return tool_result::success(std::move(out));

    proxmox::task_wait_options opts;
    opts.timeout = std::chrono::seconds(timeout);
    auto final_status = co_await task.async_wait(opts, asio::use_awaitable);
    if (!final_status) {
        const auto& e = final_status.error();
        if (e.code == proxmox::make_error_code(proxmox::errc::task_timeout)) {
            co_return tool_result::failure(
                fmt::format("VM {} is still starting after {} s (task {}). Fix: check later with "
                            "proxmox-task-status {{\"upid\": \"{}\"}}, or call again with a larger timeout.",
                            guest.vmid, timeout, task.upid(), task.upid()),
                std::move(out));
        }
        auto r = failure(fmt::format("Starting VM {} on node {} failed", guest.vmid, guest.node), e);
        for (const auto& kv : out)
            if (!r.details.contains(kv.key()))
                r.details[kv.key()] = kv.value();
        co_return r;
    }
    out["status"] = task_json(*final_status);
    co_return tool_result::success(std::move(out));
}

} // namespace

void register_vm_tools(tool_registry& registry) {
    registry.add({
        .name = "proxmox-list-vms",
        .title = "List VMs",
        .description =
            "List QEMU virtual machines of the whole cluster or of one node, optionally filtered by "
            "status and by a name substring (case-insensitive). Templates are included "
            "(template: true).",
        .input_schema = input_schema({
            {"node", name_prop("Only VMs on this node.")},
            {"status", enum_prop("Only VMs in this state.", {"running", "stopped"})},
            {"name",
             text_prop("Only VMs whose name contains this text (case-insensitive).", max_name_length)},
        }),
        .output_schema = output_schema({{"vms", array_prop("The matching VMs, by vmid.", guest_schema())},
                                        {"count", integer_prop("Number of VMs returned.")}},
                                       {"vms", "count"}),
        .annotations = {.read_only = true, .destructive = false, .idempotent = true, .open_world = true},
        .handler = list_vms,
    });

    registry.add({
        .name = "proxmox-start-vm",
        .title = "Start a VM",
        .description =
            "Start a QEMU VM chosen by vmid or by name (optionally restricted to a node). Returns the "
            "task id (UPID) at once; with wait: true it waits for the task and returns its final "
            "status, and a failed start (for example a VM that is already running) is an error.",
        .input_schema = input_schema({
            {"vmid", vmid_prop("VM id, e.g. 100. Give vmid or name.")},
            {"name", name_prop("VM name. Give vmid or name.")},
            {"node", name_prop("Only look for the VM on this node.")},
            {"wait", json::object{{"type", "boolean"},
                                  {"default", false},
                                  {"description", "Wait until the start task has finished."}}},
            {"timeout", json::object{{"type", "integer"},
                                     {"minimum", 1},
                                     {"maximum", max_wait_seconds},
                                     {"default", default_wait_seconds},
                                     {"description", "With wait: give up waiting after this many seconds."}}},
        }),
        .output_schema = output_schema(
            {
                {"upid", string_prop("Task id of the start task.")},
                {"node", string_prop("Node the VM is on.")},
                {"vmid", integer_prop("VM id.")},
                {"name", string_prop("VM name.")},
                {"waited", boolean_prop("Whether the call waited for the task.")},
                {"status", described(task_schema(), "With wait: the task's final status.")},
            },
            {"upid", "node", "vmid", "waited"}),
        .annotations = {.read_only = false, .destructive = false, .idempotent = true, .open_world = true},
        .handler = start_vm,
    });
}

} // namespace proxmox::mcp::tools
