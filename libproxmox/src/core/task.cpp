// Task status and waiting (WIRE.md §6): poll GET /nodes/{node}/tasks/{upid}/status with backoff
// until `stopped`; OK and "WARNINGS: n" succeed, anything else is errc::task_failed.

#include "core/client_state.hpp"
#include "core/encoding.hpp"
#include "core/json_read.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/value_from.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace proxmox {

bool task_status::succeeded() const noexcept {
    if (status != "stopped" || !exit_status)
        return false;
    return *exit_status == "OK" || exit_status->starts_with("WARNINGS: ");
}

unsigned task_status::warnings() const noexcept {
    constexpr std::string_view prefix = "WARNINGS: ";
    if (!exit_status || !exit_status->starts_with(prefix))
        return 0;
    unsigned n = 0;
    std::from_chars(exit_status->data() + prefix.size(), exit_status->data() + exit_status->size(), n);
    return n;
}

task_status tag_invoke(boost::json::value_to_tag<task_status>, const boost::json::value& v) {
    using namespace detail;
    const auto& o = as_object_or_empty(v);
    task_status s;
    s.upid = read_string(o, "upid");
    s.node = read_string(o, "node");
    s.type = read_string(o, "type");
    s.id = read_string(o, "id");
    s.user = read_string(o, "user");
    s.status = read_string(o, "status");
    if (o.contains("exitstatus"))
        s.exit_status = read_string(o, "exitstatus");
    s.starttime = read_int(o, "starttime");
    s.raw = o;
    return s;
}

void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const task_status& s) {
    boost::json::object o{{"upid", s.upid}, {"node", s.node},     {"type", s.type},          {"id", s.id},
                          {"user", s.user}, {"status", s.status}, {"starttime", s.starttime}};
    if (s.exit_status)
        o["exitstatus"] = *s.exit_status;
    v = std::move(o);
}

