// qemu_handle reads and configuration writes: status, config, config updates, NICs,
// cloud-init and RRD data.

#include "core/text.hpp"
#include "resources/qemu_common.hpp"

#include <boost/asio/use_awaitable.hpp>

namespace proxmox::detail {
namespace {

using boost::asio::awaitable;

awaitable<result<qemu_status>> status(state_ptr state, std::string node, vmid_t vmid) {
    if (auto ok = check_vm(node, vmid); !ok)
        co_return ok.error();
    gen::nodes_qemu_status_current_get_params p;
    p.node = node;
    p.vmid = vmid;
    request_params none;
    auto response = co_await send(state, std::move(p), std::move(none));
    if (!response)
        co_return response.error();
    co_return convert<qemu_status>(*response, "VM status");
}

awaitable<result<qemu_config>> read_config(state_ptr state, std::string node, vmid_t vmid) {
    if (auto ok = check_vm(node, vmid); !ok)
        co_return ok.error();
    gen::nodes_qemu_config_get_params p;
    p.node = node;
    p.vmid = vmid;
    request_params none;
    auto response = co_await send(state, std::move(p), std::move(none));
    if (!response)
        co_return response.error();
    co_return convert<qemu_config>(*response, "VM config");
}

template <class Params> void fill_update(Params& p, const qemu_config_update& u, request_params& extra) {
    p.delete_ = u.deletion_list();
    p.digest = u.digest;
    for (const auto& [key, value] : u.values())
        extra.add(key, value);
}

awaitable<result<void>> update_config(state_ptr state, std::string node, vmid_t vmid, qemu_config_update u) {
    if (auto ok = check_vm(node, vmid); !ok)
        co_return ok.error();
    if (auto ok = u.check(); !ok)
        co_return ok.error();
    request_params extra;
    if (!u.via_task) {
        gen::nodes_qemu_config_put_params p;
        p.node = node;
        p.vmid = vmid;
        fill_update(p, u, extra);
        auto response = co_await send(state, std::move(p), std::move(extra));
        if (!response)
            co_return response.error();
        co_return result<void>();
    }
    gen::nodes_qemu_config_post_params p;
    p.node = node;
    p.vmid = vmid;
    fill_update(p, u, extra);
    const auto path = gen::encode(p).path;
    auto response = co_await send(state, std::move(p), std::move(extra));
    if (!response)
        co_return response.error();
    if (response->data.is_null()) // PVE finished the change without a worker
        co_return result<void>();
    auto task = task_from(state, *response, path);
    if (!task)
        co_return task.error();
    task_wait_options opts;
    auto waiting = task->async_wait(opts, boost::asio::use_awaitable);
    auto done = co_await std::move(waiting);
    if (!done)
        co_return done.error();
    co_return result<void>();
}

constexpr int max_nics = 32; // net0 .. net31

awaitable<result<int>> add_nic(state_ptr state, std::string node, vmid_t vmid, qemu_nic nic) {
    if (auto ok = check_vm(node, vmid); !ok)
        co_return ok.error();
    auto text = nic.to_property_string();
    if (!text)
        co_return text.error();
    auto config = co_await read_config(state, node, vmid);
    if (!config)
        co_return config.error();
    int index = 0;
    while (index < max_nics && config->contains(fmt::format("net{}", index)))
        ++index;
    if (index == max_nics)
        co_return make_error(errc::invalid_argument,
                             fmt::format("VM {} already has net0 .. net31; remove a NIC first", vmid));
    qemu_config_update u;
    u.set(fmt::format("net{}", index), std::move(*text));
    u.digest = config->digest(); // a concurrent change to the config fails instead of being overwritten
    auto done = co_await update_config(state, node, vmid, std::move(u));
    if (!done)
        co_return done.error();
    co_return index;
}

awaitable<result<void>> remove_nic(state_ptr state, std::string node, vmid_t vmid, int index) {
    if (auto ok = check_vm(node, vmid); !ok)
        co_return ok.error();
    if (index < 0 || index >= max_nics)
        co_return make_error(errc::invalid_argument,
                             fmt::format("NIC index {} is out of range (net0 .. net31)", index));
    auto config = co_await read_config(state, node, vmid);
    if (!config)
        co_return config.error();
    const auto key = fmt::format("net{}", index);
    if (!config->contains(key))
        co_return make_error(errc::not_found, fmt::format("VM {} on node {} has no {}", vmid,
                                                          bounded_quote(node), bounded_quote(key)));
    qemu_config_update u;
    u.remove(key);
    u.digest = config->digest();
    auto done = co_await update_config(state, node, vmid, std::move(u));
    co_return done;
}

result<qemu_config_update> cloudinit_update(const cloudinit_settings& s) {
    qemu_config_update u;
    auto put = [&](const char* key, const std::optional<std::string>& value) {
        if (!value)
            return;
        if (value->empty())
            u.remove(key);
        else
            u.set(key, *value);
    };
    put("ciuser", s.ciuser);
    put("cipassword", s.cipassword);
    put("nameserver", s.nameserver);
    put("searchdomain", s.searchdomain);
    if (s.sshkeys) {
        for (const auto& key : *s.sshkeys) {
            if (key.find_first_of("\r\n") != std::string::npos)
                return make_error(
                    errc::invalid_argument,
                    "cloudinit_settings.sshkeys: a key contains a line break; pass one key per entry");
            const auto blank = key.find(' ');
            if (key.empty() || blank == std::string::npos || blank + 1 >= key.size())
                return make_error(errc::invalid_argument,
                                  fmt::format("cloudinit_settings.sshkeys: {} is not an OpenSSH public key "
                                              "('ssh-ed25519 AAAA... comment')",
                                              bounded_quote(key)));
        }
        if (s.sshkeys->empty())
            u.remove("sshkeys");
        else
            u.set("sshkeys", encode_ssh_keys(*s.sshkeys));
    }
    for (const auto& [index, ip] : s.ipconfig)
        u.set_ipconfig(index, ip);
    if (u.problem())
        return *u.problem();
    if (u.values().empty() && u.deletions().empty())
        return make_error(errc::invalid_argument, "cloudinit_settings is empty; set at least one field");
    return u;
}

awaitable<result<void>> set_cloudinit(state_ptr state, std::string node, vmid_t vmid, cloudinit_settings s) {
    auto u = cloudinit_update(s);
    if (!u)
        co_return u.error();
    auto done = co_await update_config(state, std::move(node), vmid, std::move(*u));
    co_return done;
}

awaitable<result<void>> regenerate_cloudinit(state_ptr state, std::string node, vmid_t vmid) {
    if (auto ok = check_vm(node, vmid); !ok)
        co_return ok.error();
    gen::nodes_qemu_cloudinit_put_params p;
    p.node = node;
    p.vmid = vmid;
    request_params none;
    auto response = co_await send(state, std::move(p), std::move(none));
    if (!response)
        co_return response.error();
    co_return result<void>();
}

awaitable<result<std::vector<qemu_rrd_sample>>>
rrd(state_ptr state, std::string node, vmid_t vmid, rrd_timeframe timeframe, rrd_cf cf) {
    if (auto ok = check_vm(node, vmid); !ok)
        co_return ok.error();
    gen::nodes_qemu_rrddata_get_params p;
    p.node = node;
    p.vmid = vmid;
    p.timeframe = to_string(timeframe);
    p.cf = cf == rrd_cf::max ? "MAX" : "AVERAGE";
    request_params none;
    auto response = co_await send(state, std::move(p), std::move(none));
    if (!response)
        co_return response.error();
    co_return convert<std::vector<qemu_rrd_sample>>(*response, "VM RRD data");
}

} // namespace

void op_qemu_status(const state_ptr& state, std::string node, vmid_t vmid, handler<qemu_status> h) {
    spawn(state, status(state, std::move(node), vmid), std::move(h));
}

void op_qemu_config(const state_ptr& state, std::string node, vmid_t vmid, handler<qemu_config> h) {
    spawn(state, read_config(state, std::move(node), vmid), std::move(h));
}

void op_qemu_update_config(
    const state_ptr& state, std::string node, vmid_t vmid, qemu_config_update u, handler<void> h) {
    // a POST update waits for its task, which has its own pace: no operation_timeout then
    if (u.via_task)
        spawn_unbounded(state, update_config(state, std::move(node), vmid, std::move(u)), std::move(h));
    else
        spawn(state, update_config(state, std::move(node), vmid, std::move(u)), std::move(h));
}

void op_qemu_add_nic(const state_ptr& state, std::string node, vmid_t vmid, qemu_nic nic, handler<int> h) {
    spawn(state, add_nic(state, std::move(node), vmid, std::move(nic)), std::move(h));
}

void op_qemu_remove_nic(const state_ptr& state, std::string node, vmid_t vmid, int index, handler<void> h) {
    spawn(state, remove_nic(state, std::move(node), vmid, index), std::move(h));
}

void op_qemu_set_cloudinit(
    const state_ptr& state, std::string node, vmid_t vmid, cloudinit_settings s, handler<void> h) {
    spawn(state, set_cloudinit(state, std::move(node), vmid, std::move(s)), std::move(h));
}

void op_qemu_regenerate_cloudinit(const state_ptr& state, std::string node, vmid_t vmid, handler<void> h) {
    spawn(state, regenerate_cloudinit(state, std::move(node), vmid), std::move(h));
}

void op_qemu_rrd(const state_ptr& state,
                 std::string node,
                 vmid_t vmid,
                 rrd_timeframe timeframe,
                 rrd_cf cf,
                 handler<std::vector<qemu_rrd_sample>> h) {
    spawn(state, rrd(state, std::move(node), vmid, timeframe, cf), std::move(h));
}

} // namespace proxmox::detail
