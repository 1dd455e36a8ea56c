#include "async/spawn.hpp"

#include <exception>
#include <string>

namespace proxmox::detail {

error internal_error(std::exception_ptr e) {
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& ex) {
        return make_error(errc::protocol_error, std::string("internal error: ") + ex.what());
    } catch (...) {
        return make_error(errc::protocol_error, "internal error: unknown exception");
    }
}

} // namespace proxmox::detail
