// proxmox::sim over plain HTTPS: guest lifecycle (create, restore, clone, delete, template,
// migrate, power actions) and what the guest views show of it.
#include "client.hpp"
#include "test_util.hpp"

#include <boost/json/serialize.hpp>

#include <gtest/gtest.h>

#include <initializer_list>
#include <memory>
#include <utility>

namespace {

using namespace simtest;

std::string form(std::initializer_list<std::pair<std::string, std::string>> fields) {
    std::string out;
    for (const auto& [k, v] : fields)
        out += (out.empty() ? "" : "&") + k + "=" + form_value(v);
    return out;
}

std::string message(const reply& r) {
    auto body = body_json(r);
    return body.is_object() && body.as_object().contains("message")
               ? std::string(body.at("message").as_string())
               : std::string{};
}

constexpr const char* debian_iso = "local:iso/debian-13.1.0-amd64-netinst.iso";
constexpr const char* debian_tmpl = "local:vztmpl/debian-13-standard_13.1-2_amd64.tar.zst";

// The default cluster (seed 1): VMs 100..106 on pve, pve2, pve3 in turn (100 runs, 101 is
// stopped), containers 200 (pve2, running), 201 (pve3), 202 (pve), templates 9000/9001 on pve.
class Lifecycle : public proxmox::testing::sim_fixture {
protected:
    void SetUp() override {
        sim_fixture::SetUp();
        c = std::make_unique<client>(info());
    }

    /// A call that starts a worker: its UPID.
    std::string start_task(const std::string& path, const std::string& body = {}) {
        auto r = c->post(path, body);
        EXPECT_EQ(r.status, 200u) << path << ": " << r.reason;
        auto d = data(r);
        return d.is_string() ? std::string(d.as_string()) : std::string{};
    }

    reply del(const std::string& path) {
        request r;
        r.method = "DELETE";
        r.target = "/api2/json" + path;
        return c->send(r);
    }

    /// Waits for the task; returns its exit status.
    std::string finish(const std::string& upid) {
        if (upid.empty())
            return "no task";
        return text(wait_for_task(*c, upid), "exitstatus");
    }

    std::string log(const std::string& upid) {
        std::string out;
        for (const auto& l : task_lines(*c, upid))
            out += l + "\n";
        return out;
    }

    /// The guest's entry in /cluster/resources, empty when there is none.
    json::object resource(int vmid) {
        auto all = data(c->get("/cluster/resources?type=vm"));
        for (const auto& g : all.as_array())
            if (g.at("vmid").to_number<int>() == vmid)
                return g.as_object();
        return {};
    }

    json::value current(const std::string& node, const std::string& kind, int vmid) {
        return data(c->get("/nodes/" + node + "/" + kind + "/" + std::to_string(vmid) + "/status/current"));
    }

    std::vector<std::string> volids(const std::string& node, int vmid) {
        std::vector<std::string> out;
        auto list =
            data(c->get("/nodes/" + node + "/storage/local-lvm/content?vmid=" + std::to_string(vmid)));
        for (const auto& v : list.as_array())
            out.emplace_back(v.at("volid").as_string());
        return out;
    }

