// The schema.json embedded at build time (see schema_blob.cpp).
#ifndef PROXMOX_SIM_SRC_SCHEMA_BLOB_HPP
#define PROXMOX_SIM_SRC_SCHEMA_BLOB_HPP

#include <string_view>

namespace proxmox::sim::detail {

/// The embedded schema.json text.
std::string_view embedded_schema_text();
/// SHA-256 (hex) of the embedded schema.json.
std::string_view embedded_schema_sha256();

} // namespace proxmox::sim::detail

#endif // PROXMOX_SIM_SRC_SCHEMA_BLOB_HPP
