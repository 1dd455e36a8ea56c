// Node RRD statistics: GET /nodes/{node}/rrddata.

#include "core/client_state.hpp"

#include <proxmox/generated/nodes_other.hpp>

namespace proxmox::detail {
namespace {

using boost::asio::awaitable;

awaitable<result<std::vector<node_rrd_sample>>>
node_rrd(state_ptr state, std::string node, rrd_timeframe timeframe, rrd_cf cf) {
    if (node.empty())
        co_return make_error(errc::invalid_argument,
                             "node name is empty; pass the node's name, e.g. \"pve\"");
    gen::nodes_rrddata_get_params params{
        .node = node, .cf = {}, .timeframe = std::string(to_string(timeframe))};
    params.cf = std::string(to_string(cf));
    auto req = gen::encode(params);
    auto response = co_await request(state, http_method::get, std::move(req));
    if (!response)
        co_return response.error();
    co_return convert<std::vector<node_rrd_sample>>(*response, "node RRD data");
}

} // namespace

void op_node_rrd(const state_ptr& state,
                 std::string node,
                 rrd_timeframe timeframe,
                 rrd_cf cf,
                 handler<std::vector<node_rrd_sample>> h) {
    spawn(state, node_rrd(state, std::move(node), timeframe, cf), std::move(h));
}

} // namespace proxmox::detail
