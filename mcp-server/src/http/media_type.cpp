#include "http/media_type.hpp"
#include "text.hpp"

#include <boost/beast/core/string.hpp>

#include <algorithm>
#include <string>

namespace proxmox::mcp {

namespace beast = boost::beast;

namespace {

/// `q=0`, `q=0.0`, ... among the parameters of a media range.
bool excluded(std::string_view parameters) {
    while (!parameters.empty()) {
        auto semicolon = parameters.find(';');
        std::string_view p = trim_blanks(parameters.substr(0, semicolon));
        parameters =
            semicolon == std::string_view::npos ? std::string_view() : parameters.substr(semicolon + 1);
        if (p.size() < 2 || !(p[0] == 'q' || p[0] == 'Q') || p[1] != '=')
            continue;
        std::string_view value = p.substr(2);
        if (value.empty() || value[0] != '0')
            return false;
        value.remove_prefix(1);
        if (value.empty())
            return true;
        if (value[0] != '.')
            return false;
        value.remove_prefix(1);
        return value.find_first_not_of('0') == std::string_view::npos;
    }
    return false;
}

} // namespace

accepted_media parse_accept(std::string_view accept_header) {
    accepted_media out;
    if (trim_blanks(accept_header).empty()) {
        out.json = true;
        return out;
    }
    while (!accept_header.empty()) {
        auto comma = accept_header.find(',');
        std::string_view range = accept_header.substr(0, comma);
        accept_header =
            comma == std::string_view::npos ? std::string_view() : accept_header.substr(comma + 1);
        auto semicolon = range.find(';');
        std::string_view type = trim_blanks(range.substr(0, semicolon));
        if (semicolon != std::string_view::npos && excluded(range.substr(semicolon + 1)))
            continue;
        if (beast::iequals(type, "application/json") || beast::iequals(type, "application/*") ||
            type == "*/*")
            out.json = true;
        else if (beast::iequals(type, "text/event-stream") || beast::iequals(type, "text/*"))
            out.sse = true;
    }
    return out;
}

bool is_json_content_type(std::string_view content_type) {
    return beast::iequals(trim_blanks(content_type.substr(0, content_type.find(';'))), "application/json");
}

} // namespace proxmox::mcp
