#include "core/auth.hpp"
#include "core/client_state.hpp"
#include "core/encoding.hpp"
#include "core/envelope.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

namespace proxmox::detail {

state_ptr make_client_state(boost::asio::any_io_executor executor, client_options options) {
    auto state = std::make_shared<client_state>();
    // With thread_safe, all of the client's work (pool, retries, tasks) is serialized on a strand.
    state->executor = executor;
    if (options.thread_safe)
        state->executor = boost::asio::make_strand(executor);
    state->options = std::move(options);
    auto& opts = state->options;
    if (auto ok = setup_auth(*state); !ok)
        state->config_error = ok.error();
    if (opts.custom_transport) {
        state->transport = opts.custom_transport;
    } else if (auto t = make_https_transport(state->executor, opts)) {
        state->transport = *t;
    } else if (!state->config_error) {
        state->config_error = t.error();
    }
    return state;
}

boost::asio::any_io_executor state_executor(const state_ptr& state) {
    return state->executor;
}

boost::asio::awaitable<result<api_response>>
request_once(state_ptr state, http_method method, std::string path, request_params params);

namespace {
boost::asio::awaitable<result<http_response>> send(std::shared_ptr<transport> t, http_request req) {
    return boost::asio::async_initiate<decltype(boost::asio::use_awaitable), void(result<http_response>)>(
        [t](auto h, http_request r) { t->async_send(std::move(r), std::move(h)); },
        boost::asio::use_awaitable, std::move(req));
}
} // namespace

bool retryable(const error& e, http_method method, const retry_policy& policy) {
    if (method != http_method::get && !policy.retry_writes)
        return false;
    if (e.code == errc::outcome_unknown)
        return true; // retry_writes: the caller accepts a second run
    if (e.http_status != 0)
        return e.code == errc::proxy_unreachable || e.http_status == 503;
    if (e.code.category() == proxmox_category())
        return e.code == errc::timeout; // TLS and option errors do not heal by themselves
    return e.code != boost::asio::error::operation_aborted;
}

std::chrono::milliseconds backoff(client_state& state, unsigned attempt) {
    const auto& p = state.options.retry;
    auto base = p.initial_backoff;
    for (unsigned i = 1; i < attempt && base < p.max_backoff; ++i)
        base *= 2;
    base = std::min(base, p.max_backoff);
    // "Equal jitter": half fixed, half random, so clients that failed together spread out.
    std::uniform_int_distribution<long long> spread(0, base.count() / 2);
    return std::chrono::milliseconds(base.count() - base.count() / 2 + spread(state.jitter));
}

boost::asio::awaitable<result<api_response>>
request(state_ptr state, http_method method, std::string path, request_params params) {
    const auto& policy = state->options.retry;
    const auto started = std::chrono::steady_clock::now();
    boost::asio::steady_timer timer(state->executor);
    for (unsigned attempt = 1;; ++attempt) {
        auto answer = co_await request_once(state, method, path, params);
        if (answer || attempt >= policy.max_attempts || !retryable(answer.error(), method, policy))
            co_return answer;
        if (co_await cancel_requested())
            co_return answer;
        auto delay = backoff(*state, attempt);
        if (std::chrono::steady_clock::now() + delay - started > policy.max_total)
            co_return answer;
        if (state->options.logger)
            state->options.logger(log_level::info, fmt::format("retrying in {} ms after: {}", delay.count(),
                                                               answer.error().to_string()));
        timer.expires_after(delay);
        auto [ec] = co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
        if (ec)
            co_return answer;
    }
}

boost::asio::awaitable<result<api_response>>
request(state_ptr state, http_method method, gen::encoded_request req) {
    if (!req.path_error.empty()) {
        error e = make_error(errc::invalid_argument, std::move(req.path_error));
        e.method = std::string(to_string(method));
        e.path = std::move(req.path); // the placeholder of the bad parameter is still in it
        co_return e;
    }
    auto answer = co_await request(std::move(state), method, std::move(req.path), std::move(req.params));
    co_return answer;
}

http_request form_request(const request_params& params) {
    http_request req;
    if (params.empty())
        return req;
    req.content_type = "application/x-www-form-urlencoded";
    req.body = encode_params(params);
    return req;
}

boost::asio::awaitable<result<api_response>>
request_once(state_ptr state, http_method method, std::string path, request_params params) {
    const bool params_in_query = method == http_method::get || method == http_method::del;
    http_request req = params_in_query ? http_request{} : form_request(params);
    // g++ 12 destroys temporaries inside a co_await expression twice: build the query first.
    request_params query;
    if (params_in_query)
        query = std::move(params);
    auto answer =
        co_await send_request(std::move(state), method, std::move(path), std::move(query), std::move(req));
    co_return answer;
}

boost::asio::awaitable<result<api_response>> send_request(state_ptr state,
                                                          http_method method,
                                                          std::string path,
                                                          request_params query,
                                                          http_request req,
                                                          bool authenticate) {
    if (state->config_error)
        co_return *state->config_error;
    req.method = method;
    req.target = make_target(path, query);
    req.headers.emplace_back("Accept", "application/json");
    for (bool relogged = false;;) {
        http_request attempt = req;
        if (authenticate) {
            auto authorized = co_await authorize(state, method, attempt);
            if (!authorized) {
                error e = authorized.error();
                if (e.method.empty()) {
                    e.method = std::string(to_string(method));
                    e.path = path;
                }
                co_return e;
            }
        }
        auto response = co_await send(state->transport, std::move(attempt));
        if (!response) {
            error e = std::move(response).error();
            e.method = std::string(to_string(method));
            e.path = path;
            co_return e;
        }
        // An expired ticket answers 401 before anything ran: log in again, once.
        if (response->status == 401 && authenticate && !relogged && forget_ticket(*state)) {
            relogged = true;
            continue;
        }
        co_return read_envelope(method, path, *response);
    }
}

result<task_handle> task_from(const state_ptr& state, const api_response& response, std::string_view path) {
    const auto* text = response.data.if_string();
    if (!text)
        return make_error(errc::protocol_error, fmt::format("POST {} did not answer a task UPID", path));
    auto id = upid::parse(*text);
    if (!id)
        return id.error();
    return task_handle(state, std::move(*id));
}

void op_request(const state_ptr& state,
                http_method method,
                std::string path,
                request_params params,
                handler<api_response> h) {
    auto encoded = encode_path(path);
    if (!encoded) {
        error e = encoded.error();
        e.method = std::string(to_string(method));
        spawn(
            state, [](error failed) -> boost::asio::awaitable<result<api_response>> { co_return failed; }(e),
            std::move(h));
        return;
    }
    spawn(state, request(state, method, std::move(*encoded), std::move(params)), std::move(h));
}

} // namespace proxmox::detail
