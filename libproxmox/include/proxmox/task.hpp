#ifndef PROXMOX_TASK_HPP
#define PROXMOX_TASK_HPP

#include <proxmox/detail/async.hpp>
#include <proxmox/types.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace proxmox {

/// `GET /nodes/{node}/tasks/{upid}/status`.
struct task_status {
    std::string upid;
    std::string node;
    std::string type;
    std::string id;
    std::string user;
    std::string status;                     ///< running or stopped
    std::optional<std::string> exit_status; ///< only once stopped: OK, "WARNINGS: n" or the error text
    std::int64_t starttime = 0;
    boost::json::object raw;

    bool running() const noexcept { return status == "running"; }
    /// Stopped with `OK` or `WARNINGS: n` (PVE's own success rule).
    bool succeeded() const noexcept;
    /// n of `WARNINGS: n`, else 0.
    unsigned warnings() const noexcept;
};

task_status tag_invoke(boost::json::value_to_tag<task_status>, const boost::json::value& v);
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const task_status& s);

/// What task_handle::async_wait reports after each poll when asked to.
struct task_progress {
    std::vector<std::string> new_lines; ///< task log lines since the previous report
    std::chrono::milliseconds elapsed{0};
    const task_status* status = nullptr; ///< the status just read
};

/// How task_handle::async_wait polls.
struct task_wait_options {
    std::chrono::milliseconds timeout{0};            ///< 0 = wait as long as the task runs
    std::chrono::milliseconds initial_interval{100}; ///< first poll delay; doubles up to max_interval
    std::chrono::milliseconds max_interval{2000};
    /// Called after every poll with the new log lines (read incrementally with start/limit from
    /// GET /nodes/{node}/tasks/{upid}/log). When empty, the log is read only for a failed task's tail.
    std::function<void(const task_progress&)> on_progress;
};

namespace detail {
void op_task_status(const state_ptr& state, proxmox::upid id, handler<task_status> h);
void op_task_wait(const state_ptr& state, proxmox::upid id, task_wait_options opts, handler<task_status> h);
void op_task_stop(const state_ptr& state, proxmox::upid id, handler<task_status> h);
} // namespace detail

/// A running or finished PVE worker task. Cheap to copy; keeps the client's state alive.
class task_handle {
public:
    task_handle() = default;
    task_handle(detail::state_ptr state, proxmox::upid id) : state_(std::move(state)), upid_(std::move(id)) {}

    const proxmox::upid& id() const noexcept { return upid_; }
    /// The UPID string, e.g. `UPID:pve:0012AB34:0A1B2C3D:6650A1B2:qmstart:100:root@pam!mcp:`.
    const std::string& upid() const noexcept { return upid_.text; }

    /// Reads the task's status once. PVE endpoint: GET /nodes/{node}/tasks/{upid}/status.
    /// Completion: void(result<task_status>).
    template <class Token = boost::asio::deferred_t> auto async_status(Token&& token = {}) const {
        return detail::initiate<task_status>(std::forward<Token>(token), [s = state_, id = upid_](auto h) {
            detail::op_task_status(s, id, std::move(h));
        });
    }

    /// Polls until the task stops. Succeeds with the final status when the exit status is `OK`
    /// or `WARNINGS: n` (see task_status::warnings()); otherwise fails with errc::task_failed
    /// carrying the exit status, the UPID and the end of the task log (error::log_tail), or with
    /// errc::task_timeout when `opts.timeout` passes first (the task keeps running on PVE).
    /// Cancelling the operation stops the polling, not the task. Completion: void(result<task_status>).
    template <class Token = boost::asio::deferred_t>
    auto async_wait(task_wait_options opts = {}, Token&& token = {}) const {
        return detail::initiate<task_status>(
            std::forward<Token>(token),
            [s = state_, id = upid_, opts](auto h) { detail::op_task_wait(s, id, opts, std::move(h)); });
    }

    /// Asks PVE to stop the task, then reads its status once.
    /// PVE endpoint: DELETE /nodes/{node}/tasks/{upid} (the task owner, or Sys.Modify on
    /// /nodes/{node}). Completion: void(result<task_status>).
    template <class Token = boost::asio::deferred_t> auto async_stop(Token&& token = {}) const {
        return detail::initiate<task_status>(std::forward<Token>(token), [s = state_, id = upid_](auto h) {
            detail::op_task_stop(s, id, std::move(h));
        });
    }

private:
    detail::state_ptr state_;
    proxmox::upid upid_;
};

/// What creating or cloning a guest completes with: the new guest's VMID and the task
/// building it. The guest is locked until the task ends; wait for it before changing the guest.
struct guest_creation {
    vmid_t vmid = 0;
    task_handle task;
};

} // namespace proxmox

#endif
