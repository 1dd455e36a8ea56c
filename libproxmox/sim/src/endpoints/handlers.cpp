// The endpoints the simulator models. Answers follow the schema's `returns` and what the Perl
// handlers put in them (pve-manager API2/Cluster.pm, API2/Nodes.pm, API2/Tasks.pm, API2Tools.pm;
// qemu-server API2/Qemu.pm, QemuServer.pm; pve-container API2/LXC.pm, LXC.pm).
#include "endpoints/guests.hpp"
#include "endpoints/handlers.hpp"

#include <boost/json/array.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>

namespace proxmox::sim::detail {

namespace json = boost::json;

// ---------------------------------------------------------------------------------------------
// errors and the call context

void raise_param_exc(json::object errors) {
    throw api_error{400, "Parameter verification failed.\n", std::move(errors)};
}

void raise_error(std::string message, unsigned status) {
    throw api_error{status, std::move(message), {}};
}

std::optional<std::string> call_context::param(std::string_view key) const {
    const auto* v = params.if_contains(key);
    if (!v || v->is_null())
        return std::nullopt;
    if (v->is_bool())
        return std::string(v->get_bool() ? "1" : "0");
    return perl_scalar_text(*v);
}

std::optional<std::int64_t> call_context::int_param(std::string_view key) const {
    auto text = param(key);
    if (!text)
        return std::nullopt;
    return static_cast<std::int64_t>(std::strtoll(text->c_str(), nullptr, 10)); // validated as integer
}

bool call_context::bool_param(std::string_view key) const {
    auto text = param(key);
    return text && *text == "1";
}

std::string hostname_lookup_failed(std::string_view node) {
    return fmt::format(
        "hostname lookup '{0}' failed - failed to get address info for: {0}: Name or service not known\n",
        node);
}

node_state& call_context::node() {
    const auto name = param("node").value_or("localhost");
    if (name == "localhost")
        return state.local_node();
    node_state* n = state.find_node(name);
    if (!n)
        raise_error(hostname_lookup_failed(name));
    return *n;
}

std::string call_context::run_worker(node_state& on,
                                     std::string type,
                                     std::string id,
                                     std::function<task_result(cluster&, epoch_seconds)> work,
                                     double duration_factor) {
    task_state& t = create_task(state, on, std::move(type), std::move(id), auth.user, now);
    const auto duration = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(std::max(0.0, opts.task_seconds * duration_factor)));
    sched.after(duration, [st = &state, upid = t.upid, work = std::move(work)] {
        auto it = st->tasks.find(upid);
        if (it != st->tasks.end() && it->second.running) {
            const auto now = st->now();
            finish_task(*st, it->second, work(*st, now), now);
        }
    });
    return t.upid;
}

namespace {

// ---------------------------------------------------------------------------------------------
// derived numbers

constexpr std::string_view pve_version = "9.1.9";
constexpr std::string_view pve_release = "9.1";
constexpr std::string_view pve_repoid = "3ae8f5d7";

} // namespace

/// A slow, deterministic wobble in [0.8, 1.2] so usage numbers move a little over time.
double wobble(unsigned salt, epoch_seconds now) {
    return 1.0 + 0.2 * std::sin(static_cast<double>(now) / 37.0 + salt * 1.7);
}

double guest_cpu(const guest_state& g, epoch_seconds now) {
    return g.running ? std::min(1.0, g.cpu_load * wobble(g.vmid, now)) : 0.0;
}

std::uint64_t guest_mem(const guest_state& g, epoch_seconds now) {
    if (!g.running)
        return 0;
    const double f = std::min(0.98, g.mem_fraction * (0.95 + 0.05 * wobble(g.vmid + 7, now)));
    return static_cast<std::uint64_t>(static_cast<double>(g.maxmem) * f);
}

std::uint64_t guest_disk_used(const guest_state& g) {
    // QEMU has no usage data for its disks (vmstatus sets 0); a running CT reports df of its root
    if (g.kind == guest_kind::qemu || !g.running)
        return 0;
    return static_cast<std::uint64_t>(static_cast<double>(g.maxdisk) * g.disk_fraction);
}

std::uint64_t counter(std::uint64_t rate, const guest_state& g, epoch_seconds now) {
    return rate * static_cast<std::uint64_t>(g.uptime(now));
}

