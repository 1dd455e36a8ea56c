#include "core/text.hpp"

#include <proxmox/models/property_string.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace proxmox {
namespace {
// Config values and caller text can be long: errors quote them at bounded length.
using detail::bounded_quote;
} // namespace

result<property_string> property_string::parse(std::string_view text) {
    property_string out;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find(',', start);
        if (end == std::string_view::npos)
            end = text.size();
        auto part = text.substr(start, end - start);
        start = end + 1;
        if (part.find_first_not_of(" \t") == std::string_view::npos)
            continue;
        const auto eq = part.find('=');
        const auto key = eq == std::string_view::npos ? std::string_view{} : part.substr(0, eq);
        const auto value = eq == std::string_view::npos ? part : part.substr(eq + 1);
        if (eq != std::string_view::npos && key.empty())
            return make_error(errc::invalid_argument, fmt::format("{} in property string {} has no key",
                                                                  bounded_quote(part), bounded_quote(text)));
        if (out.get(key))
            return make_error(errc::invalid_argument,
                              key.empty() ? fmt::format("property string {} has two values without a key",
                                                        bounded_quote(text))
                                          : fmt::format("key {} appears twice in property string {}",
                                                        bounded_quote(key), bounded_quote(text)));
        out.entries_.emplace_back(std::string(key), std::string(value));
    }
    return out;
}

std::optional<std::string_view> property_string::get(std::string_view key) const {
    for (const auto& [k, v] : entries_)
        if (k == key)
            return std::string_view(v);
    return std::nullopt;
}

void property_string::set(std::string_view key, std::string value) {
    for (auto& [k, v] : entries_)
        if (k == key) {
            v = std::move(value);
            return;
        }
    if (key.empty())
        entries_.emplace(entries_.begin(), std::string(), std::move(value));
    else
        entries_.emplace_back(std::string(key), std::move(value));
}

bool property_string::erase(std::string_view key) {
    auto it = std::find_if(entries_.begin(), entries_.end(), [&](const auto& kv) { return kv.first == key; });
    if (it == entries_.end())
        return false;
    entries_.erase(it);
    return true;
}

std::string property_string::str() const {
    std::string out;
    if (auto v = default_value())
        out = *v;
    for (const auto& [k, v] : entries_) {
        if (k.empty())
            continue;
        if (!out.empty())
            out += ',';
        out += k;
        out += '=';
        out += v;
    }
    return out;
}

} // namespace proxmox
