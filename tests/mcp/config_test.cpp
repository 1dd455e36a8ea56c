#include "cli.hpp"
#include "config.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <unistd.h>
#include <utility>
#include <vector>

using namespace proxmox::mcp;

namespace {
env_lookup env_of(std::map<std::string, std::string> m) {
    return [m = std::move(m)](std::string_view key) -> std::optional<std::string> {
        auto it = m.find(std::string(key));
        if (it == m.end())
            return std::nullopt;
        return it->second;
    };
}

std::string get(const dotenv& d, std::string_view key) {
    const auto* v = d.find(key);
    return v ? *v : std::string("<unset>");
}

const char* secret = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
} // namespace

TEST(McpDotenv, ParsesTheUsualForms) {
    auto d = parse_dotenv("# comment\n"
                          "\n"
                          "PROXMOX_API_URL=\"https://pve.example.com:8006\"\n"
                          "PROXMOX_TOKEN_ID=root@pam!mcp-proxmox\n"
                          "export PROXMOX_VERIFY='false'\n"
                          "  PROXMOX_DEFAULT_NODE = pve2   # trailing comment\n"
                          "QUOTED=\"a \\\"b\\\" #c\\nd\"  # comment\n"
                          "HASH=abc#def\n"
                          "EMPTY=\n"
                          "WIN=value\r\n"
                          "SINGLE='$HOME \\n'\n"
                          "DUP=1\nDUP=2\n");
    ASSERT_TRUE(d.error.empty()) << d.error;
    EXPECT_EQ(get(d, "PROXMOX_API_URL"), "https://pve.example.com:8006");
    EXPECT_EQ(get(d, "PROXMOX_TOKEN_ID"), "root@pam!mcp-proxmox");
    EXPECT_EQ(get(d, "PROXMOX_VERIFY"), "false");
    EXPECT_EQ(get(d, "PROXMOX_DEFAULT_NODE"), "pve2");
    EXPECT_EQ(get(d, "QUOTED"), "a \"b\" #c\nd");
    EXPECT_EQ(get(d, "HASH"), "abc#def");
    EXPECT_EQ(get(d, "EMPTY"), "");
    EXPECT_EQ(get(d, "WIN"), "value");
    EXPECT_EQ(get(d, "SINGLE"), "$HOME \\n");
    EXPECT_EQ(get(d, "DUP"), "2");
    EXPECT_EQ(get(d, "MISSING"), "<unset>");
}

TEST(McpDotenv, ReportsTheLineWithoutTheValue) {
    auto d = parse_dotenv(std::string("A=1\nPROXMOX_TOKEN_SECRET=\"") + secret + "\n");
    EXPECT_EQ(d.error.rfind("line 2:", 0), 0u) << d.error;
    EXPECT_EQ(d.error.find(secret), std::string::npos);
    EXPECT_EQ(parse_dotenv("A=1\njust words\n").error.rfind("line 2:", 0), 0u);
    EXPECT_EQ(parse_dotenv("1A=x\n").error.rfind("line 1:", 0), 0u);
    EXPECT_FALSE(parse_dotenv("A='x' junk\n").error.empty());
}

