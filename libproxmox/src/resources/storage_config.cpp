// The datacenter's storage definitions (GET /storage), joined with each node's usage from one
// GET /cluster/resources?type=storage when the caller asks for it.

#include "core/client_state.hpp"
#include "core/json_read.hpp"
#include "core/text.hpp"
#include "resources/calls.hpp"

#include <proxmox/client.hpp>
#include <proxmox/generated/cluster.hpp>
#include <proxmox/generated/storage.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace proxmox::detail {
namespace {

using boost::asio::awaitable;

awaitable<result<std::vector<storage_config>>> storage_configs(state_ptr state, storage_list_options o) {
    gen::storage_get_params list;
    if (!o.type.empty()) {
        if (o.type.size() > 32 ||
            !std::all_of(o.type.begin(), o.type.end(), [](char c) { return c >= 'a' && c <= 'z'; }))
            co_return make_error(
                errc::invalid_argument,
                fmt::format("storage_list_options.type {} is not a storage type (dir, lvmthin, "
                            "zfspool, nfs, cifs, pbs, ...)",
                            bounded_quote(o.type)));
        list.type = gen::storage_get_params::type_enum(o.type);
    }
    auto response = co_await send(state, http_method::get, gen::encode(list));
    if (!response)
        co_return response.error();
    auto configs = convert<std::vector<storage_config>>(*response, "storage list");
    if (!configs || !o.with_usage)
        co_return configs;

    gen::cluster_resources_get_params resources;
    resources.type = gen::cluster_resources_get_params::type_enum("storage");
    auto usage = co_await send(state, http_method::get, gen::encode(resources));
    if (!usage)
        co_return usage.error();
    const auto* entries = usage->data.if_array();
    if (!entries)
        co_return make_error(errc::protocol_error,
                             "GET /cluster/resources?type=storage did not answer a list");
    for (const auto& entry : *entries) {
        const auto& e = as_object_or_empty(entry);
        if (read_string(e, "type") != "storage")
            continue;
        const auto name = read_string(e, "storage");
        for (auto& config : *configs)
            if (config.storage == name)
                config.usage[read_string(e, "node")] = storage_usage::from_cluster_resource(e);
    }
    co_return configs;
}

} // namespace

void op_storage_configs(const state_ptr& state,
                        storage_list_options o,
                        handler<std::vector<storage_config>> h) {
    spawn(state, storage_configs(state, std::move(o)), std::move(h));
}

} // namespace proxmox::detail
