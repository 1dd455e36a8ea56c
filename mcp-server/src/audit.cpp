#include "audit.hpp"
#include "json_text.hpp"
#include "log.hpp"

#include <boost/json/array.hpp>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string>

namespace proxmox::mcp {

namespace json = boost::json;

bool is_secret_key(std::string_view key) {
    std::string lower(key);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    // Token ids (`tokens`, `token_id`) name a token; its secret is what must not show.
    for (std::string_view word : {"password", "secret", "ticket", "csrf", "private"})
        if (lower.find(word) != std::string::npos)
            return true;
    return false;
}

namespace {

json::value redact_value(const json::value& v) {
    if (const auto* o = v.if_object())
        return redact_secrets(*o);
    if (const auto* a = v.if_array()) {
        json::array out;
        for (const auto& item : *a)
            out.push_back(redact_value(item));
        return out;
    }
    return v;
}

std::string_view mode_name(call_mode mode) {
    switch (mode) {
    case call_mode::execute:
        return "execute";
    case call_mode::preview:
        return "dry_run";
    case call_mode::unconfirmed:
        return "unconfirmed";
    }
    return "execute";
}

} // namespace

json::object redact_secrets(const json::object& value) {
    json::object out;
    for (const auto& kv : value) {
        if (is_secret_key(kv.key()) && !kv.value().is_bool())
            out[kv.key()] = "***";
        else
            out[kv.key()] = redact_value(kv.value());
    }
    return out;
}

std::string audit_line(std::chrono::system_clock::time_point when,
                       std::string_view tool,
                       call_mode mode,
                       const json::object& arguments,
                       const tool_result& result) {
    json::object target;
    for (std::string_view key : {"vmid", "name", "node", "poolid", "path", "storage", "upid"}) {
        if (const auto* v = result.structured.if_contains(key))
            target[key] = *v;
        else if (const auto* a = arguments.if_contains(key))
            target[key] = *a;
    }
    json::object line{
        {"time",
         fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::chrono::system_clock::to_time_t(when)))},
        {"tool", tool},
        {"mode", mode_name(mode)},
        {"target", std::move(target)},
        {"arguments", redact_secrets(arguments)},
        {"outcome", result.is_error ? "error" : "ok"},
    };
    const json::object& facts = result.is_error ? result.details : result.structured;
    if (const auto* upid = facts.if_contains("upid"))
        line["upid"] = *upid;
    if (result.is_error)
        line["error"] = result.message.substr(0, 500);
    return to_json_text(line);
}

audit_sink make_audit_sink(const std::string& path) {
    if (path.empty())
        return [](const std::string& line) { log(log_severity::info, "audit: " + line); };
    return [path](const std::string& line) {
        if (std::FILE* f = std::fopen(path.c_str(), "a")) {
            std::fprintf(f, "%s\n", line.c_str());
            std::fclose(f);
        } else {
            log(log_severity::error, fmt::format("cannot append to PROXMOX_AUDIT_LOG; audit: {}", line));
        }
    };
}

} // namespace proxmox::mcp
