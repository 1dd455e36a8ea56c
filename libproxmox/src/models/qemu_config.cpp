#include "core/json_read.hpp"
#include "core/text.hpp"

#include <proxmox/models/qemu_config.hpp>

#include <boost/json/value_to.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace proxmox {
using namespace detail;

namespace {

/// Config values as PVE's text: Perl sends some numbers as JSON numbers, some as strings.
std::string as_text(const boost::json::value& v) {
    if (const auto* s = v.if_string())
        return std::string(*s);
    if (v.is_bool())
        return v.get_bool() ? "1" : "0";
    if (v.is_int64())
        return std::to_string(v.get_int64());
    if (v.is_uint64())
        return std::to_string(v.get_uint64());
    if (v.is_double())
        return fmt::format("{}", v.get_double());
    return {};
}

template <class T> std::optional<T> parse_number(std::string_view text) {
    T out{};
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    if (ec != std::errc{} || ptr != text.data() + text.size())
        return std::nullopt;
    return out;
}

/// N of `<prefix>N`, or nullopt.
std::optional<int> numbered(std::string_view key, std::string_view prefix) {
    if (!key.starts_with(prefix) || key.size() == prefix.size())
        return std::nullopt;
    return parse_number<int>(key.substr(prefix.size()));
}

/// A config value a typed accessor cannot read: the error names the key.
error unparsable(std::string_view key, const error& cause) {
    return make_error(errc::invalid_argument, fmt::format("{}: {}", key, cause.message));
}

std::optional<double> read_optional_double(const boost::json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (!v || v->is_null())
        return std::nullopt;
    return to_double(*v);
}

} // namespace

bool is_drive_key(std::string_view key) {
    if (key == "efidisk0" || key == "tpmstate0")
        return true;
    for (std::string_view bus : {"ide", "sata", "scsi", "virtio"})
        if (numbered(key, bus))
            return true;
    return false;
}

// --- qemu_status -----------------------------------------------------------------------------

qemu_status tag_invoke(boost::json::value_to_tag<qemu_status>, const boost::json::value& v) {
    const auto& o = as_object_or_empty(v);
    qemu_status s;
    s.vmid = static_cast<vmid_t>(read_uint(o, "vmid"));
    s.name = read_string(o, "name");
    s.status = read_string(o, "status");
    s.qmpstatus = read_string(o, "qmpstatus");
    s.uptime = read_uint(o, "uptime");
    s.cpu = read_double(o, "cpu");
    s.cpus = static_cast<std::uint32_t>(read_uint(o, "cpus"));
    s.mem = read_uint(o, "mem");
    s.maxmem = read_uint(o, "maxmem");
    s.maxdisk = read_uint(o, "maxdisk");
    s.netin = read_uint(o, "netin");
    s.netout = read_uint(o, "netout");
    s.diskread = read_uint(o, "diskread");
    s.diskwrite = read_uint(o, "diskwrite");
    if (auto pid = read_optional_int(o, "pid"); pid && *pid > 0)
        s.pid = static_cast<std::uint32_t>(*pid);
    s.lock = read_string(o, "lock");
    s.tags = read_string(o, "tags");
    s.is_template = read_bool(o, "template");
    s.agent = read_bool(o, "agent");
    s.running_qemu = read_string(o, "running-qemu");
    s.running_machine = read_string(o, "running-machine");
    s.raw = o;
    return s;
}

// --- qemu_config -----------------------------------------------------------------------------

qemu_config::qemu_config(std::vector<std::pair<std::string, std::string>> entries, std::string digest)
    : entries_(std::move(entries)), digest_(std::move(digest)) {}

qemu_config tag_invoke(boost::json::value_to_tag<qemu_config>, const boost::json::value& v) {
    const auto& o = as_object_or_empty(v);
    std::vector<std::pair<std::string, std::string>> entries;
    std::string digest;
    for (const auto& [key, value] : o) {
        if (key == "digest")
            digest = as_text(value);
        else
            entries.emplace_back(std::string(key), as_text(value));
    }
    return {std::move(entries), std::move(digest)};
}

std::optional<std::string> qemu_config::get(std::string_view key) const {
    for (const auto& [k, v] : entries_)
        if (k == key)
            return v;
    return std::nullopt;
}

std::string qemu_config::name() const {
    return get("name").value_or("");
}

std::optional<unsigned> qemu_config::cores() const {
    auto v = get("cores");
    return v ? parse_number<unsigned>(*v) : std::nullopt;
}

std::optional<unsigned> qemu_config::sockets() const {
    auto v = get("sockets");
    return v ? parse_number<unsigned>(*v) : std::nullopt;
}

std::optional<std::uint64_t> qemu_config::memory_mib() const {
    auto v = get("memory");
    if (!v)
        return std::nullopt;
    auto p = property_string::parse(*v);
    if (!p)
        return std::nullopt;
    auto current = p->get("current");
    if (!current)
        current = p->default_value();
    return current ? parse_number<std::uint64_t>(*current) : std::nullopt;
}

