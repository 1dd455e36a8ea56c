#include "core/auth.hpp"
#include "core/encoding.hpp"
#include "core/json_read.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

namespace proxmox::detail {
namespace {

using boost::asio::awaitable;
using clock = std::chrono::steady_clock;

/// PVE's tickets live 2 hours; past that a renewal cannot work and a full login is needed.
constexpr auto ticket_lifetime = std::chrono::hours(2);

error login_error(const password_login& login, const error& cause) {
    // Built from PVE's answer only: the request carried the password, the error must not.
    error e = make_error(cause.http_status == 401 ? make_error_code(errc::auth_failed) : cause.code,
                         fmt::format("login as {} failed: {}", login.userid,
                                     cause.message.empty() ? cause.code.message() : cause.message));
    e.http_status = cause.http_status;
    e.method = "POST";
    e.path = "/access/ticket";
    return e;
}

/// POST /access/ticket; completes two-factor authentication when PVE asks for it.
awaitable<result<void>> login(state_ptr state, bool renew) {
    const auto& login = *state->options.login;
    auto& session = *state->session;
    request_params params;
    params.add("username", login.userid);
    params.add("password", renew ? session.ticket : login.password);
    auto answer =
        co_await send_request(state, http_method::post, "/access/ticket", {}, form_request(params), false);
    if (!answer)
        co_return login_error(login, answer.error());
    auto data = as_object_or_empty(answer->data);

    if (read_bool(data, "NeedTFA")) {
        if (!login.second_factor)
            co_return make_error(
                errc::auth_failed,
                fmt::format("login as {} needs a second factor; set password_login::second_factor",
                            login.userid));
        std::string response;
        try {
            response = login.second_factor();
        } catch (const std::exception& e) {
            co_return make_error(errc::auth_failed, fmt::format("login as {}: second_factor failed: {}",
                                                                login.userid, e.what()));
        }
        if (response.find(':') == std::string::npos)
            response = "totp:" + response;
        request_params tfa;
        tfa.add("username", login.userid);
        tfa.add("tfa-challenge", read_string(data, "ticket"));
        tfa.add("password", response);
        auto completed =
            co_await send_request(state, http_method::post, "/access/ticket", {}, form_request(tfa), false);
        if (!completed)
            co_return login_error(login, completed.error());
        data = as_object_or_empty(completed->data);
    }

    auto ticket = read_string(data, "ticket");
    auto csrf = read_string(data, "CSRFPreventionToken");
    if (ticket.empty() || csrf.empty() || ticket.starts_with("PVE:!tfa!"))
        co_return make_error(
            errc::protocol_error,
            fmt::format("login as {}: /access/ticket answered without a usable ticket", login.userid));
    session.ticket = std::move(ticket);
    session.csrf = std::move(csrf);
    session.obtained = clock::now();
    if (state->options.logger)
        state->options.logger(
            log_level::info,
            fmt::format("{} as {}", renew ? "renewed the ticket" : "logged in", login.userid));
    co_return result<void>{};
}

/// Ends a login: clears the flag and wakes the requests that waited for it, also when the
/// login coroutine unwinds.
struct login_done {
    ticket_session& session;
    ~login_done() {
        session.login_running = false;
        for (auto& w : session.waiters)
            w->cancel();
        session.waiters.clear();
    }
};

/// Logs in, or renews, unless the current ticket is fresh. One login runs at a time.
awaitable<result<void>> ensure_ticket(state_ptr state) {
    auto& session = *state->session;
    const auto& login_options = *state->options.login;
    for (;;) {
        if (co_await cancel_requested())
            co_return make_error(boost::asio::error::operation_aborted, "login cancelled");
        const auto age = clock::now() - session.obtained;
        if (!session.ticket.empty() && age < login_options.renew_after)
            co_return result<void>{};
        if (session.login_running) {
            auto waiter =
                std::make_shared<boost::asio::steady_timer>(state->executor, clock::time_point::max());
            session.waiters.push_back(waiter);
            auto [ec] = co_await waiter->async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
            if (!session.login_running)
                continue; // woken: look again
            std::erase(session.waiters, waiter);
            co_return make_error(ec ? ec : boost::asio::error::operation_aborted,
                                 "waiting for the login was cancelled");
        }
        session.login_running = true;
        login_done done{session}; // on every way out: let the waiting requests go on
        const bool can_renew = !session.ticket.empty() && age < ticket_lifetime;
        auto outcome = co_await login(state, can_renew);
        if (!outcome && can_renew && outcome.error().code != boost::asio::error::operation_aborted)
            outcome = co_await login(state, false); // renewal refused: log in afresh
        co_return outcome;
    }
}

} // namespace

result<void> setup_auth(client_state& state) {
    auto& opts = state.options;
    if (!opts.token.id.empty() || !opts.login) {
        if (auto ok = opts.token.validate(); !ok) {
            error e = ok.error();
            e.message =
                "client_options.token: " + e.message +
                (opts.token.id.empty() ? " (set a token, or client_options.login for a password)" : "");
            return e;
        }
        state.authorization = "PVEAPIToken=" + opts.token.id + "=" + opts.token.secret;
        return {};
    }
    if (auto ok = opts.login->validate(); !ok) {
        error e = ok.error();
        e.message = "client_options.login: " + e.message;
        return e;
    }
    state.session.emplace();
    return {};
}

awaitable<result<void>> authorize(state_ptr state, http_method method, http_request& req) {
    if (!state->session) {
        req.headers.emplace_back("Authorization", state->authorization);
        co_return result<void>{};
    }
    auto ready = co_await ensure_ticket(state);
    if (!ready)
        co_return ready;
    req.headers.emplace_back("Cookie", "PVEAuthCookie=" + encode_component(state->session->ticket));
    if (method != http_method::get)
        req.headers.emplace_back("CSRFPreventionToken", state->session->csrf);
    co_return result<void>{};
}

bool forget_ticket(client_state& state) {
    if (!state.session || state.session->login_running)
        return false;
    state.session->ticket.clear();
    state.session->csrf.clear();
    return true;
}

} // namespace proxmox::detail
