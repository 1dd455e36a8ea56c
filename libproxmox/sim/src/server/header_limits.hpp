// pveproxy's limits on reading a request header (pve-http-server AnyEvent.pm push_request_header,
// unshift_read_header and the read buffer of the connection's AnyEvent::Handle), without I/O: the
// server feeds the bytes as they arrive and learns whether the header is complete, still coming,
// or refused the way pveproxy refuses it.
#ifndef PROXMOX_SIM_SRC_HEADER_LIMITS_HPP
#define PROXMOX_SIM_SRC_HEADER_LIMITS_HPP

#include <cstddef>
#include <string_view>

namespace proxmox::sim::detail {

/// AnyEvent.pm $limit_max_headers: header lines, counted with the empty line that ends them.
inline constexpr std::size_t limit_max_headers = 64;
/// AnyEvent.pm $limit_max_header_size: the header lines' summed length, without line ends.
inline constexpr std::size_t limit_max_header_size = 8 * 1024;
/// `rbuf_max => 64*1024` of the connection handle: unread bytes it holds before it fails.
inline constexpr std::size_t read_buffer_max = 64 * 1024;

class header_scanner {
public:
    enum class verdict {
        need_more, ///< the header has not ended yet
        complete,  ///< the header ends at end(), within the limits
        /// a line did not end within the read buffer: the handle fails (ENOSPC) and pveproxy
        /// closes the connection without an answer
        line_too_long,
        /// die "too many http header lines (> 64)" / "http header too large" in the header
        /// callback: caught and warned, so no answer; the handle keeps reading until its buffer
        /// is full or the client is idle for its timeout
        too_many_lines,
        too_large,
    };

    /// Reads the lines of `received` (the bytes of the request so far; each call sees the same
    /// bytes and maybe more) that it has not read yet. Once the verdict is not need_more, it
    /// stays.
    verdict scan(std::string_view received);

    /// Where the first unread line starts: after `complete`, the length of the header.
    std::size_t end() const { return pos_; }
    /// Whether the request line was read (pveproxy logs a request from then on).
    bool has_request_line() const { return request_line_length_ != npos; }
    /// The request line, without its line end (empty before has_request_line()).
    std::string_view request_line(std::string_view received) const {
        return has_request_line() ? received.substr(0, request_line_length_) : std::string_view{};
    }

private:
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);
    std::size_t pos_ = 0;
    std::size_t request_line_length_ = npos;
    std::size_t lines_ = 0;
    std::size_t size_ = 0;
    verdict verdict_ = verdict::need_more;
};

} // namespace proxmox::sim::detail

#endif // PROXMOX_SIM_SRC_HEADER_LIMITS_HPP