    std::unique_ptr<client> c;
};

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

// --- qemu create / delete / template ---------------------------------------------------------

TEST_F(Lifecycle, QemuCreateHoldsTheCreateLockWhileItsTaskRuns) {
    const auto upid = start_task("/nodes/pve/qemu", form({{"vmid", "150"},
                                                          {"name", "new-vm"},
                                                          {"cores", "2"},
                                                          {"memory", "1024"},
                                                          {"scsi0", "local-lvm:8"},
                                                          {"ide2", std::string(debian_iso) + ",media=cdrom"},
                                                          {"net0", "virtio,bridge=vmbr0"}}));
    EXPECT_TRUE(contains(upid, ":qmcreate:150:"));
    EXPECT_EQ(text(resource(150), "lock"), "create");
    EXPECT_EQ(finish(upid), "OK");

    auto g = resource(150);
    EXPECT_EQ(text(g, "node"), "pve");
    EXPECT_EQ(text(g, "name"), "new-vm");
    EXPECT_EQ(text(g, "status"), "stopped");
    EXPECT_FALSE(g.contains("lock"));
    EXPECT_EQ(number(g, "maxdisk"), 8LL << 30);
    EXPECT_EQ(number(g, "maxcpu"), 2);
    EXPECT_EQ(volids("pve", 150), std::vector<std::string>{"local-lvm:vm-150-disk-0"});
    // create_disks: each new disk's whole drive line is logged; an existing volume gets the
    // size volume_size_info reads (the ISO's 790626304 bytes, in format_size's largest exact unit)
    EXPECT_TRUE(contains(log(upid), "scsi0: successfully created disk 'local-lvm:vm-150-disk-0,size=8G'\n"))
        << log(upid);
    auto config = data(c->get("/nodes/pve/qemu/150/config"));
    EXPECT_EQ(text(config, "ide2"), std::string(debian_iso) + ",media=cdrom,size=754M");
    EXPECT_EQ(text(config, "scsi0"), "local-lvm:vm-150-disk-0,size=8G");
    bool listed = false;
    const auto vms = data(c->get("/nodes/pve/qemu"));
    for (const auto& vm : vms.as_array())
        listed = listed || vm.at("vmid").to_number<int>() == 150;
    EXPECT_TRUE(listed);
}

TEST_F(Lifecycle, QemuCreateWithStartRunsTheVm) {
    const auto upid = start_task("/nodes/pve2/qemu", form({{"vmid", "151"}, {"start", "1"}}));
    EXPECT_EQ(finish(upid), "OK");
    EXPECT_TRUE(contains(log(upid), "Execute autostart"));
    EXPECT_EQ(text(current("pve2", "qemu", 151), "status"), "running");
    EXPECT_EQ(text(resource(151), "name"), "VM 151");
}

TEST_F(Lifecycle, QemuCreateErrorsAreThoseOfPve) {
    auto taken = c->post("/nodes/pve/qemu", "vmid=100");
    EXPECT_EQ(taken.status, 500u);
    EXPECT_EQ(message(taken), "unable to create VM 100 - VM 100 already exists on node 'pve'\n");
    EXPECT_EQ(message(c->post("/nodes/pve/qemu", "vmid=101")),
              "unable to create VM 101 - VM 101 already exists on node 'pve2'\n");

    auto iso = c->post("/nodes/pve/qemu", form({{"vmid", "152"}, {"ide2", debian_iso}}));
    EXPECT_EQ(iso.status, 400u);
    EXPECT_EQ(body_json(iso).at("errors").at("ide2"), "explicit 'media=cdrom' is required for iso images");

    auto pool = c->post("/nodes/pve/qemu", "vmid=152&pool=nopool");
    EXPECT_EQ(pool.status, 403u);
    EXPECT_EQ(message(pool), "Permission check failed (pool 'nopool' does not exist)\n");

    auto conflict = c->post("/nodes/pve/qemu", form({{"vmid", "152"},
                                                     {"archive", "local:backup/vzdump-qemu-100.vma.zst"},
                                                     {"scsi0", "local-lvm:4"}}));
    EXPECT_EQ(conflict.status, 400u);
    EXPECT_EQ(body_json(conflict).at("errors").at("scsi0"), "option conflicts with option 'archive'");

    auto wrong = c->post("/nodes/pve/qemu", form({{"vmid", "152"}, {"archive", debian_iso}}));
    EXPECT_EQ(message(wrong),
              std::string("unable to use volume ") + debian_iso + " - content type needs to be backup\n");
    auto missing =
        c->post("/nodes/pve/qemu", form({{"vmid", "152"}, {"archive", "local:backup/nope.vma.zst"}}));
    EXPECT_EQ(message(missing), "can't find file 'local:backup/nope.vma.zst'\n");

    // a missing ISO fails in the worker, which removes the new config again
    const auto upid =
        start_task("/nodes/pve/qemu", form({{"vmid", "153"}, {"ide2", "local:iso/nope.iso,media=cdrom"}}));
    EXPECT_EQ(finish(upid), "unable to create VM 153 - volume local:iso/nope.iso does not exist");
    EXPECT_TRUE(resource(153).empty());
}

TEST_F(Lifecycle, QemuDeleteFollowsPveRules) {
    auto running = del("/nodes/pve/qemu/100");
    EXPECT_EQ(running.status, 500u);
    EXPECT_EQ(message(running), "VM 100 is running - destroy failed\n");
    EXPECT_EQ(message(del("/nodes/pve/qemu/101")),
              "Configuration file 'nodes/pve/qemu-server/101.conf' does not exist\n");

    EXPECT_EQ(finish(start_task("/nodes/pve/qemu", "vmid=160&protection=1")), "OK");
    EXPECT_EQ(message(del("/nodes/pve/qemu/160")), "can't remove VM 160 - protection mode enabled\n");

    auto r = del("/nodes/pve2/qemu/101?purge=1");
    ASSERT_EQ(r.status, 200u) << r.reason;
    const auto upid = std::string(data(r).as_string());
    EXPECT_TRUE(contains(upid, ":qmdestroy:101:"));
    EXPECT_EQ(text(resource(101), "lock"), "destroyed");
    EXPECT_EQ(finish(upid), "OK");
    const auto lines = log(upid);
    EXPECT_TRUE(contains(lines, "  Logical volume \"vm-101-disk-0\" successfully removed.")) << lines;
    EXPECT_TRUE(contains(lines, "purging VM 101 from related configurations..")) << lines;
    EXPECT_TRUE(resource(101).empty());
    EXPECT_TRUE(volids("pve2", 101).empty());
    EXPECT_EQ(c->get("/nodes/pve2/qemu/101/status/current").status, 500u);
}

TEST_F(Lifecycle, QemuTemplateConvertsDisksToBaseVolumes) {
    EXPECT_EQ(message(c->post("/nodes/pve/qemu/100/template")),
              "you can't convert a VM to template if VM is running\n");
    EXPECT_EQ(message(c->post("/nodes/pve/qemu/9000/template")),
              "you can't convert a template to a template\n");

    const auto upid = start_task("/nodes/pve2/qemu/101/template");
    EXPECT_TRUE(contains(upid, ":qmtemplate:101:"));
    EXPECT_EQ(finish(upid), "OK");
    EXPECT_TRUE(contains(log(upid), "Renamed \"vm-101-disk-0\" to \"base-101-disk-0\""));
    EXPECT_EQ(number(resource(101), "template"), 1);
    EXPECT_EQ(volids("pve2", 101), std::vector<std::string>{"local-lvm:base-101-disk-0"});
    EXPECT_EQ(number(current("pve2", "qemu", 101), "template"), 1);

    EXPECT_EQ(finish(start_task("/nodes/pve2/qemu/101/status/start")),
              "you can't start a vm if it's a template");
}

// --- qemu clone ------------------------------------------------------------------------------

TEST_F(Lifecycle, LinkedCloneOfATemplateLocksTheNewVmUntilDone) {
    const auto upid = start_task("/nodes/pve/qemu/9000/clone", "newid=300&name=linked");
    EXPECT_TRUE(contains(upid, ":qmclone:9000:"));
    EXPECT_EQ(text(resource(300), "lock"), "clone");
    // the new VM is locked while its task runs
    EXPECT_EQ(finish(start_task("/nodes/pve/qemu/300/status/start")), "VM is locked (clone)");
    auto busy = c->post("/nodes/pve/qemu/300/clone", "newid=301");
    EXPECT_EQ(busy.status, 500u);
    EXPECT_EQ(message(busy), "VM is locked (clone)\n");

    EXPECT_EQ(finish(upid), "OK");
    const auto lines = task_lines(*c, upid);
    ASSERT_GE(lines.size(), 3u);
    EXPECT_EQ(lines[0], "creating a clone of VM 9000 with ID 300");
    EXPECT_EQ(lines[1], "create linked clone of drive scsi0 (local-lvm:base-9000-disk-0)");
    EXPECT_FALSE(contains(log(upid), "allocated target volume")) << "vdisk_clone allocates nothing";
    auto g = resource(300);
    EXPECT_EQ(text(g, "name"), "linked");
    EXPECT_EQ(number(g, "template"), 0);
    EXPECT_FALSE(g.contains("lock"));
    // LvmThinPlugin clone_image names the thin snapshot like any disk
    EXPECT_EQ(volids("pve", 300), std::vector<std::string>{"local-lvm:vm-300-disk-0"});
}

TEST_F(Lifecycle, DestroyingATemplateKeepsItsLvmThinLinkedClones) {
    ASSERT_EQ(finish(start_task("/nodes/pve/qemu/9000/clone", "newid=300")), "OK");
    // volume_is_base_and_used cannot see LVM-thin clones, so destroy_vm frees the base volume;
    // the clone is a thin snapshot that keeps its blocks
    auto r = del("/nodes/pve/qemu/9000");
    ASSERT_EQ(r.status, 200u) << r.reason;
    const auto upid = std::string(data(r).as_string());
    EXPECT_EQ(finish(upid), "OK");
    EXPECT_TRUE(contains(log(upid), "  Logical volume \"base-9000-disk-0\" successfully removed."))
        << log(upid);
    EXPECT_TRUE(resource(9000).empty());
    EXPECT_TRUE(volids("pve", 9000).empty());
    EXPECT_EQ(volids("pve", 300), std::vector<std::string>{"local-lvm:vm-300-disk-0"});
    EXPECT_EQ(text(data(c->get("/nodes/pve/qemu/300/config")), "scsi0").rfind("local-lvm:vm-300-disk-0,", 0),
              0u);
    EXPECT_EQ(finish(start_task("/nodes/pve/qemu/300/status/start")), "OK");
}

TEST_F(Lifecycle, FullCloneOfARunningVm) {
    const auto upid = start_task("/nodes/pve/qemu/100/clone", "newid=310&full=1");
    EXPECT_EQ(finish(upid), "OK");
    const auto lines = log(upid);
    EXPECT_EQ(lines.rfind("creating a clone of VM 100 with ID 310\n", 0), 0u) << lines;
    EXPECT_TRUE(contains(lines, "create full clone of drive scsi0 (local-lvm:vm-100-disk-0)\n"
                                "  Logical volume \"vm-310-disk-0\" created.\n"
                                "allocated target volume 'local-lvm:vm-310-disk-0'\n"
                                "drive mirror is starting for drive-scsi0\n"))
        << lines;
    EXPECT_TRUE(contains(lines, "all 'mirror' jobs are ready")) << lines;
    auto g = resource(310);
    EXPECT_EQ(text(g, "name"), "Copy-of-VM-web01");
    EXPECT_EQ(text(g, "status"), "stopped");
    EXPECT_EQ(volids("pve", 310), std::vector<std::string>{"local-lvm:vm-310-disk-0"});
}

TEST_F(Lifecycle, CloneErrorsAreThoseOfPve) {
    EXPECT_EQ(message(c->post("/nodes/pve/qemu/103/clone", "newid=320&full=0")),
              "Linked clone feature is not supported for 'local-lvm:vm-103-disk-0' (scsi0)\n");
    // $load_and_check looks for the config on this node only ...
    EXPECT_EQ(message(c->post("/nodes/pve/qemu/103/clone", "newid=100")),
              "unable to create VM 100: config file already exists\n");
    // ... so a VM on another node or a container gets a task, and pmxcfs refuses its temporary
    // config
    for (const auto& [newid, kind] : {std::pair{"101", "qemu"}, std::pair{"202", "lxc"}}) {
        const auto upid = start_task("/nodes/pve/qemu/103/clone", std::string("newid=") + newid);
        EXPECT_EQ(finish(upid), std::string("close (rename) atomic file '/etc/pve/nodes/pve/qemu-server/") +
                                    newid + ".conf' failed: File exists");
        EXPECT_EQ(log(upid), std::string("creating a clone of VM 103 with ID ") + newid + "\nTASK ERROR: " +
                                 "close (rename) atomic file '/etc/pve/nodes/pve/qemu-server/" + newid +
                                 ".conf' failed: File exists\n");
        EXPECT_EQ(text(resource(std::stoi(newid)), "type"), kind) << "the existing guest is untouched";
    }
    EXPECT_EQ(message(c->post("/nodes/pve/qemu/103/clone", "newid=320&target=pve2")),
              "can't clone VM to node 'pve2' (VM uses local storage)\n");
    EXPECT_EQ(message(c->post("/nodes/pve/qemu/9000/clone", "newid=320&storage=local-lvm")),
              "parameter 'storage' not allowed for linked clones\n");
    auto storage = c->post("/nodes/pve/qemu/103/clone", "newid=320&storage=local");
    EXPECT_EQ(storage.status, 400u);
    EXPECT_EQ(body_json(storage).at("errors").at("storage"), "storage 'local' does not support vm images");
    EXPECT_EQ(message(c->post("/nodes/pve/qemu/103/clone", "newid=320&target=pve9")),
              "no such cluster node 'pve9'\n");
    EXPECT_EQ(message(c->post("/nodes/pve/qemu/103/clone", "newid=320&snapname=nope")),
              "snapshot 'nope' does not exist\n");
    EXPECT_TRUE(resource(320).empty());
}

// --- qemu migrate ----------------------------------------------------------------------------

TEST_F(Lifecycle, OfflineMigrationMovesTheVmToTheTarget) {
    auto pre = data(c->get("/nodes/pve2/qemu/101/migrate"));
    EXPECT_EQ(number(pre, "running"), 0);
    EXPECT_EQ(json::serialize(pre.at("allowed_nodes")), R"(["pve","pve3"])");
    ASSERT_EQ(pre.at("local_disks").as_array().size(), 1u);
    EXPECT_EQ(text(pre.at("local_disks").as_array()[0], "volid"), "local-lvm:vm-101-disk-0");
    EXPECT_EQ(number(pre, "has-dbus-vmstate"), 1) << "qemu-server 9.0.10+ always reports it";

    const auto upid = start_task("/nodes/pve2/qemu/101/migrate", "target=pve3");
    EXPECT_TRUE(contains(upid, "UPID:pve2:"));
    EXPECT_EQ(text(resource(101), "lock"), "migrate");
    EXPECT_EQ(finish(upid), "OK");
    const auto lines = log(upid);
    EXPECT_TRUE(contains(lines, "starting migration of VM 101 to node 'pve3' (192.168.1.12)")) << lines;
    EXPECT_TRUE(contains(lines, "found local disk 'local-lvm:vm-101-disk-0' (attached)")) << lines;
    EXPECT_TRUE(contains(lines, "migration finished successfully (duration 00:00:0")) << lines;
    EXPECT_EQ(text(resource(101), "node"), "pve3");
    EXPECT_EQ(text(current("pve3", "qemu", 101), "status"), "stopped");
    EXPECT_EQ(c->get("/nodes/pve2/qemu/101/status/current").status, 500u);
    EXPECT_EQ(volids("pve3", 101), std::vector<std::string>{"local-lvm:vm-101-disk-0"});
}

TEST_F(Lifecycle, OnlineMigrationNeedsLocalDisksOption) {
    auto local = c->post("/nodes/pve/qemu/100/migrate", "target=pve");
    EXPECT_EQ(local.status, 400u);
    EXPECT_EQ(body_json(local).at("errors").at("target"), "target is local node.");
    EXPECT_EQ(message(c->post("/nodes/pve/qemu/100/migrate", "target=pve2")),
              "can't migrate running VM without --online\n");

    const auto refused = start_task("/nodes/pve/qemu/100/migrate", "target=pve2&online=1");
    EXPECT_EQ(finish(refused), "migration aborted");
    EXPECT_TRUE(
        contains(log(refused), "can't live migrate attached local disks without with-local-disks option"));
    EXPECT_FALSE(resource(100).contains("lock"));

    const auto upid = start_task("/nodes/pve/qemu/100/migrate", "target=pve2&online=1&with-local-disks=1");
    EXPECT_EQ(finish(upid), "OK");
    EXPECT_TRUE(contains(log(upid), "migration status: completed"));
    auto g = resource(100);
    EXPECT_EQ(text(g, "node"), "pve2");
    EXPECT_EQ(text(g, "status"), "running");
}

TEST_F(Lifecycle, MigrationWithALocalIsoAborts) {
    EXPECT_EQ(finish(start_task("/nodes/pve/qemu",
                                form({{"vmid", "170"}, {"ide2", std::string(debian_iso) + ",media=cdrom"}}))),
              "OK");
    const auto upid = start_task("/nodes/pve/qemu/170/migrate", "target=pve3");
    EXPECT_EQ(finish(upid), "migration aborted");
    EXPECT_TRUE(
        contains(log(upid), std::string("can't migrate local disk '") + debian_iso + "': local cdrom image"));
    EXPECT_EQ(text(resource(170), "node"), "pve");
}

// --- qemu power ------------------------------------------------------------------------------

TEST_F(Lifecycle, QemuPauseResumeAndPvesStateErrors) {
    EXPECT_EQ(message(c->post("/nodes/pve2/qemu/101/status/reboot")), "VM 101 not running\n");
    EXPECT_EQ(message(c->post("/nodes/pve2/qemu/101/status/reset")), "VM 101 not running\n");
    EXPECT_EQ(message(c->post("/nodes/pve2/qemu/101/status/suspend")), "VM 101 not running\n");
    EXPECT_EQ(message(c->post("/nodes/pve2/qemu/101/status/resume")), "VM 101 not running\n");
    EXPECT_EQ(message(c->post("/nodes/pve/qemu/101/status/reset")),
              "unable to find configuration file for VM 101 on node 'pve'\n");
    EXPECT_EQ(finish(start_task("/nodes/pve2/qemu/101/status/shutdown")), "OK") << "a stopped VM is no error";

    const auto pause = start_task("/nodes/pve/qemu/100/status/suspend");
    EXPECT_TRUE(contains(pause, ":qmpause:100:"));
    EXPECT_EQ(finish(pause), "OK");
    auto st = current("pve", "qemu", 100);
    EXPECT_EQ(text(st, "status"), "running");
    EXPECT_EQ(text(st, "qmpstatus"), "paused");
    EXPECT_EQ(message(c->post("/nodes/pve/qemu/100/status/shutdown")), "VM is paused - cannot shutdown\n");
    EXPECT_EQ(message(c->post("/nodes/pve/qemu/100/status/reboot")), "VM is paused - cannot shutdown\n");

    EXPECT_EQ(finish(start_task("/nodes/pve/qemu/100/status/resume")), "OK");
    EXPECT_EQ(text(current("pve", "qemu", 100), "qmpstatus"), "running");

    const auto uptime_before = number(current("pve", "qemu", 100), "uptime");
    EXPECT_GT(uptime_before, 60);
    EXPECT_EQ(finish(start_task("/nodes/pve/qemu/100/status/reboot")), "OK");
    EXPECT_LT(number(current("pve", "qemu", 100), "uptime"), 5) << "a reboot starts a new QEMU process";
    EXPECT_EQ(finish(start_task("/nodes/pve/qemu/100/status/shutdown")), "OK");
    EXPECT_EQ(text(resource(100), "status"), "stopped");
}

TEST_F(Lifecycle, QemuSuspendToDiskAndResume) {
    const auto upid = start_task("/nodes/pve/qemu/100/status/suspend", "todisk=1");
    EXPECT_TRUE(contains(upid, ":qmsuspend:100:"));
    EXPECT_EQ(text(resource(100), "lock"), "suspending");
    EXPECT_EQ(finish(upid), "OK");
    EXPECT_TRUE(contains(log(upid), "State saved, quitting"));
    auto st = current("pve", "qemu", 100);
    EXPECT_EQ(text(st, "status"), "stopped");
    EXPECT_EQ(text(st, "lock"), "suspended");

    // other writes see the lock; resume starts the VM from its saved state
    EXPECT_EQ(message(c->post("/nodes/pve/qemu/100/clone", "newid=330")), "VM is locked (suspended)\n");
    EXPECT_EQ(finish(start_task("/nodes/pve/qemu/100/status/resume")), "OK");
    st = current("pve", "qemu", 100);
    EXPECT_EQ(text(st, "status"), "running");
    EXPECT_FALSE(st.as_object().contains("lock"));
}

TEST_F(Lifecycle, StartingWithABridgeTheNodeLacksFailsInTheTask) {
    // create takes any pve-bridge-id; read_bridge_mtu at start finds no /sys/class/net/vmbr9
    ASSERT_EQ(finish(start_task("/nodes/pve/qemu", form({{"vmid", "160"}, {"net0", "virtio,bridge=vmbr9"}}))),
              "OK");
    EXPECT_EQ(finish(start_task("/nodes/pve/qemu/160/status/start")), "bridge 'vmbr9' does not exist");
    EXPECT_EQ(text(current("pve", "qemu", 160), "status"), "stopped");

    // a non-virtio NIC gets as far as QEMU, whose network script fails
    ASSERT_EQ(finish(start_task(
                  "/nodes/pve/qemu",
                  form({{"vmid", "161"}, {"net0", "virtio,bridge=vmbr0"}, {"net1", "e1000,bridge=vmbr9"}}))),
              "OK");
    const auto e1000 = start_task("/nodes/pve/qemu/161/status/start");
    EXPECT_EQ(finish(e1000), "start failed: QEMU exited with code 1");
    EXPECT_EQ(log(e1000), "bridge 'vmbr9' does not exist\n"
                          "kvm: -netdev type=tap,id=net1,ifname=tap161i1,script=/usr/libexec/qemu-server/"
                          "pve-bridge,downscript=/usr/libexec/qemu-server/pve-bridgedown: network script "
                          "/usr/libexec/qemu-server/pve-bridge failed with status 512\n"
                          "TASK ERROR: start failed: QEMU exited with code 1\n");
    EXPECT_EQ(text(current("pve", "qemu", 161), "status"), "stopped");

    request fix;
    fix.method = "PUT";
    fix.target = "/api2/json/nodes/pve/qemu/161/config";
    fix.body = "net1=" + form_value("e1000,bridge=vmbr0");
    fix.content_type = "application/x-www-form-urlencoded";
    ASSERT_EQ(c->send(fix).status, 200u);
    EXPECT_EQ(finish(start_task("/nodes/pve/qemu/161/status/start")), "OK");

    // pve-container's update_lxc_config reads every NIC's bridge
    ASSERT_EQ(finish(start_task("/nodes/pve/lxc", form({{"vmid", "260"},
                                                        {"ostemplate", debian_tmpl},
                                                        {"rootfs", "local-lvm:4"},
                                                        {"net0", "name=eth0,bridge=vmbr9,ip=dhcp"}}))),
              "OK");
    EXPECT_EQ(finish(start_task("/nodes/pve/lxc/260/status/start")), "bridge 'vmbr9' does not exist");
    EXPECT_EQ(text(current("pve", "lxc", 260), "status"), "stopped");
}

// --- lxc -------------------------------------------------------------------------------------

TEST_F(Lifecycle, LxcCreateFromATemplate) {
    const auto upid = start_task("/nodes/pve/lxc", form({{"vmid", "250"},
                                                         {"ostemplate", debian_tmpl},
                                                         {"hostname", "ct-new"},
                                                         {"rootfs", "local-lvm:8"},
                                                         {"password", "secret-pw"},
                                                         {"net0", "name=eth0,bridge=vmbr0,ip=dhcp"}}));
    EXPECT_TRUE(contains(upid, ":vzcreate:250:"));
    EXPECT_EQ(text(resource(250), "lock"), "create");
    EXPECT_EQ(finish(upid), "OK");
    EXPECT_TRUE(
        contains(log(upid),
                 "extracting archive '/var/lib/vz/template/cache/debian-13-standard_13.1-2_amd64.tar.zst'"));
    auto g = resource(250);
    EXPECT_EQ(text(g, "type"), "lxc");
    EXPECT_EQ(text(g, "name"), "ct-new");
    EXPECT_EQ(text(g, "status"), "stopped");
    EXPECT_EQ(number(g, "maxdisk"), 8LL << 30);
    EXPECT_EQ(number(g, "maxmem"), 512LL << 20);
    EXPECT_EQ(volids("pve", 250), std::vector<std::string>{"local-lvm:vm-250-disk-0"});
    auto config = c->get("/nodes/pve/lxc/250/config");
    if (config.status == 200) {
        EXPECT_FALSE(data(config).as_object().contains("password"));
        EXPECT_EQ(json::serialize(data(config).at("unprivileged")), "1") << json::serialize(data(config));
    }
    EXPECT_EQ(finish(start_task("/nodes/pve/lxc/250/status/start")), "OK");
    EXPECT_EQ(text(current("pve", "lxc", 250), "status"), "running");
}

TEST_F(Lifecycle, LxcCreateErrorsAreThoseOfPve) {
    auto storage = c->post("/nodes/pve/lxc", form({{"vmid", "251"}, {"ostemplate", debian_tmpl}}));
    EXPECT_EQ(storage.status, 400u);
    EXPECT_EQ(body_json(storage).at("errors").at("storage"),
              "storage 'local' does not support container directories");
    EXPECT_EQ(message(c->post("/nodes/pve/lxc",
                              form({{"vmid", "251"}, {"ostemplate", debian_iso}, {"storage", "local-lvm"}}))),
              std::string("unable to use volume ") + debian_iso + " - content type needs to be vztmpl\n");
    EXPECT_EQ(
        message(c->post("/nodes/pve/lxc",
                        form({{"vmid", "100"}, {"ostemplate", debian_tmpl}, {"storage", "local-lvm"}}))),
        "VM 100 already exists on node 'pve'\n");
    EXPECT_EQ(message(c->post(
                  "/nodes/pve/lxc",
                  form({{"vmid", "251"}, {"ostemplate", debian_tmpl}, {"mp0", "local-lvm:2,mp=/data"}}))),
              "mount points configured, but 'rootfs' not set - aborting\n");

    const auto upid = start_task(
        "/nodes/pve/lxc",
        form({{"vmid", "251"}, {"ostemplate", "local:vztmpl/nope.tar.zst"}, {"storage", "local-lvm"}}));
    EXPECT_EQ(finish(upid), "unable to create CT 251 - can't find file 'local:vztmpl/nope.tar.zst'");
    EXPECT_TRUE(resource(251).empty());
}

// pve-container API2/LXC.pm create_vm: PVE::Tools::validate_ssh_public_keys before anything else
TEST_F(Lifecycle, LxcCreateChecksTheSshKeysFirst) {
    auto bad = c->post("/nodes/pve/lxc", form({{"vmid", "252"},
                                               {"ostemplate", debian_tmpl},
                                               {"storage", "local-lvm"},
                                               {"ssh-public-keys", "not a key"}}));
    EXPECT_EQ(bad.status, 500u);
    EXPECT_EQ(message(bad), "SSH public key validation error\n");
    // before the vmid check too
    EXPECT_EQ(message(c->post("/nodes/pve/lxc", form({{"vmid", "100"},
                                                      {"ostemplate", debian_tmpl},
                                                      {"storage", "local-lvm"},
                                                      {"ssh-public-keys", "ssh-rsa"}}))),
              "SSH public key validation error\n");
    EXPECT_TRUE(resource(252).empty());
    const auto upid =
        start_task("/nodes/pve/lxc",
                   form({{"vmid", "252"},
                         {"ostemplate", debian_tmpl},
                         {"storage", "local-lvm"},
                         {"ssh-public-keys",
                          "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl "
                          "admin@example"}}));
    EXPECT_EQ(finish(upid), "OK");
}

TEST_F(Lifecycle, LxcPowerActions) {
    EXPECT_EQ(message(c->post("/nodes/pve2/lxc/200/status/start")), "CT 200 already running\n");
    EXPECT_EQ(message(c->post("/nodes/pve2/lxc/200/status/resume")), "CT 200 already running\n");
    EXPECT_EQ(finish(start_task("/nodes/pve2/lxc/200/status/reboot")), "OK");

    const auto suspend = start_task("/nodes/pve2/lxc/200/status/suspend");
    EXPECT_TRUE(contains(suspend, ":vzsuspend:200:"));
    EXPECT_EQ(finish(suspend), "OK");
    EXPECT_EQ(text(current("pve2", "lxc", 200), "status"), "stopped");
    EXPECT_EQ(message(c->post("/nodes/pve2/lxc/200/status/stop")), "CT 200 not running\n");
    EXPECT_EQ(message(c->post("/nodes/pve2/lxc/200/status/shutdown")), "CT 200 not running\n");
    EXPECT_EQ(message(c->post("/nodes/pve2/lxc/200/status/reboot")), "VM 200 not running\n");
    EXPECT_EQ(finish(start_task("/nodes/pve2/lxc/200/status/resume")), "OK");
    EXPECT_EQ(text(current("pve2", "lxc", 200), "status"), "running");

    EXPECT_EQ(finish(start_task("/nodes/pve2/lxc/200/status/shutdown")), "OK");
    EXPECT_EQ(text(resource(200), "status"), "stopped");
    EXPECT_EQ(finish(start_task("/nodes/pve2/lxc/200/status/resume")),
              "command 'lxc-checkpoint -n 200 -r --foreground -D /var/lib/vz/dump' failed: exit code 1");
    // a container that is not on the node: the worker's load_config fails
    EXPECT_EQ(finish(start_task("/nodes/pve/lxc/200/status/start")),
              "Configuration file 'nodes/pve/lxc/200.conf' does not exist");
}

TEST_F(Lifecycle, LxcDeleteTemplateAndClone) {
    EXPECT_EQ(message(del("/nodes/pve2/lxc/200")), "unable to destroy CT 200 - container is running\n");
    auto forced = del("/nodes/pve2/lxc/200?force=1");
    ASSERT_EQ(forced.status, 200u);
    const auto destroy = std::string(data(forced).as_string());
    EXPECT_EQ(finish(destroy), "OK");
    EXPECT_TRUE(contains(log(destroy), "forced to stop CT 200 before destroying!"));
    EXPECT_TRUE(resource(200).empty());

    EXPECT_EQ(message(c->post("/nodes/pve3/lxc/201/template")),
              "you can't convert a CT to template if the CT is running\n");
    EXPECT_EQ(finish(start_task("/nodes/pve3/lxc/201/status/stop")), "OK");
    // template answers null, its worker sets the flag
    auto tmpl = c->post("/nodes/pve3/lxc/201/template");
    ASSERT_EQ(tmpl.status, 200u) << tmpl.body;
    EXPECT_TRUE(body_json(tmpl).at("data").is_null());
    auto tasks = data(c->get("/nodes/pve3/tasks?source=all&typefilter=vztemplate"));
    ASSERT_EQ(tasks.as_array().size(), 1u);
    EXPECT_EQ(finish(std::string(tasks.as_array()[0].at("upid").as_string())), "OK");
    EXPECT_EQ(number(resource(201), "template"), 1);
    EXPECT_EQ(message(c->post("/nodes/pve3/lxc/201/template")),
              "you can't convert a template to a template\n");

    const auto clone = start_task("/nodes/pve3/lxc/201/clone", "newid=260&hostname=ct-linked");
    EXPECT_TRUE(contains(clone, ":vzclone:201:"));
    EXPECT_EQ(text(resource(201), "lock"), "disk");
    EXPECT_EQ(text(resource(260), "lock"), "create");
    EXPECT_EQ(message(c->post("/nodes/pve3/lxc/201/clone", "newid=261")), "CT is locked (disk)\n");
    EXPECT_EQ(finish(clone), "OK");
    EXPECT_TRUE(
        contains(log(clone), "create linked clone of mount point rootfs (local-lvm:base-201-disk-0)"));
    EXPECT_FALSE(resource(201).contains("lock"));
    auto g = resource(260);
    EXPECT_EQ(text(g, "name"), "ct-linked");
    EXPECT_FALSE(g.contains("lock"));
    EXPECT_EQ(number(g, "template"), 0);
    EXPECT_EQ(message(c->post("/nodes/pve3/lxc/201/clone", "newid=100")),
              "VM 100 already exists on node 'pve'\n");
}

TEST_F(Lifecycle, LxcMigrationRestartsARunningContainer) {
    EXPECT_EQ(message(c->post("/nodes/pve2/lxc/200/migrate", "target=pve3")),
              "can't migrate running container without --online or --restart\n");
    const auto online = start_task("/nodes/pve2/lxc/200/migrate", "target=pve3&online=1");
    EXPECT_EQ(finish(online), "migration aborted");
    EXPECT_TRUE(contains(log(online), "lxc live migration is currently not implemented"));

    const auto upid = start_task("/nodes/pve2/lxc/200/migrate", "target=pve3&restart=1");
    EXPECT_TRUE(contains(upid, ":vzmigrate:200:"));
    EXPECT_EQ(text(resource(200), "lock"), "migrate");
    EXPECT_EQ(finish(upid), "OK");
    const auto lines = log(upid);
    EXPECT_TRUE(contains(lines, "shutdown CT 200")) << lines;
    EXPECT_TRUE(contains(lines, "start container on target node")) << lines;
    auto g = resource(200);
    EXPECT_EQ(text(g, "node"), "pve3");
    EXPECT_EQ(text(g, "status"), "running");
    EXPECT_EQ(text(current("pve3", "lxc", 200), "status"), "running");
}

TEST_F(Lifecycle, DirectoryIndexes) {
    auto qemu = data(c->get("/nodes/pve/qemu/100"));
    EXPECT_EQ(qemu.as_array().size(), 20u);
    EXPECT_EQ(text(qemu.as_array()[0], "subdir"), "config");
    auto status = data(c->get("/nodes/pve/qemu/100/status"));
    EXPECT_EQ(json::serialize(status),
              R"([{"subdir":"current"},{"subdir":"start"},{"subdir":"stop"},{"subdir":"reset"},)"
              R"({"subdir":"shutdown"},{"subdir":"suspend"},{"subdir":"reboot"}])");
    EXPECT_EQ(c->get("/nodes/pve/qemu/101/status").status, 500u);
    EXPECT_EQ(data(c->get("/nodes/pve2/lxc/200")).as_array().size(), 15u);
    EXPECT_EQ(data(c->get("/nodes/pve2/lxc/200/status")).as_array().size(), 6u);
}

// --- restore (needs the backup family's vzdump) ----------------------------------------------

TEST_F(Lifecycle, RestoreTakesTheArchivesConfig) {
    auto dump = c->post("/nodes/pve2/vzdump", "vmid=101&storage=local");
    if (dump.status == 501)
        GTEST_SKIP() << "vzdump is not modelled yet";
    ASSERT_EQ(dump.status, 200u) << dump.reason;
    ASSERT_EQ(finish(std::string(data(dump).as_string())), "OK");
    std::string archive;
    const auto backups = data(c->get("/nodes/pve2/storage/local/content?content=backup"));
    for (const auto& v : backups.as_array())
        archive = std::string(v.at("volid").as_string());
    ASSERT_FALSE(archive.empty());

    const auto upid =
        start_task("/nodes/pve2/qemu", form({{"vmid", "180"}, {"archive", archive}, {"unique", "1"}}));
    EXPECT_TRUE(contains(upid, ":qmrestore:180:"));
    EXPECT_EQ(finish(upid), "OK");
    EXPECT_TRUE(contains(log(upid), "new volume ID is 'local-lvm:vm-180-disk-0'"));
    auto g = resource(180);
    EXPECT_EQ(text(g, "name"), text(resource(101), "name"));
    EXPECT_EQ(number(g, "maxdisk"), number(resource(101), "maxdisk"));

    // restore_update_config_line: a new vmgenid always, a new smbios1 uuid (and MACs) with unique
    const auto original = data(c->get("/nodes/pve2/qemu/101/config"));
    const auto unique = data(c->get("/nodes/pve2/qemu/180/config"));
    ASSERT_FALSE(text(original, "vmgenid").empty());
    ASSERT_EQ(text(original, "smbios1").rfind("uuid=", 0), 0u);
    EXPECT_EQ(text(unique, "vmgenid").size(), 36u);
    EXPECT_NE(text(unique, "vmgenid"), text(original, "vmgenid"));
    EXPECT_EQ(text(unique, "smbios1").size(), text(original, "smbios1").size());
    EXPECT_NE(text(unique, "smbios1"), text(original, "smbios1"));
    EXPECT_NE(text(unique, "net0"), text(original, "net0"));
    ASSERT_EQ(finish(start_task("/nodes/pve2/qemu", form({{"vmid", "181"}, {"archive", archive}}))), "OK");
    const auto copy = data(c->get("/nodes/pve2/qemu/181/config"));
    EXPECT_NE(text(copy, "vmgenid"), text(original, "vmgenid"));
    EXPECT_EQ(text(copy, "smbios1"), text(original, "smbios1"));
    EXPECT_EQ(text(copy, "net0"), text(original, "net0"));

    EXPECT_EQ(message(c->post("/nodes/pve2/qemu", form({{"vmid", "101"}, {"archive", archive}}))),
              "unable to restore VM 101 - VM 101 already exists on node 'pve2'\n");
    EXPECT_EQ(
        finish(start_task("/nodes/pve2/qemu", form({{"vmid", "101"}, {"archive", archive}, {"force", "1"}}))),
        "OK");
}

} // namespace
