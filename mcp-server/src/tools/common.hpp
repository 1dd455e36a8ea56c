#ifndef PROXMOX_MCP_TOOLS_COMMON_HPP
#define PROXMOX_MCP_TOOLS_COMMON_HPP

#include "tool_registry.hpp"

#include <proxmox/error.hpp>
#include <proxmox/models/guest.hpp>
#include <proxmox/models/node.hpp>
#include <proxmox/task.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

/// Helpers shared by the tool families: schema fragments, argument access, model -> JSON,
/// SDK error -> isError result.
namespace proxmox::mcp::tools {

namespace json = boost::json;

// ---- schema fragments ----------------------------------------------------------------------

/// An input schema: `type: object`, the properties, `required`, `additionalProperties: false`.
json::object input_schema(json::object properties, std::initializer_list<std::string_view> required = {});
/// An output schema: `type: object`, the properties, `required` (extra keys allowed).
json::object output_schema(json::object properties, std::initializer_list<std::string_view> required = {});

/// Every string argument has a maxLength: nothing from the client is unbounded.
inline constexpr std::size_t max_text_length = 256;
/// Node and guest names (PVE's are DNS names) and storage ids.
inline constexpr std::size_t max_name_length = 128;
/// Task ids (PVE's are well under 200 characters).
inline constexpr std::size_t max_upid_length = 1024;
/// Error texts from the cluster are cut to this many characters in a result.
inline constexpr std::size_t max_error_text = 4000;

/// Output properties by name and JSON type, without descriptions: `{"vmid", "integer"}`. Use
/// these where the name says what the field is; every tools/list carries the schemas.
json::object fields(std::initializer_list<std::pair<std::string_view, std::string_view>> name_type);

/// A string in an output schema.
json::object string_prop(std::string_view description);
/// A string argument: bounded by maxLength.
json::object text_prop(std::string_view description, std::size_t max_length = max_text_length);
/// A name argument: minLength 1, maxLength max_name_length.
json::object name_prop(std::string_view description);
json::object integer_prop(std::string_view description,
                          std::optional<std::int64_t> minimum = std::nullopt,
                          std::optional<std::int64_t> maximum = std::nullopt);
json::object number_prop(std::string_view description);
json::object boolean_prop(std::string_view description);
json::object enum_prop(std::string_view description, std::initializer_list<std::string_view> values);
json::object array_prop(std::string_view description, json::object items);
/// `schema` with a `description` added (for nested object schemas).
json::object described(json::object schema, std::string_view description);

/// The `vmid` argument: PVE's guest id range 100..999999999.
json::object vmid_prop(std::string_view description);

// ---- arguments (already validated against the input schema) -------------------------------

std::optional<std::string> arg_string(const json::object& args, std::string_view key);
std::optional<std::int64_t> arg_int(const json::object& args, std::string_view key);
std::optional<bool> arg_bool(const json::object& args, std::string_view key);

/// A DNS name as PVE's `dns-name` format takes it (VM names, container hostnames): labels of
/// letters, digits and inner '-', joined by '.'.
bool is_dns_name(std::string_view name);

/// A JSON value as PVE's config text: booleans 1/0, numbers as written (a whole double without
/// its fraction); nullopt for null, objects and arrays.
std::optional<std::string> config_text(const json::value& v);

// ---- texts -------------------------------------------------------------------------------------

/// `a, b, c`; `none` when there are none.
std::string joined(const std::vector<std::string>& items, std::string_view none = "none");
/// The items as a JSON array of strings.
json::array string_array(const std::vector<std::string>& items);

// ---- models -> JSON (shapes match the schemas below) ---------------------------------------

json::object node_json(const proxmox::node_summary& n);
json::object node_schema();
json::object guest_json(const proxmox::guest_summary& g);
/// The guest's `lock`, `tags` and `pool`, each when set.
void add_marks(json::object& o, const proxmox::guest_summary& g);
json::object guest_schema();
json::object task_json(const proxmox::task_status& t);
json::object task_schema();

// ---- errors ---------------------------------------------------------------------------------

/// `error::to_string()`, plus the task exit status when it is not in there yet.
std::string describe(const proxmox::error& e);

/// An isError result: `<what>: <describe(e)>` and a fix for the common cases (credentials,
/// privileges, ambiguous names, TLS), with the error's facts as details.
tool_result failure(std::string_view what, const proxmox::error& e);

/// Case-insensitive substring test (`name` filters).
bool contains_icase(std::string_view haystack, std::string_view needle);

} // namespace proxmox::mcp::tools

#endif
