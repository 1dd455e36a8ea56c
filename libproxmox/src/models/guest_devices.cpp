#include "core/text.hpp"

#include <proxmox/models/guest_devices.hpp>
#include <proxmox/models/property_string.hpp>

#include <boost/url/grammar/parse.hpp>
#include <boost/url/ipv4_address.hpp>
#include <boost/url/ipv6_address.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace proxmox {
namespace {

// Values come from callers and from configs: errors quote them at bounded length.
using detail::bounded_quote;

constexpr std::array<std::string_view, 14> nic_models = {
    "e1000",    "e1000-82540em", "e1000-82544gc", "e1000-82545em", "e1000e",  "i82551", "i82557b",
    "i82559er", "ne2k_isa",      "ne2k_pci",      "pcnet",         "rtl8139", "virtio", "vmxnet3"};

error bad(std::string_view type, std::string_view field, std::string what) {
    return make_error(errc::invalid_argument, fmt::format("{}.{}: {}", type, field, what));
}

bool one_of(std::string_view v, std::initializer_list<std::string_view> allowed) {
    return std::find(allowed.begin(), allowed.end(), v) != allowed.end();
}

std::string join(std::initializer_list<std::string_view> allowed) {
    std::string out;
    for (auto a : allowed)
        out += (out.empty() ? "" : ", ") + std::string(a);
    return out;
}

/// pve-common pve_verify_mac_addr: six hex pairs, and a unicast address.
bool unicast_mac(std::string_view mac) {
    if (mac.size() != 17)
        return false;
    for (std::size_t i = 0; i < mac.size(); ++i) {
        const bool colon = i % 3 == 2;
        if (colon ? mac[i] != ':' : !std::isxdigit(static_cast<unsigned char>(mac[i])))
            return false;
    }
    const int first = std::stoi(std::string(mac.substr(0, 2)), nullptr, 16);
    return (first & 1) == 0;
}

/// pve-bridge-id: letters, digits, `-`, `_`, `.`.
bool bridge_name(std::string_view name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    });
}

std::optional<unsigned> to_unsigned(std::string_view text) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size())
        return std::nullopt;
    return v;
}

bool valid_ipv4(std::string_view text) {
    return boost::urls::parse_ipv4_address(text).has_value();
}
bool valid_ipv6(std::string_view text) {
    return boost::urls::parse_ipv6_address(text).has_value();
}

/// ADDRESS/PREFIX with the prefix in range for the family.
bool valid_cidr(std::string_view text, bool v6) {
    const auto slash = text.find('/');
    if (slash == std::string_view::npos)
        return false;
    auto prefix = to_unsigned(text.substr(slash + 1));
    const auto addr = text.substr(0, slash);
    return prefix && *prefix <= (v6 ? 128u : 32u) && (v6 ? valid_ipv6(addr) : valid_ipv4(addr));
}

std::string number(double v) {
    return fmt::format("{}", v);
}

void put_flag(property_string& p, std::string_view key, const std::optional<bool>& v) {
    if (v)
        p.set(key, *v ? "1" : "0");
}
void put_number(property_string& p, std::string_view key, const std::optional<unsigned>& v) {
    if (v)
        p.set(key, std::to_string(*v));
}

/// Keys a typed builder does not model, appended unless it set them itself.
void keep_other(property_string& p, const property_string& other) {
    for (const auto& [k, v] : other.entries())
        if (!k.empty() && !p.get(k))
            p.set(k, v);
}

std::optional<bool> flag(std::string_view v) {
    if (one_of(v, {"1", "on", "yes", "true"}))
        return true;
    if (one_of(v, {"0", "off", "no", "false"}))
        return false;
    return std::nullopt;
}

/// Only blanks: property_string::parse skips such a part, so written out it would be lost.
bool blank(std::string_view value) {
    return value.find_first_not_of(" \t") == std::string_view::npos;
}

/// Rejects values that would break the comma-separated form.
result<void> plain(std::string_view type, std::string_view field, std::string_view value) {
    if (value.find(',') != std::string_view::npos || value.find('=') != std::string_view::npos)
        return bad(type, field, fmt::format("{} must not contain ',' or '='", bounded_quote(value)));
    return {};
}

