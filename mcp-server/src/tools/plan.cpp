#include "audit.hpp"
#include "refusal.hpp"
#include "tools/plan.hpp"
#include "tools/task_wait.hpp"

#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace proxmox::mcp::tools {

namespace asio = boost::asio;

void write_plan::check(std::string what, bool ok, std::string detail) {
    checks_.push_back({std::move(what), ok, std::move(detail)});
}

void write_plan::add(proxmox::http_method method, proxmox::gen::encoded_request request) {
    requests_.push_back({method, std::move(request)});
}

bool write_plan::checks_passed() const noexcept {
    return std::all_of(checks_.begin(), checks_.end(), [](const auto& c) { return c.ok; });
}

std::string write_plan::failed_checks() const {
    return failed_checks_text(checks_json());
}

json::array write_plan::requests_json() const {
    json::array out;
    for (const auto& r : requests_) {
        json::object params;
        for (const auto& [k, v] : r.request.params.items()) {
            json::value shown(is_secret_key(k) ? std::string("***") : v);
            if (auto* existing = params.if_contains(k)) { // a repeated key is sent repeated
                if (!existing->is_array())
                    *existing = json::array{*existing};
                existing->get_array().push_back(std::move(shown));
            } else {
                params[k] = std::move(shown);
            }
        }
        json::object o{{"method", proxmox::to_string(r.method)}, {"path", r.request.path}};
        if (!params.empty())
            o["params"] = std::move(params);
        out.push_back(std::move(o));
    }
    return out;
}

json::array write_plan::checks_json() const {
    json::array out;
    for (const auto& c : checks_) {
        json::object o{{"check", c.what}, {"ok", c.ok}};
        if (!c.detail.empty())
            o["detail"] = c.detail;
        out.push_back(std::move(o));
    }
    return out;
}

std::optional<tool_result> gate(const tool_context& ctx, const write_plan& plan) {
    const std::string failed = plan.failed_checks();
    switch (ctx.mode) {
    case call_mode::preview:
        return tool_result::success({{"dry_run", true},
                                     {"summary", plan.summary()},
                                     {"checks", plan.checks_json()},
                                     {"requests", plan.requests_json()},
                                     {"would_run", failed.empty()}});
    case call_mode::unconfirmed:
        return unconfirmed_refusal(plan.summary(), failed, plan.requests_json());
    case call_mode::execute:
        if (!failed.empty())
            return tool_result::failure(
                fmt::format("Not done: {}. {}. Nothing was sent.", plan.summary(), failed),
                {{"checks", plan.checks_json()}});
        return std::nullopt;
    }
    return std::nullopt;
}

asio::awaitable<outcome<proxmox::api_response>>
send_plan(const tool_context& ctx, const write_plan& plan, std::string_view what) {
    std::optional<proxmox::api_response> last;
    for (const auto& r : plan.requests()) {
        auto answer = co_await ctx.client->async_send(r.method, r.request, asio::use_awaitable);
        if (!answer)
            co_return failure(what, answer.error());
        last = std::move(*answer);
    }
    if (!last)
        co_return proxmox::api_response{};
    co_return std::move(*last);
}

asio::awaitable<tool_result> run_plan(const tool_context& ctx,
                                      const json::object& args,
                                      const write_plan& plan,
                                      json::object out,
                                      std::string what) {
    if (auto answer = gate(ctx, plan))
        co_return std::move(*answer);
    auto sent = co_await send_plan(ctx, plan, what);
    if (!sent)
        co_return std::move(sent.failure());
    if (!sent->data.is_string())
        co_return tool_result::success(std::move(out));
    co_return co_await follow_task(ctx, args, *sent, std::move(out), std::move(what));
}

} // namespace proxmox::mcp::tools
