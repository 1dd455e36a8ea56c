#include "dispatch/auth.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cctype>
#include <stdexcept>

namespace proxmox::sim::detail {

namespace {

std::string random_bytes(std::size_t n) {
    std::string out(n, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
        throw std::runtime_error("proxmox::sim: RAND_bytes failed");
    return out;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
              reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len))
        throw std::runtime_error("proxmox::sim: HMAC failed");
    return std::string(reinterpret_cast<const char*>(md), len);
}

std::string base64(std::string_view bytes, bool padding) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int n =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                        reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    if (!padding)
        while (!out.empty() && out.back() == '=')
            out.pop_back();
    return out;
}

/// The stand-in for an RSA-2048 signature: 256 bytes of HMAC-SHA256 in counter mode.
std::string signature(const auth_keys& keys, std::string_view full) {
    std::string sig;
    for (char block = 0; sig.size() < 256; ++block) {
        std::string input(1, block);
        input.append(full);
        sig += hmac_sha256(keys.ticket_key, input);
    }
    return base64(sig, true); // MIME::Base64 encode_base64($sig, '') pads
}

bool is_hex_timestamp(std::string_view s) {
    // Ticket.pm: [A-Z0-9]{8}
    if (s.size() != 8)
        return false;
    for (char c : s)
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
            return false;
    return true;
}

/// Perl hex(): hex digits until the first other character.
epoch_seconds perl_hex(std::string_view s) {
    epoch_seconds v = 0;
    for (char c : s) {
        int d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else
            break;
        v = v * 16 + d;
    }
    return v;
}

bool has_space(std::string_view s) {
    for (char c : s)
        if (std::isspace(static_cast<unsigned char>(c)))
            return true;
    return false;
}

std::string escape_colons(std::string_view data) {
    std::string out;
    for (char c : data) {
        if (c == ':')
            out += "%3A";
        else
            out += c;
    }
    return out;
}

std::string uri_unescape(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out += static_cast<char>(perl_hex(s.substr(i + 1, 2)));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

bool age_ok(epoch_seconds age) {
    return age > -auth_graceperiod && age < ticket_lifetime;
}

std::string timestamp(epoch_seconds now) {
    return fmt::format("{:08X}", static_cast<std::uint64_t>(now));
}

} // namespace

bool constant_time_equal(std::string_view a, std::string_view b) {
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    for (std::size_t i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
    return diff == 0;
}

auth_keys make_auth_keys() {
    return {random_bytes(32), random_bytes(32)};
}

std::string
assemble_ticket(const auth_keys& keys, std::string_view data, std::string_view aad, epoch_seconds now) {
    std::string plain = "PVE:";
    if (!data.empty())
        plain += escape_colons(data) + ":";
    plain += timestamp(now);
    std::string full = plain;
    if (!aad.empty())
        full += ":" + std::string(aad);
    return plain + "::" + signature(keys, full);
}

std::optional<verified_ticket>
verify_ticket(const auth_keys& keys, std::string_view ticket, std::string_view aad, epoch_seconds now) {
    // m/^(\QPVE\E:\S+)::([^:\s]+)$/ - the last '::' separates the signature
    const auto sep = ticket.rfind("::");
    if (!ticket.starts_with("PVE:") || sep == std::string_view::npos || sep < 5)
        return std::nullopt;
    const auto plain = ticket.substr(0, sep);
    const auto sig = ticket.substr(sep + 2);
    if (sig.empty() || has_space(plain) || has_space(sig) || sig.find(':') != std::string_view::npos)
        return std::nullopt;
    std::string full(plain);
    if (!aad.empty())
        full += ":" + std::string(aad);
    if (!constant_time_equal(signature(keys, full), sig))
        return std::nullopt;
    // m/^PVE:(?:(\S+):)?([A-Z0-9]{8})$/
    const auto colon = plain.rfind(':');
    const auto ts = plain.substr(colon + 1);
    if (!is_hex_timestamp(ts))
        return std::nullopt;
    verified_ticket out;
    if (colon > 3)
        out.data = uri_unescape(plain.substr(4, colon - 4));
    out.age = now - perl_hex(ts);
    if (!age_ok(out.age))
        return std::nullopt;
    return out;
}

std::string assemble_csrf_token(const auth_keys& keys, std::string_view user, epoch_seconds now) {
    const std::string ts = timestamp(now);
    return ts + ":" + base64(hmac_sha256(keys.csrf_secret, ts + ":" + std::string(user)), false);
}

bool verify_csrf_token(const auth_keys& keys,
                       std::string_view user,
                       std::string_view token,
                       epoch_seconds now) {
    // m/^([A-Z0-9]{8}):(\S+)$/
    if (token.size() < 10 || token[8] != ':' || !is_hex_timestamp(token.substr(0, 8)) || has_space(token))
        return false;
    const auto ts = token.substr(0, 8);
    const auto expected =
        base64(hmac_sha256(keys.csrf_secret, std::string(ts) + ":" + std::string(user)), false);
    return constant_time_equal(expected, token.substr(9)) && age_ok(now - perl_hex(ts));
}

} // namespace proxmox::sim::detail
