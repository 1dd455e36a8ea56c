// Read operations of the curated surface: version, nodes, node status, guest lists,
// cluster resources and cluster-wide guest lookup.

#include "core/client_state.hpp"
#include "core/encoding.hpp"
#include "core/text.hpp"

#include <fmt/format.h>

namespace proxmox::detail {
namespace {

using boost::asio::awaitable;

template <class T>
awaitable<result<T>> get_as(state_ptr state, std::string path, request_params params, std::string what) {
    auto response = co_await request(state, http_method::get, std::move(path), std::move(params));
    if (!response)
        co_return response.error();
    co_return convert<T>(*response, what);
}

awaitable<result<std::vector<guest_summary>>> guest_list(state_ptr state, std::string node, guest_type type) {
    auto path = api_path({"nodes", path_value{"node", node}, to_string(type)});
    if (!path)
        co_return path.error();
    auto list = co_await get_as<std::vector<guest_summary>>(state, *path, {}, "guest list");
    if (list)
        for (auto& g : *list) {
            g.node = node; // per-node lists do not carry the node
            g.type = type;
        }
    co_return list;
}

const char* filter_name(resource_filter f) {
    switch (f) {
    case resource_filter::vm:
        return "vm";
    case resource_filter::storage:
        return "storage";
    case resource_filter::node:
        return "node";
    case resource_filter::sdn:
        return "sdn";
    case resource_filter::all:
        break;
    }
    return nullptr;
}

awaitable<result<std::vector<cluster_resource>>> resources(state_ptr state, resource_filter filter) {
    request_params params;
    if (const char* name = filter_name(filter))
        params.add("type", name);
    std::string path = "/cluster/resources";
    auto response = co_await request(state, http_method::get, std::move(path), std::move(params));
    if (!response)
        co_return response.error();
    auto* list = response->data.if_array();
    if (!list)
        co_return convert<std::vector<cluster_resource>>(*response, "cluster resources"); // the shape error
    // Each entry's object moves into `raw`: a 10,000-guest answer is not held twice.
    std::vector<cluster_resource> out;
    out.reserve(list->size());
    for (auto& entry : *list) {
        if (auto* o = entry.if_object())
            out.push_back(cluster_resource::from_json(std::move(*o)));
        else
            out.push_back(boost::json::value_to<cluster_resource>(entry));
    }
    co_return out;
}

std::string describe(const guest_selector& s) {
    std::string out =
        s.vmid ? fmt::format("vmid {}", *s.vmid) : fmt::format("name {}", bounded_quote(s.name));
    if (!s.node.empty())
        out += fmt::format(" on node {}", bounded_quote(s.node));
    return out;
}

/// `qemu 101 'db01' on pve`: enough to tell guests apart in a message.
std::string describe(const guest_summary& g) {
    return fmt::format("{} {} {} on {}", to_string(g.type), g.vmid, bounded_quote(g.name), g.node);
}

std::string describe(const std::vector<guest_summary>& guests) {
    std::string out;
    for (const auto& g : guests)
        out += (out.empty() ? "" : ", ") + describe(g);
    return out;
}

std::string_view kind_name(guest_type t) {
    return t == guest_type::qemu ? "a VM" : "a container";
}

/// Why the guest `g` (found by the selector's vmid or name) is not the one the selector asks for,
/// or an empty string when it is.
std::string mismatch(const guest_selector& sel, const guest_summary& g) {
    if (sel.vmid && !sel.name.empty() && g.name != sel.name)
        return fmt::format("vmid {} is {}, not named {}", *sel.vmid, describe(g), bounded_quote(sel.name));
    if (sel.type && g.type != *sel.type)
        return fmt::format("{} is {} ({}), not {}",
                           sel.vmid ? fmt::format("vmid {}", g.vmid) : bounded_quote(g.name),
                           kind_name(g.type), describe(g), kind_name(*sel.type));
    if (!sel.node.empty() && g.node != sel.node)
        return fmt::format("{} is on node {}, not on {}", describe(g), bounded_quote(g.node),
                           bounded_quote(sel.node));
    return {};
}

awaitable<result<guest_summary>> find_guest(state_ptr state, guest_selector sel) {
    if (!sel.vmid && sel.name.empty())
        co_return make_error(errc::invalid_argument, "guest selector needs a vmid or a name");
    auto all = co_await resources(state, resource_filter::vm);
    if (!all)
        co_return all.error();
    // candidates by the selector's key (its vmid, else its name), before node and type narrow them
    std::vector<guest_summary> candidates;
    std::vector<guest_summary> named; // guests with the selector's name, for messages
    for (const auto& r : *all) {
        if (!r.is_guest())
            continue;
        if (!sel.name.empty() && r.name == sel.name)
            named.push_back(r.to_guest());
        if (sel.vmid ? r.vmid == sel.vmid : r.name == sel.name)
            candidates.push_back(r.to_guest());
    }
    std::vector<guest_summary> matches;
    std::string why_not;
    for (auto& g : candidates) {
        if (auto reason = mismatch(sel, g); !reason.empty())
            why_not = std::move(reason);
        else
            matches.push_back(std::move(g));
    }
    if (matches.empty()) {
        if (candidates.empty())
            co_return make_error(errc::not_found,
                                 fmt::format("no guest with {} in the cluster", describe(sel)));
        if (sel.vmid && !sel.name.empty() && !named.empty())
            why_not += fmt::format("; named {}: {}", bounded_quote(sel.name), describe(named));
        // a vmid and a name that disagree point at two guests: the caller must say which
        const bool disagree = sel.vmid && !sel.name.empty() && candidates.front().name != sel.name;
        co_return make_error(disagree ? errc::invalid_argument : errc::not_found, why_not);
    }
    if (matches.size() > 1) {
        std::string list; // they share the name: vmid and node tell them apart
        for (const auto& g : matches)
            list += fmt::format("{}{} {} on {}", list.empty() ? "" : ", ", to_string(g.type), g.vmid, g.node);
        co_return make_error(errc::ambiguous_name,
                             fmt::format("{} matches {} guests ({}); pass the vmid or the node",
                                         describe(sel), matches.size(), list));
    }
    co_return std::move(matches.front());
}

} // namespace

void op_version(const state_ptr& state, handler<version_info> h) {
    spawn(state, get_as<version_info>(state, "/version", {}, "version"), std::move(h));
}

void op_nodes(const state_ptr& state, handler<std::vector<node_summary>> h) {
    spawn(state, get_as<std::vector<node_summary>>(state, "/nodes", {}, "node list"), std::move(h));
}

void op_node_status(const state_ptr& state, std::string node, handler<node_status> h) {
    auto path = api_path({"nodes", path_value{"node", node}, "status"});
    if (!path) {
        spawn(
            state, [](error e) -> awaitable<result<node_status>> { co_return e; }(path.error()),
            std::move(h));
        return;
    }
    spawn(state, get_as<node_status>(state, std::move(*path), {}, "node status"), std::move(h));
}

void op_guest_list(const state_ptr& state,
                   std::string node,
                   guest_type type,
                   handler<std::vector<guest_summary>> h) {
    spawn(state, guest_list(state, std::move(node), type), std::move(h));
}

void op_resources(const state_ptr& state, resource_filter filter, handler<std::vector<cluster_resource>> h) {
    spawn(state, resources(state, filter), std::move(h));
}

void op_find_guest(const state_ptr& state, guest_selector selector, handler<guest_summary> h) {
    spawn(state, find_guest(state, std::move(selector)), std::move(h));
}

} // namespace proxmox::detail
