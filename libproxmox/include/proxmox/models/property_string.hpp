#ifndef PROXMOX_MODELS_PROPERTY_STRING_HPP
#define PROXMOX_MODELS_PROPERTY_STRING_HPP

#include <proxmox/error.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace proxmox {

/// A PVE property string, the value format of config keys such as `net0`, `scsi0`, `ipconfig0`:
/// comma-separated `key=value` pairs plus at most one value without a key, which PVE assigns
/// to the format's default key (`virtio,bridge=vmbr0`, `local-lvm:32,iothread=1`). Keeps the
/// order it was given, so a value read from a config and written back changes only what was set.
class property_string {
public:
    property_string() = default;

    /// Splits `text` like pve-common's parse_property_string: empty parts are skipped; a key
    /// given twice, an empty key (`=x`) or a second value without a key is an
    /// errc::invalid_argument naming the part.
    static result<property_string> parse(std::string_view text);

    /// The value of `key`, or nullopt. The value without a key is `default_value()`.
    std::optional<std::string_view> get(std::string_view key) const;
    /// The value given without a key, or nullopt.
    std::optional<std::string_view> default_value() const { return get({}); }

    /// Sets `key` (the empty key: the value without a key), keeping its place when it exists.
    void set(std::string_view key, std::string value);
    /// Removes `key`; false when it was not there.
    bool erase(std::string_view key);

    /// The text PVE expects: the value without a key first, then `key=value` in order.
    std::string str() const;

    /// Every entry in order; the value without a key has an empty key.
    const std::vector<std::pair<std::string, std::string>>& entries() const noexcept { return entries_; }

private:
    std::vector<std::pair<std::string, std::string>> entries_;
};

} // namespace proxmox

#endif
