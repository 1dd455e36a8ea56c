#include "caller_text.hpp"
#include "confirmation.hpp"
#include "feature_requests.hpp"
#include "jsonrpc.hpp"
#include "log.hpp"
#include "policy.hpp"
#include "protocol.hpp"
#include "schema_validation.hpp"
#include "session.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/array.hpp>

#include <fmt/format.h>

#include <charconv>
#include <cstdint>
#include <exception>
#include <map>
#include <optional>

namespace proxmox::mcp {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

/// Receives the response to one request, or null when none must be sent (notifications,
/// cancelled calls). Called exactly once per message.
using reply_fn = std::function<void(json::value)>;

constexpr std::string_view cursor_prefix = "tools-page-";

std::string make_cursor(std::size_t offset) {
    return fmt::format("{}{}", cursor_prefix, offset);
}

std::optional<std::size_t> parse_cursor(std::string_view cursor, std::size_t count) {
    if (cursor.substr(0, cursor_prefix.size()) != cursor_prefix)
        return std::nullopt;
    cursor.remove_prefix(cursor_prefix.size());
    std::size_t offset = 0;
    auto [end, ec] = std::from_chars(cursor.data(), cursor.data() + cursor.size(), offset);
    if (ec != std::errc() || end != cursor.data() + cursor.size())
        return std::nullopt;
    if (offset == 0 || offset >= count)
        return std::nullopt;
    return offset;
}

} // namespace

struct session::impl : std::enable_shared_from_this<session::impl> {
    struct call_state {
        json::value id;
        std::string id_key;
        std::string tool;
        std::shared_ptr<asio::cancellation_signal> signal;
        reply_fn reply;
        bool cancelled = false;
        const tool_def* def = nullptr;
        call_mode mode = call_mode::execute;
        json::object args; // kept for the audit line of a write tool
        json::value progress_token;
        double last_progress = 0;
        bool progress_sent = false;
    };

    /// A request we sent the client, waiting for its answer.
    struct pending_request {
        std::shared_ptr<asio::steady_timer> wake; // cancelled when the answer arrives
        std::optional<client_answer> answer;
    };

    asio::any_io_executor executor;
    const tool_registry& tools;
    tool_context context;
    message_sink out;
    server_identity identity;
    session_options options;

    std::string version; // negotiated; empty before initialize
    bool initialized_notified = false;
    bool input_closed = false;
    bool done = false;
    std::function<void()> on_finished;
    asio::steady_timer grace_timer;

    std::uint64_t next_serial = 1;
    std::map<std::uint64_t, call_state> calls;       // every running call, cancelled ones included
    std::map<std::string, std::uint64_t> active_ids; // id_key -> serial, not yet cancelled

    json::object client_capabilities;
    log_level log_threshold;
    std::int64_t next_request_id = 1;
    std::map<std::string, pending_request> pending; // id_key of our request -> its answer
    std::map<std::string, std::shared_ptr<asio::cancellation_signal>> subscriptions; // uri -> watcher

    impl(asio::any_io_executor ex,
         const tool_registry& t,
         tool_context ctx,
         message_sink sink,
         server_identity id,
         session_options opts)
        : executor(std::move(ex)), tools(t), context(std::move(ctx)), out(std::move(sink)),
          identity(std::move(id)), options(opts), grace_timer(executor),
          log_threshold(opts.default_log_level) {}

    std::string_view effective_version() const {
        return version.empty() ? protocol::latest_version : std::string_view(version);
    }

    /// Sends `message` (nothing when it is null, unless it ends the request `related`).
    void send(const json::value& message, const std::string& related = {}, bool ends_request = false) {
        if (done || (message.is_null() && !ends_request))
            return;
        out(outgoing_message{message.is_null() ? std::string() : jsonrpc::to_line(message), related,
                             ends_request});
    }

    /// Answers one request read on its own; `key` is its id's key (empty when it has none).
    reply_fn direct_reply(std::string key) {
        return [w = weak_from_this(), key = std::move(key)](json::value v) {
            if (auto self = w.lock())
                self->send(v, key, !key.empty());
        };
    }

    // ---- input ---------------------------------------------------------------------------

    void on_line(std::string_view line) {
        if (done)
            return;
        auto parsed = jsonrpc::parse_line(line);
        switch (parsed.what) {
        case jsonrpc::parsed_line::kind::empty:
            return;
        case jsonrpc::parsed_line::kind::parse_error:
            send(jsonrpc::make_error(nullptr, jsonrpc::parse_error, "Parse error: " + parsed.error));
            return;
        case jsonrpc::parsed_line::kind::batch:
            handle_batch(parsed.value.get_array());
            return;
        case jsonrpc::parsed_line::kind::single:
            handle_message(parsed.value, {});
            return;
        }
    }

