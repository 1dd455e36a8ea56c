#include "core/json_read.hpp"

#include <proxmox/models/metrics.hpp>

#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

namespace proxmox {
using namespace detail;

std::string_view to_string(rrd_timeframe t) noexcept {
    switch (t) {
    case rrd_timeframe::hour:
        return "hour";
    case rrd_timeframe::day:
        return "day";
    case rrd_timeframe::week:
        return "week";
    case rrd_timeframe::month:
        return "month";
    case rrd_timeframe::year:
        return "year";
    }
    return "hour";
}

std::string_view to_string(rrd_cf cf) noexcept {
    return cf == rrd_cf::max ? "MAX" : "AVERAGE";
}

namespace {

// RRD rows leave out values rrdtool has no data for; those stay empty rather than 0.
std::optional<double> value(const boost::json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (!v)
        return std::nullopt;
    return to_double(*v);
}

} // namespace

node_rrd_sample tag_invoke(boost::json::value_to_tag<node_rrd_sample>, const boost::json::value& v) {
    const auto& o = as_object_or_empty(v);
    node_rrd_sample s;
    s.time = read_int(o, "time");
    s.cpu = value(o, "cpu");
    s.iowait = value(o, "iowait");
    s.loadavg = value(o, "loadavg");
    s.maxcpu = value(o, "maxcpu");
    s.memtotal = value(o, "memtotal");
    s.memused = value(o, "memused");
    s.swaptotal = value(o, "swaptotal");
    s.swapused = value(o, "swapused");
    s.roottotal = value(o, "roottotal");
    s.rootused = value(o, "rootused");
    s.netin = value(o, "netin");
    s.netout = value(o, "netout");
    s.raw = o;
    return s;
}

void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const node_rrd_sample& s) {
    boost::json::object o{{"time", s.time}};
    const std::pair<const char*, const std::optional<double>*> fields[] = {{"cpu", &s.cpu},
                                                                           {"iowait", &s.iowait},
                                                                           {"loadavg", &s.loadavg},
                                                                           {"maxcpu", &s.maxcpu},
                                                                           {"memtotal", &s.memtotal},
                                                                           {"memused", &s.memused},
                                                                           {"swaptotal", &s.swaptotal},
                                                                           {"swapused", &s.swapused},
                                                                           {"roottotal", &s.roottotal},
                                                                           {"rootused", &s.rootused},
                                                                           {"netin", &s.netin},
                                                                           {"netout", &s.netout}};
    for (const auto& [key, field] : fields)
        if (*field)
            o[key] = **field;
    v = std::move(o);
}

} // namespace proxmox
