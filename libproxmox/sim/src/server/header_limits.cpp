#include "server/header_limits.hpp"

namespace proxmox::sim::detail {

header_scanner::verdict header_scanner::scan(std::string_view received) {
    while (verdict_ == verdict::need_more) {
        const auto eol = received.find('\n', pos_);
        if (eol == std::string_view::npos) {
            // AnyEvent::Handle checks rbuf_max after it handed out every complete line
            if (received.size() - pos_ > read_buffer_max)
                verdict_ = verdict::line_too_long;
            break;
        }
        // a line ends in \015?\012 (AnyEvent::Handle's default eol)
        std::size_t length = eol - pos_;
        if (length > 0 && received[eol - 1] == '\r')
            --length;
        pos_ = eol + 1;
        if (!has_request_line()) {
            request_line_length_ = length;
            continue;
        }
        // unshift_read_header: the count first, then the size, then the end of the header
        if (++lines_ >= limit_max_headers)
            verdict_ = verdict::too_many_lines;
        else if ((size_ += length) >= limit_max_header_size)
            verdict_ = verdict::too_large;
        else if (length == 0)
            verdict_ = verdict::complete;
    }
    return verdict_;
}

} // namespace proxmox::sim::detail
