#ifndef PROXMOX_MODELS_QEMU_CONFIG_HPP
#define PROXMOX_MODELS_QEMU_CONFIG_HPP

// Models of one QEMU VM as qemu_handle reads and writes it: its current status, its
// configuration (every key as text plus typed accessors), configuration changes, cloud-init
// settings and RRD samples. The options of its operations are in qemu_options.hpp.

#include <proxmox/error.hpp>
#include <proxmox/models/config_change.hpp>
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
/// typed views of the common ones. A typed accessor fails on a value it cannot parse (naming the
/// key); get() still returns its text.
class qemu_config {
public:
    qemu_config() = default;
    qemu_config(std::vector<std::pair<std::string, std::string>> entries, std::string digest);

    /// Every key except `digest`, in the order PVE sent them (numbers and booleans as text).
    const std::vector<std::pair<std::string, std::string>>& entries() const noexcept { return entries_; }
    /// SHA-1 of the config file: pass it to qemu_config_update::digest to write only if unchanged.
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
    /// `netN` by N; a value that does not parse is an errc::invalid_argument naming `netN`.
    result<std::map<int, qemu_nic>> nets() const;
    /// Disk and CD-ROM drives (`ideN`, `sataN`, `scsiN`, `virtioN`, `efidisk0`, `tpmstate0`) by
    /// key; a value that does not parse is an errc::invalid_argument naming the key.
    result<std::map<std::string, qemu_disk>> disks() const;
    /// Cloud-init `ipconfigN` by N; a value that does not parse is an errc::invalid_argument.
    result<std::map<int, ip_config>> ipconfigs() const;
    /// `agent` is set and enabled (`1` or `enabled=1,...`).
    bool agent_enabled() const;
    bool is_template() const;

private:
    std::vector<std::pair<std::string, std::string>> entries_;
    std::string digest_;
};

qemu_status tag_invoke(boost::json::value_to_tag<qemu_status>, const boost::json::value& v);
qemu_config tag_invoke(boost::json::value_to_tag<qemu_config>, const boost::json::value& v);

/// A change of a VM's configuration: keys to set (as PVE's text, or through the typed helpers)
/// and keys to delete, checked against the VM config keys of PVE's schema. An invalid key or
/// device is remembered as problem(); qemu_handle::async_update_config then fails with it.
class qemu_config_update : public detail::config_change {
public:
    qemu_config_update();

    /// Sets `key` to `value` as PVE's text (`"4"`, `"1"`, a property string); replaces an earlier set.
    qemu_config_update& set(std::string key, std::string value);
    qemu_config_update& set_nic(int index, const qemu_nic& nic);
    /// `key` is a drive: ideN, sataN, scsiN, virtioN, efidisk0, tpmstate0.
    qemu_config_update& set_disk(std::string key, const qemu_disk& disk);
    qemu_config_update& set_ipconfig(int index, const ip_config& ip);
    /// Deletes `key` (PVE's `delete` list).
    qemu_config_update& remove(std::string key);

    /// false (default): `PUT .../config`, PVE applies the change before it answers. true:
    /// `POST .../config`, PVE runs a `qmconfig` task (needed for slow disk allocation); the call
    /// waits for it and fails with errc::task_failed if it fails.
    bool via_task = false;
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

/// Whether a VM config key names a drive (`ideN`, `sataN`, `scsiN`, `virtioN`, `efidisk0`,
/// `tpmstate0`): the keys qemu_config::disks() reads.
bool is_drive_key(std::string_view key);

/// PVE's `sshkeys` text: the keys joined by newlines, percent-encoded except A-Z a-z 0-9 - _ . ~
std::string encode_ssh_keys(const std::vector<std::string>& keys);
/// The keys of an `sshkeys` config value, decoded and split at newlines.
std::vector<std::string> decode_ssh_keys(std::string_view text);

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
