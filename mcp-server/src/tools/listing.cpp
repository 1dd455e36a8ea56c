#include "tools/listing.hpp"

#include <algorithm>

namespace proxmox::mcp::tools {

json::object list_props() {
    return {{"limit",
             json::object{
                 {"type", "integer"}, {"minimum", 1}, {"maximum", 1000}, {"default", default_list_limit}}},
            {"offset", json::object{{"type", "integer"}, {"minimum", 0}}},
            {"fields",
             json::object{{"type", "array"}, {"items", json::object{{"type", "string"}}}, {"maxItems", 64}}}};
}

page_window window_of(std::size_t total, const json::object& args) {
    const auto limit = static_cast<std::size_t>(arg_int(args, "limit").value_or(default_list_limit));
    const auto offset = std::min(
        total, static_cast<std::size_t>(std::max<std::int64_t>(0, arg_int(args, "offset").value_or(0))));
    return {offset, std::min(total, offset + limit)};
}

json::object paged(json::array items,
                   std::size_t total,
                   page_window window,
                   const json::object& args,
                   std::string_view key,
                   std::initializer_list<std::string_view> default_fields) {
    const json::array* fields = nullptr;
    if (const auto* f = args.if_contains("fields"); f && f->is_array() && !f->get_array().empty())
        fields = &f->get_array();
    json::array defaults;
    if (!fields && default_fields.size() > 0) {
        for (auto name : default_fields)
            defaults.emplace_back(name);
        fields = &defaults;
    }
    json::array page;
    for (auto& entry : items) {
        if (!fields || !entry.is_object()) {
            page.push_back(std::move(entry));
            continue;
        }
        json::object picked;
        const auto& item = entry.get_object();
        for (const auto& name : *fields)
            if (name.is_string())
                if (const auto* v = item.if_contains(name.get_string()))
                    picked[name.get_string()] = *v;
        page.push_back(std::move(picked));
    }
    json::object out{{key, std::move(page)}, {"total", total}, {"offset", window.offset}};
    if (window.end < total)
        out["next_offset"] = window.end;
    return out;
}

json::object page_of(json::array items,
                     const json::object& args,
                     std::string_view key,
                     std::initializer_list<std::string_view> default_fields) {
    const std::size_t total = items.size();
    const page_window window = window_of(total, args);
    json::array page;
    for (std::size_t i = window.offset; i < window.end; ++i)
        page.push_back(std::move(items[i]));
    return paged(std::move(page), total, window, args, key, default_fields);
}

json::object page_output_props(std::string_view key, json::object item) {
    item.erase("required"); // `fields` may leave any field out
    return {{key, json::object{{"type", "array"}, {"items", std::move(item)}}},
            {"total", json::object{{"type", "integer"}}},
            {"offset", json::object{{"type", "integer"}}},
            {"next_offset",
             json::object{{"type", "integer"}, {"description", "Pass as offset for the next page."}}}};
}

} // namespace proxmox::mcp::tools
