// Guest power actions: POST /nodes/{node}/{qemu|lxc}/{vmid}/status/{action} -> task.

#include "core/client_state.hpp"

#include <fmt/format.h>

namespace proxmox::detail {
namespace {

using boost::asio::awaitable;

awaitable<result<task_handle>> power(state_ptr state, std::string node, guest_type type, vmid_t vmid,
                                     std::string action) {
    if (node.empty())
        co_return make_error(errc::invalid_argument, "node name is empty; pass the node the guest runs on");
    if (vmid < 100 || vmid > 999'999'999)
        co_return make_error(errc::invalid_argument, fmt::format("vmid {} is out of range (100 .. 999999999)", vmid));
    auto path = fmt::format("/nodes/{}/{}/{}/status/{}", node, to_string(type), vmid, action);
    auto response = co_await request(state, http_method::post, path, {});
    if (!response) co_return response.error();
    co_return task_from(state, *response, path);
}

} // namespace

void op_guest_power(const state_ptr& state, std::string node, guest_type type, vmid_t vmid, std::string action,
                    handler<task_handle> h) {
    spawn(state, power(state, std::move(node), type, vmid, std::move(action)), std::move(h));
}

} // namespace proxmox::detail
