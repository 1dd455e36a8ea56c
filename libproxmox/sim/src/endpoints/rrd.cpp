// RRD series of nodes, guests and storages (pve-cluster PVE/RRD.pm create_rrd_data; data sources
// of pmxcfs' PVE 9 RRD files `pve-node-9.0`, `pve-vm-9.0`, `pve-storage-9.0`; what pvestatd.pm
// feeds them). The series are computed, not stored: a deterministic function of the model and
// the time, so every call for the same instant answers the same numbers.
#include "endpoints/guests.hpp"
#include "endpoints/handlers.hpp"

#include <boost/json/array.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>

namespace proxmox::sim::detail {

namespace json = boost::json;

namespace {

constexpr std::uint64_t MiB = 1024 * 1024;

struct rrd_setup {
    epoch_seconds resolution;
    int count;
};

/// RRD.pm $setup (PVE 9 files): resolution and number of rows per timeframe.
rrd_setup setup_for(std::string_view timeframe) {
    if (timeframe == "hour")
        return {60, 60};
    if (timeframe == "day")
        return {60, 1440};
    if (timeframe == "week")
        return {60 * 30, 336};
    if (timeframe == "month")
        return {60 * 30, 1440};
    if (timeframe == "year")
        return {3600 * 6, 1440};
    return {86400 * 7, 570}; // decade
}

/// RRDs::fetch on a file that does not exist, through rrdcached (the API always uses its socket).
[[noreturn]] void missing_rrd(std::string_view rrdname) {
    raise_error(fmt::format("RRD error: rrdcached: rrd_fetch_r failed: opening "
                            "'/var/lib/rrdcached/db/{}': No such file or directory\n",
                            rrdname));
}

/// A smooth, deterministic variation around 1 (about 0.55..1.45): slow drift, a daily rhythm and
/// some short-term jitter, different for every `salt`.
double variation(std::uint64_t salt, epoch_seconds t) {
    const double x = static_cast<double>(t);
    const double s = static_cast<double>(salt % 1000);
    constexpr double two_pi = 6.283185307179586;
    return 1.0 + 0.2 * std::sin(two_pi * x / 86400.0 + s) + 0.12 * std::sin(x / 1700.0 + 2.0 * s) +
           0.08 * std::sin(x / 263.0 + 3.0 * s) + 0.05 * std::sin(x / 61.0 + 5.0 * s);
}

/// The data sources of one row as functions of the time; nullptr = unknown (left out).
using series_fn = std::function<double(epoch_seconds)>;
struct data_source {
    std::string_view name;
    series_fn fn;
};

/// Numbers as Perl's JSON encoder prints RRD values: integral ones without a fraction.
json::value rrd_number(double v) {
    if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 9007199254740992.0)
        return static_cast<std::int64_t>(v);
    return v;
}

/// RRD.pm create_rrd_data: rows from ctime - reso * (count - 1) to ctime (ctime = now rounded down
/// to the resolution), each `{time, <ds>...}`. A row consolidates the minute samples of its
/// interval (AVERAGE or MAX); with one sample per row both are the same. `sources(t)` gives the
/// data sources known at time t (none: the row has only `time`).
json::array fetch(call_context& ctx, const std::function<std::vector<data_source>(epoch_seconds)>& sources) {
    const auto [reso, count] = setup_for(ctx.param("timeframe").value_or("hour"));
    const bool max = ctx.param("cf").value_or("AVERAGE") == "MAX";
    const epoch_seconds ctime = reso * (ctx.now / reso);
    const int samples = static_cast<int>(std::min<epoch_seconds>(reso / 60, 12));
    json::array rows;
    rows.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        const epoch_seconds t = ctime - reso * (count - 1 - i);
        json::object row;
        row["time"] = t;
        for (const auto& ds : sources(t)) {
            double sum = 0;
            double peak = 0;
            for (int k = 0; k < samples; ++k) {
                const double v = ds.fn(t - reso + reso * (k + 1) / samples);
                sum += v;
                peak = k == 0 ? v : std::max(peak, v);
            }
            row[ds.name] = rrd_number(max ? peak : sum / samples);
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

/// When the guest's config was created (`meta: ...,ctime=N`), or 0 when unknown.
epoch_seconds guest_ctime(const guest_state& g) {
    const auto meta = config_value(g, "meta");
    if (!meta)
        return 0;
    const auto pos = meta->find("ctime=");
    return pos == std::string::npos ? 0 : std::strtoll(meta->c_str() + pos + 6, nullptr, 10);
}

/// pvestatd update_qemu_status / update_lxc_status: a running guest reports everything; a stopped
/// one (and a template) only maxcpu, maxmem, maxdisk and disk, the rest stays unknown.
std::vector<data_source> guest_sources(const guest_state& g, epoch_seconds t) {
    const double maxmem = static_cast<double>(g.maxmem);
    const double maxdisk = static_cast<double>(g.maxdisk);
    const double disk =
        g.kind == guest_kind::lxc && g.running ? maxdisk * g.disk_fraction : 0.0; // qemu reports 0
    std::vector<data_source> ds = {
        {"maxcpu", [cores = g.cores](epoch_seconds) { return static_cast<double>(cores); }},
        {"maxmem", [maxmem](epoch_seconds) { return maxmem; }},
        {"maxdisk", [maxdisk](epoch_seconds) { return maxdisk; }},
        {"disk", [disk](epoch_seconds) { return disk; }},
    };
    if (!g.running || t <= g.started)
        return ds;
    const std::uint64_t salt = g.vmid;
    const double load = g.cpu_load;
    const double mem_fraction = g.mem_fraction;
    auto mem = [=](epoch_seconds s) {
        return std::floor(maxmem * std::min(0.98, mem_fraction * (0.9 + 0.1 * variation(salt + 1, s))));
    };
    auto rate = [salt](std::uint64_t base, std::uint64_t k) {
        return
            [=](epoch_seconds s) { return std::floor(static_cast<double>(base) * variation(salt + k, s)); };
    };
    ds.push_back({"cpu", [=](epoch_seconds s) { return std::min(1.0, load * variation(salt, s)); }});
    ds.push_back({"mem", mem});
    ds.push_back({"netin", rate(g.netin_rate, 2)});
    ds.push_back({"netout", rate(g.netout_rate, 3)});
    ds.push_back({"diskread", rate(g.diskread_rate, 4)});
    ds.push_back({"diskwrite", rate(g.diskwrite_rate, 5)});
    const double overhead = g.kind == guest_kind::qemu ? static_cast<double>(64 * MiB) : 0.0;
    ds.push_back({"memhost", [=](epoch_seconds s) { return mem(s) + overhead; }});
    auto pressure = [=](double scale, std::uint64_t k) {
        return [=](epoch_seconds s) {
            return std::round(load * scale * 100.0 * variation(salt + k, s)) / 100.0;
        };
    };
    ds.push_back({"pressurecpusome", pressure(1.0, 6)});
    ds.push_back({"pressurecpufull", pressure(0.5, 7)});
    ds.push_back({"pressureiosome", pressure(0.2, 8)});
    ds.push_back({"pressureiofull", pressure(0.1, 9)});
    ds.push_back({"pressurememorysome", [](epoch_seconds) { return 0.0; }});
    ds.push_back({"pressurememoryfull", [](epoch_seconds) { return 0.0; }});
    return ds;
}

/// Qemu.pm / LXC.pm rrddata. The RRD files are cluster-wide (pmxcfs): neither the node nor the
/// guest type is checked, only whether pvestatd ever wrote the file.
json::value guest_rrddata(call_context& ctx) {
    const auto vmid = static_cast<unsigned>(*ctx.int_param("vmid"));
    const guest_state* g = ctx.state.find_guest(vmid);
    if (!g)
        missing_rrd(fmt::format("pve-vm-9.0/{}", vmid));
    const epoch_seconds created = guest_ctime(*g);
    return fetch(ctx, [g, created](epoch_seconds t) {
        return t <= created ? std::vector<data_source>{} : guest_sources(*g, t);
    });
}

} // namespace

/// Nodes.pm rrddata: pvestatd update_node_status through the pve-node-9.0 data sources; RRD.pm
/// adds `memavailable` (the `memfree` source) for nodes.
json::value get_node_rrddata(call_context& ctx) {
    const auto name = *ctx.param("node");
    const node_state* n = ctx.state.find_node(name);
    if (!n)
        missing_rrd(fmt::format("pve-node-9.0/{}", name));
    const double busy = node_cpu(ctx.state, *n, ctx.now);
    const double memused = static_cast<double>(node_mem(ctx.state, *n, ctx.now));
    double netin = 40000, netout = 20000;
    for (const auto& [vmid, g] : ctx.state.guests)
        if (g.node == n->name && g.running) {
            netin += static_cast<double>(g.netin_rate);
            netout += static_cast<double>(g.netout_rate);
        }
    const std::uint64_t salt = 7919u * (n->cpus + static_cast<unsigned>(n->name.size())) + n->name.back();
    const double cpus = n->cpus;
    const double memtotal = static_cast<double>(n->maxmem);
    const double iowait = n->iowait;
    const double swaptotal = static_cast<double>(n->swap_total);
    const double swapused = static_cast<double>(n->swap_used);
    const double roottotal = static_cast<double>(n->rootfs_total);
    const double rootused = static_cast<double>(n->rootfs_used);
    auto used = [=](epoch_seconds s) {
        return std::floor(std::min(memtotal, memused * (0.92 + 0.08 * variation(salt + 1, s))));
    };
    auto cpu = [=](epoch_seconds s) { return std::min(1.0, busy * variation(salt, s)); };
    const auto boot = n->boot_time;
    auto percent = [salt](double fraction, std::uint64_t k) {
        return [=](epoch_seconds s) { return std::round(fraction * 100.0 * variation(salt + k, s)) / 100.0; };
    };
    std::vector<data_source> ds = {
        {"loadavg", [=](epoch_seconds s) { return std::round(cpu(s) * cpus * 100.0) / 100.0; }},
        {"maxcpu", [=](epoch_seconds) { return cpus; }},
        {"cpu", cpu},
        {"iowait", [=](epoch_seconds s) { return iowait * variation(salt + 2, s); }},
        {"memtotal", [=](epoch_seconds) { return memtotal; }},
        {"memused", used},
        {"swaptotal", [=](epoch_seconds) { return swaptotal; }},
        {"swapused", [=](epoch_seconds) { return swapused; }},
        {"roottotal", [=](epoch_seconds) { return roottotal; }},
        {"rootused", [=](epoch_seconds) { return rootused; }},
        {"netin", [=](epoch_seconds s) { return std::floor(netin * variation(salt + 3, s)); }},
        {"netout", [=](epoch_seconds s) { return std::floor(netout * variation(salt + 4, s)); }},
        {"memfree", [=](epoch_seconds s) { return memtotal - used(s); }},
        {"memavailable", [=](epoch_seconds s) { return memtotal - used(s); }},
        {"arcsize", [](epoch_seconds) { return 0.0; }}, // no ZFS on these nodes
        {"pressurecpusome", percent(busy * 0.5, 5)},
        {"pressureiosome", percent(iowait * 0.8, 6)},
        {"pressureiofull", percent(iowait * 0.4, 7)},
        {"pressurememorysome", [](epoch_seconds) { return 0.0; }},
        {"pressurememoryfull", [](epoch_seconds) { return 0.0; }},
    };
    // the node was down while it rebooted: no data for the minutes before its boot
    return fetch(ctx, [&ds, boot](epoch_seconds t) {
        return t > boot - 180 && t <= boot + 60 ? std::vector<data_source>{} : ds;
    });
}

json::value get_qemu_rrddata(call_context& ctx) {
    return guest_rrddata(ctx);
}

json::value get_lxc_rrddata(call_context& ctx) {
    return guest_rrddata(ctx);
}

/// Storage.pm rrddata (proxied to the node): pvestatd update_storage_status writes total and
/// used of every active storage.
json::value get_storage_rrddata(call_context& ctx) {
    node_state& n = ctx.node();
    const auto id = *ctx.param("storage");
    const storage_usage* u = n.usage(id);
    if (!u)
        missing_rrd(fmt::format("pve-storage-9.0/{}/{}", n.name, id));
    const double total = static_cast<double>(u->total);
    const double used = static_cast<double>(u->used);
    const epoch_seconds now = ctx.now;
    // storages fill up slowly: a tenth less a year ago
    std::vector<data_source> ds = {
        {"total", [=](epoch_seconds) { return total; }},
        {"used",
         [=](epoch_seconds s) {
             const double age = static_cast<double>(std::max<epoch_seconds>(0, now - s)) / (365.0 * 86400.0);
             return std::floor(used * std::max(0.0, 1.0 - 0.1 * age));
         }},
    };
    return fetch(ctx, [&ds](epoch_seconds) { return ds; });
}

} // namespace proxmox::sim::detail
