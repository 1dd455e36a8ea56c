// The proxmox-sim executable: its JSON line, serving, exit on stdin EOF, and argument errors.
#include "client.hpp"

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <chrono>
#include <cstdio>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <poll.h>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace {

/// A child process with pipes on stdin, stdout and stderr.
struct child {
    pid_t pid = -1;
    int in = -1;  ///< write end of its stdin
    int out = -1; ///< read end of its stdout
    int err = -1; ///< read end of its stderr

    explicit child(std::vector<std::string> args) {
        int pin[2], pout[2], perr[2];
        if (pipe(pin) != 0 || pipe(pout) != 0 || pipe(perr) != 0)
            throw std::runtime_error("pipe failed");
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, pin[0], 0);
        posix_spawn_file_actions_adddup2(&fa, pout[1], 1);
        posix_spawn_file_actions_adddup2(&fa, perr[1], 2);
        for (int fd : {pin[0], pin[1], pout[0], pout[1], perr[0], perr[1]})
            posix_spawn_file_actions_addclose(&fa, fd);
        args.insert(args.begin(), PROXMOX_SIM_EXE);
        std::vector<char*> argv;
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        const int rc = posix_spawn(&pid, PROXMOX_SIM_EXE, &fa, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&fa);
        close(pin[0]);
        close(pout[1]);
        close(perr[1]);
        in = pin[1];
        out = pout[0];
        err = perr[0];
        if (rc != 0)
            throw std::runtime_error("cannot spawn " PROXMOX_SIM_EXE);
    }

    ~child() {
        close_stdin();
        if (pid > 0 && !exit_code(std::chrono::seconds(5))) {
            kill(pid, SIGKILL);
            waitpid(pid, nullptr, 0);
        }
        if (out >= 0)
            close(out);
        if (err >= 0)
            close(err);
    }

    void close_stdin() {
        if (in >= 0)
            close(in);
        in = -1;
    }

    /// Reads from `fd` until a newline (or EOF) within the timeout.
    static std::string read_line(int fd, std::chrono::milliseconds timeout) {
        std::string line;
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (line.find('\n') == std::string::npos) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0)
                break;
            pollfd p{fd, POLLIN, 0};
            if (poll(&p, 1, static_cast<int>(left.count())) <= 0)
                break;
            char buf[512];
            const ssize_t n = read(fd, buf, sizeof buf);
            if (n <= 0)
                break;
            line.append(buf, static_cast<std::size_t>(n));
        }
        return line;
    }

    /// Reads from `fd` until end of file within the timeout.
    static std::string read_all(int fd, std::chrono::milliseconds timeout) {
        std::string text;
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            pollfd p{fd, POLLIN, 0};
            if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0)
                return text;
            char buf[512];
            const ssize_t n = read(fd, buf, sizeof buf);
            if (n <= 0)
                return text;
            text.append(buf, static_cast<std::size_t>(n));
        }
    }

    /// The exit status once the process ended within the timeout.
    std::optional<int> exit_code(std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (pid > 0) {
            int status = 0;
            const pid_t r = waitpid(pid, &status, WNOHANG);
            if (r == pid) {
                pid = -1;
                return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
            if (std::chrono::steady_clock::now() > deadline)
                return std::nullopt;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return std::nullopt;
    }
};

TEST(SimTool, PrintsItsEndpointServesAndExitsOnStdinEof) {
    child sim({"--listen", "127.0.0.1:0", "--nodes", "2", "--guests", "5", "--seed", "3", "--token",
               "ci@pve!tests=0123-secret", "--task-seconds", "0.05", "--unauthorized-delay-ms", "10"});
    const std::string line = child::read_line(sim.out, std::chrono::seconds(20));
    ASSERT_FALSE(line.empty()) << "no JSON line; stderr: "
                               << child::read_line(sim.err, std::chrono::milliseconds(100));
    ASSERT_EQ(line.back(), '\n');
    const auto j = boost::json::parse(line).as_object();
    ASSERT_EQ(j.size(), 5u);
    proxmox::sim::endpoint_info info;
    info.url = std::string(j.at("url").as_string());
    info.fingerprint = std::string(j.at("fingerprint").as_string());
    info.ca_file = std::string(j.at("ca_file").as_string());
    info.token_id = std::string(j.at("token_id").as_string());
    info.token_secret = std::string(j.at("token_secret").as_string());
    EXPECT_TRUE(info.url.starts_with("https://127.0.0.1:"));
    EXPECT_EQ(info.token_id, "ci@pve!tests");
    EXPECT_EQ(info.token_secret, "0123-secret");

    {
        simtest::client c(info);
        auto r = c.get("/nodes");
        EXPECT_EQ(r.status, 200u);
        EXPECT_EQ(boost::json::parse(r.body).at("data").as_array().size(), 2u);
        EXPECT_EQ(c.peer_fingerprint(), info.fingerprint);
    }

    sim.close_stdin();
    const auto code = sim.exit_code(std::chrono::seconds(10));
    ASSERT_TRUE(code.has_value()) << "proxmox-sim did not exit on stdin EOF";
    EXPECT_EQ(*code, 0);
    EXPECT_FALSE(std::ifstream(info.ca_file).good()) << "the CA file is removed on exit";
}

/// The endpoint from the JSON line of a started proxmox-sim.
proxmox::sim::endpoint_info endpoint_of(const std::string& line) {
    const auto j = boost::json::parse(line).as_object();
    proxmox::sim::endpoint_info info;
    info.url = std::string(j.at("url").as_string());
    info.fingerprint = std::string(j.at("fingerprint").as_string());
    info.ca_file = std::string(j.at("ca_file").as_string());
    info.token_id = std::string(j.at("token_id").as_string());
    info.token_secret = std::string(j.at("token_secret").as_string());
    return info;
}

TEST(SimTool, UsersFaultsAndTheRequestLogFromTheCommandLine) {
    char log_path[] = "/tmp/proxmox-sim-tool-log-XXXXXX";
    const int fd = mkstemp(log_path);
    ASSERT_GE(fd, 0);
    close(fd);
    child sim({"--task-seconds", "0.05", "--unauthorized-delay-ms", "10", "--user", "alice@pve:pa55word",
               "--user", "bob@pve:s3cr3t:987654", "--fault", "GET /version:status=503,nth=1", "--fault",
               "offline_node=pve3", "--request-log", log_path});
    const std::string line = child::read_line(sim.out, std::chrono::seconds(20));
    ASSERT_FALSE(line.empty()) << child::read_line(sim.err, std::chrono::milliseconds(100));
    const auto info = endpoint_of(line);
    {
        simtest::client c(info);
        EXPECT_EQ(c.get("/version").status, 503u);
        EXPECT_EQ(c.get("/version").status, 200u);
        EXPECT_EQ(c.get("/nodes/pve3/qemu").status, 595u);
        simtest::request login;
        login.method = "POST";
        login.target = "/api2/json/access/ticket";
        login.auth = false;
        login.content_type = "application/x-www-form-urlencoded";
        login.body = "username=alice@pve&password=pa55word";
        EXPECT_EQ(c.send(login).status, 200u);
        login.body = "username=bob@pve&password=s3cr3t&otp=totp%3A987654";
        EXPECT_EQ(c.send(login).status, 200u);
    }
    sim.close_stdin();
    ASSERT_EQ(sim.exit_code(std::chrono::seconds(10)), 0);

    std::ifstream f(log_path);
    std::vector<boost::json::object> entries;
    std::string text;
    for (std::string l; std::getline(f, l);) {
        text += l + "\n";
        entries.push_back(boost::json::parse(l).as_object());
    }
    std::remove(log_path);
    ASSERT_EQ(entries.size(), 5u) << text;
    EXPECT_EQ(entries[0].at("path"), "/version");
    EXPECT_EQ(entries[0].at("status"), 503);
    EXPECT_EQ(entries[0].at("fault"), "status");
    EXPECT_EQ(entries[1].at("status"), 200);
    EXPECT_FALSE(entries[1].contains("fault"));
    EXPECT_EQ(entries[2].at("status"), 595);
    EXPECT_EQ(entries[3].at("auth"), "none");
    EXPECT_EQ(text.find("pa55word"), std::string::npos);
    EXPECT_EQ(text.find("987654"), std::string::npos);
    EXPECT_EQ(text.find(info.token_secret), std::string::npos);
}

TEST(SimTool, ExitsOnSigterm) {
    child sim({"--task-seconds", "0.05"});
    ASSERT_FALSE(child::read_line(sim.out, std::chrono::seconds(20)).empty());
    kill(sim.pid, SIGTERM);
    const auto code = sim.exit_code(std::chrono::seconds(10));
    ASSERT_TRUE(code.has_value());
    EXPECT_EQ(*code, 0);
}

void expect_usage_error(std::vector<std::string> args, const std::string& mentions) {
    child sim(std::move(args));
    const auto code = sim.exit_code(std::chrono::seconds(10));
    ASSERT_TRUE(code.has_value());
    EXPECT_EQ(*code, 2);
    const std::string err = child::read_line(sim.err, std::chrono::seconds(1));
    EXPECT_NE(err.find(mentions), std::string::npos) << err;
    EXPECT_TRUE(child::read_line(sim.out, std::chrono::milliseconds(100)).empty())
        << "no JSON line on errors";
}

TEST(SimTool, BadArgumentsExitWithStatus2AndNameTheOption) {
    expect_usage_error({"--nodes", "abc"}, "--nodes");
    expect_usage_error({"--nodes", "0"}, "--nodes");
    expect_usage_error({"--bogus"}, "--bogus");
    expect_usage_error({"--guests"}, "--guests");
    expect_usage_error({"--listen", "localhost:8006"}, "--listen");
    expect_usage_error({"--token", "root@pam"}, "--token");
    expect_usage_error({"--task-seconds=-2"}, "--task-seconds");
    expect_usage_error({"--user", "alice@pve"}, "--user");
    expect_usage_error({"--user", "alice:pw"}, "--user");
    expect_usage_error({"--fault", "GET /version"}, "--fault");
    expect_usage_error({"--fault", "/version:explode"}, "--fault");
    expect_usage_error({"--fault", "offline_node=pve9"}, "--fault");
    expect_usage_error({"--fault", "offline_node=pve"}, "--fault");
    expect_usage_error({"--request-log", "/nonexistent-dir/log.jsonl"}, "--request-log");
}

TEST(SimTool, HelpPrintsUsage) {
    child sim({"--help"});
    const std::string out = child::read_all(sim.out, std::chrono::seconds(5));
    EXPECT_NE(out.find("usage: proxmox-sim"), std::string::npos) << out;
    EXPECT_NE(out.find("--version "), std::string::npos) << out;
    const auto code = sim.exit_code(std::chrono::seconds(10));
    ASSERT_TRUE(code.has_value());
    EXPECT_EQ(*code, 0);
}

TEST(SimTool, VersionNamesTheSimulatorAndTheSchemaItServes) {
    // what the vendored schema says about itself, read here independently of the simulator
    std::ifstream f(PROXMOX_SIM_SCHEMA_JSON, std::ios::binary);
    const std::string schema((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    ASSERT_FALSE(schema.empty());
    const auto meta = boost::json::parse(schema).at("meta").as_object();
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    ASSERT_EQ(EVP_Digest(schema.data(), schema.size(), md, &md_len, EVP_sha256(), nullptr), 1);
    std::string sha256;
    for (unsigned i = 0; i < md_len; ++i) {
        sha256 += "0123456789abcdef"[md[i] >> 4];
        sha256 += "0123456789abcdef"[md[i] & 15];
    }

    child sim({"--version"});
    const std::string out = child::read_all(sim.out, std::chrono::seconds(10));
    EXPECT_EQ(out, "proxmox-sim " PROXMOX_SIM_TEST_VERSION "\nPVE API: " +
                       std::string(meta.at("pve_version").as_string()) + "\nschema sha256: " + sha256 + "\n");
    const auto code = sim.exit_code(std::chrono::seconds(10));
    ASSERT_TRUE(code.has_value());
    EXPECT_EQ(*code, 0);
}

} // namespace
