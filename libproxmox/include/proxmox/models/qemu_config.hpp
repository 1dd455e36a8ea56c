#ifndef PROXMOX_MODELS_QEMU_CONFIG_HPP
#define PROXMOX_MODELS_QEMU_CONFIG_HPP

// Models of one QEMU VM as qemu_handle reads and writes it: its current status, its
// configuration (every key as text plus typed accessors), configuration changes, cloud-init
// settings, the options of clone/delete/migrate/shutdown/suspend and RRD samples.

#include <proxmox/error.hpp>
#include <proxmox/models/guest_devices.hpp>
#include <proxmox/types.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace proxmox {

/// `GET /nodes/{node}/qemu/{vmid}/status/current`.
struct qemu_status {
    vmid_t vmid = 0;
    std::string name;
    std::string status;       ///< running or stopped
    std::string qmpstatus;    ///< QEMU's own view: running, paused, prelaunch, ... (empty when stopped)
    std::uint64_t uptime = 0; ///< seconds
    double cpu = 0;           ///< fraction of the VM's vCPUs
    std::uint32_t cpus = 0;
    std::uint64_t mem = 0; ///< bytes
    std::uint64_t maxmem = 0;
    std::uint64_t maxdisk = 0;
    std::uint64_t netin = 0; ///< bytes since start
    std::uint64_t netout = 0;
    std::uint64_t diskread = 0;
    std::uint64_t diskwrite = 0;
    std::optional<std::uint32_t> pid; ///< the QEMU process, while running
    std::string lock;                 ///< empty when not locked
    std::string tags;                 ///< `;`-separated
    bool is_template = false;
    bool agent = false;       ///< the guest agent is enabled in the config
    std::string running_qemu; ///< QEMU version, while running
    std::string running_machine;
    boost::json::object raw; ///< the whole answer, keys not modelled here included

    bool running() const noexcept { return status == "running"; }
    bool paused() const noexcept { return qmpstatus == "paused"; }
};

/// `GET /nodes/{node}/qemu/{vmid}/config`: every key as the text PVE sent, in its order, and
/// typed views of the common ones. Typed accessors leave out values they cannot parse; get()
/// still returns their text.
class qemu_config {
public:
    qemu_config() = default;
    qemu_config(std::vector<std::pair<std::string, std::string>> entries, std::string digest);

    /// Every key except `digest`, in the order PVE sent them (numbers and booleans as text).
    const std::vector<std::pair<std::string, std::string>>& entries() const noexcept { return entries_; }
    /// SHA-1 of the config file: pass it to config_update::digest to write only if unchanged.
    const std::string& digest() const noexcept { return digest_; }

    std::optional<std::string> get(std::string_view key) const;
    bool contains(std::string_view key) const { return get(key).has_value(); }

    std::string name() const;
    std::optional<unsigned> cores() const;
    std::optional<unsigned> sockets() const;
    /// `memory` in MiB (also the `current=` form of PVE 8.1+).
    std::optional<std::uint64_t> memory_mib() const;
    /// `tags`, split on PVE's separators (`;`, `,`, space).
    std::vector<std::string> tags() const;
    /// `netN` by N.
    std::map<int, qemu_nic> nets() const;
    /// Disk and CD-ROM drives (`ideN`, `sataN`, `scsiN`, `virtioN`, `efidisk0`, `tpmstate0`) by key.
    std::map<std::string, qemu_disk> disks() const;
    /// Cloud-init `ipconfigN` by N.
    std::map<int, ip_config> ipconfigs() const;
    /// `agent` is set and enabled (`1` or `enabled=1,...`).
    bool agent_enabled() const;
    bool is_template() const;

private:
    std::vector<std::pair<std::string, std::string>> entries_;
    std::string digest_;
};

qemu_status tag_invoke(boost::json::value_to_tag<qemu_status>, const boost::json::value& v);
qemu_config tag_invoke(boost::json::value_to_tag<qemu_config>, const boost::json::value& v);

/// A change of a VM's configuration: keys to set (as text, or through the typed helpers), keys
/// to delete, and optionally the digest the change is based on. Helpers that get an invalid
/// device remember the problem; qemu_handle::async_update_config then fails with it (as
/// errc::invalid_argument) before sending anything.
class config_update {
public:
    /// Sets `key` to `value` as PVE's text (`"4"`, `"1"`, a property string); replaces an earlier set.
    config_update& set(std::string key, std::string value);
    config_update& set_nic(int index, const qemu_nic& nic);
    config_update& set_disk(std::string key, const qemu_disk& disk);
    config_update& set_ipconfig(int index, const ip_config& ip);
    /// Deletes `key` (PVE's `delete` list).
    config_update& remove(std::string key);

