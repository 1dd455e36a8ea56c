#include "core/envelope.hpp"

#include <boost/json/serialize.hpp>

#include <gtest/gtest.h>

using namespace proxmox;
using detail::read_envelope;

namespace {
http_response answer(unsigned status, std::string reason, std::string body) {
    return {status, std::move(reason), "application/json;charset=UTF-8", std::move(body)};
}
} // namespace

TEST(Envelope, SuccessUnwrapsDataAndTotal) {
    auto r = read_envelope(http_method::get, "/nodes/pve/tasks",
                           answer(200, "OK", R"({"data":[{"n":1}],"total":"7"})"));
    ASSERT_TRUE(r);
    EXPECT_EQ(boost::json::serialize(r->data), R"([{"n":1}])");
    ASSERT_TRUE(r->total);
    EXPECT_EQ(*r->total, 7);
}

TEST(Envelope, NullDataIsSuccess) {
    auto r = read_envelope(http_method::put, "/x", answer(200, "OK", R"({"data":null})"));
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->data.is_null());
    EXPECT_FALSE(r->total);
}

TEST(Envelope, MissingDataOrNonJsonIsProtocolError) {
    for (const char* body : {"", "<html>", R"({"result":1})", "[1]"}) {
        auto r = read_envelope(http_method::get, "/version", answer(200, "OK", body));
        ASSERT_FALSE(r) << body;
        EXPECT_EQ(r.error().code, errc::protocol_error) << body;
    }
}

TEST(Envelope, ParameterErrorsKeepFieldsAndMessage) {
    auto r = read_envelope(
        http_method::post, "/nodes/pve/qemu",
        answer(
            400, "Parameter verification failed.",
            R"({"data":null,"errors":{"vmid":"value must have a minimum value of 100\n"},"message":"Parameter verification failed.\n"})"));
    ASSERT_FALSE(r);
    const auto& e = r.error();
    EXPECT_EQ(e.code, errc::invalid_parameter);
    EXPECT_EQ(e.http_status, 400u);
    EXPECT_EQ(e.message, "Parameter verification failed.");
    ASSERT_EQ(e.field_errors.count("vmid"), 1u);
    EXPECT_EQ(e.field_errors.at("vmid"), "value must have a minimum value of 100");
    EXPECT_EQ(e.to_string(), "POST /nodes/pve/qemu: 400 Parameter verification failed.; vmid: value must "
                             "have a minimum value of 100");
}

TEST(Envelope, EmptyBodyUsesReasonPhrase) {
    auto r = read_envelope(http_method::get, "/nodes", answer(401, "No ticket", ""));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::auth_failed);
    EXPECT_EQ(r.error().message, "No ticket");
}

TEST(Envelope, StatusClassification) {
    struct row {
        unsigned status;
        const char* message;
        errc expected;
    };
    for (auto [status, message, expected] : {
             row{403, "Permission check failed (/vms/100, VM.PowerMgmt)", errc::permission_denied},
             row{500, "VM 100 not running", errc::server_error},
             row{500, "Configuration file 'nodes/pve/qemu-server/100.conf' does not exist", errc::not_found},
             row{501, "Method 'GET /nodes/x/foo' not implemented", errc::not_implemented},
             row{595, "Connection refused", errc::proxy_unreachable},
             row{596, "Connection timed out", errc::proxy_unreachable},
             row{502, "Bad Gateway", errc::http_error},
         }) {
        auto r = read_envelope(http_method::get, "/p", answer(status, message, ""));
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, expected) << status << " " << message;
        EXPECT_EQ(r.error().message, message);
    }
}

TEST(Envelope, JsonMessageWinsOverReason) {
    auto r = read_envelope(
        http_method::post, "/p",
        answer(500, "VM 100 already running", R"({"data":null,"message":"VM 100 already running\n"})"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "VM 100 already running");
}

TEST(Error, ValueThrowsProxmoxException) {
    result<int> r = make_error(errc::not_found, "no guest with vmid 7");
    try {
        (void)r.value();
        FAIL() << "value() must throw";
    } catch (const proxmox::exception& ex) {
        EXPECT_EQ(ex.details().code, errc::not_found);
        EXPECT_STREQ(ex.what(), "no guest with vmid 7");
    }
}
