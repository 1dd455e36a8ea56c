// Snapshots (VMs and containers), vzdump backups and restores against the simulator.

#include "sdk_sim_fixture.hpp"

#include <proxmox/client.hpp>

#include <algorithm>

using namespace proxmox;
using namespace std::chrono_literals;

namespace {

result<task_status> wait(blocking_client& pve, const task_handle& task) {
    return pve.run(task.async_wait({.timeout = 20s, .initial_interval = 10ms}));
}

std::vector<std::string> names(const std::vector<snapshot_info>& list) {
    std::vector<std::string> out;
    for (const auto& s : list)
        out.push_back(s.name);
    return out;
}

class Snapshots : public proxmox::testing::sdk_sim_fixture {};
class Backups : public proxmox::testing::sdk_sim_fixture {
protected:
    void tune(sim::options& o) override {
        if (test_is("GuestIsLockedWhileItsBackupRuns"))
            o.task_seconds = 0.6; // the backup still runs while the test looks at the lock
    }
};

TEST_F(Snapshots, RollbackStartsAndDeleteForcesWhenAsked) {
    blocking_client pve(token_options());
    const auto g = vm_in(pve, "stopped");
    const auto vm = pve.async().node(g.node).qemu(g.vmid);
    ASSERT_TRUE(wait(pve, pve.run(vm.snapshots().async_create("base")).value()));
    auto rollback = pve.run(vm.snapshots().async_rollback("base", {.start = true}));
    ASSERT_TRUE(rollback) << rollback.error().to_string();
    ASSERT_TRUE(wait(pve, *rollback));
    auto status = pve.run(vm.async_status());
    ASSERT_TRUE(status);
    EXPECT_EQ(status->status, "running");

    auto removal = pve.run(vm.snapshots().async_delete("base", {.force = true}));
    ASSERT_TRUE(removal) << removal.error().to_string();
    ASSERT_TRUE(wait(pve, *removal));
    const auto path = "/nodes/" + g.node + "/qemu/" + std::to_string(g.vmid) + "/snapshot/base";
    auto log = server().request_log();
    auto sent = std::find_if(log.rbegin(), log.rend(),
                             [&](const auto& e) { return e.method == "DELETE" && e.path == path; });
    ASSERT_NE(sent, log.rend());
    EXPECT_NE(sent->params.find(R"("force":"1")"), std::string::npos) << sent->params;
}

TEST_F(Snapshots, VmCreateListDescribeRollbackDelete) {
    blocking_client pve(token_options());
    const auto snaps = pve.async().node("pve").qemu(106).snapshots();
    for (const char* name : {"s1", "s2"}) {
        auto task = pve.run(snaps.async_create(name, {.description = std::string("before ") + name}));
        ASSERT_TRUE(task) << task.error().to_string();
        EXPECT_EQ(task->id().type, "qmsnapshot");
        ASSERT_TRUE(wait(pve, *task));
    }
    auto list = pve.run(snaps.async_list());
    ASSERT_TRUE(list) << list.error().to_string();
    ASSERT_EQ(names(*list), (std::vector<std::string>{"s1", "s2", "current"}));
    EXPECT_EQ((*list)[0].description, "before s1");
    EXPECT_TRUE((*list)[0].snaptime.has_value());
    EXPECT_EQ((*list)[1].parent, "s1");
    EXPECT_TRUE((*list)[2].is_current);
    EXPECT_EQ((*list)[2].parent, "s2");
    EXPECT_FALSE((*list)[2].snaptime.has_value());

    ASSERT_TRUE(pve.run(snaps.async_update_description("s1", "golden image")));
    auto rollback = pve.run(snaps.async_rollback("s1"));
    ASSERT_TRUE(rollback) << rollback.error().to_string();
    EXPECT_EQ(rollback->id().type, "qmrollback");
    ASSERT_TRUE(wait(pve, *rollback));
    auto removal = pve.run(snaps.async_delete("s2"));
    ASSERT_TRUE(removal);
    ASSERT_TRUE(wait(pve, *removal));

    list = pve.run(snaps.async_list());
    ASSERT_TRUE(list);
    ASSERT_EQ(names(*list), (std::vector<std::string>{"s1", "current"}));
    EXPECT_EQ((*list)[0].description, "golden image");
    EXPECT_EQ((*list)[1].parent, "s1");
}

TEST_F(Snapshots, VmstateRollbackLeavesTheVmRunning) {
    blocking_client pve(token_options());
    const auto vm = pve.async().node("pve").qemu(100);
    auto task = pve.run(vm.snapshots().async_create("live", {.vmstate = true}));
    ASSERT_TRUE(task) << task.error().to_string();
    ASSERT_TRUE(wait(pve, *task));
    auto list = pve.run(vm.snapshots().async_list());
    ASSERT_TRUE(list);
    ASSERT_EQ(list->front().name, "live");
    EXPECT_TRUE(list->front().vmstate);

    auto stop = pve.run(vm.async_stop());
    ASSERT_TRUE(stop);
    ASSERT_TRUE(wait(pve, *stop));
    auto rollback = pve.run(vm.snapshots().async_rollback("live"));
    ASSERT_TRUE(rollback);
    ASSERT_TRUE(wait(pve, *rollback));
    auto status = pve.run(pve.async().async_request(http_method::get, "/nodes/pve/qemu/100/status/current"));
    ASSERT_TRUE(status);
    EXPECT_EQ(status->data.at("status").as_string(), "running");
}

TEST_F(Snapshots, ContainerRotationKeepsTheNewestTwo) {
    blocking_client pve(token_options());
    const auto snaps = pve.async().node("pve").lxc(202).snapshots();
    for (int i = 1; i <= 4; ++i) {
        auto task = pve.run(snaps.async_create("auto-" + std::to_string(i)));
        ASSERT_TRUE(task) << task.error().to_string();
        EXPECT_EQ(task->id().type, "vzsnapshot");
        ASSERT_TRUE(wait(pve, *task));
    }
    // rotation: keep the newest two snapshots with our prefix
    auto list = pve.run(snaps.async_list());
    ASSERT_TRUE(list);
    std::vector<snapshot_info> ours;
    std::copy_if(list->begin(), list->end(), std::back_inserter(ours),
                 [](const snapshot_info& s) { return !s.is_current && s.name.starts_with("auto-"); });
    std::stable_sort(ours.begin(), ours.end(), [](const auto& a, const auto& b) {
        return a.snaptime.value_or(0) < b.snaptime.value_or(0);
    });
    ASSERT_EQ(ours.size(), 4u);
    for (std::size_t i = 0; i + 2 < ours.size(); ++i) {
        auto removal = pve.run(snaps.async_delete(ours[i].name));
        ASSERT_TRUE(removal) << removal.error().to_string();
        ASSERT_TRUE(wait(pve, *removal));
    }
    list = pve.run(snaps.async_list());
    ASSERT_TRUE(list);
    EXPECT_EQ(names(*list), (std::vector<std::string>{"auto-3", "auto-4", "current"}));
    EXPECT_EQ(list->back().parent, "auto-4");
}

TEST_F(Snapshots, DuplicatesAndMissingOnesFailWithPveText) {
    blocking_client pve(token_options());
    const auto snaps = pve.async().node("pve").lxc(202).snapshots();
    auto first = pve.run(snaps.async_create("s1"));
    ASSERT_TRUE(first);
    ASSERT_TRUE(wait(pve, *first));
    const auto failure_text = [&](result<task_handle> started) -> std::string {
        if (!started)
            return started.error().message;
        auto done = wait(pve, *started);
        return done ? std::string("succeeded") : done.error().exit_status + " " + done.error().message;
    };
    EXPECT_NE(failure_text(pve.run(snaps.async_create("s1"))).find("snapshot name 's1' already used"),
              std::string::npos);
    EXPECT_NE(failure_text(pve.run(snaps.async_rollback("nope"))).find("snapshot 'nope' does not exist"),
              std::string::npos);
}

TEST_F(Snapshots, NamesAreCheckedBeforeSending) {
    blocking_client pve(token_options());
    const auto vm = pve.async().node("pve").qemu(106).snapshots();
    const auto ct = pve.async().node("pve").lxc(202).snapshots();
    for (const std::string& bad :
         std::vector<std::string>{"", "1st", "has space", "dot.name", "current", std::string(41, 'a')}) {
        auto r = pve.run(vm.async_create(bad));
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.error().code, errc::invalid_argument) << bad;
    }
    EXPECT_TRUE(check_snapshot_name(std::string("a") + std::string(39, '-')));
    auto vmstate = pve.run(ct.async_create("ok", {.vmstate = true}));
    ASSERT_FALSE(vmstate);
    EXPECT_NE(vmstate.error().message.find("vmstate"), std::string::npos);
    auto bad_delete = pve.run(ct.async_delete("x y"));
    ASSERT_FALSE(bad_delete);
    EXPECT_EQ(bad_delete.error().code, errc::invalid_argument);
    EXPECT_EQ(count("POST", "/nodes/pve/qemu/106/snapshot"), 0u);
    EXPECT_EQ(count("POST", "/nodes/pve/lxc/202/snapshot"), 0u);
}

