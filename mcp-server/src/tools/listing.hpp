#ifndef PROXMOX_MCP_TOOLS_LISTING_HPP
#define PROXMOX_MCP_TOOLS_LISTING_HPP

#include "tools/common.hpp"

#include <string_view>
#include <vector>

/// Paging for list tools: every client resends results into the model's context, so a list
/// answers `limit` items (default 50) from `offset`, optionally only some `fields`, and says
/// `total` and how to get the next page.
namespace proxmox::mcp::tools {

inline constexpr std::int64_t default_list_limit = 50;

/// `limit`, `offset`, `fields` input properties.
json::object list_props();

/// `{key: page, total, offset, next_offset?}` from all matching `items` (objects). Without a
/// `fields` argument, items keep only `default_fields` when given (a compact default; `fields`
/// can name any other field of the item).
json::object page_of(json::array items,
                     const json::object& args,
                     std::string_view key,
                     std::initializer_list<std::string_view> default_fields = {});

/// The items [offset, end) of `total` that `limit` and `offset` in `args` select.
struct page_window {
    std::size_t offset = 0;
    std::size_t end = 0;
};
page_window window_of(std::size_t total, const json::object& args);

/// page_of for a page already cut out of `total` items with window_of.
json::object paged(json::array page,
                   std::size_t total,
                   page_window window,
                   const json::object& args,
                   std::string_view key,
                   std::initializer_list<std::string_view> default_fields = {});

/// page_of for items that are not JSON yet: only the page is converted (a 10,000-guest cluster
/// answers 50 objects without building 10,000).
template <class T, class ToJson>
json::object page_of(const std::vector<T>& all,
                     ToJson to_json,
                     const json::object& args,
                     std::string_view key,
                     std::initializer_list<std::string_view> default_fields = {}) {
    const page_window window = window_of(all.size(), args);
    json::array page;
    page.reserve(window.end - window.offset);
    for (std::size_t i = window.offset; i < window.end; ++i)
        page.push_back(to_json(all[i]));
    return paged(std::move(page), all.size(), window, args, key, default_fields);
}

/// Output properties of page_of: `key` (array of `item`), total, offset, next_offset.
json::object page_output_props(std::string_view key, json::object item);

} // namespace proxmox::mcp::tools

#endif
