#include "core/client_state.hpp"

#include "core/encoding.hpp"
#include "core/envelope.hpp"

#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

namespace proxmox::detail {

state_ptr make_client_state(boost::asio::any_io_executor executor, client_options options) {
    auto state = std::make_shared<client_state>();
    state->executor = executor;
    state->options = std::move(options);
    auto& opts = state->options;
    if (auto ok = opts.token.validate(); !ok) {
        state->config_error = ok.error();
        state->config_error->message = "client_options.token: " + state->config_error->message;
    } else {
        state->authorization = "PVEAPIToken=" + opts.token.id + "=" + opts.token.secret;
    }
    if (opts.custom_transport) {
        state->transport = opts.custom_transport;
    } else if (auto t = make_https_transport(executor, opts)) {
        state->transport = *t;
    } else if (!state->config_error) {
        state->config_error = t.error();
    }
    return state;
}

boost::asio::any_io_executor state_executor(const state_ptr& state) { return state->executor; }

error internal_error(std::exception_ptr e) {
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& ex) {
        return make_error(errc::protocol_error, fmt::format("internal error: {}", ex.what()));
    } catch (...) {
        return make_error(errc::protocol_error, "internal error: unknown exception");
    }
}

namespace {
boost::asio::awaitable<result<http_response>> send(std::shared_ptr<transport> t, http_request req) {
    return boost::asio::async_initiate<decltype(boost::asio::use_awaitable), void(result<http_response>)>(
        [t](auto h, http_request r) { t->async_send(std::move(r), std::move(h)); }, boost::asio::use_awaitable,
        std::move(req));
}
} // namespace

boost::asio::awaitable<result<api_response>> request(state_ptr state, http_method method, std::string path,
                                                     request_params params) {
    if (state->config_error) co_return *state->config_error;
    const bool params_in_query = method == http_method::get || method == http_method::del;
    auto target = make_target(path, params_in_query ? params : request_params{});
    if (!target) co_return target.error();

    http_request req;
    req.method = method;
    req.target = std::move(*target);
    req.headers.emplace_back("Authorization", state->authorization);
    req.headers.emplace_back("Accept", "application/json");
    if (!params_in_query && !params.empty()) {
        req.content_type = "application/x-www-form-urlencoded";
        req.body = encode_params(params);
    }
    auto response = co_await send(state->transport, std::move(req));
    if (!response) {
        error e = std::move(response).error();
        e.method = std::string(to_string(method));
        e.path = path;
        co_return e;
    }
    co_return read_envelope(method, path, *response);
}

void op_request(const state_ptr& state, http_method method, std::string path, request_params params,
                handler<api_response> h) {
    spawn(state, request(state, method, std::move(path), std::move(params)), std::move(h));
}

} // namespace proxmox::detail
