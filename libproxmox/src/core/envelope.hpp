#ifndef PROXMOX_SRC_CORE_ENVELOPE_HPP
#define PROXMOX_SRC_CORE_ENVELOPE_HPP

// Turns an HTTP answer into the `{"data":...}` payload or a proxmox::error (WIRE.md §3, §4).
// Pure function, no I/O.

#include <proxmox/client.hpp>
#include <proxmox/transport.hpp>

#include <string_view>

namespace proxmox::detail {

result<api_response> read_envelope(http_method method, std::string_view path, const http_response& response);

/// The errc for a non-success HTTP status and PVE message.
errc classify_status(unsigned status, std::string_view message);

} // namespace proxmox::detail

#endif
