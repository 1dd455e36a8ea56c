// Streaming multipart upload to POST /nodes/{node}/storage/{storage}/upload (WIRE.md §12).
// Beast has no multipart writer, so the few framing lines are built here; the file itself is
// streamed by the transport.

#include "core/client_state.hpp"
#include "core/encoding.hpp"
#include "core/text.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <random>

namespace proxmox::detail {
namespace {

using boost::asio::awaitable;

std::string random_boundary() {
    std::random_device rd;
    return fmt::format("----libproxmox{:016x}{:08x}", (std::uint64_t{rd()} << 32) | rd(), rd());
}

std::string field(const std::string& boundary, std::string_view name, std::string_view value) {
    return fmt::format("--{}\r\nContent-Disposition: form-data; name=\"{}\"\r\n\r\n{}\r\n", boundary, name,
                       value);
}

result<void> check(const upload_params& p, const std::string& filename) {
    if (p.content != "iso" && p.content != "vztmpl" && p.content != "import")
        return make_error(
            errc::invalid_argument,
            fmt::format("upload content {} must be iso, vztmpl or import", bounded_quote(p.content)));
    std::error_code ec;
    if (!std::filesystem::is_regular_file(p.file_path, ec))
        return make_error(errc::invalid_argument, fmt::format("upload file {} is not a readable file",
                                                              bounded_quote(p.file_path, 200)));
    if (filename.empty() || filename.find_first_of("\"/\\") != std::string::npos ||
        has_control_char(filename))
        return make_error(
            errc::invalid_argument,
            fmt::format("upload filename {} must be a plain file name without quotes, slashes or control "
                        "characters",
                        bounded_quote(filename)));
    if (p.checksum.empty() != p.checksum_algorithm.empty())
        return make_error(errc::invalid_argument, "upload checksum and checksum_algorithm go together");
    // Both go into the multipart framing: a line break there would forge a part.
    if (!p.checksum.empty() && (p.checksum.size() > 256 || !all_hex(p.checksum)))
        return make_error(errc::invalid_argument, "upload checksum must be the file's hex digest");
    if (has_control_char(p.checksum_algorithm))
        return make_error(errc::invalid_argument,
                          "upload checksum_algorithm must be md5, sha1, sha224, sha256, "
                          "sha384 or sha512");
    return {};
}

awaitable<result<task_handle>>
upload(state_ptr state, std::string node, std::string storage, upload_params p) {
    const std::string filename =
        p.filename.empty() ? std::filesystem::path(p.file_path).filename().string() : p.filename;
    if (auto ok = check(p, filename); !ok)
        co_return ok.error();
    auto path =
        api_path({"nodes", path_value{"node", node}, "storage", path_value{"storage", storage}, "upload"});
    if (!path)
        co_return path.error();

    const auto boundary = random_boundary();
    std::string head = field(boundary, "content", p.content);
    if (!p.checksum.empty()) {
        head += field(boundary, "checksum-algorithm", p.checksum_algorithm);
        head += field(boundary, "checksum", p.checksum);
    }
    // The file part comes last and must be named "filename" (pve-http-server file_upload_multipart).
    head += fmt::format("--{}\r\nContent-Disposition: form-data; name=\"filename\"; filename=\"{}\"\r\n"
                        "Content-Type: application/octet-stream\r\n\r\n",
                        boundary, filename);
    http_request req;
    req.content_type = "multipart/form-data; boundary=" + boundary;
    req.streamed_body = {
        {std::move(head), {}}, {{}, p.file_path}, {fmt::format("\r\n--{}--\r\n", boundary), {}}};
    req.on_body_progress = p.on_progress;
    auto response = co_await send_request(state, http_method::post, *path, {}, std::move(req));
    if (!response)
        co_return response.error();
    co_return task_from(state, *response, *path);
}

} // namespace

void op_upload(const state_ptr& state,
               std::string node,
               std::string storage,
               upload_params params,
               handler<task_handle> h) {
    spawn_unbounded(state, upload(state, std::move(node), std::move(storage), std::move(params)),
                    std::move(h));
}

} // namespace proxmox::detail
