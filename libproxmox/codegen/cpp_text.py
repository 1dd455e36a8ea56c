"""Fixed C++ text the generator writes (generated/common.{hpp,cpp}, generated/endpoints.hpp)."""

COMMON_HPP = """
#ifndef PROXMOX_GENERATED_COMMON_HPP
#define PROXMOX_GENERATED_COMMON_HPP

#include <proxmox/types.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace proxmox::gen {

/// An extensible string-backed enumeration: the generated per-parameter enum types derive from it
/// and add named constants for the schema's values; any other value is accepted as well (a newer
/// PVE may know more values than this schema).
class string_enum {
public:
    string_enum() = default;
    string_enum(std::string value) : value_(std::move(value)) {}
    string_enum(std::string_view value) : value_(value) {}
    string_enum(const char* value) : value_(value) {}

    const std::string& str() const noexcept { return value_; }
    friend bool operator==(const string_enum& a, const string_enum& b) noexcept { return a.value_ == b.value_; }
    friend bool operator==(const string_enum& a, std::string_view b) noexcept { return a.value_ == b; }
    friend bool operator==(const string_enum& a, const char* b) noexcept { return a.value_ == b; }

private:
    std::string value_;
};

/// What a call returns with respect to worker tasks (the schema's derived `task` field).
enum class task_kind {
    none,             ///< no worker task
    upid,             ///< returns a task UPID string
    upid_or_null,     ///< a UPID, or null when the optional wait saw the task finish
    object_with_upid, ///< an object whose `upid` field names the worker (vncproxy, termproxy, ...)
    task_no_upid,     ///< starts a worker but returns null
};

/// The endpoint a parameter struct belongs to: every generated `*_params` struct has one as
/// `static constexpr call_info endpoint`, which client::async_call reads.
struct call_info {
    http_method method;
    std::string_view path; ///< template, e.g. `/nodes/{node}/qemu/{vmid}/status/start`
    task_kind task;
};

/// What an encoder produces: the API path with each placeholder replaced by its value,
/// percent-encoded as one path segment, and the parameters in the order they are sent.
/// `path_error` names a path parameter that cannot be one segment (empty, `.`, `..`, or with a
/// '/', which PVE would route to another endpoint); the client then fails the call unsent.
struct encoded_request {
    std::string path;
    request_params params;
    std::string path_error;
};

namespace detail {
// Out-of-line helpers the generated encoders call; they keep the generated code small.
void put(request_params& p, std::string_view key, const std::string& v);
void put(request_params& p, std::string_view key, const string_enum& v);
void put(request_params& p, std::string_view key, std::int64_t v);
void put(request_params& p, std::string_view key, double v);
void put(request_params& p, std::string_view key, bool v);
void put(request_params& p, std::string_view key, const std::optional<std::string>& v);
void put(request_params& p, std::string_view key, const std::optional<std::int64_t>& v);
void put(request_params& p, std::string_view key, const std::optional<double>& v);
void put(request_params& p, std::string_view key, const std::optional<bool>& v);
void put(request_params& p, std::string_view key, const std::vector<std::string>& v);
void put(request_params& p, std::string_view key, const std::map<int, std::string>& v);
template <class E>
void put(request_params& p, std::string_view key, const std::optional<E>& v) {
    if (v) put(p, key, static_cast<const string_enum&>(*v));
}
void subst(encoded_request& r, std::string_view name, const std::string& v);
void subst(encoded_request& r, std::string_view name, std::int64_t v);
/// For the one placeholder PVE routes as the rest of the path (storage content `{volume}`,
/// whose volume IDs may contain '/').
void subst_rest(encoded_request& r, std::string_view name, const std::string& v);
} // namespace detail

} // namespace proxmox::gen

#endif
"""

COMMON_CPP = """
#include <proxmox/generated/common.hpp>

#include "core/encoding.hpp"

#include <fmt/format.h>

#include <charconv>
#include <string>

namespace proxmox::gen::detail {

namespace {
void subst_checked(encoded_request& r, std::string_view name, const std::string& v, bool rest_of_path) {
    if (auto problem = proxmox::detail::segment_problem(v, rest_of_path); !problem.empty()) {
        // Encoders substitute the last placeholder first: the earliest bad one is reported.
        r.path_error = fmt::format("path parameter '{}' {}", name, problem);
        return;
    }
    const std::string placeholder = "{" + std::string(name) + "}";
    const auto pos = r.path.find(placeholder);
    if (pos == std::string::npos) return;
    r.path.replace(pos, placeholder.size(),
                   rest_of_path ? proxmox::detail::encode_segments(v) : proxmox::detail::encode_component(v));
}
} // namespace

void put(request_params& p, std::string_view key, const std::string& v) { p.add(std::string(key), v); }
void put(request_params& p, std::string_view key, const string_enum& v) { p.add(std::string(key), v.str()); }
void put(request_params& p, std::string_view key, std::int64_t v) { p.add(std::string(key), v); }
void put(request_params& p, std::string_view key, double v) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    p.add(std::string(key), std::string(buf, r.ptr));
}
void put(request_params& p, std::string_view key, bool v) { p.add(std::string(key), v); }
void put(request_params& p, std::string_view key, const std::optional<std::string>& v) {
    if (v) put(p, key, *v);
}
void put(request_params& p, std::string_view key, const std::optional<std::int64_t>& v) {
    if (v) put(p, key, *v);
}
void put(request_params& p, std::string_view key, const std::optional<double>& v) {
    if (v) put(p, key, *v);
}
void put(request_params& p, std::string_view key, const std::optional<bool>& v) {
    if (v) put(p, key, *v);
}
void put(request_params& p, std::string_view key, const std::vector<std::string>& v) {
    for (const auto& item : v) p.add(std::string(key), item);
}
void put(request_params& p, std::string_view key, const std::map<int, std::string>& v) {
    for (const auto& [n, item] : v) p.add(std::string(key) + std::to_string(n), item);
}
void subst(encoded_request& r, std::string_view name, const std::string& v) { subst_checked(r, name, v, false); }
void subst(encoded_request& r, std::string_view name, std::int64_t v) { subst(r, name, std::to_string(v)); }
void subst_rest(encoded_request& r, std::string_view name, const std::string& v) { subst_checked(r, name, v, true); }

} // namespace proxmox::gen::detail
"""

ENDPOINTS_HPP = """
#ifndef PROXMOX_GENERATED_ENDPOINTS_HPP
#define PROXMOX_GENERATED_ENDPOINTS_HPP

#include <proxmox/generated/common.hpp>

#include <span>
#include <string_view>

namespace proxmox::gen {

/// One endpoint of the PVE API as the vendored schema describes it.
struct endpoint_info {
    http_method method;
    std::string_view path;             ///< template, e.g. `/nodes/{node}/qemu/{vmid}/status/start`
    std::string_view name;             ///< PVE's handler name (unique per path + method)
    task_kind task;
    bool allow_token;                  ///< false: API tokens get 403, a ticket is required
    bool is_protected;                 ///< runs in the privileged pvedaemon
    std::string_view permission_check; ///< rendered check expression, empty if none
    std::string_view proxyto;          ///< parameter naming the node the call is forwarded to, or empty
};

/// Every endpoint, sorted by path then GET, POST, PUT, DELETE.
std::span<const endpoint_info> endpoints() noexcept;

/// The endpoint for a method and a path template, or nullptr.
const endpoint_info* find_endpoint(http_method method, std::string_view path_template) noexcept;

} // namespace proxmox::gen

#endif
"""
