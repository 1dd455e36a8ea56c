#include "caller_text.hpp"
#include "http/event_log.hpp"
#include "http/http_endpoint.hpp"
#include "http/media_type.hpp"
#include "http/session_id.hpp"
#include "http/sse.hpp"
#include "jsonrpc.hpp"
#include "log.hpp"
#include "protocol.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/url/parse.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <stdexcept>
#include <variant>

namespace proxmox::mcp {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view session_header = "Mcp-Session-Id";
constexpr std::string_view version_header = "MCP-Protocol-Version";
constexpr std::string_view last_event_id_header = "Last-Event-ID";
/// The first version whose clients get priming events and may have a stream closed early (SSE
/// polling, SEP-1699): older clients may take the priming event's empty data for a message, and
/// without its id they could not resume.
constexpr std::string_view polling_version = "2025-11-25";

/// A reply with a JSON body (or none) and its Content-Length.
http_reply plain(http::status status, std::string body) {
    http_reply r;
    r.message.version(11);
    r.message.result(status);
    if (!body.empty()) {
        r.message.set(http::field::content_type, "application/json");
        r.message.body() = std::move(body);
    }
    r.message.prepare_payload();
    return r;
}

/// A refusal: the status and a JSON-RPC error with id null whose message says what to fix.
http_reply refusal(http::status status, std::string_view message, int code = jsonrpc::invalid_request) {
    return plain(status, jsonrpc::to_line(jsonrpc::make_error(nullptr, code, message)));
}

/// The head of a streamed reply.
http_reply stream_head(std::shared_ptr<response_channel> channel) {
    http_reply r;
    r.message.version(11);
    r.message.result(http::status::ok);
    if (channel->what() == response_channel::kind::events) {
        r.message.set(http::field::content_type, "text/event-stream");
        r.message.set(http::field::cache_control, "no-cache");
    }
    r.stream = std::move(channel);
    return r;
}

std::string supported_versions_text() {
    std::string out;
    for (auto v : protocol::supported_versions) {
        if (!out.empty())
            out += ", ";
        out += v;
    }
    return out;
}

/// A duration for a log line: "30 min", "90 s", "200 ms".
std::string duration_text(std::chrono::milliseconds d) {
    if (d >= std::chrono::minutes(1) && d % std::chrono::minutes(1) == std::chrono::milliseconds(0))
        return fmt::format("{} min", std::chrono::duration_cast<std::chrono::minutes>(d).count());
    if (d >= std::chrono::seconds(1) && d % std::chrono::seconds(1) == std::chrono::milliseconds(0))
        return fmt::format("{} s", std::chrono::duration_cast<std::chrono::seconds>(d).count());
    return fmt::format("{} ms", d.count());
}

/// The start of a session id for log lines: the id is a capability, so it is never logged whole.
std::string short_id(std::string_view id) {
    return std::string(id.substr(0, 8)) + "…";
}

} // namespace

struct http_endpoint::impl : std::enable_shared_from_this<impl> {
    /// Where the messages of one running request go.
    struct route {
        /// The response that carries them: a single JSON response, or the SSE stream's current
        /// response (the POST's, or a GET's that resumed the stream). Null for a stream nobody
        /// reads now (the call closed it, or the client left): its events wait in the log.
        std::shared_ptr<response_channel> channel;
        /// An SSE stream (else a single JSON response, which is not logged).
        bool sse = false;
        /// sse: its stream in the session's event log.
        event_log::stream_id stream = 0;
    };

    struct entry {
        entry(std::size_t log_bytes, std::chrono::milliseconds log_linger) : log(log_bytes, log_linger) {}

