// pveproxy's streaming multipart/form-data reader for uploads (pve-http-server AnyEvent.pm
// file_upload_multipart), sans-I/O: the body is fed in chunks, the file data is counted and hashed
// as it passes and then dropped, so memory stays bounded whatever the upload's size.
#ifndef PROXMOX_SIM_SRC_UPLOAD_HPP
#define PROXMOX_SIM_SRC_UPLOAD_HPP

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace proxmox::sim::detail {

/// Hex digest of data fed in pieces (md5, sha1, sha224, sha256, sha384, sha512).
class digest {
public:
    explicit digest(std::string_view algorithm); ///< throws std::invalid_argument for others
    ~digest();
    digest(digest&&) noexcept;
    digest& operator=(digest&&) noexcept;
    void update(std::string_view data);
    std::string hex(); ///< finishes; call once
    static bool known(std::string_view algorithm);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

class multipart_reader {
public:
    enum class state {
        need_more, ///< feed more data
        done,      ///< the closing boundary arrived: handle the request
        failed,    ///< answer error_status() / error_message() (pveproxy's `error(501, $err)`)
        dropped,   ///< the read buffer overflowed: close the connection without an answer
    };

    /// `params` are the request's query parameters (rstate params start with them);
    /// `content_length` the size the client announced.
    multipart_reader(std::string boundary,
                     std::uint64_t content_length,
                     std::vector<std::pair<std::string, std::string>> params);

    /// Appends a chunk and runs the parser like AnyEvent::Handle runs on_read.
    state feed(std::string_view chunk);

    /// The form fields read so far, the query parameters first, and `filename` once the file
    /// part started. A later value for a key replaces the earlier one.
    const std::vector<std::pair<std::string, std::string>>& params() const { return params_; }
    std::optional<std::string> param(std::string_view key) const;

    std::uint64_t file_size() const { return file_bytes_; }
    const std::string& md5() const { return md5_hex_; }
    /// The algorithm hashed besides MD5 (the checksum-algorithm known when the file started).
    const std::string& algorithm() const { return algorithm_; }
    const std::string& checksum() const { return checksum_hex_; }

    const std::string& error_message() const { return error_; }

private:
    bool step(); ///< one on_read call; returns false when it did not consume anything
    void set_param(std::string key, std::string value);
    void start_file();
    void write_file(std::string_view data);
    void finish_file();

    std::string boundary_;
    std::uint64_t size_;
    std::uint64_t read_ = 0; ///< bytes consumed from the buffer
    std::string rbuf_;
    int phase_ = 0;
    std::vector<std::pair<std::string, std::string>> params_;
    std::string error_;
    std::uint64_t file_bytes_ = 0;
    std::optional<digest> md5_;
    std::optional<digest> checksum_digest_;
    std::string algorithm_;
    std::string md5_hex_;
    std::string checksum_hex_;
};

} // namespace proxmox::sim::detail

#endif // PROXMOX_SIM_SRC_UPLOAD_HPP