    /// Write only if the config still has this digest (from qemu_config::digest()); otherwise PVE
    /// refuses with 500 `checksum mismatch (file change by other user?)` (errc::server_error).
    std::optional<std::string> digest;
    /// false (default): `PUT .../config`, PVE applies the change before it answers. true:
    /// `POST .../config`, PVE runs a `qmconfig` task (needed for slow disk allocation); the call
    /// waits for it and fails with errc::task_failed if it fails.
    bool via_task = false;

    const std::vector<std::pair<std::string, std::string>>& values() const noexcept { return set_; }
    const std::vector<std::string>& deletions() const noexcept { return delete_; }
    /// The first problem found by a helper or by set()/remove(); nullopt when the update is usable.
    const std::optional<error>& problem() const noexcept { return problem_; }

private:
    void fail(std::string message);

    std::vector<std::pair<std::string, std::string>> set_;
    std::vector<std::string> delete_;
    std::optional<error> problem_;
};

/// Cloud-init settings for qemu_handle::async_set_cloudinit. Only fields that are set are sent;
/// an empty value (or an empty key list) deletes the setting.
struct cloudinit_settings {
    std::optional<std::string> ciuser;
    std::optional<std::string> cipassword; ///< sent as is; PVE stores a hash
    /// Public keys, one per entry (`ssh-ed25519 AAAA... user@host`); sent URL-encoded as PVE expects.
    std::optional<std::vector<std::string>> sshkeys;
    std::optional<std::string> nameserver;   ///< space-separated addresses
    std::optional<std::string> searchdomain; ///< space-separated domains
    std::map<int, ip_config> ipconfig;       ///< `ipconfigN` by N (0..31)
};

/// PVE's `sshkeys` text: the keys joined by newlines, percent-encoded except A-Z a-z 0-9 - _ . ~
std::string encode_ssh_keys(const std::vector<std::string>& keys);
/// The keys of an `sshkeys` config value, decoded and split at newlines.
std::vector<std::string> decode_ssh_keys(std::string_view text);

/// Options of qemu_handle::async_shutdown.
struct shutdown_options {
    std::optional<std::int64_t> timeout; ///< seconds to wait for the guest OS (PVE's default: 180)
    bool force_stop = false;             ///< stop the VM hard when the timeout passes
};

/// Options of qemu_handle::async_clone.
struct clone_options {
    vmid_t newid = 0;         ///< 0: the next free id from `GET /cluster/nextid`
    std::string name;         ///< empty: PVE names it `Copy-of-VM-<name>`
    std::optional<bool> full; ///< full copy; PVE's default: linked for templates, full otherwise
    std::string target;       ///< node to clone to; empty: the same node (needs shared storage otherwise)
    std::string storage;      ///< target storage for a full clone
    std::string pool;         ///< add the clone to this pool
    std::string description;
};

/// Options of qemu_handle::async_delete.
struct delete_options {
    bool purge = false;                      ///< also remove the VMID from backup jobs, replication and HA
    bool destroy_unreferenced_disks = false; ///< also destroy disks of this VMID not in the config
};

/// Options of qemu_handle::async_migrate.
struct migrate_options {
    std::string target;            ///< node to migrate to (required)
    bool online = false;           ///< live-migrate a running VM
    bool with_local_disks = false; ///< copy local disks along (needed without shared storage)
};

/// One row of `GET /nodes/{node}/qemu/{vmid}/rrddata`. Values PVE does not have for the row's
/// interval (the VM was stopped, the series is younger) are empty rather than 0.
struct qemu_rrd_sample {
    std::int64_t time = 0;          ///< start of the interval, Unix epoch seconds
    std::optional<double> cpu;      ///< fraction 0..1 of the VM's vCPUs
    std::optional<double> maxcpu;   ///< vCPUs
    std::optional<double> mem;      ///< bytes
    std::optional<double> maxmem;   ///< bytes
    std::optional<double> disk;     ///< bytes
    std::optional<double> maxdisk;  ///< bytes
    std::optional<double> netin;    ///< bytes per second
    std::optional<double> netout;   ///< bytes per second
    std::optional<double> diskread; ///< bytes per second
    std::optional<double> diskwrite;
    boost::json::object raw; ///< the full row (PVE 9's pressure series included)
};

qemu_rrd_sample tag_invoke(boost::json::value_to_tag<qemu_rrd_sample>, const boost::json::value& v);

} // namespace proxmox

#endif
