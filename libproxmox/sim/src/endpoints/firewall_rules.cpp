// PVE::Firewall::verify_rule for the rules of a VM or container (pve-firewall PVE/Firewall.pm
// verify_rule, parse_port_name_number_or_range, parse_address_list, pve_fw_verify_protocol_spec,
// the macro table): the first problem found becomes PVE's 400 on that parameter.
#include "endpoints/handlers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <optional>

namespace proxmox::sim::detail {

namespace {

/// A few of PVE's firewall macros with what they fix (`proto`, `dport`); the others are only
/// known by name.
struct macro_def {
    std::string_view name;
    std::string_view proto;
    std::string_view dport;
};

constexpr macro_def macros[] = {
    {"Amanda", "", ""},
    {"Auth", "tcp", "113"},
    {"BGP", "tcp", "179"},
    {"BitTorrent", "", ""},
    {"BitTorrent32", "", ""},
    {"CVS", "tcp", "2401"},
    {"Ceph", "", ""},
    {"Citrix", "", ""},
    {"DAAP", "", ""},
    {"DCC", "tcp", "6277"},
    {"DHCPfwd", "", ""},
    {"DHCPv6", "", ""},
    {"DNS", "", ""},
    {"Distcc", "tcp", "3632"},
    {"FTP", "tcp", "21"},
    {"Finger", "tcp", "79"},
    {"GNUnet", "", ""},
    {"GRE", "47", ""},
    {"Git", "tcp", "9418"},
    {"HKP", "tcp", "11371"},
    {"HTTP", "tcp", "80"},
    {"HTTPS", "tcp", "443"},
    {"ICPV2", "udp", "3130"},
    {"ICQ", "tcp", "5190"},
    {"IMAP", "tcp", "143"},
    {"IMAPS", "tcp", "993"},
    {"IPIP", "94", ""},
    {"IPsec", "", ""},
    {"IPsecah", "", ""},
    {"IPsecnat", "", ""},
    {"IRC", "tcp", "6667"},
    {"Jetdirect", "tcp", "9100"},
    {"L2TP", "udp", "1701"},
    {"LDAP", "tcp", "389"},
    {"LDAPS", "tcp", "636"},
    {"MDNS", "", ""},
    {"MSNP", "tcp", "1863"},
    {"MSSQL", "tcp", "1433"},
    {"Mail", "", ""},
    {"Munin", "tcp", "4949"},
    {"MySQL", "tcp", "3306"},
    {"NNTP", "tcp", "119"},
    {"NNTPS", "tcp", "563"},
    {"NTP", "udp", "123"},
    {"NeighborDiscovery", "", ""},
    {"OSPF", "89", ""},
    {"OpenVPN", "udp", "1194"},
    {"PCA", "", ""},
    {"PMG", "", ""},
    {"POP3", "tcp", "110"},
    {"POP3S", "tcp", "995"},
    {"PPtP", "", ""},
    {"Ping", "icmp", ""},
    {"PostgreSQL", "tcp", "5432"},
    {"Printer", "tcp", "515"},
    {"RDP", "tcp", "3389"},
    {"RIP", "udp", "520"},
    {"RNDC", "tcp", "953"},
    {"Razor", "tcp", "2703"},
    {"Rdate", "tcp", "37"},
    {"Rsync", "tcp", "873"},
    {"SANE", "", ""},
    {"SMB", "", ""},
    {"SMBswat", "tcp", "901"},
    {"SMTP", "tcp", "25"},
    {"SMTPS", "tcp", "465"},
    {"SNMP", "", ""},
    {"SPAMD", "tcp", "783"},
    {"SSH", "tcp", "22"},
    {"SVN", "tcp", "3690"},
    {"SixXS", "", ""},
    {"Squid", "tcp", "3128"},
    {"Submission", "tcp", "587"},
    {"Syslog", "", ""},
    {"TFTP", "udp", "69"},
    {"Telnet", "tcp", "23"},
    {"Telnets", "tcp", "992"},
    {"Time", "tcp", "37"},
    {"Trcrt", "", ""},
    {"VNC", "tcp", "5900:5909"},
    {"VNCL", "tcp", "5500"},
    {"Web", "", ""},
    {"Webcache", "tcp", "8080"},
    {"Webmin", "tcp", "10000"},
    {"Whois", "tcp", "43"},
};

/// /etc/protocols of Debian (names and numbers) plus the icmpv6 alias PVE adds.
constexpr std::pair<std::string_view, int> protocols[] = {
    {"ip", 0},          {"icmp", 1},         {"igmp", 2},        {"ggp", 3},
    {"ipencap", 4},     {"st", 5},           {"tcp", 6},         {"egp", 8},
    {"igp", 9},         {"pup", 12},         {"udp", 17},        {"hmp", 20},
    {"xns-idp", 22},    {"rdp", 27},         {"iso-tp4", 29},    {"dccp", 33},
    {"xtp", 36},        {"ddp", 37},         {"idpr-cmtp", 38},  {"ipv6", 41},
    {"ipv6-route", 43}, {"ipv6-frag", 44},   {"idrp", 45},       {"rsvp", 46},
    {"gre", 47},        {"esp", 50},         {"ah", 51},         {"skip", 57},
    {"ipv6-icmp", 58},  {"icmpv6", 58},      {"ipv6-nonxt", 59}, {"ipv6-opts", 60},
    {"rspf", 73},       {"vmtp", 81},        {"eigrp", 88},      {"ospf", 89},
    {"ax.25", 93},      {"ipip", 94},        {"etherip", 97},    {"encap", 98},
    {"pim", 103},       {"ipcomp", 108},     {"vrrp", 112},      {"l2tp", 115},
    {"isis", 124},      {"sctp", 132},       {"fc", 133},        {"mobility-header", 135},
    {"udplite", 136},   {"mpls-in-ip", 137}, {"manet", 138},     {"hip", 139},
    {"shim6", 140},     {"wesp", 141},       {"rohc", 142},      {"ethernet", 143},
};

/// $PROTOCOLS_WITH_PORTS
bool protocol_with_ports(std::string_view p) {
    for (std::string_view q : {"udp", "17", "udplite", "136", "tcp", "6", "dccp", "33", "sctp", "132"})
        if (p == q)
            return true;
    return false;
}

/// A few /etc/services names (a port may be given by name).
bool service_name(std::string_view s) {
    for (std::string_view n :
         {"ftp",        "ssh",   "telnet",  "smtp",          "domain",     "http",  "pop3",  "ntp",
          "imap",       "snmp",  "ldap",    "https",         "submission", "imaps", "pop3s", "mysql",
          "postgresql", "rsync", "openvpn", "ms-wbt-server", "http-alt",   "bgp",   "tftp",  "syslog"})
        if (s == n)
            return true;
    return false;
}

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(),
                                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

std::vector<std::string> split(std::string_view s, char sep) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (;;) {
        auto end = s.find(sep, start);
        out.emplace_back(
            s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (end == std::string_view::npos)
            return out;
        start = end + 1;
    }
}

/// parse_port_name_number_or_range; returns the error text or nullopt.
std::optional<std::string> port_error(std::string_view spec, bool dport) {
    int count = 0;
    bool icmp_port = false;
    for (const auto& item : split(spec, ',')) {
        const auto colon = item.find(':');
        if (colon != std::string::npos && all_digits(item.substr(0, colon)) &&
            all_digits(item.substr(colon + 1))) {
            count += 2;
            const auto a = std::strtoll(item.c_str(), nullptr, 10);
            const auto b = std::strtoll(item.c_str() + colon + 1, nullptr, 10);
            if (a > 65535)
                return fmt::format("invalid port '{}'", item.substr(0, colon));
            if (b > 65535)
                return fmt::format("invalid port '{}'", item.substr(colon + 1));
            if (a > b)
                return fmt::format("backwards range '{0}:{1}' not allowed, did you mean '{1}:{0}'?", a, b);
        } else if (all_digits(item)) {
            count += 1;
            if (std::strtoll(item.c_str(), nullptr, 10) > 65535)
                return fmt::format("invalid port '{}'", item);
        } else if (dport &&
                   (item == "echo-request" || item == "echo-reply" || item == "destination-unreachable")) {
            icmp_port = true;
        } else if (service_name(item)) {
            count += 1;
        } else {
            return fmt::format("invalid port '{}'", item);
        }
    }
    if (icmp_port && count > 0)
        return "ICMP ports not allowed in port range";
    if (count > 15)
        return "too many entries in port list (> 15 numbers)";
    return std::nullopt;
}

bool ipv4_address(std::string_view s) {
    const auto parts = split(s, '.');
    return parts.size() == 4 && std::all_of(parts.begin(), parts.end(), [](const std::string& p) {
               return all_digits(p) && p.size() <= 3 && std::strtol(p.c_str(), nullptr, 10) <= 255;
           });
}

bool ipv6_address(std::string_view s) {
    return s.find(':') != std::string_view::npos && std::all_of(s.begin(), s.end(), [](char c) {
               return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
           });
}

/// Net::IP->new on one element (address, CIDR or range); 4, 6 or 0 when invalid.
int ip_version(std::string_view elem) {
    if (auto dash = elem.find('-'); dash != std::string_view::npos) {
        const int a = ip_version(elem.substr(0, dash));
        return a != 0 && a == ip_version(elem.substr(dash + 1)) ? a : 0;
    }
    auto addr = elem;
    std::string_view mask;
    if (auto slash = elem.find('/'); slash != std::string_view::npos) {
        addr = elem.substr(0, slash);
        mask = elem.substr(slash + 1);
        if (!all_digits(mask))
            return 0;
    }
    const auto bits = mask.empty() ? 0 : std::strtol(std::string(mask).c_str(), nullptr, 10);
    if (ipv4_address(addr))
        return bits <= 32 ? 4 : 0;
    if (ipv6_address(addr))
        return bits <= 128 ? 6 : 0;
    return 0;
}

bool name_pattern(std::string_view s) { // [A-Za-z][A-Za-z0-9\-\_]+
    return s.size() >= 2 && std::isalpha(static_cast<unsigned char>(s[0])) &&
           std::all_of(s.begin() + 1, s.end(), [](char c) {
               return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
           });
}

/// parse_address_list: an ipset reference, an alias name, or a list of addresses of one family
/// (a range only alone). Returns the error text; `version` gets the family (0 for a reference).
std::optional<std::string> address_syntax_error(std::string_view spec, int& version) {
    version = 0;
    if (spec.starts_with("+"))
        return spec.size() > 65 ? std::optional<std::string>("ipset name too long") : std::nullopt;
    if (name_pattern(spec))
        return spec.size() > 64 ? std::optional<std::string>("alias name too long") : std::nullopt;
    const auto elements = split(spec, ',');
    bool range = false;
    for (const auto& e : elements) {
        if (e.empty())
            return "extraneous commas in list";
        const int v = ip_version(e);
        if (v == 0)
            return fmt::format("invalid IP address: Invalid IP address {}", e);
        range = range || e.find('-') != std::string::npos;
        if (version && v != version)
            return fmt::format("detected mixed ipv4/ipv6 addresses in address list '{}'", spec);
        version = v;
    }
    if (range && elements.size() > 1)
        return "you can use a range in a list";
    return std::nullopt;
}

/// verify_rule's check of a source / dest: the ipset or alias must exist (a guest has none
/// here), and all addresses of the rule must be of one family.
std::optional<std::string> address_error(std::string_view spec, int& version) {
    if (spec.starts_with("+")) {
        const auto name = spec.substr(1);
        if (!name_pattern(name))
            return fmt::format("invalid ipset name '{}'", spec);
        return fmt::format("no such ipset '{}'", name);
    }
    if (name_pattern(spec))
        return fmt::format("no such alias '{}'", spec);
    int list_version = 0;
    if (auto err = address_syntax_error(spec, list_version))
        return err;
    if (version && list_version != version)
        return "detected mixed ipv4/ipv6 addresses in rule";
    version = list_version;
    return std::nullopt;
}

bool known_protocol(const std::string& proto) {
    return std::any_of(std::begin(protocols), std::end(protocols), [&](const auto& p) {
        return p.first == proto || (all_digits(proto) && std::to_string(p.second) == proto);
    });
}

const std::string* get(const config_entries& rule, std::string_view key) {
    for (const auto& [k, v] : rule)
        if (k == key)
            return &v;
    return nullptr;
}

void put(config_entries& rule, std::string_view key, std::string value) {
    for (auto& [k, v] : rule)
        if (k == key) {
            v = std::move(value);
            return;
        }
    rule.emplace_back(std::string(key), std::move(value));
}

[[noreturn]] void rule_error(std::string_view param, std::string message) {
    raise_param_exc({{param, std::move(message)}});
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

} // namespace

std::optional<std::string> firewall_format_error(std::string_view param, const std::string& value) {
    if (param == "proto" && !known_protocol(value))
        return fmt::format("unknown protocol '{}'\n", value);
    if (param == "dport" || param == "sport")
        if (auto err = port_error(value, param == "dport"))
            return *err + "\n";
    if (param == "source" || param == "dest") {
        int version = 0;
        if (auto err = address_syntax_error(value, version))
            return *err + "\n";
    }
    return std::nullopt;
}

void verify_guest_rule(config_entries& rule) {
    const std::string* type = get(rule, "type");
    const std::string* action = get(rule, "action");
    if (!type)
        rule_error("type", "missing property");
    if (!action)
        rule_error("action", "missing property");
    if (*type == "in" || *type == "out") {
        if (*action != "ACCEPT" && *action != "DROP" && *action != "REJECT")
            rule_error("action", fmt::format("unknown action '{}'", *action));
    } else if (*type == "group") {
        if (!name_pattern(*action))
            rule_error("action", "invalid characters in security group name");
    } else {
        rule_error("type", fmt::format("unknown rule type '{}'", *type));
    }
    if (const auto* iface = get(rule, "iface")) {
        const bool net = iface->size() > 3 && iface->starts_with("net") && all_digits(iface->substr(3));
        if (!net)
            rule_error("iface", "value does not match the regex pattern 'net\\d+'");
    }
    const macro_def* macro = nullptr;
    if (const auto* m = get(rule, "macro")) {
        for (const auto& def : macros)
            if (lower(def.name) == lower(*m))
                macro = &def;
        if (!macro)
            rule_error("macro", fmt::format("unknown macro '{}'", *m));
        put(rule, "macro", std::string(macro->name)); // the preferred spelling
    }
    int version = 0;
    const std::string* proto = get(rule, "proto");
    if (proto) {
        if (!known_protocol(*proto))
            rule_error("proto", fmt::format("unknown protocol '{}'", *proto));
        if (*proto == "icmp")
            version = 4;
        if (*proto == "icmpv6" || *proto == "ipv6-icmp")
            version = 6;
    }
    for (std::string_view key : {"dport", "sport"}) {
        const auto* spec = get(rule, key);
        if (!spec)
            continue;
        if (auto err = port_error(*spec, key == "dport"))
            rule_error(key, *err);
        if (!proto)
            rule_error("proto", fmt::format("missing property - '{}' requires this property", key));
        const bool icmp = key == "dport" && (*proto == "icmp" || *proto == "icmpv6");
        if (!protocol_with_ports(*proto) && !icmp)
            rule_error(key, fmt::format("protocol '{}' does not support ports", *proto));
    }
    if (get(rule, "icmp-type")) {
        if (!proto || (*proto != "icmp" && *proto != "icmpv6" && *proto != "ipv6-icmp"))
            rule_error("proto", "missing property - 'icmp-type' requires this property");
        if (get(rule, "dport"))
            rule_error("icmp-type", "'icmp-type' cannot be specified together with 'dport'");
    }
    for (std::string_view key : {"source", "dest"})
        if (const auto* spec = get(rule, key))
            if (auto err = address_error(*spec, version))
                rule_error(key, *err);
    if (version)
        put(rule, "ipversion", std::to_string(version));
    // apply_macro: a parameter the macro fixes must not be given with another value
    if (macro) {
        for (auto [key, fixed] : {std::pair{"proto", macro->proto}, std::pair{"dport", macro->dport}}) {
            const auto* given = get(rule, key);
            if (given && !fixed.empty() && *given != fixed)
                rule_error(key,
                           fmt::format("parameter '{}' already define in macro (value = '{}')", key, fixed));
        }
    }
}

} // namespace proxmox::sim::detail
