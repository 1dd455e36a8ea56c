#ifndef PROXMOX_MCP_HTTP_MEDIA_TYPE_HPP
#define PROXMOX_MCP_HTTP_MEDIA_TYPE_HPP

#include <string_view>

/// Content negotiation of the Streamable HTTP transport: which answers an `Accept` header allows,
/// and whether a `Content-Type` is JSON. Pure functions.
namespace proxmox::mcp {

struct accepted_media {
    bool json = false; ///< application/json, application/* or */*
    bool sse = false;  ///< text/event-stream or text/* (a bare */* does not ask for a stream)
};

/// Reads an `Accept` header (media ranges separated by commas; `q=0` excludes a range). An absent
/// or empty header accepts JSON only.
accepted_media parse_accept(std::string_view accept_header);

/// `application/json`, any case, with or without parameters such as `charset=utf-8`.
bool is_json_content_type(std::string_view content_type);

} // namespace proxmox::mcp

#endif
