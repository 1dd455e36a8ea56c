// qemu_handle power actions and lifecycle tasks against the simulated cluster: tasks that run,
// their effects in later reads, and PVE's refusals (at the call or as the task's exit status).

#include "sdk_sim_fixture.hpp"

#include <proxmox/client.hpp>

using namespace proxmox;
using namespace std::chrono_literals;

namespace {

class QemuHandleLifecycle : public proxmox::testing::sdk_sim_fixture {
protected:
    static task_wait_options quick() {
        task_wait_options o;
        o.timeout = 10s;
        o.initial_interval = 10ms;
        o.max_interval = 50ms;
        return o;
    }

    static result<task_status> wait(blocking_client& pve, const result<task_handle>& task) {
        if (!task)
            return task.error();
        return pve.run(task->async_wait(quick()));
    }

    qemu_handle vm(blocking_client& pve, std::string_view status) {
        auto g = vm_in(pve, status);
        return pve.async().node(g.node).qemu(g.vmid);
    }

    static std::optional<cluster_resource> find(blocking_client& pve, vmid_t vmid) {
        auto all = pve.run(pve.async().cluster().async_resources(resource_filter::vm));
        EXPECT_TRUE(all);
        if (all)
            for (const auto& r : *all)
                if (r.vmid == vmid)
                    return r;
        return std::nullopt;
    }
};

TEST_F(QemuHandleLifecycle, PowerActionsChangeTheStatus) {
    blocking_client pve(token_options());
    auto handle = vm(pve, "running");

    auto paused = wait(pve, pve.run(handle.async_suspend()));
    ASSERT_TRUE(paused) << paused.error().to_string();
    EXPECT_EQ(paused->type, "qmpause");
    auto status = pve.run(handle.async_status());
    ASSERT_TRUE(status);
    EXPECT_TRUE(status->paused());

    // PVE refuses an ACPI shutdown of a paused VM at the call
    auto refused = pve.run(handle.async_shutdown());
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, errc::server_error);
    EXPECT_NE(refused.error().message.find("VM is paused - cannot shutdown"), std::string::npos);

    ASSERT_TRUE(wait(pve, pve.run(handle.async_resume())));
    ASSERT_TRUE(wait(pve, pve.run(handle.async_reset())));
    ASSERT_TRUE(
        wait(pve, pve.run(handle.async_reboot(qemu_reboot_options{.timeout = std::chrono::seconds(30)}))));
    status = pve.run(handle.async_status());
    ASSERT_TRUE(status);
    EXPECT_EQ(status->qmpstatus, "running");

    auto shutdown = pve.run(handle.async_shutdown({.timeout = std::chrono::seconds(20), .force_stop = true}));
    ASSERT_TRUE(shutdown) << shutdown.error().to_string();
    EXPECT_EQ(shutdown->id().type, "qmshutdown");
    ASSERT_TRUE(wait(pve, shutdown));
    auto log = server().request_log();
    auto sent = std::find_if(log.rbegin(), log.rend(),
                             [](const auto& e) { return e.path.ends_with("/status/shutdown"); });
    ASSERT_NE(sent, log.rend()); // the last shutdown: the first one was refused
    EXPECT_NE(sent->params.find("\"forceStop\":\"1\""), std::string::npos) << sent->params;
    status = pve.run(handle.async_status());
    ASSERT_TRUE(status);
    EXPECT_EQ(status->status, "stopped");
}

TEST_F(QemuHandleLifecycle, RunningStateErrorsSurface) {
    blocking_client pve(token_options());
    auto stopped = vm(pve, "stopped");
    auto reboot = pve.run(stopped.async_reboot());
    ASSERT_FALSE(reboot);
    EXPECT_EQ(reboot.error().http_status, 500u);
    EXPECT_NE(reboot.error().message.find("VM " + std::to_string(stopped.vmid()) + " not running"),
              std::string::npos);

    // a second start is accepted and fails in its task
    auto running = vm(pve, "running");
    auto start = pve.run(running.async_start());
    ASSERT_TRUE(start) << start.error().to_string();
    auto done = wait(pve, start);
    ASSERT_FALSE(done);
    EXPECT_EQ(done.error().code, errc::task_failed);
    EXPECT_EQ(done.error().exit_status, "VM " + std::to_string(running.vmid()) + " already running");

    auto destroy = pve.run(running.async_delete());
    ASSERT_FALSE(destroy);
    EXPECT_NE(destroy.error().message.find("is running - destroy failed"), std::string::npos);
}

