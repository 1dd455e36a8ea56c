#include "refusal.hpp"

#include <fmt/format.h>

namespace proxmox::mcp {

namespace json = boost::json;

std::string failed_checks_text(const json::array& checks) {
    std::string out;
    for (const auto& c : checks) {
        const auto* o = c.if_object();
        const auto* ok = o ? o->if_contains("ok") : nullptr;
        if (!o || (ok && ok->is_bool() && ok->get_bool()))
            continue;
        const auto* what = o->if_contains("check");
        out +=
            fmt::format("{}{}", out.empty() ? "" : "; ", what && what->is_string() ? what->get_string() : "");
        if (const auto* detail = o->if_contains("detail");
            detail && detail->is_string() && !detail->get_string().empty())
            out += fmt::format(" ({})", std::string_view(detail->get_string()));
    }
    return out;
}

tool_result unconfirmed_refusal(std::string_view summary, std::string_view failed, json::array requests) {
    std::string message =
        failed.empty()
            ? fmt::format("Not done: {}. Nothing was sent. Fix: call again with confirm: true to do it "
                          "(dry_run: true previews the requests).",
                          summary)
            : fmt::format("Not done: {}. It would fail: {}. Nothing was sent.", summary, failed);
    return tool_result::failure(std::move(message), {{"requests", std::move(requests)}});
}

} // namespace proxmox::mcp
