#include <proxmox/credentials.hpp>
#include <proxmox/types.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

using proxmox::upid;

TEST(Upid, ParsesAllFields) {
    auto u = upid::parse("UPID:pve1:0012AB34:0A1B2C3D:6650A1B2:qmstart:100:root@pam:");
    ASSERT_TRUE(u) << u.error().to_string();
    EXPECT_EQ(u->node, "pve1");
    EXPECT_EQ(u->pid, 0x0012AB34u);
    EXPECT_EQ(u->pstart, 0x0A1B2C3Du);
    EXPECT_EQ(u->starttime, 0x6650A1B2);
    EXPECT_EQ(u->type, "qmstart");
    EXPECT_EQ(u->id, "100");
    EXPECT_EQ(u->user, "root@pam");
    EXPECT_EQ(u->text, "UPID:pve1:0012AB34:0A1B2C3D:6650A1B2:qmstart:100:root@pam:");
}

TEST(Upid, AcceptsEmptyIdTokenUserAndNineDigitPstart) {
    auto u = upid::parse("UPID:node-2:00000001:1A1B2C3D4:6650A1B2:vzdump::root@pam!ci:");
    ASSERT_TRUE(u) << u.error().to_string();
    EXPECT_EQ(u->id, "");
    EXPECT_EQ(u->user, "root@pam!ci");
    EXPECT_EQ(u->pstart, 0x1A1B2C3D4u);
}

TEST(Upid, RejectsMalformed) {
    for (const char* bad : {"", "UPID:pve:1:2:3:qmstart:100:root@pam:",                 // short hex fields
                            "UPID:pve:0012AB34:0A1B2C3D:6650A1B2:qmstart:100:root@pam", // no trailing colon
                            "XPID:pve:0012AB34:0A1B2C3D:6650A1B2:qmstart:100:root@pam:",
                            "UPID:-pve:0012AB34:0A1B2C3D:6650A1B2:qmstart:100:root@pam:", "UPID:",
                            "UPID::"}) { // the prefix's own ':' is no trailing colon
        auto u = upid::parse(bad);
        ASSERT_FALSE(u) << bad;
        EXPECT_EQ(u.error().code, proxmox::errc::invalid_argument);
    }
}

