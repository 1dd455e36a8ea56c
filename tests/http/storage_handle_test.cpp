// Storage reads and volume deletion against the simulator.

#include "sdk_sim_fixture.hpp"

#include <proxmox/client.hpp>

#include <algorithm>

using namespace proxmox;
using namespace std::chrono_literals;

namespace {

class StorageHandle : public proxmox::testing::sdk_sim_fixture {
protected:
    static const storage_usage* find(const std::vector<storage_usage>& list, std::string_view name) {
        auto it = std::find_if(list.begin(), list.end(), [&](const auto& s) { return s.storage == name; });
        return it == list.end() ? nullptr : &*it;
    }
};

TEST_F(StorageHandle, NodeStoragesAreTyped) {
    blocking_client pve(token_options());
    auto all = pve.run(pve.async().node("pve").async_storages());
    ASSERT_TRUE(all) << all.error().to_string();
    ASSERT_EQ(all->size(), 2u);
    const auto* local = find(*all, "local");
    ASSERT_NE(local, nullptr);
    EXPECT_EQ(local->type, "dir");
    EXPECT_EQ(local->content, (std::vector<std::string>{"backup", "iso", "vztmpl"}));
    EXPECT_TRUE(local->holds("backup"));
    EXPECT_TRUE(local->active);
    EXPECT_TRUE(local->enabled);
    EXPECT_FALSE(local->shared);
    EXPECT_GT(local->total, local->used);
    EXPECT_EQ(local->total, local->used + local->avail);
    const auto* lvm = find(*all, "local-lvm");
    ASSERT_NE(lvm, nullptr);
    EXPECT_EQ(lvm->type, "lvmthin");
    EXPECT_TRUE(lvm->holds("rootdir"));

    auto for_backups =
        pve.run(pve.async().node("pve").async_storages({.content = "backup", .enabled_only = true}));
    ASSERT_TRUE(for_backups);
    ASSERT_EQ(for_backups->size(), 1u);
    EXPECT_EQ(for_backups->front().storage, "local");
    auto one = pve.run(pve.async().node("pve").async_storages({.storage = "local-lvm"}));
    ASSERT_TRUE(one);
    ASSERT_EQ(one->size(), 1u);
    EXPECT_EQ(one->front().storage, "local-lvm");
}

TEST_F(StorageHandle, StatusNamesTheStorageAndMatchesTheList) {
    blocking_client pve(token_options());
    auto status = pve.run(pve.async().node("pve").storage("local-lvm").async_status());
    ASSERT_TRUE(status) << status.error().to_string();
    EXPECT_EQ(status->storage, "local-lvm");
    EXPECT_EQ(status->type, "lvmthin");
    auto listed = pve.run(pve.async().node("pve").async_storages({.storage = "local-lvm"}));
    ASSERT_TRUE(listed);
    EXPECT_EQ(status->total, listed->front().total);
    EXPECT_EQ(status->used, listed->front().used);

    auto unknown = pve.run(pve.async().node("pve").storage("nope").async_status());
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, errc::invalid_parameter);
    EXPECT_EQ(unknown.error().field_errors["storage"], "No such storage.");
}

TEST_F(StorageHandle, ContentIsTypedAndFiltered) {
    blocking_client pve(token_options());
    auto local = pve.run(pve.async().node("pve").storage("local").async_content());
    ASSERT_TRUE(local) << local.error().to_string();
    auto tmpl =
        std::find_if(local->begin(), local->end(), [](const auto& v) { return v.content == "vztmpl"; });
    ASSERT_NE(tmpl, local->end());
    EXPECT_EQ(tmpl->volid, "local:vztmpl/debian-13-standard_13.1-2_amd64.tar.zst");
    EXPECT_EQ(tmpl->format, "tzst");
    EXPECT_GT(tmpl->size, 0u);
    EXPECT_GT(tmpl->ctime, 0);
    EXPECT_FALSE(tmpl->vmid.has_value());

    auto isos =
        pve.run(pve.async().node("pve").storage("local").async_content({.content = "iso", .vmid = 0}));
    ASSERT_TRUE(isos);
    ASSERT_FALSE(isos->empty());
    for (const auto& v : *isos)
        EXPECT_EQ(v.content, "iso");

    auto disks =
        pve.run(pve.async().node("pve").storage("local-lvm").async_content({.content = {}, .vmid = 100}));
    ASSERT_TRUE(disks);
    ASSERT_EQ(disks->size(), 1u);
    EXPECT_EQ(disks->front().volid, "local-lvm:vm-100-disk-0");
    EXPECT_EQ(disks->front().vmid, 100u);
    EXPECT_EQ(disks->front().content, "images");

    auto missing = pve.run(pve.async().node("pve").storage("nope").async_content());
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().message, "storage 'nope' does not exist");
}

