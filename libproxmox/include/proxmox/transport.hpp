#ifndef PROXMOX_TRANSPORT_HPP
#define PROXMOX_TRANSPORT_HPP

#include <proxmox/error.hpp>
#include <proxmox/options.hpp>
#include <proxmox/types.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace proxmox {

/// A piece of a streamed request body: literal bytes, or a whole file read in chunks while it
/// is sent (so an ISO image is never held in memory).
struct body_part {
    std::string bytes;
    std::string file_path; ///< when set, the file's content is sent instead of `bytes`
};

/// One HTTP request as the API core hands it to the transport.
struct http_request {
    http_method method = http_method::get;
    std::string target; ///< origin-form target, e.g. `/api2/json/nodes?x=1`
    std::vector<std::pair<std::string, std::string>> headers; ///< may hold credentials: never log
    std::string content_type;                                 ///< empty when there is no body
    std::string body;
    /// When not empty, the body is these parts in order (with a Content-Length), not `body`.
    std::vector<body_part> streamed_body;
    /// Called as a streamed body goes out: bytes sent so far, total bytes.
    std::function<void(std::uint64_t sent, std::uint64_t total)> on_body_progress;
};

/// One HTTP answer.
struct http_response {
    unsigned status = 0;
    std::string reason; ///< PVE puts its message in the reason phrase
    std::string content_type;
    std::string body;
};

/// The seam between the API core and the network: one request in, one answer out.
/// Implementations complete the handler through its associated executor, never inline.
class transport {
public:
    using handler_type = boost::asio::any_completion_handler<void(result<http_response>)>;

    virtual ~transport() = default;
    virtual void async_send(http_request request, handler_type handler) = 0;
    virtual boost::asio::any_io_executor get_executor() const = 0;
};

/// The built-in transport: Beast TLS sessions with a keep-alive pool, verification per
/// `options.tls`, timeouts per `options`. Fails with invalid_argument for an unusable URL.
result<std::shared_ptr<transport>> make_https_transport(boost::asio::any_io_executor executor,
                                                        const client_options& options);

} // namespace proxmox

#endif
