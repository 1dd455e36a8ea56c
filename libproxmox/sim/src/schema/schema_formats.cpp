// Named formats of the PVE schema: the validators pve-common's JSONSchema.pm (and the packages
// that register formats: qemu-server, pve-container, pve-storage, pve-access-control) attach to
// `format: NAME`, and the hash formats whose values are property strings.
#include "schema/schema_formats.hpp"
#include "schema/text_checks.hpp"

#include <boost/json/parse.hpp>

#include <fmt/format.h>

#include <arpa/inet.h>
#include <map>
#include <string_view>

namespace proxmox::sim::detail {

namespace json = boost::json;

namespace {
// ---------------------------------------------------------------------------------------------
// Named formats (pve-common JSONSchema.pm, pve-access-control). Each returns the die() text of the
// Perl validator, including its trailing newline, or nullopt when the value is fine.

using format_check = std::optional<std::string> (*)(const std::string&);

bool is_ipv4(const std::string& s) {
    // $IPV4RE: four dot-separated decimal octets of 1-3 digits, each at most 255
    int octets = 0;
    std::size_t i = 0;
    while (true) {
        std::size_t digits = 0;
        unsigned value = 0;
        while (i < s.size() && is_digit(s[i]) && digits < 4)
            value = value * 10 + static_cast<unsigned>(s[i++] - '0'), ++digits;
        if (digits == 0 || digits > 3 || value > 255)
            return false;
        if (++octets == 4)
            return i == s.size();
        if (i >= s.size() || s[i] != '.')
            return false;
        ++i;
    }
}

bool is_ipv6(const std::string& s) {
    in6_addr a{};
    return inet_pton(AF_INET6, s.c_str(), &a) == 1;
}

std::optional<unsigned> cidr_bits(const std::string& s, bool (*is_ip)(const std::string&)) {
    auto slash = s.find('/');
    if (slash == std::string::npos || !is_ip(s.substr(0, slash)))
        return std::nullopt;
    std::string bits = s.substr(slash + 1);
    if (bits.empty() || bits.size() > 3 || !is_integer(bits) || bits[0] == '+' || bits[0] == '-')
        return std::nullopt;
    return static_cast<unsigned>(std::stoul(bits));
}

bool is_cidrv4(const std::string& s) {
    auto b = cidr_bits(s, is_ipv4);
    return b && *b > 7 && *b <= 32;
}

bool is_cidrv6(const std::string& s) {
    auto b = cidr_bits(s, is_ipv6);
    return b && *b > 7 && *b <= 128;
}

// [a-z][a-z0-9\-_.]*[a-z0-9], any case
bool is_pve_id(std::string_view id) {
    return id.size() >= 2 && is_ascii_alpha(id.front()) && is_ascii_alnum(id.back()) &&
           all_chars(id, [](char c) { return is_ascii_alnum(c) || c == '-' || c == '_' || c == '.'; });
}

std::optional<std::string> parse_id(const std::string& id, std::string_view type) {
    if (!is_pve_id(id))
        return fmt::format("{} ID '{}' contains illegal characters\n", type, id);
    return std::nullopt;
}

// pve-storage Storage.pm parse_volume_id
std::optional<std::string> verify_volume_id(const std::string& v) {
    // STORAGE:NAME, `[a-z][a-z0-9\-_.]*[a-z0-9]:.+`: the storage ID has no ':', the name is one line
    const auto colon = v.find(':');
    const auto name = colon == std::string::npos ? std::string_view{} : std::string_view(v).substr(colon + 1);
    if (colon == std::string::npos || !is_pve_id(std::string_view(v).substr(0, colon)) || name.empty() ||
        name.find_first_of("\r\n") != std::string_view::npos)
        return "unable to parse volume ID '" + v + "'\n";
    return std::nullopt;
}

/// Whether `key` is `base` followed by an index below `count` (net0 .. net31).

// qemu-server Drive.pm is_valid_drivename
bool is_drive_name(std::string_view v) {
    return numbered_key_of(v, "ide", 4) || numbered_key_of(v, "sata", 6) || numbered_key_of(v, "scsi", 31) ||
           numbered_key_of(v, "virtio", 16) || v == "efidisk0" || v == "tpmstate0";
}

const std::map<std::string, format_check, std::less<>>& format_table() {
    static const std::map<std::string, format_check, std::less<>> table = {
        {"string", [](const std::string&) -> std::optional<std::string> { return std::nullopt; }},
        {"urlencoded",
         [](const std::string& v) -> std::optional<std::string> {
             // [-%a-zA-Z0-9_.!~*'()]*
             if (!all_chars(v, [](char c) {
                     return is_ascii_alnum(c) ||
                            std::string_view("-%_.!~*'()").find(c) != std::string_view::npos;
                 }))
                 return "invalid urlencoded string: " + v + "\n";
             return std::nullopt;
         }},
        {"pve-configid",
         [](const std::string& v) -> std::optional<std::string> {
             // $CONFIGID_RE: [a-z][a-z0-9_-]+, any case
             if (v.size() < 2 || !is_ascii_alpha(v.front()) ||
                 !all_chars(v, [](char c) { return is_ascii_alnum(c) || c == '_' || c == '-'; }))
                 return "invalid configuration ID '" + v + "'\n";
             return std::nullopt;
         }},
        {"pve-storage-id", [](const std::string& v) { return parse_id(v, "storage"); }},
        {"pve-storage-content",
         [](const std::string& v) -> std::optional<std::string> {
             // pve-storage Plugin.pm verify_content: the content types of a dir storage, and import
             for (const char* ct :
                  {"images", "rootdir", "vztmpl", "iso", "backup", "snippets", "none", "import"})
                 if (v == ct)
                     return std::nullopt;
             return "invalid content type '" + v + "'\n";
         }},
        {"pve-realm",
         [](const std::string& v) -> std::optional<std::string> {
             // pve-access-control Auth/Plugin.pm pve_verify_realm
             if (!is_realm_name(v))
                 return std::string("value does not look like a valid realm\n");
             return std::nullopt;
         }},
        {"acme-plugin-id", [](const std::string& v) { return parse_id(v, "ACME plugin"); }},
        {"pve-bridge-id",
         [](const std::string& v) -> std::optional<std::string> {
             // [-_.\w\d]+
             if (v.empty() || !all_chars(v, [](char c) { return is_word_char(c) || c == '-' || c == '.'; }))
                 return "invalid bridge ID '" + v + "'\n";
             return std::nullopt;
         }},
        {"pve-vmid",
         [](const std::string& v) -> std::optional<std::string> {
             // [1-9][0-9]{2,8}
             if (v.size() < 3 || v.size() > 9 || !is_digits(v) || v.front() == '0')
                 return "value does not look like a valid VM ID\n";
             return std::nullopt;
         }},
        {"pve-node",
         [](const std::string& v) -> std::optional<std::string> {
             if (!is_dns_label(v))
                 return "value does not look like a valid node name\n";
             return std::nullopt;
         }},
        {"mac-addr",
         [](const std::string& v) -> std::optional<std::string> {
             // [a-f0-9][02468ace](?::[a-f0-9]{2}){5}, any case: the I/G bit not set
             bool ok = v.size() == 17;
             for (std::size_t i = 0; ok && i < v.size(); ++i)
                 ok = i % 3 == 2 ? v[i] == ':' : is_ascii_hex(v[i]);
             if (!ok || std::string_view("02468aceACE").find(v[1]) == std::string_view::npos)
                 return "value does not look like a valid unicast MAC address\n";
             return std::nullopt;
         }},
        {"ipv4",
         [](const std::string& v) -> std::optional<std::string> {
             if (!is_ipv4(v))
                 return "value does not look like a valid IPv4 address\n";
             return std::nullopt;
         }},
        {"ipv6",
         [](const std::string& v) -> std::optional<std::string> {
             if (!is_ipv6(v))
                 return "value does not look like a valid IPv6 address\n";
             return std::nullopt;
         }},
        {"ip",
         [](const std::string& v) -> std::optional<std::string> {
             if (!is_ipv4(v) && !is_ipv6(v))
                 return "value does not look like a valid IP address\n";
             return std::nullopt;
         }},
        {"ipv4mask",
         [](const std::string& v) -> std::optional<std::string> {
             if (!is_ipv4(v))
                 return "value does not look like a valid IP netmask\n";
             in_addr a{};
             inet_pton(AF_INET, v.c_str(), &a);
             const std::uint32_t m = ntohl(a.s_addr);
             if ((~m & (~m + 1)) != 0) // not a contiguous run of leading ones
                 return "value does not look like a valid IP netmask\n";
             return std::nullopt;
         }},
        {"CIDRv4",
         [](const std::string& v) -> std::optional<std::string> {
             if (!is_cidrv4(v))
                 return "value does not look like a valid IPv4 CIDR network\n";
             return std::nullopt;
         }},
        {"CIDRv6",
         [](const std::string& v) -> std::optional<std::string> {
             if (!is_cidrv6(v))
                 return "value does not look like a valid IPv6 CIDR network\n";
             return std::nullopt;
         }},
        {"CIDR",
         [](const std::string& v) -> std::optional<std::string> {
             if (!is_cidrv4(v) && !is_cidrv6(v))
                 return "value does not look like a valid CIDR network\n";
             return std::nullopt;
         }},
        {"pve-ipv4-config",
         [](const std::string& v) -> std::optional<std::string> {
             if (v == "dhcp" || v == "manual" || is_cidrv4(v))
                 return std::nullopt;
             return "value does not look like a valid ipv4 network configuration\n";
         }},
        {"pve-ipv6-config",
         [](const std::string& v) -> std::optional<std::string> {
             if (v == "auto" || v == "dhcp" || v == "manual" || is_cidrv6(v))
                 return std::nullopt;
             return "value does not look like a valid ipv6 network configuration\n";
         }},
        {"dns-name",
         [](const std::string& v) -> std::
                                      optional<std::string> {
                                          if (!is_dns_name(v))
                                              return "value does not look like a valid DNS name\n";
                                          return std::nullopt;
                                      }},
        {"address",
         [](const std::string& v) -> std::
                                      optional<std::string> {
                                          if (!is_ipv4(v) && !is_ipv6(v) && !is_dns_name(v))
                                              return "value does not look like a valid address: " + v + "\n";
                                          return std::nullopt;
                                      }},
        {"pve-iface",
         [](const std::string& v) -> std::
                                      optional<std::string> {
                                          // [a-z][a-z0-9_]{1,20}([:\.]\d+)?, any case
                                          const auto sep = v.find_first_of(":.");
                                          const std::string_view name = std::string_view(v).substr(0, sep);
                                          const bool ok = name.size() >= 2 && name.size() <= 21 &&
                                                          is_ascii_alpha(name.front()) &&
                                                          all_chars(name, is_word_char) &&
                                                          (sep == std::string::npos ||
                                                           is_digits(std::string_view(v).substr(sep + 1)));
                                          if (!ok)
                                              return "invalid network interface name '" + v + "'\n";
                                          return std::nullopt;
                                      }},
        {"pve-tag",
         [](const std::string& v) -> std::
                                      optional<std::string> {
                                          // $PVE_TAG_RE: [a-z0-9_][a-z0-9_\-\+\.]*, any case
                                          const bool ok =
                                              !v.empty() && is_word_char(v.front()) &&
                                              all_chars(v, [](char c) {
                                                  return is_word_char(c) || c == '-' || c == '+' || c == '.';
                                              });
                                          if (!ok)
                                              return std::string("invalid characters in tag\n");
                                          return std::nullopt;
                                      }},
        {"pve-startup-order",
         [](const std::string& v) -> std::
                                      optional<std::string> {
                                          // \s*|(order=)?\d+|up=\d+|down=\d+
                                          auto part_ok = [](std::string_view p) {
                                              for (std::string_view key : {"order=", "up=", "down="})
                                                  if (p.starts_with(key))
                                                      return is_digits(p.substr(key.size()));
                                              return all_chars(p, is_ascii_space) || is_digits(p);
                                          };
                                          bool ok = !v.empty() && v != "0";
                                          for (const auto& p : split_list(v))
                                              ok = ok && part_ok(p);
                                          if (!ok)
                                              return std::string("unable to parse startup options\n");
                                          return std::nullopt;
                                      }},
        {"ldap-simple-attr",
         [](const std::string& v) -> std::
                                      optional<std::string> {
                                          if (v.empty() || !all_chars(v, is_ascii_alnum))
                                              return "value '" + v +
                                                     "' does not look like a simple ldap attribute name\n";
                                          return std::nullopt;
                                      }},
        {"pve-task-status-type",
         [](const std::string& v) -> std::
                                      optional<std::string> {
                                          const bool ok = iequal(v, "ok") || iequal(v, "error") ||
                                                          iequal(v, "warning") || iequal(v, "unknown");
                                          if (!ok)
                                              return "invalid status '" + v + "'\n";
                                          return std::nullopt;
                                      }},
        {"disk-size",
         [](const std::string& v) -> std::
                                      optional<std::string> {
                                          // (\d+(\.\d+)?)([KMGT])?
                                          std::string_view number = v;
                                          if (!number.empty() && std::string_view("KMGT").find(
                                                                     number.back()) != std::string_view::npos)
                                              number.remove_suffix(1);
                                          if (!is_decimal(number))
                                              return "value does not look like a valid disk size: " + v +
                                                     "\n";
                                          return std::nullopt;
                                      }},
        {"pve-userid",
         [](const std::string& v) -> std::
                                      optional<std::string> {
                                          // pve-access-control verify_username
                                          const std::size_t len = utf8_length(v);
                                          if (len < 3)
                                              return "user name '" + v + "' is too short\n";
                                          if (len > 64)
                                              return fmt::format("user name '{}' is too long ({} > 64)\n", v,
                                                                 len);
                                          if (!is_user_name(v))
                                              return "value '" + v +
                                                     "' does not look like a valid user name\n";
                                          return std::nullopt;
                                      }},
        {"pve-volume-id", [](const std::string& v) { return verify_volume_id(v); }},
        {"pve-volume-id-or-absolute-path",
         [](const std::string& v) -> std::
                                      optional<std::string> {
                                          // qemu-server Drive.pm verify_volume_id_or_absolute_path
                                          if (v.starts_with('/'))
                                              return std::nullopt;
                                          return verify_volume_id(v);
                                      }},
        {"pve-volume-id-or-qm-path",
         [](const std::string& v) -> std::
                                      optional<std::string> {
                                          // qemu-server Drive.pm verify_volume_id_or_qm_path
                                          if (v == "none" || v == "cdrom" || v.starts_with('/'))
                                              return std::nullopt;
                                          return verify_volume_id(v);
                                      }},
        {"pve-hotplug-features",
         [](const std::string& v) -> std::
                                      optional<std::string> {
                                          // QemuServer.pm parse_hotplug_features
                                          if (v == "0" || v == "1")
                                              return std::nullopt;
                                          for (const auto& feature : split_list(v))
                                              if (feature != "network" && feature != "disk" &&
                                                  feature != "cpu" && feature != "memory" &&
                                                  feature != "usb" && feature != "cloudinit")
                                                  return "invalid hotplug feature '" + feature + "'\n";
                                          return std::nullopt;
                                      }},
        {"pve-lxc-mp-string",
         [](const std::string& v) -> std::
                                      optional<std::string> {
                                          // pve-container LXC/Config.pm verify_lxc_mp_string
                                          // m!/\.\.?/!, m!/\.\.?$!, m!^\.\./!
                                          const bool dots = v.find("/./") != std::string::npos ||
                                                            v.find("/../") != std::string::npos ||
                                                            v.ends_with("/.") || v.ends_with("/..");
                                          if (dots || v.starts_with("../"))
                                              return v + " contains illegal character sequences\n";
                                          return std::nullopt;
                                      }},
        {"pve-qm-bootdev",
         [](const std::string& v) -> std::
                                      optional<std::string> {
                                          // QemuServer.pm verify_bootdev
                                          if (!v.starts_with("efidisk") && !v.starts_with("tpmstate") &&
                                              (is_drive_name(v) || numbered_key_of(v, "net", 32) ||
                                               numbered_key_of(v, "usb", 14) ||
                                               numbered_key_of(v, "hostpci", 16)))
                                              return std::nullopt;
                                          return "invalid boot device '" + v + "'\n";
                                      }},
        {"pve-qm-bootdisk",
         [](const std::string& v) -> std::
                                      optional<std::string> {
                                          // QemuServer.pm verify_bootdisk
                                          if (is_drive_name(v))
                                              return std::nullopt;
                                          return "invalid boot disk '" + v + "'\n";
                                      }},
        {"pve-vlan-id-or-range",
         [](const std::string& v) -> std::
                                      optional<std::string> {
                                          // (\d+)(?:-(\d+))?
                                          const auto dash = v.find('-');
                                          const std::string first = v.substr(0, dash);
                                          const std::optional<std::string> second =
                                              dash == std::string::npos ? std::nullopt
                                                                        : std::optional(v.substr(dash + 1));
                                          if (!is_digits(first) || (second && !is_digits(*second)))
                                              return "invalid VLAN configuration '" + v + "'\n";
                                          auto tag = [](const std::string& t) {
                                              return t.size() > 5 ? 99999UL : std::stoul(t);
                                          };
                                          const auto start = tag(first);
                                          if (start < 2 || start > 4094)
                                              return "invalid VLAN tag '" + first + "'\n";
                                          if (second && *second != "0") {
                                              const auto end = tag(*second);
                                              if (end < 2 || end > 4094)
                                                  return "invalid VLAN tag '" + *second + "'\n";
                                              if (start >= end)
                                                  return "VLAN range must go from lower to higher tag '" + v +
                                                         "'\n";
                                          }
                                          return std::nullopt;
                                      }},
    };
    return table;
}

} // namespace

bool numbered_key_of(std::string_view key, std::string_view base, unsigned count) {
    if (!key.starts_with(base) || key.size() == base.size() || key.size() > base.size() + 3)
        return false;
    const auto digits = key.substr(base.size());
    if (!std::all_of(digits.begin(), digits.end(), is_digit) || (digits.size() > 1 && digits[0] == '0'))
        return false;
    return static_cast<unsigned>(std::stoul(std::string(digits))) < count;
}

// Hash-based formats that qemu-server registers by name (register_format with a hash): their
// values are property strings checked like `format: property-string` parameters.
const json::object* named_property_format(std::string_view name) {
    static const json::value formats = json::parse(R"json({
        "pve-qm-ipconfig": {
            "ip": {"type": "string", "format": "pve-ipv4-config", "optional": 1},
            "gw": {"type": "string", "format": "ipv4", "optional": 1},
            "ip6": {"type": "string", "format": "pve-ipv6-config", "optional": 1},
            "gw6": {"type": "string", "format": "ipv6", "optional": 1}
        },
        "pve-qm-boot": {
            "legacy": {"type": "string", "pattern": "[acdn]{1,4}", "optional": 1, "default_key": 1},
            "order": {"type": "string", "format": "pve-qm-bootdev-list", "optional": 1}
        },
        "pve-qm-watchdog": {
            "model": {"type": "string", "enum": ["i6300esb", "ib700"], "optional": 1, "default_key": 1},
            "action": {"type": "string", "enum": ["reset", "shutdown", "poweroff", "pause", "debug", "none"],
                       "optional": 1}
        },
        "pve-qm-smbios1": {
            "base64": {"type": "boolean", "optional": 1},
            "family": {"type": "string", "pattern": "[A-Za-z0-9+\\/]+={0,2}", "optional": 1},
            "manufacturer": {"type": "string", "pattern": "[A-Za-z0-9+\\/]+={0,2}", "optional": 1},
            "product": {"type": "string", "pattern": "[A-Za-z0-9+\\/]+={0,2}", "optional": 1},
            "serial": {"type": "string", "pattern": "[A-Za-z0-9+\\/]+={0,2}", "optional": 1},
            "sku": {"type": "string", "pattern": "[A-Za-z0-9+\\/]+={0,2}", "optional": 1},
            "uuid": {"type": "string", "pattern": "[a-fA-F0-9]{8}(?:-[a-fA-F0-9]{4}){3}-[a-fA-F0-9]{12}",
                     "optional": 1},
            "version": {"type": "string", "pattern": "[A-Za-z0-9+\\/]+={0,2}", "optional": 1}
        }
    })json");
    const auto* f = formats.as_object().if_contains(name);
    return f ? &f->as_object() : nullptr;
}

