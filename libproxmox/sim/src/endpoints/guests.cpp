// Guest config access and state transitions shared by the guest endpoints.
#include "endpoints/guests.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

namespace proxmox::sim::detail {

namespace {

constexpr std::uint64_t MiB = 1024 * 1024;

/// PVE::JSONSchema::parse_size: a number with an optional K/M/G/T suffix (bytes without one).
std::optional<std::uint64_t> parse_size(std::string_view text) {
    if (text.empty())
        return std::nullopt;
    char* end = nullptr;
    const std::string s(text);
    const double v = std::strtod(s.c_str(), &end);
    std::uint64_t unit = 1;
    switch (end && *end ? *end : '\0') {
    case '\0':
        break;
    case 'K':
        unit = 1024;
        break;
    case 'M':
        unit = MiB;
        break;
    case 'G':
        unit = 1024 * MiB;
        break;
    case 'T':
        unit = 1024 * 1024 * MiB;
        break;
    default:
        return std::nullopt;
    }
    return static_cast<std::uint64_t>(v * static_cast<double>(unit));
}

std::uint64_t unsigned_value(const guest_state& g, std::string_view key, std::uint64_t fallback) {
    auto v = config_value(g, key);
    if (!v)
        return fallback;
    // `memory` is a property string in PVE 9 (`[current=]N`)
    auto current = property_value(*v, "current");
    if (!current)
        current = property_value(*v, "");
    return current ? std::strtoull(current->c_str(), nullptr, 10) : fallback;
}

/// The disk QemuServer.pm vmstatus reports as maxdisk: the first disk of the boot order, else
/// the first of scsi0, virtio0, sata0, ide0.
std::optional<std::string> qemu_boot_disk(const guest_state& g) {
    if (auto boot = config_value(g, "boot")) {
        if (auto order = property_value(*boot, "order")) {
            std::size_t start = 0;
            while (start <= order->size()) {
                auto end = order->find(';', start);
                if (end == std::string::npos)
                    end = order->size();
                const auto dev = order->substr(start, end - start);
                if (auto v = config_value(g, dev); v && v->find("media=cdrom") == std::string::npos)
                    return v;
                start = end + 1;
            }
        }
    }
    for (std::string_view key : {"scsi0", "virtio0", "sata0", "ide0"})
        if (auto v = config_value(g, key); v && v->find("media=cdrom") == std::string::npos)
            return v;
    return std::nullopt;
}

} // namespace

/// The value of `key=` in a property string, or the default key's value for key "".
std::optional<std::string> property_value(std::string_view prop_string, std::string_view key) {
    std::size_t start = 0;
    while (start <= prop_string.size()) {
        auto end = prop_string.find(',', start);
        if (end == std::string_view::npos)
            end = prop_string.size();
        const auto part = prop_string.substr(start, end - start);
        const auto eq = part.find('=');
        if (key.empty() && eq == std::string_view::npos && !part.empty())
            return std::string(part);
        if (eq != std::string_view::npos && part.substr(0, eq) == key)
            return std::string(part.substr(eq + 1));
        start = end + 1;
    }
    return std::nullopt;
}

std::string lock_message(const guest_state& g) {
    return fmt::format("{} is locked ({})", g.kind == guest_kind::qemu ? "VM" : "CT", g.lock);
}

void check_lock(const guest_state& g) {
    if (!g.lock.empty())
        raise_error(lock_message(g) + "\n");
}

void stop_guest(guest_state& g) {
    g.running = false;
    g.pid = 0;
}

std::optional<std::string> config_value(const guest_state& g, std::string_view key) {
    for (const auto& [k, v] : g.config)
        if (k == key)
            return v;
    return std::nullopt;
}

void set_config_value(guest_state& g, std::string_view key, std::string value) {
    for (auto& [k, v] : g.config)
        if (k == key) {
            v = std::move(value);
            return;
        }
    g.config.emplace_back(std::string(key), std::move(value));
}

bool erase_config_value(guest_state& g, std::string_view key) {
    auto it = std::find_if(g.config.begin(), g.config.end(), [&](const auto& kv) { return kv.first == key; });
    if (it == g.config.end())
        return false;
    g.config.erase(it);
    return true;
}

void sync_from_config(guest_state& g) {
    const bool qemu = g.kind == guest_kind::qemu;
    if (auto name = config_value(g, qemu ? "name" : "hostname"))
        g.name = *name;
    else
        g.name = fmt::format("{}{}", qemu ? "VM " : "CT", g.vmid);
    if (qemu) {
        g.cores = static_cast<unsigned>(unsigned_value(g, "sockets", 1) * unsigned_value(g, "cores", 1));
        g.maxmem = unsigned_value(g, "memory", 2048) * MiB;
        g.maxdisk = 0;
        if (auto disk = qemu_boot_disk(g))
            if (auto size = property_value(*disk, "size"))
                g.maxdisk = parse_size(*size).value_or(0);
        auto agent = config_value(g, "agent");
        auto enabled = agent ? property_value(*agent, "enabled") : std::nullopt;
        if (agent && !enabled)
            enabled = property_value(*agent, "");
        g.agent = enabled && (*enabled == "1" || *enabled == "on" || *enabled == "yes" || *enabled == "true");
    } else {
        g.cores = static_cast<unsigned>(unsigned_value(g, "cores", g.cores ? g.cores : 1));
        g.maxmem = unsigned_value(g, "memory", 512) * MiB;
        g.maxswap = unsigned_value(g, "swap", 512) * MiB;
        g.maxdisk = 0;
        if (auto rootfs = config_value(g, "rootfs"))
            if (auto size = property_value(*rootfs, "size"))
                g.maxdisk = parse_size(*size).value_or(0);
    }
    g.tags = config_value(g, "tags").value_or("");
    g.is_template = config_value(g, "template").value_or("0") == "1";
}

} // namespace proxmox::sim::detail
