// An HTTP answer from PVE (or from anything posing as PVE) as the SDK reads it: read_envelope
// turns it into the `data` payload or a proxmox::error. The lenient model readers then read the
// payload. Input: line 1 `METHOD PATH`, line 2 `STATUS REASON`, line 3 the content type, the rest
// the body.
#include "core/envelope.hpp"
#include "core/json_read.hpp"
#include "fuzz_support.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <charconv>
#include <cmath>

namespace json = boost::json;
namespace detail = proxmox::detail;
using proxmox::fuzz::max_error_bytes;

namespace {

proxmox::http_method method_of(std::string_view name) {
    if (name == "POST")
        return proxmox::http_method::post;
    if (name == "PUT")
        return proxmox::http_method::put;
    if (name == "DELETE")
        return proxmox::http_method::del;
    return proxmox::http_method::get;
}

/// The readers the models use, on every member of an object (or of the objects in an array).
/// Equal JSON values, where NaN equals NaN: Boost.JSON 1.81 reads `0e400` as NaN, and the SDK
/// must hand it on as the same value, not compare it.
bool same_value(const json::value& a, const json::value& b) {
    if (a.is_double() && b.is_double() && std::isnan(a.get_double()) && std::isnan(b.get_double()))
        return true;
    if (a.kind() != b.kind())
        return a == b;
    if (const auto* x = a.if_array()) {
        const auto& y = b.get_array();
        if (x->size() != y.size())
            return false;
        for (std::size_t i = 0; i < x->size(); ++i)
            if (!same_value((*x)[i], y[i]))
                return false;
        return true;
    }
    if (const auto* x = a.if_object()) {
        const auto& y = b.get_object();
        if (x->size() != y.size())
            return false;
        for (const auto& [key, value] : *x) {
            const auto* other = y.if_contains(key);
            if (!other || !same_value(value, *other))
                return false;
        }
        return true;
    }
    return a == b;
}

void read_members(const json::value& data) {
    auto read_object = [](const json::object& o) {
        for (const auto& member : o) {
            const auto key = member.key();
            (void)detail::read_string(o, key);
            (void)detail::read_int(o, key);
            (void)detail::read_uint(o, key);
            (void)detail::read_double(o, key);
            (void)detail::read_bool(o, key);
            for (const auto& item : detail::read_string_list(o, key))
                PROXMOX_FUZZ_CHECK(!item.empty(), std::string(key));
            (void)detail::child_object(o, key);
        }
    };
    if (const auto* o = data.if_object())
        read_object(*o);
    if (const auto* a = data.if_array())
        for (const auto& item : *a)
            read_object(detail::as_object_or_empty(item));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto rest = proxmox::fuzz::as_text(data, size);
    auto request_line = proxmox::fuzz::take_line(rest);
    auto status_line = proxmox::fuzz::take_line(rest);
    const auto content_type = proxmox::fuzz::take_line(rest);

    const auto space = request_line.find(' ');
    const auto method = method_of(request_line.substr(0, space));
    const auto path =
        space == std::string_view::npos ? std::string_view("/") : request_line.substr(space + 1);

    proxmox::http_response response;
    const auto status_end = status_line.find(' ');
    const auto status_text = status_line.substr(0, status_end);
    unsigned status = 0;
    std::from_chars(status_text.data(), status_text.data() + status_text.size(), status);
    response.status = status;
    if (status_end != std::string_view::npos)
        response.reason = std::string(status_line.substr(status_end + 1));
    response.content_type = std::string(content_type);
    response.body = std::string(rest);

    const auto answer = detail::read_envelope(method, path, response);
    if (answer) {
        PROXMOX_FUZZ_CHECK(status == 200, std::to_string(status));
        const auto body = json::parse(response.body);
        PROXMOX_FUZZ_CHECK(same_value(body.at("data"), answer->data), response.body.substr(0, 200));
        read_members(answer->data);
        return 0;
    }
    const auto& e = answer.error();
    PROXMOX_FUZZ_CHECK(e.http_status == status, std::to_string(e.http_status));
    PROXMOX_FUZZ_CHECK(e.path == path && !e.method.empty(), e.path);
    PROXMOX_FUZZ_CHECK(!e.message.empty(), "an error without a message");
    if (status == 200) {
        PROXMOX_FUZZ_CHECK(e.code == proxmox::errc::protocol_error, e.message);
    } else {
        PROXMOX_FUZZ_CHECK(e.code == detail::classify_status(status, e.message), e.message);
        const auto last = e.message.back();
        PROXMOX_FUZZ_CHECK(last != '\n' && last != '\r' && last != ' ', e.message.substr(0, 200));
    }
    // The error quotes only what the answer and the request line held, plus our own words.
    const auto text = e.to_string();
    PROXMOX_FUZZ_CHECK(text.size() < 2 * size + max_error_bytes, text.substr(0, 300));
    return 0;
}