    void handle_batch(const json::array& batch) {
        std::string_view v = effective_version();
        if (version.empty() || !protocol::accepts_batches(v)) {
            send(jsonrpc::make_error(
                nullptr, jsonrpc::invalid_request,
                fmt::format("Invalid Request: JSON-RPC batches are not supported in protocol "
                            "version {}; send one message per line",
                            v)));
            return;
        }
        if (batch.empty()) {
            send(jsonrpc::make_error(nullptr, jsonrpc::invalid_request, "Invalid Request: empty batch"));
            return;
        }
        struct collector {
            std::size_t pending;
            json::array responses;
        };
        auto state = std::make_shared<collector>(collector{batch.size(), {}});
        for (const auto& item : batch) {
            auto msg = jsonrpc::classify(item); // so an error echoes only a valid id
            if (const auto* req = std::get_if<jsonrpc::request>(&msg); req && req->method == "initialize") {
                reply_batch(state, req->is_notification()
                                       ? json::value(nullptr)
                                       : jsonrpc::make_error(
                                             req->id, jsonrpc::invalid_request,
                                             "Invalid Request: initialize must not be part of a batch"));
                continue;
            }
            handle_message(item, [w = weak_from_this(), state](json::value r) {
                if (auto self = w.lock())
                    self->reply_batch(state, std::move(r));
            });
        }
    }

    template <class Collector> void reply_batch(const std::shared_ptr<Collector>& state, json::value r) {
        if (!r.is_null())
            state->responses.push_back(std::move(r));
        if (--state->pending == 0 && !state->responses.empty())
            send(json::value(std::move(state->responses)));
    }

    /// `reply` empty: the message came on its own and is answered directly.
    void handle_message(const json::value& value, reply_fn reply) {
        auto msg = jsonrpc::classify(value);
        if (!reply) {
            const json::value* id = nullptr;
            if (auto* bad = std::get_if<jsonrpc::invalid>(&msg))
                id = &bad->id;
            else if (auto* req = std::get_if<jsonrpc::request>(&msg))
                id = &req->id;
            reply = direct_reply(id && !id->is_null() ? jsonrpc::id_key(*id) : std::string());
        }
        if (auto* bad = std::get_if<jsonrpc::invalid>(&msg)) {
            reply(jsonrpc::make_error(bad->id, bad->code, bad->message));
            return;
        }
        if (const auto* r = std::get_if<jsonrpc::response>(&msg)) {
            on_client_response(*r);
            reply(nullptr);
            return;
        }
        auto& req = std::get<jsonrpc::request>(msg);
        if (req.is_notification()) {
            handle_notification(req);
            reply(nullptr);
            return;
        }
        try {
            handle_request(req, reply);
        } catch (const std::exception& e) {
            log(log_severity::error,
                fmt::format("{} failed: {}", quote_text(req.method), quote_text(e.what(), 200)));
            reply(jsonrpc::make_error(req.id, jsonrpc::internal_error, "Internal error"));
        }
    }

    // ---- notifications -------------------------------------------------------------------

    void handle_notification(const jsonrpc::request& n) {
        if (version.empty()) {
            // Nothing to act on before initialize; a notification is never answered.
            log(log_severity::debug,
                fmt::format("ignoring notification {} before initialize", quote_text(n.method)));
            return;
        }
        if (n.method == "notifications/initialized") {
            initialized_notified = true;
            return;
        }
        if (n.method == "notifications/cancelled") {
            const auto* params = n.params.if_object();
            const auto* rid = params ? params->if_contains("requestId") : nullptr;
            if (!rid || !(rid->is_string() || rid->is_int64() || rid->is_uint64()))
                return; // invalid: ignore
            cancel(jsonrpc::id_key(*rid));
            return;
        }
        log(log_severity::debug, fmt::format("ignoring notification {}", quote_text(n.method)));
    }

    void cancel(const std::string& key) {
        auto it = active_ids.find(key);
        if (it == active_ids.end())
            return; // unknown or finished: ignore (races are normal)
        auto call = calls.find(it->second);
        active_ids.erase(it);
        if (call == calls.end())
            return;
        log(log_severity::info,
            fmt::format("cancelling {} (request {})", call->second.tool, quote_text(key)));
        call->second.cancelled = true;
        auto signal = call->second.signal;
        signal->emit(asio::cancellation_type::terminal);
    }

    // ---- requests ------------------------------------------------------------------------