TEST(McpDotenv, ErrorsQuoteALongKeyAtBoundedLength) {
    const std::string key(100'000, 'K');
    for (const char* value : {"=\"open", "='open", "=\"closed\" junk"}) {
        auto d = parse_dotenv(key + value + "\n");
        EXPECT_EQ(d.error.rfind("line 1: KKKK", 0), 0u) << d.error.substr(0, 100);
        EXPECT_LT(d.error.size(), 1024u);
    }
}

TEST(McpConfig, EnvironmentWinsOverFile) {
    std::string file = "PROXMOX_API_URL=https://file:8006\nPROXMOX_TOKEN_ID=file@pam!tk\n"
                       "PROXMOX_TOKEN_SECRET=filesecret\nPROXMOX_DEFAULT_NODE=filenode\n";
    auto out = make_config(env_of({{"PROXMOX_API_URL", "https://env:8006"}, {"PROXMOX_DEFAULT_NODE", ""}}),
                           file, ".env", false);
    ASSERT_TRUE(out.config) << out.error;
    EXPECT_EQ(out.config->client.url, "https://env:8006");
    EXPECT_EQ(out.config->client.token.id, "file@pam!tk");
    EXPECT_EQ(out.config->client.token.secret, "filesecret");
    EXPECT_EQ(out.config->defaults.node, "filenode"); // empty env value counts as unset
    EXPECT_TRUE(out.config->client.tls.verify);
    // Without PROXMOX_TIMEOUT a call ends well before the 60 s many MCP clients wait.
    EXPECT_EQ(out.config->client.operation_timeout, proxmox::mcp::default_call_timeout);
    EXPECT_EQ(out.config->client.request_timeout, proxmox::mcp::default_call_timeout);
}

TEST(McpConfig, MissingKeysAreNamed) {
    auto out = make_config(env_of({{"PROXMOX_TOKEN_SECRET", secret}}), std::nullopt, ".env", false);
    ASSERT_FALSE(out.config);
    EXPECT_EQ(out.error.rfind("PROXMOX_API_URL is not set", 0), 0u) << out.error;
    EXPECT_NE(out.error.find("PROXMOX_TOKEN_ID"), std::string::npos) << out.error;
    EXPECT_NE(out.error.find("--demo"), std::string::npos) << out.error;
    EXPECT_EQ(out.error.find(secret), std::string::npos);
}

TEST(McpConfig, VerifyAndUrlAreChecked) {
    std::map<std::string, std::string> base{{"PROXMOX_API_URL", "https://pve:8006"},
                                            {"PROXMOX_TOKEN_ID", "root@pam!tk"},
                                            {"PROXMOX_TOKEN_SECRET", secret}};
    for (auto [text, expected] : {std::pair{"false", false},
                                  {"FALSE", false},
                                  {"0", false},
                                  {"true", true},
                                  {"1", true},
                                  {"yes", true}}) {
        auto env = base;
        env["PROXMOX_VERIFY"] = text;
        auto out = make_config(env_of(env), std::nullopt, ".env", false);
        ASSERT_TRUE(out.config) << out.error;
        EXPECT_EQ(out.config->client.tls.verify, expected) << text;
    }
    auto env = base;
    env["PROXMOX_VERIFY"] = "maybe";
    auto out = make_config(env_of(env), std::nullopt, ".env", false);
    EXPECT_FALSE(out.config);
    EXPECT_NE(out.error.find("PROXMOX_VERIFY"), std::string::npos);

    env = base;
    env["PROXMOX_API_URL"] = "http://pve:8006";
    out = make_config(env_of(env), std::nullopt, ".env", false);
    EXPECT_FALSE(out.config);
    EXPECT_NE(out.error.find("https://"), std::string::npos);
}

TEST(McpConfig, PasswordLoginAndTimeoutsComeFromTheSdkReader) {
    auto out = make_config(env_of({{"PROXMOX_API_URL", "https://pve:8006"},
                                   {"PROXMOX_USER", "alice@pve"},
                                   {"PROXMOX_PASSWORD", secret},
                                   {"PROXMOX_TIMEOUT", "12"},
                                   {"PROXMOX_CONNECT_TIMEOUT", "3"}}),
                           std::nullopt, ".env", false);
    ASSERT_TRUE(out.config) << out.error;
    ASSERT_TRUE(out.config->client.login);
    EXPECT_EQ(out.config->client.login->userid, "alice@pve");
    EXPECT_EQ(out.config->client.operation_timeout, std::chrono::seconds(12));
    EXPECT_EQ(out.config->client.connect_timeout, std::chrono::seconds(3));
    EXPECT_EQ(out.config->describe(), "https://pve:8006 as alice@pve");
}

TEST(McpConfig, HostileValuesAreRefusedWithoutEchoingThem) {
    const std::map<std::string, std::string> base{{"PROXMOX_API_URL", "https://pve:8006"},
                                                  {"PROXMOX_TOKEN_ID", "root@pam!tk"},
                                                  {"PROXMOX_TOKEN_SECRET", secret}};
    for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
             {"PROXMOX_TOKEN_SECRET", std::string(secret) + "\r\nX-Evil: 1"},
             {"PROXMOX_TOKEN_SECRET", std::string(secret) + "\n"},
             {"PROXMOX_TOKEN_ID", "root@pam!t " + std::string(secret)},
             {"PROXMOX_TOKEN_ID", std::string(secret)},
             {"PROXMOX_API_URL", "https://root:" + std::string(secret) + "@pve:8006"},
             {"PROXMOX_API_URL", "https://pve:8006/?token=" + std::string(secret)}}) {
        auto env = base;
        env[key] = value;
        auto out = make_config(env_of(env), std::nullopt, ".env", false);
        ASSERT_FALSE(out.config) << key;
        EXPECT_NE(out.error.find(key), std::string::npos) << out.error;
        EXPECT_EQ(out.error.find(secret), std::string::npos) << out.error;
    }
}

