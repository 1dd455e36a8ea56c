#ifndef PROXMOX_MCP_TOOLS_LISTING_HPP
#define PROXMOX_MCP_TOOLS_LISTING_HPP

#include "tools/common.hpp"

#include <string_view>

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

/// Output properties of page_of: `key` (array of `item`), total, offset, next_offset.
json::object page_output_props(std::string_view key, json::object item);

} // namespace proxmox::mcp::tools

#endif
