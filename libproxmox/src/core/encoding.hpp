#ifndef PROXMOX_SRC_CORE_ENCODING_HPP
#define PROXMOX_SRC_CORE_ENCODING_HPP

// Request encoding: API paths, targets and form bodies (WIRE.md §2). Pure functions, no I/O.
//
// Inside the SDK an API path is always *encoded*: literal segments plus values that were checked
// to be one segment each and percent-encoded. PVE URI-unescapes the whole path before routing
// (pve-http-server AnyEvent.pm: `uri_unescape($r->uri->path())`), so an encoded '/' still splits
// it: a value with '/' would address another endpoint and is refused, not encoded.

#include <proxmox/types.hpp>

#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>

namespace proxmox::detail {

/// Percent-encodes everything but RFC 3986 unreserved characters, so `+`, `:`, `!`, `@`, `=`
/// and spaces survive PVE's form/URI decoding unchanged (a raw `+` would become a space).
std::string encode_component(std::string_view text);

/// `key=value&...` with both sides encoded by encode_component; repeated keys stay repeated.
std::string encode_params(const request_params& params);

/// Each '/'-separated part of `value` encoded with encode_component, joined with '/'.
std::string encode_segments(std::string_view value);

/// Why `value` cannot be one path segment, or empty when it can: it is empty, `.` or `..`, or
/// holds a '/'. `slashes_allowed` is for the one placeholder PVE routes as the rest of the path
/// (storage content `{volume}`); its parts between slashes are then checked the same way.
std::string segment_problem(std::string_view value, bool slashes_allowed = false);

/// A path parameter: its name (for errors) and value.
struct path_value {
    std::string_view name;
    std::string_view value;
};

/// The encoded API path of literal segments (`"nodes"`) and values (`path_value{"node", n}`),
/// e.g. `/nodes/pve/status`. invalid_argument names the first value that is not one segment.
result<std::string> api_path(std::initializer_list<std::variant<std::string_view, path_value>> parts);

/// The encoded form of a caller's decoded path such as `/nodes/pve/tasks/UPID:...` (the raw
/// client::async_request): split at '/', each segment encoded. A leading `/api2/json` is
/// accepted and dropped. Fails for an empty or relative path, `?`/`#`, empty, `.` or `..` segments.
result<std::string> encode_path(std::string_view decoded_path);

/// `/api2/json<encoded_path>[?query]`.
std::string make_target(std::string_view encoded_path, const request_params& query);

} // namespace proxmox::detail

#endif
