// Cloud-init: the VM's cloud-init endpoints (qemu-server API2/Qemu.pm cloudinit_pending,
// cloudinit_update, cloudinit_generated_config_dump), the generated nocloud data
// (QemuServer/Cloudinit.pm) and the [special:cloudinit] bookkeeping of vmconfig_hotplug_pending.
#include "endpoints/guest_config.hpp"
#include "schema/perl_regex.hpp"
#include "schema/schema.hpp"

#include <boost/json/array.hpp>

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <map>
#include <set>

namespace proxmox::sim::detail {

namespace json = boost::json;

namespace {

/// QemuServer/Cloudinit.pm get_hostname_fqdn
std::pair<std::string, std::optional<std::string>> hostname_fqdn(const guest_state& g) {
    std::string hostname = config_value(g, "name").value_or(fmt::format("VM{}", g.vmid));
    if (auto dot = hostname.find('.'); dot != std::string::npos)
        return {hostname.substr(0, dot), hostname};
    if (auto domains = config_value(g, "searchdomain"); domains && !split_config_list(*domains).empty())
        return {hostname, hostname + "." + split_config_list(*domains).front()};
    return {hostname, std::nullopt};
}

std::string url_unescape(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            out += static_cast<char>(std::strtol(std::string(text.substr(i + 1, 2)).c_str(), nullptr, 16));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

/// Cloudinit.pm cloudinit_userdata (nocloud)
std::string cloudinit_userdata(const guest_state& g) {
    const auto [hostname, fqdn] = hostname_fqdn(g);
    std::string out = "#cloud-config\nhostname: " + hostname + "\nmanage_etc_hosts: true\n";
    if (fqdn)
        out += "fqdn: " + *fqdn + "\n";
    if (auto user = config_value(g, "ciuser")) {
        out += "user: " + *user + "\n";
        if (*user == "root")
            out += "disable_root: False\n";
    }
    if (auto password = config_value(g, "cipassword"))
        out += "password: " + *password + "\n";
    if (auto keys = config_value(g, "sshkeys")) {
        out += "ssh_authorized_keys:\n";
        const auto text = url_unescape(*keys);
        std::size_t start = 0;
        while (start < text.size()) {
            auto end = text.find('\n', start);
            if (end == std::string::npos)
                end = text.size();
            const auto line = text.substr(start, end - start);
            if (line.find_first_not_of(" \t\r") != std::string::npos)
                out += "  - " + line + "\n";
            start = end + 1;
        }
    }
    out += "chpasswd:\n  expire: False\n";
    const auto upgrade = config_value(g, "ciupgrade");
    out += !upgrade || *upgrade == "1" ? "package_upgrade: true\n" : "package_upgrade: false\n";
    return out;
}

/// Cloudinit.pm nocloud_network (network config version 1)
std::string cloudinit_network(const guest_state& g) {
    std::string out = "version: 1\nconfig:\n";
    std::map<unsigned, std::string> nets;
    for (const auto& [k, v] : g.config)
        if (k.starts_with("net") && k.size() > 3 && std::isdigit(static_cast<unsigned char>(k[3])))
            nets[static_cast<unsigned>(std::stoul(k.substr(3)))] = v;
    for (const auto& [id, net] : nets) {
        const auto ipconfig = config_value(g, fmt::format("ipconfig{}", id));
        if (!ipconfig)
            continue;
        std::string mac;
        for (const auto& [k, v] : split_property_string(net, "model"))
            if (k == "macaddr" || (v.size() == 17 && v[2] == ':'))
                mac = v;
        std::transform(mac.begin(), mac.end(), mac.begin(),
                       [](unsigned char ch) { return std::tolower(ch); });
        out += fmt::format(
            "    - type: physical\n      name: eth{}\n      mac_address: '{}'\n      subnets:\n", id, mac);
        const auto props = split_property_string(*ipconfig, "");
        if (auto ip = property_value(props, "ip")) {
            if (*ip == "dhcp") {
                out += "      - type: dhcp4\n";
            } else if (auto slash = ip->find('/'); slash != std::string::npos) {
                const unsigned bits = static_cast<unsigned>(std::stoul(ip->substr(slash + 1)));
                const std::uint32_t mask = bits == 0 ? 0 : 0xffffffffU << (32 - bits);
                out += fmt::format(
                    "      - type: static\n        address: '{}'\n        netmask: '{}.{}.{}.{}'\n",
                    ip->substr(0, slash), mask >> 24, (mask >> 16) & 0xff, (mask >> 8) & 0xff, mask & 0xff);
                if (auto gw = property_value(props, "gw"))
                    out += "        gateway: '" + *gw + "'\n";
            }
        }
        if (auto ip6 = property_value(props, "ip6")) {
            if (*ip6 == "dhcp")
                out += "      - type: dhcp6\n";
            else if (*ip6 == "auto")
                out += "      - type: ipv6_slaac\n";
            else if (*ip6 != "manual") {
                out += "      - type: static6\n        address: '" + *ip6 + "'\n";
                if (auto gw = property_value(props, "gw6"))
                    out += "        gateway: '" + *gw + "'\n";
            }
        }
    }
    const auto nameservers = split_config_list(config_value(g, "nameserver").value_or(""));
    const auto domains = split_config_list(config_value(g, "searchdomain").value_or(""));
    if (!nameservers.empty() || !domains.empty()) {
        out += "    - type: nameserver\n";
        if (!nameservers.empty()) {
            out += "      address:\n";
            for (const auto& ns : nameservers)
                out += "      - '" + ns + "'\n";
        }
        if (!domains.empty()) {
            out += "      search:\n";
            for (const auto& d : domains)
                out += "      - '" + d + "'\n";
        }
    }
    return out;
}

bool is_cloudinit_listed(std::string_view key) {
    // Qemu.pm $cloudinitoptions (+ ipconfigN)
    static const std::set<std::string, std::less<>> opts = {
        "cicustom", "cipassword", "citype", "ciuser", "ciupgrade", "nameserver", "searchdomain", "sshkeys"};
    return opts.contains(key) || (key.starts_with("ipconfig") && config_option_exists(guest_kind::qemu, key));
}

} // namespace

bool is_cloudinit_option(std::string_view key) {
    return is_cloudinit_listed(key) || key == "name" ||
           (key.starts_with("net") && config_option_exists(guest_kind::qemu, key));
}

bool has_cloudinit_drive(const guest_state& g) {
    for (const auto& [k, v] : g.config)
        if (is_qemu_drive_key(k)) {
            const auto volume = v.substr(0, v.find(','));
            if (volume.ends_with(":cloudinit") || volume.find("-cloudinit") != std::string::npos)
                return true;
        }
    return false;
}

/// $cloudinit_record_changed of vmconfig_hotplug_pending: the special section remembers what
/// the cloud-init drive still has.
void record_cloudinit_change(guest_state& g,
                             const std::string& opt,
                             const std::optional<std::string>& old_value,
                             const std::optional<std::string>& new_value) {
    if (!is_cloudinit_option(opt))
        return;
    guest_state section;
    section.config = g.cloudinit;
    const auto recorded = config_value(section, opt);
    std::set<std::string> added;
    if (auto a = config_value(section, "added"))
        for (const auto& k : split_config_list(*a))
            added.insert(k);
    erase_config_value(section, "added");
    if (new_value) {
        if (recorded) {
            if (*new_value == *recorded) {
                erase_config_value(section, opt);
                added.erase(opt);
            }
        } else if (old_value && !added.contains(opt)) {
            set_config_value(section, opt, *old_value);
        } else if (!old_value) {
            added.insert(opt);
        }
    } else if (old_value && !recorded) {
        if (added.contains(opt))
            added.erase(opt);
        else
            set_config_value(section, opt, *old_value);
    }
    std::string list;
    for (const auto& k : added)
        list += (list.empty() ? "" : ",") + k;
    if (!list.empty())
        set_config_value(section, "added", list);
    g.cloudinit = section.config;
}

/// PVE::Tools::encrypt_pw: crypt() with a SHA-256 salt, as cloud-init wants the password.
std::string encrypt_password(std::string_view password, std::uint64_t salt_seed) {
    static constexpr char alphabet[] = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    rng r(salt_seed);
    std::string salt;
    for (int i = 0; i < 16; ++i)
        salt += alphabet[r.below(64)];
    const std::string input = salt + std::string(password);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(input.data(), input.size(), md, &len, EVP_sha256(), nullptr);
    std::string hash;
    for (unsigned i = 0; i < 43; ++i)
        hash += alphabet[md[i % len] % 64];
    return "$5$" + salt + "$" + hash;
}

/// qemu's `sshkeys` are stored URL-encoded: decoded, then checked as validate_ssh_key_lines does.
void validate_ssh_keys(const std::string& urlencoded) {
    std::string keys;
    for (std::size_t i = 0; i < urlencoded.size(); ++i) {
        if (urlencoded[i] == '%' && i + 2 < urlencoded.size()) {
            keys += static_cast<char>(std::strtol(urlencoded.substr(i + 1, 2).c_str(), nullptr, 16));
            i += 2;
        } else {
            keys += urlencoded[i];
        }
    }
    validate_ssh_key_lines(keys);
}

/// PVE::Tools::validate_ssh_public_keys (ssh-keygen -l on each line)
void validate_ssh_key_lines(const std::string& keys) {
    // PVE runs ssh-keygen -l on each key; a pattern stands in: [options] type base64 [comment]
    static const perl_regex key_re(
        R"(^(\S+\s+)?(ssh-(rsa|dss|ed25519)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com)\s+[A-Za-z0-9+/]+={0,3}(\s.*)?$)",
        regex_subject::bytes);
    std::size_t start = 0;
    while (start <= keys.size()) {
        auto end = keys.find('\n', start);
        if (end == std::string::npos)
            end = keys.size();
        auto line = keys.substr(start, end - start);
        start = end + 1;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos)
            continue;
        if (!key_re.search(line))
            raise_error("SSH public key validation error\n");
    }
}

// ---------------------------------------------------------------------------------------------
// cloud-init

json::value get_qemu_cloudinit(call_context& ctx) {
    const guest_state& g = local_guest(ctx, guest_kind::qemu);
    guest_state section;
    section.config = g.cloudinit;
    auto mask = [](std::string_view key, const std::string& v) {
        return key == "cipassword" ? std::string("**********") : v;
    };
    json::array out;
    const auto added = config_value(section, "added").value_or("");
    const auto added_keys = split_config_list(added);
    for (const auto& key : added_keys) {
        json::object item{{"key", key}};
        if (auto v = config_value(g, key))
            item["pending"] = mask(key, *v);
        out.push_back(std::move(item));
    }
    config_entries sorted = g.config;
    std::sort(sorted.begin(), sorted.end());
    for (const auto& [key, value] : sorted) {
        if (!is_cloudinit_listed(key) || value.empty() || added.find(key) != std::string::npos)
            continue;
        json::object item{{"key", key}};
        if (auto old_value = config_value(section, key)) {
            item["value"] = mask(key, *old_value);
            item["pending"] = mask(key, value);
        } else {
            item["value"] = mask(key, value);
        }
        out.push_back(std::move(item));
    }
    for (const auto& [key, value] : section.config)
        if (key != "added" && !config_value(g, key))
            out.push_back(json::object{{"key", key}, {"delete", 1}});
    return out;
}

json::value put_qemu_cloudinit(call_context& ctx) {
    guest_state& g = local_guest(ctx, guest_kind::qemu);
    check_lock(g);
    // vmconfig_update_cloudinit_drive: nothing to do without a cloud-init drive
    if (has_cloudinit_drive(g))
        g.cloudinit.clear();
    return nullptr;
}

json::value get_qemu_cloudinit_dump(call_context& ctx) {
    const guest_state& g = local_guest(ctx, guest_kind::qemu);
    const auto type = *ctx.param("type");
    if (type == "user")
        return json::string(cloudinit_userdata(g));
    if (type == "network")
        return json::string(cloudinit_network(g));
    // nocloud_metadata: the instance id is the SHA-1 of user and network data
    const std::string data = cloudinit_userdata(g) + cloudinit_network(g);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), md, &len, EVP_sha1(), nullptr);
    std::string hex;
    for (unsigned i = 0; i < len; ++i)
        hex += fmt::format("{:02x}", md[i]);
    return json::string("instance-id: " + hex + "\n");
}

} // namespace proxmox::sim::detail
