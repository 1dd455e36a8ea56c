// lxc_handle against the simulator: create, config round trips, power, migrate, clone, template.

#include "sdk_sim_fixture.hpp"

#include <proxmox/client.hpp>

#include <functional>

using namespace proxmox;
using namespace std::chrono_literals;

namespace {

class LxcHandle : public proxmox::testing::sdk_sim_fixture {
protected:
    static result<task_status> wait(blocking_client& pve, const task_handle& task) {
        return pve.run(task.async_wait({.timeout = 20s, .initial_interval = 10ms}));
    }

    /// A stopped container on pve, created from the node's template.
    vmid_t create_stopped(blocking_client& pve, std::string hostname) {
        lxc_create_options o;
        o.ostemplate = "local:vztmpl/debian-13-standard_13.1-2_amd64.tar.zst";
        o.hostname = std::move(hostname);
        o.password = "secret-pw";
        o.nets[0] = lxc_nic{.ip = "dhcp"};
        auto created = pve.run(pve.async().node("pve").async_create_lxc(o));
        EXPECT_TRUE(created) << created.error().to_string();
        if (!created)
            return 0;
        auto done = wait(pve, created->task);
        EXPECT_TRUE(done) << done.error().to_string();
        return created->vmid;
    }
};

TEST_F(LxcHandle, CreateWithNextIdGivesTypedConfig) {
    blocking_client pve(token_options());
    lxc_create_options o;
    o.ostemplate = "local:vztmpl/debian-13-standard_13.1-2_amd64.tar.zst";
    o.hostname = "ct-test";
    o.password = "secret-pw";
    o.rootfs_gib = 6;
    o.cores = 2;
    o.memory = 1024;
    o.nets[0] = lxc_nic{.ip = "dhcp", .firewall = true};
    auto created = pve.run(pve.async().node("pve").async_create_lxc(o));
    ASSERT_TRUE(created) << created.error().to_string();
    EXPECT_EQ(created->task.id().type, "vzcreate");
    EXPECT_GE(created->vmid, 100u);
    EXPECT_EQ(created->task.id().id, std::to_string(created->vmid));
    EXPECT_EQ(count("GET", "/cluster/nextid"), 1u);
    ASSERT_TRUE(wait(pve, created->task));

    auto config = pve.run(pve.async().node("pve").lxc(created->vmid).async_config());
    ASSERT_TRUE(config) << config.error().to_string();
    EXPECT_EQ(config->hostname, "ct-test");
    EXPECT_EQ(config->cores, 2u);
    EXPECT_EQ(config->memory, 1024u);
    EXPECT_EQ(config->swap, 512u); // PVE's default
    EXPECT_TRUE(config->unprivileged);
    EXPECT_FALSE(config->digest.empty());
    auto rootfs = config->rootfs();
    ASSERT_TRUE(rootfs) << rootfs.error().message;
    EXPECT_EQ(rootfs->volume, "local-lvm:vm-" + std::to_string(created->vmid) + "-disk-0");
    EXPECT_EQ(rootfs->size, "6G");
    auto nets = config->nets();
    ASSERT_TRUE(nets) << nets.error().message;
    ASSERT_EQ(nets->count(0), 1u);
    EXPECT_EQ(nets->at(0).bridge, "vmbr0");
    EXPECT_EQ(nets->at(0).ip, "dhcp");
    EXPECT_EQ(nets->at(0).firewall, true);
    EXPECT_FALSE(nets->at(0).hwaddr.empty()); // PVE generated one
    const auto sent = last_params("POST", "/nodes/pve/lxc");
    EXPECT_NE(sent.find("\"password\":\"*****\""), std::string::npos) << sent; // sent, logged redacted
    EXPECT_NE(sent.find("\"rootfs\":\"local-lvm:6\""), std::string::npos) << sent;
}

TEST_F(LxcHandle, UpdateHonoursDigestAndDeletes) {
    blocking_client pve(token_options());
    const auto ct = pve.async().node("pve").lxc(202);
    auto before = pve.run(ct.async_config());
    ASSERT_TRUE(before) << before.error().to_string();

    lxc_config_update change;
    change.set("cores", "3").set("description", "managed by libproxmox");
    change.set_mount_point(0, lxc_volume::new_volume("local-lvm", 2, "/srv"));
    change.digest = before->digest;
    auto updated = pve.run(ct.async_update_config(change));
    ASSERT_TRUE(updated) << updated.error().to_string();

    auto after = pve.run(ct.async_config());
    ASSERT_TRUE(after);
    EXPECT_EQ(after->cores, 3u);
    EXPECT_EQ(after->description, "managed by libproxmox");
    EXPECT_NE(after->digest, before->digest);
    auto mounts = after->mount_points();
    ASSERT_TRUE(mounts) << mounts.error().message;
    ASSERT_EQ(mounts->count(0), 1u);
    EXPECT_EQ(mounts->at(0).mp, "/srv");
    EXPECT_EQ(mounts->at(0).volume, "local-lvm:vm-202-disk-1");

    // the old digest is stale now: PVE refuses with its own text
    lxc_config_update stale;
    stale.set("cores", "4");
    stale.digest = before->digest;
    auto refused = pve.run(ct.async_update_config(stale));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().http_status, 500u);
    EXPECT_NE(refused.error().message.find("detected modified configuration"), std::string::npos)
        << refused.error().to_string();