        std::string id;
        std::unique_ptr<session> mcp;
        /// The requests running, by jsonrpc::id_key.
        std::map<std::string, route> routes;
        /// The GET stream, when one is open.
        std::shared_ptr<response_channel> standalone;
        /// A GET stream was opened: messages that belong to no request are logged for it.
        bool standalone_used = false;
        /// The events of the session's SSE streams, for clients that resume one.
        event_log log;
        std::chrono::steady_clock::time_point log_expired{};
        std::chrono::steady_clock::time_point last_used = std::chrono::steady_clock::now();
    };

    asio::any_io_executor executor;
    http_endpoint_options options;
    session_factory factory;
    std::map<std::string, std::shared_ptr<entry>, std::less<>> sessions;
    asio::steady_timer sweep_timer;
    bool closed = false;

    impl(asio::any_io_executor ex, http_endpoint_options opts, session_factory f)
        : executor(ex), options(std::move(opts)), factory(std::move(f)), sweep_timer(ex) {}

    // ---- session table ---------------------------------------------------------------------

    std::shared_ptr<entry> create_session() {
        auto e = std::make_shared<entry>(options.event_log_bytes, options.event_log_linger);
        try {
            do
                e->id = new_session_id();
            while (sessions.count(e->id));
        } catch (const std::exception& ex) {
            log(log_severity::error, ex.what());
            return nullptr;
        }
        auto sink = [w = weak_from_this(), we = std::weak_ptr<entry>(e)](outgoing_message m) {
            auto self = w.lock();
            auto en = we.lock();
            if (self && en)
                self->deliver(*en, std::move(m));
        };
        e->mcp = factory(std::move(sink));
        if (!e->mcp)
            return nullptr;
        e->mcp->set_on_finished([w = weak_from_this(), ex = executor, id = e->id] {
            // Called from inside the session: forget it later, outside of it.
            asio::post(ex, [w, id] {
                if (auto self = w.lock())
                    if (auto it = self->sessions.find(id); it != self->sessions.end())
                        self->end_session(it->second);
            });
        });
        sessions.emplace(e->id, e);
        return e;
    }

    /// Forgets the session, ends the responses waiting for it and shuts it down.
    void end_session(std::shared_ptr<entry> e) {
        sessions.erase(e->id);
        auto routes = std::move(e->routes);
        e->routes.clear();
        for (auto& [key, r] : routes) {
            if (!r.channel)
                continue;
            if (r.channel->what() == response_channel::kind::single)
                r.channel->respond(404, jsonrpc::to_line(jsonrpc::make_error(
                                            nullptr, jsonrpc::invalid_request,
                                            "The session ended before this request was answered")));
            else
                r.channel->end();
        }
        if (e->standalone)
            e->standalone->end();
        e->standalone.reset();
        auto mcp = std::move(e->mcp);
        if (mcp) {
            mcp->shutdown();
            mcp.reset();
        }
    }

    static bool open(const std::shared_ptr<response_channel>& c) { return c && !c->gone() && !c->ended(); }

    void schedule_sweep() {
        auto interval = std::clamp<std::chrono::milliseconds>(options.session_idle_timeout / 10, 10ms, 60s);
        sweep_timer.expires_after(interval);
        sweep_timer.async_wait([w = weak_from_this()](boost::system::error_code ec) {
            auto self = w.lock();
            if (!self || ec || self->closed)
                return;
            self->sweep();
            self->schedule_sweep();
        });
    }

    /// Ends sessions without a running request or open stream for session_idle_timeout.
    void sweep() {
        auto now = std::chrono::steady_clock::now();
        std::vector<std::shared_ptr<entry>> idle;
        for (auto& [id, e] : sessions) {
            expire_log(*e, now);
            if (!e->routes.empty() || open(e->standalone))
                e->last_used = now; // idle time counts from the end of the last request or stream
            else if (now - e->last_used >= options.session_idle_timeout)
                idle.push_back(e);
        }
        for (auto& e : idle) {
            log(log_severity::info,
                fmt::format("session {} was idle for {}: ended ({} open)", short_id(e->id),
                            duration_text(options.session_idle_timeout), sessions.size() - 1));
            end_session(e);
        }
    }

