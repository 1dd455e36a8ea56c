#ifndef PROXMOX_MODELS_CONFIG_CHANGE_HPP
#define PROXMOX_MODELS_CONFIG_CHANGE_HPP

// What qemu_config_update and lxc_config_update share: keys to set as PVE's text, keys to
// delete, the digest the change is based on, and the first problem found while building it.

#include <proxmox/error.hpp>
#include <proxmox/generated/field_groups.hpp>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace proxmox::detail {

/// A config change checked against the keys PVE's schema defines for one guest type. A key the
/// schema does not know, or one both set and deleted, is remembered as problem(); the handle's
/// update call then fails with it (errc::invalid_argument) before sending anything.
class config_change {
public:
    /// Write only if the config still has this digest (qemu_config::digest(), lxc_config::digest);
    /// otherwise PVE refuses with a 500 (errc::server_error).
    std::optional<std::string> digest;

    const std::vector<std::pair<std::string, std::string>>& values() const noexcept { return set_; }
    const std::vector<std::string>& deletions() const noexcept { return delete_; }
    /// The first problem found; nullopt when the change is usable.
    const std::optional<error>& problem() const noexcept { return problem_; }
    bool empty() const noexcept { return set_.empty() && delete_.empty(); }
    /// Whether the change can be sent: problem(), else errc::invalid_argument for an empty change
    /// or a `digest` that is not one.
    result<void> check() const;
    /// The keys to delete as PVE's comma list (its `delete` parameter); nullopt when none.
    std::optional<std::string> deletion_list() const;

protected:
    /// `what` names the change in messages ("qemu_config_update"), `guest` the guest ("VM"),
    /// `digest_source` where a digest comes from ("qemu_config::digest()").
    config_change(std::span<const gen::field_key> keys,
                  std::string_view what,
                  std::string_view guest,
                  std::string_view digest_source)
        : keys_(keys), what_(what), guest_(guest), digest_source_(digest_source) {}

    void set_text(std::string key, std::string value);
    void remove_key(std::string key);
    /// Sets `<stem>N` to the property string `text` (or records its error); N in 0..max.
    void set_numbered(std::string_view stem, int index, int max, result<std::string> text);
    void fail(std::string message);
    std::string_view what() const noexcept { return what_; }

private:
    bool check_key(const std::string& key);

    std::span<const gen::field_key> keys_;
    std::string_view what_;
    std::string_view guest_;
    std::string_view digest_source_;
    std::vector<std::pair<std::string, std::string>> set_;
    std::vector<std::string> delete_;
    std::optional<error> problem_;
};

} // namespace proxmox::detail

#endif
