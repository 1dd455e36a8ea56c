// How pveproxy reads the parts of a request it gets from clients, without I/O: the target, the
// form and JSON bodies, the authentication values and the content type (pve-http-server
// AnyEvent.pm, pve-manager Formatter.pm). Everything here reads hostile text.
#ifndef PROXMOX_SIM_SRC_REQUEST_PARSING_HPP
#define PROXMOX_SIM_SRC_REQUEST_PARSING_HPP

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace proxmox::sim::detail {

struct parsed_target {
    std::string path;  ///< percent-decoded (uri_unescape)
    std::string query; ///< still encoded
};

/// The origin-form request target split into its decoded path and its query; nullopt when it is
/// not an origin-form target.
std::optional<parsed_target> parse_target(std::string_view target);

/// AnyEvent.pm $split_abs_uri: /api2/FORMAT/REL_PATH.
bool split_abs_uri(std::string_view path, std::string& rel_uri, std::string& format);

/// AnyEvent.pm decode_urlencoded: pairs separated by & or ;, `+` is a space, repeated keys
/// collect into an array, a key without `=` has an undefined value (JSON null here). Like Perl's
/// `split(/=/, $kv)`, a value ends at the next unescaped `=`.
void decode_urlencoded(std::string_view data, boost::json::object& out);

/// AnyEvent.pm extract_params: a POST/PUT body (form or JSON), then the query string over it.
/// Returns the message of pveproxy's 501 for a body it cannot read.
std::optional<std::string> extract_params(std::string_view method,
                                          std::string_view content_type,
                                          std::string_view query,
                                          std::string_view body,
                                          boost::json::object& params);

/// Formatter.pm extract_auth_value: /(?:^|\s)KEY(?:=| )([^;]*)/, URI-unescaped.
std::optional<std::string> extract_auth_value(std::string_view header, std::string_view key);

/// AnyEvent.pm parse_content_type: the media type without parameters.
std::string_view content_type_base(std::string_view ctype);

/// AnyEvent.pm parse_content_type: the boundary parameter, `m/^\s*boundary\s*=\s*(\S+?)\s*$/`
/// (quotes are kept, as pveproxy keeps them).
std::optional<std::string> content_type_boundary(std::string_view ctype);

/// HTTPServer.pm auth_handler: m|^/nodes/([^/]+)/storage/([^/]+)/upload$|
bool is_upload_path(std::string_view rel_uri);

} // namespace proxmox::sim::detail

#endif // PROXMOX_SIM_SRC_REQUEST_PARSING_HPP