result<void> check_vlan_mtu_rate(std::string_view type,
                                 const std::optional<unsigned>& tag,
                                 const std::optional<unsigned>& mtu,
                                 unsigned mtu_min,
                                 unsigned mtu_max,
                                 const std::optional<double>& rate) {
    if (tag && (*tag < 1 || *tag > 4094))
        return bad(type, "tag", fmt::format("VLAN tag {} is not in 1..4094", *tag));
    if (mtu && (*mtu < mtu_min || *mtu > mtu_max))
        return bad(type, "mtu", fmt::format("MTU {} is not in {}..{}", *mtu, mtu_min, mtu_max));
    if (rate && !(*rate >= 0))
        return bad(type, "rate", "must be 0 or more (MB/s)");
    return {};
}

} // namespace

// ---------------------------------------------------------------------------------------------

result<std::string> qemu_nic::to_property_string() const {
    constexpr std::string_view t = "qemu_nic";
    if (std::find(nic_models.begin(), nic_models.end(), model) == nic_models.end())
        return bad(t, "model",
                   fmt::format("{} is not a QEMU NIC model (virtio, e1000, e1000e, rtl8139, vmxnet3, ...)",
                               bounded_quote(model)));
    if (!macaddr.empty() && !unicast_mac(macaddr))
        return bad(t, "macaddr",
                   fmt::format("{} is not a unicast MAC address XX:XX:XX:XX:XX:XX", bounded_quote(macaddr)));
    if (!bridge.empty() && !bridge_name(bridge))
        return bad(t, "bridge", fmt::format("{} is not a bridge name", bounded_quote(bridge)));
    if (auto ok = check_vlan_mtu_rate(t, tag, mtu, 1, 65520, rate); !ok)
        return ok.error();
    if (queues && *queues > 64)
        return bad(t, "queues", fmt::format("{} is not in 0..64", *queues));
    property_string p;
    if (macaddr.empty())
        p.set({}, model); // PVE generates the MAC
    else
        p.set(model, macaddr); // `virtio=MAC`, as PVE writes it
    if (!bridge.empty())
        p.set("bridge", bridge);
    put_flag(p, "firewall", firewall);
    put_flag(p, "link_down", link_down);
    put_number(p, "mtu", mtu);
    put_number(p, "queues", queues);
    if (rate)
        p.set("rate", number(*rate));
    put_number(p, "tag", tag);
    keep_other(p, other);
    return p.str();
}

result<qemu_nic> qemu_nic::parse(std::string_view text) {
    auto p = property_string::parse(text);
    if (!p)
        return p.error();
    qemu_nic nic;
    nic.bridge.clear();
    for (const auto& [k, v] : p->entries()) {
        if (k.empty() || k == "model") {
            nic.model = v;
        } else if (std::find(nic_models.begin(), nic_models.end(), k) != nic_models.end()) {
            nic.model = k;
            nic.macaddr = v;
        } else if (k == "macaddr") {
            nic.macaddr = v;
        } else if (k == "bridge") {
            nic.bridge = v;
        } else if (k == "firewall") {
            nic.firewall = flag(v);
        } else if (k == "link_down") {
            nic.link_down = flag(v);
        } else if (k == "tag" || k == "mtu" || k == "queues") {
            auto n = to_unsigned(v);
            if (!n)
                return bad("qemu_nic", k,
                           fmt::format("{} is not a number in {}", bounded_quote(v), bounded_quote(text)));
            (k == "tag" ? nic.tag : k == "mtu" ? nic.mtu : nic.queues) = n;
        } else if (k == "rate") {
            double r = 0;
            auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), r);
            if (ec != std::errc() || ptr != v.data() + v.size())
                return bad("qemu_nic", "rate",
                           fmt::format("{} is not a number in {}", bounded_quote(v), bounded_quote(text)));
            nic.rate = r;
        } else {
            nic.other.set(k, v);
        }
    }
    return nic;
}

// ---------------------------------------------------------------------------------------------

qemu_disk qemu_disk::new_disk(std::string_view storage, std::uint64_t size_gib) {
    qemu_disk d;
    d.volume = fmt::format("{}:{}", storage, size_gib);
    return d;
}

qemu_disk qemu_disk::cdrom(std::string_view iso_volume) {
    qemu_disk d;
    d.volume = iso_volume.empty() ? "none" : std::string(iso_volume);
    d.media = "cdrom";
    return d;
}

