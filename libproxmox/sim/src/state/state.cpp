#include "state/state.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace proxmox::sim::detail {

namespace {

constexpr std::uint64_t KiB = 1024;
constexpr std::uint64_t MiB = 1024 * KiB;
constexpr std::uint64_t GiB = 1024 * MiB;

struct cpu_kind {
    const char* model;
    unsigned cores;
    unsigned threads;
    double mhz;
};

constexpr cpu_kind cpu_kinds[] = {
    {"Intel(R) Xeon(R) E-2288G CPU @ 3.70GHz", 8, 16, 3700.0},
    {"AMD EPYC 7302P 16-Core Processor", 16, 32, 3000.0},
    {"Intel(R) Xeon(R) Silver 4314 CPU @ 2.40GHz", 16, 32, 2400.0},
    {"AMD Ryzen 7 5800X 8-Core Processor", 8, 16, 3800.0},
};

constexpr const char* vm_names[] = {
    "web01",     "db01",        "app01",     "web02",    "db02",       "cache01",    "mail01",
    "monitor01", "ci-runner01", "files01",   "gitlab01", "k8s-node01", "k8s-node02", "k8s-node03",
    "vpn01",     "win-dc01",    "win-srv01", "backup01", "log01",      "proxy01",
};

constexpr const char* ct_names[] = {
    "ct-dns01",    "ct-proxy01",  "ct-ntp01",  "ct-redis01", "ct-grafana01",
    "ct-pihole01", "ct-syslog01", "ct-mqtt01", "ct-git01",   "ct-nginx01",
};

std::string tags_for(std::string_view name) {
    if (name.starts_with("web") || name.starts_with("app") || name.starts_with("proxy"))
        return "prod;web";
    if (name.starts_with("db"))
        return "db;prod";
    if (name.starts_with("k8s"))
        return "k8s";
    if (name.starts_with("ct-dns") || name.starts_with("ct-ntp") || name.starts_with("ct-pihole"))
        return "infra";
    return {};
}

std::string mac_address(rng& r) {
    // Proxmox's OUI BC:24:11, as the GUI generates them.
    return fmt::format("BC:24:11:{:02X}:{:02X}:{:02X}", r.below(256), r.below(256), r.below(256));
}

std::string uuid(rng& r) {
    const std::uint64_t a = r.next();
    const std::uint64_t b = r.next();
    return fmt::format("{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xffff, a & 0xfff,
                       0x8000 | ((b >> 48) & 0x3fff), b & 0xffffffffffffULL);
}

std::string size_text(std::uint64_t bytes) {
    return bytes % GiB == 0 ? fmt::format("{}G", bytes / GiB) : fmt::format("{}M", bytes / MiB);
}

void make_qemu_config(guest_state& g, rng& r) {
    auto& c = g.config;
    if (g.agent)
        c.emplace_back("agent", "1");
    c.emplace_back("boot", "order=scsi0;ide2;net0");
    c.emplace_back("cores", std::to_string(g.cores));
    c.emplace_back("cpu", "x86-64-v2-AES");
    c.emplace_back("ide2", "none,media=cdrom");
    c.emplace_back("memory", std::to_string(g.maxmem / MiB));
    c.emplace_back("meta", "creation-qemu=10.0.2,ctime=1747000000");
    c.emplace_back("name", g.name);
    c.emplace_back("net0", fmt::format("virtio={},bridge=vmbr0,firewall=1", mac_address(r)));
    c.emplace_back("numa", "0");
    c.emplace_back("ostype", g.name.starts_with("win") ? "win11" : "l26");
    c.emplace_back("scsi0", fmt::format("local-lvm:{}-{}-disk-0,iothread=1,size={}",
                                        g.is_template ? "base" : "vm", g.vmid, size_text(g.maxdisk)));
    c.emplace_back("scsihw", "virtio-scsi-single");
    c.emplace_back("smbios1", "uuid=" + uuid(r));
    c.emplace_back("sockets", "1");
    if (!g.tags.empty())
        c.emplace_back("tags", g.tags);
    if (g.is_template)
        c.emplace_back("template", "1");
    c.emplace_back("vmgenid", uuid(r));
}

void make_lxc_config(guest_state& g, rng& r) {
    auto& c = g.config;
    c.emplace_back("arch", "amd64");
    c.emplace_back("cores", std::to_string(g.cores));
    c.emplace_back("features", "nesting=1");
    c.emplace_back("hostname", g.name);
    c.emplace_back("memory", std::to_string(g.maxmem / MiB));
    c.emplace_back(
        "net0", fmt::format("name=eth0,bridge=vmbr0,firewall=1,hwaddr={},ip=dhcp,type=veth", mac_address(r)));
    c.emplace_back("ostype", "debian");
    c.emplace_back("rootfs", fmt::format("local-lvm:vm-{}-disk-0,size={}", g.vmid, size_text(g.maxdisk)));
    c.emplace_back("swap", std::to_string(g.maxswap / MiB));
    if (!g.tags.empty())
        c.emplace_back("tags", g.tags);
    if (g.is_template)
        c.emplace_back("template", "1");
    c.emplace_back("unprivileged", "1");
}

void make_running(guest_state& g, const node_state& node, rng& r, epoch_seconds now) {
    g.running = true;
    // up between one hour and 40 days, but never longer than its node
    const epoch_seconds up = 3600 + static_cast<epoch_seconds>(r.below(40 * 86400));
    g.started = std::max(now - up, node.boot_time + 90);
    g.pid = static_cast<std::uint32_t>(1000 + r.below(400000));
    g.cpu_load = r.between(0.005, 0.25);
    g.mem_fraction = r.between(0.3, 0.85);
}

} // namespace

