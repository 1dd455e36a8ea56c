// The simulated cluster as plain data: nodes, storages, guests, tasks. Handlers read and mutate it
// on the server thread only; nothing here knows about HTTP, JSON or Asio.
#ifndef PROXMOX_SIM_SRC_STATE_HPP
#define PROXMOX_SIM_SRC_STATE_HPP

#include "state/access_state.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace proxmox::sim::detail {

/// Seconds since the Unix epoch, the time unit PVE uses on the wire.
using epoch_seconds = std::int64_t;

epoch_seconds unix_now();

/// Deterministic pseudo random numbers (splitmix64): the same seed gives the same cluster on every
/// platform, unlike the distributions of <random>.
class rng {
public:
    explicit rng(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next();
    std::uint64_t below(std::uint64_t bound); ///< uniform in [0, bound), bound > 0
    double unit();                            ///< uniform in [0, 1)
    double between(double lo, double hi) { return lo + (hi - lo) * unit(); }
    template <class T, std::size_t N> const T& pick(const T (&items)[N]) { return items[below(N)]; }

private:
    std::uint64_t state_;
};

using config_entries = std::vector<std::pair<std::string, std::string>>; ///< `key: value`, in file order

struct bridge_state {
    std::string iface = "vmbr0";
    std::string cidr;    ///< e.g. 192.168.1.10/24
    std::string gateway; ///< e.g. 192.168.1.1
    std::string ports = "eno1";
};

/// Usage of one storage on one node.
struct storage_usage {
    std::string storage;
    std::uint64_t total = 0;
    std::uint64_t used = 0;
};

/// A file on a directory storage (ISO image, container template, backup, import source).
struct volume_state {
    std::string volid;   ///< e.g. local:iso/debian-13.1.0-amd64-netinst.iso
    std::string content; ///< iso, vztmpl, backup, import
    std::string format;  ///< iso, tzst, tgz, ...
    std::uint64_t size = 0;
    epoch_seconds ctime = 0;
    std::string notes;            ///< backup: the notes of vzdump (notes-template)
    std::string backup_kind;      ///< backup: "qemu" or "lxc"
    unsigned backup_vmid = 0;     ///< backup: the guest it was taken from
    config_entries backup_config; ///< backup: the config inside the archive (restore uses it)
};

struct node_state {
    std::string name;
    std::string ip;
    std::string cpu_model;
    unsigned sockets = 1;
    unsigned cores = 8; ///< physical cores
    unsigned cpus = 16; ///< logical threads (maxcpu)
    double mhz = 3000;
    std::uint64_t maxmem = 0;
    std::uint64_t mem_used = 0;
    std::uint64_t swap_total = 0;
    std::uint64_t swap_used = 0;
    std::uint64_t rootfs_total = 0;
    std::uint64_t rootfs_used = 0;
    double cpu = 0.05; ///< fraction of all CPUs in use
    double iowait = 0.0;
    epoch_seconds boot_time = 0;
    std::string kernel_release = "6.17.2-1-pve";
    std::vector<bridge_state> bridges;
    std::vector<storage_usage> storages;
    std::uint32_t next_pid = 0x1000; ///< next worker PID handed out for a task
    bool offline = false;            ///< fault injection: the node does not answer
    /// Files on this node's (non-shared) directory storages, by storage id, in name order.
    std::map<std::string, std::vector<volume_state>> volumes;

    const storage_usage* usage(std::string_view storage) const;
};

/// A storage definition (storage.cfg); every storage here is enabled on every node.
struct storage_def {
    std::string id;
    std::string type;                 ///< plugin type: dir, lvmthin, ...
    std::vector<std::string> content; ///< sorted, as PVE prints it
    std::string path;                 ///< dir storages
    std::string vgname;               ///< lvm storages
    std::string thinpool;             ///< lvmthin storages
    bool shared = false;
};

enum class guest_kind { qemu, lxc };

/// A snapshot section of a guest config (`[name]`).
struct snapshot_state {
    std::string name;
    std::string description;
    std::string parent; ///< the snapshot it was taken on top of, or empty
    epoch_seconds snaptime = 0;
    bool vmstate = false;  ///< qemu: RAM saved with it
    config_entries config; ///< the config as it was
};

/// Firewall of a guest or a node (pve-firewall's VMID.fw / host.fw): `[OPTIONS]` entries and
/// `[RULES]` in order, each rule as its property map (type, action, macro, source, dest, ...).
struct firewall_state {
    config_entries options;
    std::vector<config_entries> rules;
    std::string digest_salt; ///< changes with every write, so digests change
};

/// A process the QEMU guest agent started (guest-exec); qemu-ga forgets it once exec-status
/// reported its end.
struct agent_exec_state {
    std::int64_t pid = 0;
    epoch_seconds guest_started = 0; ///< the guest boot it belongs to
    bool exited = false;
    int exitcode = 0;
    std::string out_data, err_data;
};

constexpr std::string_view kind_name(guest_kind k) {
    return k == guest_kind::qemu ? "qemu" : "lxc";
}

struct guest_state {
    guest_kind kind = guest_kind::qemu;
    unsigned vmid = 0;
    std::string name;
    std::string node;
    bool running = false;
    bool is_template = false;
    bool suspended = false; ///< qemu: paused (suspend without todisk); lxc: checkpointed by suspend
    unsigned cores = 1;     ///< vCPUs (qemu: sockets * cores), lxc: cores
    std::uint64_t maxmem = 0;
    std::uint64_t maxdisk = 0;
    std::uint64_t maxswap = 0; ///< lxc only
    double cpu_load = 0;       ///< fraction of its CPUs while running
    double mem_fraction = 0;   ///< share of maxmem used while running
    double disk_fraction = 0;  ///< lxc: share of the root disk used
    epoch_seconds started = 0; ///< when it was started (meaningful while running)
    std::uint32_t pid = 0;     ///< QEMU / LXC init PID while running
    std::uint64_t netin_rate = 0, netout_rate = 0, diskread_rate = 0, diskwrite_rate = 0; ///< bytes/s
    bool agent = false;                      ///< qemu: guest agent configured
    std::string tags;                        ///< `;`-separated, sorted
    std::string lock;                        ///< config lock, empty = none
    config_entries config;                   ///< config file keys, in file order
    config_entries pending;                  ///< qemu: changes applied at next start
    std::vector<std::string> pending_delete; ///< qemu: keys deleted at next start
    config_entries cloudinit; ///< qemu: [special:cloudinit], old values the cloud-init drive still has
    std::vector<snapshot_state> snapshots; ///< in creation order
    firewall_state firewall;
    std::vector<agent_exec_state> agent_execs; ///< qemu: guest-exec processes not yet reaped
    std::int64_t agent_next_pid = 0;           ///< qemu: last PID qemu-ga handed out (0: none yet)

