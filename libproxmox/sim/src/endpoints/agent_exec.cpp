// The guest OS behind the simulated QEMU guest agent: the programs guest-exec can run (hostname,
// uname, cat of a few files, echo, true, false, ip, sh -c) with the output a Debian, Ubuntu or
// Windows guest of this name and NIC would print. Anything else does not exist in the guest.
#include "endpoints/agent.hpp"
#include "endpoints/guests.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace proxmox::sim::detail {

namespace json = boost::json;

namespace {

bool ubuntu_guest(const guest_state& g) {
    return g.name.find("ubuntu") != std::string::npos;
}

std::string kernel_release(const guest_state& g) {
    return ubuntu_guest(g) ? "6.8.0-60-generic" : "6.12.48+deb13-amd64";
}

std::string kernel_version(const guest_state& g) {
    return ubuntu_guest(g) ? "#63-Ubuntu SMP PREEMPT_DYNAMIC Tue Apr 15 19:04:15 UTC 2025"
                           : "#1 SMP PREEMPT_DYNAMIC Debian 6.12.48-1 (2025-09-20)";
}

std::string os_release(const guest_state& g) {
    if (ubuntu_guest(g))
        return "PRETTY_NAME=\"Ubuntu 24.04.2 LTS\"\nNAME=\"Ubuntu\"\nVERSION_ID=\"24.04\"\n"
               "VERSION=\"24.04.2 LTS (Noble Numbat)\"\nVERSION_CODENAME=noble\nID=ubuntu\nID_LIKE=debian\n"
               "HOME_URL=\"https://www.ubuntu.com/\"\nSUPPORT_URL=\"https://help.ubuntu.com/\"\n"
               "BUG_REPORT_URL=\"https://bugs.launchpad.net/ubuntu/\"\n"
               "PRIVACY_POLICY_URL=\"https://www.ubuntu.com/legal/terms-and-policies/privacy-policy\"\n"
               "UBUNTU_CODENAME=noble\nLOGO=ubuntu-logo\n";
    return "PRETTY_NAME=\"Debian GNU/Linux 13 (trixie)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"13\"\n"
           "VERSION=\"13 (trixie)\"\nVERSION_CODENAME=trixie\nDEBIAN_VERSION_FULL=13.1\nID=debian\n"
           "HOME_URL=\"https://www.debian.org/\"\nSUPPORT_URL=\"https://www.debian.org/support\"\n"
           "BUG_REPORT_URL=\"https://bugs.debian.org/\"\n";
}

std::string lower(std::string s) {
    for (auto& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

exec_result uname(const guest_state& g, const std::vector<std::string>& args) {
    const std::string all =
        fmt::format("Linux {} {} {} x86_64 GNU/Linux", g.name, kernel_release(g), kernel_version(g));
    if (args.empty())
        return {0, "Linux\n", ""};
    std::string out;
    for (const auto& a : args) {
        std::string part;
        if (a == "-a" || a == "--all")
            part = all;
        else if (a == "-s" || a == "--kernel-name")
            part = "Linux";
        else if (a == "-n" || a == "--nodename")
            part = g.name;
        else if (a == "-r" || a == "--kernel-release")
            part = kernel_release(g);
        else if (a == "-v" || a == "--kernel-version")
            part = kernel_version(g);
        else if (a == "-m" || a == "--machine")
            part = "x86_64";
        else if (a == "-o" || a == "--operating-system")
            part = "GNU/Linux";
        else
            return {1, "",
                    fmt::format("uname: invalid option -- '{}'\nTry 'uname --help' for more information.\n",
                                a.size() > 1 ? a.substr(1, 1) : a)};
        out += (out.empty() ? "" : " ") + part;
    }
    return {0, out + "\n", ""};
}

exec_result
cat(const guest_state& g, const std::vector<std::string>& args, const std::optional<std::string>& input) {
    if (args.empty())
        return {0, input.value_or(""), ""};
    exec_result r;
    for (const auto& file : args) {
        if (file == "/etc/os-release" || file == "/usr/lib/os-release")
            r.out += os_release(g);
        else if (file == "/etc/hostname")
            r.out += g.name + "\n";
        else if (file == "-")
            r.out += input.value_or("");
        else {
            r.err += fmt::format("cat: {}: No such file or directory\n", file);
            r.exitcode = 1;
        }
    }
    return r;
}

exec_result echo(const std::vector<std::string>& args) {
    bool newline = true;
    std::size_t first = 0;
    if (!args.empty() && args[0] == "-n") {
        newline = false;
        first = 1;
    }
    std::string out;
    for (std::size_t i = first; i < args.size(); ++i)
        out += (i > first ? " " : "") + args[i];
    return {0, out + (newline ? "\n" : ""), ""};
}

/// iproute2 `ip address` (text, or JSON with -j / -json).
exec_result ip(const guest_state& g, const std::vector<std::string>& args) {
    bool as_json = false;
    std::vector<std::string> rest;
    for (const auto& a : args) {
        if (a == "-j" || a == "-json" || a == "--json")
            as_json = true;
        else
            rest.push_back(a);
    }
    const bool addr = !rest.empty() && (rest[0] == "a" || rest[0] == "addr" || rest[0] == "address");
    if (!addr)
        return {255, "",
                "Object \"" + (rest.empty() ? std::string() : rest[0]) + "\" is unknown, try \"ip help\".\n"};
    const auto mac = guest_mac(g);
    const auto ipv4 = guest_ipv4(g);
    if (as_json) {
        constexpr std::int64_t forever = 4294967295;
        json::array links;
        links.push_back(
            json::object{{"ifindex", 1},
                         {"ifname", "lo"},
                         {"flags", json::array{"LOOPBACK", "UP", "LOWER_UP"}},
                         {"mtu", 65536},
                         {"qdisc", "noqueue"},
                         {"operstate", "UNKNOWN"},
                         {"group", "default"},
                         {"txqlen", 1000},
                         {"link_type", "loopback"},
                         {"address", "00:00:00:00:00:00"},
                         {"broadcast", "00:00:00:00:00:00"},
                         {"addr_info", json::array{json::object{{"family", "inet"},
                                                                {"local", "127.0.0.1"},
                                                                {"prefixlen", 8},
                                                                {"scope", "host"},
                                                                {"label", "lo"},
                                                                {"valid_life_time", forever},
                                                                {"preferred_life_time", forever}},
                                                   json::object{{"family", "inet6"},
                                                                {"local", "::1"},
                                                                {"prefixlen", 128},
                                                                {"scope", "host"},
                                                                {"noprefixroute", true},
                                                                {"valid_life_time", forever},
                                                                {"preferred_life_time", forever}}}}});
        if (mac)
            links.push_back(
                json::object{{"ifindex", 2},
                             {"ifname", "eth0"},
                             {"flags", json::array{"BROADCAST", "MULTICAST", "UP", "LOWER_UP"}},
                             {"mtu", 1500},
                             {"qdisc", "fq_codel"},
                             {"operstate", "UP"},
                             {"group", "default"},
                             {"txqlen", 1000},
                             {"link_type", "ether"},
                             {"address", lower(*mac)},
                             {"broadcast", "ff:ff:ff:ff:ff:ff"},
                             {"addr_info", json::array{json::object{{"family", "inet"},
                                                                    {"local", ipv4},
                                                                    {"prefixlen", 24},
                                                                    {"broadcast", "192.168.1.255"},
                                                                    {"scope", "global"},
                                                                    {"dynamic", true},
                                                                    {"label", "eth0"},
                                                                    {"valid_life_time", 86122},
                                                                    {"preferred_life_time", 86122}},
                                                       json::object{{"family", "inet6"},
                                                                    {"local", link_local_ipv6(*mac)},
                                                                    {"prefixlen", 64},
                                                                    {"scope", "link"},
                                                                    {"valid_life_time", forever},
                                                                    {"preferred_life_time", forever}}}}});
        return {0, json::serialize(links) + "\n", ""};
    }
    std::string out =
        "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n"
        "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"
        "    inet 127.0.0.1/8 scope host lo\n       valid_lft forever preferred_lft forever\n"
        "    inet6 ::1/128 scope host noprefixroute \n       valid_lft forever preferred_lft forever\n";
    if (mac)
        out += fmt::format(
            "2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP group default "
            "qlen 1000\n    link/ether {} brd ff:ff:ff:ff:ff:ff\n"
            "    inet {}/24 brd 192.168.1.255 scope global dynamic eth0\n"
            "       valid_lft 86122sec preferred_lft 86122sec\n"
            "    inet6 {}/64 scope link \n       valid_lft forever preferred_lft forever\n",
            lower(*mac), ipv4, link_local_ipv6(*mac));
    return {0, out, ""};
}

std::vector<std::string> split_words(std::string_view line) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : line) {
        if (c == ' ' || c == '\t') {
            if (!cur.empty())
                out.push_back(std::move(cur));
            cur.clear();
        } else {
            cur += c;
        }
    }
    if (!cur.empty())
        out.push_back(std::move(cur));
    return out;
}

} // namespace

