// proxmox::sim over plain HTTPS: guest config endpoints (config, pending, resize, cloud-init) and
// the property-string validation of the schema.
#include "client.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace {

using namespace simtest;

reply put(client& c, const std::string& path, const std::string& form) {
    return send_form(c, "PUT", path, form);
}

json::array array_of(const reply& r) {
    auto v = data(r);
    return v.is_array() ? v.as_array() : json::array{};
}

std::string str(const json::value& v) {
    return v.is_string() ? std::string(v.get_string()) : json::serialize(v);
}

std::string message_of(const reply& r) {
    return text(body_json(r), "message");
}

class GuestConfig : public proxmox::testing::sim_fixture {
protected:
    void SetUp() override {
        sim_fixture::SetUp();
        c = std::make_unique<client>(info());
    }
    /// `/nodes/NODE/KIND/VMID` of the first guest matching the predicate.
    template <class Pred> std::string guest_path(Pred pred) {
        auto g = find_resource(*c, pred);
        return "/nodes/" + std::string(g.at("node").as_string()) + "/" +
               std::string(g.at("type").as_string()) + "/" +
               std::to_string(g.at("vmid").template to_number<int>());
    }
    std::string vm(bool running) {
        return guest_path([running](const json::object& o) {
            return o.at("type") == "qemu" && o.at("template").to_number<int>() == 0 &&
                   (o.at("status") == "running") == running;
        });
    }
    std::string ct(bool running) {
        return guest_path([running](const json::object& o) {
            return o.at("type") == "lxc" && (o.at("status") == "running") == running;
        });
    }
    json::object config(const std::string& path, const std::string& query = "") {
        return data(c->get(path + "/config" + query)).as_object();
    }
    json::object resource(const std::string& path) {
        const auto vmid = std::stoi(path.substr(path.rfind('/') + 1));
        return find_resource(*c,
                             [vmid](const json::object& o) { return o.at("vmid").to_number<int>() == vmid; });
    }
    json::value wait(const reply& r) { return wait_for_task(*c, std::string(data(r).as_string())); }

    std::unique_ptr<client> c;
};

// --- property strings -----------------------------------------------------------------------

TEST_F(GuestConfig, PropertyStringErrorsReadLikePve) {
    const auto path = vm(false) + "/config";
    struct bad {
        std::string form, key, error;
    };
    const std::vector<bad> cases = {
        {"net1=virtio,bridge=vmbr0,tag=5000", "net1",
         "invalid format - format error\nnet1.tag: value must have a maximum value of 4094\n"},
        {"net1=virtio,foo=1", "net1", "invalid format - invalid key in comma-separated list property: foo\n"},
        {"net1=bridge=vmbr0", "net1",
         "invalid format - format error\nnet1.model: property is missing and it is not optional\n"},
        {"net1=virtio,e1000", "net1",
         "invalid format - duplicate key in comma-separated list property: model\n"},
        {"net1=virtio=01:00:00:00:00:01", "net1",
         "invalid format - format error\nnet1.macaddr: invalid format - value does not look like a valid "
         "unicast MAC "
         "address\n\n"},
        {"net1=virtio,firewall=maybe", "net1",
         "invalid format - format error\nnet1.firewall: type check ('boolean') failed - got 'maybe'\n"},
        {"net1=virtio,model=e1000", "net1",
         "invalid format - duplicate key in comma-separated list property: model\n"},
        {"ipconfig0=ip=10.0.0.1", "ipconfig0",
         "invalid format - format error\nipconfig0.ip: invalid format - value does not look like a valid "
         "ipv4 network "
         "configuration\n\n"},
        {"scsi1=local-lvm:4,cache=fast", "scsi1",
         "invalid format - format error\nscsi1.cache: value 'fast' does not have a value in the enumeration "
         "'none, "
         "writethrough, writeback, unsafe, directsync'\n"},
        {"memory=8", "memory",
         "invalid format - format error\nmemory.current: value must have a minimum value of 16\n"},
        {"agent=enabled=1,", "agent", "<none>"}, // a trailing comma is fine
        {"net1=virtio,bridge=", "net1", "invalid format - missing key in comma-separated list property\n"},
        {"hotplug=disk,gpu", "hotplug", "invalid format - invalid hotplug feature 'gpu'\n"},
        {"net32=virtio", "net32",
         "property is not defined in schema and the schema does not allow additional properties"},
        {"scsi31=local-lvm:1", "scsi31",
         "property is not defined in schema and the schema does not allow additional properties"},
        // pattern [A-Za-z0-9\-_\s]{,16}: Perl 5.34 and later read {,16} as {0,16}
        {"scsi1=local-lvm:4,product=ABCDEFGHIJKLMNOPQ", "scsi1",
         "invalid format - format error\nscsi1.product: value does not match the regex pattern\n"},
        {"scsi1=local-lvm:4,product=ABCDEFGHIJKLMNOP", "scsi1", "<none>"},
    };
    for (const auto& t : cases) {
        const auto eq = t.form.find('=');
        auto r = put(*c, path, t.form.substr(0, eq + 1) + form_value(t.form.substr(eq + 1)));
        if (t.error == "<none>") {
            EXPECT_EQ(r.status, 200u) << t.form << ": " << r.body;
            continue;
        }
        EXPECT_EQ(r.status, 400u) << t.form;
        EXPECT_EQ(message_of(r), "Parameter verification failed.\n");
        EXPECT_EQ(error_of(r, t.key), t.error) << t.form;
    }
}

