// Guest power actions: POST /nodes/{node}/{qemu|lxc}/{vmid}/status/{action} -> task.

#include "core/client_state.hpp"
#include "core/encoding.hpp"
#include "resources/calls.hpp"

#include <fmt/format.h>

namespace proxmox::detail {
namespace {

using boost::asio::awaitable;

awaitable<result<task_handle>>
power(state_ptr state, std::string node, guest_type type, vmid_t vmid, std::string action) {
    if (auto ok = check_guest(node, vmid); !ok)
        co_return ok.error();
    const auto id = std::to_string(vmid);
    auto path = api_path({"nodes", path_value{"node", node}, to_string(type), id, "status",
                          path_value{"action", action}});
    if (!path)
        co_return path.error();
    auto response = co_await request(state, http_method::post, *path, {});
    if (!response)
        co_return response.error();
    co_return task_from(state, *response, *path);
}

} // namespace

void op_guest_power(const state_ptr& state,
                    std::string node,
                    guest_type type,
                    vmid_t vmid,
                    std::string action,
                    handler<task_handle> h) {
    spawn(state, power(state, std::move(node), type, vmid, std::move(action)), std::move(h));
}

} // namespace proxmox::detail
