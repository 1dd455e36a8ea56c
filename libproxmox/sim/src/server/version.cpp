// proxmox::sim::version(): the project's version from CMake, the PVE release from the embedded
// schema itself, so neither is written down a second time.
#include "schema/schema_blob.hpp"

#include <proxmox/sim/server.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#ifndef PROXMOX_SIM_VERSION
#error "PROXMOX_SIM_VERSION must carry the project's version"
#endif

namespace proxmox::sim {

version_info version() {
    version_info v;
    v.simulator = PROXMOX_SIM_VERSION;
    v.schema_sha256 = std::string(detail::embedded_schema_sha256());
    const auto doc = boost::json::parse(detail::embedded_schema_text());
    boost::system::error_code ec;
    if (const auto* release = doc.find_pointer("/meta/pve_version", ec); release && release->is_string())
        v.pve_api = std::string(release->get_string());
    return v;
}

} // namespace proxmox::sim
