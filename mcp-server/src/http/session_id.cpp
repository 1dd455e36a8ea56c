#include "http/session_id.hpp"

#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace proxmox::mcp {

std::string new_session_id() {
    std::array<unsigned char, 16> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
        throw std::runtime_error("OpenSSL RAND_bytes failed: no session id");
    constexpr char digits[] = "0123456789abcdef";
    std::string id;
    id.reserve(bytes.size() * 2);
    for (unsigned char b : bytes) {
        id += digits[b >> 4];
        id += digits[b & 0x0f];
    }
    return id;
}

bool is_session_id(std::string_view text) noexcept {
    if (text.size() != 32)
        return false;
    for (char c : text)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    return true;
}

} // namespace proxmox::mcp