void add_guest_load(guest_load& l, const guest_state& g, epoch_seconds now) {
    l.mem += guest_mem(g, now);
    l.busy += guest_cpu(g, now) * g.cores;
}

guest_load guest_load_on(const cluster& c, std::string_view node, epoch_seconds now) {
    guest_load l;
    for (const auto& [vmid, g] : c.guests)
        if (g.node == node)
            add_guest_load(l, g, now);
    return l;
}

std::map<std::string, guest_load, std::less<>> guest_loads(const cluster& c, epoch_seconds now) {
    std::map<std::string, guest_load, std::less<>> out;
    for (const auto& [vmid, g] : c.guests)
        add_guest_load(out[g.node], g, now);
    return out;
}

std::uint64_t node_mem(const node_state& n, const guest_load& l) {
    return std::min(n.mem_used + l.mem, n.maxmem);
}

double node_cpu(const node_state& n, const guest_load& l, epoch_seconds now) {
    return std::min(1.0, (n.cpu * n.cpus * wobble(n.cpus, now) + l.busy) / n.cpus);
}

std::uint64_t node_mem(const cluster& c, const node_state& n, epoch_seconds now) {
    return node_mem(n, guest_load_on(c, n.name, now));
}

double node_cpu(const cluster& c, const node_state& n, epoch_seconds now) {
    return node_cpu(n, guest_load_on(c, n.name, now), now);
}

std::string loadavg_text(double v) {
    return fmt::format("{:.2f}", v);
}

std::string_view guest_status(const guest_state& g) {
    return g.running ? "running" : "stopped";
}

void add_pressure(json::object& o, const guest_state& g, epoch_seconds now) {
    if (!g.running)
        return;
    const double p = std::round(g.cpu_load * 100.0 * wobble(g.vmid + 3, now)) / 100.0;
    o["pressurecpusome"] = p;
    o["pressurecpufull"] = std::round(p * 50.0) / 100.0;
    o["pressureiosome"] = 0.0;
    o["pressureiofull"] = 0.0;
    o["pressurememorysome"] = 0.0;
    o["pressurememoryfull"] = 0.0;
}

std::string machine_type(const guest_state& g) {
    return g.name.starts_with("win") ? "pc-q35-10.0+pve1" : "pc-i440fx-10.0+pve1";
}

/// The status fields QemuServer.pm and LXC.pm vmstatus report alike: I/O counters, uptime,
/// pid and pressure of a running guest, template, tags and lock.
void add_shared_guest_fields(json::object& o, const guest_state& g, epoch_seconds now) {
    o["netin"] = counter(g.netin_rate, g, now);
    o["netout"] = counter(g.netout_rate, g, now);
    o["diskread"] = counter(g.diskread_rate, g, now);
    o["diskwrite"] = counter(g.diskwrite_rate, g, now);
    o["uptime"] = g.uptime(now);
    if (g.running) {
        o["pid"] = g.pid;
        add_pressure(o, g, now);
    }
    if (g.is_template)
        o["template"] = 1;
    if (!g.tags.empty())
        o["tags"] = g.tags;
    if (!g.lock.empty())
        o["lock"] = g.lock;
}

/// QemuServer.pm vmstatus for one VM (what GET /nodes/{node}/qemu lists).
json::object qemu_status(const guest_state& g, epoch_seconds now, bool full) {
    json::object o;
    o.reserve(24); // the keys below: no rehashing while a list of thousands is built
    o["vmid"] = g.vmid;
    o["name"] = g.name;
    o["status"] = guest_status(g);
    o["cpus"] = g.cores;
    o["cpu"] = guest_cpu(g, now);
    o["maxmem"] = g.maxmem;
    o["mem"] = guest_mem(g, now);
    o["maxdisk"] = g.maxdisk;
    o["disk"] = 0;
    add_shared_guest_fields(o, g, now);
    if (g.running)
        o["memhost"] = guest_mem(g, now) + 64 * 1024 * 1024;
    if (full && g.running) {
        o["qmpstatus"] = g.suspended ? "paused" : "running";
        o["running-machine"] = machine_type(g);
        o["running-qemu"] = "10.0.2";
    }
    return o;
}

