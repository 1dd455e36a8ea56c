#ifndef PROXMOX_MODELS_VERSION_HPP
#define PROXMOX_MODELS_VERSION_HPP

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>

namespace proxmox {

/// `GET /version`.
struct version_info {
    std::string version; ///< pve-manager version, e.g. 9.1.9
    std::string release; ///< e.g. 9.1
    std::string repoid;
    boost::json::object raw;
};

version_info tag_invoke(boost::json::value_to_tag<version_info>, const boost::json::value& v);

} // namespace proxmox

#endif
