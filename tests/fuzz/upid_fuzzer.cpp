// A task id as PVE (or anyone posing as PVE, or a caller) hands it over: proxmox::upid::parse.
#include "fuzz_support.hpp"

#include <proxmox/types.hpp>

#include <fmt/format.h>

using proxmox::fuzz::max_error_bytes;

namespace {

bool same_fields(const proxmox::upid& a, const proxmox::upid& b) {
    return a.node == b.node && a.pid == b.pid && a.pstart == b.pstart && a.starttime == b.starttime &&
           a.type == b.type && a.id == b.id && a.user == b.user;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = proxmox::fuzz::as_text(data, size);
    const auto parsed = proxmox::upid::parse(text);
    if (!parsed) {
        const auto& message = parsed.error().message;
        PROXMOX_FUZZ_CHECK(message.size() < max_error_bytes, message.substr(0, 300));
        PROXMOX_FUZZ_CHECK(parsed.error().code == proxmox::errc::invalid_argument, message);
        return 0;
    }
    const auto& u = *parsed;
    PROXMOX_FUZZ_CHECK(u.text == text, u.text);
    // what is sent back to PVE re-reads as the same task
    const auto again = proxmox::upid::parse(u.text);
    PROXMOX_FUZZ_CHECK(again && same_fields(*again, u), u.text);
    // and so does the task written from its fields, as PVE writes it (upper-case hex)
    const auto written = fmt::format("UPID:{}:{:08X}:{:08X}:{:08X}:{}:{}:{}:", u.node, u.pid, u.pstart,
                                     static_cast<std::uint64_t>(u.starttime), u.type, u.id, u.user);
    const auto rebuilt = proxmox::upid::parse(written);
    PROXMOX_FUZZ_CHECK(rebuilt && same_fields(*rebuilt, u), written);
    PROXMOX_FUZZ_CHECK(u.starttime >= 0 && u.pstart <= 0xFFFFFFFFFull, u.text);
    return 0;
}