    // ---- outgoing messages -----------------------------------------------------------------

    /// Drops what outlived the linger from `e`'s log, at most a few times per linger.
    void expire_log(entry& e, std::chrono::steady_clock::time_point now) const {
        if (now - e.log_expired < std::min<std::chrono::milliseconds>(options.event_log_linger / 4, 1s))
            return;
        e.log_expired = now;
        e.log.expire(now);
    }

    /// The client speaks a version with SSE polling: priming events, streams closed early.
    static bool polling_client(const entry& e) {
        return e.mcp && std::string_view(e.mcp->protocol_version()) >= polling_version;
    }

    /// An SSE response for `stream` of `e`'s log: what the connection writes of it counts as
    /// delivered there.
    std::shared_ptr<response_channel> events_channel(const std::shared_ptr<entry>& e,
                                                     event_log::stream_id stream) {
        auto channel = std::make_shared<response_channel>(executor, response_channel::kind::events,
                                                          options.max_stream_backlog);
        channel->on_written([we = std::weak_ptr<entry>(e), stream](std::uint64_t seq) {
            if (auto en = we.lock())
                en->log.delivered(stream, seq, std::chrono::steady_clock::now());
        });
        return channel;
    }

    std::string priming(event_log::position at) const {
        return sse_priming(event_log::event_id(at), options.sse_retry);
    }

    static void push_logged(response_channel& channel,
                            event_log::stream_id stream,
                            std::uint64_t seq,
                            std::string_view line) {
        channel.push_event(sse_event(event_log::event_id({stream, seq}), line), seq);
    }

    void deliver(entry& e, outgoing_message m) {
        const auto now = std::chrono::steady_clock::now();
        expire_log(e, now);
        if (!m.related.empty()) {
            if (auto it = e.routes.find(m.related); it != e.routes.end()) {
                if (it->second.sse) {
                    deliver_on_stream(e, it, std::move(m), now);
                    return;
                }
                auto channel = it->second.channel;
                if (m.close_stream && m.line.empty())
                    return; // a JSON response has no stream to close
                if (m.ends_request) {
                    e.routes.erase(it);
                    e.last_used = now;
                }
                if (channel->gone()) {
                    if (m.ends_request && !m.line.empty())
                        log(log_severity::debug,
                            fmt::format(
                                "session {}: the client disconnected before the JSON response to request {}; "
                                "response dropped",
                                short_id(e.id), quote_text(m.related)));
                    return;
                }
                if (m.ends_request) {
                    const unsigned status = m.line.empty() ? 202 : 200; // ended without a response: 202
                    channel->respond(status, std::move(m.line));
                    return;
                }
                // A JSON response carries one message: what comes before it goes to the GET stream.
            }
        }
        if (m.line.empty())
            return;
        if (e.standalone_used) {
            const auto seq = e.log.append(event_log::standalone, m.line);
            if (open(e.standalone))
                push_logged(*e.standalone, event_log::standalone, seq, m.line);
            return;
        }
        log(log_severity::debug,
            fmt::format("session {}: a message without an open stream for it was dropped", short_id(e.id)));
        refuse_undeliverable_request(e, m.line);
    }

    /// A request to the client (elicitation) that no stream can carry — its call was answered as
    /// plain JSON and no GET stream is open — is answered with an error at once, so the call does
    /// not wait for an answer that cannot come. Posted: the session is still sending it.
    void refuse_undeliverable_request(const entry& e, const std::string& line) {
        auto parsed = jsonrpc::parse_line(line);
        const auto* o = parsed.value.if_object();
        const auto* id = o ? o->if_contains("id") : nullptr;
        if (!id || !o->contains("method"))
            return; // a notification: nothing waits for it
        std::string answer = jsonrpc::to_line(jsonrpc::make_error(
            *id, jsonrpc::internal_error,
            "the HTTP client accepts no event stream (Accept: text/event-stream) and opened no GET stream, "
            "so this request cannot reach it"));
        asio::post(executor, [w = weak_from_this(), id = e.id, answer = std::move(answer)] {
            auto self = w.lock();
            if (!self)
                return;
            if (auto it = self->sessions.find(id); it != self->sessions.end() && it->second->mcp)
                it->second->mcp->on_line(answer);
        });
    }

