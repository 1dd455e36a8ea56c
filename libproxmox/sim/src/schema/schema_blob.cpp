// Embeds libproxmox/codegen/schema.json into the library, so the simulator needs no files at run
// time. CMake passes the file's path and SHA-256 (the hash also makes ccache notice a new schema,
// since .incbin input is invisible to the preprocessor).
#include "schema/schema_blob.hpp"

#include <cstddef>

#ifndef PROXMOX_SIM_SCHEMA_PATH
#error "PROXMOX_SIM_SCHEMA_PATH must name the schema.json to embed"
#endif
#ifndef PROXMOX_SIM_SCHEMA_SHA256
#error "PROXMOX_SIM_SCHEMA_SHA256 must carry the SHA-256 of the embedded schema.json"
#endif

__asm__(".section .rodata.proxmox_sim_schema,\"a\",@progbits\n"
        ".balign 16\n"
        ".hidden proxmox_sim_schema_begin\n"
        ".hidden proxmox_sim_schema_end\n"
        "proxmox_sim_schema_begin:\n"
        ".incbin \"" PROXMOX_SIM_SCHEMA_PATH "\"\n"
        "proxmox_sim_schema_end:\n"
        ".byte 0\n"
        ".previous\n");

extern "C" {
extern const char proxmox_sim_schema_begin[];
extern const char proxmox_sim_schema_end[];
}

namespace proxmox::sim::detail {

std::string_view embedded_schema_text() {
    return {proxmox_sim_schema_begin,
            static_cast<std::size_t>(proxmox_sim_schema_end - proxmox_sim_schema_begin)};
}

std::string_view embedded_schema_sha256() {
    return PROXMOX_SIM_SCHEMA_SHA256;
}

} // namespace proxmox::sim::detail
