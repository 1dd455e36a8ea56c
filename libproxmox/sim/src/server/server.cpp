// The HTTPS layer: the only translation unit of the simulator with Beast, Asio and SSL. It accepts
// TLS connections, reads requests, hands them to the sans-I/O pipeline (api.hpp) and writes the
// answers with pveproxy's headers and connection handling.
#include "dispatch/api.hpp"
#include "server/faults.hpp"
#include "server/header_limits.hpp"
#include "server/request_log.hpp"
#include "server/tls.hpp"
#include "state/state.hpp"

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
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
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
#include <future>
#include <limits>
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
using parser_t = http::request_parser<http::buffer_body>;

namespace {

// pveproxy: `keep_alive => 100` requests per connection, AnyEvent::Handle timeout 5 s when idle.
constexpr int requests_per_connection = 100;
constexpr auto idle_timeout = std::chrono::seconds(5);
constexpr auto io_timeout = std::chrono::seconds(30);
constexpr std::uint64_t limit_max_post = 64 * 1024; // AnyEvent.pm $limit_max_post
constexpr std::size_t read_chunk = 16 * 1024;       // about one TLS record

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

bool client_wants_keep_alive(const http::request<http::buffer_body>& req) {
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

detail::request_head make_head(const http::request<http::buffer_body>& req, const parser_t& parser) {
    detail::request_head h;
    h.method = sv(req.method_string());
    h.target = sv(req.target());
    h.authorization = sv(req[http::field::authorization]);
    h.cookie = sv(req[http::field::cookie]);
    h.csrf_token = sv(req["CSRFPreventionToken"]);
    h.content_type = sv(req[http::field::content_type]);
    h.transfer_encoding = sv(req[http::field::transfer_encoding]);
    if (auto len = parser.content_length())
        h.content_length = *len;
    return h;
}

void validate_user(const user& u) {
    // pve-access-control verify_username: USER@REALM, 3..64 characters
    const auto at = u.userid.rfind('@');
    const bool ok = u.userid.size() >= 3 && u.userid.size() <= 64 && at != std::string::npos && at > 0 &&
                    u.userid.find_first_of(" \t\r\n:/") == std::string::npos &&
                    token_part_ok(std::string_view(u.userid).substr(at + 1), true);
    if (!ok)
        throw std::invalid_argument("proxmox::sim: user '" + u.userid + "' is not USER@REALM");
    if (u.password.empty())
        throw std::invalid_argument("proxmox::sim: the password of user " + u.userid + " is empty");
    if (u.otp.find_first_of(" \t\r\n") != std::string::npos)
        throw std::invalid_argument("proxmox::sim: the OTP code of user " + u.userid + " has whitespace");
}

/// Closes the TCP connection with a reset (SO_LINGER 0): the peer reads ECONNRESET.
void reset_connection(beast::tcp_stream& tcp_layer) {
    boost::system::error_code ec;
    tcp_layer.socket().set_option(asio::socket_base::linger(true, 0), ec);
    tcp_layer.socket().close(ec);
}

/// Closes the TCP connection without a TLS close_notify (a FIN, as pveproxy's shutdown does).
void drop_connection(beast::tcp_stream& tcp_layer) {
    boost::system::error_code ec;
    tcp_layer.socket().shutdown(tcp::socket::shutdown_both, ec);
    tcp_layer.socket().close(ec);
}

/// Reads the rest of a body of at most limit_max_post bytes into `out`.
asio::awaitable<void> read_small_body(
    stream_t& stream, beast::flat_buffer& buffer, parser_t& parser, std::string& out, beast::error_code& ec) {
    std::vector<char> chunk(read_chunk);
    auto& tcp_layer = beast::get_lowest_layer(stream);
    while (!parser.is_done()) {
        parser.get().body().data = chunk.data();
        parser.get().body().size = chunk.size();
        tcp_layer.expires_after(io_timeout);
        co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
        if (ec == http::error::need_buffer)
            ec = {};
        if (ec)
            co_return;
        out.append(chunk.data(), chunk.size() - parser.get().body().size);
        if (out.size() > limit_max_post) {
            ec = http::error::body_limit;
            co_return;
        }
    }
}

/// After pveproxy died in a header callback without answering: its handle keeps reading until
/// more than its buffer holds is unread (`buffered` bytes are already) or the client is idle for
/// its timeout, then the connection ends.
asio::awaitable<void> read_until_full_or_idle(stream_t& stream, std::size_t buffered) {
    auto& tcp_layer = beast::get_lowest_layer(stream);
    beast::error_code ec;
    char junk[4096];
    while (buffered <= detail::read_buffer_max) {
        tcp_layer.expires_after(idle_timeout);
        const std::size_t n = co_await stream.async_read_some(asio::buffer(junk),
                                                              asio::redirect_error(asio::use_awaitable, ec));
        if (ec)
            break;
        buffered += n;
    }
    drop_connection(tcp_layer);
}

std::string_view buffered_text(const beast::flat_buffer& buffer) {
    return {static_cast<const char*>(buffer.data().data()), buffer.size()};
}

/// A request head that reaches neither Beast nor the pipeline: the request line's method and
/// target (pveproxy's `(\S+)\040(\S+)\040HTTP/...`), for the request log.
detail::request_head head_of_request_line(std::string_view line) {
    detail::request_head h;
    const auto sp = line.find(' ');
    h.method = line.substr(0, sp);
    if (sp != std::string_view::npos) {
        const auto rest = line.substr(sp + 1);
        h.target = rest.substr(0, rest.find(' '));
    }
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
    std::atomic<std::uint64_t> connections{0};
    std::mutex lifecycle; // start/stop, and calls into the running server
    enum class phase { fresh, running, stopped } state_phase = phase::fresh;
    std::thread thread;

    std::unique_ptr<detail::cluster> state;
    std::unique_ptr<detail::api> pipeline;
    detail::fault_table faults;
    detail::request_log log;
    detail::epoch_seconds pending_clock = 0; // advance_clock before start()

    explicit impl(options o) : opts(std::move(o)), faults(opts.seed) {}

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

    /// Runs `fn` on the server thread and waits for it when the server runs; otherwise (before
    /// start or after stop) returns false without running it. Call with `lifecycle` held.
    bool run_on_server(const std::function<void()>& fn) {
        if (state_phase != phase::running)
            return false;
        std::promise<void> done;
        asio::post(*ioc, [&] {
            fn();
            done.set_value();
        });
        done.get_future().wait();
        return true;
    }

    void set_offline(const std::string& node, bool offline) {
        if (auto* n = state->find_node(node))
            n->offline = offline;
    }

    void record(request_log_entry& e, unsigned status, std::chrono::steady_clock::time_point arrived) {
        e.status = status;
        e.duration_ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - arrived).count();
        log.add(std::move(e));
    }

    const endpoint_info& start();
    void stop();
    asio::awaitable<void> accept_loop();
    asio::awaitable<void> refuse_header(stream_t& stream,
                                        const beast::flat_buffer& buffer,
                                        const detail::header_scanner& scanner,
                                        detail::header_scanner::verdict verdict,
                                        std::uint64_t connection);
    asio::awaitable<void> session(std::shared_ptr<stream_t> stream, std::uint64_t connection);
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
    for (std::size_t i = 0; i < opts.users.size(); ++i) {
        validate_user(opts.users[i]);
        for (std::size_t j = 0; j < i; ++j)
            if (opts.users[j].userid == opts.users[i].userid)
                throw std::invalid_argument("proxmox::sim: user " + opts.users[i].userid + " is given twice");
    }
    for (const auto& f : opts.faults)
        detail::validate_fault(f, opts.nodes);

    boost::system::error_code ec;
    const auto address = asio::ip::make_address(opts.listen_host, ec);
    if (ec)
        throw std::invalid_argument("proxmox::sim: listen_host '" + opts.listen_host +
                                    "' is not an IP address");

    auto cluster = std::make_unique<detail::cluster>(
        detail::generate_cluster(opts.nodes, opts.guests, opts.seed, detail::unix_now()));
    cluster->clock_offset = pending_clock;
    detail::seed_access(cluster->access, opts); // user.cfg: users, tokens, roles, ACLs

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

    if (!opts.request_log_file.empty())
        log.open(opts.request_log_file);

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
    for (auto& f : opts.faults) {
        if (f.kind == fault::action::offline_node)
            set_offline(f.node, true);
        faults.add(std::move(f));
    }
    opts.faults.clear();

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
    log.close();
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
        const std::uint64_t id = ++connections;
        asio::co_spawn(*ioc, session(std::move(stream), id), asio::detached);
    }
}

