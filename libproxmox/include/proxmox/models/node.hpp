#ifndef PROXMOX_MODELS_NODE_HPP
#define PROXMOX_MODELS_NODE_HPP

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace proxmox {

/// One entry of `GET /nodes`.
struct node_summary {
    std::string node;
    std::string status; ///< online, offline, unknown
    double cpu = 0;     ///< fraction 0..1
    std::uint32_t maxcpu = 0;
    std::uint64_t mem = 0;
    std::uint64_t maxmem = 0;
    std::uint64_t disk = 0;
    std::uint64_t maxdisk = 0;
    std::uint64_t uptime = 0; ///< seconds
    std::string level;        ///< subscription level
    std::string ssl_fingerprint;
    boost::json::object raw; ///< the full answer object, unknown keys included
};

/// `GET /nodes/{node}/status`.
struct node_status {
    double cpu = 0;
    std::vector<double> loadavg;
    std::uint64_t memory_total = 0;
    std::uint64_t memory_used = 0;
    std::uint64_t memory_free = 0;
    std::uint64_t swap_total = 0;
    std::uint64_t swap_used = 0;
    std::uint64_t rootfs_total = 0;
    std::uint64_t rootfs_used = 0;
    std::uint64_t uptime = 0;
    std::string kversion;
    std::string pveversion;
    std::string cpu_model;
    std::uint32_t cpus = 0;
    std::uint32_t sockets = 0;
    boost::json::object raw;
};

node_summary tag_invoke(boost::json::value_to_tag<node_summary>, const boost::json::value& v);
node_status tag_invoke(boost::json::value_to_tag<node_status>, const boost::json::value& v);
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const node_summary& n);
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const node_status& n);

} // namespace proxmox

#endif
