// Backups with vzdump (POST /nodes/{node}/vzdump) and restores (POST /nodes/{node}/qemu with
// `archive`, POST /nodes/{node}/lxc with `restore=1`).

#include "core/client_state.hpp"
#include "core/text.hpp"

#include <proxmox/generated/nodes_lxc.hpp>
#include <proxmox/generated/nodes_other.hpp>
#include <proxmox/generated/nodes_qemu.hpp>
#include <proxmox/resources/backup.hpp>

#include <fmt/format.h>

namespace proxmox::detail {
namespace {

using boost::asio::awaitable;

bool valid_vmid(vmid_t vmid) {
    return vmid >= 100 && vmid <= 999'999'999;
}

const char* mode_name(backup_mode m) {
    switch (m) {
    case backup_mode::suspend:
        return "suspend";
    case backup_mode::stop:
        return "stop";
    case backup_mode::snapshot:
        break;
    }
    return "snapshot";
}

result<gen::nodes_vzdump_post_params> backup_params(const std::string& node, backup_options o) {
    if (node.empty())
        return make_error(errc::invalid_argument, "node name is empty; pass the node the guests are on");
    if (o.vmids.empty())
        return make_error(errc::invalid_argument, "vmids is empty; name at least one guest to back up");
    std::string ids;
    for (auto id : o.vmids) {
        if (!valid_vmid(id))
            return make_error(errc::invalid_argument,
                              fmt::format("vmids: {} is out of range (100 .. 999999999)", id));
        ids += (ids.empty() ? "" : ",") + std::to_string(id);
    }
    if (o.compress != "0" && o.compress != "1" && o.compress != "gzip" && o.compress != "lzo" &&
        o.compress != "zstd")
        return make_error(errc::invalid_argument, fmt::format("compress {} is not one of 0, gzip, lzo, zstd",
                                                              bounded_quote(o.compress)));
    if (o.notes_template.find_first_of("\r\n") != std::string::npos)
        return make_error(errc::invalid_argument, "notes_template contains a line break; PVE takes one line");
    if (o.keep_last && *o.keep_last == 0)
        return make_error(errc::invalid_argument,
                          "keep_last is 0; keep at least one backup or leave it unset");
    if (o.keep_last && !o.remove)
        return make_error(errc::invalid_argument, "keep_last prunes; it cannot go with remove = false");

    gen::nodes_vzdump_post_params p{.node = node};
    p.job.vmid = std::move(ids);
    p.job.mode = gen::backup_job_fields::mode_enum(mode_name(o.mode));
    p.job.compress = gen::backup_job_fields::compress_enum(o.compress);
    if (!o.storage.empty())
        p.job.storage = std::move(o.storage);
    if (!o.notes_template.empty())
        p.job.notes_template = std::move(o.notes_template);
    if (o.keep_last) {
        p.job.prune_backups = fmt::format("keep-last={}", *o.keep_last);
        p.job.remove = true;
    } else if (!o.remove) {
        p.job.remove = false;
    }
    if (o.protect)
        p.job.protected_ = true;
    return p;
}

result<gen::encoded_request> restore_request(const std::string& node, bool container, restore_options o) {
    if (node.empty())
        return make_error(errc::invalid_argument, "node name is empty; pass the node to restore on");
    if (o.archive.empty())
        return make_error(
            errc::invalid_argument,
            "archive is empty; pass a backup volume like \"local:backup/vzdump-qemu-101-....vma.zst\" "
            "(storage_handle::async_backups lists them)");
    if (!valid_vmid(o.vmid))
        return make_error(errc::invalid_argument,
                          fmt::format("vmid {} is out of range (100 .. 999999999)", o.vmid));
    const auto flag = [](bool b) { return b ? std::optional<bool>(true) : std::nullopt; };
    const auto text = [](std::string s) {
        return s.empty() ? std::nullopt : std::optional<std::string>(std::move(s));
    };
    if (container) {
        gen::nodes_lxc_post_params p{.node = node};
        p.ostemplate = std::move(o.archive);
        p.restore = true;
        p.vmid = o.vmid;
        p.force = flag(o.force);
        p.unique = flag(o.unique);
        p.start = flag(o.start);
        p.storage = text(std::move(o.storage));
        p.pool = text(std::move(o.pool));
        return gen::encode(p);
    }
    gen::nodes_qemu_post_params p{.node = node};
    p.archive = std::move(o.archive);
    p.vmid = o.vmid;
    p.force = flag(o.force);
    p.unique = flag(o.unique);
    p.start = flag(o.start);
    p.storage = text(std::move(o.storage));
    p.pool = text(std::move(o.pool));
    return gen::encode(p);
}

awaitable<result<task_handle>> send_task(state_ptr state, gen::encoded_request req) {
    const auto path = req.path;
    auto response = co_await request(state, http_method::post, std::move(req));
    if (!response)
        co_return response.error();
    co_return task_from(state, *response, path);
}

awaitable<result<task_handle>> backup(state_ptr state, std::string node, backup_options o) {
    auto params = backup_params(node, std::move(o));
    if (!params)
        co_return params.error();
    auto req = gen::encode(*params);
    co_return co_await send_task(state, std::move(req));
}

awaitable<result<task_handle>> restore(state_ptr state, std::string node, bool container, restore_options o) {
    auto req = restore_request(node, container, std::move(o));
    if (!req)
        co_return req.error();
    co_return co_await send_task(state, std::move(*req));
}

} // namespace

void op_backup(const state_ptr& state, std::string node, backup_options opts, handler<task_handle> h) {
    spawn(state, backup(state, std::move(node), std::move(opts)), std::move(h));
}

void op_restore(
    const state_ptr& state, std::string node, bool container, restore_options opts, handler<task_handle> h) {
    spawn(state, restore(state, std::move(node), container, std::move(opts)), std::move(h));
}

} // namespace proxmox::detail
