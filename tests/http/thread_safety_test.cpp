// A client with client_options::thread_safe, used from several threads at once while several
// threads run its io_context: reads, task starts and waits, cancellations, a shared ticket login
// and stalled requests. Under `make tsan` (ThreadSanitizer) these are the SDK's data-race tests;
// in the ordinary build they check the results.
#include "sdk_sim_fixture.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_future.hpp>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace proxmox::testing {
namespace {

using namespace std::chrono_literals;

/// An io_context run by `threads` threads until the object goes away.
class runners {
public:
    explicit runners(int threads) : work_(boost::asio::make_work_guard(io)) {
        for (int i = 0; i < threads; ++i)
            threads_.emplace_back([this] { io.run(); });
    }
    ~runners() {
        work_.reset();
        for (auto& t : threads_)
            t.join();
    }
    boost::asio::io_context io;

private:
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
    std::vector<std::thread> threads_;
};

class ThreadSafeClient : public sdk_sim_fixture {
protected:
    void tune(sim::options& o) override {
        if (test_is("ConcurrentFirstCallsShareOneTicketLogin"))
            o.users = {{"alice@pve", "wonderland", "", "Administrator"}};
    }

    client_options shared_options() const {
        auto o = token_options();
        o.thread_safe = true;
        o.max_connections = 2;
        return o;
    }
};

TEST_F(ThreadSafeClient, CallersOnManyThreadsGetEveryAnswer) {
    runners run(4);
    client pve(run.io.get_executor(), shared_options());
    std::atomic<int> ok{0}, failed{0};
    std::vector<std::thread> callers;
    for (int t = 0; t < 4; ++t)
        callers.emplace_back([&, t] {
            for (int i = 0; i < 10; ++i) {
                bool good = false;
                switch ((t + i) % 4) {
                case 0:
                    good = bool(pve.async_nodes(boost::asio::use_future).get());
                    break;
                case 1:
                    good = bool(pve.node("pve").async_status(boost::asio::use_future).get());
                    break;
                case 2:
                    good = bool(
                        pve.cluster().async_resources(resource_filter::vm, boost::asio::use_future).get());
                    break;
                case 3:
                    good = bool(pve.node("pve").async_qemu_list(boost::asio::use_future).get());
                    break;
                }
                (good ? ok : failed)++;
            }
        });
    for (auto& c : callers)
        c.join();
    EXPECT_EQ(ok.load(), 40);
    EXPECT_EQ(failed.load(), 0);
}

TEST_F(ThreadSafeClient, TaskStartsWaitsAndCancellationsFromSeveralThreads) {
    runners run(3);
    client pve(run.io.get_executor(), shared_options());
    auto vms = pve.cluster().async_resources(resource_filter::vm, boost::asio::use_future).get();
    ASSERT_TRUE(vms) << vms.error().to_string();
    std::vector<guest_summary> stopped;
    for (const auto& r : *vms)
        if (r.type == "qemu" && !r.is_template && r.status == "stopped")
            stopped.push_back(r.to_guest());
    ASSERT_GE(stopped.size(), 2u);

    std::atomic<int> started{0};
    std::vector<std::thread> callers;
    for (std::size_t i = 0; i < 2; ++i)
        callers.emplace_back([&, i] {
            auto task =
                pve.node(stopped[i].node).qemu(stopped[i].vmid).async_start(boost::asio::use_future).get();
            ASSERT_TRUE(task) << task.error().to_string();
            auto done = task->async_wait({}, boost::asio::use_future).get();
            EXPECT_TRUE(done) << done.error().to_string();
            ++started;
        });
    // Meanwhile: waits that are cancelled from another thread (the signal is emitted on the
    // client's executor, as Asio requires).
    std::atomic<int> cancelled{0};
    std::vector<boost::asio::cancellation_signal> signals(4);
    std::vector<std::future<void>> waits;
    for (auto& signal : signals) {
        std::promise<void> finished;
        waits.push_back(finished.get_future());
        pve.async_version(boost::asio::bind_cancellation_slot(
            signal.slot(), [&, p = std::make_shared<std::promise<void>>(std::move(finished))](auto r) {
                if (!r)
                    ++cancelled;
                p->set_value();
            }));
    }
    std::thread canceller([&] {
        for (auto& signal : signals)
            boost::asio::post(pve.get_executor(),
                              [&signal] { signal.emit(boost::asio::cancellation_type::terminal); });
    });
    canceller.join();
    for (auto& w : waits)
        EXPECT_EQ(w.wait_for(10s), std::future_status::ready);
    for (auto& c : callers)
        c.join();
    EXPECT_EQ(started.load(), 2);
    EXPECT_LE(cancelled.load(), 4);
}

TEST_F(ThreadSafeClient, ConcurrentFirstCallsShareOneTicketLogin) {
    runners run(4);
    auto opts = shared_options();
    opts.token = {};
    password_login login;
    login.userid = "alice@pve";
    login.password = "wonderland";
    opts.login = login;
    client pve(run.io.get_executor(), opts);
    std::vector<std::future<result<std::vector<node_summary>>>> calls;
    std::vector<std::thread> callers;
    std::mutex m;
    for (int t = 0; t < 4; ++t)
        callers.emplace_back([&] {
            auto f = pve.async_nodes(boost::asio::use_future);
            std::lock_guard lock(m);
            calls.push_back(std::move(f));
        });
    for (auto& c : callers)
        c.join();
    for (auto& f : calls) {
        auto r = f.get();
        EXPECT_TRUE(r) << r.error().to_string();
    }
    EXPECT_EQ(count("POST", "/access/ticket"), 1u);
}

TEST_F(ThreadSafeClient, StalledRequestsAndTimeoutsAcrossThreads) {
    sim::fault stall;
    stall.method = "GET";
    stall.path = "/version";
    stall.kind = sim::fault::action::stall;
    server().add_fault(stall);
    runners run(3);
    auto opts = shared_options();
    opts.stalled_after = 20ms;
    opts.operation_timeout = 300ms;
    opts.retry.max_attempts = 1;
    client pve(run.io.get_executor(), opts);
    std::vector<std::future<result<version_info>>> stalled;
    for (int i = 0; i < 4; ++i)
        stalled.push_back(pve.async_version(boost::asio::use_future));
    std::vector<std::thread> callers;
    std::atomic<int> ok{0};
    for (int t = 0; t < 3; ++t)
        callers.emplace_back([&] {
            if (pve.async_nodes(boost::asio::use_future).get())
                ++ok;
        });
    for (auto& c : callers)
        c.join();
    for (auto& f : stalled) {
        auto r = f.get();
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, errc::timeout) << r.error().to_string();
    }
    EXPECT_EQ(ok.load(), 3);
}

} // namespace
} // namespace proxmox::testing