TEST_F(GuestConfig, SeededConfigsPassTheirOwnValidation) {
    // every seeded guest's config, written back unchanged, passes the schema and changes nothing
    auto all = data(c->get("/cluster/resources?type=vm"));
    for (const auto& g : all.as_array()) {
        const auto& o = g.as_object();
        const std::string kind(o.at("type").as_string());
        const std::string path = "/nodes/" + std::string(o.at("node").as_string()) + "/" + kind + "/" +
                                 std::to_string(o.at("vmid").to_number<int>());
        auto cfg = config(path);
        std::string form;
        for (const auto& [k, v] : cfg) {
            if (k == "meta" || k == "unprivileged" || k == "digest")
                continue;
            const auto value = v.is_string() ? std::string(v.get_string()) : json::serialize(v);
            form += (form.empty() ? "" : "&") + std::string(k) + "=" + form_value(value);
        }
        form += "&digest=" + std::string(cfg.at("digest").as_string());
        auto r = put(*c, path + "/config", form);
        EXPECT_EQ(r.status, 200u) << path << ": " << r.body;
        EXPECT_EQ(config(path).at("digest"), cfg.at("digest")) << path;
    }
}

// --- qemu config ----------------------------------------------------------------------------

TEST_F(GuestConfig, QemuConfigHasTypedValuesAndDigest) {
    auto cfg = config(vm(true));
    EXPECT_TRUE(cfg.at("cores").is_int64());
    EXPECT_TRUE(cfg.at("numa").is_int64());
    EXPECT_TRUE(cfg.at("memory").is_string()) << "memory is a property string in PVE 9";
    EXPECT_TRUE(std::regex_match(std::string(cfg.at("digest").as_string()), std::regex("[0-9a-f]{40}")));
    EXPECT_TRUE(std::regex_match(std::string(cfg.at("net0").as_string()),
                                 std::regex("virtio=BC:24:11:[0-9A-F:]{8},bridge=vmbr0,firewall=1")));
    auto r = c->get(vm(true) + "/config?current=1&snapshot=xy");
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(error_of(r, "current"), "cannot use 'snapshot' parameter with 'current'");
    r = c->get(vm(true) + "/config?snapshot=nope");
    EXPECT_EQ(r.status, 500u);
    EXPECT_EQ(message_of(r), "snapshot 'nope' does not exist\n");
}

TEST_F(GuestConfig, StoppedVmTakesChangesAtOnce) {
    const auto path = vm(false);
    const auto before = config(path);
    auto r = put(*c, path + "/config", "cores=3&sockets=2&name=renamed&memory=3072&tags=b%3Ba%3Bb");
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_TRUE(body_json(r).at("data").is_null());
    auto cfg = config(path);
    EXPECT_EQ(cfg.at("cores"), 3);
    EXPECT_EQ(cfg.at("name"), "renamed");
    EXPECT_EQ(cfg.at("tags"), "a;b") << "get_unique_tags";
    EXPECT_NE(cfg.at("digest"), before.at("digest"));
    EXPECT_TRUE(array_of(c->get(path + "/pending")).size() > 5);
    for (const auto& item : array_of(c->get(path + "/pending")))
        EXPECT_FALSE(item.as_object().contains("pending")) << json::serialize(item);
    auto res = resource(path);
    EXPECT_EQ(res.at("name"), "renamed");
    EXPECT_EQ(res.at("maxcpu"), 6);
    EXPECT_EQ(res.at("maxmem").to_number<std::int64_t>(), 3072LL * 1024 * 1024);
}