namespace detail {
namespace {

using boost::asio::awaitable;

/// `/nodes/{node}/tasks/{upid}` + `suffix`, encoded (a upid built by hand is checked here).
result<std::string> task_path(const upid& id, std::string_view suffix) {
    auto path = api_path({"nodes", path_value{"node", id.node}, "tasks", path_value{"upid", id.text}});
    if (path)
        *path += suffix;
    return path;
}

awaitable<result<task_status>> status(state_ptr state, upid id) {
    auto path = task_path(id, "/status");
    if (!path)
        co_return path.error();
    auto response = co_await request(state, http_method::get, std::move(*path), {});
    if (!response)
        co_return response.error();
    co_return convert<task_status>(*response, "task status");
}

error task_error(boost::system::error_code code, const upid& id, std::string message) {
    error e = make_error(code, std::move(message));
    e.upid = id.text;
    return e;
}

error cancelled_wait(boost::system::error_code code, const upid& id) {
    return task_error(code, id, fmt::format("waiting for task {} was cancelled", id.text));
}

struct log_page {
    std::vector<std::string> lines;
    std::int64_t next_line = 0; ///< 0-based index of the first line not read yet
    std::int64_t total = 0;
};

/// GET /nodes/{node}/tasks/{upid}/log?start=N&limit=L -> [{n,t}] + total (WIRE.md §6.5).
awaitable<result<log_page>> read_log(state_ptr state, upid id, std::int64_t start, std::int64_t limit) {
    request_params params;
    params.add("start", start).add("limit", limit);
    auto path = task_path(id, "/log");
    if (!path)
        co_return path.error();
    auto response = co_await request(state, http_method::get, std::move(*path), std::move(params));
    if (!response)
        co_return response.error();
    log_page page;
    page.next_line = start;
    page.total = response->total.value_or(0);
    const auto* lines = response->data.if_array();
    // PVE's dump_logfile answers an empty log with the placeholder line {"n":1,"t":"no content"}:
    // it is not part of the log, and counting it would skip the task's real first line.
    if (lines && page.total == 1 && lines->size() == 1 &&
        read_string(as_object_or_empty((*lines)[0]), "t") == "no content") {
        page.total = 0;
        co_return page;
    }
    if (lines)
        for (const auto& entry : *lines) {
            const auto& o = as_object_or_empty(entry);
            page.lines.push_back(read_string(o, "t"));
            page.next_line = std::max(page.next_line, read_int(o, "n", page.next_line + 1)); // n is 1-based
        }
    if (!response->total)
        page.total = page.next_line;
    co_return page;
}

constexpr std::int64_t log_tail_lines = 20;

/// The last lines of the log for an error message; empty when the log cannot be read.
awaitable<std::string> log_tail(state_ptr state, upid id) {
    auto probe = co_await read_log(state, id, 0, 1);
    if (!probe)
        co_return std::string();
    auto page = co_await read_log(state, id, std::max<std::int64_t>(0, probe->total - log_tail_lines),
                                  log_tail_lines);
    if (!page)
        co_return std::string();
    std::string out;
    for (const auto& line : page->lines)
        out += (out.empty() ? "" : "\n") + line;
    co_return out;
}

awaitable<result<task_status>> wait(state_ptr state, upid id, task_wait_options opts) {
    const auto start = std::chrono::steady_clock::now();
    auto interval = std::max(opts.initial_interval, std::chrono::milliseconds(10));
    const auto max_interval = std::max(opts.max_interval, interval); // never a busy loop
    boost::asio::steady_timer timer(state->executor);
    std::int64_t log_position = 0;
    for (;;) {
        if (co_await cancel_requested())
            co_return cancelled_wait(boost::asio::error::operation_aborted, id);
        auto current = co_await status(state, id);
        if (!current)
            co_return current.error();
        auto elapsed =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
        if (opts.on_progress) {
            task_progress progress;
            auto page = co_await read_log(state, id, log_position, 500);
            if (page) {
                log_position = page->next_line;
                progress.new_lines = std::move(page->lines);
            }
            progress.elapsed = elapsed;
            progress.status = &*current;
            opts.on_progress(progress);
        }
        if (!current->running()) {
            if (current->succeeded())
                co_return current;
            auto exit = current->exit_status.value_or("unknown exit status");
            error e = task_error(errc::task_failed, id, fmt::format("task {} failed: {}", id.text, exit));
            e.exit_status = exit;
            e.log_tail = co_await log_tail(state, id);
            co_return e;
        }
        if (opts.timeout.count() > 0 && elapsed >= opts.timeout)
            co_return task_error(
                errc::task_timeout, id,
                fmt::format("task {} still running after {} ms", id.text, opts.timeout.count()));
        auto delay = interval;
        if (opts.timeout.count() > 0)
            delay = std::min(delay, opts.timeout - elapsed + std::chrono::milliseconds(1));
        timer.expires_after(delay);
        auto [ec] = co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
        if (ec)
            co_return cancelled_wait(ec, id);
        interval = std::min(interval * 2, max_interval);
    }
}

awaitable<result<task_status>> stop(state_ptr state, upid id) {
    auto path = task_path(id, "");
    if (!path)
        co_return path.error();
    auto response = co_await request(state, http_method::del, std::move(*path), {});
    if (!response)
        co_return response.error();
    co_return co_await status(state, id);
}

} // namespace

void op_task_status(const state_ptr& state, upid id, handler<task_status> h) {
    spawn(state, status(state, std::move(id)), std::move(h));
}

void op_task_wait(const state_ptr& state, upid id, task_wait_options opts, handler<task_status> h) {
    spawn_unbounded(state, wait(state, std::move(id), std::move(opts)), std::move(h));
}

void op_task_stop(const state_ptr& state, upid id, handler<task_status> h) {
    spawn(state, stop(state, std::move(id)), std::move(h));
}

} // namespace detail
} // namespace proxmox
