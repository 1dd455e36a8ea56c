// Guest lifecycle: the power actions, delete, template and the directory indexes (qemu-server
// API2/Qemu.pm, QemuServer.pm, QemuServer/RunState.pm; pve-container API2/LXC.pm,
// API2/LXC/Status.pm, LXC.pm). Create and restore are in lifecycle_create.cpp, clone and
// migrate in lifecycle_clone.cpp.
//
// A worker's checks run when its task ends (the task's duration stands for the work). Where the
// worker takes a config lock at its start, the handler sets it at once and the task removes it.
#include "endpoints/lifecycle.hpp"

#include <boost/json/array.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <ctime>

namespace proxmox::sim::detail {

namespace json = boost::json;
using namespace lifecycle;

namespace {

/// The guest of `kind` whose config is on `node`, or nullptr.
guest_state* guest_on(cluster& c, guest_kind kind, unsigned vmid, std::string_view node) {
    guest_state* g = c.find_guest(vmid);
    return g && g->kind == kind && g->node == node ? g : nullptr;
}

/// QemuConfig assert_config_exists_on_node, which QemuServer::check_running starts with.
std::string qemu_not_on_node(unsigned vmid, std::string_view node) {
    return fmt::format("unable to find configuration file for VM {} on node '{}'", vmid, node);
}

/// QemuServer::check_running as the API handlers call it: 500 when the config is elsewhere.
bool qemu_check_running(call_context& ctx, unsigned vmid, const node_state& node) {
    const guest_state* g = guest_on(ctx.state, guest_kind::qemu, vmid, node.name);
    if (!g)
        raise_error(qemu_not_on_node(vmid, node.name) + "\n");
    return g->running;
}

/// PVE::LXC::check_running looks at the running container only, not at the config.
bool lxc_running(cluster& c, unsigned vmid, std::string_view node) {
    const guest_state* g = guest_on(c, guest_kind::lxc, vmid, node);
    return g && g->running;
}

/// QemuServer::vm_is_paused (errors are swallowed: a missing VM is not paused).
bool qemu_paused(cluster& c, unsigned vmid, std::string_view node) {
    const guest_state* g = guest_on(c, guest_kind::qemu, vmid, node);
    return g && g->running && g->suspended;
}

using guest_step = std::function<task_result(guest_state&, cluster&, epoch_seconds)>;

/// Runs `step` on the guest when the task ends; a guest whose config left the node fails with
/// `missing` (qemu: check_running's text, lxc: load_config's).
std::string guest_worker(
    call_context& ctx, guest_kind kind, std::string type, guest_step step, double duration_factor = 1.0) {
    node_state& node = ctx.node();
    const auto vmid = vmid_param(ctx);
    return ctx.run_worker(
        node, std::move(type), std::to_string(vmid),
        [vmid, kind, on = node.name, step = std::move(step)](cluster& c, epoch_seconds now) -> task_result {
            guest_state* g = guest_on(c, kind, vmid, on);
            if (!g)
                return {{},
                        kind == guest_kind::qemu ? qemu_not_on_node(vmid, on)
                                                 : without_newline(missing_config(kind, vmid, on))};
            return step(*g, c, now);
        },
        duration_factor);
}

/// check_lock unless skiplock (or one of the locks the action tolerates).
std::optional<std::string> lock_error(const guest_state& g, bool skiplock, std::string_view tolerated = {}) {
    if (skiplock || g.lock.empty() || (!tolerated.empty() && g.lock == tolerated))
        return std::nullopt;
    return lock_message(g);
}

bool node_has_bridge(const cluster& c, const guest_state& g, std::string_view bridge) {
    const node_state* n = c.find_node(g.node);
    return n && std::any_of(n->bridges.begin(), n->bridges.end(),
                            [&](const bridge_state& b) { return b.iface == bridge; });
}

/// The NICs' bridges at start: PVE::Network::read_bridge_mtu dies for a bridge the node lacks
/// (create accepted it: pve-bridge-id is a pattern only). qemu-server's print_netdevice_full reads
/// it for virtio NICs while building the command line; any other model gets as far as QEMU, whose
/// pve-bridge network script fails. pve-container's update_lxc_config reads it for every NIC.
std::optional<task_result> missing_bridge(const cluster& c, const guest_state& g) {
    std::optional<task_result> qemu_script_failure; // the first non-virtio NIC on a missing bridge
    for (unsigned i = 0; i < 32; ++i) {
        const auto key = fmt::format("net{}", i);
        const auto value = config_value(g, key);
        if (!value)
            continue;
        const auto bridge = property_value(*value, "bridge");
        if (!bridge || node_has_bridge(c, g, *bridge))
            continue;
        auto error = fmt::format("bridge '{}' does not exist", *bridge);
        if (g.kind == guest_kind::lxc)
            return task_result{{}, std::move(error)};
        const auto first = value->substr(0, value->find(','));
        const auto model = first.starts_with("model=") ? first.substr(6) : first.substr(0, first.find('='));
        if (model == "virtio")
            return task_result{{}, std::move(error)};
        if (!qemu_script_failure)
            qemu_script_failure = task_result{
                {std::move(error),
                 fmt::format("kvm: -netdev type=tap,id={},ifname=tap{}i{},script=/usr/libexec/qemu-server/"
                             "pve-bridge,downscript=/usr/libexec/qemu-server/pve-bridgedown: network script "
                             "/usr/libexec/qemu-server/pve-bridge failed with status 512",
                             key, g.vmid, i)},
                "start failed: QEMU exited with code 1"};
    }
    return qemu_script_failure;
}

void stop_qemu(guest_state& g) {
    stop_guest(g);
    g.suspended = false;
}

// --- qemu -----------------------------------------------------------------------------------

json::value post_qemu_start(call_context& ctx) {
    root_only(ctx, {"stateuri", "skiplock", "migratedfrom", "migration_type", "migration_network",
                    "targetstorage", "force-cpu", "nets-host-mtu"});
    if (ctx.param("targetstorage") && !ctx.param("migratedfrom"))
        raise_param_exc({{"targetstorage", "targetstorage can only by used with migratedfrom."}});
    const bool skiplock = ctx.bool_param("skiplock");
    const auto vmid = vmid_param(ctx);
    // QemuServer::vm_start in the worker: load_config, template, lock (a VM suspended to disk
    // resumes from its state), running
    node_state& node = ctx.node();
    return json::string(
        ctx.run_worker(node, "qmstart", std::to_string(vmid),
                       [vmid, skiplock, on = node.name](cluster& c, epoch_seconds now) -> task_result {
                           guest_state* g = guest_on(c, guest_kind::qemu, vmid, on);
                           if (!g)
                               return {{}, without_newline(missing_config(guest_kind::qemu, vmid, on))};
                           if (g->is_template)
                               return {{}, "you can't start a vm if it's a template"};
                           if (auto err = lock_error(*g, skiplock, "suspended"))
                               return {{}, *err};
                           if (g->running)
                               return {{}, fmt::format("VM {} already running", vmid)};
                           if (g->lock == "suspended") {
                               g->lock.clear();
                               erase_config_value(*g, "vmstate");
                           }
                           apply_pending_on_start(c, *g); // vmconfig_apply_pending comes first
                           if (auto failed = missing_bridge(c, *g))
                               return *failed;
                           start_guest(*g, c, now);
                           return {};
                       }));
}

json::value post_qemu_stop(call_context& ctx) {
    root_only(ctx, {"skiplock", "keepActive", "migratedfrom"});
    const bool skiplock = ctx.bool_param("skiplock");
    // QemuServer::vm_stop: a stopped VM is fine, the lock is only checked for a running one
    return json::string(guest_worker(ctx, guest_kind::qemu, "qmstop",
                                     [skiplock](guest_state& g, cluster&, epoch_seconds) -> task_result {
                                         if (!g.running)
                                             return {};
                                         if (auto err = lock_error(g, skiplock))
                                             return {{}, *err};
                                         stop_qemu(g);
                                         return {};
                                     }));
}

json::value post_qemu_shutdown(call_context& ctx) {
    root_only(ctx, {"skiplock", "keepActive"});
    const bool skiplock = ctx.bool_param("skiplock");
    node_state& node = ctx.node();
    // a paused VM would get the ACPI request only once it resumes
    if (qemu_paused(ctx.state, vmid_param(ctx), node.name) && !ctx.bool_param("forceStop"))
        raise_error("VM is paused - cannot shutdown\n");
    return json::string(guest_worker(ctx, guest_kind::qemu, "qmshutdown",
                                     [skiplock](guest_state& g, cluster&, epoch_seconds) -> task_result {
                                         if (!g.running)
                                             return {};
                                         if (auto err = lock_error(g, skiplock))
                                             return {{}, *err};
                                         stop_qemu(g);
                                         return {};
                                     }));
}

json::value post_qemu_reboot(call_context& ctx) {
    node_state& node = ctx.node();
    const auto vmid = vmid_param(ctx);
    if (qemu_paused(ctx.state, vmid, node.name))
        raise_error("VM is paused - cannot shutdown\n");
    if (!qemu_check_running(ctx, vmid, node))
        raise_error(fmt::format("VM {} not running\n", vmid));
    // vm_reboot: a shutdown, after which qmeventd starts a new QEMU process
    return json::string(guest_worker(ctx, guest_kind::qemu, "qmreboot",
                                     [](guest_state& g, cluster& c, epoch_seconds now) -> task_result {
                                         if (!g.running)
                                             return {};
                                         if (auto err = lock_error(g, false))
                                             return {{}, *err};
                                         stop_qemu(g);
                                         start_guest(g, c, now);
                                         return {};
                                     }));
}

json::value post_qemu_reset(call_context& ctx) {
    root_only(ctx, {"skiplock"});
    const bool skiplock = ctx.bool_param("skiplock");
    node_state& node = ctx.node();
    const auto vmid = vmid_param(ctx);
    if (!qemu_check_running(ctx, vmid, node))
        raise_error(fmt::format("VM {} not running\n", vmid));
    // vm_reset: system_reset keeps the QEMU process (and its uptime)
    return json::string(guest_worker(ctx, guest_kind::qemu, "qmreset",
                                     [skiplock](guest_state& g, cluster&, epoch_seconds) -> task_result {
                                         if (auto err = lock_error(g, skiplock))
                                             return {{}, *err};
                                         g.suspended = false;
                                         return {};
                                     }));
}

json::value post_qemu_suspend(call_context& ctx) {
    root_only(ctx, {"skiplock"});
    const bool skiplock = ctx.bool_param("skiplock");
    const bool todisk = ctx.bool_param("todisk");
    node_state& node = ctx.node();
    const auto vmid = vmid_param(ctx);
    if (!qemu_check_running(ctx, vmid, node))
        raise_error(fmt::format("VM {} not running\n", vmid));
    guest_state& vm = *guest_on(ctx.state, guest_kind::qemu, vmid, node.name);
    std::string statestorage;
    if (todisk) {
        for (const auto& [key, value] : vm.config)
            if (key.starts_with("hostpci"))
                raise_error("cannot suspend VM to disk due to passed-through PCI device(s), which lack the "
                            "possibility to save/restore their internal state\n");
        // find_vmstate_storage: the storage of the VM's first disk
        statestorage = ctx.param("statestorage").value_or("");
        if (statestorage.empty()) {
            auto volumes = guest_volumes(vm);
            statestorage = volumes.empty()
                               ? "local"
                               : volumes.front().second.substr(0, volumes.front().second.find(':'));
        }
        storage_config(ctx.state, statestorage);
    }
    const std::string type = todisk ? "qmsuspend" : "qmpause";
    // RunState::vm_suspend: a backup lock is tolerated, except when saving the state to disk
    const bool backing_up = vm.lock == "backup";
    if (backing_up && todisk)
        return json::string(failing_worker(ctx, node, type, vmid, "cannot suspend to disk during backup"));
    if (!backing_up)
        if (auto err = lock_error(vm, skiplock))
            return json::string(failing_worker(ctx, node, type, vmid, *err));
    if (todisk)
        vm.lock = "suspending";
    return json::string(guest_worker(
        ctx, guest_kind::qemu, type,
        [todisk, statestorage](guest_state& g, cluster&, epoch_seconds now) -> task_result {
            if (!todisk) {
                g.suspended = true; // QMP stop
                return {};
            }
            std::tm tm{};
            const std::time_t tt = static_cast<std::time_t>(now);
            gmtime_r(&tt, &tm);
            char date[16];
            std::strftime(date, sizeof date, "%Y-%m-%d", &tm);
            set_config_value(g, "vmstate",
                             fmt::format("{}:vm-{}-state-suspend-{}", statestorage, g.vmid, date));
            sort_config(g);
            stop_qemu(g);
            g.lock = "suspended";
            return {{fmt::format("saving VM state and RAM using storage '{}'", statestorage),
                     fmt::format("completed saving the VM state in 1s, saved {}", render_bytes(g.maxmem / 3)),
                     "State saved, quitting"},
                    {}};
        },
        todisk ? 2.0 : 1.0));
}

json::value post_qemu_resume(call_context& ctx) {
    root_only(ctx, {"skiplock", "nocheck"});
    const bool skiplock = ctx.bool_param("skiplock");
    node_state& node = ctx.node();
    const auto vmid = vmid_param(ctx);
    const guest_state* vm = guest_on(ctx.state, guest_kind::qemu, vmid, node.name);
    const bool from_disk = vm && vm->lock == "suspended";
    if (!from_disk && !qemu_check_running(ctx, vmid, node))
        raise_error(fmt::format("VM {} not running\n", vmid));
    return json::string(
        guest_worker(ctx, guest_kind::qemu, "qmresume",
                     [skiplock, from_disk](guest_state& g, cluster& c, epoch_seconds now) -> task_result {
                         if (from_disk) {
                             // vm_start from the saved state; the suspended lock is the one it may ignore
                             if (g.running)
                                 return {{}, fmt::format("VM {} already running", g.vmid)};
                             g.lock.clear();
                             erase_config_value(g, "vmstate");
                             start_guest(g, c, now);
                             return {};
                         }
                         if (g.is_template)
                             return {{}, fmt::format("VM {} is a template and cannot be resumed!", g.vmid)};
                         if (!g.suspended)
                             return {}; // already running: job done
                         if (auto err = lock_error(g, skiplock, "backup"))
                             return {{}, *err};
                         g.suspended = false;
                         return {};
                     }));
}

// --- lxc ------------------------------------------------------------------------------------

json::value post_lxc_start(call_context& ctx) {
    root_only(ctx, {"skiplock"});
    const bool skiplock = ctx.bool_param("skiplock");
    const auto vmid = vmid_param(ctx);
    if (lxc_running(ctx.state, vmid, ctx.node().name))
        raise_error(fmt::format("CT {} already running\n", vmid));
    return json::string(
        guest_worker(ctx, guest_kind::lxc, "vzstart",
                     [skiplock](guest_state& g, cluster& c, epoch_seconds now) -> task_result {
                         if (g.is_template)
                             return {{}, "you can't start a CT if it's a template"};
                         if (auto err = lock_error(g, skiplock, "mounted"))
                             return {{}, *err};
                         if (auto failed = missing_bridge(c, g))
                             return *failed;
                         g.suspended = false;
                         start_guest(g, c, now);
                         return {};
                     }));
}

json::value post_lxc_stop(call_context& ctx) {
    root_only(ctx, {"skiplock"});
    const bool skiplock = ctx.bool_param("skiplock");
    const auto vmid = vmid_param(ctx);
    if (!lxc_running(ctx.state, vmid, ctx.node().name))
        raise_error(fmt::format("CT {} not running\n", vmid));
    return json::string(guest_worker(ctx, guest_kind::lxc, "vzstop",
                                     [skiplock](guest_state& g, cluster&, epoch_seconds) -> task_result {
                                         if (auto err = lock_error(g, skiplock, "mounted"))
                                             return {{}, *err};
                                         stop_guest(g);
                                         return {};
                                     }));
}

json::value post_lxc_shutdown(call_context& ctx) {
    const auto vmid = vmid_param(ctx);
    if (!lxc_running(ctx.state, vmid, ctx.node().name))
        raise_error(fmt::format("CT {} not running\n", vmid));
    return json::string(guest_worker(ctx, guest_kind::lxc, "vzshutdown",
                                     [](guest_state& g, cluster&, epoch_seconds) -> task_result {
                                         if (auto err = lock_error(g, false))
                                             return {{}, *err};
                                         stop_guest(g);
                                         return {};
                                     }));
}

json::value post_lxc_reboot(call_context& ctx) {
    const auto vmid = vmid_param(ctx);
    // Status.pm vm_reboot says "VM" here
    if (!lxc_running(ctx.state, vmid, ctx.node().name))
        raise_error(fmt::format("VM {} not running\n", vmid));
    // PVE::LXC::vm_reboot: stop and start again, without a lock check
    return json::string(guest_worker(ctx, guest_kind::lxc, "vzreboot",
                                     [](guest_state& g, cluster& c, epoch_seconds now) -> task_result {
                                         if (!g.running)
                                             return {};
                                         stop_guest(g);
                                         start_guest(g, c, now);
                                         return {};
                                     }));
}

json::value post_lxc_suspend(call_context& ctx) {
    const auto vmid = vmid_param(ctx);
    if (!lxc_running(ctx.state, vmid, ctx.node().name))
        raise_error(fmt::format("CT {} not running\n", vmid));
    // lxc-checkpoint -s: the container is checkpointed to /var/lib/vz/dump and stops
    return json::string(guest_worker(ctx, guest_kind::lxc, "vzsuspend",
                                     [](guest_state& g, cluster&, epoch_seconds) -> task_result {
                                         if (auto err = lock_error(g, false))
                                             return {{}, *err};
                                         stop_guest(g);
                                         g.suspended = true;
                                         return {};
                                     }));
}

json::value post_lxc_resume(call_context& ctx) {
    const auto vmid = vmid_param(ctx);
    if (lxc_running(ctx.state, vmid, ctx.node().name))
        raise_error(fmt::format("CT {} already running\n", vmid));
    // lxc-checkpoint -r restores the checkpoint; without one the command fails
    return json::string(guest_worker(
        ctx, guest_kind::lxc, "vzresume", [](guest_state& g, cluster& c, epoch_seconds now) -> task_result {
            if (!g.suspended)
                return {
                    {},
                    fmt::format("command 'lxc-checkpoint -n {} -r --foreground -D /var/lib/vz/dump' failed: "
                                "exit code 1",
                                g.vmid)};
            g.suspended = false;
            start_guest(g, c, now);
            return {};
        }));
}

// --- delete ---------------------------------------------------------------------------------

/// The end of destroy: volumes freed, ACLs and pool membership removed (always, purge or not),
/// the config removed last.
task_result destroy_guest(cluster& c, unsigned vmid, bool purge, std::vector<std::string> log) {
    guest_state* g = c.find_guest(vmid);
    if (!g)
        return {log, {}};
    auto removed = removal_lines(*g);
    log.insert(log.end(), removed.begin(), removed.end());
    remove_vm_access(c, vmid);
    if (purge)
        log.push_back(fmt::format("purging {} {} from related configurations..", guest_type(g->kind), vmid));
    c.guests.erase(vmid);
    return {log, {}};
}

json::value delete_qemu(call_context& ctx) {
    root_only(ctx, {"skiplock"});
    const bool skiplock = ctx.bool_param("skiplock");
    const bool purge = ctx.bool_param("purge");
    node_state& node = ctx.node();
    guest_state& g = local_guest(ctx, guest_kind::qemu);
    const auto vmid = g.vmid;
    if (config_value(g, "protection").value_or("0") == "1")
        raise_error(fmt::format("can't remove VM {} - protection mode enabled\n", vmid));
    if (g.running)
        raise_error(fmt::format("VM {} is running - destroy failed\n", vmid));
    // QemuServer::destroy_vm checks the lock in the worker (a VM suspended to disk may go)
    if (!skiplock && !g.lock.empty() && g.lock != "suspended")
        return json::string(failing_worker(ctx, node, "qmdestroy", vmid, lock_message(g)));
    g.lock = "destroyed";
    return json::string(
        ctx.run_worker(node, "qmdestroy", std::to_string(vmid), [vmid, purge](cluster& c, epoch_seconds) {
            return destroy_guest(c, vmid, purge, {});
        }));
}

json::value delete_lxc(call_context& ctx) {
    const bool purge = ctx.bool_param("purge");
    const bool force = ctx.bool_param("force");
    node_state& node = ctx.node();
    guest_state& g = local_guest(ctx, guest_kind::lxc);
    const auto vmid = g.vmid;
    if (config_value(g, "protection").value_or("0") == "1")
        raise_error(fmt::format("can't remove CT {} - protection mode enabled\n", vmid));
    check_lock(g);
    if (g.running && !force)
        raise_error(fmt::format("unable to destroy CT {} - container is running\n", vmid));
    const bool was_running = g.running;
    g.lock = "destroyed";
    return json::string(ctx.run_worker(
        node, "vzdestroy", std::to_string(vmid), [vmid, purge, was_running](cluster& c, epoch_seconds) {
            std::vector<std::string> log;
            if (was_running)
                log.push_back(fmt::format("forced to stop CT {} before destroying!", vmid));
            return destroy_guest(c, vmid, purge, log);
        }));
}

// --- template -------------------------------------------------------------------------------

json::value post_qemu_template(call_context& ctx) {
    node_state& node = ctx.node();
    guest_state& g = local_guest(ctx, guest_kind::qemu);
    const auto disk = ctx.param("disk");
    check_lock(g);
    if (!g.snapshots.empty())
        raise_error("unable to create template, because VM contains snapshots\n");
    if (g.is_template && !disk)
        raise_error("you can't convert a template to a template\n");
    if (g.running)
        raise_error("you can't convert a VM to template if VM is running\n");
    return json::string(ctx.run_worker(
        node, "qmtemplate", std::to_string(g.vmid),
        [vmid = g.vmid, disk](cluster& c, epoch_seconds) -> task_result {
            guest_state* vm = c.find_guest(vmid);
            if (!vm)
                return {{}, "Configuration file vanished"};
            if (vm->running)
                return {{}, "you can't convert a VM to template if VM is running"};
            if (!vm->lock.empty())
                return {{}, lock_message(*vm)};
            return {convert_to_template(*vm, disk), {}};
        },
        1.5));
}

json::value post_lxc_template(call_context& ctx) {
    node_state& node = ctx.node();
    guest_state& g = local_guest(ctx, guest_kind::lxc);
    check_lock(g);
    if (!g.snapshots.empty())
        raise_error("unable to create template, because CT contains snapshots\n");
    if (g.is_template)
        raise_error("you can't convert a template to a template\n");
    if (g.running)
        raise_error("you can't convert a CT to template if the CT is running\n");
    // API2/LXC.pm forks the vztemplate worker but answers null, not its UPID
    ctx.run_worker(
        node, "vztemplate", std::to_string(g.vmid),
        [vmid = g.vmid](cluster& c, epoch_seconds) -> task_result {
            guest_state* ct = c.find_guest(vmid);
            if (!ct)
                return {{}, "Configuration file vanished"};
            return {convert_to_template(*ct), {}};
        },
        1.5);
    return nullptr;
}

// --- directory indexes ----------------------------------------------------------------------

json::array subdirs(std::initializer_list<std::string_view> names) {
    json::array out;
    for (auto n : names)
        out.push_back(json::object{{"subdir", n}});
    return out;
}

json::value get_qemu_index(call_context&) {
    // vmdiridx does not load the config
    return subdirs({"config",   "cloudinit",  "pending", "status",   "unlink",  "vncproxy",      "termproxy",
                    "migrate",  "resize",     "move",    "rrd",      "rrddata", "monitor",       "agent",
                    "snapshot", "spiceproxy", "sendkey", "firewall", "mtunnel", "remote_migrate"});
}

json::value get_qemu_status_index(call_context& ctx) {
    local_guest(ctx, guest_kind::qemu);
    return subdirs({"current", "start", "stop", "reset", "shutdown", "suspend", "reboot"});
}

json::value get_lxc_index(call_context& ctx) {
    local_guest(ctx, guest_kind::lxc);
    return subdirs({"config", "pending", "status", "vncproxy", "termproxy", "vncwebsocket", "spiceproxy",
                    "migrate", "clone", "rrd", "rrddata", "firewall", "snapshot", "resize", "interfaces"});
}

json::value get_lxc_status_index(call_context& ctx) {
    local_guest(ctx, guest_kind::lxc);
    return subdirs({"current", "start", "stop", "shutdown", "reboot", "migrate"});
}

} // namespace

namespace lifecycle {

std::vector<handler_entry> power_delete_endpoints() {
    return {
        {"GET", "/nodes/{node}/qemu/{vmid}", &get_qemu_index},
        {"GET", "/nodes/{node}/qemu/{vmid}/status", &get_qemu_status_index},
        {"POST", "/nodes/{node}/qemu/{vmid}/status/start", &post_qemu_start},
        {"POST", "/nodes/{node}/qemu/{vmid}/status/stop", &post_qemu_stop},
        {"POST", "/nodes/{node}/qemu/{vmid}/status/shutdown", &post_qemu_shutdown},
        {"POST", "/nodes/{node}/qemu/{vmid}/status/reboot", &post_qemu_reboot},
        {"POST", "/nodes/{node}/qemu/{vmid}/status/reset", &post_qemu_reset},
        {"POST", "/nodes/{node}/qemu/{vmid}/status/suspend", &post_qemu_suspend},
        {"POST", "/nodes/{node}/qemu/{vmid}/status/resume", &post_qemu_resume},
        {"DELETE", "/nodes/{node}/qemu/{vmid}", &delete_qemu},
        {"POST", "/nodes/{node}/qemu/{vmid}/template", &post_qemu_template},
        {"GET", "/nodes/{node}/lxc/{vmid}", &get_lxc_index},
        {"GET", "/nodes/{node}/lxc/{vmid}/status", &get_lxc_status_index},
        {"POST", "/nodes/{node}/lxc/{vmid}/status/start", &post_lxc_start},
        {"POST", "/nodes/{node}/lxc/{vmid}/status/stop", &post_lxc_stop},
        {"POST", "/nodes/{node}/lxc/{vmid}/status/shutdown", &post_lxc_shutdown},
        {"POST", "/nodes/{node}/lxc/{vmid}/status/reboot", &post_lxc_reboot},
        {"POST", "/nodes/{node}/lxc/{vmid}/status/suspend", &post_lxc_suspend},
        {"POST", "/nodes/{node}/lxc/{vmid}/status/resume", &post_lxc_resume},
        {"DELETE", "/nodes/{node}/lxc/{vmid}", &delete_lxc},
        {"POST", "/nodes/{node}/lxc/{vmid}/template", &post_lxc_template},
    };
}

} // namespace lifecycle

std::vector<handler_entry> lifecycle_endpoints() {
    std::vector<handler_entry> all;
    for (auto family : {&power_delete_endpoints, &create_endpoints, &clone_migrate_endpoints}) {
        auto more = family();
        all.insert(all.end(), more.begin(), more.end());
    }
    return all;
}

} // namespace proxmox::sim::detail