TEST_F(GuestConfig, TextNeedingJsonEscapesRoundTrips) {
    const auto path = vm(false);
    // a description with a quote, a backslash, a tab and UTF-8 text, as a form value
    const std::string text = "say \"hi\" \\ back\tslash: gr\xc3\xbc\xc3\x9f";
    auto r = put(*c, path + "/config", "description=" + form_value(text));
    ASSERT_EQ(r.status, 200u) << r.body;
    auto raw = c->get(path + "/config");
    EXPECT_NE(raw.body.find(R"(say \"hi\" \\ back\tslash)"), std::string::npos) << raw.body;
    EXPECT_EQ(config(path).at("description").as_string(), text);
}

TEST_F(GuestConfig, RunningVmKeepsColdChangesPendingUntilStart) {
    const auto path = vm(true);
    const auto before = config(path);
    auto r = put(*c, path + "/config", "cores=7&description=hello&onboot=1");
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(config(path).at("cores"), 7) << "the config view includes pending values";
    auto current = config(path, "?current=1");
    EXPECT_EQ(current.at("cores"), before.at("cores"));
    EXPECT_EQ(current.at("description"), "hello") << "fast-plug options apply at once";
    EXPECT_EQ(current.at("onboot"), 1);
    bool found = false;
    for (const auto& item : array_of(c->get(path + "/pending"))) {
        if (item.at("key") != "cores")
            continue;
        found = true;
        EXPECT_EQ(item.at("value"), before.at("cores"));
        EXPECT_EQ(item.at("pending"), 7);
    }
    EXPECT_TRUE(found);
    EXPECT_NE(resource(path).at("maxcpu"), 7);

    // a pending delete, then revert it
    ASSERT_EQ(put(*c, path + "/config", "delete=numa").status, 200u);
    bool deleting = false;
    for (const auto& item : array_of(c->get(path + "/pending")))
        deleting = deleting || (item.at("key") == "numa" && item.at("delete") == 1);
    EXPECT_TRUE(deleting);
    ASSERT_EQ(put(*c, path + "/config", "revert=numa").status, 200u);
    EXPECT_TRUE(config(path).contains("numa"));

    // stop and start: the pending change is applied
    wait(c->post(path + "/status/stop"));
    auto st = wait(c->post(path + "/status/start"));
    EXPECT_EQ(text(st, "exitstatus"), "OK");
    EXPECT_EQ(config(path, "?current=1").at("cores"), 7);
    EXPECT_EQ(resource(path).at("maxcpu"), 7 * config(path).at("sockets").to_number<int>());
}

TEST_F(GuestConfig, NicsAreAddedWithAMacAndRemoved) {
    const auto path = vm(false);
    ASSERT_EQ(put(*c, path + "/config", "net1=virtio%2Cbridge%3Dvmbr0").status, 200u);
    const std::string net1(config(path).at("net1").as_string());
    EXPECT_TRUE(std::regex_match(
        net1, std::regex("virtio=BC:24:11:[0-9A-F]{2}:[0-9A-F]{2}:[0-9A-F]{2},bridge=vmbr0")))
        << net1;
    ASSERT_EQ(put(*c, path + "/config", "net2=e1000%3D03:BB:CC:DD:EE:FF,bridge%3Dvmbr0,firewall%3D1").status,
              400u)
        << "03 has the group bit set";
    ASSERT_EQ(
        put(*c, path + "/config", "net2=model%3De1000,macaddr%3D02:11:22:33:44:55,bridge%3Dvmbr0").status,
        200u);
    EXPECT_EQ(config(path).at("net2"), "e1000=02:11:22:33:44:55,bridge=vmbr0");
    ASSERT_EQ(put(*c, path + "/config", "delete=net1,net2").status, 200u);
    EXPECT_FALSE(config(path).contains("net1"));
    EXPECT_FALSE(config(path).contains("net2"));

    // a running VM hot-plugs a NIC (network hotplug is on by default)
    const auto running = vm(true);
    ASSERT_EQ(put(*c, running + "/config", "net1=virtio%2Cbridge%3Dvmbr0").status, 200u);
    EXPECT_TRUE(config(running, "?current=1").contains("net1"));
}