std::vector<std::string> qemu_config::tags() const {
    std::vector<std::string> out;
    const auto text = get("tags").value_or("");
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find_first_of(";, ", start);
        if (end == std::string::npos)
            end = text.size();
        if (end > start)
            out.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

result<std::map<int, qemu_nic>> qemu_config::nets() const {
    std::map<int, qemu_nic> out;
    for (const auto& [k, v] : entries_) {
        auto n = numbered(k, "net");
        if (!n)
            continue;
        auto nic = qemu_nic::parse(v);
        if (!nic)
            return unparsable(k, nic.error());
        out.emplace(*n, std::move(*nic));
    }
    return out;
}

result<std::map<std::string, qemu_disk>> qemu_config::disks() const {
    std::map<std::string, qemu_disk> out;
    for (const auto& [k, v] : entries_) {
        if (!is_drive_key(k))
            continue;
        auto disk = qemu_disk::parse(v);
        if (!disk)
            return unparsable(k, disk.error());
        out.emplace(k, std::move(*disk));
    }
    return out;
}

result<std::map<int, ip_config>> qemu_config::ipconfigs() const {
    std::map<int, ip_config> out;
    for (const auto& [k, v] : entries_) {
        auto n = numbered(k, "ipconfig");
        if (!n)
            continue;
        auto ip = ip_config::parse(v);
        if (!ip)
            return unparsable(k, ip.error());
        out.emplace(*n, std::move(*ip));
    }
    return out;
}

bool qemu_config::agent_enabled() const {
    auto v = get("agent");
    if (!v)
        return false;
    auto p = property_string::parse(*v);
    if (!p)
        return false;
    auto enabled = p->get("enabled");
    if (!enabled)
        enabled = p->default_value();
    return enabled && *enabled == "1";
}

bool qemu_config::is_template() const {
    return get("template").value_or("0") == "1";
}

// --- qemu_config_update ----------------------------------------------------------------------

qemu_config_update::qemu_config_update()
    : config_change(gen::qemu_config_keys(), "qemu_config_update", "VM", "qemu_config::digest()") {}

qemu_config_update& qemu_config_update::set(std::string key, std::string value) {
    set_text(std::move(key), std::move(value));
    return *this;
}

qemu_config_update& qemu_config_update::set_nic(int index, const qemu_nic& nic) {
    set_numbered("net", index, 31, nic.to_property_string());
    return *this;
}

qemu_config_update& qemu_config_update::set_disk(std::string key, const qemu_disk& disk) {
    if (!is_drive_key(key)) {
        fail(fmt::format("qemu_config_update: {} is not a drive key (ideN, sataN, scsiN, virtioN, efidisk0, "
                         "tpmstate0)",
                         detail::bounded_quote(key)));
        return *this;
    }
    auto text = disk.to_property_string();
    if (!text) {
        fail(fmt::format("qemu_config_update: {}: {}", key, text.error().message));
        return *this;
    }
    set_text(std::move(key), std::move(*text));
    return *this;
}

qemu_config_update& qemu_config_update::set_ipconfig(int index, const ip_config& ip) {
    set_numbered("ipconfig", index, 31, ip.to_property_string());
    return *this;
}

qemu_config_update& qemu_config_update::remove(std::string key) {
    remove_key(std::move(key));
    return *this;
}

// --- cloud-init ------------------------------------------------------------------------------

std::string encode_ssh_keys(const std::vector<std::string>& keys) {
    // PVE URI-unescapes `sshkeys` (its GUI sends encodeURIComponent with the rest escaped too).
    std::string out;
    bool first = true;
    for (const auto& key : keys) {
        std::string text = first ? key : "\n" + key;
        first = false;
        for (unsigned char c : text) {
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                c == '_' || c == '.' || c == '~')
                out += static_cast<char>(c);
            else
                out += fmt::format("%{:02X}", c);
        }
    }
    return out;
}

std::vector<std::string> decode_ssh_keys(std::string_view text) {
    std::string plain;
    for (std::size_t i = 0; i < text.size(); ++i) {
        unsigned value = 0;
        if (text[i] == '%' && i + 2 < text.size() &&
            std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16).ptr == text.data() + i + 3) {
            plain += static_cast<char>(value);
            i += 2;
        } else {
            plain += text[i];
        }
    }
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < plain.size()) {
        auto end = plain.find('\n', start);
        if (end == std::string::npos)
            end = plain.size();
        auto line = plain.substr(start, end - start);
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.find_first_not_of(" \t") != std::string::npos)
            out.push_back(std::move(line));
        start = end + 1;
    }
    return out;
}

// --- RRD -------------------------------------------------------------------------------------

qemu_rrd_sample tag_invoke(boost::json::value_to_tag<qemu_rrd_sample>, const boost::json::value& v) {
    const auto& o = as_object_or_empty(v);
    qemu_rrd_sample s;
    s.time = read_int(o, "time");
    s.cpu = read_optional_double(o, "cpu");
    s.maxcpu = read_optional_double(o, "maxcpu");
    s.mem = read_optional_double(o, "mem");
    s.maxmem = read_optional_double(o, "maxmem");
    s.disk = read_optional_double(o, "disk");
    s.maxdisk = read_optional_double(o, "maxdisk");
    s.netin = read_optional_double(o, "netin");
    s.netout = read_optional_double(o, "netout");
    s.diskread = read_optional_double(o, "diskread");
    s.diskwrite = read_optional_double(o, "diskwrite");
    s.raw = o;
    return s;
}

} // namespace proxmox
