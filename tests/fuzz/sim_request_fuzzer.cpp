// A request to the simulator after its header was read, the way api::handle takes it apart: the
// target, the form or JSON body and the query, the route in the embedded PVE schema, and
// parameter validation. Input: line 1 the method, line 2 the target, line 3 the content type, the
// rest the body.
#include "dispatch/request_parsing.hpp"
#include "fuzz_support.hpp"
#include "schema/schema.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <vector>

namespace json = boost::json;
namespace sim = proxmox::sim::detail;
using proxmox::fuzz::max_error_bytes;

namespace {

std::vector<std::string_view> segments(std::string_view path) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < path.size()) {
        const auto j = std::min(path.find('/', i), path.size());
        if (j > i)
            out.push_back(path.substr(i, j - i));
        i = j + 1;
    }
    return out;
}

/// The route's template with its placeholders filled in is the path that was asked for.
void check_route(const sim::route_match& route, std::string_view method, std::string_view rel_uri) {
    PROXMOX_FUZZ_CHECK(route.ep->method == method, route.ep->path);
    std::string filled;
    std::size_t next = 0;
    for (auto seg : segments(route.ep->path)) {
        filled += '/';
        if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
            PROXMOX_FUZZ_CHECK(next < route.path_params.size(), route.ep->path);
            const auto& [name, value] = route.path_params[next++];
            PROXMOX_FUZZ_CHECK(name == seg.substr(1, seg.size() - 2), route.ep->path + " " + name);
            PROXMOX_FUZZ_CHECK(!value.empty() && value.find_first_of(" \t\r\n\f\v") == std::string::npos,
                               value);
            filled += value;
        } else {
            filled += seg;
        }
    }
    PROXMOX_FUZZ_CHECK(next == route.path_params.size(), route.ep->path);
    std::string asked;
    for (auto seg : segments(rel_uri))
        (asked += '/') += seg;
    PROXMOX_FUZZ_CHECK(filled == asked, filled + " for " + asked);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const sim::api_schema& schema = sim::api_schema::embedded();

    auto rest = proxmox::fuzz::as_text(data, size);
    const auto method = proxmox::fuzz::take_line(rest);
    const auto target_text = proxmox::fuzz::take_line(rest);
    const auto content_type = proxmox::fuzz::take_line(rest);
    const auto body = rest;

    (void)sim::content_type_base(content_type);
    const auto target = sim::parse_target(target_text);
    if (!target)
        return 0;
    std::string rel_uri, format;
    if (!sim::split_abs_uri(target->path, rel_uri, format) || format != "json")
        return 0;
    PROXMOX_FUZZ_CHECK(rel_uri.starts_with("/"), rel_uri);
    (void)sim::is_upload_path(rel_uri);

    json::object params;
    if (auto problem = sim::extract_params(method, content_type, target->query, body, params)) {
        PROXMOX_FUZZ_CHECK(problem->size() < max_error_bytes, problem->substr(0, 300));
        return 0;
    }
    params.erase("_dc");

    const auto route = schema.find(method, rel_uri);
    if (!route)
        return 0;
    check_route(*route, method, rel_uri);

    // HTTPServer.pm rest_handler: the path's parameters, then the request's over them
    json::object uri_param;
    for (const auto& [name, value] : route->path_params)
        uri_param[name] = value;
    std::vector<std::string> keys;
    for (const auto& kv : params)
        keys.emplace_back(kv.key());
    std::sort(keys.begin(), keys.end());
    for (const auto& k : keys) {
        const auto* existing = uri_param.if_contains(k);
        const auto& v = params.at(k);
        if (existing && !existing->is_null() && sim::perl_scalar_text(v) != sim::perl_scalar_text(*existing))
            return 0; // 400 "duplicate parameter (already defined in URI) with conflicting values!"
        uri_param[k] = v;
    }

    const auto errors = schema.validate(*route->ep, uri_param);
    for (const auto& [key, message] : errors)
        PROXMOX_FUZZ_CHECK(message.is_string() && !message.as_string().empty(), std::string(key));
    // validate() normalizes form values in place; normalized values validate the same way
    const auto again = schema.validate(*route->ep, uri_param);
    PROXMOX_FUZZ_CHECK(again == errors, json::serialize(errors).substr(0, 300) + " | " +
                                            json::serialize(again).substr(0, 300));
    return 0;
}