TEST_F(GuestConfig, WriteErrorsReadLikePve) {
    const auto path = vm(false) + "/config";
    auto r = put(*c, path, "digest=0000000000000000000000000000000000000000&cores=2");
    EXPECT_EQ(r.status, 500u);
    EXPECT_EQ(message_of(r), "checksum mismatch (file change by other user?)\n");
    r = put(*c, path, "delete=foo");
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(error_of(r, "delete"), "unknown option 'foo'");
    r = put(*c, path, "delete=cores&cores=2");
    EXPECT_EQ(error_of(r, "delete"), "you can't use '-cores' and -delete cores' at the same time");
    r = put(*c, path, "skiplock=0");
    EXPECT_EQ(r.status, 500u);
    EXPECT_EQ(message_of(r), "no options specified\n");
    r = put(*c, path, "sshkeys=not-a-key");
    EXPECT_EQ(r.status, 500u);
    EXPECT_EQ(message_of(r), "SSH public key validation error\n");
    r = put(*c, path, "scsi1=local%3A4");
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(error_of(r, "storage"), "storage 'local' does not support vm images");
    r = put(*c, "/nodes/pve/qemu/999/config", "cores=2");
    EXPECT_EQ(r.status, 500u);
    EXPECT_EQ(message_of(r), "Configuration file 'nodes/pve/qemu-server/999.conf' does not exist\n");

    // a lock refuses writes
    ASSERT_EQ(put(*c, path, "lock=backup").status, 200u);
    EXPECT_EQ(config(vm(false)).at("lock"), "backup");
    r = put(*c, path, "cores=2");
    EXPECT_EQ(r.status, 500u);
    EXPECT_EQ(message_of(r), "VM is locked (backup)\n");
}

TEST_F(GuestConfig, NewDisksAreAllocatedByTheAsyncCall) {
    const auto path = vm(false);
    const auto node = path.substr(7, path.find('/', 7) - 7);
    auto storage_used = [&] {
        for (const auto& e : array_of(c->get("/cluster/resources?type=storage")))
            if (str(e.at("node")) == node && e.at("storage") == "local-lvm")
                return e.at("disk").to_number<std::int64_t>();
        return std::int64_t{-1};
    };
    const auto used = storage_used();
    auto r = c->post(path + "/config", "scsi1=local-lvm%3A10%2Ciothread%3D1&cipassword=secret");
    ASSERT_EQ(r.status, 200u) << r.body;
    const std::string upid(data(r).as_string());
    EXPECT_NE(upid.find(":qmconfig:"), std::string::npos);
    auto st = wait_for_task(*c, upid);
    EXPECT_EQ(text(st, "exitstatus"), "OK");
    const auto lines = task_lines(*c, upid);
    const auto vmid = path.substr(path.rfind('/') + 1);
    ASSERT_GE(lines.size(), 3u);
    EXPECT_EQ(lines[0], "update VM " + vmid + ": -cipassword <hidden> -scsi1 local-lvm:10,iothread=1");
    EXPECT_EQ(lines[1], "  Logical volume \"vm-" + vmid + "-disk-1\" created.");
    auto cfg = config(path);
    EXPECT_EQ(str(cfg.at("scsi1")), "local-lvm:vm-" + vmid + "-disk-1,iothread=1,size=10G");
    EXPECT_EQ(cfg.at("cipassword"), "**********");
    EXPECT_EQ(storage_used() - used, 10LL << 30);

    // detaching makes it unused0; deleting unused0 destroys it
    ASSERT_EQ(put(*c, path + "/config", "delete=scsi1").status, 200u);
    EXPECT_EQ(str(config(path).at("unused0")), "local-lvm:vm-" + vmid + "-disk-1");
    ASSERT_EQ(put(*c, path + "/config", "delete=unused0").status, 200u);
    EXPECT_FALSE(config(path).contains("unused0"));
}

