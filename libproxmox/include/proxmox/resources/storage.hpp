#ifndef PROXMOX_RESOURCES_STORAGE_HPP
#define PROXMOX_RESOURCES_STORAGE_HPP

#include <proxmox/detail/async.hpp>
#include <proxmox/task.hpp>

#include <cstdint>
#include <functional>
#include <string>

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
void op_upload(const state_ptr& state, std::string node, std::string storage, upload_params params,
               handler<task_handle> h);
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
        return detail::initiate<task_handle>(
            std::forward<Token>(token), [s = state_, n = node_, st = storage_, p = std::move(params)](auto h) {
                detail::op_upload(s, n, st, p, std::move(h));
            });
    }

private:
    detail::state_ptr state_;
    std::string node_;
    std::string storage_;
};

} // namespace proxmox

#endif