TEST_F(QemuHandleLifecycle, SuspendToDiskLocksUntilResume) {
    blocking_client pve(token_options());
    auto handle = vm(pve, "running");
    auto task = pve.run(handle.async_suspend({.to_disk = true}));
    ASSERT_TRUE(task) << task.error().to_string();
    EXPECT_EQ(task->id().type, "qmsuspend");
    ASSERT_TRUE(wait(pve, task));
    auto status = pve.run(handle.async_status());
    ASSERT_TRUE(status);
    EXPECT_EQ(status->status, "stopped");
    EXPECT_EQ(status->lock, "suspended");
    ASSERT_TRUE(wait(pve, pve.run(handle.async_resume())));
    status = pve.run(handle.async_status());
    ASSERT_TRUE(status);
    EXPECT_TRUE(status->running());
    EXPECT_TRUE(status->lock.empty());
}

TEST_F(QemuHandleLifecycle, CloneIsLockedUntilItsTaskEnds) {
    blocking_client pve(token_options());
    auto source = vm(pve, "stopped");
    qemu_clone_options o;
    o.name = "clone-under-test";
    o.full = true;
    auto cloned = pve.run(source.async_clone(o));
    ASSERT_TRUE(cloned) << cloned.error().to_string();
    EXPECT_EQ(count("GET", "/cluster/nextid"), 1u);
    EXPECT_EQ(cloned->task.id().type, "qmclone");
    EXPECT_GE(cloned->vmid, 100u);

    auto copy = pve.async().node(source.node()).qemu(cloned->vmid);
    qemu_config_update u;
    u.set("cores", "2");
    auto locked = pve.run(copy.async_update_config(u));
    ASSERT_FALSE(locked);
    EXPECT_NE(locked.error().message.find("VM is locked (clone)"), std::string::npos)
        << locked.error().to_string();

    ASSERT_TRUE(wait(pve, cloned->task));
    ASSERT_TRUE(pve.run(copy.async_update_config(u)));
    auto listed = find(pve, cloned->vmid);
    ASSERT_TRUE(listed);
    EXPECT_EQ(listed->name, "clone-under-test");
    EXPECT_EQ(listed->maxcpu, 2u);

    qemu_clone_options taken;
    taken.newid = cloned->vmid;
    auto duplicate = pve.run(source.async_clone(taken));
    ASSERT_FALSE(duplicate);
    EXPECT_EQ(duplicate.error().code, errc::server_error);
    EXPECT_NE(duplicate.error().message.find("config file already exists"), std::string::npos);
}

TEST_F(QemuHandleLifecycle, TemplateThenDelete) {
    blocking_client pve(token_options());
    auto source = vm(pve, "stopped");
    qemu_clone_options o;
    o.newid = 777;
    auto cloned = pve.run(source.async_clone(o));
    ASSERT_TRUE(cloned) << cloned.error().to_string();
    EXPECT_EQ(cloned->vmid, 777u);
    EXPECT_EQ(count("GET", "/cluster/nextid"), 0u);
    ASSERT_TRUE(wait(pve, cloned->task));

    auto copy = pve.async().node(source.node()).qemu(777);
    ASSERT_TRUE(wait(pve, pve.run(copy.async_convert_to_template())));
    auto config = pve.run(copy.async_config());
    ASSERT_TRUE(config);
    EXPECT_TRUE(config->is_template());
    auto again = pve.run(copy.async_convert_to_template());
    ASSERT_FALSE(again);
    EXPECT_NE(again.error().message.find("can't convert a template to a template"), std::string::npos);

    auto deleted = pve.run(copy.async_delete({.purge = true, .destroy_unreferenced_disks = true}));
    ASSERT_TRUE(deleted) << deleted.error().to_string();
    ASSERT_TRUE(wait(pve, deleted));
    EXPECT_FALSE(find(pve, 777));
    auto log = server().request_log();
    auto it = std::find_if(log.begin(), log.end(), [](const auto& e) { return e.method == "DELETE"; });
    ASSERT_NE(it, log.end());
    EXPECT_NE(it->params.find("destroy-unreferenced-disks"), std::string::npos) << it->params;
}

