// libproxmox against proxmox::sim over real HTTPS: reads, tasks, auth and TLS failures.

#include "sdk_sim_fixture.hpp"

#include <proxmox/client.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <thread>

using namespace proxmox;
using namespace std::chrono_literals;

namespace {

class SdkAgainstSim : public proxmox::testing::sdk_sim_fixture {
protected:
    /// A VM (no template) of the simulated cluster matching `pred`, found through the SDK itself.
    template <class Pred> static guest_summary pick_vm(blocking_client& pve, Pred pred) {
        return guest_where(
            pve, [&](const cluster_resource& r) { return r.type == "qemu" && pred(r); }, "such VM");
    }
};

TEST_F(SdkAgainstSim, ListsVersionNodesAndGuests) {
    blocking_client pve(pinned_options());
    auto version = pve.version();
    ASSERT_TRUE(version) << version.error().to_string();
    EXPECT_FALSE(version->release.empty());

    auto nodes = pve.nodes();
    ASSERT_TRUE(nodes) << nodes.error().to_string();
    ASSERT_EQ(nodes->size(), 3u);
    for (const auto& n : *nodes) {
        EXPECT_FALSE(n.node.empty());
        EXPECT_EQ(n.status, "online");
    }

    auto vms = pve.run(pve.async().node("pve").async_qemu_list());
    ASSERT_TRUE(vms) << vms.error().to_string();
    ASSERT_FALSE(vms->empty());
    for (const auto& vm : *vms) {
        EXPECT_GE(vm.vmid, 100u);
        EXPECT_EQ(vm.node, "pve");
        EXPECT_EQ(vm.type, guest_type::qemu);
    }

    auto resources = pve.run(pve.async().cluster().async_resources());
    ASSERT_TRUE(resources);
    std::size_t guests = 0, node_entries = 0, storages = 0;
    for (const auto& r : *resources) {
        guests += r.is_guest();
        node_entries += r.type == "node";
        storages += r.type == "storage";
    }
    EXPECT_GE(guests, 10u);
    EXPECT_EQ(node_entries, 3u);
    EXPECT_GE(storages, 6u); // local + local-lvm on each node
}

TEST_F(SdkAgainstSim, NodeStatusHasHealthFields) {
    blocking_client pve(pinned_options());
    auto status = pve.run(pve.async().node("pve").async_status());
    ASSERT_TRUE(status) << status.error().to_string();
    EXPECT_GT(status->memory_total, 0u);
    EXPECT_GT(status->uptime, 0u);
    EXPECT_FALSE(status->pveversion.empty());
}

TEST_F(SdkAgainstSim, StartAndWaitRunsTheVm) {
    blocking_client pve(pinned_options());
    auto vm = pick_vm(pve, [](const cluster_resource& r) { return r.status == "stopped"; });
    auto task = pve.run(pve.async().node(vm.node).qemu(vm.vmid).async_start());
    ASSERT_TRUE(task) << task.error().to_string();
    EXPECT_EQ(task->id().type, "qmstart");
    EXPECT_EQ(task->id().id, std::to_string(vm.vmid));
    EXPECT_EQ(task->id().node, vm.node);

    auto done = pve.run(task->async_wait({.timeout = 10s, .initial_interval = 10ms}));
    ASSERT_TRUE(done) << done.error().to_string();
    EXPECT_EQ(done->exit_status.value_or(""), "OK");

    auto found = pve.run(pve.async().cluster().async_find_guest({.vmid = vm.vmid}));
    ASSERT_TRUE(found) << found.error().to_string();
    EXPECT_EQ(found->status, "running");
}

TEST_F(SdkAgainstSim, StartingARunningVmIsATaskFailure) {
    blocking_client pve(pinned_options());
    auto vm = pick_vm(pve, [](const cluster_resource& r) { return r.status == "running"; });
    auto task = pve.run(pve.async().node(vm.node).qemu(vm.vmid).async_start());
    ASSERT_TRUE(task) << "starting a running VM is accepted; its task fails: " << task.error().to_string();
    auto done = pve.run(task->async_wait({.timeout = 10s, .initial_interval = 10ms}));
    ASSERT_FALSE(done) << "a failed task must never be reported as success";
    EXPECT_EQ(done.error().code, errc::task_failed);
    EXPECT_NE(done.error().exit_status.find("already running"), std::string::npos)
        << done.error().exit_status;
    EXPECT_EQ(done.error().upid, task->upid());
}

TEST_F(SdkAgainstSim, TaskHandleRebuiltFromUpidString) {
    blocking_client pve(pinned_options());
    auto vm = pick_vm(pve, [](const cluster_resource& r) { return r.status == "running"; });
    auto task = pve.run(pve.async().node(vm.node).qemu(vm.vmid).async_stop());
    ASSERT_TRUE(task) << task.error().to_string();
    auto rebuilt = pve.async().task(task->upid());
    ASSERT_TRUE(rebuilt);
    auto done = pve.run(rebuilt->async_wait({.timeout = 10s, .initial_interval = 10ms}));
    ASSERT_TRUE(done) << done.error().to_string();
    EXPECT_TRUE(done->succeeded());
}

TEST_F(SdkAgainstSim, WaitTimeoutIsItsOwnError) {
    blocking_client pve(pinned_options());
    auto vm = pick_vm(pve, [](const cluster_resource& r) { return r.status == "running"; });
    auto task = pve.run(pve.async().node(vm.node).qemu(vm.vmid).async_start());
    ASSERT_TRUE(task);
    auto done = pve.run(task->async_wait({.timeout = 1ms, .initial_interval = 10ms}));
    // The task takes 50 ms: either the first poll already sees it running and the 1 ms budget ends.
    ASSERT_FALSE(done);
    EXPECT_EQ(done.error().code, errc::task_timeout);
}

TEST_F(SdkAgainstSim, NameResolutionNotFound) {
    blocking_client pve(pinned_options());
    auto missing = pve.run(pve.async().cluster().async_find_guest({.name = "no-such-guest"}));
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, errc::not_found);
    EXPECT_NE(missing.error().message.find("no-such-guest"), std::string::npos);
}

