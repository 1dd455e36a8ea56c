// One line from the MCP client: JSON-RPC framing (parse_line), message shapes (classify) and the
// quoting of client text in errors and logs.
#include "caller_text.hpp"
#include "fuzz_support.hpp"
#include "jsonrpc.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace json = boost::json;
namespace rpc = proxmox::mcp::jsonrpc;
using proxmox::fuzz::is_valid_utf8;
using proxmox::fuzz::max_error_bytes;

namespace {

/// A quote is one line of valid UTF-8 of bounded size, whatever it quotes.
void check_quote(const std::string& quoted, bool controls_escaped) {
    PROXMOX_FUZZ_CHECK(quoted.size() < max_error_bytes, quoted.substr(0, 200));
    PROXMOX_FUZZ_CHECK(is_valid_utf8(quoted), quoted.substr(0, 200));
    if (controls_escaped)
        PROXMOX_FUZZ_CHECK(!proxmox::fuzz::has_control_byte(quoted), quoted.substr(0, 200));
    PROXMOX_FUZZ_CHECK(quoted.find('\n') == std::string::npos, quoted.substr(0, 200));
}

/// A response line is one line of JSON. Without numbers that are not integers it reads back as the
/// value it was made from (Boost.JSON 1.81 parses some doubles one unit off).
void check_line(const json::value& message, bool exact) {
    const auto line = rpc::to_line(message);
    PROXMOX_FUZZ_CHECK(line.find('\n') == std::string::npos, line.substr(0, 200));
    json::parse_options options;
    options.max_depth = rpc::max_message_depth + 2; // the envelope wraps what the client sent
    json::error_code ec;
    const auto back = json::parse(line, ec, {}, options);
    PROXMOX_FUZZ_CHECK(!ec, ec.message() + ": " + line.substr(0, 200));
    if (exact)
        PROXMOX_FUZZ_CHECK(back == message, line.substr(0, 200));
}

void check_message(const json::value& v) {
    check_quote(proxmox::mcp::quote_json(v), false);
    const auto msg = rpc::classify(v);
    if (const auto* req = std::get_if<rpc::request>(&msg)) {
        const auto& obj = v.as_object();
        PROXMOX_FUZZ_CHECK(obj.at("method").as_string() == req->method, req->method);
        PROXMOX_FUZZ_CHECK(req->id.is_null() || req->id.is_string() || req->id.is_int64() ||
                               req->id.is_uint64(),
                           json::serialize(req->id));
        if (req->id.is_string())
            PROXMOX_FUZZ_CHECK(req->id.as_string().size() <= rpc::max_id_length, "id longer than allowed");
        // ids that differ by type are different requests
        if (req->id.is_int64() || req->id.is_uint64())
            PROXMOX_FUZZ_CHECK(rpc::id_key(req->id) != rpc::id_key(json::string(json::serialize(req->id))),
                               json::serialize(req->id));
        check_line(rpc::make_result(req->id, req->params), false);
        check_line(rpc::make_error(req->id, rpc::method_not_found, proxmox::mcp::quote_text(req->method)),
                   true);
        check_quote(proxmox::mcp::quote_text(req->method), true);
    } else if (const auto* bad = std::get_if<rpc::invalid>(&msg)) {
        PROXMOX_FUZZ_CHECK(!bad->message.empty() && bad->message.size() < max_error_bytes, bad->message);
        PROXMOX_FUZZ_CHECK(bad->id.is_null() || bad->id.is_string() || bad->id.is_int64() ||
                               bad->id.is_uint64(),
                           json::serialize(bad->id));
        check_line(rpc::make_error(bad->id, bad->code, bad->message), true);
    } else {
        check_quote(std::get<rpc::response>(msg).id_text, false);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = proxmox::fuzz::as_text(data, size);
    check_quote(proxmox::mcp::quote_text(text), true);
    check_quote(proxmox::mcp::quote_text(text, 200), true);

    const auto parsed = rpc::parse_line(text);
    switch (parsed.what) {
    case rpc::parsed_line::kind::empty:
        PROXMOX_FUZZ_CHECK(text.find_first_not_of(" \t\r") == std::string_view::npos,
                           "a line with text read as empty");
        break;
    case rpc::parsed_line::kind::parse_error:
        PROXMOX_FUZZ_CHECK(!parsed.error.empty() && parsed.error.size() < max_error_bytes, parsed.error);
        PROXMOX_FUZZ_CHECK(parsed.value.is_null(), "a parse error carries a value");
        break;
    case rpc::parsed_line::kind::single:
        check_message(parsed.value);
        break;
    case rpc::parsed_line::kind::batch:
        for (const auto& item : parsed.value.as_array())
            check_message(item);
        break;
    }
    return 0;
}
