#ifndef PROXMOX_BLOCKING_CLIENT_HPP
#define PROXMOX_BLOCKING_CLIENT_HPP

#include <proxmox/client.hpp>

#include <boost/asio/async_result.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>

#include <memory>
#include <optional>
#include <type_traits>

namespace proxmox {

namespace detail {
template <class Signature> struct completion_arg;
template <class R> struct completion_arg<void(R)> { using type = std::decay_t<R>; };
} // namespace detail

/// A client for simple programs: every call blocks the calling thread until it completes.
///
///     #include <proxmox/blocking_client.hpp>
///
///     proxmox::blocking_client pve(options);
///     auto nodes = pve.run(pve.async().async_nodes());   // any operation of async()
///     auto vms = pve.run(pve.async().node("pve").async_qemu_list());
///     auto web = pve.find_guest({.name = "web"});        // the common ones directly
///     if (web) {
///         auto started = pve.start(*web);
///         if (started) auto done = pve.wait(*started);  // a failed task is errc::task_failed
///     }
///
/// Not thread-safe: use one blocking_client per thread.
class blocking_client {
public:
    explicit blocking_client(client_options options)
        : io_(std::make_unique<boost::asio::io_context>()), client_(io_->get_executor(), std::move(options)) {
    }

    /// The asynchronous client whose operations run() completes.
    const proxmox::client& async() const noexcept { return client_; }

    /// Runs one deferred operation of async() to completion and returns its result. An
    /// operation that never completes (its handler was dropped, so the io_context ran out of
    /// work) gives boost::asio::error::operation_aborted instead of a result.
    template <class DeferredOp> auto run(DeferredOp&& op) {
        using signature = boost::asio::completion_signature_of_t<std::decay_t<DeferredOp>>;
        using result_type = typename detail::completion_arg<signature>::type;
        std::optional<result_type> out;
        std::forward<DeferredOp>(op)([&out](result_type r) { out.emplace(std::move(r)); });
        io_->restart();
        while (!out && io_->run_one() > 0) {
        }
        if (!out)
            return result_type(make_error(boost::asio::error::operation_aborted,
                                          "the operation ended without completing (no work left to run)"));
        return std::move(*out);
    }

    result<version_info> version() { return run(client_.async_version()); }
    result<std::vector<node_summary>> nodes() { return run(client_.async_nodes()); }

    /// The one guest `selector` names (by vmid, or by name, optionally on one node or of one
    /// type); errc::not_found, or errc::ambiguous_name listing the candidates. One
    /// GET /cluster/resources.
    result<guest_summary> find_guest(guest_selector selector) {
        return run(client_.cluster().async_find_guest(std::move(selector)));
    }

    /// Starts the guest (a VM or a container, as `guest.type` says); completes when PVE has
    /// started the task, not when the guest runs: wait() for that.
    result<task_handle> start(const guest_summary& guest) {
        return guest.type == guest_type::qemu ? run(client_.node(guest.node).qemu(guest.vmid).async_start())
                                              : run(client_.node(guest.node).lxc(guest.vmid).async_start());
    }

    /// Stops the guest hard (`qmstop` / `vzstop`); wait() for the task to end.
    result<task_handle> stop(const guest_summary& guest) {
        return guest.type == guest_type::qemu ? run(client_.node(guest.node).qemu(guest.vmid).async_stop())
                                              : run(client_.node(guest.node).lxc(guest.vmid).async_stop());
    }

    /// Waits for the task to end: its final status, errc::task_failed (with PVE's exit status and
    /// the log's tail) when it failed, errc::task_timeout past `options.timeout`.
    result<task_status> wait(const task_handle& task, task_wait_options options = {}) {
        return run(task.async_wait(std::move(options)));
    }

private:
    std::unique_ptr<boost::asio::io_context> io_;
    proxmox::client client_;
};

} // namespace proxmox

#endif
