// proxmox-list-vms, proxmox-list-lxc.
#include "policy.hpp"
#include "tools/guest.hpp"
#include "tools/listing.hpp"
#include "tools/tools.hpp"

#include <proxmox/client.hpp>

#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace proxmox::mcp::tools {

namespace asio = boost::asio;

namespace {

/// One `GET /cluster/resources?type=vm` (PVE has no type=lxc filter: the answer's `type` is).
asio::awaitable<tool_result> list_guests(tool_context ctx, json::object args, proxmox::guest_type type) {
    auto node = arg_string(args, "node");
    auto status = arg_string(args, "status");
    // `search` is the seed's name; `name` stays accepted.
    auto search = arg_string(args, "search");
    if (!search)
        search = arg_string(args, "name");

    auto resources =
        co_await ctx.client->cluster().async_resources(proxmox::resource_filter::vm, asio::use_awaitable);
    if (!resources)
        co_return failure(fmt::format("Listing the cluster's {}s failed", kind_name(type)),
                          resources.error());
    // Filtered and sorted on the typed entries; only the page becomes guests and JSON (a
    // 10,000-guest cluster answers 50 of them).
    std::vector<proxmox::cluster_resource*> guests;
    for (auto& r : *resources) {
        if (r.type != proxmox::to_string(type))
            continue;
        const auto vmid = r.vmid.value_or(0);
        if (node && r.node != *node)
            continue;
        if (status && r.status != *status)
            continue;
        if (search && !contains_icase(r.name, *search))
            continue;
        if (ctx.policy && ctx.policy->refuse_guest(vmid, r.node, r.pool))
            continue; // outside the allow-lists: not shown
        guests.push_back(&r);
    }
    std::sort(guests.begin(), guests.end(),
              [](const auto* a, const auto* b) { return a->vmid.value_or(0) < b->vmid.value_or(0); });
    std::string_view key = type == proxmox::guest_type::qemu ? "vms" : "containers";
    // The default item leaves out disk, maxdisk and the traffic counters: 50 guests stay well
    // under 8 KB; `fields` asks for any of them.
    const auto to_json = [](proxmox::cluster_resource* r) { return guest_json(std::move(*r).to_guest()); };
    co_return tool_result::success(page_of(guests, to_json, args, key,
                                           {"vmid", "name", "node", "status", "template", "cpus", "cpu",
                                            "mem", "maxmem", "uptime", "tags", "lock", "pool"}));
}

json::object list_input() {
    return input_schema(merged(
        {{"node", json::object{{"type", "string"}, {"maxLength", max_name_length}}},
         {"status", json::object{{"type", "string"}, {"enum", json::array{"running", "stopped"}}}},
         {"search", json::object{{"type", "string"}, {"maxLength", max_name_length}}},
         // `name`: an older spelling of `search`, still accepted
         {"name", json::object{{"type", "string"}, {"maxLength", max_name_length}, {"x-unlisted", true}}}},
        list_props()));
}

} // namespace

void register_vm_tools(tool_registry& registry) {
    registry.add({
        .name = "proxmox-list-vms",
        .title = "List VMs",
        .description = "List QEMU VMs (templates too) with status and usage; search: name contains.",
        .input_schema = list_input(),
        .output_schema = output_schema(page_output_props("vms", guest_schema())),
        .annotations = {.idempotent = true},
        .handler =
            [](tool_context ctx, json::object args) {
                return list_guests(std::move(ctx), std::move(args), proxmox::guest_type::qemu);
            },
    });
    registry.add({
        .name = "proxmox-list-lxc",
        .title = "List containers",
        .description = "List LXC containers with status and usage; search: name contains.",
        .input_schema = list_input(),
        .output_schema = output_schema(page_output_props("containers", guest_schema())),
        .annotations = {.idempotent = true},
        .handler =
            [](tool_context ctx, json::object args) {
                return list_guests(std::move(ctx), std::move(args), proxmox::guest_type::lxc);
            },
    });
}

} // namespace proxmox::mcp::tools