    void handle_request(const jsonrpc::request& req, const reply_fn& reply) {
        if (!req.params.is_null() && !req.params.is_object()) {
            reply(jsonrpc::make_error(req.id, jsonrpc::invalid_params,
                                      "Invalid params: params must be an object"));
            return;
        }
        static const json::object no_params;
        const json::object& params = req.params.is_object() ? req.params.get_object() : no_params;

        const std::string& m = req.method;
        if (m == "ping") {
            reply(jsonrpc::make_result(req.id, json::object{}));
        } else if (m == "initialize") {
            handle_initialize(req.id, params, reply);
        } else if (!offers_method(m)) {
            reply(jsonrpc::make_error(req.id, jsonrpc::method_not_found,
                                      fmt::format("Method not found: {}", quote_text(m))));
        } else if (version.empty()) {
            // The lifecycle puts initialize first; serving before it would skip version negotiation.
            reply(jsonrpc::make_error(
                req.id, jsonrpc::invalid_request,
                fmt::format("Invalid Request: {} before initialize; send initialize first", m)));
        } else if (m == "tools/list") {
            handle_tools_list(req.id, params, reply);
        } else if (m == "tools/call") {
            handle_tools_call(req.id, params, reply);
        } else if (m == "logging/setLevel") {
            handle_set_level(req.id, params, reply);
        } else if (m == "resources/list" || m == "resources/templates/list" || m == "prompts/list") {
            handle_feature_list(req.id, m, params, reply);
        } else if (m == "resources/subscribe") {
            handle_subscribe(req.id, params, reply);
        } else if (m == "resources/unsubscribe") {
            handle_unsubscribe(req.id, params, reply);
        } else if (m == "resources/read") {
            start_request(req.id, m, read_resource(*options.resources, request_context(req.id), params),
                          reply);
        } else if (m == "prompts/get") {
            start_request(req.id, m, get_prompt(*options.prompts, request_context(req.id), params), reply);
        } else { // completion/complete
            start_request(req.id, m,
                          complete_argument(options.resources.get(), options.prompts.get(),
                                            request_context(req.id), params),
                          reply);
        }
    }

    bool has_resources() const { return options.resources && !options.resources->empty(); }
    bool has_prompts() const { return options.prompts && !options.prompts->empty(); }
    bool has_completions() const {
        return (options.resources && options.resources->can_complete()) ||
               (options.prompts && options.prompts->can_complete());
    }

    /// Methods of the capabilities this server declares (others are "Method not found").
    bool offers_method(std::string_view m) const {
        if (m == "tools/list" || m == "tools/call" || m == "logging/setLevel")
            return true;
        if (m == "resources/list" || m == "resources/templates/list" || m == "resources/read" ||
            m == "resources/subscribe" || m == "resources/unsubscribe")
            return has_resources();
        if (m == "prompts/list" || m == "prompts/get")
            return has_prompts();
        if (m == "completion/complete")
            return has_completions();
        return false;
    }

    void handle_initialize(const json::value& id, const json::object& params, const reply_fn& reply) {
        if (!version.empty()) {
            reply(jsonrpc::make_error(id, jsonrpc::invalid_request,
                                      "Invalid Request: the session is already initialized"));
            return;
        }
        const auto* requested = params.if_contains("protocolVersion");
        if (!requested || !requested->is_string()) {
            reply(jsonrpc::make_error(id, jsonrpc::invalid_params,
                                      "Invalid params: initialize needs protocolVersion (a string)"));
            return;
        }
        std::string_view want = requested->get_string();
        version = protocol::negotiate(want);

        std::string client = "unknown client";
        if (const auto* info = params.if_contains("clientInfo"); info && info->is_object()) {
            const auto& o = info->get_object();
            const auto* name = o.if_contains("name");
            const auto* ver = o.if_contains("version");
            if (name && name->is_string())
                client = quote_text(name->get_string());
            if (ver && ver->is_string())
                client += fmt::format(" {}", quote_text(ver->get_string()));
        }
        log(log_severity::info, fmt::format("initialize from {}: requested protocol {}, using {}", client,
                                            quote_text(want), version));

        json::object server_info{{"name", identity.name}, {"version", identity.version}};
        if (protocol::has_structured_output(version) && !identity.title.empty())
            server_info["title"] = identity.title;
        if (const auto* caps = params.if_contains("capabilities"); caps && caps->is_object())
            client_capabilities = caps->get_object();
        json::object capabilities{{"tools", json::object{{"listChanged", false}}},
                                  {"logging", json::object{}}};
        if (has_resources())
            capabilities["resources"] = json::object{{"subscribe", true}, {"listChanged", false}};
        if (has_prompts())
            capabilities["prompts"] = json::object{{"listChanged", false}};
        if (has_completions())
            capabilities["completions"] = json::object{};
        json::object result{
            {"protocolVersion", version},
            {"capabilities", std::move(capabilities)},
            {"serverInfo", std::move(server_info)},
        };
        if (protocol::has_tool_annotations(version) && !identity.instructions.empty())
            result["instructions"] = identity.instructions;
        reply(jsonrpc::make_result(id, std::move(result)));
    }

    bool offered(const tool_def& tool) const { return !context.policy || context.policy->offers(tool); }