bool windows_guest(const guest_state& g) {
    return config_value(g, "ostype").value_or("").starts_with("w");
}

std::optional<std::string> guest_mac(const guest_state& g) {
    const auto net0 = config_value(g, "net0");
    if (!net0)
        return std::nullopt;
    // `model=MAC,...` (or `macaddr=MAC`): the first value shaped like a MAC address
    std::size_t start = 0;
    while (start < net0->size()) {
        auto end = net0->find(',', start);
        if (end == std::string::npos)
            end = net0->size();
        const auto part = std::string_view(*net0).substr(start, end - start);
        const auto eq = part.find('=');
        if (eq != std::string_view::npos) {
            const auto v = part.substr(eq + 1);
            if (v.size() == 17 && v[2] == ':' && v[5] == ':' && v[14] == ':')
                return std::string(v);
        }
        start = end + 1;
    }
    return std::nullopt;
}

std::string guest_ipv4(const guest_state& g) {
    return fmt::format("192.168.1.{}", 100 + g.vmid % 150);
}

std::string link_local_ipv6(std::string_view mac) {
    unsigned b[6] = {};
    for (std::size_t i = 0; i < 6; ++i)
        b[i] = static_cast<unsigned>(std::stoul(std::string(mac.substr(i * 3, 2)), nullptr, 16));
    return fmt::format("fe80::{:x}:{:x}:{:x}:{:x}", ((b[0] ^ 2u) << 8) | b[1], (b[2] << 8) | 0xffu,
                       0xfe00u | b[3], (b[4] << 8) | b[5]);
}

