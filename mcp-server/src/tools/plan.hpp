#ifndef PROXMOX_MCP_TOOLS_PLAN_HPP
#define PROXMOX_MCP_TOOLS_PLAN_HPP

#include "tools/common.hpp"
#include "tools/outcome.hpp"

#include <proxmox/client.hpp>
#include <proxmox/generated/common.hpp>

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

/// What a write tool will do, as data: the checks it made with GET requests and the exact
/// requests it will send. One plan serves the dry_run preview, the confirm refusal and the
/// execution, so a preview shows exactly what a confirmed call sends.
namespace proxmox::mcp::tools {

struct planned_request {
    proxmox::http_method method = proxmox::http_method::post;
    proxmox::gen::encoded_request request; ///< encoded path and parameters, as sent
};

struct plan_check {
    std::string what;
    bool ok = true;
    std::string detail;
};

class write_plan {
public:
    explicit write_plan(std::string summary) : summary_(std::move(summary)) {}

    /// A fact checked against the live cluster; a failed check stops the call before any write.
    void check(std::string what, bool ok, std::string detail = {});
    /// A request the call sends, in order.
    void add(proxmox::http_method method, proxmox::gen::encoded_request request);
    /// A request from a generated parameter struct (its endpoint's method and encoder).
    template <class Params> void add(const Params& params) { add(Params::endpoint.method, encode(params)); }

    const std::string& summary() const noexcept { return summary_; }
    const std::vector<planned_request>& requests() const noexcept { return requests_; }
    bool checks_passed() const noexcept;
    /// The failed checks, `what (detail); ...`; empty when all passed.
    std::string failed_checks() const;
    /// `method path` + parameters (secrets redacted) of every request.
    json::array requests_json() const;
    json::array checks_json() const;

private:
    std::string summary_;
    std::vector<plan_check> checks_;
    std::vector<planned_request> requests_;
};

/// Decides what happens to a plan: nullopt = go ahead (confirmed, every check passed). Otherwise
/// the tool's answer: the preview (dry_run), the refusal that shows the plan (no confirm), or the
/// failed checks.
std::optional<tool_result> gate(const tool_context& ctx, const write_plan& plan);

/// Sends the plan's requests in order through the SDK (client::async_send); stops at the first
/// failure. Completes with the last answer.
boost::asio::awaitable<outcome<proxmox::api_response>>
send_plan(const tool_context& ctx, const write_plan& plan, std::string_view what);

/// The tail of a write tool: gate(), then send_plan(), then the answer. When the last answer's
/// data is a UPID, follow_task() with `out` (wait/timeout/poll_interval from `args`); otherwise
/// (PVE applied it without a task) success(out). `what` starts error messages ("Could not ...").
boost::asio::awaitable<tool_result> run_plan(const tool_context& ctx,
                                             const json::object& args,
                                             const write_plan& plan,
                                             json::object out,
                                             std::string what);

} // namespace proxmox::mcp::tools

#endif
