#include "http/sse.hpp"

namespace proxmox::mcp {

namespace {

/// An id is ours (numbers), but a line break would end the field.
void append_id(std::string& out, std::string_view id) {
    out += "id: ";
    for (char c : id)
        if (c != '\n' && c != '\r')
            out += c;
    out += '\n';
}

} // namespace

std::string sse_event(std::string_view id, std::string_view data) {
    std::string out;
    out.reserve(data.size() + id.size() + 40);
    append_id(out, id);
    out += "event: message\n";
    for (;;) {
        auto brk = data.find_first_of("\r\n");
        out += "data: ";
        out += data.substr(0, brk);
        out += '\n';
        if (brk == std::string_view::npos)
            break;
        // \r\n is one line break
        data.remove_prefix(brk +
                           (data[brk] == '\r' && brk + 1 < data.size() && data[brk + 1] == '\n' ? 2 : 1));
    }
    out += '\n';
    return out;
}

std::string sse_priming(std::string_view id, std::chrono::milliseconds retry) {
    std::string out;
    append_id(out, id);
    out += "retry: ";
    out += std::to_string(retry.count() < 0 ? 0 : retry.count());
    out += "\ndata: \n\n";
    return out;
}

} // namespace proxmox::mcp
