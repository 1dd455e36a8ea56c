// Endpoint implementations of the simulator and what they get to work with.
#ifndef PROXMOX_SIM_SRC_HANDLERS_HPP
#define PROXMOX_SIM_SRC_HANDLERS_HPP

#include "dispatch/api.hpp"
#include "schema/schema.hpp"
#include "state/state.hpp"

#include <proxmox/sim/server.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace proxmox::sim::detail {

/// An error a handler raises; becomes the HTTP status, the status line and the JSON `message`
/// (and `errors` for 400), like a Perl die / PVE::Exception.
struct api_error {
    unsigned status = 500;
    std::string message; ///< as PVE has it, usually with a trailing newline
    boost::json::object errors;
};

/// PVE::Exception::raise_param_exc: 400 "Parameter verification failed." with `errors`.
[[noreturn]] void raise_param_exc(boost::json::object errors);
/// die "...\n": 500 with the message.
[[noreturn]] void raise_error(std::string message, unsigned status = 500);

/// What pveproxy answers (500) when `{node}` names no cluster member: it forwards the call and
/// the node's name does not resolve (PVE::Network::get_ip_from_hostname).
std::string hostname_lookup_failed(std::string_view node);

struct auth_keys;

/// What pveproxy learnt while it streamed an upload (the temporary file stands for the data).
struct upload_info {
    std::string tmpfilename; ///< /var/tmp/pveupload-<hex>
    std::uint64_t size = 0;
    std::string md5;
    std::string algorithm; ///< the checksum-algorithm hashed while streaming, or empty
    std::string checksum;  ///< its hex digest
};

struct call_context {
    const endpoint& ep;
    boost::json::object& params; ///< validated parameters, path placeholders included
    const auth_result& auth;
    cluster& state;
    scheduler& sched;
    const options& opts;
    epoch_seconds now;
    std::optional<std::int64_t> total;   ///< set to add `total` to the envelope
    const auth_keys* keys = nullptr;     ///< ticket and CSRF secrets
    const upload_info* upload = nullptr; ///< the upload behind this request, if any

    /// A parameter as Perl sees it (string); nullopt when absent.
    std::optional<std::string> param(std::string_view key) const;
    std::optional<std::int64_t> int_param(std::string_view key) const;
    bool bool_param(std::string_view key) const;

    /// The node a proxied call runs on (`{node}`; `localhost` is the node that answers).
    node_state& node();

    /// Starts a worker task on `node`: returns its UPID at once; `work` runs when the task ends,
    /// after options::task_seconds times `duration_factor` (a clone takes longer than a start),
    /// and decides how it ends.
    std::string run_worker(node_state& node,
                           std::string type,
                           std::string id,
                           std::function<task_result(cluster&, epoch_seconds)> work,
                           double duration_factor = 1.0);
};

using handler_fn = boost::json::value (*)(call_context&);

/// The task `{upid}` on the call's node, or PVE's 400 (`unable to parse worker upid`, `no such task`).
task_state& find_task(call_context& ctx);

/// Task fields as UPID.pm decode gives them, with a token user split into user and tokenid
/// (Tasks.pm $convert_token_task).
boost::json::object task_fields(const task_state& t);

// handlers in access.cpp, tasks.cpp, storage.cpp
boost::json::value get_access_ticket(call_context& ctx);
boost::json::value post_access_ticket(call_context& ctx);
boost::json::value delete_task(call_context& ctx);
boost::json::value get_node_tasks(call_context& ctx);
boost::json::value get_cluster_tasks(call_context& ctx);
boost::json::value get_storage_content(call_context& ctx);
boost::json::value post_storage_upload(call_context& ctx);

struct handler_entry {
    std::string_view method;
    std::string_view path; ///< schema path template
    handler_fn fn;
};

// The endpoint families, one source file each; modelled_endpoints() joins them.
std::vector<handler_entry>
guest_config_endpoints(); ///< guest_config.cpp: config, pending, resize, cloud-init
std::vector<handler_entry>
lifecycle_endpoints(); ///< lifecycle.cpp: create, clone, delete, template, migrate, power
std::vector<handler_entry> snapshot_endpoints();     ///< snapshots.cpp
std::vector<handler_entry> backup_endpoints();       ///< backup.cpp: vzdump, storage lists, volumes
std::vector<handler_entry> access_admin_endpoints(); ///< access_admin.cpp: users, groups, roles, ACLs, pools
std::vector<handler_entry> node_endpoints();         ///< node_extras.cpp: network, RRD, next id
std::vector<handler_entry> firewall_endpoints();     ///< firewall.cpp
std::vector<handler_entry> agent_endpoints();        ///< agent.cpp: QEMU guest agent

/// Every endpoint the simulator models.
const std::vector<handler_entry>& modelled_endpoints();

/// RPCEnvironment check_api2_permissions for `ep` (permissions.cpp): nullopt when `auth` may
/// call it with `params` (path placeholders included), else PVE's 403.
std::optional<api_error> check_api_permissions(const endpoint& ep,
                                               const boost::json::object& params,
                                               const auth_result& auth,
                                               const cluster& state);

} // namespace proxmox::sim::detail

#endif // PROXMOX_SIM_SRC_HANDLERS_HPP
