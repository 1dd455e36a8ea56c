#include "write_guard.hpp"

#include <boost/asio/post.hpp>

#include <fmt/format.h>

#include <string_view>

namespace proxmox::mcp {

namespace {

/// Password login posts to /access/ticket; it changes nothing on the cluster.
bool is_login(const proxmox::http_request& r) {
    std::string_view target = r.target;
    return r.method == http_method::post && target.substr(0, target.find('?')) == "/api2/json/access/ticket";
}

class write_guard final : public proxmox::transport {
public:
    write_guard(std::shared_ptr<proxmox::transport> inner, std::string reason)
        : inner_(std::move(inner)), reason_(std::move(reason)) {}

    void async_send(proxmox::http_request request, handler_type handler) override {
        if (request.method == http_method::get || is_login(request)) {
            inner_->async_send(std::move(request), std::move(handler));
            return;
        }
        std::string_view target = request.target;
        auto e = proxmox::make_error(proxmox::errc::invalid_argument,
                                     fmt::format("{} {} was not sent: {}", proxmox::to_string(request.method),
                                                 target.substr(0, target.find('?')), reason_));
        // any_completion_handler dispatches to its own associated executor when invoked.
        boost::asio::post(inner_->get_executor(), [h = std::move(handler), e = std::move(e)]() mutable {
            std::move(h)(std::move(e));
        });
    }

    boost::asio::any_io_executor get_executor() const override { return inner_->get_executor(); }

private:
    std::shared_ptr<proxmox::transport> inner_;
    std::string reason_;
};

} // namespace

std::shared_ptr<proxmox::transport> make_write_guard(std::shared_ptr<proxmox::transport> inner,
                                                     std::string reason) {
    return std::make_shared<write_guard>(std::move(inner), std::move(reason));
}

} // namespace proxmox::mcp
