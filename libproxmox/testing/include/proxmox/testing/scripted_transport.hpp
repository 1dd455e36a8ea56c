// proxmox::testing - unit-test code that uses the SDK without a server (target proxmox::testing).
//
// scripted_transport plugs into client_options::custom_transport: it answers each request with
// the next scripted answer (asynchronously, never inline) and records what it was sent; an
// exhausted script never answers. scripted_client wires one to a blocking_client.
#ifndef PROXMOX_TESTING_SCRIPTED_TRANSPORT_HPP
#define PROXMOX_TESTING_SCRIPTED_TRANSPORT_HPP

#include <proxmox/blocking_client.hpp>
#include <proxmox/transport.hpp>

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace proxmox::testing {

/// A scripted answer that never comes (the request stalls until cancelled).
inline http_response stall() {
    return {};
}

/// Answers requests from a script, in order, and records what it was sent.
class scripted_transport : public transport {
public:
    explicit scripted_transport(std::deque<result<http_response>> script) : script_(std::move(script)) {}

    void async_send(http_request request, handler_type handler) override {
        sent.push_back(std::move(request));
        // An exhausted script, or a scripted `stall()` answer: a server that never answers.
        const bool stall_now = script_.empty() || (script_.front() && script_.front()->status == 0);
        if (!script_.empty() && stall_now)
            script_.pop_front();
        if (stall_now) {
            // A stalled server: never answers, but honours cancellation like a real socket does.
            auto slot = boost::asio::get_associated_cancellation_slot(handler);
            const auto index = pending.size();
            pending.push_back(std::move(handler));
            if (slot.is_connected())
                slot.assign([this, index](boost::asio::cancellation_type) {
                    if (!pending[index])
                        return;
                    boost::asio::post(executor, [h = std::move(pending[index])]() mutable {
                        std::move(h)(make_error(boost::asio::error::operation_aborted, "cancelled"));
                    });
                });
            return;
        }
        result<http_response> next = std::move(script_.front());
        script_.pop_front();
        boost::asio::post(executor, [h = std::move(handler), next = std::move(next)]() mutable {
            std::move(h)(std::move(next));
        });
    }
    boost::asio::any_io_executor get_executor() const override { return executor; }

    /// Where answers are delivered: set it to the client's executor before the first request.
    boost::asio::any_io_executor executor;
    /// Every request, in the order the client sent them.
    std::vector<http_request> sent;
    /// Handlers of stalled requests (moved out once cancelled).
    std::vector<handler_type> pending;

private:
    std::deque<result<http_response>> script_;
};

/// A blocking_client wired to a scripted_transport: token auth against a made-up host unless
/// `tune` changes the options.
struct scripted_client {
    explicit scripted_client(std::deque<result<http_response>> script,
                             const std::function<void(client_options&)>& tune = {}) {
        transport = std::make_shared<scripted_transport>(std::move(script));
        client_options o;
        o.url = "https://pve.invalid:8006";
        o.token = {"root@pam!test", "secret"};
        o.custom_transport = transport;
        if (tune)
            tune(o);
        pve = std::make_unique<blocking_client>(o);
        transport->executor = pve->async().get_executor();
    }
    std::shared_ptr<scripted_transport> transport;
    std::unique_ptr<blocking_client> pve;
};

} // namespace proxmox::testing

#endif // PROXMOX_TESTING_SCRIPTED_TRANSPORT_HPP