epoch_seconds unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::uint64_t rng::next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

std::uint64_t rng::below(std::uint64_t bound) {
    return next() % bound;
}

double rng::unit() {
    return static_cast<double>(next() >> 11) * 0x1.0p-53;
}

const storage_usage* node_state::usage(std::string_view storage) const {
    for (const auto& s : storages)
        if (s.storage == storage)
            return &s;
    return nullptr;
}

std::string guest_state::config_path(std::string_view on_node) const {
    return fmt::format("nodes/{}/{}/{}.conf", on_node, kind == guest_kind::qemu ? "qemu-server" : "lxc",
                       vmid);
}

node_state* cluster::find_node(std::string_view name) {
    for (auto& n : nodes)
        if (n.name == name)
            return &n;
    return nullptr;
}

const node_state* cluster::find_node(std::string_view name) const {
    return const_cast<cluster*>(this)->find_node(name);
}

guest_state* cluster::find_guest(unsigned vmid) {
    auto it = guests.find(vmid);
    return it == guests.end() ? nullptr : &it->second;
}

cluster generate_cluster(unsigned node_count, unsigned guest_count, std::uint64_t seed, epoch_seconds now) {
    if (node_count == 0 || node_count > 100)
        throw std::invalid_argument("proxmox::sim: nodes must be between 1 and 100");
    if (guest_count > max_guests)
        throw std::invalid_argument(fmt::format("proxmox::sim: guests must be between 0 and {}", max_guests));

    cluster c;
    c.seed = seed;
    if (node_count > 1)
        c.name = "pve-cluster";
    rng r(seed);

    c.storages.push_back({.id = "local",
                          .type = "dir",
                          .content = {"backup", "iso", "vztmpl"},
                          .path = "/var/lib/vz",
                          .vgname = {},
                          .thinpool = {},
                          .shared = false});
    c.storages.push_back({.id = "local-lvm",
                          .type = "lvmthin",
                          .content = {"images", "rootdir"},
                          .path = {},
                          .vgname = "pve",
                          .thinpool = "data",
                          .shared = false});

    for (unsigned i = 0; i < node_count; ++i) {
        node_state n;
        n.name = i == 0 ? "pve" : fmt::format("pve{}", i + 1);
        n.ip = fmt::format("192.168.1.{}", 10 + i);
        const cpu_kind& cpu = r.pick(cpu_kinds);
        n.cpu_model = cpu.model;
        n.cores = cpu.cores;
        n.cpus = cpu.threads;
        n.mhz = cpu.mhz;
        n.maxmem = (std::uint64_t{64} << r.below(3)) * GiB - 512 * MiB; // 64/128/256 GiB minus firmware
        n.mem_used = static_cast<std::uint64_t>(static_cast<double>(n.maxmem) * r.between(0.08, 0.2));
        n.swap_total = 8 * GiB;
        n.swap_used = r.below(64) * MiB;
        n.rootfs_total = 98 * GiB + r.below(4) * GiB;
        n.rootfs_used =
            static_cast<std::uint64_t>(static_cast<double>(n.rootfs_total) * r.between(0.06, 0.2));
        n.cpu = r.between(0.01, 0.08);
        n.iowait = r.between(0.0, 0.01);
        n.boot_time = now - static_cast<epoch_seconds>(3 * 86400 + r.below(117 * 86400));
        n.bridges.push_back({.iface = "vmbr0",
                             .cidr = fmt::format("192.168.1.{}/24", 10 + i),
                             .gateway = "192.168.1.1",
                             .ports = "eno1"});
        n.next_pid = static_cast<std::uint32_t>(0x2000 + r.below(0x20000));
        n.storages.push_back({.storage = "local", .total = n.rootfs_total, .used = n.rootfs_used});
        n.storages.push_back({.storage = "local-lvm", .total = (300 + r.below(1500)) * GiB, .used = 0});
        // what a fresh node downloads first: an installer ISO and a container template
        const epoch_seconds iso_time = n.boot_time - static_cast<epoch_seconds>(r.below(20 * 86400));
        n.volumes["local"] = {
            {.volid = "local:iso/debian-13.1.0-amd64-netinst.iso",
             .content = "iso",
             .format = "iso",
             .size = 790626304,
             .ctime = iso_time},
            {.volid = "local:vztmpl/debian-13-standard_13.1-2_amd64.tar.zst",
             .content = "vztmpl",
             .format = "tzst",
             .size = 129124075,
             .ctime = iso_time + 600},
        };
        c.nodes.push_back(std::move(n));
    }

    // Guest mix: two templates (when there are enough guests), two thirds of the rest VMs,
    // one third containers.
    const unsigned templates = guest_count >= 6 ? 2 : guest_count >= 3 ? 1 : 0;
    const unsigned rest = guest_count - templates;
    const unsigned vms = (rest * 2 + 2) / 3;
    const unsigned cts = rest - vms;
    const unsigned ct_base = vms <= 100 ? 200 : (100 + vms + 99) / 100 * 100;

    auto add_guest = [&](guest_state g) {
        node_state& node = *c.find_node(g.node);
        if (auto* lvm = const_cast<storage_usage*>(node.usage("local-lvm")))
            lvm->used += g.is_template ? g.maxdisk : static_cast<std::uint64_t>(g.maxdisk * 0.35);
        c.guests.emplace(g.vmid, std::move(g));
    };

    static constexpr unsigned vm_cores[] = {1, 2, 2, 4, 4, 8};
    static constexpr std::uint64_t vm_mem_mib[] = {1024, 2048, 4096, 4096, 8192, 16384};
    static constexpr std::uint64_t vm_disk_gib[] = {16, 32, 32, 64, 100};
    for (unsigned i = 0; i < vms; ++i) {
        guest_state g;
        g.kind = guest_kind::qemu;
        g.vmid = 100 + i;
        g.name = i < std::size(vm_names) ? vm_names[i] : fmt::format("vm{}", g.vmid);
        g.node = c.nodes[i % node_count].name;
        g.cores = r.pick(vm_cores);
        g.maxmem = r.pick(vm_mem_mib) * MiB;
        g.maxdisk = r.pick(vm_disk_gib) * GiB;
        g.agent = r.below(3) != 0;
        g.tags = tags_for(g.name);
        g.netin_rate = 2000 + r.below(400000);
        g.netout_rate = 1000 + r.below(200000);
        g.diskread_rate = 10000 + r.below(2000000);
        g.diskwrite_rate = 10000 + r.below(1000000);
        // The first VM runs and the second is stopped, so every cluster has both; the rest is random.
        const bool running = i == 0 || (i != 1 && r.below(10) < 7);
        if (running)
            make_running(g, *c.find_node(g.node), r, now);
        make_qemu_config(g, r);
        add_guest(std::move(g));
    }

    static constexpr unsigned ct_cores[] = {1, 1, 2, 2, 4};
    static constexpr std::uint64_t ct_mem_mib[] = {512, 1024, 1024, 2048};
    static constexpr std::uint64_t ct_disk_gib[] = {8, 8, 16, 32};
    for (unsigned i = 0; i < cts; ++i) {
        guest_state g;
        g.kind = guest_kind::lxc;
        g.vmid = ct_base + i;
        g.name = i < std::size(ct_names) ? ct_names[i] : fmt::format("ct{}", g.vmid);
        g.node = c.nodes[(vms + i) % node_count].name;
        g.cores = r.pick(ct_cores);
        g.maxmem = r.pick(ct_mem_mib) * MiB;
        g.maxswap = 512 * MiB;
        g.maxdisk = r.pick(ct_disk_gib) * GiB;
        g.disk_fraction = r.between(0.1, 0.6);
        g.tags = tags_for(g.name);
        g.netin_rate = 500 + r.below(100000);
        g.netout_rate = 500 + r.below(100000);
        g.diskread_rate = 1000 + r.below(200000);
        g.diskwrite_rate = 1000 + r.below(200000);
        const bool running = i == 0 || r.below(10) < 7;
        if (running)
            make_running(g, *c.find_node(g.node), r, now);
        make_lxc_config(g, r);
        add_guest(std::move(g));
    }

    // templates live at 9000 as admins like it, or at the next thousand when the guests reach it
    const unsigned last_vmid = cts > 0 ? ct_base + cts - 1 : 100 + vms;
    const unsigned template_base = last_vmid < 9000 ? 9000 : (last_vmid / 1000 + 1) * 1000;
    static constexpr const char* template_names[] = {"debian-12-template", "ubuntu-24.04-template"};
    for (unsigned i = 0; i < templates; ++i) {
        guest_state g;
        g.kind = guest_kind::qemu;
        g.vmid = template_base + i;
        g.name = template_names[i];
        g.node = c.nodes[0].name;
        g.is_template = true;
        g.cores = 2;
        g.maxmem = 2048 * MiB;
        g.maxdisk = 32 * GiB;
        g.agent = true;
        make_qemu_config(g, r);
        add_guest(std::move(g));
    }

    // thin pools of crowded nodes are as large as their guests need (PVE would refuse to overcommit
    // beyond the pool; real admins size it)
    for (auto& n : c.nodes)
        if (auto* lvm = const_cast<storage_usage*>(n.usage("local-lvm")); lvm && lvm->used > lvm->total * 0.8)
            lvm->total = (lvm->used * 10 / 6 + GiB - 1) / GiB * GiB;
    return c;
}