    lxc_config_update removal;
    removal.remove("description");
    ASSERT_TRUE(pve.run(ct.async_update_config(removal)));
    auto last = pve.run(ct.async_config());
    ASSERT_TRUE(last);
    EXPECT_TRUE(last->description.empty());
    EXPECT_EQ(last->cores, 3u);
}

TEST_F(LxcHandle, PowerActionsAreTasksAndChangeStatus) {
    blocking_client pve(token_options());
    const auto ct = pve.async().node("pve").lxc(202);
    auto again = pve.run(ct.async_start());
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().message, "CT 202 already running") << again.error().to_string();

    auto shutdown = pve.run(ct.async_shutdown({.timeout = std::chrono::seconds(30), .force_stop = true}));
    ASSERT_TRUE(shutdown) << shutdown.error().to_string();
    EXPECT_EQ(shutdown->id().type, "vzshutdown");
    ASSERT_TRUE(wait(pve, *shutdown));
    EXPECT_NE(last_params("POST", "/nodes/pve/lxc/202/status/shutdown").find("\"forceStop\":\"1\""),
              std::string::npos);
    auto stopped = pve.run(ct.async_status());
    ASSERT_TRUE(stopped) << stopped.error().to_string();
    EXPECT_EQ(stopped->status, "stopped");
    EXPECT_EQ(stopped->type, guest_type::lxc);
    EXPECT_EQ(stopped->node, "pve");

    const std::vector<std::function<result<task_handle>()>> steps = {
        [&] { return pve.run(ct.async_start()); }, [&] { return pve.run(ct.async_suspend()); },
        [&] { return pve.run(ct.async_resume()); }, [&] { return pve.run(ct.async_reboot()); }};
    for (const auto& step : steps) {
        auto task = step();
        ASSERT_TRUE(task) << task.error().to_string();
        auto done = wait(pve, *task);
        ASSERT_TRUE(done) << task->upid() << ": " << done.error().to_string();
    }
    auto running = pve.run(ct.async_status());
    ASSERT_TRUE(running);
    EXPECT_EQ(running->status, "running");

    auto stop = pve.run(ct.async_stop());
    ASSERT_TRUE(stop);
    ASSERT_TRUE(wait(pve, *stop));
    EXPECT_EQ(pve.run(ct.async_status())->status, "stopped");
}

TEST_F(LxcHandle, MigratingARunningContainerRestartsIt) {
    blocking_client pve(token_options());
    const auto ct = pve.async().node("pve").lxc(202);
    auto refused =
        pve.run(ct.async_migrate({.target = "pve2", .restart = false, .timeout = {}, .target_storage = {}}));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().message, "can't migrate running container without --online or --restart");

    auto task = pve.run(ct.async_migrate(
        {.target = "pve2", .restart = {}, .timeout = std::chrono::seconds(10), .target_storage = {}}));
    ASSERT_TRUE(task) << task.error().to_string();
    EXPECT_EQ(count("GET", "/nodes/pve/lxc/202/status/current"), 1u);
    EXPECT_NE(last_params("POST", "/nodes/pve/lxc/202/migrate").find("\"restart\":\"1\""), std::string::npos);
    ASSERT_TRUE(wait(pve, *task));
    auto moved = pve.run(pve.async().node("pve2").lxc(202).async_status());
    ASSERT_TRUE(moved) << moved.error().to_string();
    EXPECT_EQ(moved->status, "running");
    auto gone = pve.run(ct.async_status());
    ASSERT_FALSE(gone);
    EXPECT_EQ(gone.error().message, "Configuration file 'nodes/pve/lxc/202.conf' does not exist");
}

