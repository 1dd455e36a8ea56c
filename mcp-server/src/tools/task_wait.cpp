#include "caller_text.hpp"
#include "log.hpp"
#include "tools/task_wait.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <memory>

namespace proxmox::mcp::tools {

namespace asio = boost::asio;

wait_settings wait_settings_from(const tool_context& ctx, const json::object& args) {
    wait_defaults d = ctx.waits.value_or(wait_defaults{});
    wait_settings w;
    w.wait = arg_bool(args, "wait").value_or(d.wait);
    w.timeout = std::chrono::seconds(arg_int(args, "timeout").value_or(d.timeout_seconds));
    double poll = d.poll_interval_seconds;
    if (const auto* v = args.if_contains("poll_interval"); v && v->is_number())
        poll = v->to_number<double>();
    w.poll = std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(poll * 1000)));
    return w;
}

json::object task_output_props() {
    return {{"upid", json::object{{"type", "string"}}},
            {"waited", json::object{{"type", "boolean"}}},
            {"task", json::object{{"type", "object"}, {"description", "With wait: the final task status."}}}};
}

std::optional<double> percent_in(std::string_view line) {
    auto pct = line.rfind('%');
    if (pct == std::string_view::npos || pct == 0)
        return std::nullopt;
    std::size_t begin = pct;
    while (begin > 0 &&
           (std::isdigit(static_cast<unsigned char>(line[begin - 1])) || line[begin - 1] == '.') &&
           pct - begin < 8)
        --begin;
    if (begin == pct)
        return std::nullopt;
    std::string digits(line.substr(begin, pct - begin));
    char* end = nullptr;
    double v = std::strtod(digits.c_str(), &end);
    if (end != digits.c_str() + digits.size() || !(v >= 0 && v <= 100))
        return std::nullopt;
    return v;
}

asio::awaitable<tool_result> follow_task(const tool_context& ctx,
                                         const json::object& args,
                                         const proxmox::api_response& answer,
                                         json::object out,
                                         std::string what) {
    const auto* text = answer.data.if_string();
    if (!text)
        co_return tool_result::failure(fmt::format("{}: the cluster did not answer a task id", what));
    auto task = ctx.client->task(*text);
    if (!task)
        co_return failure(what, task.error());
    co_return co_await follow_task(ctx, *task, wait_settings_from(ctx, args), std::move(out),
                                   std::move(what));
}

asio::awaitable<tool_result> follow_task(const tool_context& ctx,
                                         const proxmox::task_handle& task,
                                         const wait_settings& settings,
                                         json::object out,
                                         std::string what) {
    out["upid"] = task.upid();
    out["waited"] = settings.wait;
    if (!settings.wait)
        co_return tool_result::success(std::move(out));

    proxmox::task_wait_options opts;
    opts.timeout = settings.timeout;
    opts.initial_interval =
        std::min<std::chrono::milliseconds>(settings.poll, std::chrono::milliseconds(500));
    opts.max_interval = settings.poll;
    // Task log lines go to the client's log (notifications/message) when it asked for info.
    bool log_lines = ctx.peer.wants && ctx.peer.wants(log_level::info);
    if (ctx.progress || log_lines) {
        auto polls = std::make_shared<double>(0);
        opts.on_progress = [progress = ctx.progress, peer = ctx.peer, polls,
                            upid = task.upid()](const proxmox::task_progress& p) {
            for (const auto& line : p.new_lines)
                peer.send_log(log_level::info,
                              json::object{{"upid", upid}, {"line", quote_text(line, max_error_text)}});
            if (!progress)
                return;
            std::string last = p.new_lines.empty() ? std::string() : p.new_lines.back();
            if (auto pct = last.empty() ? std::nullopt : percent_in(last)) {
                progress(*pct, 100.0, last);
                return;
            }
            *polls += 1;
            std::string message =
                !last.empty() ? last : (p.status ? "task " + p.status->status : "task running");
            progress(*polls, std::nullopt, std::move(message));
        };
    }
    auto done = co_await task.async_wait(opts, asio::use_awaitable);
    if (!done) {
        const proxmox::error e = done.error();
        if (e.code == proxmox::make_error_code(proxmox::errc::task_timeout)) {
            out["waited"] = true;
            co_return tool_result::failure(
                fmt::format("{}: the task is still running after {} s. It keeps running on the cluster. Fix: "
                            "follow it with proxmox-wait-task {{\"upid\": \"{}\"}}.",
                            what, settings.timeout.count(), task.upid()),
                std::move(out));
        }
        if (e.code == asio::error::operation_aborted)
            log(log_severity::info,
                fmt::format("stopped waiting for task {} (cancelled); the task keeps running on the cluster",
                            task.upid()));
        auto r = failure(what, e);
        if (!e.log_tail.empty())
            r.details["log_tail"] = quote_text(e.log_tail, max_error_text);
        for (const auto& kv : out)
            if (!r.details.contains(kv.key()))
                r.details[kv.key()] = kv.value();
        co_return r;
    }
    out["task"] = task_json(*done);
    co_return tool_result::success(std::move(out));
}

} // namespace proxmox::mcp::tools
