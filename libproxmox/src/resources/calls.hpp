#ifndef PROXMOX_SRC_RESOURCES_CALLS_HPP
#define PROXMOX_SRC_RESOURCES_CALLS_HPP

// What the curated operations share: argument checks that name the field, and sending a call a
// generated params struct encodes (path and parameters never written by hand).

#include "core/client_state.hpp"

#include <proxmox/generated/common.hpp>

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace proxmox::detail {

/// PVE's VMID range (pve-vmid).
inline bool vmid_in_range(std::int64_t vmid) {
    return vmid >= 100 && vmid <= 999'999'999;
}

/// A guest's address: a node name and a VMID in range. `what` names the guest in the message
/// ("VM", "container", "guest").
inline result<void> check_guest(const std::string& node, std::int64_t vmid, std::string_view what = "guest") {
    if (node.empty())
        return make_error(errc::invalid_argument,
                          fmt::format("node name is empty; pass the node the {} is on, e.g. \"pve\"", what));
    if (!vmid_in_range(vmid))
        return make_error(errc::invalid_argument,
                          fmt::format("vmid {} is out of range (100 .. 999999999)", vmid));
    return {};
}

/// Sends an encoded call.
inline boost::asio::awaitable<result<api_response>>
send(state_ptr state, http_method method, gen::encoded_request req) {
    auto response = co_await request(state, method, std::move(req));
    co_return response;
}

/// Sends an encoded call that answers with a task UPID and returns its handle.
inline boost::asio::awaitable<result<task_handle>>
send_task(state_ptr state, http_method method, gen::encoded_request req) {
    const auto path = req.path;
    auto response = co_await request(state, method, std::move(req));
    if (!response)
        co_return response.error();
    co_return task_from(state, *response, path);
}

/// Sends the call a generated params struct describes.
template <class Params> boost::asio::awaitable<result<api_response>> send(state_ptr state, Params params) {
    auto req = encode(params); // found by ADL in proxmox::gen
    auto response = co_await request(state, Params::endpoint.method, std::move(req));
    co_return response;
}

/// Sends the call a generated params struct describes; it answers with a task UPID.
template <class Params>
boost::asio::awaitable<result<task_handle>> send_task(state_ptr state, Params params) {
    auto req = encode(params); // found by ADL in proxmox::gen
    auto task = co_await send_task(state, Params::endpoint.method, std::move(req));
    co_return task;
}

} // namespace proxmox::detail

#endif
