// Named formats of the PVE schema (schema_formats.cpp) and the text helpers schema validation
// shares (schema.cpp).
#ifndef PROXMOX_SIM_SRC_SCHEMA_FORMATS_HPP
#define PROXMOX_SIM_SRC_SCHEMA_FORMATS_HPP

#include <boost/json/object.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace proxmox::sim::detail {

// text helpers with Perl's view of numbers and lists (schema.cpp)
bool is_digit(char c);
bool is_integer(std::string_view s);
std::size_t utf8_length(std::string_view s);
/// PVE::Tools::split_list: items separated by commas, semicolons or whitespace.
std::vector<std::string> split_list(const std::string& text);

/// JSONSchema.pm check_format for a named format (`pve-vmid`, `mac-addr`, `ipv4-list`, ...): the
/// die() text of the Perl validator, or nullopt when the value is fine or the format unknown.
std::optional<std::string> check_format(std::string_view format, const std::string& value);
/// The property schema of a hash format registered by name (`pve-qm-ipconfig`, ...), or nullptr.
const boost::json::object* named_property_format(std::string_view name);
/// How many numbered keys a `name[n]` parameter stands for (net: 32, scsi: 31, ...), 0 if unknown.
unsigned numbered_key_count(std::string_view base);
/// Whether `key` is `base` followed by an index below `count` (`net3` for net, 32).
bool numbered_key_of(std::string_view key, std::string_view base, unsigned count);

} // namespace proxmox::sim::detail

#endif // PROXMOX_SIM_SRC_SCHEMA_FORMATS_HPP
