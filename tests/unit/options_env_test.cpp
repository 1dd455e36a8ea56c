// client_options_from_env: which variables it reads and how it reports what is missing.

#include <proxmox/options.hpp>

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

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

TEST(OptionsFromEnv, ControlCharactersAreRefusedNamingTheVariable) {
    const std::map<std::string, std::string> base{{"PROXMOX_API_URL", "https://pve:8006"},
                                                  {"PROXMOX_TOKEN_ID", "root@pam!ci"},
                                                  {"PROXMOX_TOKEN_SECRET", "s3cret"}};
    for (const auto& [key, value] :
         std::vector<std::pair<std::string, std::string>>{{"PROXMOX_TOKEN_SECRET", "s3cret\r\nX-Evil: 1"},
                                                          {"PROXMOX_TOKEN_SECRET", "s3cret\n"},
                                                          {"PROXMOX_TOKEN_ID", "root@pam!ci\n"},
                                                          {"PROXMOX_FINGERPRINT", "AA:BB\r\n"}}) {
        auto vars = base;
        vars[key] = value;
        auto o = client_options_from_env(lookup_in(vars));
        ASSERT_FALSE(o) << key;
        EXPECT_EQ(o.error().message.rfind(key, 0), 0u) << o.error().message;
        EXPECT_EQ(o.error().message.find("s3cret"), std::string::npos) << o.error().message;
    }
    auto pw = client_options_from_env(lookup_in({{"PROXMOX_API_URL", "https://pve:8006"},
                                                 {"PROXMOX_USER", "alice@pve"},
                                                 {"PROXMOX_PASSWORD", "pw\r\n"}}));
    ASSERT_FALSE(pw);
    EXPECT_EQ(pw.error().message.rfind("PROXMOX_PASSWORD", 0), 0u);
}

TEST(OptionsFromEnv, ASecretPastedIntoTheTokenIdOrUrlIsNeverEchoed) {
    const std::string secret = "5ec7a1b2-3c4d-4e5f-8a9b-0c1d2e3f4a5b";
    for (const auto& [key, value] : std::map<std::string, std::string>{
             {"PROXMOX_TOKEN_ID", "root@pam!mcp " + secret}, {"PROXMOX_USER", "root@pam:" + secret}}) {
        std::map<std::string, std::string> vars{{"PROXMOX_API_URL", "https://pve:8006"}, {key, value}};
        vars["PROXMOX_TOKEN_SECRET"] = "x";
        vars["PROXMOX_PASSWORD"] = "y";
        auto o = client_options_from_env(lookup_in(vars));
        ASSERT_FALSE(o) << key;
        EXPECT_EQ(o.error().message.find("5ec7"), std::string::npos) << o.error().message;
    }
    for (const std::string& url :
         {"https://root:" + secret + "@pve:8006", "https://pve:8006/?token=" + secret, "http://" + secret}) {
        auto o = client_options_from_env(lookup_in(
            {{"PROXMOX_API_URL", url}, {"PROXMOX_TOKEN_ID", "root@pam!ci"}, {"PROXMOX_TOKEN_SECRET", "x"}}));
        ASSERT_FALSE(o) << url;
        EXPECT_NE(o.error().message.find("PROXMOX_API_URL"), std::string::npos);
        EXPECT_EQ(o.error().message.find("5ec7"), std::string::npos) << o.error().message;
    }
}

TEST(OptionsFromEnv, Timeouts) {
    std::map<std::string, std::string> vars{{"PROXMOX_API_URL", "https://pve:8006"},
                                            {"PROXMOX_TOKEN_ID", "root@pam!ci"},
                                            {"PROXMOX_TOKEN_SECRET", "x"},
                                            {"PROXMOX_TIMEOUT", "20"},
                                            {"PROXMOX_CONNECT_TIMEOUT", "2.5"}};
    auto o = client_options_from_env(lookup_in(vars));
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->request_timeout, std::chrono::seconds(20));
    EXPECT_EQ(o->operation_timeout, std::chrono::seconds(20));
    EXPECT_EQ(o->connect_timeout, std::chrono::milliseconds(2500));
    for (const char* bad : {"0", "-5", "abc", "30s", "100000"}) {
        vars["PROXMOX_TIMEOUT"] = bad;
        auto e = client_options_from_env(lookup_in(vars));
        ASSERT_FALSE(e) << bad;
        EXPECT_EQ(e.error().message.rfind("PROXMOX_TIMEOUT", 0), 0u);
    }
}

} // namespace
