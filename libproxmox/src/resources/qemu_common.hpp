#ifndef PROXMOX_SRC_RESOURCES_QEMU_COMMON_HPP
#define PROXMOX_SRC_RESOURCES_QEMU_COMMON_HPP

// Shared by the qemu_handle operations: argument checks and sending a generated call.

#include "core/client_state.hpp"
#include "resources/calls.hpp"

#include <proxmox/generated/cluster.hpp>
#include <proxmox/generated/nodes_qemu.hpp>
#include <proxmox/resources/qemu.hpp>

#include <fmt/format.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace proxmox::detail {

inline result<void> check_vm(const std::string& node, vmid_t vmid) {
    return check_guest(node, vmid, "VM");
}

/// A drive bus of a VM: its key stem, highest index and the config field holding its drives.
struct qemu_drive_bus {
    std::string_view name;
    int max;
    std::map<int, std::string> gen::qemu_config_fields::*field;
};

/// PVE's drive buses: ide0-3, sata0-5, scsi0-30, virtio0-15.
inline constexpr qemu_drive_bus qemu_drive_buses[] = {{"ide", 3, &gen::qemu_config_fields::ide},
                                                      {"sata", 5, &gen::qemu_config_fields::sata},
                                                      {"scsi", 30, &gen::qemu_config_fields::scsi},
                                                      {"virtio", 15, &gen::qemu_config_fields::virtio}};

/// N of `key` when it is drive N of `bus` (digits without a leading zero, within range).
inline std::optional<int> drive_index(std::string_view key, const qemu_drive_bus& bus) {
    if (!key.starts_with(bus.name))
        return std::nullopt;
    const auto digits = key.substr(bus.name.size());
    if (digits.empty() || digits.size() > 2 || (digits.size() == 2 && digits.front() == '0') ||
        digits.find_first_not_of("0123456789") != std::string_view::npos)
        return std::nullopt;
    const int n = digits.size() == 1 ? digits[0] - '0' : (digits[0] - '0') * 10 + (digits[1] - '0');
    return n <= bus.max ? std::optional<int>(n) : std::nullopt;
}

/// A VM drive key: a bus drive within range, `efidisk0` or `tpmstate0`.
inline bool is_qemu_drive(std::string_view key) {
    for (const auto& bus : qemu_drive_buses)
        if (drive_index(key, bus))
            return true;
    return key == "efidisk0" || key == "tpmstate0";
}

/// Sends the call `p` encodes, plus `extra` parameters (config keys the generated struct holds
/// in a typed field group, set here from text).
template <class Params>
boost::asio::awaitable<result<api_response>> send(state_ptr state, Params p, request_params extra) {
    auto req = gen::encode(p);
    for (const auto& [key, value] : extra.items())
        req.params.add(key, value);
    auto response = co_await request(state, Params::endpoint.method, std::move(req));
    co_return response;
}

/// Completes `h` with `e` without sending anything.
template <class T> boost::asio::awaitable<result<T>> failed(error e) {
    co_return e;
}

} // namespace proxmox::detail

#endif
