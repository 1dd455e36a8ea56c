#ifndef PROXMOX_MCP_JSONRPC_HPP
#define PROXMOX_MCP_JSONRPC_HPP

#include <boost/json/value.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

/// JSON-RPC 2.0 framing as MCP uses it: one message per line, ids are strings or integers.
namespace proxmox::mcp::jsonrpc {

enum error_code : int {
    parse_error = -32700,
    invalid_request = -32600,
    method_not_found = -32601,
    invalid_params = -32602,
    internal_error = -32603,
    server_busy = -32000, ///< implementation-defined server error: too many calls running
};

/// The longest string id accepted (in bytes); a longer one makes the request invalid (answered with
/// id null), so no response echoes an unbounded id.
inline constexpr std::size_t max_id_length = 256;
/// How deeply a client's message may nest (Boost.JSON's default of 32 is below what some
/// clients send in tool arguments).
inline constexpr std::size_t max_message_depth = 64;

/// A request (id set) or a notification (id null).
struct request {
    boost::json::value id; ///< string or integer, echoed verbatim; null for a notification
    std::string method;
    boost::json::value params; ///< null when absent
    bool is_notification() const noexcept { return id.is_null(); }
};

/// A message that is valid JSON but not a valid request; answered with `code`.
struct invalid {
    boost::json::value id; ///< the request's id when it could be read, else null
    int code = invalid_request;
    std::string message;
};

/// A response sent to us: an object with `result` or `error` and no `method`, whatever its id.
/// It is never answered (answering a peer's id-null error would loop); it may answer one of our
/// requests to the client.
struct response {
    std::string id_text;       ///< the id, quoted at a bounded length for a log line
    boost::json::value id;     ///< null when absent or not a string/integer
    boost::json::value result; ///< null when the response is an error
    boost::json::value error;  ///< the error object; null for a result
};

using message = std::variant<request, invalid, response>;

/// The result of reading one line.
struct parsed_line {
    enum class kind { empty, single, batch, parse_error } what = kind::empty;
    boost::json::value value; ///< the message (single) or the array (batch)
    std::string error;        ///< for parse_error
};

/// Parses one line (a trailing `\r` is ignored; a blank line is `empty`).
parsed_line parse_line(std::string_view line);

/// Checks one JSON value against the request/notification/response shapes. Messages quote no
/// client text beyond a bounded length.
message classify(const boost::json::value& v);

boost::json::value make_result(const boost::json::value& id, boost::json::value result);
boost::json::value make_error(const boost::json::value& id,
                              int code,
                              std::string_view message,
                              boost::json::value data = nullptr);
boost::json::value make_notification(std::string_view method, boost::json::value params);

/// A key that tells ids apart by type and value: `1` and `"1"` differ.
std::string id_key(const boost::json::value& id);

/// Compact single-line JSON (newlines inside strings are escaped by JSON itself).
std::string to_line(const boost::json::value& v);

} // namespace proxmox::mcp::jsonrpc

#endif