result<std::string> qemu_disk::to_property_string() const {
    constexpr std::string_view t = "qemu_disk";
    if (blank(volume))
        return bad(t, "volume", "is empty; name a volume, or use qemu_disk::new_disk(storage, size_gib)");
    if (auto ok = plain(t, "volume", volume); !ok)
        return ok.error();
    if (media && !one_of(*media, {"cdrom", "disk"}))
        return bad(t, "media", fmt::format("{} is not cdrom or disk", bounded_quote(*media)));
    const std::initializer_list<std::string_view> caches = {"none", "writethrough", "writeback", "unsafe",
                                                            "directsync"};
    if (cache && !one_of(*cache, caches))
        return bad(t, "cache", fmt::format("{} is not one of {}", bounded_quote(*cache), join(caches)));
    if (discard && !one_of(*discard, {"on", "ignore"}))
        return bad(t, "discard", fmt::format("{} is not on or ignore", bounded_quote(*discard)));
    const std::initializer_list<std::string_view> formats = {"raw", "qcow", "qed", "qcow2", "vmdk", "cloop"};
    if (format && !one_of(*format, formats))
        return bad(t, "format", fmt::format("{} is not one of {}", bounded_quote(*format), join(formats)));
    if (import_from) {
        if (auto ok = plain(t, "import_from", *import_from); !ok)
            return ok.error();
    }
    property_string p;
    p.set({}, volume);
    put_flag(p, "backup", backup);
    if (cache)
        p.set("cache", *cache);
    if (discard)
        p.set("discard", *discard);
    if (format)
        p.set("format", *format);
    if (import_from)
        p.set("import-from", *import_from);
    put_flag(p, "iothread", iothread);
    if (media)
        p.set("media", *media);
    if (size)
        p.set("size", *size);
    put_flag(p, "ssd", ssd);
    keep_other(p, other);
    return p.str();
}

result<qemu_disk> qemu_disk::parse(std::string_view text) {
    auto p = property_string::parse(text);
    if (!p)
        return p.error();
    qemu_disk d;
    for (const auto& [k, v] : p->entries()) {
        if (k.empty() || k == "file")
            d.volume = v;
        else if (k == "media")
            d.media = v;
        else if (k == "format")
            d.format = v;
        else if (k == "cache")
            d.cache = v;
        else if (k == "discard")
            d.discard = v;
        else if (k == "iothread")
            d.iothread = flag(v);
        else if (k == "ssd")
            d.ssd = flag(v);
        else if (k == "backup")
            d.backup = flag(v);
        else if (k == "size")
            d.size = v;
        else if (k == "import-from")
            d.import_from = v;
        else
            d.other.set(k, v);
    }
    if (blank(d.volume))
        return bad("qemu_disk", "volume", fmt::format("{} names no volume", bounded_quote(text)));
    return d;
}

// ---------------------------------------------------------------------------------------------

result<std::string> ip_config::to_property_string() const {
    constexpr std::string_view t = "ip_config";
    if (!ip.empty() && ip != "dhcp" && !valid_cidr(ip, false))
        return bad(t, "ip",
                   fmt::format("{} is neither dhcp nor an IPv4 address with prefix (192.168.1.50/24)",
                               bounded_quote(ip)));
    if (!gw.empty() && !valid_ipv4(gw))
        return bad(t, "gw", fmt::format("{} is not an IPv4 address", bounded_quote(gw)));
    if (!gw.empty() && ip.empty())
        return bad(t, "gw", "a gateway needs an ip");
    if (!ip6.empty() && ip6 != "dhcp" && ip6 != "auto" && !valid_cidr(ip6, true))
        return bad(
            t, "ip6",
            fmt::format("{} is neither dhcp, auto nor an IPv6 address with prefix", bounded_quote(ip6)));
    if (!gw6.empty() && !valid_ipv6(gw6))
        return bad(t, "gw6", fmt::format("{} is not an IPv6 address", bounded_quote(gw6)));
    if (!gw6.empty() && ip6.empty())
        return bad(t, "gw6", "a gateway needs an ip6");
    if (ip.empty() && ip6.empty())
        return bad(t, "ip", "set ip or ip6 (dhcp or an address)");
    property_string p;
    if (!gw.empty())
        p.set("gw", gw);
    if (!gw6.empty())
        p.set("gw6", gw6);
    if (!ip.empty())
        p.set("ip", ip);
    if (!ip6.empty())
        p.set("ip6", ip6);
    return p.str();
}