TEST_F(SdkAgainstSim, WrongTokenIsAuthFailedWithoutTheSecret) {
    auto opts = pinned_options();
    opts.token.secret = "00000000-wrong-secret-0000";
    blocking_client pve(opts);
    auto nodes = pve.nodes();
    ASSERT_FALSE(nodes);
    EXPECT_EQ(nodes.error().code, errc::auth_failed);
    EXPECT_EQ(nodes.error().http_status, 401u);
    EXPECT_EQ(nodes.error().to_string().find("wrong-secret"), std::string::npos);
    EXPECT_EQ(nodes.error().to_string().find(info().token_secret), std::string::npos);
}

TEST_F(SdkAgainstSim, WrongFingerprintIsTlsMismatchShowingBoth) {
    auto opts = pinned_options();
    opts.tls.fingerprint = std::string(95, 'A');
    for (std::size_t i = 2; i < 95; i += 3)
        opts.tls.fingerprint[i] = ':';
    blocking_client pve(opts);
    auto nodes = pve.nodes();
    ASSERT_FALSE(nodes);
    EXPECT_EQ(nodes.error().code, errc::tls_fingerprint_mismatch) << nodes.error().to_string();
    EXPECT_NE(nodes.error().message.find(info().fingerprint), std::string::npos);
    EXPECT_NE(nodes.error().message.find(opts.tls.fingerprint), std::string::npos);
}

TEST_F(SdkAgainstSim, FingerprintIsCaseInsensitiveWithoutColons) {
    auto opts = pinned_options();
    std::string bare;
    for (char c : opts.tls.fingerprint)
        if (c != ':')
            bare += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    opts.tls.fingerprint = bare;
    blocking_client pve(opts);
    EXPECT_TRUE(pve.version());
}

TEST_F(SdkAgainstSim, CaFileVerifiesChainAndHostName) {
    auto opts = pinned_options();
    opts.tls.fingerprint.clear();
    opts.tls.ca_file = info().ca_file;
    blocking_client by_ip(opts);
    auto v = by_ip.version();
    EXPECT_TRUE(v) << v.error().to_string();

    auto port = opts.url.substr(opts.url.rfind(':'));
    opts.url = "https://localhost" + port;
    blocking_client by_name(opts);
    EXPECT_TRUE(by_name.version());
}

