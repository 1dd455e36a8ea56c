// client_options_from_env: which variables it reads and how it reports what is missing.

#include <proxmox/options.hpp>

#include <gtest/gtest.h>

#include <map>
#include <string>

using namespace proxmox;

namespace {

auto lookup_in(const std::map<std::string, std::string>& vars) {
    return [vars](const char* key) -> const char* {
        auto it = vars.find(key);
        return it == vars.end() ? nullptr : it->second.c_str();
    };
}

TEST(OptionsFromEnv, TokenFingerprintAndVerify) {
    auto o = client_options_from_env(lookup_in({{"PROXMOX_API_URL", "https://pve.example.com:8006"},
                                                {"PROXMOX_TOKEN_ID", "root@pam!ci"},
                                                {"PROXMOX_TOKEN_SECRET", "s3cret-uuid"},
                                                {"PROXMOX_FINGERPRINT", "AA:BB"},
                                                {"PROXMOX_VERIFY", "TRUE"}}));
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->url, "https://pve.example.com:8006");
    EXPECT_EQ(o->token.id, "root@pam!ci");
    EXPECT_EQ(o->token.secret, "s3cret-uuid");
    EXPECT_EQ(o->tls.fingerprint, "AA:BB");
    EXPECT_TRUE(o->tls.verify);
    EXPECT_FALSE(o->login);
}

TEST(OptionsFromEnv, PasswordLoginAndVerifyOff) {
    auto o = client_options_from_env(lookup_in({{"PROXMOX_API_URL", "https://10.0.0.2:8006"},
                                                {"PROXMOX_USER", "alice@pve"},
                                                {"PROXMOX_PASSWORD", "wonderland"},
                                                {"PROXMOX_VERIFY", "off"}}));
    ASSERT_TRUE(o) << o.error().message;
    ASSERT_TRUE(o->login);
    EXPECT_EQ(o->login->userid, "alice@pve");
    EXPECT_FALSE(o->tls.verify);
}

TEST(OptionsFromEnv, ErrorsNameTheVariableAndNeverTheSecret) {
    auto no_url = client_options_from_env(lookup_in({}));
    ASSERT_FALSE(no_url);
    EXPECT_NE(no_url.error().message.find("PROXMOX_API_URL is not set"), std::string::npos);

    auto http = client_options_from_env(lookup_in({{"PROXMOX_API_URL", "http://pve:8006"}}));
    ASSERT_FALSE(http);
    EXPECT_NE(http.error().message.find("must start with https://"), std::string::npos);

    auto no_secret = client_options_from_env(
        lookup_in({{"PROXMOX_API_URL", "https://pve:8006"}, {"PROXMOX_TOKEN_ID", "root@pam!ci"}}));
    ASSERT_FALSE(no_secret);
    EXPECT_NE(no_secret.error().message.find("PROXMOX_TOKEN_SECRET is not set"), std::string::npos);

    auto bad_verify = client_options_from_env(lookup_in({{"PROXMOX_API_URL", "https://pve:8006"},
                                                         {"PROXMOX_TOKEN_ID", "root@pam!ci"},
                                                         {"PROXMOX_TOKEN_SECRET", "top-secret-value"},
                                                         {"PROXMOX_VERIFY", "maybe"}}));
    ASSERT_FALSE(bad_verify);
    EXPECT_NE(bad_verify.error().message.find("PROXMOX_VERIFY must be true or false"), std::string::npos);
    EXPECT_EQ(bad_verify.error().message.find("top-secret-value"), std::string::npos);
}

} // namespace