/// LXC.pm vmstatus for one container (what GET /nodes/{node}/lxc lists).
json::object lxc_status(const guest_state& g, epoch_seconds now) {
    json::object o;
    o.reserve(24); // the keys below: no rehashing while a list of thousands is built
    o["vmid"] = g.vmid;
    o["name"] = g.name;
    o["type"] = "lxc";
    o["status"] = guest_status(g);
    o["cpus"] = g.cores;
    o["cpu"] = guest_cpu(g, now);
    o["maxmem"] = g.maxmem;
    o["mem"] = guest_mem(g, now);
    o["maxswap"] = g.maxswap;
    o["swap"] = 0;
    o["maxdisk"] = g.maxdisk;
    o["disk"] = guest_disk_used(g);
    add_shared_guest_fields(o, g, now);
    return o;
}

/// API2Tools.pm extract_node_stats
json::object node_entry(const cluster& c, const node_state& n, epoch_seconds now) {
    return node_entry(n, guest_load_on(c, n.name, now), now);
}

json::object node_entry(const node_state& n, const guest_load& load, epoch_seconds now) {
    json::object o;
    o["id"] = "node/" + n.name;
    o["node"] = n.name;
    o["type"] = "node";
    if (n.offline) {
        // not a quorate member and no recent RRD data: nothing but the status
        o["status"] = "offline";
        return o;
    }
    o["status"] = "online";
    o["uptime"] = now - n.boot_time;
    o["cpu"] = node_cpu(n, load, now);
    o["mem"] = node_mem(n, load);
    o["disk"] = n.rootfs_used;
    o["level"] = "";
    o["maxcpu"] = n.cpus;
    o["maxmem"] = n.maxmem;
    o["maxdisk"] = n.rootfs_total;
    return o;
}

/// API2Tools.pm extract_vm_stats
json::object guest_entry(const guest_state& g, epoch_seconds now, bool node_offline) {
    json::object o;
    o.reserve(24); // the keys below: no rehashing while a list of thousands is built
    o["id"] = fmt::format("{}/{}", kind_name(g.kind), g.vmid);
    o["vmid"] = g.vmid;
    o["node"] = g.node;
    o["type"] = kind_name(g.kind);
    if (node_offline) {
        // no RRD data from an offline node: the status is unknown, only config properties remain
        o["status"] = "unknown";
        if (!g.tags.empty())
            o["tags"] = g.tags;
        if (!g.lock.empty())
            o["lock"] = g.lock;
        return o;
    }
    o["uptime"] = g.uptime(now);
    o["name"] = g.name;
    o["status"] = guest_status(g);
    o["template"] = g.is_template ? 1 : 0;
    o["maxcpu"] = g.cores;
    o["cpu"] = guest_cpu(g, now);
    o["maxmem"] = g.maxmem;
    o["mem"] = guest_mem(g, now);
    o["maxdisk"] = g.maxdisk;
    o["disk"] = guest_disk_used(g);
    o["netin"] = counter(g.netin_rate, g, now);
    o["netout"] = counter(g.netout_rate, g, now);
    o["diskread"] = counter(g.diskread_rate, g, now);
    o["diskwrite"] = counter(g.diskwrite_rate, g, now);
    if (g.kind == guest_kind::qemu)
        o["memhost"] = g.running ? guest_mem(g, now) + 64 * 1024 * 1024 : 0;
    if (!g.tags.empty())
        o["tags"] = g.tags;
    if (!g.lock.empty())
        o["lock"] = g.lock;
    return o;
}

/// API2Tools.pm extract_storage_stats
json::object storage_entry(const storage_def& s, const node_state& n) {
    json::object o;
    o["id"] = fmt::format("storage/{}/{}", n.name, s.id);
    o["storage"] = s.id;
    o["node"] = n.name;
    o["type"] = "storage";
    o["plugintype"] = s.type;
    o["status"] = "available";
    o["shared"] = s.shared ? 1 : 0;
    std::string content;
    for (const auto& c : s.content)
        content += (content.empty() ? "" : ",") + c;
    o["content"] = content;
    if (n.offline) {
        o["status"] = "unknown"; // no RRD data
        return o;
    }
    if (const auto* u = n.usage(s.id)) {
        o["maxdisk"] = u->total;
        o["disk"] = u->used;
    }
    return o;
}

std::string missing_config(guest_kind kind, std::int64_t vmid, std::string_view node) {
    return fmt::format("Configuration file 'nodes/{}/{}/{}.conf' does not exist\n", node,
                       kind == guest_kind::qemu ? "qemu-server" : "lxc", vmid);
}

