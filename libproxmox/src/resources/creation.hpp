#ifndef PROXMOX_SRC_RESOURCES_CREATION_HPP
#define PROXMOX_SRC_RESOURCES_CREATION_HPP

// What creating and cloning guests share: checking a requested VMID, taking the next free one,
// and starting the worker that builds the guest.

#include "core/client_state.hpp"

#include <proxmox/generated/common.hpp>
#include <proxmox/task.hpp>

#include <string_view>

namespace proxmox::detail {

/// `vmid` is 0 (the next free one) or in PVE's range; the error names the field `what`.
result<void> check_new_vmid(std::string_view what, vmid_t vmid);

/// The VMID to use: `wanted`, or for 0 the lowest free one (GET /cluster/nextid).
boost::asio::awaitable<result<vmid_t>> pick_vmid(state_ptr state, vmid_t wanted);

/// Sends the create/clone POST `req` and completes with the new guest's id and its task.
boost::asio::awaitable<result<guest_creation>>
start_creation(state_ptr state, vmid_t vmid, gen::encoded_request req);

/// Sends a create call from its checked params (`params` or the error that stopped them): the
/// next free VMID goes in when the params ask for 0, then the creation worker starts.
template <class CreateParams>
boost::asio::awaitable<result<guest_creation>> create_guest(state_ptr state, result<CreateParams> params) {
    if (!params)
        co_return params.error();
    auto vmid = co_await pick_vmid(state, static_cast<vmid_t>(params->vmid));
    if (!vmid)
        co_return vmid.error();
    params->vmid = *vmid;
    auto started = co_await start_creation(state, *vmid, encode(*params)); // encode: found by ADL in gen
    co_return started;
}

} // namespace proxmox::detail

#endif
