#ifndef PROXMOX_TYPES_HPP
#define PROXMOX_TYPES_HPP

#include <proxmox/error.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace proxmox {

/// The four methods the PVE API knows.
enum class http_method { get, post, put, del };

/// "GET", "POST", "PUT", "DELETE".
std::string_view to_string(http_method m) noexcept;

/// A guest id: 100 .. 999999999.
using vmid_t = std::uint32_t;

/// A parsed task id, `UPID:node:pid:pstart:starttime:type:id:user:` (WIRE.md §6.2).
struct upid {
    std::string node;
    std::uint32_t pid = 0;
    std::uint64_t pstart = 0;
    std::int64_t starttime = 0; ///< Unix epoch seconds
    std::string type;           ///< qmstart, qmclone, vzdump, ...
    std::string id;             ///< usually the vmid; may be empty
    std::string user;           ///< `root@pam` or a token id `root@pam!ci`
    std::string text;           ///< the original string, sent back to PVE unchanged

    /// Parses a UPID string exactly as pve-common's UPID.pm does.
    static result<upid> parse(std::string_view text);
};

/// Request parameters in the order they are sent. Values are sent as text; booleans as 1/0,
/// as PVE expects. Keys that repeat are sent repeated (PVE turns them into an array).
class request_params {
public:
    request_params() = default;
    request_params(std::initializer_list<std::pair<std::string, std::string>> items) : items_(items) {}

    request_params& add(std::string key, std::string value);
    request_params& add(std::string key, const char* value) {
        return add(std::move(key), std::string(value));
    }
    request_params& add(std::string key, std::int64_t value);
    request_params& add(std::string key, int value) { return add(std::move(key), std::int64_t{value}); }
    request_params& add(std::string key, unsigned value) { return add(std::move(key), std::int64_t{value}); }
    request_params& add(std::string key, bool value);

    const std::vector<std::pair<std::string, std::string>>& items() const noexcept { return items_; }
    bool empty() const noexcept { return items_.empty(); }

private:
    std::vector<std::pair<std::string, std::string>> items_;
};

} // namespace proxmox

#endif
