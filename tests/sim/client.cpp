// The only test translation unit with Beast and SSL.
#include "client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <optional>
#include <stdexcept>

namespace simtest {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

struct client::impl {
    proxmox::sim::endpoint_info info;
    std::string host;
    std::string port;
    asio::io_context ioc;
    ssl::context tls{ssl::context::tls_client};
    std::optional<beast::ssl_stream<beast::tcp_stream>> stream;
    beast::flat_buffer buffer;
    bool reconnect = true;
    int opened = 0;
    std::chrono::milliseconds timeout{10000};
    std::string fingerprint;

    void connect() {
        stream.reset();
        buffer.clear();
        stream.emplace(ioc, tls);
        stream->set_verify_mode(ssl::verify_peer);
        stream->set_verify_callback(ssl::host_name_verification(host));
        auto& tcp_layer = beast::get_lowest_layer(*stream);
        tcp_layer.expires_after(timeout);
        tcp::resolver resolver(ioc);
        tcp_layer.connect(resolver.resolve(host, port));
        stream->handshake(ssl::stream_base::client);
        ++opened;
        reconnect = false;

        X509* cert = SSL_get1_peer_certificate(stream->native_handle());
        if (!cert)
            throw std::runtime_error("no peer certificate");
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int len = 0;
        X509_digest(cert, EVP_sha256(), md, &len);
        X509_free(cert);
        fingerprint.clear();
        for (unsigned int i = 0; i < len; ++i) {
            char buf[4];
            std::snprintf(buf, sizeof buf, i == 0 ? "%02X" : ":%02X", md[i]);
            fingerprint += buf;
        }
    }
};

client::client(proxmox::sim::endpoint_info info, bool verify_with_ca) : impl_(std::make_unique<impl>()) {
    impl_->info = std::move(info);
    auto url = boost::urls::parse_uri(impl_->info.url);
    if (!url)
        throw std::invalid_argument("bad url " + impl_->info.url);
    impl_->host = std::string(url->host_address());
    impl_->port = std::string(url->port());
    if (verify_with_ca)
        impl_->tls.load_verify_file(impl_->info.ca_file);
    else
        impl_->tls.set_default_verify_paths();
}

client::~client() = default;

namespace {

http::request<http::string_body>
make_request(const request& r, const std::string& host_port, const proxmox::sim::endpoint_info& info) {
    http::request<http::string_body> req;
    req.method_string(r.method);
    req.target(r.target);
    req.version(11);
    req.set(http::field::host, host_port);
    if (r.auth)
        req.set(http::field::authorization, "PVEAPIToken=" + info.token_id + "=" + info.token_secret);
    if (!r.content_type.empty())
        req.set(http::field::content_type, r.content_type);
    for (const auto& [k, v] : r.headers)
        req.set(k, v);
    req.body() = r.body;
    if (r.chunked)
        req.chunked(true);
    else if (!r.body.empty())
        req.content_length(r.body.size());
    return req;
}

} // namespace

reply client::send(const request& r) {
    if (!impl_->stream || impl_->reconnect)
        impl_->connect();
    try {
        return exchange(r);
    } catch (...) {
        impl_->reconnect = true; // the connection is in an unknown state
        throw;
    }
}

reply client::exchange(const request& r) {
    auto& s = *impl_->stream;
    auto req = make_request(r, impl_->host + ":" + impl_->port, impl_->info);

    beast::get_lowest_layer(s).expires_after(impl_->timeout);
    http::write(s, req);
    http::response_parser<http::string_body> parser;
    parser.body_limit(16 * 1024 * 1024);
    // asynchronously, so the stream's timeout applies (Beast's timeouts skip synchronous calls)
    beast::error_code ec;
    http::async_read(s, impl_->buffer, parser, [&ec](beast::error_code e, std::size_t) { ec = e; });
    impl_->ioc.restart();
    impl_->ioc.run();
    if (ec)
        throw beast::system_error(ec);
    const auto& res = parser.get();

    reply out;
    out.status = res.result_int();
    out.reason = std::string(res.reason());
    for (const auto& f : res) {
        std::string name(f.name_string());
        for (auto& c : name)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        out.headers[name] = std::string(f.value());
    }
    out.body = res.body();
    std::string conn = out.header("connection");
    for (auto& c : conn)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    impl_->reconnect = conn.find("close") != std::string::npos;
    return out;
}

std::string client::send_raw(const request& r) {
    impl_->connect();
    auto& s = *impl_->stream;
    auto req = make_request(r, impl_->host + ":" + impl_->port, impl_->info);
    beast::get_lowest_layer(s).expires_after(impl_->timeout);
    http::write(s, req);
    std::string out;
    char buf[4096];
    for (;;) {
        beast::error_code ec;
        std::size_t n = 0;
        s.async_read_some(asio::buffer(buf), [&](beast::error_code e, std::size_t got) {
            ec = e;
            n = got;
        });
        impl_->ioc.restart();
        impl_->ioc.run();
        out.append(buf, n);
        if (ec)
            break;
    }
    impl_->reconnect = true;
    return out;
}

void client::set_timeout(std::chrono::milliseconds t) {
    impl_->timeout = t;
}

void client::disconnect() {
    impl_->stream.reset();
    impl_->reconnect = true;
}

reply client::get(const std::string& path) {
    request r;
    r.target = "/api2/json" + path;
    return send(r);
}

reply client::post(const std::string& path, const std::string& form) {
    request r;
    r.method = "POST";
    r.target = "/api2/json" + path;
    r.body = form;
    if (!form.empty())
        r.content_type = "application/x-www-form-urlencoded";
    return send(r);
}

bool client::server_closed() {
    if (!impl_->stream)
        return true;
    auto& s = *impl_->stream;
    beast::get_lowest_layer(s).expires_after(std::chrono::seconds(2));
    char byte;
    beast::error_code ec;
    s.read_some(asio::buffer(&byte, 1), ec);
    // eof after close_notify, or a truncated stream: both mean the server closed the connection
    return ec && ec != beast::error::timeout;
}

int client::connections_opened() const {
    return impl_->opened;
}

std::string client::peer_fingerprint() const {
    return impl_->fingerprint;
}

const proxmox::sim::endpoint_info& client::info() const {
    return impl_->info;
}

std::string encode_segment(std::string_view s) {
    return boost::urls::encode(s, boost::urls::unreserved_chars);
}

} // namespace simtest
