// proxmox-upload-iso, -upload-template: a local file below PROXMOX_UPLOAD_DIR, streamed to a
// storage of a node (POST /nodes/{node}/storage/{storage}/upload).
#include "caller_text.hpp"
#include "policy.hpp"
#include "tools/checks.hpp"
#include "tools/guest.hpp"
#include "tools/plan.hpp"
#include "tools/task_wait.hpp"
#include "tools/tools.hpp"

#include <proxmox/client.hpp>
#include <proxmox/generated/nodes_storage.hpp>

#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <memory>

namespace proxmox::mcp::tools {

namespace asio = boost::asio;
namespace fs = std::filesystem;
namespace gen = proxmox::gen;

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

/// Whether PVE takes `name` for `content` unchanged: its extension rules (iso: .iso/.img;
/// vztmpl: .tar, .tar.gz/.xz/.zst/.bz2) and only the characters it keeps (letters, digits,
/// `_`, `.`, `-`; it replaces others with `_`).
std::optional<std::string> name_problem(std::string_view name, std::string_view content) {
    if (!std::all_of(name.begin(), name.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
        }))
        return "has characters PVE replaces (use letters, digits, '_', '.', '-')";
    const std::string l = lower(name);
    if (content == "iso") {
        if (l.size() > 4 && (l.ends_with(".iso") || l.ends_with(".img")))
            return std::nullopt;
        return "does not end in .iso or .img";
    }
    for (std::string_view ext : {".tar.gz", ".tar.xz", ".tar.zst", ".tar.bz2", ".tar"})
        if (l.size() > ext.size() && l.ends_with(ext))
            return std::nullopt;
    return "does not end in .tar.gz, .tar.xz or .tar.zst";
}

/// Whether `path` is `dir` or below it (both absolute and normalized).
bool is_below(const fs::path& path, const fs::path& dir) {
    auto p = path.begin();
    for (auto d = dir.begin(); d != dir.end(); ++d, ++p) {
        if (d->empty() && std::next(d) == dir.end())
            break; // a trailing separator
        if (p == path.end() || *p != *d)
            return false;
    }
    return true;
}

struct local_file {
    fs::path resolved;    ///< canonical: no `..`, no symlink
    std::string filename; ///< the name on the storage
    std::uintmax_t size = 0;
};