TEST_F(LxcHandle, TemplateCloneAndDelete) {
    blocking_client pve(token_options());
    const auto base = create_stopped(pve, "base");
    ASSERT_NE(base, 0u);
    const auto node = pve.async().node("pve");
    auto templ = pve.run(node.lxc(base).async_convert_to_template());
    ASSERT_TRUE(templ) << templ.error().to_string();
    EXPECT_EQ(templ->id().type, "vztemplate");
    EXPECT_EQ(templ->id().id, std::to_string(base));
    ASSERT_TRUE(wait(pve, *templ));
    auto config = pve.run(node.lxc(base).async_config());
    ASSERT_TRUE(config);
    EXPECT_TRUE(config->is_template);

    auto clone = pve.run(node.lxc(base).async_clone({.newid = 0, .hostname = "from-template"}));
    ASSERT_TRUE(clone) << clone.error().to_string();
    EXPECT_NE(clone->vmid, base);
    EXPECT_EQ(clone->task.id().type, "vzclone");
    ASSERT_TRUE(wait(pve, clone->task));
    auto cloned = pve.run(node.lxc(clone->vmid).async_config());
    ASSERT_TRUE(cloned) << cloned.error().to_string();
    EXPECT_EQ(cloned->hostname, "from-template");
    EXPECT_FALSE(cloned->is_template);

    auto removal = pve.run(node.lxc(clone->vmid).async_delete({.purge = true}));
    ASSERT_TRUE(removal) << removal.error().to_string();
    ASSERT_TRUE(wait(pve, *removal));
    auto gone = pve.run(node.lxc(clone->vmid).async_config());
    ASSERT_FALSE(gone);
    EXPECT_NE(gone.error().message.find("does not exist"), std::string::npos) << gone.error().to_string();
}

TEST_F(LxcHandle, BadInputFailsBeforeAnyRequest) {
    blocking_client pve(token_options());
    const auto node = pve.async().node("pve");
    const auto invalid = [](const auto& r) { return !r && r.error().code == errc::invalid_argument; };
    EXPECT_TRUE(invalid(pve.run(pve.async().node("").lxc(202).async_config())));
    EXPECT_TRUE(invalid(pve.run(node.lxc(42).async_start())));

    lxc_create_options o;
    o.ostemplate = "local:vztmpl/debian-13-standard_13.1-2_amd64.tar.zst";
    o.hostname = "bad_name!";
    auto bad_host = pve.run(node.async_create_lxc(o));
    ASSERT_TRUE(invalid(bad_host));
    EXPECT_NE(bad_host.error().message.find("hostname"), std::string::npos);
    o.hostname = "ok";
    o.password = "abc";
    EXPECT_TRUE(invalid(pve.run(node.async_create_lxc(o))));
    o.password.clear();
    o.nets[0] = lxc_nic{.tag = 5000};
    auto bad_nic = pve.run(node.async_create_lxc(o));
    ASSERT_TRUE(invalid(bad_nic));
    EXPECT_NE(bad_nic.error().message.find("nets[0]"), std::string::npos) << bad_nic.error().message;
    o.nets.clear();
    o.ostemplate.clear();
    EXPECT_TRUE(invalid(pve.run(node.async_create_lxc(o))));

    lxc_config_update u;
    u.remove("mp0,mp1");
    EXPECT_TRUE(invalid(pve.run(node.lxc(202).async_update_config(u))));
    lxc_config_update unknown; // not a container key in PVE's schema (a VM one)
    unknown.set("sockets", "2");
    EXPECT_TRUE(invalid(pve.run(node.lxc(202).async_update_config(unknown))));
    EXPECT_TRUE(invalid(pve.run(node.lxc(202).async_update_config(lxc_config_update{}))));
    EXPECT_TRUE(invalid(pve.run(node.lxc(202).async_migrate({}))));
    EXPECT_TRUE(invalid(pve.run(node.lxc(202).async_clone({.newid = 7}))));

    EXPECT_EQ(count("POST", "/nodes/pve/lxc"), 0u);
    EXPECT_EQ(count("GET", "/cluster/nextid"), 0u);
    EXPECT_EQ(count("PUT", "/nodes/pve/lxc/202/config"), 0u);
}

TEST_F(LxcHandle, PveErrorsArriveWithTheirText) {
    blocking_client pve(token_options());
    auto elsewhere = pve.run(pve.async().node("pve").lxc(200).async_config());
    ASSERT_FALSE(elsewhere);
    EXPECT_EQ(elsewhere.error().http_status, 500u);
    EXPECT_EQ(elsewhere.error().message, "Configuration file 'nodes/pve/lxc/200.conf' does not exist");

    lxc_create_options o;
    o.vmid = 100; // a VM has it
    o.ostemplate = "local:vztmpl/debian-13-standard_13.1-2_amd64.tar.zst";
    auto taken = pve.run(pve.async().node("pve").async_create_lxc(o));
    ASSERT_FALSE(taken);
    EXPECT_NE(taken.error().message.find("100"), std::string::npos) << taken.error().to_string();
    EXPECT_EQ(count("GET", "/cluster/nextid"), 0u);
}

} // namespace