std::string encode_upid(const task_state& t) {
    return fmt::format("UPID:{}:{:08X}:{:08X}:{:08X}:{}:{}:{}:", t.node, t.pid, t.pstart,
                       static_cast<std::uint64_t>(t.starttime), t.type, t.id, t.user);
}

task_state& create_task(
    cluster& c, node_state& node, std::string type, std::string id, std::string user, epoch_seconds now) {
    task_state t;
    t.node = node.name;
    t.pid = node.next_pid;
    node.next_pid += 1 + static_cast<std::uint32_t>((node.next_pid * 2654435761U) % 37);
    // pstart is the worker's start in clock ticks (USER_HZ = 100) since the node booted
    t.pstart =
        static_cast<std::uint32_t>(std::max<epoch_seconds>(0, now - node.boot_time) * 100 + t.pid % 100);
    t.starttime = now;
    t.type = std::move(type);
    t.id = std::move(id);
    t.user = std::move(user);
    t.upid = encode_upid(t);
    auto [it, inserted] = c.tasks.emplace(t.upid, std::move(t));
    return it->second;
}

void finish_task(cluster& c, task_state& t, task_result result, epoch_seconds now) {
    t.running = false;
    t.endtime = now;
    t.finish_seq = ++c.finished_tasks;
    for (auto& line : result.log)
        t.log.push_back(std::move(line));
    if (result.error.empty()) {
        t.exitstatus = "OK";
        t.log.emplace_back("TASK OK");
    } else {
        t.exitstatus = result.error;
        t.log.push_back("TASK ERROR: " + result.error);
    }
}

} // namespace proxmox::sim::detail