TEST(McpConfig, DemoRequiresNothing) {
    auto out = make_config(env_of({{"PROXMOX_DEFAULT_NODE", "pve3"}}), std::nullopt, ".env", true);
    ASSERT_TRUE(out.config) << out.error;
    EXPECT_EQ(out.config->defaults.node, "pve3");
    EXPECT_TRUE(out.config->client.url.empty());
}

TEST(McpConfig, BadEnvFileIsReportedWithItsName) {
    auto out = make_config(env_of({}), std::string("oops\n"), "custom.env", false);
    EXPECT_FALSE(out.config);
    EXPECT_EQ(out.error.rfind("custom.env: line 1:", 0), 0u) << out.error;
}

TEST(McpConfig, LoadsAFile) {
    char path[] = "/tmp/mcp-config-test-XXXXXX";
    int fd = ::mkstemp(path);
    ASSERT_GE(fd, 0);
    std::string text = "PROXMOX_API_URL=https://f:8006\nPROXMOX_TOKEN_ID=a@pam!bc\nPROXMOX_TOKEN_SECRET=s\n";
    ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
    ::close(fd);
    auto out = load_config(env_of({}), path, true, false);
    EXPECT_TRUE(out.config) << out.error;
    std::remove(path);
    out = load_config(env_of({}), path, true, false);
    EXPECT_FALSE(out.config);
    EXPECT_NE(out.error.find(path), std::string::npos);
    out = load_config(env_of({}), path, false, true); // optional file, demo
    EXPECT_TRUE(out.config) << out.error;
}

TEST(McpCli, ParsesFlags) {
    using A = cli_options::action;
    auto parse = [](std::initializer_list<std::string_view> a) {
        std::vector<std::string_view> v(a);
        return parse_cli(v);
    };
    EXPECT_EQ(parse({}).what, A::serve);
    EXPECT_EQ(parse({}).env_file, ".env");
    auto o = parse({"--demo", "--env-file", "x.env"});
    EXPECT_EQ(o.what, A::serve);
    EXPECT_TRUE(o.demo);
    EXPECT_EQ(o.env_file, "x.env");
    EXPECT_TRUE(o.env_file_given);
    EXPECT_EQ(parse({"--env-file=y.env"}).env_file, "y.env");
    EXPECT_EQ(parse({"--help"}).what, A::help);
    EXPECT_EQ(parse({"--version"}).what, A::version);
    EXPECT_EQ(parse({"--list-tools-markdown"}).what, A::list_tools_markdown);
    EXPECT_EQ(parse({"--env-file"}).what, A::error);
    auto bad = parse({"--bogus"});
    EXPECT_EQ(bad.what, A::error);
    EXPECT_NE(bad.error.find("--bogus"), std::string::npos);
    EXPECT_NE(usage_text().find("PROXMOX_TOKEN_SECRET"), std::string::npos);
}

namespace {

/// Writes `text` to a fresh file and returns its path (removed by the destructor).
struct temp_file {
    std::string path;
    explicit temp_file(const std::string& text) {
        char name[] = "/tmp/proxmox-mcp-profiles-XXXXXX";
        int fd = ::mkstemp(name);
        path = name;
        EXPECT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
        ::close(fd);
    }
    ~temp_file() { std::remove(path.c_str()); }
};

const char* two_clusters = R"({"default": "lab",
  "clusters": {
    "prod": {"PROXMOX_API_URL": "https://prod:8006", "PROXMOX_TOKEN_ID": "root@pam!prod",
             "PROXMOX_TOKEN_SECRET": "prod-secret-1", "PROXMOX_READ_ONLY": true},
    "lab":  {"PROXMOX_API_URL": "https://lab:8006", "PROXMOX_DEFAULT_NODE": "lab1"}}})";

} // namespace