/// A die() text as the task log shows it: chomped.
std::string without_newline(std::string msg) {
    while (!msg.empty() && msg.back() == '\n')
        msg.pop_back();
    return msg;
}

/// The guest `{vmid}` of `kind` whose config lives on the call's node (load_config), or a 500
/// with PVE's text.
guest_state& local_guest(call_context& ctx, guest_kind kind) {
    const auto vmid = *ctx.int_param("vmid");
    node_state& node = ctx.node();
    guest_state* g = ctx.state.find_guest(static_cast<unsigned>(vmid));
    if (!g || g->kind != kind || g->node != node.name)
        raise_error(missing_config(kind, vmid, node.name));
    return *g;
}

/// Parameters the VM power calls only accept from root@pam (an API token is not root@pam).
void root_only(call_context& ctx, std::initializer_list<std::string_view> keys) {
    for (auto key : keys) {
        auto v = ctx.param(key);
        if (v && !v->empty() && *v != "0" && ctx.auth.user != "root@pam") {
            json::object errors;
            errors[key] = "Only root may use this option.";
            raise_param_exc(std::move(errors));
        }
    }
}

void start_guest(guest_state& g, cluster& c, epoch_seconds now) {
    apply_pending_on_start(c, g);
    node_state* n = c.find_node(g.node);
    g.running = true;
    g.started = now;
    g.pid = n ? n->next_pid++ : 4242;
    if (g.cpu_load == 0)
        g.cpu_load = 0.02 + static_cast<double>(g.vmid % 7) * 0.01;
    if (g.mem_fraction == 0)
        g.mem_fraction = 0.35 + static_cast<double>(g.vmid % 5) * 0.08;
}

namespace {

// ---------------------------------------------------------------------------------------------
// handlers

json::value get_version(call_context&) {
    json::object o;
    o["version"] = pve_version;
    o["release"] = pve_release;
    o["repoid"] = pve_repoid;
    return o;
}

json::value get_nodes(call_context& ctx) {
    json::array out;
    for (const auto& n : ctx.state.nodes) {
        json::object o = node_entry(ctx.state, n, ctx.now);
        o["ssl_fingerprint"] = ctx.state.ssl_fingerprint;
        out.push_back(std::move(o));
    }
    return out;
}

json::value get_node_status(call_context& ctx) {
    const node_state& n = ctx.node();
    const auto now = ctx.now;
    const double cpu = node_cpu(ctx.state, n, now);
    const std::uint64_t mem = node_mem(ctx.state, n, now);

    json::object o;
    o["uptime"] = now - n.boot_time;
    o["idle"] = 0;
    o["cpu"] = cpu;
    o["wait"] = n.iowait;
    const double load = cpu * n.cpus;
    o["loadavg"] = json::array{json::string(loadavg_text(load)), json::string(loadavg_text(load * 0.93)),
                               json::string(loadavg_text(load * 0.88))};
    o["cpuinfo"] =
        json::object{{"model", n.cpu_model},
                     {"sockets", n.sockets},
                     {"cores", n.cores},
                     {"cpus", n.cpus},
                     {"mhz", fmt::format("{:.3f}", n.mhz)},
                     {"hvm", "1"},
                     {"user_hz", 100},
                     {"flags", "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 "
                               "clflush mmx fxsr sse sse2 ht syscall nx lm constant_tsc rep_good nopl "
                               "pni pclmulqdq ssse3 fma cx16 sse4_1 sse4_2 x2apic movbe popcnt aes "
                               "xsave avx f16c rdrand hypervisor lahf_lm abm avx2 bmi1 bmi2 vmx"}};
    o["memory"] = json::object{{"total", n.maxmem},
                               {"used", mem},
                               {"free", n.maxmem - mem},
                               {"available", n.maxmem - mem + n.maxmem / 50}};
    o["swap"] =
        json::object{{"total", n.swap_total}, {"used", n.swap_used}, {"free", n.swap_total - n.swap_used}};
    o["rootfs"] = json::object{{"total", n.rootfs_total},
                               {"used", n.rootfs_used},
                               {"free", n.rootfs_total - n.rootfs_used},
                               {"avail", n.rootfs_total - n.rootfs_used - n.rootfs_total / 20}};
    o["ksm"] = json::object{{"shared", 0}};
    const std::string kernel_version = "#1 SMP PREEMPT_DYNAMIC PMX 6.17.2-1 (2025-10-21T11:55Z)";
    o["kversion"] = fmt::format("Linux {} {}", n.kernel_release, kernel_version);
    o["current-kernel"] = json::object{{"sysname", "Linux"},
                                       {"release", n.kernel_release},
                                       {"version", kernel_version},
                                       {"machine", "x86_64"}};
    o["boot-info"] = json::object{{"mode", "efi"}, {"secureboot", 0}};
    o["pveversion"] = fmt::format("pve-manager/{}/{}", pve_version, pve_repoid);
    return o;
}

/// What a pool's entry sums of its running members (Cluster.pm resources), whether or not the
/// caller may audit them: mem, maxmem and maxcpu add up, cpu is weighted by maxcpu, uptime is the
/// longest.
struct pool_usage {
    bool any = false;
    std::int64_t mem = 0, maxmem = 0, uptime = 0;
    double maxcpu = 0, cpu = 0;

