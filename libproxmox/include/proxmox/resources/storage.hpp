#ifndef PROXMOX_RESOURCES_STORAGE_HPP
#define PROXMOX_RESOURCES_STORAGE_HPP

#include <proxmox/detail/async.hpp>
#include <proxmox/models/storage.hpp>
#include <proxmox/task.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace proxmox {

/// What to upload with storage_handle::async_upload.
struct upload_params {
    std::string content;   ///< `iso`, `vztmpl` or `import` (the storage must allow it)
    std::string file_path; ///< local file; streamed, never read into memory
    /// Name on the storage; default: the file's name. The extension must fit `content`
    /// (`.iso`/`.img`; `.tar.gz`/`.tar.xz`/`.tar.zst`/...; `.ova`/`.qcow2`/`.raw`/`.vmdk`).
    std::string filename;
    std::string checksum_algorithm; ///< optional: md5, sha1, sha224, sha256, sha384, sha512
    std::string checksum;           ///< optional: PVE verifies the upload against it
    /// Called as bytes go out: sent so far, total.
    std::function<void(std::uint64_t sent, std::uint64_t total)> on_progress;
};

namespace detail {
void op_upload(const state_ptr& state,
               std::string node,
               std::string storage,
               upload_params params,
               handler<task_handle> h);
void op_storages(const state_ptr& state,
                 std::string node,
                 storage_filter filter,
                 handler<std::vector<storage_usage>> h);
void op_storage_status(const state_ptr& state,
                       std::string node,
                       std::string storage,
                       handler<storage_usage> h);
void op_storage_content(const state_ptr& state,
                        std::string node,
                        std::string storage,
                        content_filter filter,
                        handler<std::vector<storage_volume>> h);
void op_delete_volume(
    const state_ptr& state, std::string node, std::string storage, std::string volid, handler<task_handle> h);
} // namespace detail

/// One storage as seen from one node: `/nodes/{node}/storage/{storage}`.
class storage_handle {
public:
    storage_handle(detail::state_ptr state, std::string node, std::string storage)
        : state_(std::move(state)), node_(std::move(node)), storage_(std::move(storage)) {}

    const std::string& node() const noexcept { return node_; }
    const std::string& name() const noexcept { return storage_; }

    /// Uploads an ISO image, container template or import file as multipart/form-data, streaming
    /// the file (PVE requires the `content` and checksum fields before the file part). Completes
    /// with the `imgcopy` task that moves the file into place; wait on it for the final result.
    /// Uploads are never retried and go to the node named here (PVE does not forward them).
    /// PVE endpoint: POST /nodes/{node}/storage/{storage}/upload, needs
    /// Datastore.AllocateTemplate on /storage/{storage}. Completion: void(result<task_handle>).
    template <class Token = boost::asio::deferred_t>
    auto async_upload(upload_params params, Token&& token = {}) const {
        return detail::initiate<task_handle>(std::forward<Token>(token),
                                             [s = state_, n = node_, st = storage_, p = std::move(params)](
                                                 auto h) { detail::op_upload(s, n, st, p, std::move(h)); });
    }

    /// The storage's usage on this node. PVE endpoint: GET /nodes/{node}/storage/{storage}/status,
    /// needs Datastore.Audit or Datastore.AllocateSpace on /storage/{storage}.
    /// Completion: void(result<storage_usage>).
    template <class Token = boost::asio::deferred_t> auto async_status(Token&& token = {}) const {
        return detail::initiate<storage_usage>(std::forward<Token>(token),
                                               [s = state_, n = node_, st = storage_](auto h) {
                                                   detail::op_storage_status(s, n, st, std::move(h));
                                               });
    }

    /// The volumes on the storage, optionally of one content type and/or one guest.
    /// PVE endpoint: GET /nodes/{node}/storage/{storage}/content, needs Datastore.Audit or
    /// Datastore.AllocateSpace on /storage/{storage} (guest volumes also VM.Audit on the guest).
    /// Completion: void(result<std::vector<storage_volume>>).
    template <class Token = boost::asio::deferred_t>
    auto async_content(content_filter filter = {}, Token&& token = {}) const {
        return detail::initiate<std::vector<storage_volume>>(
            std::forward<Token>(token),
            [s = state_, n = node_, st = storage_, f = std::move(filter)](auto h) {
                detail::op_storage_content(s, n, st, f, std::move(h));
            });
    }

    /// The backups (vzdump archives) on the storage, of one guest when `vmid` is not 0; each
    /// has the guest's vmid, its kind in `subtype` and vzdump's notes. Same endpoint and
    /// privileges as async_content with `content=backup`.
    template <class Token = boost::asio::deferred_t>
    auto async_backups(vmid_t vmid = 0, Token&& token = {}) const {
        return async_content({.content = "backup", .vmid = vmid}, std::forward<Token>(token));
    }

    /// Deletes a volume (`local:backup/vzdump-...`, `local-lvm:vm-100-disk-1`, or the part after
    /// `storage:`); completes with the `imgdel` task at once. A disk of a running guest fails in
    /// the task with PVE's text. PVE endpoint: DELETE /nodes/{node}/storage/{storage}/content/{volume},
    /// needs Datastore.Allocate on /storage/{storage} (backups: Datastore.AllocateSpace is enough
    /// with VM.Backup on the guest). Completion: void(result<task_handle>).
    template <class Token = boost::asio::deferred_t>
    auto async_delete_volume(std::string volid, Token&& token = {}) const {
        return detail::initiate<task_handle>(
            std::forward<Token>(token), [s = state_, n = node_, st = storage_, v = std::move(volid)](auto h) {
                detail::op_delete_volume(s, n, st, v, std::move(h));
            });
    }

private:
    detail::state_ptr state_;
    std::string node_;
    std::string storage_;
};

} // namespace proxmox

#endif