asio::awaitable<void> server::impl::session(std::shared_ptr<stream_t> stream, std::uint64_t connection) {
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
        // the header arrives within pveproxy's limits, or it is refused as pveproxy does
        ec = {};
        using verdict = detail::header_scanner::verdict;
        detail::header_scanner scanner;
        auto seen = scanner.scan(buffered_text(buffer));
        while (seen == verdict::need_more) {
            tcp_layer.expires_after(idle_timeout); // AnyEvent::Handle's timeout: 5 s without a read
            const std::size_t n = co_await stream->async_read_some(
                buffer.prepare(read_chunk), asio::redirect_error(asio::use_awaitable, ec));
            if (ec)
                break;
            buffer.commit(n);
            seen = scanner.scan(buffered_text(buffer));
        }
        if (ec)
            break; // closed or idle: drop the connection
        if (seen != verdict::complete) {
            co_await refuse_header(*stream, buffer, scanner, seen, connection);
            co_return;
        }

        parser_t parser;
        // the scanner bounded the header: a request line of about 64 KiB and 8 KiB of fields
        parser.header_limit(2 * detail::read_buffer_max);
        parser.body_limit(std::numeric_limits<std::uint64_t>::max()); // checked from the header
        co_await http::async_read_header(*stream, buffer, parser,
                                         asio::redirect_error(asio::use_awaitable, ec));
        if (ec)
            break; // not HTTP: drop the connection
        const auto arrived = std::chrono::steady_clock::now();
        const auto& req = parser.get();
        const detail::request_head head = make_head(req, parser);
        --budget;

        request_log_entry entry;
        entry.time = std::chrono::system_clock::now();
        entry.connection = connection;
        entry.method = std::string(head.method);
        entry.path = pipeline->log_path(head.target);
        entry.auth = "none";

        // fault injection: decided on the header, before authentication
        std::optional<fault> hit;
        if (auto api_path = pipeline->api_path(head.target))
            hit = faults.match(head.method, *api_path);
        const auto act = hit ? hit->kind : fault::action::offline_node; // offline_node = none here
        if (hit)
            entry.fault = std::string(detail::action_name(act));

        if (act == fault::action::delay) {
            asio::steady_timer timer(co_await asio::this_coro::executor);
            timer.expires_after(hit->delay);
            co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }

        detail::response res;
        bool force_close = false;
        if (act == fault::action::status || act == fault::action::reset || act == fault::action::stall) {
            // the request is read, but it never reaches a handler
            std::string body;
            if (head.content_length && *head.content_length <= limit_max_post)
                co_await read_small_body(*stream, buffer, parser, body, ec);
            entry.params = pipeline->log_params(head, body);
            if (act == fault::action::reset) {
                record(entry, 0, arrived);
                reset_connection(tcp_layer);
                co_return;
            }
            if (act == fault::action::stall) {
                record(entry, 0, arrived);
                tcp_layer.expires_never();
                char junk[512];
                for (;;) { // until the client gives up (or the server stops)
                    co_await stream->async_read_some(asio::buffer(junk),
                                                     asio::redirect_error(asio::use_awaitable, ec));
                    if (ec)
                        break;
                }
                co_return;
            }
            res = pipeline->fault_response(hit->status, hit->message);
        } else {
            detail::auth_result auth;
            detail::head_decision decision;
            try {
                decision = pipeline->check_head(head, auth);
            } catch (const std::exception& e) { // a bug: answer 500 like a Perl die
                decision.action = detail::head_decision::kind::respond;
                decision.answer.status = 500;
                decision.answer.reason = std::string("internal error - ") + e.what();
                decision.answer.reason =
                    decision.answer.reason.substr(0, decision.answer.reason.find_first_of("\r\n"));
            }
            entry.auth = auth.ticket ? "ticket" : (auth.authenticated && auth.api_token) ? "token" : "none";

            switch (decision.action) {
            case detail::head_decision::kind::respond:
                entry.params = pipeline->log_params(head, {});
                res = std::move(decision.answer);
                break;

            case detail::head_decision::kind::swallow:
                // pveproxy died in its header callback without answering
                entry.params = pipeline->log_params(head, {});
                record(entry, 0, arrived);
                co_await read_until_full_or_idle(*stream, buffer.size());
                co_return;

            case detail::head_decision::kind::upload: {
                auto upload = pipeline->begin_upload(head, auth, decision.boundary);
                std::vector<char> chunk(read_chunk);
                auto st = detail::upload_session::state::need_more;
                while (st == detail::upload_session::state::need_more && !parser.is_done()) {
                    parser.get().body().data = chunk.data();
                    parser.get().body().size = chunk.size();
                    // a full chunk per feed (like a server whose socket buffer is never empty),
                    // so the part headers arrive together and not split where Beast's header
                    // read happened to stop
                    tcp_layer.expires_after(io_timeout);
                    co_await http::async_read(*stream, buffer, parser,
                                              asio::redirect_error(asio::use_awaitable, ec));
                    if (ec == http::error::need_buffer)
                        ec = {};
                    if (ec)
                        break;
                    const std::size_t n = chunk.size() - parser.get().body().size;
                    if (n > 0)
                        st = upload->feed(std::string_view(chunk.data(), n));
                }
                if (!ec && st == detail::upload_session::state::need_more)
                    st = upload->feed({}); // everything arrived: "upload failed" unless complete
                entry.params = upload->log_params();
                if (ec || st == detail::upload_session::state::drop) {
                    record(entry, 0, arrived);
                    drop_connection(tcp_layer);
                    co_return;
                }
                res = upload->take_answer();
                force_close = true; // pveproxy: $reqstate->{keep_alive} = 0 for uploads
                break;
            }

            case detail::head_decision::kind::read_body: {
                std::string body;
                if (!parser.is_done())
                    co_await read_small_body(*stream, buffer, parser, body, ec);
                entry.params = pipeline->log_params(head, body);
                if (ec) {
                    record(entry, 0, arrived);
                    co_return;
                }
                res = *guarded([&] { return std::optional(pipeline->handle(head, auth, body)); });
                break;
            }
            }

            if (act == fault::action::reset_after) {
                // the handler ran (its change took effect), but the answer is lost
                record(entry, 0, arrived);
                reset_connection(tcp_layer);
                co_return;
            }
        }

        const bool keep = !force_close && res.status < 400 && budget > 0 && client_wants_keep_alive(req);
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

        // counted and logged before the write, so a client that has the answer also sees it
        answered.fetch_add(1, std::memory_order_relaxed);
        record(entry, res.status, arrived);
        tcp_layer.expires_after(io_timeout);

        if (act == fault::action::truncate) {
            // the full Content-Length, then only part of the body, then the connection ends
            http::response_serializer<http::string_body> serializer(out);
            co_await http::async_write_header(*stream, serializer,
                                              asio::redirect_error(asio::use_awaitable, ec));
            const std::size_t n = std::min(hit->truncate_bytes, out.body().size());
            if (!ec && n > 0)
                co_await asio::async_write(*stream, asio::buffer(out.body().data(), n),
                                           asio::redirect_error(asio::use_awaitable, ec));
            drop_connection(tcp_layer);
            co_return;
        }

        co_await http::async_write(*stream, out, asio::redirect_error(asio::use_awaitable, ec));
        if (ec)
            co_return;

        if (act == fault::action::close_idle) {
            // answered with keep-alive, then gone: the client's next request finds a dead socket
            drop_connection(tcp_layer);
            co_return;
        }
    }

    if (closing) {
        // close_notify, so clients reading to the end see a clean EOF
        tcp_layer.expires_after(std::chrono::seconds(1));
        co_await stream->async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
    }
}

