#include "caller_text.hpp"
#include "pve_features.hpp"
#include "tools/common.hpp"

#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace proxmox::mcp::pve {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

/// The guest named by a vmid or a name among the cached entries.
const proxmox::cluster_resource* find_guest(const std::vector<proxmox::cluster_resource>& entries,
                                            std::string_view guest) {
    for (const auto& r : entries)
        if (r.is_guest() && r.vmid && (std::to_string(*r.vmid) == guest || r.name == guest))
            return &r;
    return nullptr;
}

std::string label(const proxmox::cluster_resource& g) {
    return fmt::format("{} {}{} on node {}", g.type == "qemu" ? "VM" : "container", *g.vmid,
                       g.name.empty() ? std::string() : fmt::format(" ({})", g.name), g.node);
}

json::object embedded(std::string uri, const json::value& value) {
    return json::object{
        {"role", "user"},
        {"content", json::object{{"type", "resource"},
                                 {"resource", json::object{{"uri", std::move(uri)},
                                                           {"mimeType", "application/json"},
                                                           {"text", json::serialize(value)}}}}}};
}

std::string bounded(const std::string& value) {
    return quote_text(value, 128);
}

asio::awaitable<prompt_messages>
provision_vm(std::shared_ptr<cluster_cache> cache, tool_context ctx, prompt_arguments args) {
    auto entries = co_await cache->entries(ctx);
    prompt_messages m;
    const auto* source = find_guest(entries, args["template"]);
    if (!source || !source->is_template) {
        std::vector<std::string> templates;
        for (const auto& r : entries)
            if (r.is_guest() && r.is_template && r.vmid)
                templates.push_back(fmt::format("{} ({})", *r.vmid, r.name));
        m.error = fmt::format("template {} is not a template in the cluster; templates: {}",
                              bounded(args["template"]), tools::joined(templates));
        co_return m;
    }
    std::string node = args["node"].empty() ? source->node : args["node"];
    std::string storage = args["storage"].empty() ? std::string("the template's storage") : args["storage"];
    m.description = fmt::format("Provision VM {} from template {}", bounded(args["name"]), *source->vmid);
    m.messages.push_back(user_text(fmt::format(
        "Provision a new VM named {name} from the template {tpl}.\n"
        "1. proxmox-clone-vm with vmid {vmid}, newid omitted (the next free id is taken), name {name}, "
        "target node {node}, full: true, storage {storage}. Call it with dry_run: true first, show me the "
        "requests, then call it again with confirm: true and wait: true.\n"
        "2. proxmox-cloudinit-set on the new VM if it needs a user, SSH keys or an IP configuration (ask me "
        "for them; never invent credentials).\n"
        "3. proxmox-start-vm with confirm: true and wait: true, then proxmox-vm-info to report its status, "
        "node, memory, cores and IP addresses if the agent reports them.\n"
        "Stop and tell me the exact error if a step fails; do not retry a failed write without asking.",
        fmt::arg("name", bounded(args["name"])), fmt::arg("tpl", label(*source)),
        fmt::arg("vmid", *source->vmid), fmt::arg("node", bounded(node)),
        fmt::arg("storage", bounded(storage)))));
    co_return m;
}

asio::awaitable<prompt_messages>
diagnose_start(std::shared_ptr<cluster_cache> cache, tool_context ctx, prompt_arguments args) {
    auto entries = co_await cache->entries(ctx);
    prompt_messages m;
    const auto* guest = find_guest(entries, args["guest"]);
    if (!guest) {
        m.error =
            fmt::format("no guest {} in the cluster (give a vmid or a name; proxmox-list-vms lists them)",
                        bounded(args["guest"]));
        co_return m;
    }
    const bool vm = guest->type == "qemu";
    m.description = fmt::format("Find why {} does not start", label(*guest));
    m.messages.push_back(embedded("proxmox://cluster/resources", guest->raw));
    m.messages.push_back(user_text(fmt::format(
        "{what} does not start (its cluster entry is above). Find out why, without changing anything:\n"
        "1. {info} for its config and status; read the resource proxmox://guests/{vmid}/config.\n"
        "2. proxmox-list-tasks on node {node} for vmid {vmid}; for the last failed {start} task read its log "
        "(proxmox-task-status or the resource proxmox://tasks/{{upid}}/log).\n"
        "3. Check what the log points at: a lock (config 'lock'), a missing or full storage "
        "(proxmox-list-storage), a bridge that does not exist on the node (proxmox-list-bridges), not enough "
        "free memory on the node (proxmox-node-status).\n"
        "Report the cause with the evidence and the exact fix; propose the tool call that would fix it, but "
        "do "
        "not run it.",
        fmt::arg("what", label(*guest)), fmt::arg("info", vm ? "proxmox-vm-info" : "proxmox-lxc-info"),
        fmt::arg("vmid", *guest->vmid), fmt::arg("node", guest->node),
        fmt::arg("start", vm ? "qmstart" : "vzstart"))));
    co_return m;
}

