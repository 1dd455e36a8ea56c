#ifndef PROXMOX_BLOCKING_CLIENT_HPP
#define PROXMOX_BLOCKING_CLIENT_HPP

#include <proxmox/client.hpp>

#include <boost/asio/async_result.hpp>
#include <boost/asio/io_context.hpp>

#include <memory>
#include <optional>
#include <type_traits>

namespace proxmox {

namespace detail {
template <class Signature>
struct completion_arg;
template <class R>
struct completion_arg<void(R)> {
    using type = std::decay_t<R>;
};
} // namespace detail

/// A client for simple programs: every call blocks the calling thread until it completes.
///
///     proxmox::blocking_client pve(options);
///     auto nodes = pve.run(pve.async().async_nodes());   // any operation
///     auto vms = pve.run(pve.async().node("pve").async_qemu_list());
///
/// Not thread-safe: use one blocking_client per thread.
class blocking_client {
public:
    explicit blocking_client(client_options options)
        : io_(std::make_unique<boost::asio::io_context>()), client_(io_->get_executor(), std::move(options)) {}

    /// The asynchronous client whose operations run() completes.
    const proxmox::client& async() const noexcept { return client_; }

    /// Runs one deferred operation of async() to completion and returns its result.
    template <class DeferredOp>
    auto run(DeferredOp&& op) {
        using signature = boost::asio::completion_signature_of_t<std::decay_t<DeferredOp>>;
        using result_type = typename detail::completion_arg<signature>::type;
        std::optional<result_type> out;
        std::forward<DeferredOp>(op)([&out](result_type r) { out.emplace(std::move(r)); });
        io_->restart();
        while (!out && io_->run_one() > 0) {
        }
        return std::move(*out);
    }

    result<version_info> version() { return run(client_.async_version()); }
    result<std::vector<node_summary>> nodes() { return run(client_.async_nodes()); }

private:
    std::unique_ptr<boost::asio::io_context> io_;
    proxmox::client client_;
};

} // namespace proxmox

#endif
