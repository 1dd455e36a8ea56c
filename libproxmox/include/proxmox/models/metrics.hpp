#ifndef PROXMOX_MODELS_METRICS_HPP
#define PROXMOX_MODELS_METRICS_HPP

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

namespace proxmox {

/// The `timeframe` of PVE's `.../rrddata` calls: how far back the rows reach. PVE 9 answers
/// one row per minute for `hour` and `day`, per 30 minutes for `week` and `month`, per 6 hours
/// for `year`.
enum class rrd_timeframe { hour, day, week, month, year };

/// The consolidation function (`cf`) of `.../rrddata`: how a row summarises its interval.
enum class rrd_cf { average, max };

/// "hour", "day", "week", "month", "year".
std::string_view to_string(rrd_timeframe t) noexcept;
/// "AVERAGE", "MAX" (PVE's spelling).
std::string_view to_string(rrd_cf cf) noexcept;

/// One row of `GET /nodes/{node}/rrddata`. A value PVE does not know for the row's interval
/// (the node was down, the series is younger) is empty rather than 0.
struct node_rrd_sample {
    std::int64_t time = 0;          ///< start of the interval, Unix epoch seconds
    std::optional<double> cpu;      ///< fraction 0..1 of all cores
    std::optional<double> iowait;   ///< fraction 0..1
    std::optional<double> loadavg;  ///< 1-minute load average
    std::optional<double> maxcpu;   ///< number of CPUs
    std::optional<double> memtotal; ///< bytes
    std::optional<double> memused;  ///< bytes
    std::optional<double> swaptotal;
    std::optional<double> swapused;
    std::optional<double> roottotal; ///< root file system, bytes
    std::optional<double> rootused;
    std::optional<double> netin;  ///< bytes per second
    std::optional<double> netout; ///< bytes per second
    boost::json::object raw;      ///< the full row, PVE 9's pressure and ARC series included
};

node_rrd_sample tag_invoke(boost::json::value_to_tag<node_rrd_sample>, const boost::json::value& v);
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const node_rrd_sample& s);

} // namespace proxmox

#endif
