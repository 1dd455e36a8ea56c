#include "core/json_read.hpp"
#include "core/text.hpp"

#include <proxmox/models/lxc_config.hpp>

#include <boost/json/value_to.hpp>

#include <fmt/format.h>

#include <charconv>

namespace proxmox {
using namespace detail;

namespace {

error bad(std::string_view field, std::string what) {
    return make_error(errc::invalid_argument, fmt::format("lxc_volume.{}: {}", field, what));
}

std::optional<bool> flag(std::string_view v) {
    if (v == "1" || v == "on" || v == "yes" || v == "true")
        return true;
    if (v == "0" || v == "off" || v == "no" || v == "false")
        return false;
    return std::nullopt;
}

/// `net3` -> 3 for keys of the form PREFIX + number.
std::optional<int> numbered(std::string_view key, std::string_view prefix) {
    if (!key.starts_with(prefix) || key.size() == prefix.size())
        return std::nullopt;
    int n = 0;
    const auto digits = key.substr(prefix.size());
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (ec != std::errc() || p != digits.data() + digits.size())
        return std::nullopt;
    return n;
}

} // namespace

lxc_volume lxc_volume::new_volume(std::string_view storage, std::uint64_t size_gib, std::string mount_path) {
    lxc_volume v;
    v.volume = fmt::format("{}:{}", storage, size_gib);
    v.mp = std::move(mount_path);
    return v;
}

result<std::string> lxc_volume::to_property_string() const {
    if (volume.empty())
        return bad("volume", "is empty; name a volume or use lxc_volume::new_volume()");
    for (const auto& [name, value] :
         {std::pair<std::string_view, std::string_view>{"volume", volume}, {"mp", mp}})
        if (value.find_first_of(",=") != std::string_view::npos)
            return bad(name, fmt::format("{} must not contain ',' or '='", detail::bounded_quote(value)));
    property_string p;
    p.set("", volume);
    if (!mp.empty())
        p.set("mp", mp);
    if (size)
        p.set("size", *size);
    if (backup)
        p.set("backup", *backup ? "1" : "0");
    if (ro)
        p.set("ro", *ro ? "1" : "0");
    for (const auto& [k, v] : other.entries())
        if (!k.empty() && !p.get(k))
            p.set(k, v);
    return p.str();
}

result<lxc_volume> lxc_volume::parse(std::string_view text) {
    auto p = property_string::parse(text);
    if (!p)
        return p.error();
    lxc_volume v;
    for (const auto& [k, value] : p->entries()) {
        if (k.empty() || k == "volume")
            v.volume = value;
        else if (k == "mp")
            v.mp = value;
        else if (k == "size")
            v.size = value;
        else if (k == "backup")
            v.backup = flag(value);
        else if (k == "ro")
            v.ro = flag(value);
        else
            v.other.set(k, value);
    }
    if (v.volume.empty())
        return bad("volume", fmt::format("{} names no volume", detail::bounded_quote(text)));
    return v;
}

result<lxc_volume> lxc_config::rootfs() const {
    if (rootfs_text.empty())
        return make_error(errc::not_found, "the container config has no rootfs");
    auto v = lxc_volume::parse(rootfs_text);
    if (!v)
        return make_error(errc::invalid_argument, "rootfs: " + v.error().message);
    return v;
}

result<std::map<int, lxc_volume>> lxc_config::mount_points() const {
    std::map<int, lxc_volume> out;
    for (const auto& [n, text] : mp_text) {
        auto v = lxc_volume::parse(text);
        if (!v)
            return make_error(errc::invalid_argument, fmt::format("mp{}: {}", n, v.error().message));
        out.emplace(n, std::move(*v));
    }
    return out;
}

result<std::map<int, lxc_nic>> lxc_config::nets() const {
    std::map<int, lxc_nic> out;
    for (const auto& [n, text] : net_text) {
        auto nic = lxc_nic::parse(text);
        if (!nic)
            return make_error(errc::invalid_argument, fmt::format("net{}: {}", n, nic.error().message));
        out.emplace(n, std::move(*nic));
    }
    return out;
}

result<std::map<std::string, lxc_volume>> lxc_config::disks() const {
    std::map<std::string, lxc_volume> out;
    if (!rootfs_text.empty()) {
        auto root = rootfs();
        if (!root)
            return root.error();
        out.emplace("rootfs", std::move(*root));
    }
    auto mounts = mount_points();
    if (!mounts)
        return mounts.error();
    for (auto& [n, volume] : *mounts)
        out.emplace(fmt::format("mp{}", n), std::move(volume));
    return out;
}

std::optional<std::string> lxc_config::get(std::string_view key) const {
    const auto* v = raw.if_contains(key);
    if (!v)
        return std::nullopt;
    if (const auto* s = v->if_string())
        return std::string(*s);
    if (v->is_bool())
        return v->get_bool() ? "1" : "0";
    if (v->is_int64())
        return std::to_string(v->get_int64());
    if (v->is_uint64())
        return std::to_string(v->get_uint64());
    if (v->is_double())
        return fmt::format("{}", v->get_double());
    return std::nullopt;
}

lxc_config tag_invoke(boost::json::value_to_tag<lxc_config>, const boost::json::value& v) {
    const auto& o = as_object_or_empty(v);
    lxc_config c;
    c.digest = read_string(o, "digest");
    c.hostname = read_string(o, "hostname");
    if (auto cores = read_optional_int(o, "cores"); cores && *cores > 0)
        c.cores = static_cast<std::uint32_t>(*cores);
    if (o.contains("memory"))
        c.memory = read_uint(o, "memory");
    if (o.contains("swap"))
        c.swap = read_uint(o, "swap");
    c.ostype = read_string(o, "ostype");
    c.arch = read_string(o, "arch");
    c.unprivileged = read_bool(o, "unprivileged");
    c.onboot = read_bool(o, "onboot");
    c.protection = read_bool(o, "protection");
    c.is_template = read_bool(o, "template");
    c.description = read_string(o, "description");
    c.tags = read_string(o, "tags");
    c.lock = read_string(o, "lock");
    c.rootfs_text = read_string(o, "rootfs");
    for (const auto& [key, value] : o) {
        if (auto n = numbered(key, "net"))
            c.net_text[*n] = read_string(o, key);
        else if (auto m = numbered(key, "mp"))
            c.mp_text[*m] = read_string(o, key);
    }
    c.raw = o;
    return c;
}

// --- lxc_config_update -----------------------------------------------------------------------

lxc_config_update::lxc_config_update()
    : config_change(gen::lxc_config_keys(), "lxc_config_update", "container", "lxc_config::digest") {}

lxc_config_update& lxc_config_update::set(std::string key, std::string value) {
    set_text(std::move(key), std::move(value));
    return *this;
}

lxc_config_update& lxc_config_update::set_nic(int index, const lxc_nic& nic) {
    set_numbered("net", index, 31, nic.to_property_string());
    return *this;
}

lxc_config_update& lxc_config_update::set_mount_point(int index, const lxc_volume& volume) {
    set_numbered("mp", index, 255, volume.to_property_string());
    return *this;
}

lxc_config_update& lxc_config_update::set_rootfs(const lxc_volume& volume) {
    auto text = volume.to_property_string();
    if (!text)
        fail("lxc_config_update: rootfs: " + text.error().message);
    else
        set_text("rootfs", std::move(*text));
    return *this;
}

lxc_config_update& lxc_config_update::remove(std::string key) {
    remove_key(std::move(key));
    return *this;
}

} // namespace proxmox