result<ip_config> ip_config::parse(std::string_view text) {
    auto p = property_string::parse(text);
    if (!p)
        return p.error();
    ip_config c;
    for (const auto& [k, v] : p->entries()) {
        if (k == "ip")
            c.ip = v;
        else if (k == "gw")
            c.gw = v;
        else if (k == "ip6")
            c.ip6 = v;
        else if (k == "gw6")
            c.gw6 = v;
    }
    return c;
}

// ---------------------------------------------------------------------------------------------

result<std::string> lxc_nic::to_property_string() const {
    constexpr std::string_view t = "lxc_nic";
    if (name.empty() || !bridge_name(name))
        return bad(t, "name", fmt::format("{} is not an interface name", bounded_quote(name)));
    if (!bridge.empty() && !bridge_name(bridge))
        return bad(t, "bridge", fmt::format("{} is not a bridge name", bounded_quote(bridge)));
    if (!hwaddr.empty() && !unicast_mac(hwaddr))
        return bad(t, "hwaddr",
                   fmt::format("{} is not a unicast MAC address XX:XX:XX:XX:XX:XX", bounded_quote(hwaddr)));
    if (!ip.empty() && ip != "dhcp" && ip != "manual" && !valid_cidr(ip, false))
        return bad(
            t, "ip",
            fmt::format("{} is neither dhcp, manual nor an IPv4 address with prefix", bounded_quote(ip)));
    if (!gw.empty() && !valid_ipv4(gw))
        return bad(t, "gw", fmt::format("{} is not an IPv4 address", bounded_quote(gw)));
    if (!ip6.empty() && !one_of(ip6, {"dhcp", "auto", "manual"}) && !valid_cidr(ip6, true))
        return bad(t, "ip6",
                   fmt::format("{} is neither dhcp, auto, manual nor an IPv6 address with prefix",
                               bounded_quote(ip6)));
    if (!gw6.empty() && !valid_ipv6(gw6))
        return bad(t, "gw6", fmt::format("{} is not an IPv6 address", bounded_quote(gw6)));
    if (auto ok = check_vlan_mtu_rate(t, tag, mtu, 64, 65535, rate); !ok)
        return ok.error();
    property_string p;
    p.set("name", name);
    if (!bridge.empty())
        p.set("bridge", bridge);
    put_flag(p, "firewall", firewall);
    if (!gw.empty())
        p.set("gw", gw);
    if (!gw6.empty())
        p.set("gw6", gw6);
    if (!hwaddr.empty())
        p.set("hwaddr", hwaddr);
    if (!ip.empty())
        p.set("ip", ip);
    if (!ip6.empty())
        p.set("ip6", ip6);
    put_number(p, "mtu", mtu);
    if (rate)
        p.set("rate", number(*rate));
    put_number(p, "tag", tag);
    p.set("type", "veth");
    keep_other(p, other);
    return p.str();
}

result<lxc_nic> lxc_nic::parse(std::string_view text) {
    auto p = property_string::parse(text);
    if (!p)
        return p.error();
    lxc_nic n;
    n.name.clear();
    n.bridge.clear();
    for (const auto& [k, v] : p->entries()) {
        if (k == "name")
            n.name = v;
        else if (k == "bridge")
            n.bridge = v;
        else if (k == "hwaddr")
            n.hwaddr = v;
        else if (k == "ip")
            n.ip = v;
        else if (k == "gw")
            n.gw = v;
        else if (k == "ip6")
            n.ip6 = v;
        else if (k == "gw6")
            n.gw6 = v;
        else if (k == "firewall")
            n.firewall = flag(v);
        else if (k == "tag" || k == "mtu") {
            auto num = to_unsigned(v);
            if (!num)
                return bad("lxc_nic", k,
                           fmt::format("{} is not a number in {}", bounded_quote(v), bounded_quote(text)));
            (k == "tag" ? n.tag : n.mtu) = num;
        } else if (k == "rate") {
            double r = 0;
            auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), r);
            if (ec != std::errc() || ptr != v.data() + v.size())
                return bad("lxc_nic", "rate",
                           fmt::format("{} is not a number in {}", bounded_quote(v), bounded_quote(text)));
            n.rate = r;
        } else if (k != "type") {
            n.other.set(k, v);
        }
    }
    if (n.name.empty())
        return bad("lxc_nic", "name", fmt::format("{} names no interface (name=...)", bounded_quote(text)));
    return n;
}

} // namespace proxmox
