#include "core/text.hpp"

#include <proxmox/models/config_change.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace proxmox::detail {

void config_change::fail(std::string message) {
    if (!problem_)
        problem_ = make_error(errc::invalid_argument, std::move(message));
}

bool config_change::check_key(const std::string& key) {
    if (gen::is_field_key(keys_, key))
        return true;
    fail(fmt::format("{}: {} is not a {} config key in PVE's schema (e.g. cores, memory, net0)", what_,
                     bounded_quote(key), guest_));
    return false;
}

void config_change::set_text(std::string key, std::string value) {
    if (!check_key(key))
        return;
    if (std::find(delete_.begin(), delete_.end(), key) != delete_.end())
        fail(fmt::format("{}: {} is both set and deleted; do one of them", what_, bounded_quote(key)));
    auto it = std::find_if(set_.begin(), set_.end(), [&](const auto& e) { return e.first == key; });
    if (it != set_.end())
        it->second = std::move(value);
    else
        set_.emplace_back(std::move(key), std::move(value));
}

void config_change::remove_key(std::string key) {
    if (!check_key(key))
        return;
    if (std::any_of(set_.begin(), set_.end(), [&](const auto& e) { return e.first == key; }))
        fail(fmt::format("{}: {} is both set and deleted; do one of them", what_, bounded_quote(key)));
    if (std::find(delete_.begin(), delete_.end(), key) == delete_.end())
        delete_.push_back(std::move(key));
}

void config_change::set_numbered(std::string_view stem, int index, int max, result<std::string> text) {
    if (index < 0 || index > max) {
        fail(fmt::format("{}: {} index {} is out of range ({}0 .. {}{})", what_, stem, index, stem, stem,
                         max));
        return;
    }
    if (!text) {
        fail(fmt::format("{}: {}{}: {}", what_, stem, index, text.error().message));
        return;
    }
    set_text(fmt::format("{}{}", stem, index), std::move(*text));
}

result<void> config_change::check() const {
    if (problem_)
        return *problem_;
    if (empty())
        return make_error(errc::invalid_argument,
                          fmt::format("{} is empty; set or remove at least one key", what_));
    if (digest && (digest->size() > 64 || !all_hex(*digest)))
        return make_error(errc::invalid_argument, fmt::format("{}.digest {} is not a digest; pass {}", what_,
                                                              bounded_quote(*digest), digest_source_));
    return {};
}

std::optional<std::string> config_change::deletion_list() const {
    if (delete_.empty())
        return std::nullopt;
    std::string out;
    for (const auto& key : delete_)
        out += (out.empty() ? "" : ",") + key;
    return out;
}

} // namespace proxmox::detail