    /// A message of a request answered as SSE: logged, and written when a client reads the stream.
    void deliver_on_stream(entry& e,
                           std::map<std::string, route>::iterator it,
                           outgoing_message m,
                           std::chrono::steady_clock::time_point now) {
        auto& r = it->second;
        if (r.channel && r.channel->gone())
            r.channel.reset(); // the client left: what follows waits in the log
        if (!m.line.empty()) {
            const auto seq = e.log.append(r.stream, m.line);
            if (r.channel)
                push_logged(*r.channel, r.stream, seq, m.line);
        }
        if (m.close_stream && r.channel && polling_client(e)) {
            // The response ends after what is queued; the call goes on, the client resumes.
            r.channel->end();
            r.channel.reset();
            log(log_severity::debug,
                fmt::format("session {}: the stream of request {} was closed for the client to resume",
                            short_id(e.id), quote_text(m.related)));
        }
        if (!m.ends_request)
            return;
        e.log.end_stream(r.stream, now);
        if (r.channel)
            r.channel->end();
        else
            log(log_severity::debug,
                fmt::format("session {}: request {} ended while no client read its stream; its events wait "
                            "for a GET with Last-Event-ID",
                            short_id(e.id), quote_text(m.related)));
        e.routes.erase(it);
        e.last_used = now;
    }

    // ---- requests --------------------------------------------------------------------------

    struct lookup_result {
        std::shared_ptr<entry> found;
        std::optional<http_reply> refused;
    };

    lookup_result lookup(const http::request<http::string_body>& req) {
        lookup_result out;
        if (req.count(session_header) == 0) {
            out.refused =
                refusal(http::status::bad_request,
                        "Bad Request: the Mcp-Session-Id header is missing; start a session with "
                        "initialize (without the header) and send the Mcp-Session-Id it answers with "
                        "every later request");
            return out;
        }
        std::string_view sid = req[session_header];
        auto it = req.count(session_header) == 1 && is_session_id(sid) ? sessions.find(sid) : sessions.end();
        if (it == sessions.end()) {
            out.refused =
                refusal(http::status::not_found,
                        "Not Found: no session has this Mcp-Session-Id (it ended or never existed); "
                        "send initialize without the header to start a new one");
            return out;
        }
        out.found = it->second;
        out.found->last_used = std::chrono::steady_clock::now();
        expire_log(*out.found, out.found->last_used);
        return out;
    }