    void handle_tools_list(const json::value& id, const json::object& params, const reply_fn& reply) {
        std::vector<const tool_def*> listed;
        for (const auto& t : tools.tools())
            if (offered(t))
                listed.push_back(&t);
        std::size_t offset = 0;
        if (const auto* cursor = params.if_contains("cursor"); cursor && !cursor->is_null()) {
            std::optional<std::size_t> parsed;
            if (cursor->is_string())
                parsed = parse_cursor(cursor->get_string(), listed.size());
            if (!parsed) {
                reply(jsonrpc::make_error(id, jsonrpc::invalid_params,
                                          "Invalid params: unknown or expired cursor"));
                return;
            }
            offset = *parsed;
        }
        std::size_t page = options.page_size == 0 ? 1 : options.page_size;
        std::size_t end = std::min(listed.size(), offset + page);
        json::array list;
        for (std::size_t i = offset; i < end; ++i)
            list.push_back(to_json(*listed[i], effective_version()));
        json::object result{{"tools", std::move(list)}};
        if (end < listed.size())
            result["nextCursor"] = make_cursor(end);
        reply(jsonrpc::make_result(id, std::move(result)));
    }

    void handle_tools_call(const json::value& id, const json::object& params, const reply_fn& reply) {
        const auto* name = params.if_contains("name");
        if (!name || !name->is_string()) {
            reply(jsonrpc::make_error(id, jsonrpc::invalid_params,
                                      "Invalid params: tools/call needs name (a string)"));
            return;
        }
        json::object args;
        if (const auto* a = params.if_contains("arguments"); a && !a->is_null()) {
            if (!a->is_object()) {
                reply(jsonrpc::make_error(id, jsonrpc::invalid_params,
                                          "Invalid params: arguments must be an object"));
                return;
            }
            args = a->get_object();
        }
        const cluster_binding* cluster = nullptr;
        json::value cluster_name; // kept for the audit line
        if (const auto* c = args.if_contains("cluster")) {
            std::string problem;
            if (!c->is_string())
                problem = "cluster must be a string, the name of a cluster";
            else if (options.clusters.empty())
                problem = "cluster: this server serves one cluster (PROXMOX_PROFILES names several)";
            else if (auto it = options.clusters.find(c->get_string()); it == options.clusters.end())
                problem = fmt::format("cluster {} is not one of this server's clusters: {}",
                                      quote_text(c->get_string(), 40), cluster_names());
            else
                cluster = &it->second;
            if (!problem.empty()) {
                auto r = tool_result::failure(fmt::format("Invalid arguments: {}", problem));
                reply(jsonrpc::make_result(id, to_json(r, effective_version())));
                return;
            }
            cluster_name = *c;
            args.erase("cluster");
        }
        const tool_def* tool = tools.find(name->get_string());
        if (tool && !offered(*tool)) {
            auto r = tool_result::failure(fmt::format("Refused: {}.", *context.policy->refuse_tool(*tool)));
            reply(jsonrpc::make_result(id, to_json(r, effective_version())));
            return;
        }
        if (!tool) {
            std::string quoted = quote_text(name->get_string());
            reply(jsonrpc::make_error(id, jsonrpc::invalid_params, fmt::format("Unknown tool: {}", quoted),
                                      json::object{{"name", quoted}}));
            return;
        }
        std::string key = jsonrpc::id_key(id);
        if (refuse_reused_id(id, key, reply))
            return;
        if (auto problem = validate(tool->input_schema, json::value(args))) {
            auto r = tool_result::failure(
                fmt::format("Invalid arguments for {}: {}", tool->name, problem->message));
            reply(jsonrpc::make_result(id, to_json(r, effective_version())));
            return;
        }
        const std::string& unavailable = cluster ? cluster->unavailable : options.unavailable;
        if (!unavailable.empty()) {
            auto r = tool_result::failure(unavailable);
            reply(jsonrpc::make_result(id, to_json(r, effective_version())));
            return;
        }
        if (!tool->handler) {
            reply(jsonrpc::make_error(id, jsonrpc::internal_error, "Internal error: tool has no handler"));
            return;
        }
        if (refuse_when_busy(id, reply))
            return;
        json::value progress_token;
        if (const auto* meta = params.if_contains("_meta"); meta && meta->is_object())
            if (const auto* t = meta->get_object().if_contains("progressToken");
                t && (t->is_string() || t->is_int64() || t->is_uint64()))
                progress_token = *t;
        start_call(id, key, *tool, std::move(args), reply, std::move(progress_token), cluster, cluster_name);
    }

    /// Refuses a request whose id a running request still uses (answers it; true when refused).
    bool refuse_reused_id(const json::value& id, const std::string& key, const reply_fn& reply) {
        if (!active_ids.count(key))
            return false;
        reply(jsonrpc::make_error(id, jsonrpc::invalid_request,
                                  "Invalid Request: this id is already used by a running request"));
        return true;
    }

    /// Refuses a request when max_calls are running: each holds memory and maybe a connection.
    bool refuse_when_busy(const json::value& id, const reply_fn& reply) {
        if (calls.size() < options.max_calls)
            return false;
        reply(jsonrpc::make_error(
            id, jsonrpc::server_busy,
            fmt::format("Server busy: {} calls are running; retry once some have answered", calls.size())));
        return true;
    }

