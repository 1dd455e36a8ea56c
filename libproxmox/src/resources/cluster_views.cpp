// Cluster-wide views beyond /cluster/resources: the next free VMID and the cluster task list.

#include "core/client_state.hpp"
#include "core/json_read.hpp"

#include <proxmox/generated/cluster.hpp>
#include <proxmox/resources/cluster.hpp>

namespace proxmox {

bool cluster_task::succeeded() const noexcept {
    return endtime && status && (*status == "OK" || status->starts_with("WARNINGS: "));
}

cluster_task tag_invoke(boost::json::value_to_tag<cluster_task>, const boost::json::value& v) {
    using namespace detail;
    const auto& o = as_object_or_empty(v);
    cluster_task t;
    t.upid = read_string(o, "upid");
    t.node = read_string(o, "node");
    t.type = read_string(o, "type");
    t.id = read_string(o, "id");
    t.user = read_string(o, "user");
    t.tokenid = read_string(o, "tokenid");
    if (o.contains("status"))
        t.status = read_string(o, "status");
    t.starttime = read_int(o, "starttime");
    t.endtime = read_optional_int(o, "endtime");
    t.raw = o;
    return t;
}

void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const cluster_task& t) {
    boost::json::object o{{"upid", t.upid}, {"node", t.node}, {"type", t.type},
                          {"id", t.id},     {"user", t.user}, {"starttime", t.starttime}};
    if (!t.tokenid.empty())
        o["tokenid"] = t.tokenid;
    if (t.status)
        o["status"] = *t.status;
    if (t.endtime)
        o["endtime"] = *t.endtime;
    v = std::move(o);
}

namespace detail {
namespace {

using boost::asio::awaitable;

awaitable<result<vmid_t>> next_id(state_ptr state) {
    auto req = gen::encode(gen::cluster_nextid_get_params{});
    auto response = co_await request(state, http_method::get, std::move(req));
    if (!response)
        co_return response.error();
    // PVE answers "100" (a string; WIRE.md), a number is accepted too
    const auto id = to_int(response->data);
    if (!id || *id < 100 || *id > 999'999'999)
        co_return make_error(errc::protocol_error, "GET /cluster/nextid did not answer a VMID");
    co_return static_cast<vmid_t>(*id);
}

awaitable<result<std::vector<cluster_task>>> tasks(state_ptr state) {
    auto req = gen::encode(gen::cluster_tasks_get_params{});
    auto response = co_await request(state, http_method::get, std::move(req));
    if (!response)
        co_return response.error();
    co_return convert<std::vector<cluster_task>>(*response, "cluster task list");
}

} // namespace

void op_next_id(const state_ptr& state, handler<vmid_t> h) {
    spawn(state, next_id(state), std::move(h));
}

void op_cluster_tasks(const state_ptr& state, handler<std::vector<cluster_task>> h) {
    spawn(state, tasks(state), std::move(h));
}

} // namespace detail
} // namespace proxmox
