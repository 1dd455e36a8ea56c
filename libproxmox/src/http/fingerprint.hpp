#ifndef PROXMOX_SRC_HTTP_FINGERPRINT_HPP
#define PROXMOX_SRC_HTTP_FINGERPRINT_HPP

// SHA-256 certificate fingerprints in the form `pvenode cert info` prints (WIRE.md §13.2).

#include <proxmox/error.hpp>

#include <string>
#include <string_view>

namespace proxmox::detail {

/// Accepts `AA:BB:...` or `aabb...` (32 bytes, any case) and returns 64 uppercase hex digits.
result<std::string> normalize_fingerprint(std::string_view text);

/// 64 hex digits -> `AA:BB:...`.
std::string format_fingerprint(std::string_view hex64);

/// SHA-256 of a DER certificate as 64 uppercase hex digits.
std::string sha256_hex(const unsigned char* der, std::size_t size);

} // namespace proxmox::detail

#endif
