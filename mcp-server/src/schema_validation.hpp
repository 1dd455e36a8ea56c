#ifndef PROXMOX_MCP_SCHEMA_VALIDATION_HPP
#define PROXMOX_MCP_SCHEMA_VALIDATION_HPP

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <optional>
#include <string>

namespace proxmox::mcp {

/// The first way a value breaks its schema, phrased for the model that sent it.
struct validation_error {
    std::string path;    ///< `vmid`, `disks[0].size`; empty for the value itself
    std::string message; ///< names the argument, what is wrong and how to fix it
};

/// A string whose schema sets no maxLength may be at most this long: nothing from the client is
/// unbounded, and the published schemas need not repeat the bound on every argument.
inline constexpr std::size_t default_max_string_length = 4096;

/// Checks `value` against the JSON Schema subset the tool schemas use: `type` (string or list),
/// `properties`, `required`, `additionalProperties` (false or a schema), `enum`, `const`,
/// `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`, `minLength`, `maxLength`,
/// `items`, `minItems`, `maxItems`. Other keywords (`description`, `default`, ...) are ignored.
/// An integral number such as `100.0` is an integer, as in JSON Schema 2020-12.
/// Messages and paths quote the client's keys and values at a bounded length (caller_text.hpp).
std::optional<validation_error> validate(const boost::json::object& schema, const boost::json::value& value);

/// As validate(), for a tool's result against its outputSchema: a string without maxLength is
/// not bounded (a command's output may be long).
std::optional<validation_error> validate_result(const boost::json::object& schema,
                                                const boost::json::value& value);

} // namespace proxmox::mcp

#endif
