// Task lists and task stop (pve-manager API2/Tasks.pm node_tasks, stop_task; API2/Cluster.pm
// tasks; pve-common RESTEnvironment.pm fork_worker / active_workers, Tools.pm
// upid_normalize_status_type).
#include "endpoints/handlers.hpp"

#include <boost/json/array.hpp>

#include <algorithm>
#include <cctype>

namespace proxmox::sim::detail {

namespace json = boost::json;

namespace {

/// PVE::Tools::upid_normalize_status_type
std::string_view status_type(std::string_view status) {
    if (status.empty())
        return "unknown";
    if (status == "OK")
        return "ok";
    if (status.starts_with("WARNINGS: ") && status.size() > 10 &&
        std::all_of(status.begin() + 10, status.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return "warning";
    if (status == "unexpected status")
        return "unknown";
    return "error";
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

/// The tasks of one node: running ones newest first, then finished ones in reverse order of
/// their ending (the task index read backwards).
std::pair<std::vector<const task_state*>, std::vector<const task_state*>>
node_task_lists(const cluster& c, std::string_view node) {
    std::vector<const task_state*> active, finished;
    for (const auto& [upid, t] : c.tasks) {
        if (t.node != node)
            continue;
        (t.running ? active : finished).push_back(&t);
    }
    std::sort(active.begin(), active.end(), [](const task_state* a, const task_state* b) {
        return a->starttime != b->starttime ? a->starttime > b->starttime : a->upid > b->upid;
    });
    std::sort(finished.begin(), finished.end(),
              [](const task_state* a, const task_state* b) { return a->finish_seq > b->finish_seq; });
    return {std::move(active), std::move(finished)};
}

} // namespace

json::value delete_task(call_context& ctx) {
    task_state& t = find_task(ctx);
    // RPCEnvironment->check_worker($upid, 1): SIGTERM to a running worker; its handler dies with
    // "received interrupt", which becomes the task's exit status. A finished task is left alone.
    if (t.running)
        finish_task(ctx.state, t, {{}, "received interrupt"}, ctx.now);
    return nullptr;
}

json::value get_node_tasks(call_context& ctx) {
    const node_state& node = ctx.node();
    const auto start = ctx.int_param("start").value_or(0);
    auto limit = ctx.int_param("limit").value_or(50);
    const auto userfilter = ctx.param("userfilter");
    const auto typefilter = ctx.param("typefilter");
    const auto vmid = ctx.param("vmid");
    const bool errors = ctx.bool_param("errors");
    const std::string source = ctx.param("source").value_or("archive");
    const auto since = ctx.int_param("since");
    const auto until = ctx.int_param("until");

    bool want_ok = true, want_warning = true, want_error = true, want_unknown = true;
    if (auto sf = ctx.param("statusfilter"); sf && !errors) {
        want_ok = want_warning = want_error = want_unknown = false;
        std::string item;
        auto flush = [&] {
            const auto f = lower(item);
            want_ok = want_ok || f == "ok";
            want_warning = want_warning || f == "warning";
            want_error = want_error || f == "error";
            want_unknown = want_unknown || f == "unknown";
            item.clear();
        };
        for (char c : *sf) {
            if (c == ',' || c == ';' || c == ' ' || c == '\0')
                flush();
            else
                item += c;
        }
        flush();
    } else if (errors) {
        want_ok = false;
    }

    std::int64_t count = 0;
    json::array out;
    // Tasks.pm $filter_task: returns true to skip; counts what passes the filters
    auto keep = [&](const task_state& t, std::string_view status) {
        json::object o = task_fields(t);
        const std::string user(o.at("user").as_string());
        if (userfilter && !userfilter->empty() && lower(user).find(lower(*userfilter)) == std::string::npos)
            return;
        if (typefilter && !typefilter->empty() && t.type != *typefilter)
            return;
        if (vmid && !vmid->empty() && vmid != "0" && (t.id.empty() || t.id != *vmid))
            return;
        if (since && t.starttime < *since)
            return;
        if (until && t.starttime > *until)
            return;
        const auto type = status_type(status);
        if ((type == "ok" && !want_ok) || (type == "warning" && !want_warning) ||
            (type == "error" && !want_error) || (type == "unknown" && !want_unknown))
            return;
        if (count++ < start)
            return;
        if (limit <= 0)
            return;
        if (!t.running) {
            o["endtime"] = t.endtime;
            o["status"] = t.exitstatus;
        } else {
            o["status"] = "RUNNING";
        }
        out.push_back(std::move(o));
        --limit;
    };

    auto [active, finished] = node_task_lists(ctx.state, node.name);
    if (source == "active" || source == "all")
        for (const auto* t : active)
            keep(*t, "");
    if (source != "active")
        for (const auto* t : finished)
            keep(*t, t->exitstatus);
    ctx.total = count;
    return out;
}

json::value get_cluster_tasks(call_context& ctx) {
    // PVE::Cluster::get_tasklist: what each node broadcast from active_workers - its running
    // tasks and the 25 most recently finished ones
    constexpr std::size_t max_finished = 25;
    json::array out;
    for (const auto& n : ctx.state.nodes) {
        auto [active, finished] = node_task_lists(ctx.state, n.name);
        for (const auto* t : active)
            out.push_back(task_fields(*t));
        for (std::size_t i = 0; i < finished.size() && i < max_finished; ++i) {
            const task_state& t = *finished[i];
            json::object o = task_fields(t);
            o["endtime"] = t.endtime;
            o["status"] = t.exitstatus;
            o["saved"] = "1";
            out.push_back(std::move(o));
        }
    }
    return out;
}

} // namespace proxmox::sim::detail