    std::int64_t uptime(epoch_seconds now) const {
        return running ? std::max<std::int64_t>(0, now - started) : 0;
    }
    /// Path of the config file in the cluster file system, as PVE names it in errors.
    std::string config_path(std::string_view on_node) const;
};

/// A worker task, identified by its UPID (WIRE.md section 6).
struct task_state {
    std::string upid;
    std::string node;
    std::uint32_t pid = 0;
    std::uint32_t pstart = 0;
    epoch_seconds starttime = 0;
    std::string type;
    std::string id;
    std::string user; ///< USER@REALM or USER@REALM!TOKEN, as in the UPID
    bool running = true;
    std::string exitstatus;       ///< when stopped: OK, WARNINGS: n, or the error text
    epoch_seconds endtime = 0;    ///< when stopped
    std::uint64_t finish_seq = 0; ///< order in which tasks stopped (the task index order)
    std::vector<std::string> log;
};

struct cluster {
    std::uint64_t seed = 0;
    std::string name;                 ///< cluster name; empty for a single node
    epoch_seconds clock_offset = 0;   ///< server::advance_clock
    std::uint64_t finished_tasks = 0; ///< counter behind task_state::finish_seq
    std::vector<node_state> nodes;
    std::vector<storage_def> storages;
    std::map<unsigned, guest_state> guests;              ///< by vmid
    std::map<std::string, task_state> tasks;             ///< by UPID
    access_state access;                                 ///< users, groups, roles, ACLs, pools
    std::map<unsigned, firewall_state> orphan_firewalls; ///< VMID.fw files of VMIDs without a guest
    std::string ssl_fingerprint;                         ///< of the certificate every node serves

    /// The node that answers the API (the one a client is connected to); `localhost` means it.
    node_state& local_node() { return nodes.front(); }

    /// The simulator's clock: real time plus what advance_clock added.
    epoch_seconds now() const { return unix_now() + clock_offset; }

    node_state* find_node(std::string_view name);
    const node_state* find_node(std::string_view name) const;
    guest_state* find_guest(unsigned vmid);
};

/// Most guests a generated cluster holds.
constexpr unsigned max_guests = 100000;

/// Builds the cluster for `nodes` nodes and `guests` guests from `seed` at time `now`.
/// Throws std::invalid_argument when nodes is 0 or above 100, or guests above max_guests.
cluster generate_cluster(unsigned nodes, unsigned guests, std::uint64_t seed, epoch_seconds now);

/// Formats a UPID: `UPID:node:PID:PSTART:STARTTIME:type:id:user:` (uppercase hex, 8 digits).
std::string encode_upid(const task_state& t);

/// Registers a new running task on `node` and returns it.
task_state& create_task(
    cluster& c, node_state& node, std::string type, std::string id, std::string user, epoch_seconds now);

/// How a worker ended: `error` empty = success (exit status OK).
struct task_result {
    std::vector<std::string> log;
    std::string error;
};

/// Marks a task stopped at `now`, appends its output and the final `TASK OK` /
/// `TASK ERROR: ...` line.
void finish_task(cluster& c, task_state& t, task_result result, epoch_seconds now);

/// Runs callbacks later on the server thread. The HTTP layer implements it with Asio timers, so
/// state and handler code need no Asio.
class scheduler {
public:
    virtual ~scheduler() = default;
    virtual void after(std::chrono::steady_clock::duration delay, std::function<void()> fn) = 0;
};

} // namespace proxmox::sim::detail

#endif // PROXMOX_SIM_SRC_STATE_HPP
