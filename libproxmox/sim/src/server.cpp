// The HTTPS layer: the only translation unit of the simulator with Beast, Asio and SSL. It accepts
// TLS connections, reads requests, hands them to the sans-I/O pipeline (api.hpp) and writes the
// answers with pveproxy's headers and connection handling.
#include "api.hpp"
#include "state.hpp"
#include "tls.hpp"

#include <proxmox/sim/server.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <fmt/format.h>

#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <random>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <unistd.h>

namespace proxmox::sim {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using stream_t = beast::ssl_stream<beast::tcp_stream>;

namespace {

// pveproxy: `keep_alive => 100` requests per connection, AnyEvent::Handle timeout 5 s when idle.
constexpr int requests_per_connection = 100;
constexpr auto idle_timeout = std::chrono::seconds(5);
constexpr auto io_timeout = std::chrono::seconds(30);

std::string_view sv(beast::string_view s) {
    return {s.data(), s.size()};
}

std::string http_date() {
    const std::time_t t = std::time(nullptr);
    std::tm g{};
    gmtime_r(&t, &g);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &g);
    return buf;
}

std::string random_uuid() {
    std::random_device rd;
    std::uniform_int_distribution<unsigned> byte(0, 255);
    unsigned char b[16];
    for (auto& c : b)
        c = static_cast<unsigned char>(byte(rd));
    b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
    b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
    return fmt::format("{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}{:02x}{:"
                       "02x}{:02x}{:02x}",
                       b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
                       b[14], b[15]);
}

bool token_part_ok(std::string_view s, bool first_alpha) {
    if (s.size() < 2)
        return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        const bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
        const bool ok = alpha || (!(first_alpha && i == 0) &&
                                  ((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_'));
        if (!ok)
            return false;
    }
    return true;
}

void validate_token(const api_token& t) {
    // USER@REALM: user without whitespace, ':' or '/'; realm and token name [A-Za-z][A-Za-z0-9.-_]+
    const auto at = t.user.rfind('@');
    const bool user_ok = at != std::string::npos && at > 0 &&
                         t.user.find_first_of(" \t\r\n:/") == std::string::npos &&
                         token_part_ok(std::string_view(t.user).substr(at + 1), true);
    if (!user_ok)
        throw std::invalid_argument("proxmox::sim: token user '" + t.user + "' is not USER@REALM");
    if (!token_part_ok(t.name, true))
        throw std::invalid_argument("proxmox::sim: token name '" + t.name + "' is not valid");
    if (t.secret.empty() || t.secret.find_first_of(" \t\r\n;") != std::string::npos)
        throw std::invalid_argument("proxmox::sim: the secret of token " + t.user + "!" + t.name +
                                    " is empty or has whitespace or ';'");
}

bool client_wants_keep_alive(const http::request<http::string_body>& req) {
    // AnyEvent.pm process_header: "close" in Connection ends it; without the header only HTTP/1.1
    // keeps the connection
    auto conn = req.find(http::field::connection);
    if (conn == req.end())
        return req.version() >= 11;
    std::string v(sv(conn->value()));
    for (auto& c : v)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return v.find("close") == std::string::npos;
}

/// Runs a pipeline step; an exception that escaped it (a bug) becomes a 500 instead of ending
/// the server thread, like a Perl die.
template <class Fn> std::optional<detail::response> guarded(Fn&& fn) {
    try {
        return fn();
    } catch (const std::exception& e) {
        detail::response r;
        r.status = 500;
        r.reason = std::string("internal error - ") + e.what();
        r.reason = r.reason.substr(0, r.reason.find_first_of("\r\n"));
        return r;
    }
}

detail::request_head make_head(const http::request<http::string_body>& req,
                               const http::request_parser<http::string_body>& parser) {
    detail::request_head h;
    h.method = sv(req.method_string());
    h.target = sv(req.target());
    h.authorization = sv(req[http::field::authorization]);
    h.cookie = sv(req[http::field::cookie]);
    h.content_type = sv(req[http::field::content_type]);
    h.transfer_encoding = sv(req[http::field::transfer_encoding]);
    if (auto len = parser.content_length())
        h.content_length = *len;
    return h;
}

} // namespace

struct server::impl final : detail::scheduler {
    // The io_context is declared first and destroyed explicitly in ~impl before the objects
    // whose handlers it may still hold.
    std::unique_ptr<asio::io_context> ioc;
    std::unique_ptr<ssl::context> tls;
    std::optional<tcp::acceptor> acceptor;
    std::vector<std::weak_ptr<stream_t>> sessions;

    options opts;
    endpoint_info info;
    std::atomic<std::size_t> answered{0};
    std::mutex lifecycle; // start/stop
    enum class phase { fresh, running, stopped } state_phase = phase::fresh;
    std::thread thread;

    std::unique_ptr<detail::cluster> state;
    std::unique_ptr<detail::api> pipeline;

    explicit impl(options o) : opts(std::move(o)) {}

    ~impl() override {
        stop();
        acceptor.reset();
        sessions.clear();
        ioc.reset(); // destroys pending handlers (suspended sessions) while everything they use lives
    }

    void after(std::chrono::steady_clock::duration delay, std::function<void()> fn) override {
        auto timer = std::make_shared<asio::steady_timer>(*ioc, delay);
        timer->async_wait([timer, fn = std::move(fn)](const boost::system::error_code& ec) {
            if (ec)
                return;
            try {
                fn();
            } catch (const std::exception& e) {
                std::fprintf(stderr, "proxmox-sim: a timer callback failed: %s\n", e.what());
            }
        });
    }

    const endpoint_info& start();
    void stop();
    asio::awaitable<void> accept_loop();
    asio::awaitable<void> session(std::shared_ptr<stream_t> stream);
};

const endpoint_info& server::impl::start() {
    std::lock_guard lock(lifecycle);
    if (state_phase == phase::running)
        return info;
    if (state_phase == phase::stopped)
        throw std::logic_error("proxmox::sim::server: cannot start again after stop()");

    if (!std::isfinite(opts.task_seconds) || opts.task_seconds < 0 || opts.task_seconds > 86400)
        throw std::invalid_argument("proxmox::sim: task_seconds must be between 0 and 86400");
    if (opts.unauthorized_delay.count() < 0)
        throw std::invalid_argument("proxmox::sim: unauthorized_delay must not be negative");
    if (opts.tokens.empty())
        opts.tokens.push_back(api_token{"root@pam", "sim", random_uuid()});
    for (const auto& t : opts.tokens)
        validate_token(t);

    boost::system::error_code ec;
    const auto address = asio::ip::make_address(opts.listen_host, ec);
    if (ec)
        throw std::invalid_argument("proxmox::sim: listen_host '" + opts.listen_host +
                                    "' is not an IP address");

    auto cluster = std::make_unique<detail::cluster>(
        detail::generate_cluster(opts.nodes, opts.guests, opts.seed, detail::unix_now()));

    std::vector<std::string> ips = {"127.0.0.1", "::1"};
    if (!address.is_loopback() && !address.is_unspecified())
        ips.push_back(address.to_string());
    auto certs = detail::make_certificates(
        {"localhost", cluster->nodes.front().name, cluster->nodes.front().name + ".localdomain"}, ips);
    cluster->ssl_fingerprint = certs.fingerprint;

    auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                     ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    ctx->use_certificate_chain(asio::buffer(certs.leaf_pem + certs.ca_pem));
    ctx->use_private_key(asio::buffer(certs.leaf_key_pem), ssl::context::pem);

    // the pipeline first: it parses the schema on first use and is the last thing that may throw
    auto api = std::make_unique<detail::api>(*cluster, *this, opts);

    auto io = std::make_unique<asio::io_context>(1);
    tcp::acceptor acc(*io);
    const tcp::endpoint ep(address, opts.port);
    acc.open(ep.protocol());
    acc.set_option(asio::socket_base::reuse_address(true));
    acc.bind(ep);
    acc.listen(asio::socket_base::max_listen_connections);
    const unsigned short port = acc.local_endpoint().port();

    // The CA file, like /etc/pve/pve-root-ca.pem, for clients to verify against.
    const char* tmpdir = std::getenv("TMPDIR");
    std::string path = std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") + "/proxmox-sim-ca-XXXXXX.pem";
    const int fd = ::mkstemps(path.data(), 4);
    if (fd < 0)
        throw std::system_error(errno, std::generic_category(), "proxmox::sim: cannot create the CA file");
    const std::string& pem = certs.ca_pem;
    const bool written = ::write(fd, pem.data(), pem.size()) == static_cast<ssize_t>(pem.size());
    ::fchmod(fd, 0644);
    ::close(fd);
    if (!written) {
        ::unlink(path.c_str());
        throw std::runtime_error("proxmox::sim: cannot write the CA file " + path);
    }

    const bool v6 = address.is_v6();
    std::string host = address.is_unspecified() ? (v6 ? "::1" : "127.0.0.1") : address.to_string();
    info.url = v6 ? fmt::format("https://[{}]:{}", host, port) : fmt::format("https://{}:{}", host, port);
    info.fingerprint = certs.fingerprint;
    info.ca_file = path;
    info.token_id = opts.tokens.front().user + "!" + opts.tokens.front().name;
    info.token_secret = opts.tokens.front().secret;

    ioc = std::move(io);
    tls = std::move(ctx);
    acceptor.emplace(std::move(acc));
    state = std::move(cluster);
    pipeline = std::move(api);

    asio::co_spawn(*ioc, accept_loop(), asio::detached);
    thread = std::thread([this] { ioc->run(); });
    state_phase = phase::running;
    return info;
}

void server::impl::stop() {
    std::lock_guard lock(lifecycle);
    if (state_phase != phase::running) {
        state_phase = phase::stopped;
        return;
    }
    asio::post(*ioc, [this] {
        boost::system::error_code ec;
        acceptor->close(ec);
        for (auto& weak : sessions)
            if (auto s = weak.lock())
                beast::get_lowest_layer(*s).socket().close(ec);
        sessions.clear();
        ioc->stop(); // pending timers (tasks, delayed 401s) are dropped with the io_context
    });
    thread.join();
    if (!info.ca_file.empty())
        ::unlink(info.ca_file.c_str());
    state_phase = phase::stopped;
}

asio::awaitable<void> server::impl::accept_loop() {
    for (;;) {
        auto [ec, socket] = co_await acceptor->async_accept(asio::as_tuple(asio::use_awaitable));
        if (ec) {
            if (!acceptor->is_open())
                co_return;
            continue; // e.g. too many open files: keep accepting
        }
        socket.set_option(tcp::no_delay(true), ec);
        auto stream = std::make_shared<stream_t>(beast::tcp_stream(std::move(socket)), *tls);
        std::erase_if(sessions, [](const std::weak_ptr<stream_t>& w) { return w.expired(); });
        sessions.push_back(stream);
        asio::co_spawn(*ioc, session(std::move(stream)), asio::detached);
    }
}

asio::awaitable<void> server::impl::session(std::shared_ptr<stream_t> stream) {
    beast::error_code ec;
    auto& tcp_layer = beast::get_lowest_layer(*stream);
    tcp_layer.expires_after(io_timeout);
    co_await stream->async_handshake(ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
    if (ec)
        co_return;

    beast::flat_buffer buffer;
    int budget = requests_per_connection;
    bool closing = false;
    while (!closing) {
        http::request_parser<http::string_body> parser;
        parser.header_limit(8 * 1024); // AnyEvent.pm $limit_max_header_size
        parser.body_limit(64 * 1024);  // $limit_max_post; larger bodies are refused from the header
        tcp_layer.expires_after(idle_timeout);
        co_await http::async_read_header(*stream, buffer, parser,
                                         asio::redirect_error(asio::use_awaitable, ec));
        if (ec)
            break; // closed, idle timeout, or garbage: drop the connection
        const auto arrived = std::chrono::steady_clock::now();

        detail::auth_result auth;
        auto early = guarded([&] { return pipeline->check_head(make_head(parser.get(), parser), auth); });
        detail::response res;
        if (early) {
            res = std::move(*early);
        } else {
            if (!parser.is_done()) {
                tcp_layer.expires_after(io_timeout);
                co_await http::async_read(*stream, buffer, parser,
                                          asio::redirect_error(asio::use_awaitable, ec));
                if (ec)
                    break;
            }
            res = *guarded([&] {
                return std::optional(
                    pipeline->handle(make_head(parser.get(), parser), auth, parser.get().body()));
            });
        }

        const auto& req = parser.get();
        --budget;
        const bool keep = res.status < 400 && budget > 0 && client_wants_keep_alive(req);
        closing = !keep;

        if (res.delay.count() > 0) {
            asio::steady_timer timer(co_await asio::this_coro::executor);
            timer.expires_at(arrived + res.delay);
            co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }

        http::response<http::string_body> out;
        out.version(req.version() == 10 ? 10 : 11);
        out.result(res.status);
        out.reason(res.reason);
        const std::string date = http_date();
        out.set(http::field::date, date);
        out.set(http::field::expires, date);
        out.set(http::field::cache_control, "max-age=0");
        out.set(http::field::pragma, "no-cache");
        out.set(http::field::server, "pve-api-daemon/3.0");
        if (res.json)
            out.set(http::field::content_type, "application/json;charset=UTF-8");
        out.set(http::field::connection, keep ? "Keep-Alive" : "close");
        out.body() = std::move(res.body);
        out.content_length(out.body().size());

        // counted before the write, so a client that has the answer also sees it counted
        answered.fetch_add(1, std::memory_order_relaxed);
        tcp_layer.expires_after(io_timeout);
        co_await http::async_write(*stream, out, asio::redirect_error(asio::use_awaitable, ec));
        if (ec)
            co_return;
    }

    if (closing) {
        // close_notify, so clients reading to the end see a clean EOF
        tcp_layer.expires_after(std::chrono::seconds(1));
        co_await stream->async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
    }
}

// ---------------------------------------------------------------------------------------------

server::server(options opts) : impl_(std::make_unique<impl>(std::move(opts))) {}

server::~server() = default;

const endpoint_info& server::start() {
    return impl_->start();
}

void server::stop() {
    impl_->stop();
}

const endpoint_info& server::info() const {
    return impl_->info;
}

std::size_t server::request_count() const {
    return impl_->answered.load(std::memory_order_relaxed);
}

} // namespace proxmox::sim
