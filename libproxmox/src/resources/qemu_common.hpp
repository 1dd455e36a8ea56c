#ifndef PROXMOX_SRC_RESOURCES_QEMU_COMMON_HPP
#define PROXMOX_SRC_RESOURCES_QEMU_COMMON_HPP

// Shared by the qemu_handle operations: argument checks and sending a generated call.

#include "core/client_state.hpp"
#include "resources/calls.hpp"

#include <proxmox/generated/cluster.hpp>
#include <proxmox/generated/nodes_qemu.hpp>
#include <proxmox/resources/qemu.hpp>

#include <fmt/format.h>

namespace proxmox::detail {

inline result<void> check_vm(const std::string& node, vmid_t vmid) {
    return check_guest(node, vmid, "VM");
}

/// Sends the call `p` encodes, plus `extra` parameters (config keys the generated struct holds
/// in a typed field group, set here from text).
template <class Params>
boost::asio::awaitable<result<api_response>> send(state_ptr state, Params p, request_params extra) {
    auto req = gen::encode(p);
    for (const auto& [key, value] : extra.items())
        req.params.add(key, value);
    auto response = co_await request(state, Params::endpoint.method, std::move(req));
    co_return response;
}

/// Completes `h` with `e` without sending anything.
template <class T> boost::asio::awaitable<result<T>> failed(error e) {
    co_return e;
}

} // namespace proxmox::detail

#endif