    http_reply handle_post(const http::request<http::string_body>& req) {
        const std::string& body = req.body();
        auto parsed = jsonrpc::parse_line(body);
        switch (parsed.what) {
        case jsonrpc::parsed_line::kind::empty:
            return refusal(http::status::bad_request,
                           "Invalid Request: the body is empty; POST one JSON-RPC message");
        case jsonrpc::parsed_line::kind::parse_error:
            return refusal(http::status::bad_request, "Parse error: " + parsed.error, jsonrpc::parse_error);
        case jsonrpc::parsed_line::kind::batch:
            return refusal(http::status::bad_request,
                           "Invalid Request: JSON-RPC batches are not supported over HTTP; POST one message "
                           "per request");
        case jsonrpc::parsed_line::kind::single:
            break;
        }
        auto msg = jsonrpc::classify(parsed.value);
        if (const auto* bad = std::get_if<jsonrpc::invalid>(&msg))
            return plain(http::status::bad_request,
                         jsonrpc::to_line(jsonrpc::make_error(bad->id, bad->code, bad->message)));
        const auto* rq = std::get_if<jsonrpc::request>(&msg);
        const bool is_request = rq && !rq->is_notification();

        std::shared_ptr<entry> e;
        bool created = false;
        if (req.count(session_header) == 0 && is_request && rq->method == "initialize") {
            if (closed)
                return refusal(http::status::service_unavailable,
                               "Service Unavailable: the server is stopping", jsonrpc::server_busy);
            if (sessions.size() >= options.max_sessions) {
                auto r =
                    refusal(http::status::service_unavailable,
                            fmt::format("Service Unavailable: {} sessions are open, the most this server "
                                        "keeps; end one with DELETE or retry later",
                                        sessions.size()),
                            jsonrpc::server_busy);
                r.message.set(http::field::retry_after, "60");
                return r;
            }
            e = create_session();
            if (!e)
                return refusal(http::status::internal_server_error,
                               "Internal error: no session could be made", jsonrpc::internal_error);
            created = true;
        } else {
            auto found = lookup(req);
            if (found.refused)
                return std::move(*found.refused);
            e = std::move(found.found);
        }

        if (!is_request) { // a notification, or a response to a request of ours
            e->mcp->on_line(body);
            return plain(http::status::accepted, {});
        }
        std::string key = jsonrpc::id_key(rq->id);
        if (e->routes.count(key))
            return plain(
                http::status::bad_request,
                jsonrpc::to_line(jsonrpc::make_error(
                    rq->id, jsonrpc::invalid_request,
                    "Invalid Request: this id is already used by a running request of this session")));
        const bool sse = parse_accept(req[http::field::accept]).sse;
        route r;
        event_log::position first;
        if (sse) {
            first = e->log.open_stream();
            r = route{events_channel(e, first.stream), true, first.stream};
        } else {
            r.channel = std::make_shared<response_channel>(executor, response_channel::kind::single,
                                                           options.max_stream_backlog);
        }
        auto channel = r.channel;
        e->routes.emplace(key, std::move(r));
        e->mcp->on_line(body);         // may answer at once (into `channel`)
        if (sse && polling_client(*e)) // known once initialize was handled
            channel->prepend_event(priming(first));
        http_reply reply = stream_head(channel);
        if (created) {
            if (e->mcp->protocol_version().empty() && !e->routes.count(key)) {
                // initialize was refused: no session
                end_session(e);
            } else {
                reply.message.set(session_header, e->id);
                log(log_severity::info,
                    fmt::format("session {} started ({} open)", short_id(e->id), sessions.size()));
            }
        }
        return reply;
    }

    http_reply handle_get(const http::request<http::string_body>& req) {
        auto found = lookup(req);
        if (found.refused)
            return std::move(*found.refused);
        auto& e = found.found;
        if (auto n = req.count(last_event_id_header); n > 1)
            return refusal(http::status::bad_request, "Bad Request: send at most one Last-Event-ID header");
        else if (n == 1)
            return resume(e, req[last_event_id_header]);
        if (open(e->standalone))
            return refusal(http::status::conflict,
                           "Conflict: this session already has its GET stream open; one per session");
        // A new GET stream starts over: what the last one did not deliver is not replayed.
        e->log.clear(event_log::standalone);
        auto channel = events_channel(e, event_log::standalone);
        if (polling_client(*e))
            channel->push_event(priming(e->log.mark({event_log::standalone, e->log.last_seq()})));
        e->standalone = channel;
        e->standalone_used = true;
        return stream_head(std::move(channel));
    }

