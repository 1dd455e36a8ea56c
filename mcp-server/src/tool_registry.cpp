#include "json_text.hpp"
#include "protocol.hpp"
#include "tool_registry.hpp"

#include <boost/json/array.hpp>

#include <algorithm>
#include <stdexcept>

namespace proxmox::mcp {

namespace json = boost::json;

tool_result tool_result::success(json::object structured) {
    tool_result r;
    r.structured = std::move(structured);
    return r;
}

tool_result tool_result::failure(std::string message, json::object details) {
    tool_result r;
    r.is_error = true;
    r.message = std::move(message);
    r.details = std::move(details);
    return r;
}

std::string tool_result::text() const {
    if (!is_error)
        return to_json_text(structured);
    if (details.empty())
        return message;
    return message + "\n" + to_json_text(details);
}

bool is_valid_tool_name(std::string_view name) noexcept {
    if (name.empty() || name.size() > 128)
        return false;
    for (char c : name) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                  c == '-' || c == '.';
        if (!ok)
            return false;
    }
    return true;
}

namespace {

json::object& properties_of(json::object& schema) {
    auto& props = schema["properties"];
    if (!props.is_object())
        props = json::object{};
    return props.get_object();
}

/// Marks an accepted argument that the published schema leaves out: the server's instructions
/// explain it once for every tool (see published_input).
json::object unlisted(json::object schema) {
    schema["x-unlisted"] = true;
    return schema;
}

/// The shared arguments carry no description: the server's instructions explain them once.
/// A schema lists `wait` only where the tool's default differs from false; `dry_run`, `timeout`
/// and `poll_interval` are accepted but never listed (their defaults are in the docs, and a wait
/// that times out says how to go on).
void add_shared_arguments(tool_def& tool) {
    auto& props = properties_of(tool.input_schema);
    if (tool.safety != tool_safety::read) {
        props["confirm"] = json::object{{"type", "boolean"}};
        props["dry_run"] = unlisted(json::object{{"type", "boolean"}});
    }
    if (tool.waits) {
        const wait_defaults usual;
        json::object wait{{"type", "boolean"}, {"default", tool.waits->wait}};
        props["wait"] = tool.waits->wait == usual.wait ? unlisted(std::move(wait)) : std::move(wait);
        props["timeout"] = unlisted(json::object{{"type", "integer"},
                                                 {"minimum", 1},
                                                 {"maximum", 86400},
                                                 {"default", tool.waits->timeout_seconds}});
        props["poll_interval"] = unlisted(json::object{{"type", "number"},
                                                       {"minimum", 0.5},
                                                       {"maximum", 60},
                                                       {"default", tool.waits->poll_interval_seconds}});
    }
}

/// A write tool answers either its result or a dry_run preview, so none of its result's fields
/// is required.
void allow_preview_output(tool_def& tool) {
    if (tool.safety == tool_safety::read)
        return;
    if (tool.output_schema.empty())
        tool.output_schema = json::object{{"type", "object"}};
    tool.output_schema.erase("required");
    auto& props = properties_of(tool.output_schema);
    props["dry_run"] = json::object{{"type", "boolean"}};
    props["summary"] = json::object{{"type", "string"}};
    props["checks"] = json::object{{"type", "array"}};
    props["requests"] = json::object{{"type", "array"}};
    props["would_run"] = json::object{{"type", "boolean"}};
}

} // namespace

void tool_registry::add(tool_def tool) {
    if (!is_valid_tool_name(tool.name))
        throw std::invalid_argument("invalid tool name: " + tool.name);
    if (find(tool.name))
        throw std::invalid_argument("duplicate tool name: " + tool.name);
    tool.annotations.read_only = tool.safety == tool_safety::read;
    tool.annotations.destructive = tool.safety == tool_safety::destructive;
    add_shared_arguments(tool);
    allow_preview_output(tool);
    tools_.push_back(std::move(tool));
}

void tool_registry::order_by(const std::vector<std::string_view>& names) {
    auto rank = [&](const tool_def& t) {
        auto it = std::find(names.begin(), names.end(), t.name);
        return static_cast<std::size_t>(it - names.begin());
    };
    std::stable_sort(tools_.begin(), tools_.end(),
                     [&](const tool_def& a, const tool_def& b) { return rank(a) < rank(b); });
}

void tool_registry::set_toolset(std::string_view name, std::string_view toolset) {
    for (auto& t : tools_)
        if (t.name == name)
            t.toolset = std::string(toolset);
}

const tool_def* tool_registry::find(std::string_view name) const noexcept {
    for (const auto& t : tools_)
        if (t.name == name)
            return &t;
    return nullptr;
}

namespace {

bool is_bound_keyword(std::string_view key) {
    for (std::string_view k : {"maxLength", "minLength", "minimum", "maximum", "exclusiveMinimum",
                               "exclusiveMaximum", "maxItems", "minItems", "additionalProperties"})
        if (key == k)
            return true;
    return false;
}

json::value published_value(const json::value& v, bool in_properties) {
    if (const auto* o = v.if_object()) {
        json::object out;
        for (const auto& kv : *o) {
            // Inside `properties` the keys are argument names, never keywords.
            if (!in_properties && is_bound_keyword(kv.key()))
                continue;
            out[kv.key()] = published_value(kv.value(), !in_properties && kv.key() == "properties");
        }
        return out;
    }
    return v;
}

} // namespace

json::object published_schema(const json::object& schema) {
    return published_value(schema, false).get_object();
}

namespace {
/// Accepted by every write tool (or every waiting tool) and explained in the instructions, but
/// not repeated in each listed schema unless a tool's default differs.
json::object published_input(const tool_def& tool) {
    json::object schema = published_schema(tool.input_schema);
    if (auto* props = schema.if_contains("properties"); props && props->is_object()) {
        auto& p = props->get_object();
        for (auto it = p.begin(); it != p.end();) {
            const auto* o = it->value().if_object();
            if (o && o->contains("x-unlisted"))
                it = p.erase(it);
            else
                ++it;
        }
    }
    return schema;
}
} // namespace

json::object to_json(const tool_def& tool, std::string_view version) {
    json::object out;
    out["name"] = tool.name;
    bool modern = protocol::has_structured_output(version);
    if (modern && !tool.title.empty())
        out["title"] = tool.title;
    out["description"] = tool.description;
    out["inputSchema"] = tool.verbatim_schema ? tool.input_schema : published_input(tool);
    if (modern && !tool.output_schema.empty())
        out["outputSchema"] = published_schema(tool.output_schema);
    if (protocol::has_tool_annotations(version)) {
        json::object a;
        if (!tool.title.empty() && !modern) // from 2025-06-18 the tool's own title says it
            a["title"] = tool.title;
        a["readOnlyHint"] = tool.annotations.read_only;
        a["destructiveHint"] = tool.annotations.destructive;
        a["idempotentHint"] = tool.annotations.idempotent;
        a["openWorldHint"] = tool.annotations.open_world;
        out["annotations"] = std::move(a);
    }
    return out;
}

json::object to_json(const tool_result& result, std::string_view version) {
    json::object out;
    bool own_blocks = !result.content.empty() && !result.is_error;
    if (own_blocks) {
        out["content"] = result.content;
    } else {
        json::array content;
        content.push_back(json::object{{"type", "text"}, {"text", result.text()}});
        out["content"] = std::move(content);
    }
    if (result.is_error) {
        out["isError"] = true;
    } else if (protocol::has_structured_output(version) && (!own_blocks || !result.structured.empty())) {
        out["structuredContent"] = result.structured;
    }
    return out;
}

} // namespace proxmox::mcp