// How many numbered keys a `name[n]` parameter stands for (qemu-server $MAX_NETS, $MAX_SCSI_DISKS,
// ...; pve-container $MAX_MOUNT_POINTS, ...; pve-cluster link0..7; pve-manager $MAXDOMAINS).
unsigned numbered_key_count(std::string_view base) {
    static const std::map<std::string, unsigned, std::less<>> counts = {
        {"acmedomain", 6}, {"dev", 256},    {"hostpci", 16}, {"ide", 4},      {"ipconfig", 32}, {"link", 8},
        {"mp", 256},       {"net", 32},     {"numa", 8},     {"parallel", 3}, {"sata", 6},      {"scsi", 31},
        {"serial", 4},     {"unused", 256}, {"usb", 14},     {"virtio", 16},  {"virtiofs", 10},
    };
    auto it = counts.find(base);
    return it == counts.end() ? 0 : it->second;
}

// JSONSchema.pm check_format for named formats. Formats the simulator does not know (mostly
// property strings registered by other packages) are accepted unchecked.
std::optional<std::string> check_format(std::string_view format, const std::string& value) {
    if (format == "property-string" || format == "regex")
        return std::nullopt;
    std::string_view name = format;
    std::string_view kind;
    for (std::string_view suffix : {"-list", "-opt"}) {
        if (name.size() > suffix.size() && name.ends_with(suffix)) {
            kind = suffix;
            name.remove_suffix(suffix.size());
            break;
        }
    }
    const auto& table = format_table();
    auto it = table.find(name);
    if (it == table.end())
        return std::nullopt;
    if (kind == "-list") {
        for (const auto& item : split_list(value))
            if (auto err = it->second(item))
                return err;
        return std::nullopt;
    }
    if (kind == "-opt") {
        if (value.empty() || value == "0") // Perl truthiness
            return std::nullopt;
    }
    return it->second(value);
}

} // namespace proxmox::sim::detail