    void add(const json::object& guest) {
        const auto number = [&](std::string_view key) {
            const json::value* v = guest.if_contains(key);
            return v && v->is_number() ? v->to_number<double>() : 0.0;
        };
        const auto integer = [&](std::string_view key) {
            const json::value* v = guest.if_contains(key);
            return v && (v->is_int64() || v->is_uint64()) ? v->to_number<std::int64_t>() : std::int64_t{0};
        };
        const auto guest_uptime = integer("uptime");
        if (guest_uptime == 0)
            return;
        any = true;
        uptime = std::max(uptime, guest_uptime);
        mem += integer("mem");
        maxmem += integer("maxmem");
        const double guest_maxcpu = number("maxcpu");
        if (maxcpu + guest_maxcpu > 0)
            cpu = (cpu * maxcpu + number("cpu") * guest_maxcpu) / (maxcpu + guest_maxcpu);
        maxcpu += guest_maxcpu;
    }

    void write_to(json::object& pool) const {
        if (!any)
            return;
        pool["uptime"] = uptime;
        pool["mem"] = mem;
        pool["maxmem"] = maxmem;
        pool["cpu"] = cpu;
        if (maxcpu == std::floor(maxcpu)) // Perl prints a whole number without a fraction
            pool["maxcpu"] = static_cast<std::int64_t>(maxcpu);
        else
            pool["maxcpu"] = maxcpu;
    }
};

/// Cluster.pm resources, PVE 9.1: pools first, then guests in the string order of their VMIDs
/// (`sort keys`), nodes, storages, and the `network` entries of the default zone. A 9.x node
/// publishes `network` instead of `sdn` entries, so `type=sdn` lists nothing and `network`
/// entries (like pools) only come without a filter.
json::value get_cluster_resources(call_context& ctx) {
    const auto type = ctx.param("type").value_or("");
    const auto now = ctx.now;
    const auto& access = ctx.state.access;
    const auto& user = ctx.auth.user;
    json::array out;
    std::map<std::string, pool_usage> pools; // the listed pools, in name order like `out`
    if (type.empty())
        for (const auto& [poolid, pool] : access.pools)
            if (rpc_check(access, user, "/pool/" + poolid, {"Pool.Audit"})) {
                pools[poolid];
                out.push_back(json::object{{"id", "/pool/" + poolid}, {"pool", poolid}, {"type", "pool"}});
            }
    if (type.empty() || type == "vm") {
        std::vector<std::pair<std::string, const guest_state*>> by_text;
        by_text.reserve(ctx.state.guests.size());
        for (const auto& [vmid, g] : ctx.state.guests)
            by_text.emplace_back(std::to_string(vmid), &g);
        std::sort(by_text.begin(), by_text.end(),
                  [](const auto& a, const auto& b) { return a.first < b.first; });
        for (const auto& [text, g] : by_text) {
            const std::string* pool = pool_of(access, g->vmid);
            const auto usage = pool ? pools.find(*pool) : pools.end();
            const bool listed = rpc_check(access, user, "/vms/" + text, {"VM.Audit"});
            if (!listed && usage == pools.end())
                continue;
            const node_state* n = ctx.state.find_node(g->node);
            auto entry = guest_entry(*g, now, n && n->offline);
            if (pool)
                entry["pool"] = *pool;
            if (usage != pools.end())
                usage->second.add(entry);
            if (listed)
                out.push_back(std::move(entry));
        }
        std::size_t i = 0;
        for (const auto& [poolid, usage] : pools)
            usage.write_to(out[i++].as_object());
    }
    if (type.empty() || type == "node") {
        auto loads = guest_loads(ctx.state, now);
        for (const auto& n : ctx.state.nodes) {
            auto entry = node_entry(n, loads[n.name], now);
            entry["cgroup-mode"] = 2; // pvestatd's static-info: the unified cgroup v2 hierarchy
            out.push_back(std::move(entry));
        }
    }
    if (type.empty() || type == "storage")
        for (const auto& s : ctx.state.storages)
            for (const auto& n : ctx.state.nodes)
                if (rpc_check(access, user, "/storage/" + s.id, {"Datastore.Audit"}))
                    out.push_back(storage_entry(s, n));
    if (type.empty() && rpc_check(access, user, "/sdn/zones/localnetwork", {"SDN.Audit"}))
        for (const auto& n : ctx.state.nodes)
            out.push_back(json::object{{"id", fmt::format("network/{}/zone/localnetwork", n.name)},
                                       {"type", "network"},
                                       {"network-type", "zone"},
                                       {"network", "localnetwork"},
                                       {"node", n.name},
                                       {"status", "ok"}});
    return out;
}

json::value get_qemu_list(call_context& ctx) {
    const node_state& n = ctx.node();
    const bool full = ctx.bool_param("full");
    json::array out;
    for (const auto& [vmid, g] : ctx.state.guests)
        if (g.kind == guest_kind::qemu && g.node == n.name &&
            rpc_check(ctx.state.access, ctx.auth.user, fmt::format("/vms/{}", vmid), {"VM.Audit"}))
            out.push_back(qemu_status(g, ctx.now, full));
    return out;
}

json::value get_lxc_list(call_context& ctx) {
    const node_state& n = ctx.node();
    json::array out;
    for (const auto& [vmid, g] : ctx.state.guests)
        if (g.kind == guest_kind::lxc && g.node == n.name &&
            rpc_check(ctx.state.access, ctx.auth.user, fmt::format("/vms/{}", vmid), {"VM.Audit"}))
            out.push_back(lxc_status(g, ctx.now));
    return out;
}

json::value get_qemu_current(call_context& ctx) {
    const guest_state& g = local_guest(ctx, guest_kind::qemu);
    json::object o = qemu_status(g, ctx.now, true);
    if (g.running) {
        o["balloon"] = g.maxmem;
        o["freemem"] = g.maxmem - guest_mem(g, ctx.now);
    }
    o["ha"] = json::object{{"managed", 0}};
    if (g.agent)
        o["agent"] = 1;
    return o;
}

json::value get_lxc_current(call_context& ctx) {
    const guest_state& g = local_guest(ctx, guest_kind::lxc);
    json::object o = lxc_status(g, ctx.now);
    o["ha"] = json::object{{"managed", 0}};
    return o;
}

/// pve-common UPID.pm decode
bool upid_well_formed(std::string_view upid) {
    auto fields = std::vector<std::string_view>{};
    std::size_t start = 0;
    for (;;) {
        auto pos = upid.find(':', start);
        if (pos == std::string_view::npos) {
            fields.push_back(upid.substr(start));
            break;
        }
        fields.push_back(upid.substr(start, pos - start));
        start = pos + 1;
    }
    // UPID node pid pstart starttime type id user "" -> 9 fields, the last one empty
    if (fields.size() != 9 || fields[0] != "UPID" || !fields[8].empty())
        return false;
    auto hex = [](std::string_view s, std::size_t lo, std::size_t hi) {
        return s.size() >= lo && s.size() <= hi && std::all_of(s.begin(), s.end(), [](char c) {
                   return std::isxdigit(static_cast<unsigned char>(c));
               });
    };
    auto no_bad = [](std::string_view s) { return s.find_first_of(" \t\r\n/") == std::string_view::npos; };
    return !fields[1].empty() && hex(fields[2], 8, 8) && hex(fields[3], 8, 9) && hex(fields[4], 8, 8) &&
           !fields[5].empty() && no_bad(fields[5]) && no_bad(fields[6]) && !fields[7].empty() &&
           no_bad(fields[7]);
}

} // namespace

