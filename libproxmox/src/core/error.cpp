#include <proxmox/error.hpp>

#include <fmt/format.h>

namespace proxmox {
namespace {

class category final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "proxmox"; }
    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
        case errc::invalid_argument:
            return "invalid argument";
        case errc::auth_failed:
            return "authentication failed";
        case errc::permission_denied:
            return "permission denied";
        case errc::invalid_parameter:
            return "parameter verification failed";
        case errc::not_found:
            return "not found";
        case errc::not_implemented:
            return "not implemented";
        case errc::server_error:
            return "server error";
        case errc::proxy_unreachable:
            return "node unreachable";
        case errc::http_error:
            return "HTTP error";
        case errc::protocol_error:
            return "unexpected answer";
        case errc::task_failed:
            return "task failed";
        case errc::task_timeout:
            return "task did not finish in time";
        case errc::timeout:
            return "timed out";
        case errc::tls_fingerprint_mismatch:
            return "TLS certificate fingerprint mismatch";
        case errc::tls_verification_failed:
            return "TLS certificate verification failed";
        case errc::ambiguous_name:
            return "ambiguous name";
        case errc::outcome_unknown:
            return "outcome unknown: the request may have been applied";
        }
        return "unknown proxmox error";
    }
};

} // namespace

const boost::system::error_category& proxmox_category() noexcept {
    static const category instance;
    return instance;
}

std::string error::to_string() const {
    std::string out;
    if (!method.empty())
        out = fmt::format("{} {}: ", method, path);
    if (http_status != 0)
        out += fmt::format("{} ", http_status);
    out += message.empty() ? code.message() : message;
    for (const auto& [field, text] : field_errors)
        out += fmt::format("; {}: {}", field, text);
    if (!upid.empty() && message.find(upid) == std::string::npos)
        out += fmt::format(" (task {})", upid);
    return out;
}

error make_error(boost::system::error_code code, std::string message) {
    error e;
    e.code = code;
    e.message = std::move(message);
    return e;
}

exception::exception(proxmox::error e) : std::runtime_error(e.to_string()), error_(std::move(e)) {}

void throw_exception_from_error(const error& e, const boost::source_location&) {
    throw exception(e);
}

} // namespace proxmox
