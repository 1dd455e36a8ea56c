// Throw-away certificates like a PVE cluster's: a self-signed cluster CA (pve-root-ca.pem) and a
// node certificate signed by it (pve-ssl.pem), both EC P-256.
#ifndef PROXMOX_SIM_SRC_TLS_HPP
#define PROXMOX_SIM_SRC_TLS_HPP

#include <string>
#include <vector>

namespace proxmox::sim::detail {

struct certificate_set {
    std::string ca_pem;       ///< the CA certificate
    std::string leaf_pem;     ///< the node certificate
    std::string leaf_key_pem; ///< the node's private key (PKCS#8 PEM)
    std::string fingerprint;  ///< SHA-256 of the node certificate's DER, "AA:BB:..."
};

/// Generates a CA and a leaf with subjectAltName DNS:`dns_names` and IP:`ip_addresses`.
/// Throws std::runtime_error with OpenSSL's error text when something fails.
certificate_set make_certificates(const std::vector<std::string>& dns_names,
                                  const std::vector<std::string>& ip_addresses);

} // namespace proxmox::sim::detail

#endif // PROXMOX_SIM_SRC_TLS_HPP
