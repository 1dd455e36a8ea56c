#include "dispatch/api.hpp"
#include "dispatch/auth.hpp"
#include "dispatch/request_parsing.hpp"
#include "dispatch/upload.hpp"
#include "endpoints/handlers.hpp"
#include "schema/schema.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <iterator>
#include <stdexcept>
#include <unistd.h>
#include <unordered_map>

namespace proxmox::sim::detail {

namespace json = boost::json;

namespace {

constexpr std::uint64_t limit_max_post = 64 * 1024; // AnyEvent.pm $limit_max_post

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

/// A JSON string; text without characters that need escaping (nearly every key and value the
/// simulator sends) is copied as it is, the rest goes through Boost.JSON.
void write_json_string(std::string_view text, std::string& out) {
    const bool plain = std::all_of(text.begin(), text.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u >= 0x20 && u < 0x80 && c != '"' && c != '\\';
    });
    if (!plain) {
        out += json::serialize(json::string(text));
        return;
    }
    out += '"';
    out += text;
    out += '"';
}

/// JSON text like Perl's JSON encoder writes it: floating point numbers as `%.15g` (0.154185303035537,
/// 0) instead of Boost.JSON's exponent form (1.54185303035537E-1, 0E0). Strings and integers are
/// written directly, anything else by Boost.JSON.
void write_json(const json::value& v, std::string& out) {
    switch (v.kind()) {
    case json::kind::object: {
        out += '{';
        bool first = true;
        for (const auto& [k, item] : v.get_object()) {
            if (!first)
                out += ',';
            first = false;
            write_json_string(k, out);
            out += ':';
            write_json(item, out);
        }
        out += '}';
        break;
    }
    case json::kind::array: {
        out += '[';
        bool first = true;
        for (const auto& item : v.get_array()) {
            if (!first)
                out += ',';
            first = false;
            write_json(item, out);
        }
        out += ']';
        break;
    }
    case json::kind::string:
        write_json_string(v.get_string(), out);
        break;
    case json::kind::int64:
        fmt::format_to(std::back_inserter(out), "{}", v.get_int64());
        break;
    case json::kind::uint64:
        fmt::format_to(std::back_inserter(out), "{}", v.get_uint64());
        break;
    case json::kind::double_:
        out += *perl_scalar_text(v);
        break;
    default:
        out += json::serialize(v);
    }
}

/// A plain pveproxy error (AnyEvent.pm `error`): status line only, no content. Like
/// AnyEvent.pm `response`, a first line with a CR in it turns the answer into a bare 400.
response plain_error(unsigned status, std::string_view message) {
    response r;
    r.status = status;
    r.reason = std::string(message.substr(0, message.find('\n')));
    if (r.reason.find('\r') != std::string::npos) {
        r.status = 400;
        r.reason = "Bad Request";
    }
    return r;
}

std::string first_line(std::string_view msg) {
    return std::string(msg.substr(0, msg.find('\n')));
}

/// AnyEvent.pm response(): the status line carries the first line of the message; a message
/// with a CR in it turns the answer into a bare 400.
response json_response(unsigned status, std::string_view message, json::object body) {
    response r;
    r.status = status;
    r.reason = first_line(message);
    if (r.reason.find('\r') != std::string::npos) {
        r.status = 400;
        r.reason = "Bad Request";
        return r;
    }
    r.json = true;
    write_json(body, r.body);
    return r;
}

response error_response(unsigned status, std::string_view message, const json::object& errors) {
    json::object body;
    body["data"] = nullptr;
    if (!errors.empty())
        body["errors"] = errors;
    body["message"] = message;
    return json_response(status, message, std::move(body));
}

/// Calls pveproxy serves without authentication (HTTPServer.pm auth_handler).
bool no_auth_needed(std::string_view method, std::string_view rel_uri) {
    return (rel_uri == "/access/domains" && method == "GET") ||
           (rel_uri == "/access/ticket" && (method == "GET" || method == "POST")) ||
           (rel_uri == "/access/vncticket" && method == "POST") ||
           (rel_uri == "/access/openid/login" && method == "POST") ||
           (rel_uri == "/access/openid/auth-url" && method == "POST");
}

/// Parameters whose values never appear in the request log.
bool secret_param(std::string_view key) {
    std::string k(key);
    for (auto& c : k)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (std::string_view part : {"password", "secret", "ticket", "passphrase"})
        if (k.find(part) != std::string::npos)
            return true;
    return k == "otp" || k == "tfa-challenge" || k == "totp" || k == "keys" || k == "value";
}

std::string redacted_json(json::object params) {
    for (auto& [k, v] : params)
        if (secret_param(k))
            v = "*****";
    return json::serialize(params);
}

/// The authkey-style temporary upload name: /var/tmp/pveupload-<md5 hex>.
std::string upload_tmpfilename() {
    static std::atomic<unsigned> seq{0};
    digest d("md5");
    d.update(fmt::format("{}{}{}", ++seq, unix_now(), ::getpid()));
    return "/var/tmp/pveupload-" + d.hex();
}

} // namespace