TEST_F(QemuHandleLifecycle, MigrateMovesTheVm) {
    blocking_client pve(token_options());
    auto running = vm(pve, "running");
    qemu_migrate_options offline;
    offline.target = running.node() == "pve" ? "pve2" : "pve";
    auto refused = pve.run(running.async_migrate(offline));
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("can't migrate running VM without --online"), std::string::npos)
        << refused.error().to_string();

    qemu_migrate_options live = offline;
    live.online = true;
    live.with_local_disks = true;
    auto task = pve.run(running.async_migrate(live));
    ASSERT_TRUE(task) << task.error().to_string();
    EXPECT_EQ(task->id().type, "qmigrate");
    auto done = wait(pve, task);
    ASSERT_TRUE(done) << done.error().to_string();
    auto listed = find(pve, running.vmid());
    ASSERT_TRUE(listed);
    EXPECT_EQ(listed->node, live.target);
    EXPECT_EQ(listed->status, "running");
}

TEST_F(QemuHandleLifecycle, ResizeGrowsAndRefusesToShrink) {
    blocking_client pve(token_options());
    auto handle = vm(pve, "stopped");
    auto before = pve.run(handle.async_config());
    ASSERT_TRUE(before);
    const auto size_before = before->disks().value().at("scsi0").size.value_or("");
    ASSERT_TRUE(size_before.ends_with("G")) << size_before;
    const auto gib = std::stoi(size_before);

    auto grown = pve.run(handle.async_resize_disk("scsi0", "+2G"));
    ASSERT_TRUE(grown) << grown.error().to_string();
    EXPECT_EQ(grown->id().type, "resize");
    ASSERT_TRUE(wait(pve, grown));
    auto after = pve.run(handle.async_config());
    ASSERT_TRUE(after);
    EXPECT_EQ(after->disks().value().at("scsi0").size, std::to_string(gib + 2) + "G");

    auto shrink = wait(pve, pve.run(handle.async_resize_disk("scsi0", "1G")));
    ASSERT_FALSE(shrink);
    EXPECT_EQ(shrink.error().code, errc::task_failed);
    EXPECT_EQ(shrink.error().exit_status, "shrinking disks is not supported");
}

TEST_F(QemuHandleLifecycle, RrdSamplesAreTyped) {
    blocking_client pve(token_options());
    auto running = pve.run(vm(pve, "running").async_rrd(rrd_timeframe::hour));
    ASSERT_TRUE(running) << running.error().to_string();
    ASSERT_GT(running->size(), 10u);
    EXPECT_LT(running->front().time, running->back().time);
    EXPECT_TRUE(running->back().cpu.has_value());
    EXPECT_TRUE(running->back().maxmem.has_value());
    EXPECT_TRUE(running->back().netin.has_value());

    auto stopped = pve.run(vm(pve, "stopped").async_rrd(rrd_timeframe::day, rrd_cf::max));
    ASSERT_TRUE(stopped) << stopped.error().to_string();
    ASSERT_FALSE(stopped->empty());
    EXPECT_FALSE(stopped->back().cpu.has_value()); // a stopped VM reports only its limits
    EXPECT_TRUE(stopped->back().maxmem.has_value());
    auto log = server().request_log();
    ASSERT_TRUE(log.back().path.ends_with("/rrddata"));
    EXPECT_NE(log.back().params.find("MAX"), std::string::npos) << log.back().params;
}

} // namespace
