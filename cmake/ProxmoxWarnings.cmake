# Compiler warnings and sanitizers applied to every target the project builds.
option(PROXMOX_WERROR "Treat warnings as errors (on in CI)" OFF)
option(PROXMOX_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(PROXMOX_SANITIZE_THREAD "Build with ThreadSanitizer (not together with PROXMOX_SANITIZE)" OFF)

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
if(PROXMOX_SANITIZE_THREAD)
    if(PROXMOX_SANITIZE)
        message(FATAL_ERROR "PROXMOX_SANITIZE and PROXMOX_SANITIZE_THREAD cannot be combined")
    endif()
    # -Wno-tsan: g++ warns that ThreadSanitizer does not model Asio's atomic_thread_fence; the
    # handoffs those fences accompany are mutex-protected, which it does model.
    add_compile_options(-fsanitize=thread -fno-omit-frame-pointer -Wno-tsan)
    add_link_options(-fsanitize=thread)
endif()