    /// GET with Last-Event-ID: the events of that id's stream after it, then (while its request
    /// runs) what comes next on it.
    http_reply resume(const std::shared_ptr<entry>& e, std::string_view last_id) {
        auto from = event_log::parse_event_id(last_id);
        if (!from)
            return refusal(
                http::status::bad_request,
                fmt::format("Bad Request: Last-Event-ID {} is not an event id of this server; send "
                            "the id of the last event received on the stream to resume",
                            quote_text(last_id)));
        auto replay = e->log.after(*from);
        switch (replay.status) {
        case event_log::found::unknown:
            return refusal(
                http::status::not_found,
                fmt::format("Not Found: Last-Event-ID {} names no stream this session keeps (its "
                            "request ended and its events were delivered {} ago or more, or it never "
                            "existed); open the GET stream without Last-Event-ID",
                            quote_text(last_id), duration_text(options.event_log_linger)));
        case event_log::found::expired:
            return refusal(
                http::status::not_found,
                fmt::format("Not Found: events after Last-Event-ID {} were dropped (a session keeps "
                            "at most {} bytes of events); the stream cannot be resumed",
                            quote_text(last_id), options.event_log_bytes));
        case event_log::found::ok:
            break;
        }
        const bool is_standalone = from->stream == event_log::standalone;
        if (!is_standalone && replay.ended && replay.events.empty()) // the client has it all
            return plain(http::status::no_content, {});
        auto channel = events_channel(e, from->stream);
        if (polling_client(*e))
            channel->push_event(priming(e->log.mark(*from)));
        for (const auto& [seq, data] : replay.events)
            push_logged(*channel, from->stream, seq, data);
        log(log_severity::debug,
            fmt::format("session {}: stream {} resumed after {} ({} events replayed)", short_id(e->id),
                        from->stream, quote_text(last_id), replay.events.size()));
        if (is_standalone) {
            if (open(e->standalone)) // the client left it for this one
                e->standalone->give_up();
            e->standalone = channel;
            e->standalone_used = true;
            return stream_head(std::move(channel));
        }
        auto it = std::find_if(e->routes.begin(), e->routes.end(), [&](const auto& kv) {
            return kv.second.sse && kv.second.stream == from->stream;
        });
        if (replay.ended || it == e->routes.end()) {
            channel->end();
        } else {
            if (open(it->second.channel)) // a client reads one response of a stream at a time
                it->second.channel->give_up();
            it->second.channel = channel;
        }
        return stream_head(std::move(channel));
    }

    http_reply handle_delete(const http::request<http::string_body>& req) {
        auto found = lookup(req);
        if (found.refused)
            return std::move(*found.refused);
        log(log_severity::info, fmt::format("session {} ended by the client ({} open)",
                                            short_id(found.found->id), sessions.size() - 1));
        end_session(found.found);
        return plain(http::status::no_content, {});
    }

    std::optional<http_reply> check_head(const http::request_header<>& head) {
        auto refused = check_head_unlogged(head);
        if (refused)
            log(log_severity::debug,
                fmt::format("HTTP {} refused with {}: {}", quote_text(head.method_string()),
                            refused->message.result_int(), quote_text(refused->message.body(), 300)));
        return refused;
    }