asio::awaitable<void> server::impl::refuse_header(stream_t& stream,
                                                  const beast::flat_buffer& buffer,
                                                  const detail::header_scanner& scanner,
                                                  detail::header_scanner::verdict verdict,
                                                  std::uint64_t connection) {
    const std::string_view received = buffered_text(buffer);
    if (scanner.has_request_line()) {
        // a request pveproxy read the request line of: its access log has it, so ours does
        const auto head = head_of_request_line(scanner.request_line(received));
        request_log_entry entry;
        entry.time = std::chrono::system_clock::now();
        entry.connection = connection;
        entry.method = std::string(head.method);
        entry.path = pipeline->log_path(head.target);
        entry.params = pipeline->log_params(head, {});
        entry.auth = "none";
        record(entry, 0, std::chrono::steady_clock::now());
    }
    if (verdict == detail::header_scanner::verdict::line_too_long) {
        drop_connection(beast::get_lowest_layer(stream));
        co_return;
    }
    co_await read_until_full_or_idle(stream, received.size() - scanner.end());
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

std::vector<request_log_entry> server::request_log() const {
    return impl_->log.entries();
}

void server::clear_request_log() {
    impl_->log.clear();
}

void server::add_fault(fault f) {
    std::lock_guard lock(impl_->lifecycle);
    detail::validate_fault(f, impl_->opts.nodes);
    if (impl_->state_phase == impl::phase::fresh) {
        impl_->opts.faults.push_back(std::move(f));
        return;
    }
    if (f.kind == fault::action::offline_node) {
        const std::string node = f.node;
        impl_->run_on_server([&] { impl_->set_offline(node, true); });
    }
    impl_->faults.add(std::move(f));
}

void server::clear_faults() {
    std::lock_guard lock(impl_->lifecycle);
    impl_->opts.faults.clear();
    impl_->faults.clear();
    impl_->run_on_server([&] {
        for (auto& n : impl_->state->nodes)
            n.offline = false;
    });
}

void server::advance_clock(std::chrono::seconds by) {
    if (by.count() < 0)
        throw std::invalid_argument("proxmox::sim: advance_clock cannot go back in time");
    std::lock_guard lock(impl_->lifecycle);
    if (!impl_->run_on_server([&] { impl_->state->clock_offset += by.count(); }))
        impl_->pending_clock += by.count();
}

} // namespace proxmox::sim