asio::awaitable<prompt_messages>
capacity_report(std::shared_ptr<cluster_cache> cache, tool_context ctx, prompt_arguments args) {
    auto entries = co_await cache->entries(ctx);
    prompt_messages m;
    const std::string& node = args["node"];
    auto it = std::find_if(entries.begin(), entries.end(),
                           [&](const auto& r) { return r.type == "node" && r.node == node; });
    if (it == entries.end()) {
        std::vector<std::string> nodes;
        for (const auto& r : entries)
            if (r.type == "node")
                nodes.push_back(r.node);
        m.error =
            fmt::format("node {} is not in the cluster; nodes: {}", bounded(node), tools::joined(nodes));
        co_return m;
    }
    json::array on_node;
    for (const auto& r : entries)
        if (r.node == node && (r.is_guest() || r.type == "storage"))
            on_node.push_back(r.raw);
    m.description = fmt::format("Capacity report of node {}", node);
    m.messages.push_back(embedded("proxmox://cluster/resources", it->raw));
    m.messages.push_back(embedded("proxmox://cluster/resources", on_node));
    m.messages.push_back(user_text(fmt::format(
        "Write a capacity report of node {node} from the data above (the node's entry, then its guests and "
        "storages) and proxmox-node-status / proxmox-node-metrics for the last day:\n"
        "- CPU: cores, load and use; memory: total, used, and how much the running guests are configured to "
        "use; each storage: size, used, free.\n"
        "- Which guests use the most of each; which are stopped but still hold disk space.\n"
        "- How many more guests of a typical size (the median of the running ones) fit, and what runs out "
        "first.\n"
        "Only read; change nothing.",
        fmt::arg("node", node))));
    co_return m;
}

prompt_builder bind(std::shared_ptr<cluster_cache> cache,
                    asio::awaitable<prompt_messages> (*build)(std::shared_ptr<cluster_cache>,
                                                              tool_context,
                                                              prompt_arguments)) {
    return [cache, build](tool_context ctx, prompt_arguments args) {
        return build(cache, std::move(ctx), std::move(args));
    };
}

} // namespace

prompt_registry make_prompts(std::shared_ptr<cluster_cache> cache) {
    prompt_registry p;
    p.add(
        prompt_def{"provision-vm",
                   "Provision a VM from a template",
                   "Clone a template into a new VM, configure cloud-init and start it, previewing each write",
                   {prompt_argument{"template", "Template", "vmid or name of the template", true,
                                    complete_guests(cache, true)},
                    prompt_argument{"name", "Name", "DNS name of the new VM", true, {}},
                    prompt_argument{"node", "Node", "node for the new VM (default: the template's)", false,
                                    complete_nodes(cache)},
                    prompt_argument{"storage", "Storage", "storage for its disks (default: the template's)",
                                    false, complete_storages(cache)}},
                   bind(cache, provision_vm)});
    p.add(
        prompt_def{"diagnose-guest-start",
                   "Find why a guest does not start",
                   "Read a guest's config, its failed start task and what it depends on, and name the cause",
                   {prompt_argument{"guest", "Guest", "vmid or name of the VM or container", true,
                                    complete_guests(cache)}},
                   bind(cache, diagnose_start)});
    p.add(prompt_def{"node-capacity-report",
                     "Capacity report of a node",
                     "CPU, memory and storage use of a node, its biggest guests and the headroom left",
                     {prompt_argument{"node", "Node", "the node's name", true, complete_nodes(cache)}},
                     bind(cache, capacity_report)});
    return p;
}

} // namespace proxmox::mcp::pve