TEST_F(SdkAgainstSim, DefaultVerificationRejectsTheClusterCa) {
    auto opts = pinned_options();
    opts.tls.fingerprint.clear(); // system CAs only: the simulated cluster CA is not among them
    blocking_client pve(opts);
    auto v = pve.version();
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error().code, errc::tls_verification_failed) << v.error().to_string();
    EXPECT_NE(v.error().message.find("tls.ca_file"), std::string::npos);
}

TEST_F(SdkAgainstSim, InsecureModeWarnsOnce) {
    auto opts = pinned_options();
    opts.tls.fingerprint.clear();
    opts.tls.verify = false;
    std::vector<std::string> warnings;
    opts.logger = [&](log_level level, std::string_view line) {
        if (level == log_level::warning)
            warnings.emplace_back(line);
    };
    blocking_client pve(opts);
    EXPECT_TRUE(pve.version());
    EXPECT_TRUE(pve.nodes());
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("verification is off"), std::string::npos);
}

TEST_F(SdkAgainstSim, RawRequestReportsSchemaErrors) {
    blocking_client pve(pinned_options());
    auto bad =
        pve.run(pve.async().async_request(http_method::get, "/cluster/resources", {{"type", "bogus"}}));
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, errc::invalid_parameter);
    EXPECT_EQ(bad.error().http_status, 400u);
    EXPECT_EQ(bad.error().field_errors.count("type"), 1u) << bad.error().to_string();

    auto unknown = pve.run(pve.async().async_request(http_method::get, "/nodes/pve/no-such-thing"));
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, errc::not_implemented);
    EXPECT_EQ(unknown.error().http_status, 501u);

    auto ok = pve.run(pve.async().async_request(http_method::get, "/cluster/resources", {{"type", "node"}}));
    ASSERT_TRUE(ok) << ok.error().to_string();
    EXPECT_EQ(ok->data.as_array().size(), 3u);
}

TEST_F(SdkAgainstSim, StartOnTheWrongNodeFailsInItsTask) {
    // qemu-server loads the config inside the worker: the call succeeds, the task fails.
    blocking_client pve(pinned_options());
    auto vm = pick_vm(pve, [](const cluster_resource& r) { return r.node != "pve"; });
    auto task = pve.run(pve.async().node("pve").qemu(vm.vmid).async_start());
    ASSERT_TRUE(task) << task.error().to_string();
    auto done = pve.run(task->async_wait({.timeout = 10s, .initial_interval = 10ms}));
    ASSERT_FALSE(done);
    EXPECT_EQ(done.error().code, errc::task_failed);
    EXPECT_NE(done.error().exit_status.find("does not exist"), std::string::npos) << done.error().exit_status;
    EXPECT_NE(done.error().log_tail.find("TASK ERROR"), std::string::npos) << done.error().log_tail;
}

TEST_F(SdkAgainstSim, ProgressReportsLogLinesAndElapsedTime) {
    blocking_client pve(pinned_options());
    auto vm = pick_vm(pve, [](const cluster_resource& r) { return r.status == "running"; });
    auto task = pve.run(pve.async().node(vm.node).qemu(vm.vmid).async_stop());
    ASSERT_TRUE(task);
    std::vector<std::string> lines;
    int reports = 0;
    auto done = pve.run(task->async_wait(
        {.timeout = 10s, .initial_interval = 10ms, .on_progress = [&](const task_progress& p) {
             ++reports;
             ASSERT_NE(p.status, nullptr);
             lines.insert(lines.end(), p.new_lines.begin(), p.new_lines.end());
         }}));
    ASSERT_TRUE(done) << done.error().to_string();
    EXPECT_GE(reports, 1);
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines.back(), "TASK OK"); // each line reported once, in order
    EXPECT_EQ(std::count(lines.begin(), lines.end(), "TASK OK"), 1);
}