// ---------------------------------------------------------------------------------------------

struct api::impl {
    const api_schema& schema;
    cluster& state;
    scheduler& sched;
    options opts;
    auth_keys keys = make_auth_keys();
    std::unordered_map<const endpoint*, handler_fn> handlers;

    impl(const api_schema& s, cluster& c, scheduler& sc, const options& o)
        : schema(s), state(c), sched(sc), opts(o) {
        for (const auto& h : modelled_endpoints()) {
            const endpoint* ep = schema.lookup(h.method, h.path);
            if (!ep)
                throw std::logic_error(fmt::format(
                    "proxmox::sim: handler for {} {} has no endpoint in the schema", h.method, h.path));
            handlers.emplace(ep, h.fn);
        }
    }

    std::optional<auth_result> verify_token(std::string_view value) const {
        // AccessControl.pm verify_token: split at the last '=', token id is USER!NAME
        const auto eq = value.rfind('=');
        if (eq == std::string_view::npos)
            return std::nullopt;
        auto tokenid = verify_api_token(state.access, value, state.now());
        if (!tokenid)
            return std::nullopt;
        auth_result a;
        a.authenticated = true;
        a.api_token = true;
        a.user = std::move(*tokenid);
        return a;
    }

    /// AnyEvent.pm extract_params: body (form or JSON), then the query string over it.
    std::optional<response> extract_params(const request_head& head,
                                           const parsed_target& target,
                                           std::string_view body,
                                           json::object& params) const {
        if (auto problem = detail::extract_params(head.method, head.content_type, target.query, body, params))
            return plain_error(501, *problem);
        return std::nullopt;
    }

    response dispatch(std::string_view method,
                      const std::string& rel_uri,
                      json::object params,
                      const auth_result& auth,
                      const upload_info* upload = nullptr);

    response dispatch_inner(std::string_view method,
                            const std::string& rel_uri,
                            json::object params,
                            const auth_result& auth,
                            const upload_info* upload);
};

api::api(cluster& state, scheduler& sched, const options& opts)
    : impl_(std::make_unique<impl>(api_schema::embedded(), state, sched, opts)) {}

api::~api() = default;