    std::string cluster_names() const {
        std::string out;
        for (const auto& [name, binding] : options.clusters) {
            (void)binding;
            out += out.empty() ? name : ", " + name;
        }
        return out;
    }

    static call_mode mode_for(const tool_def& tool, const json::object& args) {
        if (tool.safety == tool_safety::read)
            return call_mode::execute;
        auto flag = [&](std::string_view k) {
            const auto* v = args.if_contains(k);
            return v && v->is_bool() && v->get_bool();
        };
        if (flag("dry_run")) // a preview never writes, confirmed or not
            return call_mode::preview;
        return flag("confirm") ? call_mode::execute : call_mode::unconfirmed;
    }

    /// Sends notifications/progress for a running call; drops values that do not increase.
    void
    report_progress(std::uint64_t serial, double progress, std::optional<double> total, std::string message) {
        auto it = calls.find(serial);
        if (it == calls.end() || it->second.cancelled || it->second.progress_token.is_null())
            return;
        auto& call = it->second;
        if (call.progress_sent && progress <= call.last_progress)
            return;
        call.last_progress = progress;
        call.progress_sent = true;
        json::object p{{"progressToken", call.progress_token}, {"progress", progress}};
        if (total)
            p["total"] = *total;
        if (!message.empty() && protocol::has_tool_annotations(effective_version()))
            p["message"] = quote_text(message, 500);
        send(json::object{{"jsonrpc", "2.0"}, {"method", "notifications/progress"}, {"params", std::move(p)}},
             call.id_key);
    }

    void start_call(const json::value& id,
                    const std::string& key,
                    const tool_def& tool,
                    json::object args,
                    const reply_fn& reply,
                    json::value progress_token,
                    const cluster_binding* cluster = nullptr,
                    const json::value& cluster_name = nullptr) {
        std::uint64_t serial = next_serial++;
        auto signal = std::make_shared<asio::cancellation_signal>();
        call_state state{id, key, tool.name, signal, reply, false};
        state.def = &tool;
        state.mode = mode_for(tool, args);
        // What the audit line shows of an executed write: its arguments and the cluster it named.
        json::object audited;
        if (tool.safety != tool_safety::read && options.audit) {
            audited = args;
            if (!cluster_name.is_null())
                audited["cluster"] = cluster_name;
        }
        if (state.mode == call_mode::execute)
            state.args = audited;
        state.progress_token = std::move(progress_token);
        calls.emplace(serial, std::move(state));
        active_ids.emplace(key, serial);

        tool_context ctx = cluster ? cluster->context : context;
        const auto& preview_client = cluster ? cluster->preview_client : options.preview_client;
        ctx.mode = calls.at(serial).mode;
        ctx.tool = tool.name;
        ctx.waits = tool.waits;
        ctx.peer = make_peer(key);
        tool_context execute_ctx = ctx; // used when the user confirms
        if (ctx.mode != call_mode::execute && preview_client)
            ctx.client = preview_client;
        if (!calls.at(serial).progress_token.is_null())
            ctx.progress = [w = weak_from_this(), serial](double progress, std::optional<double> total,
                                                          std::string message) {
                if (auto self = w.lock())
                    self->report_progress(serial, progress, total, std::move(message));
            };
        log(log_severity::debug, fmt::format("tools/call {} (request {})", tool.name, quote_text(key)));

        auto completion = [w = weak_from_this(), ex = executor, serial, signal](std::exception_ptr ep,
                                                                                tool_result result) {
            if (auto self = w.lock())
                self->finish_call(serial, ep, std::move(result));
            // co_spawn's cancellation state lives in `signal`'s slot and is released after this
            // handler returns: keep the signal alive until then.
            asio::post(ex, [signal] {});
        };
        asio::awaitable<tool_result> work;
        if (ctx.mode == call_mode::unconfirmed && options.ask_to_confirm && can_ask_user(ctx.peer)) {
            ctx.mode = call_mode::preview;
            execute_ctx.mode = call_mode::execute;
            auto on_confirmed = [w = weak_from_this(), serial, audited = std::move(audited)] {
                auto self = w.lock();
                auto it = self ? self->calls.find(serial) : decltype(self->calls.end()){};
                if (!self || it == self->calls.end())
                    return;
                it->second.mode = call_mode::execute; // audited as executed from here on
                it->second.args = audited;
            };
            work = confirm_then_run(tool, std::move(ctx), std::move(execute_ctx), std::move(args),
                                    std::move(on_confirmed), options.client_request_timeout);
        } else {
            work = tool.handler(std::move(ctx), std::move(args));
        }
        asio::co_spawn(executor, std::move(work),
                       asio::bind_cancellation_slot(signal->slot(), std::move(completion)));
    }