TEST_F(SdkAgainstSim, CoroutinesAndFuturesWork) {
    boost::asio::io_context io;
    client pve(io.get_executor(), pinned_options());
    std::size_t node_count = 0;
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
            auto nodes = co_await pve.async_nodes();
            if (nodes)
                node_count = nodes->size();
        },
        boost::asio::detached);
    io.run();
    EXPECT_EQ(node_count, 3u);

    io.restart();
    auto work = boost::asio::make_work_guard(io);
    std::thread runner([&] { io.run(); });
    auto future = pve.async_version(boost::asio::use_future);
    auto version = future.get();
    work.reset();
    runner.join();
    EXPECT_TRUE(version);
}

} // namespace

namespace {

TEST_F(SdkAgainstSim, ThreadSafeClientServesManyThreadsThroughABoundedPool) {
    boost::asio::io_context io;
    auto opts = pinned_options();
    opts.thread_safe = true;
    opts.max_connections = 2; // 24 concurrent calls share two connections
    client pve(io.get_executor(), opts);
    std::atomic<int> ok{0}, failed{0};
    auto work = boost::asio::make_work_guard(io);
    std::vector<std::thread> runners;
    for (int i = 0; i < 4; ++i)
        runners.emplace_back([&] { io.run(); });
    std::vector<std::future<result<std::vector<node_summary>>>> calls;
    for (int i = 0; i < 24; ++i)
        calls.push_back(pve.async_nodes(boost::asio::use_future));
    for (auto& f : calls)
        (f.get() ? ok : failed)++;
    work.reset();
    for (auto& t : runners)
        t.join();
    EXPECT_EQ(ok.load(), 24);
    EXPECT_EQ(failed.load(), 0);
}

} // namespace

namespace {

TEST_F(SdkAgainstSim, NoSecretInAnyErrorLogLineOrException) {
    // Every text the SDK produces on failure paths, collected and searched for the secrets.
    const std::string good_secret = info().token_secret;
    const std::string bad_secret = "deadbeef-0000-4000-8000-secretsecret";
    std::vector<std::string> texts;
    auto collect = [&](const error& e) {
        texts.push_back(e.to_string());
        texts.push_back(e.message);
        for (const auto& [k, v] : e.field_errors)
            texts.push_back(k + v);
        texts.push_back(e.log_tail);
        try {
            throw proxmox::exception(e);
        } catch (const std::exception& ex) {
            texts.emplace_back(ex.what());
        }
    };
    auto opts = pinned_options();
    opts.logger = [&](log_level, std::string_view line) { texts.emplace_back(line); };
    opts.retry.initial_backoff = 1ms;

    {
        blocking_client pve(opts);
        auto bad_param =
            pve.run(pve.async().async_request(http_method::get, "/cluster/resources", {{"type", "x"}}));
        ASSERT_FALSE(bad_param);
        collect(bad_param.error());
        auto unknown = pve.run(pve.async().async_request(http_method::post, "/nodes/pve/nothing-here"));
        ASSERT_FALSE(unknown);
        collect(unknown.error());
        auto vm = pick_vm(pve, [](const cluster_resource& r) { return r.status == "running"; });
        auto task = pve.run(pve.async().node(vm.node).qemu(vm.vmid).async_start());
        ASSERT_TRUE(task);
        auto failed = pve.run(task->async_wait({.timeout = 10s, .initial_interval = 10ms}));
        ASSERT_FALSE(failed);
        collect(failed.error());
    }
    {
        auto wrong = opts;
        wrong.token.secret = bad_secret;
        blocking_client pve(wrong);
        auto denied = pve.nodes();
        ASSERT_FALSE(denied);
        collect(denied.error());
    }
    {
        auto insecure = opts;
        insecure.tls.fingerprint.clear();
        insecure.tls.verify = false;
        insecure.url = "https://127.0.0.1:1"; // refused: retried (logged) then failed
        blocking_client pve(insecure);
        auto refused = pve.version();
        ASSERT_FALSE(refused);
        collect(refused.error());
    }
    ASSERT_GT(texts.size(), 20u);
    for (const auto& text : texts) {
        EXPECT_EQ(text.find(good_secret), std::string::npos) << text;
        EXPECT_EQ(text.find(bad_secret), std::string::npos) << text;
        EXPECT_EQ(text.find("PVEAPIToken"), std::string::npos) << text;
    }
}

} // namespace