TEST_F(StorageHandle, DeletingAVolumeIsATaskThatFreesSpace) {
    blocking_client pve(token_options());
    const auto local = pve.async().node("pve").storage("local");
    auto before = pve.run(local.async_status());
    ASSERT_TRUE(before);
    auto isos = pve.run(local.async_content({.content = "iso", .vmid = 0}));
    ASSERT_TRUE(isos);
    ASSERT_FALSE(isos->empty());
    const auto iso = isos->front();

    auto task = pve.run(local.async_delete_volume(iso.volid));
    ASSERT_TRUE(task) << task.error().to_string();
    EXPECT_EQ(task->id().type, "imgdel");
    ASSERT_TRUE(pve.run(task->async_wait({.timeout = 10s, .initial_interval = 10ms})));
    auto after = pve.run(local.async_status());
    ASSERT_TRUE(after);
    EXPECT_EQ(after->used + iso.size, before->used);
    auto left = pve.run(local.async_content({.content = "iso", .vmid = 0}));
    ASSERT_TRUE(left);
    EXPECT_EQ(std::count_if(left->begin(), left->end(), [&](const auto& v) { return v.volid == iso.volid; }),
              0);
}

TEST_F(StorageHandle, DiskOfARunningVmCannotBeDeleted) {
    blocking_client pve(token_options());
    auto task =
        pve.run(pve.async().node("pve").storage("local-lvm").async_delete_volume("local-lvm:vm-100-disk-0"));
    ASSERT_TRUE(task) << task.error().to_string();
    auto done = pve.run(task->async_wait({.timeout = 10s, .initial_interval = 10ms}));
    ASSERT_FALSE(done);
    EXPECT_EQ(done.error().code, errc::task_failed);
    EXPECT_NE(done.error().exit_status.find("Logical volume pve/vm-100-disk-0 in use."), std::string::npos)
        << done.error().exit_status;
}

TEST_F(StorageHandle, BadInputFailsBeforeAnyRequest) {
    blocking_client pve(token_options());
    const auto invalid = [](const auto& r) { return !r && r.error().code == errc::invalid_argument; };
    EXPECT_TRUE(invalid(pve.run(pve.async().node("").async_storages())));
    EXPECT_TRUE(invalid(pve.run(pve.async().node("pve").storage("").async_status())));
    EXPECT_TRUE(
        invalid(pve.run(pve.async().node("pve").storage("local").async_content({.content = {}, .vmid = 3}))));
    EXPECT_TRUE(invalid(pve.run(pve.async().node("pve").storage("local").async_delete_volume(""))));
    auto elsewhere =
        pve.run(pve.async().node("pve").storage("local").async_delete_volume("local-lvm:vm-100-disk-0"));
    ASSERT_TRUE(invalid(elsewhere));
    EXPECT_NE(elsewhere.error().message.find("not on storage 'local'"), std::string::npos);
    for (const auto& e : server().request_log())
        EXPECT_NE(e.method, "DELETE") << e.path;
}

} // namespace

namespace {

TEST_F(StorageHandle, DatacenterStoragesWithUsagePerNode) {
    blocking_client pve(token_options());
    auto plain = pve.run(pve.async().async_storages());
    ASSERT_TRUE(plain) << plain.error().to_string();
    EXPECT_EQ(count("GET", "/cluster/resources"), 0u); // usage only when asked for
    auto local =
        std::find_if(plain->begin(), plain->end(), [](const auto& s) { return s.storage == "local"; });
    ASSERT_NE(local, plain->end());
    EXPECT_EQ(local->type, "dir");
    EXPECT_TRUE(local->holds("iso"));
    EXPECT_FALSE(local->holds("images"));
    EXPECT_FALSE(local->shared);
    EXPECT_EQ(local->path, "/var/lib/vz");
    EXPECT_TRUE(local->available_on("pve2"));
    EXPECT_TRUE(local->usage.empty());

    auto with_usage = pve.run(pve.async().async_storages({.with_usage = true}));
    ASSERT_TRUE(with_usage) << with_usage.error().to_string();
    auto lvm = std::find_if(with_usage->begin(), with_usage->end(),
                            [](const auto& s) { return s.storage == "local-lvm"; });
    ASSERT_NE(lvm, with_usage->end());
    EXPECT_EQ(lvm->usage.size(), 3u); // one per node of the simulated cluster
    ASSERT_EQ(lvm->usage.count("pve"), 1u);
    const auto& on_pve = lvm->usage.at("pve");
    EXPECT_GT(on_pve.total, 0u);
    EXPECT_EQ(on_pve.avail, on_pve.total - on_pve.used);
    EXPECT_TRUE(on_pve.holds("images"));
    // the same figures the node's own storage list reports
    auto node_view = pve.run(pve.async().node("pve").async_storages(
        {.content = {}, .enabled_only = false, .storage = "local-lvm"}));
    ASSERT_TRUE(node_view);
    ASSERT_EQ(node_view->size(), 1u);
    EXPECT_EQ(node_view->front().total, on_pve.total);
    EXPECT_EQ(node_view->front().used, on_pve.used);

    auto thin = pve.run(pve.async().async_storages({.type = "lvmthin"}));
    ASSERT_TRUE(thin);
    ASSERT_FALSE(thin->empty());
    for (const auto& s : *thin)
        EXPECT_EQ(s.type, "lvmthin") << s.storage;

    const auto before = server().request_log().size();
    auto bad = pve.run(pve.async().async_storages({.type = "dir&x=1"}));
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, errc::invalid_argument);
    EXPECT_EQ(server().request_log().size(), before);
}

} // namespace
