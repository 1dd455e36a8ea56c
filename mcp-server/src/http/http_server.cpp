#include "http/http_connection.hpp"
#include "http/http_server.hpp"
#include "log.hpp"

#include <boost/asio/socket_base.hpp>
#include <boost/asio/steady_timer.hpp>

#include <fmt/format.h>

#include <map>

namespace proxmox::mcp {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

http_options_result http_options_from(std::string_view listen, const env_lookup& env) {
    http_options_result out;
    auto address = parse_listen_address(listen);
    if (!address.endpoint) {
        out.error = std::move(address.error);
        return out;
    }
    http_server_options options;
    options.endpoint = *address.endpoint;
    if (auto token = env(http_token_env); token && !token->empty()) {
        if (auto problem = token_problem(*token); !problem.empty()) {
            out.error = std::move(problem);
            return out;
        }
        options.token = std::move(*token);
    }
    if (auto origins = env(http_origins_env)) {
        auto parsed = parse_allowed_origins(*origins);
        if (!parsed.error.empty()) {
            out.error = std::move(parsed.error);
            return out;
        }
        options.allowed_origins = std::move(parsed.origins);
    }
    if (auto problem = exposure_problem(options.endpoint, !options.token.empty()); !problem.empty()) {
        out.error = std::move(problem);
        return out;
    }
    out.options = std::move(options);
    return out;
}

struct http_server::impl : std::enable_shared_from_this<impl> {
    asio::any_io_executor executor;
    http_server_options options;
    std::shared_ptr<http_endpoint> endpoint;
    tcp::acceptor acceptor;
    asio::steady_timer retry_timer;
    std::map<std::uint64_t, std::weak_ptr<http_connection>> connections;
    std::uint64_t next_connection = 0;
    tcp::endpoint bound;
    bool started = false;
    bool stopped = false;
    bool full_reported = false;

    impl(asio::any_io_executor ex, http_server_options opts, session_factory factory)
        : executor(ex), options(std::move(opts)), acceptor(ex), retry_timer(ex) {
        http_endpoint_options e;
        e.loopback_only = is_loopback(options.endpoint.address());
        e.token = options.token;
        e.allowed_origins = options.allowed_origins;
        e.max_sessions = options.limits.max_sessions;
        e.max_body = options.limits.max_body;
        e.session_idle_timeout = options.limits.session_idle_timeout;
        e.max_stream_backlog = options.limits.max_stream_backlog;
        e.sse_retry = options.limits.sse_retry;
        e.event_log_bytes = options.limits.event_log_bytes;
        e.event_log_linger = options.limits.event_log_linger;
        endpoint = std::make_shared<http_endpoint>(ex, std::move(e), std::move(factory));
    }

    std::string start() {
        if (started || stopped)
            return "the HTTP server was started before";
        boost::system::error_code ec;
        auto fail = [&](std::string_view step) {
            boost::system::error_code ignored;
            acceptor.close(ignored);
            return fmt::format("cannot listen on {} ({}: {}); choose another address or port",
                               endpoint_url(options.endpoint), step, ec.message());
        };
        acceptor.open(options.endpoint.protocol(), ec);
        if (ec)
            return fail("socket");
        acceptor.set_option(asio::socket_base::reuse_address(true), ec);
        acceptor.bind(options.endpoint, ec);
        if (ec)
            return fail("bind");
        acceptor.listen(asio::socket_base::max_listen_connections, ec);
        if (ec)
            return fail("listen");
        bound = acceptor.local_endpoint(ec);
        if (ec)
            return fail("local address");
        started = true;
        accept();
        return {};
    }

    void accept() {
        acceptor.async_accept([w = weak_from_this()](boost::system::error_code ec, tcp::socket socket) {
            auto self = w.lock();
            if (!self || self->stopped)
                return;
            if (ec) {
                if (ec == asio::error::operation_aborted)
                    return;
                // e.g. out of file descriptors: try again in a moment instead of spinning
                log(log_severity::warning,
                    fmt::format("accepting an HTTP connection failed: {}", ec.message()));
                self->retry_timer.expires_after(100ms);
                self->retry_timer.async_wait([w](boost::system::error_code e) {
                    if (auto s = w.lock(); s && !e && !s->stopped)
                        s->accept();
                });
                return;
            }
            self->on_accepted(std::move(socket));
            self->accept();
        });
    }

    void on_accepted(tcp::socket socket) {
        boost::system::error_code ec;
        if (connections.size() >= options.limits.max_connections) {
            if (!full_reported)
                log(log_severity::warning,
                    fmt::format("{} HTTP connections are open, the most this server keeps; "
                                "new ones are closed until some end",
                                connections.size()));
            full_reported = true;
            socket.close(ec);
            return;
        }
        full_reported = false;
        socket.set_option(tcp::no_delay(true), ec);
        http_connection_limits limits;
        limits.max_header = options.limits.max_header;
        limits.max_body = options.limits.max_body;
        limits.read_timeout = options.limits.read_timeout;
        limits.write_timeout = options.limits.write_timeout;
        limits.keepalive_interval = options.limits.keepalive_interval;
        const std::uint64_t id = next_connection++;
        auto connection = std::make_shared<http_connection>(std::move(socket), endpoint, limits,
                                                            [w = weak_from_this(), id] {
                                                                if (auto self = w.lock())
                                                                    self->connections.erase(id);
                                                            });
        connections.emplace(id, connection);
        connection->start();
    }

    void stop() {
        if (stopped)
            return;
        stopped = true;
        boost::system::error_code ec;
        acceptor.close(ec);
        retry_timer.cancel();
        auto open = std::move(connections);
        connections.clear();
        for (auto& [id, weak] : open)
            if (auto connection = weak.lock())
                connection->stop();
        endpoint->close();
    }
};

http_server::http_server(asio::any_io_executor executor, http_server_options options, session_factory factory)
    : impl_(std::make_shared<impl>(std::move(executor), std::move(options), std::move(factory))) {}

http_server::~http_server() {
    impl_->stop();
}

std::string http_server::start() {
    return impl_->start();
}

void http_server::stop() {
    impl_->stop();
}

tcp::endpoint http_server::local_endpoint() const {
    return impl_->bound;
}

std::string http_server::url() const {
    return endpoint_url(impl_->bound);
}

std::size_t http_server::session_count() const noexcept {
    return impl_->endpoint->session_count();
}

std::size_t http_server::connection_count() const noexcept {
    return impl_->connections.size();
}

} // namespace proxmox::mcp