    /// Removes a finished call or request from the tables (nullopt when it is gone already).
    std::optional<call_state> take_call(std::uint64_t serial) {
        auto it = calls.find(serial);
        if (it == calls.end())
            return std::nullopt;
        call_state call = std::move(it->second);
        calls.erase(it);
        if (auto a = active_ids.find(call.id_key); a != active_ids.end() && a->second == serial)
            active_ids.erase(a);
        return call;
    }

    void finish_call(std::uint64_t serial, std::exception_ptr ep, tool_result result) {
        auto taken = take_call(serial);
        if (!taken)
            return;
        call_state& call = *taken;

        if (call.def && call.def->safety != tool_safety::read && call.mode == call_mode::execute &&
            options.audit) {
            tool_result audited = result;
            if (ep || call.cancelled)
                audited =
                    tool_result::failure(call.cancelled ? "cancelled by the client" : "failed unexpectedly");
            options.audit(
                audit_line(std::chrono::system_clock::now(), call.tool, call.mode, call.args, audited));
        }
        if (call.cancelled) {
            call.reply(nullptr); // cancelled: no response
        } else {
            if (ep) {
                std::string what = "unknown error";
                try {
                    std::rethrow_exception(ep);
                } catch (const std::exception& e) {
                    what = e.what();
                } catch (...) {
                }
                what = quote_text(what, 200); // exception texts may carry argument values
                log(log_severity::error, fmt::format("{} failed: {}", call.tool, what));
                result = tool_result::failure(fmt::format("{} failed unexpectedly: {}", call.tool, what));
            }

            call.reply(jsonrpc::make_result(call.id, to_json(result, effective_version())));
        }
        maybe_finish();
    }

    // ---- logging, resources, prompts, completions ----------------------------------------

    void handle_set_level(const json::value& id, const json::object& params, const reply_fn& reply) {
        const auto* level = params.if_contains("level");
        std::optional<log_level> parsed;
        if (level && level->is_string())
            parsed = parse_log_level(level->get_string());
        if (!parsed) {
            reply(jsonrpc::make_error(id, jsonrpc::invalid_params,
                                      "Invalid params: level must be one of debug, info, notice, warning, "
                                      "error, critical, alert, emergency"));
            return;
        }
        log_threshold = *parsed;
        reply(jsonrpc::make_result(id, json::object{}));
    }

    /// Sends notifications/message when the client wants this level; `related` ties it to a call.
    void send_log(log_level level, json::value data, const std::string& related) {
        if (level < log_threshold)
            return;
        json::object p{{"level", to_string(level)}, {"logger", identity.name}, {"data", std::move(data)}};
        send(jsonrpc::make_notification("notifications/message", std::move(p)), related);
    }

    /// resources/list, resources/templates/list and prompts/list: everything fits on one page.
    void handle_feature_list(const json::value& id,
                             const std::string& method,
                             const json::object& params,
                             const reply_fn& reply) {
        if (const auto* cursor = params.if_contains("cursor"); cursor && !cursor->is_null()) {
            reply(jsonrpc::make_error(id, jsonrpc::invalid_params,
                                      "Invalid params: unknown or expired cursor"));
            return;
        }
        json::array items;
        std::string_view key;
        if (method == "resources/list") {
            key = "resources";
            for (const auto& r : options.resources->resources())
                items.push_back(to_json(r));
        } else if (method == "resources/templates/list") {
            key = "resourceTemplates";
            for (const auto& t : options.resources->templates())
                items.push_back(to_json(t));
        } else {
            key = "prompts";
            for (const auto& p : options.prompts->prompts())
                items.push_back(to_json(p, effective_version()));
        }
        reply(jsonrpc::make_result(id, json::object{{key, std::move(items)}}));
    }

    void handle_subscribe(const json::value& id, const json::object& params, const reply_fn& reply) {
        auto uri = read_uri_param(params);
        if (uri.problem) {
            reply(jsonrpc::make_error(id, uri.problem->code, uri.problem->message));
            return;
        }
        auto match = options.resources->find(uri.uri);
        if (!match) {
            reply(jsonrpc::make_error(id, resource_not_found,
                                      fmt::format("Resource not found: {}", quote_text(uri.uri, 200)),
                                      json::object{{"uri", uri.uri}}));
            return;
        }
        if (!match->watcher()) {
            reply(jsonrpc::make_error(
                id, jsonrpc::invalid_params,
                fmt::format("Invalid params: {} does not change while you watch it; read it again instead",
                            quote_text(uri.uri, 200))));
            return;
        }
        if (subscriptions.count(uri.uri)) {
            reply(jsonrpc::make_result(id, json::object{}));
            return;
        }
        if (subscriptions.size() >= options.max_subscriptions) {
            reply(jsonrpc::make_error(id, jsonrpc::invalid_params,
                                      fmt::format("Invalid params: {} subscriptions are active; unsubscribe "
                                                  "from one first",
                                                  subscriptions.size())));
            return;
        }
        auto signal = std::make_shared<asio::cancellation_signal>();
        subscriptions.emplace(uri.uri, signal);
        auto changed = [w = weak_from_this(), u = uri.uri] {
            if (auto self = w.lock(); self && self->subscriptions.count(u))
                self->send(
                    jsonrpc::make_notification("notifications/resources/updated", json::object{{"uri", u}}));
        };
        auto watching =
            match->watcher()(request_context(nullptr), uri.uri, std::move(match->variables), changed);
        asio::co_spawn(
            executor, std::move(watching),
            asio::bind_cancellation_slot(signal->slot(), [w = weak_from_this(), u = uri.uri, signal,
                                                          ex = executor](std::exception_ptr) {
                if (auto self = w.lock())
                    if (auto it = self->subscriptions.find(u);
                        it != self->subscriptions.end() && it->second == signal)
                        self->subscriptions.erase(it);
                asio::post(ex, [signal] {}); // the slot is released after this returns
            }));
        reply(jsonrpc::make_result(id, json::object{}));
    }