TEST_F(GuestConfig, AnAttachedIsoGetsItsSize) {
    // update_vm runs create_disks too: an existing volume gets volume_size_info's size
    const auto path = vm(false);
    ASSERT_EQ(put(*c, path + "/config",
                  "ide2=" + form_value("local:iso/debian-13.1.0-amd64-netinst.iso,media=cdrom"))
                  .status,
              200u);
    EXPECT_EQ(str(config(path).at("ide2")),
              "local:iso/debian-13.1.0-amd64-netinst.iso,media=cdrom,size=754M");
}

TEST_F(GuestConfig, ResizeGrowsDisksInATask) {
    const auto path = vm(true);
    const std::string scsi0(config(path).at("scsi0").as_string());
    const auto old_gib = std::stoi(scsi0.substr(scsi0.find("size=") + 5));
    auto st = wait(put(*c, path + "/resize", "disk=scsi0&size=%2B2G"));
    EXPECT_EQ(text(st, "exitstatus"), "OK");
    const std::string grown(config(path).at("scsi0").as_string());
    EXPECT_NE(grown.find("size=" + std::to_string(old_gib + 2) + "G"), std::string::npos) << grown;
    EXPECT_EQ(resource(path).at("maxdisk").to_number<std::int64_t>(), std::int64_t(old_gib + 2) << 30);

    st = wait(put(*c, path + "/resize", "disk=scsi0&size=1G"));
    EXPECT_EQ(text(st, "exitstatus"), "shrinking disks is not supported");
    st = wait(put(*c, path + "/resize", "disk=scsi5&size=%2B1G"));
    EXPECT_EQ(text(st, "exitstatus"), "disk 'scsi5' does not exist");
    st = wait(put(*c, path + "/resize", "disk=ide2&size=%2B1G"));
    EXPECT_EQ(text(st, "exitstatus"), "you can't resize a cdrom");
    auto r = put(*c, path + "/resize", "disk=scsi0&size=big");
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(error_of(r, "size"), "value does not match the regex pattern");

    // qemu-server's resize_vm checks nothing before its worker: a VM that is not on the node
    // gets a UPID, and the task fails loading the config
    const auto node = path.substr(7, path.find('/', 7) - 7);
    const auto vmid = path.substr(path.rfind('/') + 1);
    const std::string other = node == "pve" ? "pve2" : "pve";
    r = put(*c, "/nodes/" + other + "/qemu/" + vmid + "/resize", "disk=scsi0&size=%2B1G");
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(text(wait(r), "exitstatus"),
              "Configuration file 'nodes/" + other + "/qemu-server/" + vmid + ".conf' does not exist");
}

// --- lxc ------------------------------------------------------------------------------------