head_decision api::check_head(const request_head& head, auth_result& auth) const {
    head_decision d;
    auto respond = [&d](response r) {
        d.action = head_decision::kind::respond;
        d.answer = std::move(r);
        return d;
    };
    const auto m = head.method;
    if (m != "GET" && m != "POST" && m != "PUT" && m != "DELETE")
        return respond(plain_error(501, fmt::format("method '{}' not available", m)));

    if (!head.transfer_encoding.empty()) {
        if (iequals(head.transfer_encoding, "chunked"))
            return respond(plain_error(501, "chunked transfer encoding not supported"));
        return respond(
            plain_error(501, fmt::format("Unknown transfer encoding '{}'", head.transfer_encoding)));
    }

    auto target = parse_target(head.target);
    if (!target)
        return respond(plain_error(400, "bad request"));

    if (target->path.starts_with("/api2")) {
        std::string rel_uri, format;
        if (!split_abs_uri(target->path, rel_uri, format))
            return respond(plain_error(501, "no such uri"));

        // AnyEvent.pm authenticate_and_handle_request: the cookie first, then a ticket in the
        // Authorization header, an API token only when there is no ticket
        auto ticket = extract_auth_value(head.cookie, "PVEAuthCookie");
        if (!ticket)
            ticket = extract_auth_value(head.authorization, "PVEAuthCookie");
        std::optional<std::string> token;
        if (!ticket)
            token = extract_auth_value(head.authorization, "PVEAPIToken");

        auto unauthorized = [this, &respond](std::string_view msg) {
            response r = plain_error(401, msg);
            r.delay = impl_->opts.unauthorized_delay;
            return respond(std::move(r));
        };

        auth = auth_result{};
        auth.api_token = token.has_value();
        if (!no_auth_needed(m, rel_uri)) {
            // HTTPServer.pm auth_handler
            if (token) {
                auto verified = impl_->verify_token(*token);
                if (!verified)
                    return unauthorized("Authentication failed!");
                auth = std::move(*verified);
            } else {
                if (!ticket)
                    return unauthorized("No ticket");
                const auto now = impl_->state.now();
                auto verified = verify_ticket(impl_->keys, *ticket, "", now);
                if (!verified)
                    return unauthorized("permission denied - invalid PVE ticket");
                // (a TFA half ticket never gets here: its signature covers the user name as
                // additional data, so it does not verify without it)
                if (auto problem = check_user_enabled(impl_->state.access, verified->data, now))
                    return unauthorized(*problem);
                auth.authenticated = true;
                auth.ticket = true;
                auth.user = verified->data;
            }
            auth.upload = m == "POST" && is_upload_path(rel_uri);
            // CSRF check: not for API tokens, not for uploads
            if (m != "GET" && !(auth.api_token || auth.upload)) {
                if (!verify_csrf_token(impl_->keys, auth.user, head.csrf_token, impl_->state.now()))
                    return unauthorized("Permission denied - invalid csrf token");
            }
        }
    }

    if (head.content_length && *head.content_length > 0) {
        if (m != "PUT" && m != "POST")
            return respond(plain_error(501, fmt::format("Unexpected content for method '{}'", m)));
        const auto ct = content_type_base(head.content_type);
        if (auth.upload) {
            const auto boundary = content_type_boundary(head.content_type);
            if (!boundary || ct != "multipart/form-data") {
                d.action = head_decision::kind::swallow;
                return d;
            }
            d.action = head_decision::kind::upload;
            d.boundary = *boundary;
            return d;
        }
        if (*head.content_length > limit_max_post)
            return respond(plain_error(501, "for data too large"));
        if (!ct.empty() && ct != "application/x-www-form-urlencoded" && ct != "application/json")
            return respond(plain_error(
                506, fmt::format("upload 'Content-Type '{}' not implemented", head.content_type)));
    }
    d.action = head_decision::kind::read_body;
    return d;
}

response api::handle(const request_head& head, const auth_result& auth, std::string_view body) {
    auto target = parse_target(head.target);
    if (!target)
        return plain_error(400, "bad request");
    if (!target->path.starts_with("/api2"))
        return plain_error(501, fmt::format("no such file '{}'", target->path));

    std::string rel_uri, format;
    if (!split_abs_uri(target->path, rel_uri, format))
        return plain_error(501, "no such uri");
    if (format != "json") // the extjs/html/png formatters are not modelled
        return plain_error(501, fmt::format("no formatter for uri {}, {}", rel_uri, format));

    json::object params;
    if (auto err = impl_->extract_params(head, *target, body, params))
        return std::move(*err);
    params.erase("_dc");

    return impl_->dispatch(head.method, rel_uri, std::move(params), auth);
}

// ---------------------------------------------------------------------------------------------
// uploads

namespace {

class upload_session_impl final : public upload_session {
public:
    upload_session_impl(api::impl& api,
                        auth_result auth,
                        std::string rel_uri,
                        std::string format,
                        std::string boundary,
                        std::uint64_t content_length,
                        std::vector<std::pair<std::string, std::string>> query)
        : api_(api), auth_(std::move(auth)), rel_uri_(std::move(rel_uri)), format_(std::move(format)),
          reader_(std::move(boundary), content_length, std::move(query)) {}

    state feed(std::string_view chunk) override {
        switch (reader_.feed(chunk)) {
        case multipart_reader::state::need_more:
            return state::need_more;
        case multipart_reader::state::dropped:
            return state::drop;
        case multipart_reader::state::failed:
            answer_ = plain_error(501, reader_.error_message());
            return state::answer;
        case multipart_reader::state::done:
            answer_ = finish();
            return state::answer;
        }
        return state::drop;
    }