/// The file `file_path` names, when it is a regular file below PROXMOX_UPLOAD_DIR after resolving
/// `..` and symlinks; otherwise the error that says why and what to do.
outcome<local_file> local_upload_file(const tool_context& ctx, const std::string& file_path) {
    const std::string dir_text = ctx.policy ? ctx.policy->upload_dir : std::string();
    if (dir_text.empty())
        return tool_result::failure("Uploads are off: PROXMOX_UPLOAD_DIR is not set. Fix: the operator sets "
                                    "PROXMOX_UPLOAD_DIR to the "
                                    "directory whose files may be uploaded, and you put the file there.");
    if (std::any_of(file_path.begin(), file_path.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
        return tool_result::failure(fmt::format(
            "file_path {} has control characters. Fix: pass a plain path.", quote_text(file_path)));
    std::error_code ec;
    const fs::path dir = fs::weakly_canonical(dir_text, ec);
    if (ec)
        return tool_result::failure(fmt::format("PROXMOX_UPLOAD_DIR cannot be resolved ({}).", ec.message()));
    fs::path requested(file_path);
    if (requested.is_relative())
        requested = dir / requested; // relative to the upload directory
    const fs::path resolved = fs::weakly_canonical(requested, ec);
    if (ec || !is_below(resolved, dir))
        return tool_result::failure(
            fmt::format("Refused: file_path {} is outside PROXMOX_UPLOAD_DIR ({}) once '..' and symlinks are "
                        "resolved. Fix: put the file in that directory and pass its path there.",
                        quote_text(file_path), dir.string()));
    const fs::path real = fs::canonical(resolved, ec);
    if (ec)
        return tool_result::failure(
            fmt::format("file_path {} does not exist in PROXMOX_UPLOAD_DIR ({}). Fix: check the name.",
                        quote_text(file_path), dir.string()));
    if (!fs::is_regular_file(real, ec))
        return tool_result::failure(fmt::format(
            "file_path {} is not a regular file. Fix: pass the file itself.", quote_text(file_path)));
    local_file f;
    f.resolved = real;
    f.filename = requested.lexically_normal().filename().string();
    if (f.filename.empty())
        f.filename = real.filename().string();
    f.size = fs::file_size(real, ec);
    if (ec)
        return tool_result::failure(
            fmt::format("file_path {} cannot be read ({}).", quote_text(file_path), ec.message()));
    return f;
}

asio::awaitable<tool_result> upload(tool_context ctx, json::object args, std::string content) {
    auto node_arg = node_argument(ctx, args);
    if (!node_arg)
        co_return std::move(node_arg.failure());
    const std::string node = *node_arg;
    const std::string file_path = arg_string(args, "file_path").value_or("");
    auto file = local_upload_file(ctx, file_path);
    if (!file) {
        file.failure().message += " Nothing was sent.";
        co_return std::move(file.failure());
    }
    if (auto problem = name_problem(file->filename, content))
        co_return tool_result::failure(
            fmt::format("The file name {} {}. Fix: rename the file. Nothing was sent.",
                        quote_text(file->filename), *problem));

    write_plan plan(fmt::format("upload {} ({} bytes) to {} on {}", file->filename, file->size,
                                content == "iso" ? "an ISO storage" : "a template storage", node));
    auto node_ok = co_await check_node(ctx, plan, node);
    if (!node_ok)
        co_return std::move(node_ok.failure());
    std::string storage = arg_string(args, "storage").value_or("");
    const std::string volid_tail = fmt::format("{}/{}", content, file->filename);
    if (*node_ok) {
        auto chosen = co_await storage_for(ctx, plan, node, storage, content);
        if (!chosen)
            co_return std::move(chosen.failure());
        storage = *chosen;
    }
    if (*node_ok && plan.checks_passed()) {
        // the same name there already: the same size is this file (a retry); another is not replaced
        const auto storage_h = ctx.client->node(node).storage(storage);
        proxmox::content_filter of_content;
        of_content.content = content;
        auto volumes = co_await storage_h.async_content(of_content, asio::use_awaitable);
        if (!volumes)
            co_return failure(fmt::format("Listing the {} volumes of {} failed", content, storage),
                              volumes.error());
        const std::string volid = fmt::format("{}:{}", storage, volid_tail);
        auto it =
            std::find_if(volumes->begin(), volumes->end(), [&](const auto& v) { return v.volid == volid; });
        if (it != volumes->end() && it->size == file->size)
            co_return tool_result::success({{"node", node},
                                            {"storage", storage},
                                            {"volid", volid},
                                            {"size", it->size},
                                            {"already", true}});
        plan.check(fmt::format("no other {} on {}", volid_tail, storage), it == volumes->end(),
                   it == volumes->end()
                       ? ""
                       : fmt::format("one of {} bytes is there; delete it or rename the file", it->size));
    }
    plan.add(gen::nodes_storage_upload_post_params{
        .node = node, .storage = storage, .content = content, .filename = file->filename});
    if (auto answer = gate(ctx, plan))
        co_return std::move(*answer);

    proxmox::upload_params params;
    params.content = content;
    params.file_path = file->resolved.string();
    params.filename = file->filename;
    if (ctx.progress) {
        auto last = std::make_shared<int>(-1);
        params.on_progress = [progress = ctx.progress, last](std::uint64_t sent, std::uint64_t total) {
            const int pct = total ? static_cast<int>(sent * 100 / total) : 0;
            if (pct <= *last)
                return;
            *last = pct;
            progress(static_cast<double>(sent), static_cast<double>(total),
                     fmt::format("uploaded {} of {} bytes", sent, total));
        };
    }
    const std::string what = fmt::format("Could not upload {} to {} on {}", file->filename, storage, node);
    const auto target = ctx.client->node(node).storage(storage);
    auto task = co_await target.async_upload(std::move(params), asio::use_awaitable);
    if (!task)
        co_return failure(what, task.error());
    json::object out{{"node", node},
                     {"storage", storage},
                     {"volid", fmt::format("{}:{}", storage, volid_tail)},
                     {"size", file->size}};
    const auto settings = wait_settings_from(ctx, args);
    co_return co_await follow_task(ctx, *task, settings, std::move(out), what);
}

json::object upload_input() {
    json::object name{{"type", "string"}, {"maxLength", max_name_length}};
    return input_schema(
        {{"node", name},
         {"storage", name},
         {"file_path", json::object{{"type", "string"}, {"minLength", 1}, {"maxLength", 4096}}}},
        {"file_path"});
}

json::object upload_output() {
    return output_schema(merged(fields({{"node", "string"},
                                        {"storage", "string"},
                                        {"volid", "string"},
                                        {"size", "integer"},
                                        {"already", "boolean"}}),
                                task_output_props()));
}

} // namespace

void register_upload_tools(tool_registry& registry) {
    const wait_defaults waits{.wait = true};
    registry.add({
        .name = "proxmox-upload-iso",
        .title = "Upload an ISO",
        .description = "Upload an .iso/.img file from PROXMOX_UPLOAD_DIR.",
        .input_schema = upload_input(),
        .output_schema = upload_output(),
        .annotations = {.idempotent = true},
        .handler = [](tool_context ctx,
                      json::object args) { return upload(std::move(ctx), std::move(args), "iso"); },
        .safety = tool_safety::write,
        .waits = waits,
    });
    registry.add({
        .name = "proxmox-upload-template",
        .title = "Upload a container template",
        .description = "Upload a container template (.tar.zst/.xz/.gz) from PROXMOX_UPLOAD_DIR.",
        .input_schema = upload_input(),
        .output_schema = upload_output(),
        .annotations = {.idempotent = true},
        .handler = [](tool_context ctx,
                      json::object args) { return upload(std::move(ctx), std::move(args), "vztmpl"); },
        .safety = tool_safety::write,
        .waits = waits,
    });
}

} // namespace proxmox::mcp::tools
