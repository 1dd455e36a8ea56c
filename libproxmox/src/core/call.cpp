// client::async_call: sends a request a generated parameter struct encoded and shapes the answer
// by the endpoint's task kind.

#include "core/client_state.hpp"

#include <optional>
#include <string>

namespace proxmox::detail {
namespace {

using boost::asio::awaitable;

awaitable<result<task_handle>> call_task(state_ptr state, http_method method, gen::encoded_request req) {
    const auto path = req.path;
    auto response = co_await request(state, method, std::move(req));
    if (!response)
        co_return response.error();
    co_return task_from(state, *response, path);
}

awaitable<result<std::optional<task_handle>>>
call_optional_task(state_ptr state, http_method method, gen::encoded_request req) {
    const auto path = req.path;
    auto response = co_await request(state, method, std::move(req));
    if (!response)
        co_return response.error();
    if (response->data.is_null())
        co_return std::optional<task_handle>{};
    auto task = task_from(state, *response, path);
    if (!task)
        co_return task.error();
    co_return std::optional<task_handle>(std::move(*task));
}

} // namespace

void op_call(const state_ptr& state, http_method method, gen::encoded_request req, handler<api_response> h) {
    spawn(state, request(state, method, std::move(req)), std::move(h));
}

void op_call(const state_ptr& state, http_method method, gen::encoded_request req, handler<task_handle> h) {
    spawn(state, call_task(state, method, std::move(req)), std::move(h));
}

void op_call(const state_ptr& state,
             http_method method,
             gen::encoded_request req,
             handler<std::optional<task_handle>> h) {
    spawn(state, call_optional_task(state, method, std::move(req)), std::move(h));
}

} // namespace proxmox::detail
