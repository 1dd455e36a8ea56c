#include "core/envelope.hpp"
#include "core/json_read.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <fmt/format.h>

namespace proxmox::detail {
namespace {

std::string trim_message(std::string_view text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
        text.remove_suffix(1);
    return std::string(text);
}

} // namespace

errc classify_status(unsigned status, std::string_view message) {
    switch (status) {
    case 400:
        return errc::invalid_parameter;
    case 401:
        return errc::auth_failed;
    case 403:
        return errc::permission_denied;
    case 404:
        return errc::not_found;
    case 501:
        return errc::not_implemented;
    case 595:
    case 596:
    case 597:
    case 599:
        return errc::proxy_unreachable;
    case 500:
        // PVE reports missing guests/objects as 500 "Configuration file '...' does not exist".
        if (message.find("does not exist") != std::string_view::npos || message.starts_with("no such "))
            return errc::not_found;
        return errc::server_error;
    default:
        return errc::http_error;
    }
}

result<api_response> read_envelope(http_method method, std::string_view path, const http_response& response) {
    boost::system::error_code ec;
    boost::json::value body;
    if (!response.body.empty())
        body = boost::json::parse(response.body, ec);
    const bool json_ok = !response.body.empty() && !ec;

    if (response.status == 200) {
        auto* envelope = json_ok ? body.if_object() : nullptr;
        auto* data = envelope ? envelope->if_contains("data") : nullptr;
        if (!data) {
            error e = make_error(errc::protocol_error,
                                 json_ok ? "answer has no \"data\" member" : "answer is not JSON");
            e.http_status = 200;
            e.method = std::string(to_string(method));
            e.path = std::string(path);
            return e;
        }
        api_response out;
        out.total = read_optional_int(*envelope, "total");
        out.data = std::move(*data); // a 10,000-guest listing is not copied
        return out;
    }

    error e;
    e.http_status = response.status;
    e.method = std::string(to_string(method));
    e.path = std::string(path);
    if (const auto* o = json_ok ? body.if_object() : nullptr) {
        e.message = trim_message(read_string(*o, "message"));
        if (const auto* errors = o->if_contains("errors"); errors && errors->is_object())
            for (const auto& [field, text] : errors->get_object())
                e.field_errors[std::string(field)] =
                    text.is_string() ? trim_message(text.get_string()) : boost::json::serialize(text);
    }
    if (e.message.empty())
        e.message = trim_message(response.reason);
    if (e.message.empty())
        e.message = fmt::format("HTTP status {}", response.status);
    e.code = make_error_code(classify_status(response.status, e.message));
    return e;
}

} // namespace proxmox::detail