    response take_answer() override { return std::move(answer_); }

    std::string log_params() const override { return redacted_json(params_object()); }

private:
    json::object params_object() const {
        json::object o;
        for (const auto& [k, v] : reader_.params())
            o[k] = v;
        return o;
    }

    response finish() {
        // AnyEvent.pm handle_api2_request with the upload state's parameters
        if (format_ != "json")
            return plain_error(501, fmt::format("no formatter for uri {}, {}", rel_uri_, format_));
        json::object params = params_object();
        params.erase("_dc");
        upload_info info;
        info.tmpfilename = upload_tmpfilename();
        info.size = reader_.file_size();
        info.md5 = reader_.md5();
        info.algorithm = reader_.algorithm();
        info.checksum = reader_.checksum();
        // pveproxy passes the temporary file to pvedaemon as `tmpfilename`
        params["tmpfilename"] = info.tmpfilename;
        return api_.dispatch("POST", rel_uri_, std::move(params), auth_, &info);
    }

    api::impl& api_;
    auth_result auth_;
    std::string rel_uri_;
    std::string format_;
    multipart_reader reader_;
    response answer_;
};

} // namespace

std::unique_ptr<upload_session>
api::begin_upload(const request_head& head, const auth_result& auth, std::string boundary) {
    auto target = parse_target(head.target);
    std::string rel_uri, format;
    std::vector<std::pair<std::string, std::string>> query;
    if (target) {
        split_abs_uri(target->path, rel_uri, format);
        json::object q;
        decode_urlencoded(target->query, q);
        for (const auto& [k, v] : q) {
            if (v.is_array()) { // decode_urlencoded: repeated keys are joined with \0
                std::string joined;
                for (const auto& item : v.get_array())
                    joined +=
                        (joined.empty() ? "" : std::string(1, '\0')) + perl_scalar_text(item).value_or("");
                query.emplace_back(k, joined);
            } else {
                query.emplace_back(k, perl_scalar_text(v).value_or(""));
            }
        }
    }
    return std::make_unique<upload_session_impl>(*impl_, auth, std::move(rel_uri), std::move(format),
                                                 std::move(boundary), head.content_length.value_or(0),
                                                 std::move(query));
}

// ---------------------------------------------------------------------------------------------
// fault injection and the request log

response api::fault_response(unsigned status, std::string_view message) const {
    if (status >= 595 && status <= 599) {
        static const std::unordered_map<unsigned, std::string_view> reasons = {
            {595, "Connection refused"},
            {596, "Connection timed out"},
            {597, "Connection reset by peer"},
            {599, "Internal Server Error"}};
        std::string_view reason = message;
        if (reason.empty()) {
            auto it = reasons.find(status);
            reason = it == reasons.end() ? std::string_view("Internal Server Error") : it->second;
        }
        return plain_error(status, reason);
    }
    if (status == 401) {
        response r = plain_error(401, message.empty() ? "permission denied - invalid PVE ticket" : message);
        r.delay = impl_->opts.unauthorized_delay;
        return r;
    }
    std::string text(message);
    if (text.empty()) {
        static const std::unordered_map<unsigned, std::string_view> defaults = {
            {400, "Bad Request"},           {403, "Permission check failed"}, {404, "Not Found"},
            {500, "Internal Server Error"}, {501, "Not Implemented"},         {502, "Bad Gateway"},
            {503, "Service Unavailable"},   {504, "Gateway Timeout"}};
        auto it = defaults.find(status);
        text = it == defaults.end() ? "injected fault" : std::string(it->second);
    }
    return error_response(status, text + "\n", {});
}

std::optional<std::string> api::api_path(std::string_view target) const {
    auto t = parse_target(target);
    if (!t)
        return std::nullopt;
    std::string rel_uri, format;
    if (!split_abs_uri(t->path, rel_uri, format))
        return std::nullopt;
    return rel_uri;
}

std::string api::log_path(std::string_view target) const {
    if (auto p = api_path(target))
        return *p;
    auto t = parse_target(target);
    return t ? t->path : std::string(target.substr(0, target.find('?')));
}