task_state& find_task(call_context& ctx) {
    const auto upid = *ctx.param("upid");
    if (!upid_well_formed(upid))
        raise_param_exc({{"upid", "unable to parse worker upid"}});
    auto it = ctx.state.tasks.find(upid);
    // task logs are node-local files: another node does not have them
    if (it == ctx.state.tasks.end() || it->second.node != ctx.node().name)
        raise_param_exc({{"upid", "no such task"}});
    return it->second;
}

json::object task_fields(const task_state& t) {
    json::object o;
    o["upid"] = t.upid;
    o["node"] = t.node;
    o["pid"] = t.pid;
    o["pstart"] = t.pstart;
    o["starttime"] = t.starttime;
    o["type"] = t.type;
    o["id"] = t.id;
    // Tasks.pm $convert_token_task: USER@REALM!TOKEN is split into user and tokenid
    if (auto bang = t.user.find('!'); bang != std::string::npos) {
        o["user"] = t.user.substr(0, bang);
        o["tokenid"] = t.user.substr(bang + 1);
    } else {
        o["user"] = t.user;
    }
    return o;
}

namespace {

json::value get_task_status(call_context& ctx) {
    const task_state& t = find_task(ctx);
    json::object o = task_fields(t);
    o["status"] = t.running ? "running" : "stopped";
    if (!t.running)
        o["exitstatus"] = t.exitstatus;
    return o;
}

json::value get_task_log(call_context& ctx) {
    const task_state& t = find_task(ctx);
    if (ctx.bool_param("download"))
        raise_error("proxmox-sim does not implement task log downloads yet\n", 501);
    const auto start = std::max<std::int64_t>(0, ctx.int_param("start").value_or(0));
    const auto limit = std::max<std::int64_t>(0, ctx.int_param("limit").value_or(50));
    // PVE::Tools::dump_logfile: n counts from 1, limit 0 reads to the end, an empty log reads
    // as one "no content" line; total is the number of lines in the file
    json::array lines;
    std::int64_t count = 0;
    std::int64_t left = limit;
    for (const auto& line : t.log) {
        if (count++ < start)
            continue;
        if (limit != 0) {
            if (left <= 0)
                continue;
            --left;
        }
        lines.push_back(json::object{{"n", count}, {"t", line}});
    }
    if (count == 0) {
        count = 1;
        lines.push_back(json::object{{"n", 1}, {"t", "no content"}});
    }
    ctx.total = count;
    return lines;
}

} // namespace