std::optional<exec_result> run_guest_program(const guest_state& g,
                                             std::vector<std::string> argv,
                                             const std::optional<std::string>& input) {
    if (argv.empty())
        return std::nullopt;
    std::string program = argv.front();
    for (std::string_view dir : {"/usr/local/bin/", "/usr/bin/", "/bin/", "/usr/sbin/", "/sbin/"})
        if (program.starts_with(dir) && program.find('/', dir.size()) == std::string::npos)
            program = program.substr(dir.size());
    const std::vector<std::string> args(argv.begin() + 1, argv.end());
    if (windows_guest(g)) {
        if (program == "hostname" || program == "hostname.exe")
            return exec_result{0, g.name + "\r\n", ""};
        return std::nullopt;
    }
    if (program == "hostname")
        return exec_result{0, g.name + "\n", ""};
    if (program == "uname")
        return uname(g, args);
    if (program == "cat")
        return cat(g, args, input);
    if (program == "echo")
        return echo(args);
    if (program == "true")
        return exec_result{0, "", ""};
    if (program == "false")
        return exec_result{1, "", ""};
    if (program == "ip")
        return ip(g, args);
    if ((program == "sh" || program == "bash") && args.size() >= 2 && args[0] == "-c") {
        // a simple command line: words separated by blanks
        auto inner = run_guest_program(g, split_words(args[1]), input);
        if (inner)
            return inner;
        const auto words = split_words(args[1]);
        const auto name = words.empty() ? std::string() : words[0];
        return exec_result{127, "",
                           program == "bash" ? fmt::format("bash: line 1: {}: command not found\n", name)
                                             : fmt::format("sh: 1: {}: not found\n", name)};
    }
    return std::nullopt;
}

} // namespace proxmox::sim::detail
