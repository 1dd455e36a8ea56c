// proxmox-task-status.
#include "tools/common.hpp"
#include "tools/tools.hpp"

#include <proxmox/client.hpp>

#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

namespace proxmox::mcp::tools {

namespace asio = boost::asio;

namespace {

asio::awaitable<tool_result> task_status(tool_context ctx, json::object args) {
    std::string upid = arg_string(args, "upid").value_or("");
    auto handle = ctx.client->task(upid);
    if (!handle)
        co_return failure("Invalid upid (pass the upid a tool such as proxmox-start-vm returned)",
                          handle.error());
    const proxmox::task_handle task = std::move(*handle);
    auto status = co_await task.async_status(asio::use_awaitable);
    if (!status)
        co_return failure(fmt::format("Reading task {} failed", upid), status.error());
    co_return tool_result::success(task_json(*status));
}

} // namespace

void register_task_tools(tool_registry& registry) {
    registry.add({
        .name = "proxmox-task-status",
        .title = "Task status",
        .description =
            "Read the status of a Proxmox task by its UPID: running or stopped, and once stopped its "
            "exit status (OK, 'WARNINGS: n' or the error).",
        .input_schema = input_schema(
            {{"upid", json::object{{"type", "string"}, {"minLength", 1}, {"maxLength", max_upid_length}}},
             {"node", json::object{{"type", "string"},
                                   {"maxLength", max_name_length},
                                   {"description", "Ignored: the UPID names the node."}}}},
            {"upid"}),
        .output_schema = task_schema(),
        .annotations = {.idempotent = true},
        .handler = task_status,
    });
}

} // namespace proxmox::mcp::tools