TEST_F(Backups, BackupListRestoreAndDeleteAVm) {
    blocking_client pve(token_options());
    const auto node = pve.async().node("pve");
    auto task = pve.run(node.async_backup({.vmids = {106},
                                           .storage = "local",
                                           .mode = backup_mode::stop,
                                           .notes_template = "{{guestname}} nightly"}));
    ASSERT_TRUE(task) << task.error().to_string();
    EXPECT_EQ(task->id().type, "vzdump");
    ASSERT_TRUE(wait(pve, *task));

    auto backups = pve.run(node.storage("local").async_backups(106));
    ASSERT_TRUE(backups) << backups.error().to_string();
    ASSERT_EQ(backups->size(), 1u);
    const auto& archive = backups->front();
    EXPECT_TRUE(archive.volid.starts_with("local:backup/vzdump-qemu-106-")) << archive.volid;
    EXPECT_EQ(archive.format, "vma.zst");
    EXPECT_EQ(archive.subtype, "qemu");
    EXPECT_EQ(archive.vmid, 106u);
    EXPECT_EQ(archive.notes, "mail01 nightly");
    EXPECT_GT(archive.size, 0u);

    auto restore = pve.run(node.async_restore_qemu({.archive = archive.volid, .vmid = 150, .unique = true}));
    ASSERT_TRUE(restore) << restore.error().to_string();
    EXPECT_EQ(restore->id().type, "qmrestore");
    ASSERT_TRUE(wait(pve, *restore));
    auto config = pve.run(pve.async().async_request(http_method::get, "/nodes/pve/qemu/150/config"));
    ASSERT_TRUE(config) << config.error().to_string();
    EXPECT_EQ(config->data.at("name").as_string(), "mail01");

    auto existing = pve.run(node.async_restore_qemu({.archive = archive.volid, .vmid = 106}));
    if (existing) {
        auto done = wait(pve, *existing);
        EXPECT_FALSE(done) << "restoring over VM 106 without force must fail";
    }
    auto forced = pve.run(node.async_restore_qemu({.archive = archive.volid, .vmid = 106, .force = true}));
    ASSERT_TRUE(forced) << forced.error().to_string();
    ASSERT_TRUE(wait(pve, *forced));

    auto removal = pve.run(node.storage("local").async_delete_volume(archive.volid));
    ASSERT_TRUE(removal) << removal.error().to_string();
    EXPECT_EQ(removal->id().type, "imgdel");
    ASSERT_TRUE(wait(pve, *removal));
    backups = pve.run(node.storage("local").async_backups(106));
    ASSERT_TRUE(backups);
    EXPECT_TRUE(backups->empty());
}