    void handle_unsubscribe(const json::value& id, const json::object& params, const reply_fn& reply) {
        auto uri = read_uri_param(params);
        if (uri.problem) {
            reply(jsonrpc::make_error(id, uri.problem->code, uri.problem->message));
            return;
        }
        if (auto it = subscriptions.find(uri.uri); it != subscriptions.end()) {
            auto signal = it->second;
            subscriptions.erase(it);
            signal->emit(asio::cancellation_type::terminal);
        }
        reply(jsonrpc::make_result(id, json::object{}));
    }

    /// The context of a request other than a tool call (resource reads, prompts, completions).
    tool_context request_context(const json::value& id) {
        tool_context ctx = context;
        ctx.peer = make_peer(id.is_null() ? std::string() : jsonrpc::id_key(id));
        return ctx;
    }

    /// Runs one request other than tools/call as a cancellable coroutine.
    void start_request(const json::value& id,
                       const std::string& method,
                       asio::awaitable<rpc_outcome> work,
                       const reply_fn& reply) {
        std::string key = jsonrpc::id_key(id);
        if (refuse_reused_id(id, key, reply) || refuse_when_busy(id, reply))
            return;
        std::uint64_t serial = next_serial++;
        auto signal = std::make_shared<asio::cancellation_signal>();
        calls.emplace(serial, call_state{id, key, method, signal, reply, false});
        active_ids.emplace(key, serial);
        auto completion = [w = weak_from_this(), ex = executor, serial, signal](std::exception_ptr ep,
                                                                                rpc_outcome outcome) {
            if (auto self = w.lock())
                self->finish_request(serial, ep, std::move(outcome));
            asio::post(ex, [signal] {});
        };
        asio::co_spawn(executor, std::move(work),
                       asio::bind_cancellation_slot(signal->slot(), std::move(completion)));
    }

    void finish_request(std::uint64_t serial, std::exception_ptr ep, rpc_outcome outcome) {
        auto taken = take_call(serial);
        if (!taken)
            return;
        call_state& call = *taken;
        if (call.cancelled) {
            call.reply(nullptr);
        } else if (ep) {
            log(log_severity::error, fmt::format("{} failed unexpectedly", call.tool));
            call.reply(jsonrpc::make_error(call.id, jsonrpc::internal_error, "Internal error"));
        } else if (outcome.code != 0) {
            call.reply(jsonrpc::make_error(call.id, outcome.code, outcome.message, std::move(outcome.data)));
        } else {
            call.reply(jsonrpc::make_result(call.id, std::move(outcome.result)));
        }
        maybe_finish();
    }

    // ---- requests to the client ----------------------------------------------------------

    call_peer make_peer(std::string related) {
        call_peer peer;
        std::weak_ptr<impl> w = weak_from_this();
        peer.wants = [w](log_level level) {
            auto self = w.lock();
            return self && level >= self->log_threshold;
        };
        peer.log = [w, related](log_level level, json::value data) {
            if (auto self = w.lock())
                self->send_log(level, std::move(data), related);
        };
        peer.request = [w, related, cap = options.client_request_timeout](
                           std::string method, json::object params, std::chrono::milliseconds timeout) {
            return ask_client(w, related, std::move(method), std::move(params), std::min(timeout, cap));
        };
        peer.close_stream = [w, related] {
            auto self = w.lock();
            if (self && !self->done && !related.empty())
                self->out(outgoing_message{std::string(), related, false, true});
        };
        peer.capabilities = client_capabilities;
        peer.version = std::string(effective_version());
        return peer;
    }

