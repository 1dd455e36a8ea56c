// client::async_call: sends a request a generated parameter struct encoded and shapes the answer
// by the endpoint's task kind.

#include "core/client_state.hpp"

#include <fmt/format.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace proxmox::detail {
namespace {

using boost::asio::awaitable;

std::vector<std::string_view> segments(std::string_view path) {
    std::vector<std::string_view> out;
    std::size_t start = 1; // paths start with '/'
    for (;;) {
        const auto end = path.find('/', start);
        out.push_back(
            path.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (end == std::string_view::npos)
            return out;
        start = end + 1;
    }
}

/// The first path placeholder whose value is empty, e.g. `node` for `/nodes//qemu`: PVE would
/// route such a path elsewhere or answer 501, which names nothing the caller set.
std::optional<std::string> empty_placeholder(std::string_view path_template, std::string_view path) {
    const auto want = segments(path_template);
    const auto got = segments(path);
    for (std::size_t i = 0; i < want.size() && i < got.size(); ++i) {
        if (want[i].starts_with('{')) {
            if (got[i].empty())
                return std::string(want[i].substr(1, want[i].size() - 2));
        } else if (want[i] != got[i]) {
            return std::nullopt; // a value with '/' in it shifted the rest; PVE will judge it
        }
    }
    return std::nullopt;
}

awaitable<result<api_response>>
call(state_ptr state, http_method method, std::string_view path_template, gen::encoded_request req) {
    if (auto name = empty_placeholder(path_template, req.path))
        co_return make_error(errc::invalid_argument,
                             fmt::format("parameter '{}' of {} {} is empty; set it to a value", *name,
                                         to_string(method), path_template));
    co_return co_await request(state, method, std::move(req.path), std::move(req.params));
}

awaitable<result<task_handle>>
call_task(state_ptr state, http_method method, std::string template_path, gen::encoded_request req) {
    auto path = req.path;
    auto response = co_await call(state, method, template_path, std::move(req));
    if (!response)
        co_return response.error();
    co_return task_from(state, *response, path);
}

awaitable<result<std::optional<task_handle>>>
call_optional_task(state_ptr state, http_method method, std::string template_path, gen::encoded_request req) {
    auto path = req.path;
    auto response = co_await call(state, method, template_path, std::move(req));
    if (!response)
        co_return response.error();
    if (response->data.is_null())
        co_return std::optional<task_handle>{};
    auto task = task_from(state, *response, path);
    if (!task)
        co_return task.error();
    co_return std::optional<task_handle>(std::move(*task));
}

awaitable<result<api_response>>
call_raw(state_ptr state, http_method method, std::string template_path, gen::encoded_request req) {
    co_return co_await call(state, method, template_path, std::move(req));
}

} // namespace

void op_call(const state_ptr& state,
             http_method method,
             std::string_view path_template,
             gen::encoded_request req,
             handler<api_response> h) {
    spawn(state, call_raw(state, method, std::string(path_template), std::move(req)), std::move(h));
}

void op_call(const state_ptr& state,
             http_method method,
             std::string_view path_template,
             gen::encoded_request req,
             handler<task_handle> h) {
    spawn(state, call_task(state, method, std::string(path_template), std::move(req)), std::move(h));
}

void op_call(const state_ptr& state,
             http_method method,
             std::string_view path_template,
             gen::encoded_request req,
             handler<std::optional<task_handle>> h) {
    spawn(state, call_optional_task(state, method, std::string(path_template), std::move(req)), std::move(h));
}

} // namespace proxmox::detail