TEST_F(Backups, ContainerRestoredFromArchiveKeepsItsConfig) {
    blocking_client pve(token_options());
    const auto node = pve.async().node("pve");
    auto task = pve.run(node.async_backup({.vmids = {202}, .storage = "local"}));
    ASSERT_TRUE(task) << task.error().to_string();
    ASSERT_TRUE(wait(pve, *task));
    auto backups = pve.run(node.storage("local").async_backups(202));
    ASSERT_TRUE(backups);
    ASSERT_EQ(backups->size(), 1u);
    EXPECT_EQ(backups->front().subtype, "lxc");

    auto restore = pve.run(node.async_restore_lxc(
        {.archive = backups->front().volid, .vmid = 250, .storage = "local-lvm", .unique = true}));
    ASSERT_TRUE(restore) << restore.error().to_string();
    EXPECT_EQ(restore->id().type, "vzrestore");
    ASSERT_TRUE(wait(pve, *restore));
    auto config = pve.run(node.lxc(250).async_config());
    ASSERT_TRUE(config) << config.error().to_string();
    EXPECT_EQ(config->hostname, "ct-ntp01");
    auto nets = config->nets();
    ASSERT_TRUE(nets);
    auto original = pve.run(node.lxc(202).async_config());
    ASSERT_TRUE(original);
    EXPECT_NE(nets->at(0).hwaddr, original->nets()->at(0).hwaddr); // unique: new MAC
}

