#include "dispatch/upload.hpp"

#include <openssl/evp.h>

#include <cctype>
#include <stdexcept>

namespace proxmox::sim::detail {

// ---------------------------------------------------------------------------------------------
// digests

struct digest::impl {
    EVP_MD_CTX* ctx = nullptr;
    ~impl() { EVP_MD_CTX_free(ctx); }
};

namespace {

const EVP_MD* md_of(std::string_view algorithm) {
    if (algorithm == "md5")
        return EVP_md5();
    if (algorithm == "sha1")
        return EVP_sha1();
    if (algorithm == "sha224")
        return EVP_sha224();
    if (algorithm == "sha256")
        return EVP_sha256();
    if (algorithm == "sha384")
        return EVP_sha384();
    if (algorithm == "sha512")
        return EVP_sha512();
    return nullptr;
}

} // namespace

digest::digest(std::string_view algorithm) : impl_(std::make_unique<impl>()) {
    const EVP_MD* md = md_of(algorithm);
    if (!md)
        throw std::invalid_argument("unknown digest " + std::string(algorithm));
    impl_->ctx = EVP_MD_CTX_new();
    if (!impl_->ctx || EVP_DigestInit_ex(impl_->ctx, md, nullptr) != 1)
        throw std::runtime_error("proxmox::sim: EVP_DigestInit_ex failed");
}

digest::~digest() = default;
digest::digest(digest&&) noexcept = default;
digest& digest::operator=(digest&&) noexcept = default;

bool digest::known(std::string_view algorithm) {
    return md_of(algorithm) != nullptr;
}

void digest::update(std::string_view data) {
    EVP_DigestUpdate(impl_->ctx, data.data(), data.size());
}

std::string digest::hex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(impl_->ctx, md, &len);
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < len; ++i) {
        out += digits[md[i] >> 4];
        out += digits[md[i] & 15];
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// the multipart reader

namespace {

// AnyEvent::Handle rbuf_max of pveproxy's client handles
constexpr std::size_t rbuf_max = 64 * 1024;

using sv = std::string_view;
constexpr auto npos = sv::npos;

/// Length of `\015?\012` at `pos`, or 0.
std::size_t newline_at(sv s, std::size_t pos) {
    if (pos < s.size() && s[pos] == '\n')
        return 1;
    if (pos + 1 < s.size() && s[pos] == '\r' && s[pos + 1] == '\n')
        return 2;
    return 0;
}

/// Length of `--BOUNDARY\015?\012` at `pos` (the part delimiter), or 0.
std::size_t delim_at(sv s, std::size_t pos, sv boundary) {
    if (s.substr(pos, 2) != "--" || s.substr(pos + 2, boundary.size()) != boundary)
        return 0;
    const std::size_t nl = newline_at(s, pos + 2 + boundary.size());
    return nl ? 2 + boundary.size() + nl : 0;
}

/// The first delimiter at or after `from`: {position, length}.
std::pair<std::size_t, std::size_t> find_delim(sv s, std::size_t from, sv boundary) {
    const std::string marker = "--" + std::string(boundary);
    for (std::size_t pos = s.find(marker, from); pos != npos; pos = s.find(marker, pos + 1))
        if (const auto len = delim_at(s, pos, boundary))
            return {pos, len};
    return {npos, 0};
}

/// PVE::Tools::trim: strips leading and trailing whitespace.
std::string trim(sv s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return std::string(s);
}

/// `s/^.*?${newline_re}{2}//s`: removes up to the first blank line, if there is one.
void remove_until_data(std::string& buf) {
    for (std::size_t pos = 0; pos < buf.size(); ++pos) {
        const std::size_t a = newline_at(buf, pos);
        if (!a)
            continue;
        const std::size_t b = newline_at(buf, pos + a);
        if (b) {
            buf.erase(0, pos + a + b);
            return;
        }
    }
}

std::string disposition_error(sv disposition) {
    return "wrong Content-Disposition '" + std::string(disposition) +
           "' in multipart, expected 'form-data'\n";
}

} // namespace

multipart_reader::multipart_reader(std::string boundary,
                                   std::uint64_t content_length,
                                   std::vector<std::pair<std::string, std::string>> params)
    : boundary_(std::move(boundary)), size_(content_length), params_(std::move(params)) {}

std::optional<std::string> multipart_reader::param(std::string_view key) const {
    for (auto it = params_.rbegin(); it != params_.rend(); ++it)
        if (it->first == key)
            return it->second;
    return std::nullopt;
}

void multipart_reader::set_param(std::string key, std::string value) {
    for (auto& [k, v] : params_) {
        if (k == key) {
            v = std::move(value);
            return;
        }
    }
    params_.emplace_back(std::move(key), std::move(value));
}

void multipart_reader::start_file() {
    md5_.emplace("md5");
    if (auto alg = param("checksum-algorithm"); alg && digest::known(*alg)) {
        algorithm_ = *alg;
        checksum_digest_.emplace(*alg);
    }
}

void multipart_reader::write_file(std::string_view data) {
    file_bytes_ += data.size();
    md5_->update(data);
    if (checksum_digest_)
        checksum_digest_->update(data);
}

void multipart_reader::finish_file() {
    md5_hex_ = md5_->hex();
    if (checksum_digest_)
        checksum_hex_ = checksum_digest_->hex();
}

multipart_reader::state multipart_reader::feed(std::string_view chunk) {
    rbuf_.append(chunk);
    // AnyEvent::Handle _drain_rbuf: call on_read while it consumes data
    for (;;) {
        const std::size_t before = rbuf_.size();
        bool progressed = false;
        try {
            progressed = step();
        } catch (const std::string& err) {
            error_ = err;
            return state::failed;
        }
        if (phase_ == 100)
            return state::done;
        // `die "upload failed"` once everything arrived without reaching the end
        if (read_ + rbuf_.size() >= size_) {
            error_ = "upload failed"; // Perl appends " at .../AnyEvent.pm line N." (no newline)
            return state::failed;
        }
        if (!progressed || rbuf_.size() == before)
            break;
        if (rbuf_.empty())
            break;
    }
    if (rbuf_.size() > rbuf_max)
        return state::dropped;
    return state::need_more;
}

bool multipart_reader::step() {
    const std::size_t startlen = rbuf_.size();
    const sv b = boundary_;

    // Phase 0 - preserve boundary, but remove everything before: s/^.*?($delim_re)/$1/s
    if (phase_ == 0) {
        auto [pos, len] = find_delim(rbuf_, 0, b);
        if (pos != npos) {
            rbuf_.erase(0, pos);
            read_ += startlen - rbuf_.size();
            phase_ = 1;
        }
    }

    // s/^${delim_re}.*?Content-Disposition: (.*?); name="$name"(.*?${delim_re})/$2/s
    auto extract_form_disposition = [&](const std::string& name) {
        const std::size_t d0 = delim_at(rbuf_, 0, b);
        if (!d0)
            return;
        static constexpr sv cd = "Content-Disposition: ";
        const std::size_t c1 = rbuf_.find(cd, d0);
        if (c1 == npos)
            return;
        const std::string needle = "; name=\"" + name + "\"";
        const std::size_t n1 = rbuf_.find(needle, c1 + cd.size());
        if (n1 == npos)
            return;
        const std::size_t after = n1 + needle.size();
        auto [dpos, dlen] = find_delim(rbuf_, after, b);
        if (dpos == npos)
            return;
        const std::string disposition = rbuf_.substr(c1 + cd.size(), n1 - c1 - cd.size());
        rbuf_.erase(0, after); // the match is replaced by $2, which starts right after the name
        if (disposition != "form-data")
            throw disposition_error(disposition);
        remove_until_data(rbuf_);
        // s/^(.*?)(${delim_re})/$2/s
        auto [vpos, vlen] = find_delim(rbuf_, 0, b);
        if (vpos == npos)
            return;
        std::string value = trim(sv(rbuf_).substr(0, vpos));
        rbuf_.erase(0, vpos);
        set_param(name, std::move(value));
    };

    if (phase_ == 1) { // Phase 1 - parse payload without file data
        extract_form_disposition("content");
        extract_form_disposition("checksum-algorithm");
        extract_form_disposition("checksum");

        // s/^${delim_re}Content-Disposition: (.*?); name="(.*?)"; filename="([^"]+)"${newline_re}//s
        if (const std::size_t d0 = delim_at(rbuf_, 0, b)) {
            static constexpr sv cd = "Content-Disposition: ";
            if (sv(rbuf_).substr(d0, cd.size()) == cd) {
                const std::size_t p = d0 + cd.size();
                static constexpr sv name_key = "; name=\"";
                static constexpr sv file_key = "\"; filename=\"";
                bool matched = false;
                std::string disposition, field, filename;
                std::size_t end = 0;
                for (std::size_t n = rbuf_.find(name_key, p); n != npos && !matched;
                     n = rbuf_.find(name_key, n + 1)) {
                    const std::size_t v = n + name_key.size();
                    for (std::size_t f = rbuf_.find(file_key, v); f != npos && !matched;
                         f = rbuf_.find(file_key, f + 1)) {
                        const std::size_t fstart = f + file_key.size();
                        const std::size_t q = rbuf_.find('"', fstart);
                        if (q == npos || q == fstart)
                            continue;
                        const std::size_t nl = newline_at(rbuf_, q + 1);
                        if (!nl)
                            continue;
                        matched = true;
                        disposition = rbuf_.substr(p, n - p);
                        field = rbuf_.substr(v, f - v);
                        filename = rbuf_.substr(fstart, q - fstart);
                        end = q + 1 + nl;
                    }
                }
                if (matched) {
                    rbuf_.erase(0, end);
                    if (disposition != "form-data")
                        throw disposition_error(disposition);
                    if (field != "filename") // Perl appends " at .../AnyEvent.pm line N." (no newline)
                        throw "wrong field name '" + field + "' for file upload, expected 'filename'";
                    phase_ = 2;
                    set_param("filename", trim(filename));
                    remove_until_data(rbuf_); // any remaining multipart "headers" like Content-Type
                    start_file();
                }
            }
        }
    }

    if (phase_ == 2) { // Phase 2 - dump content into file
        // s/^(.*?)${newline_re}?+${close_delim_re}.*$//s
        const std::string close = "--" + boundary_ + "--";
        const std::size_t c = rbuf_.find(close);
        if (c != npos) {
            std::size_t data_end = c;
            if (c >= 2 && rbuf_[c - 2] == '\r' && rbuf_[c - 1] == '\n')
                data_end = c - 2;
            else if (c >= 1 && rbuf_[c - 1] == '\n')
                data_end = c - 1;
            write_file(sv(rbuf_).substr(0, data_end));
            rbuf_.clear();
            phase_ = 100;
        } else {
            const std::size_t boundlen = boundary_.size() + 8; // \015?\012--$boundary--\015?\012
            if (rbuf_.size() > boundlen) {
                const std::size_t n = rbuf_.size() - boundlen;
                write_file(sv(rbuf_).substr(0, n));
                rbuf_.erase(0, n);
            }
        }
    }

    if (phase_ == 100)
        finish_file();

    read_ += startlen - rbuf_.size();
    return rbuf_.size() != startlen;
}

} // namespace proxmox::sim::detail