TEST(ApiToken, ParsesAtLastEquals) {
    // PVE splits at the last '=': an id that then contains '=' is not a token id.
    EXPECT_FALSE(proxmox::api_token::parse("root@pam!mcp=aaaa-bbbb=cc"));
    auto ok = proxmox::api_token::parse("root@pam!mcp=aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->id, "root@pam!mcp");
    EXPECT_EQ(ok->secret, "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
}

TEST(ApiToken, WholeTokenPastedIntoTheIdDoesNotLeakItsSecret) {
    proxmox::api_token pasted{"root@pam!mcp=8d0c1f2e-secret-uuid", ""};
    auto ok = pasted.validate();
    ASSERT_FALSE(ok);
    EXPECT_EQ(ok.error().to_string().find("8d0c1f2e"), std::string::npos) << ok.error().to_string();
    EXPECT_NE(ok.error().message.find("root@pam!mcp"), std::string::npos);
    auto trailing = proxmox::api_token::parse("root@pam!mcp=8d0c1f2e-secret-uuid=");
    ASSERT_FALSE(trailing);
    EXPECT_EQ(trailing.error().to_string().find("8d0c1f2e"), std::string::npos);
    proxmox::password_login login{"root@pam:hunter2", "x"};
    auto bad_user = login.validate();
    ASSERT_FALSE(bad_user);
    EXPECT_EQ(bad_user.error().to_string().find("hunter2"), std::string::npos);
}

TEST(ApiToken, ErrorsNameTheProblemButNeverTheSecret) {
    auto no_user = proxmox::api_token::parse("mcp=topsecret");
    ASSERT_FALSE(no_user);
    EXPECT_NE(no_user.error().message.find("USER@REALM!TOKENID"), std::string::npos);
    EXPECT_EQ(no_user.error().to_string().find("topsecret"), std::string::npos);
    EXPECT_FALSE(proxmox::api_token::parse("root@pam!mcp="));
    EXPECT_FALSE(proxmox::api_token::parse("no-equals-sign"));
}

TEST(Upid, HugeFieldsAreRefusedWithoutEchoingThem) {
    // A 30,000-character middle field used to overflow the stack of std::regex.
    for (std::size_t n : {30'000u, 200'000u}) {
        const std::string huge(n, 'A');
        for (const std::string& text : {"UPID:pve:0012AB34:0A1B2C3D:6650A1B2:qmstart:" + huge + ":root@pam:",
                                        "UPID:" + huge + ":0012AB34:0A1B2C3D:6650A1B2:qmstart:100:root@pam:",
                                        "UPID:pve:" + huge + ":" + huge + ":", huge}) {
            auto u = upid::parse(text);
            ASSERT_FALSE(u);
            EXPECT_EQ(u.error().code, proxmox::errc::invalid_argument);
            EXPECT_LT(u.error().message.size(), 400u);
        }
    }
    auto colons = upid::parse(std::string(100'000, ':'));
    ASSERT_FALSE(colons);
}

TEST(Upid, FieldsAreCheckedOneByOne) {
    for (const char* bad : {"UPID:pve:0012AB3G:0A1B2C3D:6650A1B2:qmstart:100:root@pam:",  // pid not hex
                            "UPID:pve:0012AB34:0A1B2C3D:6650A1B2:qm start:100:root@pam:", // space in type
                            "UPID:pve:0012AB34:0A1B2C3D:6650A1B2:qmstart:1/0:root@pam:",  // '/' in id
                            "UPID:pve:0012AB34:0A1B2C3D:6650A1B2:qmstart:100::",          // empty user
                            "UPID:pve-:0012AB34:0A1B2C3D:6650A1B2:qmstart:100:root@pam:", // node ends in '-'
                            "UPID:pve:0012AB34:0A1B2C3D:6650A1B2:qmstart:100:root@pam:extra:"}) {
        EXPECT_FALSE(upid::parse(bad)) << bad;
    }
}

TEST(ApiToken, ASecretPastedIntoTheIdIsNeverEchoed) {
    const std::string secret = "5ec7a1b2-3c4d-4e5f-8a9b-0c1d2e3f4a5b";
    for (const std::string& id :
         {"root@pam!mcp " + secret, "root@pam!mcp:" + secret, secret, "root@pam!mcp\t" + secret,
          secret + "@pam!mcp x", "root@pam!mcp=" + secret}) {
        proxmox::api_token t{id, "x"};
        auto ok = t.validate();
        ASSERT_FALSE(ok) << id;
        EXPECT_EQ(ok.error().to_string().find("5ec7"), std::string::npos) << ok.error().to_string();
    }
}

TEST(ApiToken, ErrorsQuoteALongIdAtBoundedLength) {
    // A well-formed id can be any length; an error about its secret must not be as long.
    const std::string id = "root@pam!" + std::string(100'000, 'a');
    for (const std::string& secret : {std::string(), std::string("x\ny")}) {
        auto ok = proxmox::api_token{id, secret}.validate();
        ASSERT_FALSE(ok);
        EXPECT_LT(ok.error().message.size(), 1024u);
        EXPECT_NE(ok.error().message.find("root@pam!aaaa"), std::string::npos) << ok.error().message;
    }
    const std::string user = "root@" + std::string(100'000, 'p');
    for (const std::string& password : {std::string(), std::string("x\ny")}) {
        auto ok = proxmox::password_login{user, password}.validate();
        ASSERT_FALSE(ok);
        EXPECT_LT(ok.error().message.size(), 1024u);
        EXPECT_NE(ok.error().message.find("root@pppp"), std::string::npos) << ok.error().message;
    }
}

TEST(ApiToken, ControlCharactersInTheSecretAreRefused) {
    // "SECRET\r\nX-Evil: 1" would add a header line to every request.
    for (const std::string& secret :
         std::vector<std::string>{"aaaa\r\nX-Evil: 1", "aaaa\n", std::string("aa\0bb", 5), "aaaa\there"}) {
        proxmox::api_token t{"root@pam!mcp", secret};
        auto ok = t.validate();
        ASSERT_FALSE(ok);
        EXPECT_NE(ok.error().message.find("control character"), std::string::npos);
        EXPECT_EQ(ok.error().to_string().find("aaaa"), std::string::npos);
    }
    proxmox::password_login login{"root@pam", "hunter2\n"};
    auto bad = login.validate();
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().to_string().find("hunter2"), std::string::npos);
    proxmox::password_login user_newline{"root@pam\r\nX: y", "pw"};
    EXPECT_FALSE(user_newline.validate());
}
