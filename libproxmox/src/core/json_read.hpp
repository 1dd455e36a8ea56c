#ifndef PROXMOX_SRC_CORE_JSON_READ_HPP
#define PROXMOX_SRC_CORE_JSON_READ_HPP

// Lenient readers for PVE answers: Perl sends numbers as strings sometimes (`"100"`), booleans
// as 0/1 or JSON booleans, and leaves out fields without data (WIRE.md §3.4, §9.1).

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace proxmox::detail {

const boost::json::object& as_object_or_empty(const boost::json::value& v);
/// The object under `key`, or an empty object when it is missing or not an object.
const boost::json::object& child_object(const boost::json::object& o, std::string_view key);
std::string read_string(const boost::json::object& o, std::string_view key);
std::optional<std::int64_t> read_optional_int(const boost::json::object& o, std::string_view key);
std::int64_t read_int(const boost::json::object& o, std::string_view key, std::int64_t fallback = 0);
std::uint64_t read_uint(const boost::json::object& o, std::string_view key);
double read_double(const boost::json::object& o, std::string_view key);
bool read_bool(const boost::json::object& o, std::string_view key);
/// A list PVE sends either as an array of strings or as text (`"a,b"`, `"eno1 eno2"`): split at
/// commas, semicolons and whitespace. Empty items are left out in both forms.
std::vector<std::string> read_string_list(const boost::json::object& o, std::string_view key);

std::optional<std::int64_t> to_int(const boost::json::value& v);
std::optional<double> to_double(const boost::json::value& v);
/// The readers above for a value already at hand (one pass over an object's members instead of
/// a lookup per field).
std::string to_text(const boost::json::value& v);
std::uint64_t to_uint(const boost::json::value& v);

} // namespace proxmox::detail

#endif