    std::optional<http_reply> check_head_unlogged(const http::request_header<>& head) {
        if (options.loopback_only &&
            (head.count(http::field::host) != 1 || !is_loopback_host(head[http::field::host])))
            return refusal(
                http::status::forbidden,
                fmt::format("Forbidden: Host {} is not this machine's loopback; the server listens on "
                            "loopback only and accepts Host localhost, 127.0.0.1 or [::1]",
                            quote_text(head[http::field::host])));
        if (auto n = head.count(http::field::origin);
            n > 1 || (n == 1 && !origin_allowed(head[http::field::origin], options.allowed_origins)))
            return refusal(
                http::status::forbidden,
                fmt::format("Forbidden: Origin {} may not call this server; web pages may call it from "
                            "http(s)://localhost, 127.0.0.1 or [::1], or from an origin listed in {}",
                            quote_text(head[http::field::origin]), http_origins_env));
        if (!options.token.empty()) {
            auto n = head.count(http::field::authorization);
            if (n != 1 || !bearer_token_matches(head[http::field::authorization], options.token)) {
                auto r =
                    refusal(http::status::unauthorized,
                            fmt::format("Unauthorized: send the token set in {} as \"Authorization: Bearer "
                                        "<token>\"",
                                        http_token_env));
                r.message.set(http::field::www_authenticate,
                              n == 0 ? "Bearer" : "Bearer error=\"invalid_token\"");
                return r;
            }
        }
        if (head.version() != 11) // the streams are chunked
            return refusal(http::status::http_version_not_supported,
                           "HTTP Version Not Supported: speak HTTP/1.1");
        auto target = boost::urls::parse_origin_form(head.target());
        if (!target)
            return refusal(http::status::bad_request, "Bad Request: the request target is not a path");
        if (target->encoded_path() != "/mcp")
            return refusal(http::status::not_found, "Not Found: the MCP endpoint is /mcp");
        const auto method = head.method();
        if (method != http::verb::post && method != http::verb::get && method != http::verb::delete_) {
            auto r = refusal(http::status::method_not_allowed,
                             "Method Not Allowed: /mcp takes POST (messages), GET (the server's stream) and "
                             "DELETE (end the session)");
            r.message.set(http::field::allow, "GET, POST, DELETE");
            return r;
        }
        if (auto n = head.count(version_header);
            n > 1 || (n == 1 && !protocol::is_supported(head[version_header])))
            return refusal(
                http::status::bad_request,
                fmt::format("Bad Request: unsupported MCP-Protocol-Version {}; this server speaks {}",
                            quote_text(head[version_header]), supported_versions_text()));
        if (method == http::verb::post) {
            if (!is_json_content_type(head[http::field::content_type]))
                return refusal(http::status::unsupported_media_type,
                               "Unsupported Media Type: POST one JSON-RPC message as Content-Type: "
                               "application/json");
            auto accept = parse_accept(head[http::field::accept]);
            if (!accept.json && !accept.sse)
                return refusal(http::status::not_acceptable,
                               "Not Acceptable: Accept must list application/json and text/event-stream");
        } else if (method == http::verb::get) {
            if (!parse_accept(head[http::field::accept]).sse)
                return refusal(http::status::not_acceptable,
                               "Not Acceptable: the GET stream is an event stream; send Accept: "
                               "text/event-stream");
        }
        return std::nullopt;
    }

    void close() {
        if (closed)
            return;
        closed = true;
        sweep_timer.cancel();
        while (!sessions.empty()) {
            auto e = sessions.begin()->second;
            end_session(e);
        }
    }
};

http_endpoint::http_endpoint(asio::any_io_executor executor,
                             http_endpoint_options options,
                             session_factory factory)
    : impl_(std::make_shared<impl>(std::move(executor), std::move(options), std::move(factory))) {
    impl_->schedule_sweep();
}

http_endpoint::~http_endpoint() {
    impl_->close();
}

std::optional<http_reply> http_endpoint::check_head(const http::request_header<>& head) {
    return impl_->check_head(head);
}

http_reply http_endpoint::handle(const http::request<http::string_body>& request) {
    switch (request.method()) {
    case http::verb::post:
        return impl_->handle_post(request);
    case http::verb::get:
        return impl_->handle_get(request);
    default:
        return impl_->handle_delete(request);
    }
}

http_reply http_endpoint::body_too_large() const {
    return refusal(
        http::status::payload_too_large,
        fmt::format("Payload Too Large: a message may be at most {} bytes", impl_->options.max_body));
}

http_reply http_endpoint::malformed_request() const {
    return refusal(http::status::bad_request, "Bad Request: malformed HTTP request");
}

http_reply http_endpoint::head_too_large() const {
    return refusal(http::status::request_header_fields_too_large,
                   "Request Header Fields Too Large: the request head is too long");
}

void http_endpoint::close() {
    impl_->close();
}

std::size_t http_endpoint::session_count() const noexcept {
    return impl_->sessions.size();
}

} // namespace proxmox::mcp
