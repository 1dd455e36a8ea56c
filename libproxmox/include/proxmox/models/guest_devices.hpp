#ifndef PROXMOX_MODELS_GUEST_DEVICES_HPP
#define PROXMOX_MODELS_GUEST_DEVICES_HPP

// Typed builders for the property strings of guest devices: QEMU NICs (`netN`) and disks
// (`scsiN`, `virtioN`, `sataN`, `ideN`), cloud-init IP settings (`ipconfigN`) and container NICs
// (LXC `netN`). Each converts to the text PVE expects, validating what PVE would reject with an
// error that names the field, and parses what PVE returns in a config.

#include <proxmox/error.hpp>
#include <proxmox/models/property_string.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace proxmox {

/// A QEMU network device, e.g. `virtio=BC:24:11:2C:4E:01,bridge=vmbr0,firewall=1,tag=20`.
struct qemu_nic {
    std::string model = "virtio";   ///< virtio, e1000, e1000e, rtl8139, vmxnet3, ...
    std::string macaddr;            ///< XX:XX:XX:XX:XX:XX; empty: PVE generates one
    std::string bridge = "vmbr0";   ///< bridge to attach to; empty: no network (user mode)
    std::optional<bool> firewall;   ///< protect the interface with the PVE firewall
    std::optional<unsigned> tag;    ///< VLAN tag 1..4094
    std::optional<unsigned> mtu;    ///< 1..65520 (virtio only; 1 = the bridge's MTU)
    std::optional<unsigned> queues; ///< 0..64 packet queues
    std::optional<double> rate;     ///< limit in MB/s
    std::optional<bool> link_down;  ///< disconnected, like a pulled plug
    property_string other;          ///< keys not modelled here (trunks, ...), written back as they are

    /// The `netN` value; errc::invalid_argument naming the field for a bad MAC, VLAN tag, MTU,
    /// queue count, bridge or model.
    result<std::string> to_property_string() const;
    /// Reads a `netN` value of a QEMU config.
    static result<qemu_nic> parse(std::string_view text);
};

/// A QEMU disk or CD-ROM drive, e.g. `local-lvm:vm-100-disk-0,iothread=1,size=32G`.
struct qemu_disk {
    /// The backing volume (`local-lvm:vm-100-disk-0`, `local:iso/debian.iso`, `none` for an
    /// empty CD-ROM drive), or for a new disk `STORAGE:SIZE_IN_GiB` (see new_disk()).
    std::string volume;
    std::optional<std::string> media;   ///< `cdrom` for CD-ROM drives
    std::optional<std::string> format;  ///< raw, qcow2, vmdk, ...
    std::optional<std::string> cache;   ///< none, writethrough, writeback, unsafe, directsync
    std::optional<std::string> discard; ///< on, ignore
    std::optional<bool> iothread;
    std::optional<bool> ssd;
    std::optional<bool> backup;             ///< false: left out of backups
    std::optional<std::string> size;        ///< as PVE reports it (`32G`); informational
    std::optional<std::string> import_from; ///< create the disk from this volume or absolute path
    property_string other; ///< keys not modelled here (aio, serial, replicate, ...), written back as they are

    /// A new disk of `size_gib` GiB allocated on `storage` (`local-lvm:32`).
    static qemu_disk new_disk(std::string_view storage, std::uint64_t size_gib);
    /// A CD-ROM drive holding `iso_volume` (`local:iso/debian.iso`), or empty for `none`.
    static qemu_disk cdrom(std::string_view iso_volume = "none");

    result<std::string> to_property_string() const;
    static result<qemu_disk> parse(std::string_view text);
};

/// A cloud-init IP setting, e.g. `ip=192.168.1.50/24,gw=192.168.1.1`.
struct ip_config {
    std::string ip;  ///< `dhcp` or IPv4 CIDR (`192.168.1.50/24`); empty: not set
    std::string gw;  ///< IPv4 gateway (only with a static `ip`)
    std::string ip6; ///< `dhcp`, `auto` or IPv6 CIDR; empty: not set
    std::string gw6; ///< IPv6 gateway

    static ip_config dhcp() { return {.ip = "dhcp", .gw = {}, .ip6 = {}, .gw6 = {}}; }

    /// The `ipconfigN` value; errc::invalid_argument naming the field for an address that is not
    /// an IPv4/IPv6 address (with prefix length where PVE needs one) or a gateway without an IP.
    result<std::string> to_property_string() const;
    static result<ip_config> parse(std::string_view text);
};

/// A container network device, e.g. `name=eth0,bridge=vmbr0,ip=dhcp,firewall=1`.
struct lxc_nic {
    std::string name = "eth0"; ///< interface name inside the container
    std::string bridge = "vmbr0";
    std::string hwaddr; ///< empty: PVE generates one
    std::string ip;     ///< `dhcp`, `manual` or IPv4 CIDR; empty: not set
    std::string gw;
    std::string ip6; ///< `dhcp`, `auto`, `manual` or IPv6 CIDR
    std::string gw6;
    std::optional<bool> firewall;
    std::optional<unsigned> tag;
    std::optional<unsigned> mtu;
    std::optional<double> rate;
    property_string other; ///< keys not modelled here, written back as they are

    result<std::string> to_property_string() const;
    static result<lxc_nic> parse(std::string_view text);
};

} // namespace proxmox

#endif
