// Storage reads and volume deletion: GET /nodes/{node}/storage, .../{storage}/status,
// .../{storage}/content, DELETE .../content/{volume}.

#include "core/client_state.hpp"
#include "core/text.hpp"

#include <proxmox/generated/nodes_storage.hpp>

#include <fmt/format.h>

namespace proxmox::detail {
namespace {

using boost::asio::awaitable;

result<void> check(const std::string& node, const std::string& storage) {
    if (node.empty())
        return make_error(errc::invalid_argument, "node name is empty; pass the node that sees the storage");
    if (storage.empty())
        return make_error(errc::invalid_argument, "storage name is empty; pass e.g. \"local\"");
    return {};
}

template <class T> awaitable<result<T>> get_as(state_ptr state, gen::encoded_request req, std::string what) {
    auto response = co_await request(state, http_method::get, std::move(req));
    if (!response)
        co_return response.error();
    co_return convert<T>(*response, what);
}

awaitable<result<std::vector<storage_usage>>> storages(state_ptr state, std::string node, storage_filter f) {
    if (node.empty())
        co_return make_error(errc::invalid_argument,
                             "node name is empty; pass the node's name, e.g. \"pve\"");
    gen::nodes_storage_get_params p{.node = node};
    if (!f.content.empty())
        p.content = f.content;
    if (f.enabled_only)
        p.enabled = true;
    if (!f.storage.empty())
        p.storage = f.storage;
    auto req = gen::encode(p);
    co_return co_await get_as<std::vector<storage_usage>>(state, std::move(req), "storage list");
}

awaitable<result<storage_usage>> status(state_ptr state, std::string node, std::string storage) {
    if (auto ok = check(node, storage); !ok)
        co_return ok.error();
    auto req = gen::encode(gen::nodes_storage_status_get_params{.node = node, .storage = storage});
    auto usage = co_await get_as<storage_usage>(state, std::move(req), "storage status");
    if (usage && usage->storage.empty())
        usage->storage = storage; // the status answer does not name it
    co_return usage;
}

awaitable<result<std::vector<storage_volume>>>
content(state_ptr state, std::string node, std::string storage, content_filter f) {
    if (auto ok = check(node, storage); !ok)
        co_return ok.error();
    if (f.vmid != 0 && (f.vmid < 100 || f.vmid > 999'999'999))
        co_return make_error(errc::invalid_argument,
                             fmt::format("vmid {} is out of range (100 .. 999999999, or 0 for all)", f.vmid));
    gen::nodes_storage_content_get_params p{.node = node, .storage = storage};
    if (!f.content.empty())
        p.content = f.content;
    if (f.vmid != 0)
        p.vmid = f.vmid;
    auto req = gen::encode(p);
    co_return co_await get_as<std::vector<storage_volume>>(state, std::move(req), "storage content");
}

awaitable<result<task_handle>>
delete_volume(state_ptr state, std::string node, std::string storage, std::string volid) {
    if (auto ok = check(node, storage); !ok)
        co_return ok.error();
    if (volid.empty() || volid.find('/') == 0)
        co_return make_error(errc::invalid_argument, "volid is empty; pass e.g. \"local:backup/vzdump-...\"");
    if (const auto colon = volid.find(':'); colon != std::string::npos && volid.substr(0, colon) != storage)
        co_return make_error(
            errc::invalid_argument,
            fmt::format("volume {} is not on storage {}", bounded_quote(volid), bounded_quote(storage)));
    auto req = gen::encode(
        gen::nodes_storage_content_volume_delete_params{.node = node, .storage = storage, .volume = volid});
    const auto path = req.path;
    auto response = co_await request(state, http_method::del, std::move(req));
    if (!response)
        co_return response.error();
    co_return task_from(state, *response, path);
}

} // namespace

void op_storages(const state_ptr& state,
                 std::string node,
                 storage_filter filter,
                 handler<std::vector<storage_usage>> h) {
    spawn(state, storages(state, std::move(node), std::move(filter)), std::move(h));
}

void op_storage_status(const state_ptr& state,
                       std::string node,
                       std::string storage,
                       handler<storage_usage> h) {
    spawn(state, status(state, std::move(node), std::move(storage)), std::move(h));
}

void op_storage_content(const state_ptr& state,
                        std::string node,
                        std::string storage,
                        content_filter filter,
                        handler<std::vector<storage_volume>> h) {
    spawn(state, content(state, std::move(node), std::move(storage), std::move(filter)), std::move(h));
}

void op_delete_volume(const state_ptr& state,
                      std::string node,
                      std::string storage,
                      std::string volid,
                      handler<task_handle> h) {
    spawn(state, delete_volume(state, std::move(node), std::move(storage), std::move(volid)), std::move(h));
}

} // namespace proxmox::detail
