#include "server/tls.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <memory>
#include <stdexcept>

namespace proxmox::sim::detail {

namespace {

template <auto Fn> struct deleter {
    template <class T> void operator()(T* p) const { Fn(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, deleter<EVP_PKEY_free>>;
using x509_ptr = std::unique_ptr<X509, deleter<X509_free>>;
using bio_ptr = std::unique_ptr<BIO, deleter<BIO_free_all>>;
using bn_ptr = std::unique_ptr<BIGNUM, deleter<BN_free>>;
using ext_ptr = std::unique_ptr<X509_EXTENSION, deleter<X509_EXTENSION_free>>;

[[noreturn]] void fail(const char* what) {
    char buf[256] = "unknown error";
    if (unsigned long e = ERR_get_error())
        ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    throw std::runtime_error(std::string("proxmox::sim: ") + what + ": " + buf);
}

void check(int ok, const char* what) {
    if (ok <= 0)
        fail(what);
}

pkey_ptr make_key() {
    pkey_ptr key(EVP_EC_gen("P-256"));
    if (!key)
        fail("cannot generate an EC P-256 key");
    return key;
}

void add_name(X509_NAME* name, const char* field, const std::string& value) {
    check(X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                     reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1, 0),
          "cannot build a certificate name");
}

void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    ext_ptr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
    if (!ext)
        fail("cannot build a certificate extension");
    check(X509_add_ext(cert, ext.get(), -1), "cannot add a certificate extension");
}

x509_ptr make_cert(EVP_PKEY* key, long days) {
    x509_ptr cert(X509_new());
    if (!cert)
        fail("cannot allocate a certificate");
    check(X509_set_version(cert.get(), X509_VERSION_3), "cannot set the certificate version");
    bn_ptr serial(BN_new());
    if (!serial)
        fail("cannot allocate a serial number");
    check(BN_rand(serial.get(), 120, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY), "cannot draw a serial number");
    if (!BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())))
        fail("cannot set the serial number");
    if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) ||
        !X509_gmtime_adj(X509_getm_notAfter(cert.get()), days * 86400L))
        fail("cannot set the validity");
    check(X509_set_pubkey(cert.get(), key), "cannot set the public key");
    return cert;
}

std::string hex_id(std::size_t bytes) {
    std::string raw(bytes, '\0');
    check(RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)),
          "no random bytes");
    std::string out;
    for (unsigned char c : raw) {
        char buf[3];
        std::snprintf(buf, sizeof buf, "%02x", c);
        out += buf;
    }
    return out;
}

std::string to_pem(X509* cert) {
    bio_ptr bio(BIO_new(BIO_s_mem()));
    if (!bio || !PEM_write_bio_X509(bio.get(), cert))
        fail("cannot write a certificate as PEM");
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

std::string key_to_pem(EVP_PKEY* key) {
    bio_ptr bio(BIO_new(BIO_s_mem()));
    if (!bio || !PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr))
        fail("cannot write a key as PEM");
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

} // namespace

certificate_set make_certificates(const std::vector<std::string>& dns_names,
                                  const std::vector<std::string>& ip_addresses) {
    // Cluster CA, like /etc/pve/pve-root-ca.pem
    pkey_ptr ca_key = make_key();
    x509_ptr ca = make_cert(ca_key.get(), 3650);
    X509_NAME* ca_name = X509_get_subject_name(ca.get());
    add_name(ca_name, "CN", "Proxmox Virtual Environment");
    add_name(ca_name, "OU", hex_id(16));
    add_name(ca_name, "O", "PVE Cluster Manager CA");
    check(X509_set_issuer_name(ca.get(), ca_name), "cannot set the CA issuer");
    add_ext(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE");
    add_ext(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
    add_ext(ca.get(), ca.get(), NID_subject_key_identifier, "hash");
    check(X509_sign(ca.get(), ca_key.get(), EVP_sha256()), "cannot sign the CA certificate");

    // Node certificate, like /etc/pve/local/pve-ssl.pem
    pkey_ptr key = make_key();
    x509_ptr leaf = make_cert(key.get(), 730);
    X509_NAME* leaf_name = X509_get_subject_name(leaf.get());
    add_name(leaf_name, "OU", "PVE Cluster Node");
    add_name(leaf_name, "O", "Proxmox Virtual Environment");
    add_name(leaf_name, "CN", dns_names.empty() ? std::string("localhost") : dns_names.front());
    check(X509_set_issuer_name(leaf.get(), ca_name), "cannot set the issuer");
    std::string san;
    for (const auto& d : dns_names)
        san += (san.empty() ? "DNS:" : ",DNS:") + d;
    for (const auto& ip : ip_addresses)
        san += (san.empty() ? "IP:" : ",IP:") + ip;
    add_ext(leaf.get(), ca.get(), NID_basic_constraints, "CA:FALSE");
    add_ext(leaf.get(), ca.get(), NID_key_usage, "critical,digitalSignature,keyEncipherment,keyAgreement");
    add_ext(leaf.get(), ca.get(), NID_ext_key_usage, "serverAuth");
    add_ext(leaf.get(), ca.get(), NID_subject_key_identifier, "hash");
    add_ext(leaf.get(), ca.get(), NID_authority_key_identifier, "keyid:always");
    if (!san.empty())
        add_ext(leaf.get(), ca.get(), NID_subject_alt_name, san);
    check(X509_sign(leaf.get(), ca_key.get(), EVP_sha256()), "cannot sign the node certificate");

    certificate_set out;
    out.ca_pem = to_pem(ca.get());
    out.leaf_pem = to_pem(leaf.get());
    out.leaf_key_pem = key_to_pem(key.get());

    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    check(X509_digest(leaf.get(), EVP_sha256(), md, &md_len), "cannot hash the node certificate");
    for (unsigned int i = 0; i < md_len; ++i) {
        char buf[4];
        std::snprintf(buf, sizeof buf, i == 0 ? "%02X" : ":%02X", md[i]);
        out.fingerprint += buf;
    }
    return out;
}

} // namespace proxmox::sim::detail
