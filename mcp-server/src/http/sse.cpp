#include "http/sse.hpp"

namespace proxmox::mcp {

std::string sse_event(std::string_view id, std::string_view data) {
    std::string out;
    out.reserve(data.size() + id.size() + 40);
    out += "id: ";
    for (char c : id) // an id is ours (a counter), but a line break would end the field
        if (c != '\n' && c != '\r')
            out += c;
    out += "\nevent: message\n";
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

} // namespace proxmox::mcp
