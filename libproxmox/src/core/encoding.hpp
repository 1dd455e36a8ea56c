#ifndef PROXMOX_SRC_CORE_ENCODING_HPP
#define PROXMOX_SRC_CORE_ENCODING_HPP

// Request encoding: API targets and form bodies (WIRE.md §2). Pure functions, no I/O.

#include <proxmox/types.hpp>

#include <string>
#include <string_view>

namespace proxmox::detail {

/// Percent-encodes everything but RFC 3986 unreserved characters, so `+`, `:`, `!`, `@`, `=`
/// and spaces survive PVE's form/URI decoding unchanged (a raw `+` would become a space).
std::string encode_component(std::string_view text);

/// `key=value&...` with both sides encoded by encode_component; repeated keys stay repeated.
std::string encode_params(const request_params& params);

/// Builds `/api2/json<path>[?query]` from a decoded API path such as `/nodes/pve/tasks/UPID:...`;
/// each segment is encoded. A leading `/api2/json` is accepted and not doubled.
/// Fails with invalid_argument for an empty or relative path, `?`/`#` in it, or empty segments.
result<std::string> make_target(std::string_view path, const request_params& query);

} // namespace proxmox::detail

#endif