    static asio::awaitable<client_answer> ask_client(std::weak_ptr<impl> w,
                                                     std::string related,
                                                     std::string method,
                                                     json::object params,
                                                     std::chrono::milliseconds timeout) {
        auto self = w.lock();
        if (!self || self->done)
            co_return client_answer{false, nullptr, "the session has ended"};
        json::value id = self->next_request_id++;
        std::string key = jsonrpc::id_key(id);
        auto wake = std::make_shared<asio::steady_timer>(self->executor);
        wake->expires_after(timeout);
        self->pending.emplace(key, pending_request{wake, std::nullopt});
        self->send(
            json::object{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}},
            related);
        boost::system::error_code ec;
        co_await wake->async_wait(asio::redirect_error(asio::use_awaitable, ec));
        auto node = self->pending.extract(key);
        if (node && node.mapped().answer)
            co_return std::move(*node.mapped().answer);
        std::string why = ec ? "cancelled" : fmt::format("no answer within {} s", timeout.count() / 1000);
        self->send(jsonrpc::make_notification("notifications/cancelled",
                                              json::object{{"requestId", id}, {"reason", why}}),
                   related);
        co_return client_answer{false, nullptr, fmt::format("{}: {}", method, why)};
    }

    void on_client_response(const jsonrpc::response& r) {
        auto it = r.id.is_null() ? pending.end() : pending.find(jsonrpc::id_key(r.id));
        if (it == pending.end()) {
            log(log_severity::debug,
                fmt::format("ignoring a response to no request of ours (id {})", r.id_text));
            return;
        }
        client_answer answer;
        if (!r.error.is_null()) {
            const auto* e = r.error.if_object();
            const auto* message = e ? e->if_contains("message") : nullptr;
            answer.error =
                fmt::format("the client answered an error: {}", message && message->is_string()
                                                                    ? quote_text(message->get_string(), 200)
                                                                    : std::string("(no message)"));
        } else if (r.result.is_object()) {
            answer.ok = true;
            answer.result = r.result;
        } else {
            answer.error = "the client's result is not an object";
        }
        it->second.answer = std::move(answer);
        it->second.wake->cancel();
    }

    // ---- end of session ------------------------------------------------------------------

    void on_input_closed() {
        if (done || input_closed)
            return;
        input_closed = true;
        if (calls.empty()) {
            finish();
            return;
        }
        log(log_severity::info, fmt::format("stdin closed; {} call(s) still running get {} ms", calls.size(),
                                            options.eof_grace.count()));
        grace_timer.expires_after(options.eof_grace);
        grace_timer.async_wait([w = weak_from_this()](boost::system::error_code ec) {
            if (ec)
                return;
            if (auto self = w.lock())
                self->shutdown();
        });
    }

    void maybe_finish() {
        if (input_closed && calls.empty())
            finish();
    }

    void shutdown() {
        if (done)
            return;
        for (auto& [serial, call] : calls) {
            (void)serial;
            if (call.cancelled)
                continue;
            call.cancelled = true;
            auto signal = call.signal;
            signal->emit(asio::cancellation_type::terminal);
        }
        active_ids.clear();
        for (auto& [uri, signal] : subscriptions) {
            (void)uri;
            signal->emit(asio::cancellation_type::terminal);
        }
        subscriptions.clear();
        finish();
    }

    void finish() {
        if (done)
            return;
        done = true;
        grace_timer.cancel();
        if (on_finished) {
            auto cb = std::move(on_finished);
            cb();
        }
    }
};

session::session(asio::any_io_executor executor,
                 const tool_registry& tools,
                 tool_context context,
                 line_sink out,
                 server_identity identity,
                 session_options options)
    : session(std::move(executor),
              tools,
              std::move(context),
              message_sink([out = std::move(out)](outgoing_message m) {
                  if (!m.line.empty())
                      out(std::move(m.line));
              }),
              std::move(identity),
              std::move(options)) {}

session::session(asio::any_io_executor executor,
                 const tool_registry& tools,
                 tool_context context,
                 message_sink out,
                 server_identity identity,
                 session_options options)
    : impl_(std::make_shared<impl>(
          std::move(executor), tools, std::move(context), std::move(out), std::move(identity), options)) {}

session::~session() {
    // Running coroutines hold only weak references; make them answer nothing.
    impl_->done = true;
    impl_->grace_timer.cancel();
}

void session::on_line(std::string_view line) {
    impl_->on_line(line);
}

void session::on_oversized_line() {
    impl_->send(jsonrpc::make_error(nullptr, jsonrpc::parse_error, "Parse error: message too large"));
}

void session::log_to_client(log_level level, boost::json::value data) {
    impl_->send_log(level, std::move(data), std::string());
}

void session::on_input_closed() {
    impl_->on_input_closed();
}
void session::shutdown() {
    impl_->shutdown();
}
void session::set_on_finished(std::function<void()> callback) {
    impl_->on_finished = std::move(callback);
}
const std::string& session::protocol_version() const noexcept {
    return impl_->version;
}
bool session::client_initialized() const noexcept {
    return impl_->initialized_notified;
}
std::size_t session::calls_in_flight() const noexcept {
    return impl_->calls.size();
}
bool session::finished() const noexcept {
    return impl_->done;
}

} // namespace proxmox::mcp
