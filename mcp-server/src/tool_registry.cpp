#include "json_text.hpp"
#include "protocol.hpp"
#include "tool_registry.hpp"

#include <boost/json/array.hpp>

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

void tool_registry::add(tool_def tool) {
    if (!is_valid_tool_name(tool.name))
        throw std::invalid_argument("invalid tool name: " + tool.name);
    if (find(tool.name))
        throw std::invalid_argument("duplicate tool name: " + tool.name);
    tools_.push_back(std::move(tool));
}

const tool_def* tool_registry::find(std::string_view name) const noexcept {
    for (const auto& t : tools_)
        if (t.name == name)
            return &t;
    return nullptr;
}

json::object to_json(const tool_def& tool, std::string_view version) {
    json::object out;
    out["name"] = tool.name;
    bool modern = protocol::has_structured_output(version);
    if (modern && !tool.title.empty())
        out["title"] = tool.title;
    out["description"] = tool.description;
    out["inputSchema"] = tool.input_schema;
    if (modern && !tool.output_schema.empty())
        out["outputSchema"] = tool.output_schema;
    if (protocol::has_tool_annotations(version)) {
        json::object a;
        if (!tool.title.empty())
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
    json::array content;
    content.push_back(json::object{{"type", "text"}, {"text", result.text()}});
    out["content"] = std::move(content);
    if (result.is_error) {
        out["isError"] = true;
    } else if (protocol::has_structured_output(version)) {
        out["structuredContent"] = result.structured;
    }
    return out;
}

} // namespace proxmox::mcp
