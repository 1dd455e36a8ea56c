#include "http/fingerprint.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <cctype>

namespace proxmox::detail {

result<std::string> normalize_fingerprint(std::string_view text) {
    std::string hex;
    for (char c : text) {
        if (c == ':')
            continue;
        if (!std::isxdigit(static_cast<unsigned char>(c)))
            return make_error(
                errc::invalid_argument,
                fmt::format("tls.fingerprint has '{}', not a hex digit; expected the SHA-256 form "
                            "AA:BB:... that `pvenode cert info` prints",
                            c));
        hex += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    if (hex.size() != 64)
        return make_error(
            errc::invalid_argument,
            fmt::format("tls.fingerprint has {} hex digits; a SHA-256 fingerprint has 64 (32 pairs "
                        "AA:BB:...)",
                        hex.size()));
    return hex;
}

std::string format_fingerprint(std::string_view hex64) {
    std::string out;
    for (std::size_t i = 0; i < hex64.size(); i += 2) {
        if (i)
            out += ':';
        out += hex64.substr(i, 2);
    }
    return out;
}

std::string sha256_hex(const unsigned char* der, std::size_t size) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(der, size, digest, &len, EVP_sha256(), nullptr);
    std::string out;
    for (unsigned i = 0; i < len; ++i)
        out += fmt::format("{:02X}", digest[i]);
    return out;
}

} // namespace proxmox::detail
