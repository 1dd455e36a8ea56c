// proxmox-vm-metrics, -node-metrics.
#include "tools/guest.hpp"
#include "tools/tools.hpp"

#include <proxmox/client.hpp>
#include <proxmox/generated/nodes_lxc.hpp>

#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace proxmox::mcp::tools {

namespace asio = boost::asio;
namespace gen = proxmox::gen;
using proxmox::guest_type;

namespace {

/// With `points: true`, at most this many rows (consolidated with the call's cf).
constexpr std::size_t max_points = 60;

proxmox::rrd_timeframe timeframe_of(std::string_view t) {
    if (t == "day")
        return proxmox::rrd_timeframe::day;
    if (t == "week")
        return proxmox::rrd_timeframe::week;
    if (t == "month")
        return proxmox::rrd_timeframe::month;
    if (t == "year")
        return proxmox::rrd_timeframe::year;
    return proxmox::rrd_timeframe::hour;
}

/// Enough digits for a reader: fractions keep 4 decimals, large values none (and print as
/// integers, not `4.294967296E9`).
json::value rounded(double v) {
    if (std::fabs(v) >= 100 && std::fabs(v) < 9007199254740992.0)
        return static_cast<std::int64_t>(std::llround(v));
    return std::round(v * 10000) / 10000;
}

std::optional<double> number_of(const json::value& v) {
    if (v.is_int64())
        return static_cast<double>(v.get_int64());
    if (v.is_uint64())
        return static_cast<double>(v.get_uint64());
    if (v.is_double() && std::isfinite(v.get_double()))
        return v.get_double();
    return std::nullopt;
}

std::int64_t time_of(const json::object& row) {
    if (const auto* t = row.if_contains("time"))
        if (auto n = number_of(*t))
            return static_cast<std::int64_t>(*n);
    return 0;
}

/// `rows` (oldest first) as a summary per metric: latest, average and maximum over the window (a
/// constant metric as its value); with `points`, the rows too (at most max_points, consolidated
/// with `max` or the average), with only the metrics that vary.
json::object summarize(const std::vector<json::object>& rows, bool points, bool max) {
    struct stats {
        double latest = 0, sum = 0, peak = 0, low = 0;
        std::size_t n = 0;
    };
    std::map<std::string, stats> metrics;
    for (const auto& row : rows)
        for (const auto& kv : row) {
            if (kv.key() == "time")
                continue;
            auto v = number_of(kv.value());
            if (!v)
                continue; // unknown for this interval (the guest did not run)
            auto& s = metrics[std::string(kv.key())];
            s.peak = s.n == 0 ? *v : std::max(s.peak, *v);
            s.low = s.n == 0 ? *v : std::min(s.low, *v);
            s.sum += *v;
            s.latest = *v;
            ++s.n;
        }
    json::object summary;
    for (const auto& [name, s] : metrics) {
        if (s.low == s.peak) {
            summary[name] = rounded(s.peak); // constant over the window (sizes, CPU counts): one number
            continue;
        }
        summary[name] = json::object{{"latest", rounded(s.latest)},
                                     {"avg", rounded(s.sum / static_cast<double>(s.n))},
                                     {"max", rounded(s.peak)}};
    }

    json::object out{{"count", rows.size()}, {"metrics", std::move(summary)}};
    if (!rows.empty()) {
        out["from"] = time_of(rows.front());
        out["to"] = time_of(rows.back());
    }
    if (!points)
        return out;
    const std::size_t per = std::max<std::size_t>(1, (rows.size() + max_points - 1) / max_points);
    json::array list;
    for (std::size_t begin = 0; begin < rows.size(); begin += per) {
        const std::size_t end = std::min(rows.size(), begin + per);
        std::map<std::string, stats> bucket;
        for (std::size_t i = begin; i < end; ++i)
            for (const auto& kv : rows[i]) {
                if (kv.key() == "time")
                    continue;
                if (auto m = metrics.find(std::string(kv.key()));
                    m == metrics.end() || m->second.low == m->second.peak)
                    continue; // constant: the summary has it
                if (auto v = number_of(kv.value())) {
                    auto& s = bucket[std::string(kv.key())];
                    s.peak = s.n == 0 ? *v : std::max(s.peak, *v);
                    s.sum += *v;
                    ++s.n;
                }
            }
        json::object p{{"time", time_of(rows[begin])}};
        for (const auto& [name, s] : bucket)
            p[name] = rounded(max ? s.peak : s.sum / static_cast<double>(s.n));
        if (p.size() > 1) // rows where every metric is unknown (the guest was off) carry nothing
            list.push_back(std::move(p));
    }
    out["points"] = std::move(list);
    return out;
}

template <class Sample> std::vector<json::object> rows_of(const std::vector<Sample>& samples) {
    std::vector<json::object> rows;
    rows.reserve(samples.size());
    for (const auto& s : samples)
        rows.push_back(s.raw);
    return rows;
}

struct window {
    std::string timeframe;
    std::string cf;
    bool points = false;
};

window window_of(const json::object& args) {
    return {arg_string(args, "timeframe").value_or("hour"), arg_string(args, "cf").value_or("AVERAGE"),
            arg_bool(args, "points").value_or(false)};
}

asio::awaitable<tool_result> vm_metrics(tool_context ctx, json::object args) {
    auto guest = co_await resolve_guest(ctx, args, std::nullopt);
    if (!guest)
        co_return guest.failure();
    const proxmox::guest_summary g = *guest;
    const window w = window_of(args);
    const auto cf = w.cf == "MAX" ? proxmox::rrd_cf::max : proxmox::rrd_cf::average;
    const std::string what = fmt::format("Reading the metrics of {} failed", guest_label(g));
    std::vector<json::object> rows;
    if (g.type == guest_type::qemu) {
        const auto vm = ctx.client->node(g.node).qemu(g.vmid);
        auto samples = co_await vm.async_rrd(timeframe_of(w.timeframe), cf, asio::use_awaitable);
        if (!samples)
            co_return failure(what, samples.error());
        rows = rows_of(*samples);
    } else {
        // the SDK has no container RRD call yet: the generated request
        gen::nodes_lxc_rrddata_get_params params{.node = g.node, .vmid = static_cast<std::int64_t>(g.vmid)};
        params.timeframe = gen::nodes_lxc_rrddata_get_params::timeframe_enum(w.timeframe);
        params.cf = gen::nodes_lxc_rrddata_get_params::cf_enum(w.cf);
        auto answer = co_await ctx.client->async_call(params, asio::use_awaitable);
        if (!answer)
            co_return failure(what, answer.error());
        if (const auto* list = answer->data.if_array())
            for (const auto& row : *list)
                if (row.is_object())
                    rows.push_back(row.get_object());
    }
    json::object out{{"vmid", g.vmid},     {"name", g.name},
                     {"node", g.node},     {"type", proxmox::to_string(g.type)},
                     {"status", g.status}, {"timeframe", w.timeframe},
                     {"cf", w.cf}};
    for (auto& kv : summarize(rows, w.points, cf == proxmox::rrd_cf::max))
        out[kv.key()] = std::move(kv.value());
    co_return tool_result::success(std::move(out));
}

asio::awaitable<tool_result> node_metrics(tool_context ctx, json::object args) {
    auto chosen = node_argument(ctx, args);
    if (!chosen)
        co_return chosen.failure();
    const std::string node = *chosen;
    const window w = window_of(args);
    const auto cf = w.cf == "MAX" ? proxmox::rrd_cf::max : proxmox::rrd_cf::average;
    const auto handle = ctx.client->node(node);
    auto samples = co_await handle.async_rrd(timeframe_of(w.timeframe), cf, asio::use_awaitable);
    if (!samples)
        co_return co_await node_failure(ctx, "Reading the node's metrics failed", node, samples.error());
    json::object out{{"node", node}, {"timeframe", w.timeframe}, {"cf", w.cf}};
    for (auto& kv : summarize(rows_of(*samples), w.points, cf == proxmox::rrd_cf::max))
        out[kv.key()] = std::move(kv.value());
    co_return tool_result::success(std::move(out));
}

json::object window_props() {
    return {{"timeframe", json::object{{"type", "string"},
                                       {"enum", json::array{"hour", "day", "week", "month", "year"}},
                                       {"default", "hour"}}},
            {"cf", json::object{{"type", "string"}, {"enum", json::array{"AVERAGE", "MAX"}}}},
            {"points", json::object{{"type", "boolean"}}}};
}

json::object metrics_output(json::object head) {
    return merged(std::move(head), fields({{"timeframe", "string"},
                                           {"cf", "string"},
                                           {"count", "integer"},
                                           {"from", "integer"},
                                           {"to", "integer"},
                                           {"metrics", "object"},
                                           {"points", "array"}}));
}

} // namespace

void register_metrics_tools(tool_registry& registry) {
    registry.add({
        .name = "proxmox-vm-metrics",
        .title = "Guest metrics",
        .description = "VM or container usage history: latest, avg, max per metric (points: the series).",
        .input_schema = input_schema(merged(selector_props(), window_props())),
        .output_schema = output_schema(
            metrics_output(fields({{"vmid", "integer"}, {"node", "string"}, {"status", "string"}})),
            {"vmid", "metrics", "count"}),
        .annotations = {.idempotent = true},
        .handler = vm_metrics,
    });
    registry.add({
        .name = "proxmox-node-metrics",
        .title = "Node metrics",
        .description = "Node usage history: latest, avg, max per metric (points: the series).",
        .input_schema = input_schema(merged(
            {{"node", json::object{{"type", "string"}, {"maxLength", max_name_length}}}}, window_props())),
        .output_schema =
            output_schema(metrics_output(fields({{"node", "string"}})), {"node", "metrics", "count"}),
        .annotations = {.idempotent = true},
        .handler = node_metrics,
    });
}

} // namespace proxmox::mcp::tools
