#include "caller_text.hpp"
#include "confirmation.hpp"
#include "protocol.hpp"
#include "refusal.hpp"

#include <fmt/format.h>

namespace proxmox::mcp {

namespace json = boost::json;
namespace asio = boost::asio;

namespace {

/// The requests of a preview, one `METHOD path` per line, at most a dozen.
std::string request_lines(const json::object& preview) {
    std::string out;
    const auto* requests = preview.if_contains("requests");
    if (!requests || !requests->is_array())
        return out;
    std::size_t shown = 0;
    for (const auto& r : requests->get_array()) {
        const auto* o = r.if_object();
        if (!o)
            continue;
        if (++shown > 12) {
            out += fmt::format("\n  … and {} more", requests->get_array().size() - 12);
            break;
        }
        const auto* method = o->if_contains("method");
        const auto* path = o->if_contains("path");
        out += fmt::format("\n  {} {}",
                           method && method->is_string() ? std::string_view(method->get_string()) : "?",
                           path && path->is_string() ? std::string_view(path->get_string()) : "?");
    }
    return out;
}

std::string summary_of(const json::object& preview) {
    const auto* s = preview.if_contains("summary");
    return s && s->is_string() ? std::string(s->get_string()) : std::string("change the cluster");
}

} // namespace

bool can_ask_user(const call_peer& peer) {
    if (!peer.request || !protocol::has_structured_output(peer.version))
        return false;
    const auto* e = peer.capabilities.if_contains("elicitation");
    if (!e || !e->is_object())
        return false;
    // 2025-11-25: {} means form mode; {url:{}} alone means URL mode only.
    const auto& modes = e->get_object();
    return modes.empty() || modes.contains("form");
}

json::object
confirmation_request(std::string_view tool, const json::object& preview, std::string_view version) {
    std::string message = fmt::format("{} wants to {}.\nRequests to the cluster:{}\nRun them?", tool,
                                      summary_of(preview), request_lines(preview));
    json::object schema{
        {"type", "object"},
        {"properties", json::object{{"confirm", json::object{{"type", "boolean"},
                                                             {"title", "Run these requests"},
                                                             {"description", "Yes sends them to the cluster"},
                                                             {"default", false}}}}},
        {"required", json::array{"confirm"}},
    };
    json::object params{{"message", std::move(message)}, {"requestedSchema", std::move(schema)}};
    if (version >= std::string_view("2025-11-25"))
        params["mode"] = "form";
    return params;
}

bool confirmed(const client_answer& answer) {
    if (!answer.ok || !answer.result.is_object())
        return false;
    const auto& r = answer.result.get_object();
    const auto* action = r.if_contains("action");
    if (!action || !action->is_string() || action->get_string() != "accept")
        return false;
    const auto* content = r.if_contains("content");
    if (!content || !content->is_object())
        return false;
    const auto* yes = content->get_object().if_contains("confirm");
    return yes && yes->is_bool() && yes->get_bool();
}

asio::awaitable<tool_result> confirm_then_run(const tool_def& tool,
                                              tool_context preview,
                                              tool_context execute,
                                              json::object args,
                                              std::function<void()> on_confirmed,
                                              std::chrono::milliseconds timeout) {
    call_peer peer = preview.peer;
    auto previewing = tool.handler(std::move(preview), args);
    tool_result plan = co_await std::move(previewing);
    const auto* would_run = plan.structured.if_contains("would_run");
    if (plan.is_error || !plan.structured.contains("dry_run") || !would_run || !would_run->is_bool())
        co_return plan; // refused, failed or nothing to do: answered as a preview would be
    if (!would_run->get_bool()) {
        // The checks failed: answer as an unconfirmed call does (what would fail, the plan).
        const auto* checks = plan.structured.if_contains("checks");
        const auto* requests = plan.structured.if_contains("requests");
        co_return unconfirmed_refusal(
            summary_of(plan.structured),
            checks && checks->is_array() ? failed_checks_text(checks->get_array()) : "",
            requests && requests->is_array() ? requests->get_array() : json::array{});
    }
    json::object params = confirmation_request(tool.name, plan.structured, peer.version);
    std::string method = "elicitation/create";
    auto asking = peer.request(std::move(method), std::move(params), timeout);
    client_answer answer = co_await std::move(asking);
    std::string summary = summary_of(plan.structured);
    if (!confirmed(answer)) {
        std::string why;
        if (!answer.ok)
            why = fmt::format("the confirmation could not be asked ({})", answer.error);
        else if (const auto* a = answer.result.get_object().if_contains("action");
                 a && a->is_string() && a->get_string() != "accept")
            why = fmt::format("the user answered {} in the confirmation", quote_text(a->get_string(), 32));
        else
            why = "the user did not tick the confirmation";
        co_return tool_result::failure(
            fmt::format(
                "Not done: {}. {}. Nothing was sent. Fix: ask the user, then call again with confirm: "
                "true.",
                summary, why),
            {{"requests", plan.structured.at("requests")}});
    }
    if (on_confirmed)
        on_confirmed();
    args["confirm"] = true;
    auto running = tool.handler(std::move(execute), std::move(args));
    co_return co_await std::move(running);
}

} // namespace proxmox::mcp