TEST_F(GuestConfig, ContainerConfigWritesAndResize) {
    // hostname, memory and NICs are hot-plugged into a running container
    const auto path = ct(true);
    auto cfg = config(path);
    EXPECT_TRUE(cfg.at("cores").is_int64());
    EXPECT_EQ(cfg.at("unprivileged"), 1);
    ASSERT_EQ(
        put(*c, path + "/config", "hostname=renamed&memory=1536&net1=name%3Deth1%2Cbridge%3Dvmbr0").status,
        200u);
    cfg = config(path);
    EXPECT_EQ(cfg.at("hostname"), "renamed");
    EXPECT_TRUE(std::regex_match(std::string(cfg.at("net1").as_string()),
                                 std::regex("name=eth1,bridge=vmbr0,hwaddr=BC:24:11:[0-9A-F:]{8},type=veth")))
        << cfg.at("net1");
    EXPECT_EQ(resource(path).at("name"), "renamed");
    EXPECT_EQ(resource(path).at("maxmem").to_number<std::int64_t>(), 1536LL << 20);

    auto r = put(*c, path + "/config", "delete=memory");
    EXPECT_EQ(r.status, 500u);
    EXPECT_EQ(message_of(r), "unable to delete required option 'memory'\n");
    r = put(*c, path + "/config", "unprivileged=0");
    EXPECT_EQ(message_of(r), "unable to modify read-only option: 'unprivileged'\n");
    r = put(*c, path + "/config", "digest=abc&cores=2");
    EXPECT_EQ(message_of(r), "detected modified configuration - file changed by other user? Try again.\n");

    r = put(*c, path + "/resize", "disk=rootfs&size=1G");
    EXPECT_EQ(r.status, 500u);
    EXPECT_EQ(message_of(r), "unable to shrink disk size\n");
    const std::string rootfs(config(path).at("rootfs").as_string());
    const auto old_gib = std::stoi(rootfs.substr(rootfs.find("size=") + 5));
    // pve-container resize_vm refuses the current size at once, without a task
    r = put(*c, path + "/resize", "disk=rootfs&size=" + std::to_string(old_gib) + "G");
    EXPECT_EQ(r.status, 500u);
    EXPECT_EQ(message_of(r), "disk is already at specified size\n");
    r = put(*c, path + "/resize", "disk=rootfs&size=%2B0");
    EXPECT_EQ(message_of(r), "disk is already at specified size\n");
    EXPECT_EQ(text(wait(put(*c, path + "/resize", "disk=rootfs&size=%2B1G")), "exitstatus"), "OK");
    EXPECT_NE(
        std::string(config(path).at("rootfs").as_string()).find("size=" + std::to_string(old_gib + 1) + "G"),
        std::string::npos);

    // a running container keeps cold changes pending
    const auto& running = path;
    ASSERT_EQ(put(*c, running + "/config", "arch=arm64&cores=3").status, 200u);
    EXPECT_EQ(config(running, "?current=1").at("cores"), 3);
    EXPECT_EQ(config(running, "?current=1").at("arch"), "amd64");
    EXPECT_EQ(config(running).at("arch"), "arm64");
}

// --- cloud-init -----------------------------------------------------------------------------

TEST_F(GuestConfig, CloudInitPendingRegenerateAndDump) {
    const auto path = vm(true);
    ASSERT_EQ(put(*c, path + "/config", "ide2=local-lvm%3Acloudinit").status, 200u);
    const auto vmid = path.substr(path.rfind('/') + 1);
    EXPECT_EQ(str(config(path, "?current=1").at("ide2")), "local-lvm:vm-" + vmid + "-cloudinit,media=cdrom");
    ASSERT_EQ(put(*c, path + "/config",
                  "ciuser=admin&ipconfig0=" + form_value("ip=10.0.0.5/24,gw=10.0.0.1") +
                      "&nameserver=1.1.1.1&searchdomain=example.com&sshkeys=" +
                      form_value(form_value("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB test@host")))
                  .status,
              200u);
    auto pending = array_of(c->get(path + "/cloudinit"));
    ASSERT_FALSE(pending.empty());
    EXPECT_EQ(pending[0].at("key"), "ciuser") << json::serialize(pending);
    EXPECT_EQ(pending[0].at("pending"), "admin");
    EXPECT_FALSE(pending[0].as_object().contains("value"));

    ASSERT_EQ(put(*c, path + "/cloudinit", "").status, 200u);
    for (const auto& item : array_of(c->get(path + "/cloudinit")))
        EXPECT_FALSE(item.as_object().contains("pending")) << json::serialize(item);

    const std::string user(data(c->get(path + "/cloudinit/dump?type=user")).as_string());
    EXPECT_EQ(user.rfind("#cloud-config\nhostname: ", 0), 0u) << user;
    EXPECT_NE(user.find("user: admin\n"), std::string::npos);
    EXPECT_NE(user.find("ssh_authorized_keys:\n  - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB test@host\n"),
              std::string::npos)
        << user;
    const std::string network(data(c->get(path + "/cloudinit/dump?type=network")).as_string());
    EXPECT_NE(
        network.find("      - type: static\n        address: '10.0.0.5'\n        netmask: '255.255.255.0'\n"
                     "        gateway: '10.0.0.1'\n"),
        std::string::npos)
        << network;
    EXPECT_NE(network.find("      address:\n      - '1.1.1.1'\n"), std::string::npos) << network;
    const std::string meta(data(c->get(path + "/cloudinit/dump?type=meta")).as_string());
    EXPECT_TRUE(std::regex_match(meta, std::regex("instance-id: [0-9a-f]{40}\n"))) << meta;
    EXPECT_EQ(c->get(path + "/cloudinit/dump?type=vendor").status, 400u);
}

} // namespace
