// Property strings as a guest config holds them (`net0`, `scsi0`, `ipconfig0`, LXC `net0`): the
// generic property_string and the typed QEMU NIC, disk, cloud-init IP and container NIC parsers.
// The whole input goes to each of them.
#include "fuzz_support.hpp"

#include <proxmox/models/guest_devices.hpp>
#include <proxmox/models/property_string.hpp>

using proxmox::fuzz::max_error_bytes;

namespace {

void check_error(const proxmox::error& e) {
    PROXMOX_FUZZ_CHECK(e.code == proxmox::errc::invalid_argument, e.message.substr(0, 300));
    PROXMOX_FUZZ_CHECK(!e.message.empty() && e.message.size() < max_error_bytes, e.message.substr(0, 300));
}

void check_property_string(std::string_view text) {
    const auto p = proxmox::property_string::parse(text);
    if (!p)
        return check_error(p.error());
    int without_key = 0;
    for (const auto& [key, value] : p->entries()) {
        PROXMOX_FUZZ_CHECK(key.find_first_of(",=") == std::string::npos, key);
        PROXMOX_FUZZ_CHECK(value.find(',') == std::string::npos, value);
        without_key += key.empty();
    }
    PROXMOX_FUZZ_CHECK(without_key <= 1, std::string(text));
    // what is written back reads as the same entries, and writes the same text again
    const auto written = p->str();
    const auto again = proxmox::property_string::parse(written);
    PROXMOX_FUZZ_CHECK(again, written + ": " + (again ? "" : again.error().message));
    PROXMOX_FUZZ_CHECK(again->str() == written, written + " became " + again->str());
    for (const auto& [key, value] : p->entries())
        PROXMOX_FUZZ_CHECK(again->get(key) == value, written);
}

/// A parsed device that can be written is written the same way after reading it back.
template <class Device> void check_device(std::string_view text) {
    const auto parsed = Device::parse(text);
    if (!parsed)
        return check_error(parsed.error());
    const auto written = parsed->to_property_string();
    if (!written)
        return check_error(written.error());
    const auto again = Device::parse(*written);
    PROXMOX_FUZZ_CHECK(again, *written + ": " + (again ? "" : again.error().message));
    const auto rewritten = again->to_property_string();
    PROXMOX_FUZZ_CHECK(rewritten && *rewritten == *written, *written);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = proxmox::fuzz::as_text(data, size);
    check_property_string(text);
    check_device<proxmox::qemu_nic>(text);
    check_device<proxmox::qemu_disk>(text);
    check_device<proxmox::ip_config>(text);
    check_device<proxmox::lxc_nic>(text);
    return 0;
}
