#include "caller_text.hpp"
#include "json_text.hpp"
#include "jsonrpc.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <fmt/format.h>

namespace proxmox::mcp::jsonrpc {

namespace json = boost::json;

parsed_line parse_line(std::string_view line) {
    parsed_line out;
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    if (line.find_first_not_of(" \t\r") == std::string_view::npos)
        return out;
    boost::system::error_code ec;
    json::parse_options opts;
    opts.max_depth = max_message_depth;
    out.value = json::parse(line, ec, {}, opts);
    if (ec) {
        out.what = parsed_line::kind::parse_error;
        out.error = ec.message();
        out.value = nullptr;
        return out;
    }
    out.what = out.value.is_array() ? parsed_line::kind::batch : parsed_line::kind::single;
    return out;
}

message classify(const json::value& v) {
    const auto* obj = v.if_object();
    if (!obj)
        return invalid{nullptr, invalid_request, "Invalid Request: a message must be a JSON object"};

    const auto* method = obj->if_contains("method");
    if (!method && (obj->contains("result") || obj->contains("error"))) {
        const auto* idv = obj->if_contains("id");
        response r{idv ? quote_json(*idv) : std::string("none"), nullptr, nullptr, nullptr};
        if (idv && (idv->is_string() || idv->is_int64() || idv->is_uint64()))
            r.id = *idv;
        if (const auto* result = obj->if_contains("result"))
            r.result = *result;
        else
            r.error = obj->at("error");
        return r;
    }

    json::value id = nullptr;
    if (const auto* idv = obj->if_contains("id")) {
        if (!(idv->is_string() || idv->is_int64() || idv->is_uint64()))
            return invalid{nullptr, invalid_request, "Invalid Request: id must be a string or an integer"};
        if (idv->is_string() && idv->get_string().size() > max_id_length)
            return invalid{
                nullptr, invalid_request,
                fmt::format("Invalid Request: id is a string of {} bytes; send at most {} bytes or an "
                            "integer",
                            idv->get_string().size(), max_id_length)};
        id = *idv;
    }
    const auto* version = obj->if_contains("jsonrpc");
    if (!version || !version->is_string() || version->get_string() != "2.0")
        return invalid{id, invalid_request, "Invalid Request: jsonrpc must be \"2.0\""};

    if (!method)
        return invalid{id, invalid_request, "Invalid Request: method is missing"};
    if (!method->is_string())
        return invalid{id, invalid_request, "Invalid Request: method must be a string"};

    request r;
    r.id = std::move(id);
    r.method = std::string(method->get_string());
    if (const auto* params = obj->if_contains("params"))
        r.params = *params;
    return r;
}

json::value make_result(const json::value& id, json::value result) {
    return json::object{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

json::value make_error(const json::value& id, int code, std::string_view message, json::value data) {
    json::object err{{"code", code}, {"message", message}};
    if (!data.is_null())
        err["data"] = std::move(data);
    return json::object{{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(err)}};
}

json::value make_notification(std::string_view method, json::value params) {
    json::object n{{"jsonrpc", "2.0"}, {"method", method}};
    if (!params.is_null())
        n["params"] = std::move(params);
    return n;
}

std::string id_key(const json::value& id) {
    return json::serialize(id);
}

std::string to_line(const json::value& v) {
    return to_json_text(v);
}

} // namespace proxmox::mcp::jsonrpc