TEST_F(Backups, GuestIsLockedWhileItsBackupRuns) {
    blocking_client pve(token_options());
    const auto node = pve.async().node("pve");
    auto task =
        pve.run(node.async_backup({.vmids = {202}, .storage = "local", .mode = backup_mode::suspend}));
    ASSERT_TRUE(task) << task.error().to_string();
    auto status = pve.run(node.lxc(202).async_status());
    ASSERT_TRUE(status);
    EXPECT_EQ(status->lock, "backup");

    auto snapshot = pve.run(node.lxc(202).snapshots().async_create("during"));
    std::string text;
    if (!snapshot) {
        text = snapshot.error().message;
    } else {
        auto done = wait(pve, *snapshot);
        ASSERT_FALSE(done) << "a snapshot during the backup must fail";
        text = done.error().exit_status;
    }
    EXPECT_NE(text.find("locked (backup)"), std::string::npos) << text;
    ASSERT_TRUE(wait(pve, *task));
    auto after = pve.run(node.lxc(202).async_status());
    ASSERT_TRUE(after);
    EXPECT_TRUE(after->lock.empty());
}

TEST_F(Backups, FailuresComeFromPve) {
    blocking_client pve(token_options());
    const auto node = pve.async().node("pve");
    auto task = pve.run(node.async_backup({.vmids = {4242}, .storage = "local"}));
    ASSERT_TRUE(task) << task.error().to_string();
    auto done = wait(pve, *task);
    ASSERT_FALSE(done);
    EXPECT_EQ(done.error().code, errc::task_failed);
    EXPECT_EQ(done.error().exit_status, "job errors");
    EXPECT_NE(done.error().log_tail.find("unable to find VM '4242'"), std::string::npos)
        << done.error().log_tail;

    // overriding retention is root@pam's (the token is not root@pam itself)
    auto prune = pve.run(node.async_backup({.vmids = {106}, .storage = "local", .keep_last = 1}));
    ASSERT_FALSE(prune);
    EXPECT_EQ(prune.error().code, errc::invalid_parameter);
    EXPECT_EQ(prune.error().field_errors["prune-backups"], "Only root may set this option.");
}

TEST_F(Backups, BadOptionsFailBeforeSending) {
    blocking_client pve(token_options());
    const auto node = pve.async().node("pve");
    const auto invalid = [](const auto& r) { return !r && r.error().code == errc::invalid_argument; };
    EXPECT_TRUE(invalid(pve.run(node.async_backup({}))));
    EXPECT_TRUE(invalid(pve.run(node.async_backup({.vmids = {7}}))));
    EXPECT_TRUE(invalid(pve.run(node.async_backup({.vmids = {106}, .compress = "bzip2"}))));
    EXPECT_TRUE(invalid(pve.run(node.async_backup({.vmids = {106}, .notes_template = "a\nb"}))));
    EXPECT_TRUE(invalid(pve.run(node.async_backup({.vmids = {106}, .keep_last = 0}))));
    EXPECT_TRUE(invalid(pve.run(node.async_restore_qemu({.archive = "", .vmid = 150}))));
    EXPECT_TRUE(invalid(pve.run(node.async_restore_lxc({.archive = "local:backup/x.tar.zst", .vmid = 1}))));
    EXPECT_EQ(count("POST", "/nodes/pve/vzdump"), 0u);
    EXPECT_EQ(count("POST", "/nodes/pve/qemu"), 0u);
    EXPECT_EQ(count("POST", "/nodes/pve/lxc"), 0u);
}

} // namespace