std::string api::log_params(const request_head& head, std::string_view body) const {
    auto target = parse_target(head.target);
    if (!target)
        return "{}";
    json::object params;
    if (impl_->extract_params(head, *target, body, params)) {
        // the body did not parse: log the query alone
        params.clear();
        json::object query;
        decode_urlencoded(target->query, query);
        params = std::move(query);
    }
    return redacted_json(std::move(params));
}

// ---------------------------------------------------------------------------------------------

response api::impl::dispatch(std::string_view method,
                             const std::string& rel_uri,
                             json::object params,
                             const auth_result& auth,
                             const upload_info* upload) {
    response r = dispatch_inner(method, rel_uri, std::move(params), auth, upload);
    // AnyEvent.pm handle_api2_request: "always delay unauthorized calls by 3 seconds"
    if (r.status == 401)
        r.delay = opts.unauthorized_delay;
    return r;
}

response api::impl::dispatch_inner(std::string_view method,
                                   const std::string& rel_uri,
                                   json::object params,
                                   const auth_result& auth,
                                   const upload_info* upload) {
    // HTTPServer.pm rest_handler
    auto route = schema.find(method, rel_uri);
    if (!route)
        return error_response(501, fmt::format("Method '{} {}' not implemented", method, rel_uri), {});
    const endpoint& ep = *route->ep;

    json::object uri_param;
    for (auto& [name, value] : route->path_params)
        uri_param[name] = value;
    std::vector<std::string> keys;
    for (const auto& kv : params)
        keys.emplace_back(kv.key());
    std::sort(keys.begin(), keys.end());
    for (const auto& k : keys) {
        auto* existing = uri_param.if_contains(k);
        const auto& v = params.at(k);
        if (existing && !existing->is_null() && perl_scalar_text(v) != perl_scalar_text(*existing)) {
            json::object errors;
            errors[k] = "duplicate parameter (already defined in URI) with conflicting values!";
            return error_response(400, "Parameter verification failed.\n", errors);
        }
        uri_param[k] = v;
    }

    if (auth.api_token && !ep.allowtoken)
        return error_response(
            403,
            fmt::format(
                "Permission check failed (URI '{}' not available with API token, need proper ticket.\n)",
                rel_uri),
            {});

    if (auth.authenticated)
        if (auto denied = check_api_permissions(ep, uri_param, auth, state))
            return error_response(denied->status, denied->message, denied->errors);

    if (!ep.proxyto.empty()) {
        const auto* node = uri_param.if_contains(ep.proxyto);
        const auto node_name = node ? perl_scalar_text(*node) : std::nullopt;
        if (!node_name || node_name->empty()) {
            json::object errors;
            errors[ep.proxyto] = "proxyto parameter does not exist";
            return error_response(400, "Parameter verification failed.\n", errors);
        }
        if (*node_name != "localhost") {
            // pveproxy forwards to the node; a name that is no cluster member fails in DNS
            const node_state* target = state.find_node(*node_name);
            if (!target)
                return error_response(500, hostname_lookup_failed(*node_name), {});
            // an offline node: AnyEvent::HTTP cannot connect, pveproxy passes 595 on
            if (target->offline && target != &state.local_node())
                return plain_error(595, "Connection refused");
        }
    }

    // RESTHandler::handle -> JSONSchema::validate
    auto errors = schema.validate(ep, uri_param);
    if (!errors.empty())
        return error_response(400, "Parameter verification failed.\n", errors);

    auto h = handlers.find(&ep);
    if (h == handlers.end())
        return error_response(
            501, fmt::format("proxmox-sim does not implement '{} {}' yet\n", ep.method, ep.path), {});

    call_context ctx{ep, uri_param, auth, state, sched, opts, state.now(), std::nullopt, &this->keys, upload};
    try {
        json::value data = h->second(ctx);
        json::object body;
        body["data"] = std::move(data);
        if (ctx.total && *ctx.total != 0)
            body["total"] = *ctx.total;
        return json_response(200, "OK", std::move(body));
    } catch (const api_error& e) {
        return error_response(e.status, e.message, e.errors);
    } catch (const std::exception& e) {
        return error_response(500, std::string(e.what()) + "\n", {});
    }
}

} // namespace proxmox::sim::detail
