// Node network view: GET /nodes/{node}/network.

#include "core/client_state.hpp"

#include <proxmox/generated/nodes_other.hpp>

namespace proxmox::detail {
namespace {

using boost::asio::awaitable;

awaitable<result<std::vector<network_interface>>>
network(state_ptr state, std::string node, network_filter filter) {
    if (node.empty())
        co_return make_error(errc::invalid_argument,
                             "node name is empty; pass the node's name, e.g. \"pve\"");
    gen::nodes_network_get_params params{.node = node};
    if (filter != network_filter::all)
        params.type = std::string(to_string(filter));
    auto req = gen::encode(params);
    auto response = co_await request(state, http_method::get, std::move(req));
    if (!response)
        co_return response.error();
    co_return convert<std::vector<network_interface>>(*response, "network interface list");
}

} // namespace

void op_node_network(const state_ptr& state,
                     std::string node,
                     network_filter filter,
                     handler<std::vector<network_interface>> h) {
    spawn(state, network(state, std::move(node), filter), std::move(h));
}

} // namespace proxmox::detail
