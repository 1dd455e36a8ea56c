#include "core/json_read.hpp"
#include "resources/calls.hpp"
#include "resources/creation.hpp"

#include <proxmox/generated/cluster.hpp>

#include <fmt/format.h>

namespace proxmox::detail {

result<void> check_new_vmid(std::string_view what, vmid_t vmid) {
    if (vmid != 0 && !vmid_in_range(vmid))
        return make_error(
            errc::invalid_argument,
            fmt::format("{} {} is out of range (100 .. 999999999, or 0 for the next free one)", what, vmid));
    return {};
}

boost::asio::awaitable<result<vmid_t>> pick_vmid(state_ptr state, vmid_t wanted) {
    if (wanted != 0)
        co_return wanted;
    auto req = gen::encode(gen::cluster_nextid_get_params{});
    auto response = co_await request(state, http_method::get, std::move(req));
    if (!response)
        co_return response.error();
    auto id = to_int(response->data); // PVE answers a string: "102"
    if (!id || *id < 100)
        co_return make_error(errc::protocol_error, "GET /cluster/nextid did not answer a VMID");
    co_return static_cast<vmid_t>(*id);
}

boost::asio::awaitable<result<guest_creation>>
start_creation(state_ptr state, vmid_t vmid, gen::encoded_request req) {
    const auto path = req.path;
    auto response = co_await request(state, http_method::post, std::move(req));
    if (!response)
        co_return response.error();
    auto task = task_from(state, *response, path);
    if (!task)
        co_return task.error();
    co_return guest_creation{vmid, std::move(*task)};
}

} // namespace proxmox::detail