const std::vector<handler_entry>& modelled_endpoints() {
    static const std::vector<handler_entry> table = [] {
        std::vector<handler_entry> all = {
            {"GET", "/version", &get_version},
            {"GET", "/nodes", &get_nodes},
            {"GET", "/nodes/{node}/status", &get_node_status},
            {"GET", "/cluster/resources", &get_cluster_resources},
            {"GET", "/nodes/{node}/qemu", &get_qemu_list},
            {"GET", "/nodes/{node}/lxc", &get_lxc_list},
            {"GET", "/nodes/{node}/qemu/{vmid}/status/current", &get_qemu_current},
            {"GET", "/nodes/{node}/lxc/{vmid}/status/current", &get_lxc_current},
            {"GET", "/nodes/{node}/tasks/{upid}/status", &get_task_status},
            {"GET", "/nodes/{node}/tasks/{upid}/log", &get_task_log},
            {"DELETE", "/nodes/{node}/tasks/{upid}", &delete_task},
            {"GET", "/nodes/{node}/tasks", &get_node_tasks},
            {"GET", "/cluster/tasks", &get_cluster_tasks},
            {"GET", "/access/ticket", &get_access_ticket},
            {"POST", "/access/ticket", &post_access_ticket},
            {"GET", "/nodes/{node}/storage/{storage}/content", &get_storage_content},
            {"POST", "/nodes/{node}/storage/{storage}/upload", &post_storage_upload},
        };
        for (auto family :
             {&guest_config_endpoints, &lifecycle_endpoints, &snapshot_endpoints, &backup_endpoints,
              &access_admin_endpoints, &node_endpoints, &firewall_endpoints, &agent_endpoints}) {
            auto more = family();
            all.insert(all.end(), more.begin(), more.end());
        }
        return all;
    }();
    return table;
}

} // namespace proxmox::sim::detail
