# Compiler warnings and sanitizers applied to every target the project builds.
option(PROXMOX_WERROR "Treat warnings as errors (on in CI)" OFF)
option(PROXMOX_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)

function(proxmox_target_defaults target)
    # Designated initializers leave fields out on purpose (`{.timeout = 10s}`); g++ 12 warns on that.
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
    if(PROXMOX_WERROR)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
endfunction()

if(PROXMOX_SANITIZE)
    add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    add_link_options(-fsanitize=address,undefined)
endif()