TEST(McpProfiles, EachClusterIsTheEnvironmentWithItsOwnKeysOnTop) {
    temp_file file(two_clusters);
    auto out = make_config(env_of({{"PROXMOX_PROFILES", file.path},
                                   {"PROXMOX_TOKEN_ID", "root@pam!shared"},
                                   {"PROXMOX_TOKEN_SECRET", "shared-secret"},
                                   {"PROXMOX_DEFAULT_NODE", "pve"}}),
                           std::nullopt, ".env", false);
    ASSERT_TRUE(out.config) << out.error;
    ASSERT_EQ(out.clusters.size(), 2u);
    EXPECT_EQ(out.clusters[0].name, "lab") << "the default cluster comes first";
    EXPECT_EQ(out.clusters[0].config.client.url, "https://lab:8006");
    EXPECT_EQ(out.clusters[0].config.client.token.id, "root@pam!shared");
    EXPECT_EQ(out.clusters[0].config.defaults.node, "lab1");
    EXPECT_FALSE(out.clusters[0].config.policy.read_only);
    EXPECT_EQ(out.clusters[1].name, "prod");
    EXPECT_EQ(out.clusters[1].config.client.token.id, "root@pam!prod");
    EXPECT_EQ(out.clusters[1].config.defaults.node, "pve");
    EXPECT_TRUE(out.clusters[1].config.policy.read_only);
    EXPECT_EQ(out.config->client.url, "https://lab:8006");
}

TEST(McpProfiles, MalformedFilesNameTheProblemNeverASecret) {
    auto error_for = [](const std::string& text) {
        temp_file file(text);
        auto out = make_config(env_of({{"PROXMOX_PROFILES", file.path}}), std::nullopt, ".env", false);
        EXPECT_FALSE(out.config) << text;
        EXPECT_NE(out.error.find("PROXMOX_PROFILES"), std::string::npos) << out.error;
        return out.error;
    };
    EXPECT_NE(error_for("not json").find("\"clusters\""), std::string::npos);
    EXPECT_NE(error_for(R"({"clusters": {}})").find("\"clusters\""), std::string::npos);
    EXPECT_NE(error_for(R"({"clusters": {"a": {"PROXMOX_API_URL": "https://a:8006"},
                                         "b": {"PROXMOX_API_URL": "https://b:8006"}}})")
                  .find("default"),
              std::string::npos);
    EXPECT_NE(error_for(R"({"default": "c", "clusters": {"a": {"PROXMOX_API_URL": "https://a:8006"}}})")
                  .find("default"),
              std::string::npos);
    EXPECT_NE(
        error_for(R"({"clusters": {"a b": {"PROXMOX_API_URL": "https://a:8006"}}})").find("cluster names"),
        std::string::npos);
    EXPECT_NE(error_for(R"({"clusters": {"a": {"PROXMOX_TOKEN_ID": "x"}}})").find("its own PROXMOX_API_URL"),
              std::string::npos);
    EXPECT_NE(error_for(R"({"clusters": {"a": {"PROXMOX_API_URL": "https://a:8006", "PASSWORD": "x"}}})")
                  .find("not a setting"),
              std::string::npos);
    auto secret = error_for(R"({"clusters": {"a": {"PROXMOX_API_URL": "https://a:8006",
                                               "PROXMOX_TOKEN_SECRET": ["s3cr3t-value"]}}})");
    EXPECT_EQ(secret.find("s3cr3t"), std::string::npos) << secret;
    EXPECT_NE(secret.find("PROXMOX_TOKEN_SECRET"), std::string::npos);
    // A cluster whose own settings are incomplete names the cluster.
    EXPECT_NE(error_for(R"({"clusters": {"edge": {"PROXMOX_API_URL": "https://e:8006"}}})").find("edge"),
              std::string::npos);
    auto out = make_config(env_of({{"PROXMOX_PROFILES", "/nonexistent/profiles.json"}}), std::nullopt, ".env",
                           false);
    EXPECT_NE(out.error.find("cannot read"), std::string::npos);
}

TEST(McpProfiles, TheProfileFileCanBeNamedInTheEnvFile) {
    temp_file file(two_clusters);
    auto out = make_config(env_of({{"PROXMOX_TOKEN_ID", "root@pam!shared"}, {"PROXMOX_TOKEN_SECRET", "s"}}),
                           "PROXMOX_PROFILES=" + file.path + "\n", ".env", false);
    ASSERT_TRUE(out.config) << out.error;
    EXPECT_EQ(out.clusters.size(), 2u);
}
