// The built-in transport: Beast TLS sessions kept alive in a small per-host pool.
// This is the only SDK translation unit that includes Beast and OpenSSL's stream layer.

#include "async/spawn.hpp"
#include "http/endpoint.hpp"
#include "http/fingerprint.hpp"

#include <proxmox/transport.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <fmt/format.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <sys/socket.h>
#include <vector>

namespace proxmox::detail {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using asio::awaitable;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::uint64_t max_body_bytes = 256ull << 20;

struct session {
    session(const asio::any_io_executor& ex, ssl::context& ctx) : stream(ex, ctx) {}
    beast::ssl_stream<beast::tcp_stream> stream;
    beast::flat_buffer buffer;
    std::string seen_fingerprint; ///< leaf certificate, 64 hex digits, recorded during the handshake
    std::string verify_failure;   ///< first chain / host name verification failure
    std::chrono::steady_clock::time_point idle_since{};
    std::chrono::steady_clock::time_point busy_since{}; ///< when its current request started
};
using session_ptr = std::unique_ptr<session>;

/// An idle keep-alive connection the server already closed shows EOF (or a TLS alert) on a peek.
bool still_open(session& s) {
    if (s.buffer.size() != 0)
        return false; // leftover bytes: the previous answer was not what we think
    auto fd = beast::get_lowest_layer(s.stream).socket().native_handle();
    char byte;
    auto n = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

http::verb to_verb(http_method m) {
    switch (m) {
    case http_method::get:
        return http::verb::get;
    case http_method::post:
        return http::verb::post;
    case http_method::put:
        return http::verb::put;
    case http_method::del:
        return http::verb::delete_;
    }
    return http::verb::get;
}

std::string leaf_fingerprint(X509* cert) {
    int len = i2d_X509(cert, nullptr);
    if (len <= 0)
        return {};
    std::vector<unsigned char> der(static_cast<std::size_t>(len));
    unsigned char* out = der.data();
    i2d_X509(cert, &out);
    return sha256_hex(der.data(), der.size());
}

/// Beast writes header values as they are: a CR or LF in one (a pasted secret, a hostile ticket
/// or CSRF token from a server) would add header lines. Such a request is never sent.
std::optional<error> unsafe_header(const http_request& request) {
    auto bad = [](std::string_view text) {
        return std::any_of(text.begin(), text.end(), [](char c) {
            const auto u = static_cast<unsigned char>(c);
            return (u < 0x20 && c != '\t') || u == 0x7F;
        });
    };
    if (bad(request.target) || bad(request.content_type))
        return make_error(errc::invalid_argument,
                          "the request target or content type contains a control character");
    for (const auto& [name, value] : request.headers)
        if (bad(name) || bad(value))
            return make_error(errc::invalid_argument,
                              fmt::format("header {} contains a control character; the request was not sent",
                                          bad(name) ? std::string("name") : name));
    return std::nullopt;
}

struct exchange_outcome {
    result<http_response> response = make_error(errc::protocol_error, "no answer");
    bool keep_alive = false;
    bool received_any = false;
};

/// A request waiting for a connection while all `max_connections` are busy. Released
/// connections go to the oldest waiter first, so concurrent requests are served in order. The
/// timer also wakes it when the busy connections will all count as stalled.
struct waiter {
    explicit waiter(const asio::any_io_executor& ex) : wake(ex) {
        wake.expires_at(asio::steady_timer::time_point::max());
    }
    asio::steady_timer wake;
    session_ptr handed;       ///< a keep-alive connection handed over directly
    bool may_connect = false; ///< a slot freed up: open a new connection
};

struct lease {
    session_ptr s;
    bool reused = false;
};

class https_transport final : public transport, public std::enable_shared_from_this<https_transport> {
public:
    https_transport(asio::any_io_executor ex, endpoint ep, const client_options& opts, std::string pin)
        : ex_(std::move(ex)), endpoint_(std::move(ep)), pin_(std::move(pin)), verify_(opts.tls.verify),
          max_open_(std::max<std::size_t>(opts.max_connections, 1)), idle_timeout_(opts.idle_timeout),
          keep_alive_(opts.keep_alive), connect_timeout_(opts.connect_timeout),
          request_timeout_(opts.request_timeout), stalled_after_(opts.stalled_after),
          max_extra_(opts.max_extra_connections) {}

    /// Keeps the TLS settings; the context itself is made on the first connection (OpenSSL's
    /// initialisation and a trust store cost milliseconds and megabytes that a client which never
    /// connects, such as an MCP server that only lists its tools, should not pay). A CA file or
    /// directory is loaded now, so a bad one is an error at construction.
    result<void> configure_tls(const tls_options& tls) {
        tls_ = tls;
        if (tls.ca_file.empty() && tls.ca_path.empty())
            return {};
        auto made = context();
        if (!made)
            return made.error();
        return {};
    }

    /// The TLS context, made once (the first caller's outcome is every caller's).
    result<ssl::context*> context() {
        std::call_once(context_made_, [this] {
            ctx_.emplace(ssl::context::tls_client);
            SSL_CTX_set_min_proto_version(ctx_->native_handle(), TLS1_2_VERSION);
            boost::system::error_code ec;
            if (!tls_.ca_file.empty()) {
                ctx_->load_verify_file(tls_.ca_file, ec);
                if (ec) {
                    context_error_ = make_error(
                        errc::invalid_argument,
                        fmt::format("tls.ca_file '{}' cannot be loaded: {}", tls_.ca_file, ec.message()));
                    return;
                }
            }
            if (!tls_.ca_path.empty()) {
                ctx_->add_verify_path(tls_.ca_path, ec);
                if (ec) {
                    context_error_ =
                        make_error(errc::invalid_argument, fmt::format("tls.ca_path '{}' cannot be used: {}",
                                                                       tls_.ca_path, ec.message()));
                    return;
                }
            }
            // The system trust store only when it decides: a pinned fingerprint replaces CA trust.
            if (tls_.ca_file.empty() && tls_.ca_path.empty() && verify_ && pin_.empty()) {
                boost::system::error_code ignored; // a missing store shows as a verification failure
                ctx_->set_default_verify_paths(ignored);
            }
        });
        if (context_error_)
            return *context_error_;
        return &*ctx_;
    }

    void async_send(http_request request, handler_type handler) override {
        spawn_on(ex_, send(shared_from_this(), std::move(request)), std::move(handler));
    }

    asio::any_io_executor get_executor() const override { return ex_; }

private:
    static awaitable<result<http_response>> send(std::shared_ptr<https_transport> self,
                                                 http_request request) {
        if (auto bad = unsafe_header(request))
            co_return *bad;
        // Only a GET is re-sent, and only when a reused connection failed before any answer byte
        // (the server had closed it); a write is never sent twice.
        const bool may_resend = request.method == http_method::get;
        for (int attempt = 0;; ++attempt) {
            auto acquired = co_await self->acquire();
            if (!acquired)
                co_return acquired.error();
            slot_guard owned{self.get()};                  // gives the slot back if anything below unwinds
            const bool stop = co_await cancel_requested(); // e.g. while waiting for the connection
            if (stop) {
                owned.armed = false;
                self->release(std::move(acquired->s), true); // untouched: still good for the next request
                co_return make_error(asio::error::operation_aborted, "request cancelled");
            }
            busy_mark busy{self.get(), acquired->s.get()};
            auto outcome = co_await self->exchange(*acquired->s, request);
            busy.clear();
            const bool reusable = outcome.response && outcome.keep_alive && self->keep_alive_;
            owned.armed = false;
            self->release(std::move(acquired->s), reusable);
            if (outcome.response)
                co_return std::move(outcome.response);
            if (acquired->reused && !outcome.received_any && may_resend && attempt == 0) {
                const bool stop = co_await cancel_requested();
                if (!stop)
                    continue;
            }
            co_return std::move(outcome.response);
        }
    }

    /// An idle connection, a new one while the pool has room, or the next one released (FIFO).
    /// Cancellation while waiting completes with operation_aborted.
    awaitable<result<lease>> acquire() {
        if (auto s = take_idle())
            co_return lease{std::move(s), true};
        if (waiters_.empty() && may_open_another()) { // else queue behind the earlier ones (FIFO)
            ++open_;
            co_return co_await connect_counted();
        }
        auto w = std::make_shared<waiter>(ex_);
        waiters_.push_back(w);
        for (;;) {
            w->wake.expires_at(next_stall_check());
            auto [ec] = co_await w->wake.async_wait(use_tuple);
            if (w->handed)
                co_return lease{std::move(w->handed), true};
            if (w->may_connect)
                co_return co_await connect_counted();
            if (ec)
                break; // cancelled by the caller
            if (waiters_.front() == w &&
                may_open_another()) { // the busy ones stalled: do not wait behind them
                waiters_.pop_front();
                ++open_;
                co_return co_await connect_counted();
            }
        }
        std::erase(waiters_, w);
        co_return make_error(asio::error::operation_aborted,
                             fmt::format("waiting for a connection to {} was cancelled", endpoint_.display));
    }

    /// Marks a connection busy with a request while it lives (stall detection).
    struct busy_mark {
        https_transport* transport;
        session* s;
        busy_mark(https_transport* t, session* c) : transport(t), s(c) {
            s->busy_since = std::chrono::steady_clock::now();
            transport->busy_.push_back(s);
        }
        void clear() {
            if (s)
                std::erase(transport->busy_, s);
            s = nullptr;
        }
        ~busy_mark() { clear(); }
    };

    /// Requests that have waited for their answer longer than stalled_after.
    std::size_t stalled() const {
        if (stalled_after_.count() <= 0)
            return 0;
        const auto now = std::chrono::steady_clock::now();
        return static_cast<std::size_t>(std::count_if(busy_.begin(), busy_.end(), [&](const session* s) {
            return now - s->busy_since >= stalled_after_;
        }));
    }

    /// Fewer than max_connections open that are not stalled, and the extra room not used up.
    bool may_open_another() const {
        if (open_ >= max_open_ + max_extra_)
            return false;
        return open_ - std::min(open_, stalled()) < max_open_;
    }

    /// When a waiter should look again whether the busy connections all stalled: when the
    /// youngest request will have waited stalled_after, but not sooner than a short step (a
    /// connection being opened is not busy yet) and never when stalls are not counted.
    asio::steady_timer::time_point next_stall_check() const {
        if (stalled_after_.count() <= 0)
            return asio::steady_timer::time_point::max();
        const auto now = std::chrono::steady_clock::now();
        auto latest = now; // connections still being opened count as busy from now on
        for (const auto* s : busy_)
            latest = std::max(latest, s->busy_since);
        if (busy_.size() < open_)
            latest = now;
        const auto step = std::min<std::chrono::milliseconds>(stalled_after_, std::chrono::milliseconds(100));
        return std::max(latest + stalled_after_, now + step);
    }

    /// Opens a connection for a slot already counted in open_; gives the slot back on failure.
    awaitable<result<lease>> connect_counted() {
        slot_guard owned{this};
        auto fresh = co_await connect();
        if (!fresh)
            co_return fresh.error(); // the guard gives the slot back
        owned.armed = false;
        co_return lease{std::move(*fresh), false};
    }

    /// A counted connection slot that goes back to the pool unless handed on explicitly.
    struct slot_guard {
        https_transport* transport;
        bool armed = true;
        ~slot_guard() {
            if (armed)
                transport->release(nullptr, false);
        }
    };

    session_ptr take_idle() {
        const auto now = std::chrono::steady_clock::now();
        while (!idle_.empty()) {
            session_ptr s = std::move(idle_.back());
            idle_.pop_back();
            if (now - s->idle_since < idle_timeout_ && still_open(*s))
                return s;
            --open_; // closed by the server or idle too long: drop it
        }
        return nullptr;
    }

    /// Returns a connection after a request: reusable ones go to the oldest waiter or the idle
    /// list; anything else (error, Connection: close, cancelled mid-answer) is closed, never pooled.
    void release(session_ptr s, bool reusable) {
        if (!reusable) {
            --open_;
            s.reset();
            if (!waiters_.empty() && may_open_another()) {
                auto w = std::move(waiters_.front());
                waiters_.pop_front();
                ++open_;
                w->may_connect = true;
                w->wake.cancel();
            }
            return;
        }
        if (!waiters_.empty()) {
            auto w = std::move(waiters_.front());
            waiters_.pop_front();
            w->handed = std::move(s);
            w->wake.cancel();
            return;
        }
        s->idle_since = std::chrono::steady_clock::now();
        idle_.push_back(std::move(s));
    }

    error
    io_error(boost::system::error_code ec, std::string_view step, std::chrono::milliseconds limit) const {
        if (ec == beast::error::timeout)
            return make_error(errc::timeout, fmt::format("{} {} took longer than {} ms", step,
                                                         endpoint_.display, limit.count()));
        return make_error(ec, fmt::format("{} {} failed: {}", step, endpoint_.display, ec.message()));
    }

    awaitable<result<session_ptr>> connect() {
        tcp::resolver resolver(ex_);
        auto [rec, results] = co_await resolver.async_resolve(endpoint_.host, endpoint_.port, use_tuple);
        if (rec)
            co_return make_error(rec, fmt::format("cannot resolve {}: {}", endpoint_.host, rec.message()));
        if (co_await cancel_requested()) // a host name lookup cannot be interrupted; stop right after it
            co_return make_error(asio::error::operation_aborted,
                                 fmt::format("connecting to {} was cancelled", endpoint_.display));

        auto tls_context = context();
        if (!tls_context)
            co_return tls_context.error();
        auto s = std::make_unique<session>(ex_, **tls_context);
        auto& tcp_layer = beast::get_lowest_layer(s->stream);
        tcp_layer.expires_after(connect_timeout_);
        auto [cec, connected] = co_await tcp_layer.async_connect(results, use_tuple);
        if (cec)
            co_return io_error(cec, "connecting to", connect_timeout_);

        if (!endpoint_.host_is_ip)
            SSL_set_tlsext_host_name(s->stream.native_handle(), endpoint_.host.c_str());
        session* raw = s.get();
        if (!pin_.empty()) {
            // A pinned leaf replaces CA trust: PVE's default certificate comes from a cluster-local CA.
            s->stream.set_verify_mode(ssl::verify_peer);
            s->stream.set_verify_callback([raw, pin = pin_](bool, ssl::verify_context& ctx) {
                auto* store = ctx.native_handle();
                if (X509_STORE_CTX_get_error_depth(store) > 0)
                    return true;
                raw->seen_fingerprint = leaf_fingerprint(X509_STORE_CTX_get_current_cert(store));
                return raw->seen_fingerprint == pin;
            });
        } else if (verify_) {
            s->stream.set_verify_mode(ssl::verify_peer);
            s->stream.set_verify_callback(
                [raw, host = endpoint_.host, check = ssl::host_name_verification(endpoint_.host)](
                    bool preverified, ssl::verify_context& ctx) mutable {
                    bool ok = check(preverified, ctx);
                    if (!ok && raw->verify_failure.empty()) {
                        int err = X509_STORE_CTX_get_error(ctx.native_handle());
                        raw->verify_failure = err != X509_V_OK
                                                  ? X509_verify_cert_error_string(err)
                                                  : fmt::format("certificate is not valid for host {}", host);
                    }
                    return ok;
                });
        } else {
            s->stream.set_verify_mode(ssl::verify_none);
        }

        auto [hec] = co_await s->stream.async_handshake(ssl::stream_base::client, use_tuple);
        if (hec) {
            if (!pin_.empty() && !raw->seen_fingerprint.empty() && raw->seen_fingerprint != pin_) {
                error e = make_error(errc::tls_fingerprint_mismatch,
                                     fmt::format("server certificate of {} has SHA-256 fingerprint {}, but "
                                                 "tls.fingerprint pins {}",
                                                 endpoint_.display, format_fingerprint(raw->seen_fingerprint),
                                                 format_fingerprint(pin_)));
                co_return e;
            }
            if (!raw->verify_failure.empty())
                co_return make_error(
                    errc::tls_verification_failed,
                    fmt::format("TLS verification of {} failed: {}; trust the cluster CA with "
                                "tls.ca_file (/etc/pve/pve-root-ca.pem) or pin tls.fingerprint",
                                endpoint_.display, raw->verify_failure));
            co_return io_error(hec, "TLS handshake with", connect_timeout_);
        }
        tcp_layer.expires_never();
        co_return s;
    }

    template <class Body> void fill_header(http::request<Body>& msg, const http_request& request) const {
        msg.method(to_verb(request.method));
        msg.target(request.target);
        msg.version(11);
        msg.set(http::field::host, endpoint_.host_header);
        msg.set(http::field::user_agent, "libproxmox/" PROXMOX_VERSION);
        for (const auto& [name, value] : request.headers)
            msg.set(name, value);
        if (!request.content_type.empty())
            msg.set(http::field::content_type, request.content_type);
        msg.keep_alive(keep_alive_);
    }

    /// Calls the caller's progress callback; false when it threw (the upload is then abandoned).
    static bool report_progress(const http_request& request, std::uint64_t sent, std::uint64_t total) {
        if (!request.on_body_progress)
            return true;
        try {
            request.on_body_progress(sent, total);
            return true;
        } catch (...) {
            return false;
        }
    }

    /// A write was sent whole and its answer did not arrive: PVE may have acted on it.
    error unknown_outcome(boost::system::error_code ec) const {
        std::string why = ec == beast::error::timeout
                              ? fmt::format("no answer came within {} ms", request_timeout_.count())
                          : ec == asio::error::operation_aborted
                              ? std::string("waiting for the answer was cancelled")
                              : fmt::format("reading the answer failed: {}", ec.message());
        return make_error(
            errc::outcome_unknown,
            fmt::format("the request was sent to {}, but {}; it may have been applied. Check the "
                        "object's state or the node's tasks before sending it again",
                        endpoint_.display, why));
    }

    /// Header, then each part; files go out in chunks with the request timeout per chunk, so a
    /// large upload is limited by stalls, not by its size.
    awaitable<boost::system::error_code> write_streamed(session& s, const http_request& request) {
        std::uint64_t total = 0;
        for (const auto& part : request.streamed_body) {
            if (part.file_path.empty()) {
                total += part.bytes.size();
                continue;
            }
            std::error_code fec;
            auto size = std::filesystem::file_size(part.file_path, fec);
            if (fec)
                co_return boost::system::error_code(fec.value(), boost::system::generic_category());
            total += size;
        }
        http::request<http::empty_body> msg;
        fill_header(msg, request);
        msg.content_length(total);
        http::request_serializer<http::empty_body> serializer(msg);
        auto& tcp_layer = beast::get_lowest_layer(s.stream);
        tcp_layer.expires_after(request_timeout_);
        auto [hec, hn] = co_await http::async_write_header(s.stream, serializer, use_tuple);
        if (hec)
            co_return hec;
        std::uint64_t sent = 0;
        std::vector<char> chunk(256 * 1024);
        for (const auto& part : request.streamed_body) {
            if (part.file_path.empty()) {
                tcp_layer.expires_after(request_timeout_);
                auto [ec, n] = co_await asio::async_write(s.stream, asio::buffer(part.bytes), use_tuple);
                if (ec)
                    co_return ec;
                sent += n;
                if (!report_progress(request, sent, total))
                    co_return asio::error::operation_aborted;
                continue;
            }
            std::ifstream file(part.file_path, std::ios::binary);
            if (!file)
                co_return boost::system::error_code(errno, boost::system::generic_category());
            while (file) {
                file.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
                const auto got = static_cast<std::size_t>(file.gcount());
                if (got == 0)
                    break;
                tcp_layer.expires_after(request_timeout_);
                auto [ec, n] =
                    co_await asio::async_write(s.stream, asio::buffer(chunk.data(), got), use_tuple);
                if (ec)
                    co_return ec;
                sent += n;
                if (!report_progress(request, sent, total))
                    co_return asio::error::operation_aborted;
            }
        }
        if (sent != total)
            co_return boost::system::error_code(EIO, boost::system::generic_category());
        co_return boost::system::error_code{};
    }

    awaitable<exchange_outcome> exchange(session& s, const http_request& request) {
        exchange_outcome out;
        auto& tcp_layer = beast::get_lowest_layer(s.stream);
        boost::system::error_code wec;
        if (!request.streamed_body.empty()) {
            wec = co_await write_streamed(s, request);
        } else {
            http::request<http::string_body> msg;
            fill_header(msg, request);
            msg.body() = request.body;
            if (request.method == http_method::post || request.method == http_method::put)
                msg.prepare_payload();
            tcp_layer.expires_after(request_timeout_);
            auto [ec, written] = co_await http::async_write(s.stream, msg, use_tuple);
            wec = ec;
        }
        if (wec) { // not all of it reached the server, which does not act on a partial request
            out.response = io_error(wec, "sending the request to", request_timeout_);
            co_return out;
        }
        tcp_layer.expires_after(request_timeout_);
        http::response_parser<http::string_body> parser;
        parser.body_limit(max_body_bytes);
        auto [rec, read] = co_await http::async_read(s.stream, s.buffer, parser, use_tuple);
        out.received_any = parser.got_some() || read > 0;
        if (rec) {
            out.response = request.method == http_method::get
                               ? io_error(rec, "reading the answer of", request_timeout_)
                               : unknown_outcome(rec);
            co_return out;
        }
        tcp_layer.expires_never();
        auto& res = parser.get();
        out.keep_alive = res.keep_alive();
        out.response = http_response{res.result_int(), std::string(res.reason()),
                                     std::string(res[http::field::content_type]), std::move(res.body())};
        co_return out;
    }

    asio::any_io_executor ex_;
    tls_options tls_;
    std::once_flag context_made_;
    std::optional<ssl::context> ctx_;
    std::optional<error> context_error_;
    endpoint endpoint_;
    std::string pin_; ///< 64 uppercase hex digits, or empty
    bool verify_;
    std::size_t max_open_;
    std::chrono::milliseconds idle_timeout_;
    bool keep_alive_;
    std::chrono::milliseconds connect_timeout_;
    std::chrono::milliseconds request_timeout_;
    std::chrono::milliseconds stalled_after_;
    std::size_t max_extra_;
    std::size_t open_ = 0;       ///< connections idle, in use or being opened
    std::vector<session*> busy_; ///< connections whose request is on the wire
    std::vector<session_ptr> idle_;
    std::deque<std::shared_ptr<waiter>> waiters_;
};

} // namespace
} // namespace proxmox::detail

namespace proxmox {

result<std::shared_ptr<transport>> make_https_transport(boost::asio::any_io_executor executor,
                                                        const client_options& options) {
    auto ep = detail::parse_endpoint(options.url);
    if (!ep)
        return ep.error();
    std::string pin;
    if (!options.tls.fingerprint.empty()) {
        auto normalized = detail::normalize_fingerprint(options.tls.fingerprint);
        if (!normalized)
            return normalized.error();
        pin = std::move(*normalized);
    } else if (!options.tls.verify && options.logger) {
        options.logger(
            log_level::warning,
            fmt::format("TLS verification is off for {} (tls.verify = false): anyone on the path can "
                        "read and change the traffic; pin tls.fingerprint instead",
                        ep->display));
    }
    auto t = std::make_shared<detail::https_transport>(std::move(executor), std::move(*ep), options,
                                                       std::move(pin));
    if (auto ok = t->configure_tls(options.tls); !ok)
        return ok.error();
    return std::shared_ptr<transport>(std::move(t));
}

} // namespace proxmox
