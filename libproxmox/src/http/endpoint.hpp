#ifndef PROXMOX_SRC_HTTP_ENDPOINT_HPP
#define PROXMOX_SRC_HTTP_ENDPOINT_HPP

// Where client_options.url points: parsed with Boost.URL, checked, with PVE's default port.

#include <proxmox/error.hpp>

#include <string>
#include <string_view>

namespace proxmox::detail {

struct endpoint {
    std::string host;        ///< name or IP literal (no brackets)
    std::string port;        ///< 8006 unless the URL says otherwise
    bool host_is_ip = false; ///< no SNI for IP literals
    std::string host_header; ///< `host:port`, IPv6 in brackets
    std::string display;     ///< for messages: same as host_header
};

/// Accepts `https://host[:port][/][api2/json]`; anything else (user info, a query, a fragment, a
/// path, a percent-encoded host) fails with invalid_argument naming `setting` and the fix,
/// never quoting the URL.
result<endpoint> parse_endpoint(std::string_view url, std::string_view setting = "client_options.url");

} // namespace proxmox::detail

#endif
