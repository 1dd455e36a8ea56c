// Tools of the vm family against the simulator (see tool_fixture.hpp): clone, create, delete,
// migrate, resize, template, configure, cloud-init, NICs and the VM firewall.
#include "tool_fixture.hpp"

#include <proxmox/blocking_client.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace {

namespace json = boost::json;
using proxmox::mcp::testing::tool_fixture;

class VmTools : public tool_fixture {
protected:
    /// The VM's config as PVE reports it (pending changes applied).
    proxmox::qemu_config config(std::string node, proxmox::vmid_t vmid) {
        auto c = pve().run(pve().async().node(std::move(node)).qemu(vmid).async_config());
        EXPECT_TRUE(c) << c.error().to_string();
        return c ? *c : proxmox::qemu_config{};
    }

    /// The guest with this vmid as proxmox-list-vms shows it, or an empty object.
    json::object listed_vm(std::int64_t vmid) {
        auto list = ok("proxmox-list-vms", {{"limit", 500}});
        for (const auto& v : list.at("vms").as_array())
            if (v.at("vmid").to_number<std::int64_t>() == vmid)
                return v.as_object();
        return {};
    }

    /// Waits for the task a tool answered without waiting.
    void wait_for(const json::object& out) {
        auto task = pve().async().task(std::string(out.at("upid").as_string()));
        ASSERT_TRUE(task) << task.error().to_string();
        auto done = pve().run(task->async_wait());
        ASSERT_TRUE(done) << done.error().to_string();
        EXPECT_TRUE(done->succeeded()) << done->exit_status.value_or("");
    }

    /// Each request of a preview (or refusal details): `METHOD path {params}`.
    static std::vector<std::string> planned(const json::array& requests) {
        std::vector<std::string> out;
        for (const auto& r : requests) {
            json::object params;
            if (const auto* p = r.as_object().if_contains("params"))
                params = p->as_object();
            out.push_back(std::string(r.at("method").as_string()) + " " +
                          std::string(r.at("path").as_string()) + " " + json::serialize(params));
        }
        return out;
    }

    /// The writes the simulator saw from the `from`th on, in the same form as planned().
    std::vector<std::string> written(std::size_t from = 0) const {
        std::vector<std::string> out;
        auto w = writes();
        for (std::size_t i = from; i < w.size(); ++i) {
            auto params = json::parse(w[i].params.empty() ? "{}" : w[i].params).as_object();
            json::object shown;
            for (const auto& kv : params) // the simulator's log keeps the sent text
                shown[kv.key()] =
                    kv.value().is_string() ? kv.value() : json::value(json::serialize(kv.value()));
            out.push_back(w[i].method + " " + w[i].path + " " + json::serialize(shown));
        }
        return out;
    }

    /// `dry_run` and then `confirm` of the same call: the preview lists exactly the writes made
    /// (method, path and parameters). Returns the confirmed call's result.
    json::object expect_preview_matches(const char* tool, json::object args) {
        auto preview_args = args;
        preview_args["dry_run"] = true;
        const auto before = writes().size();
        auto preview = ok(tool, preview_args);
        EXPECT_EQ(preview.at("dry_run"), true) << tool;
        EXPECT_EQ(preview.at("would_run"), true) << tool << ": " << json::serialize(preview);
        EXPECT_EQ(writes().size(), before) << tool << ": a preview sent a write";
        args["confirm"] = true;
        auto out = ok(tool, args);
        EXPECT_FALSE(preview.at("requests").as_array().empty()) << tool;
        EXPECT_EQ(planned(preview.at("requests").as_array()), written(before)) << tool;
        return out;
    }

    /// A call without confirm: an error that shows the plan, and nothing sent.
    void expect_refused_without_confirm(const char* tool, json::object args) {
        const auto before = writes().size();
        auto r = call(tool, std::move(args));
        ASSERT_TRUE(proxmox::mcp::testing::is_error(r)) << tool;
        auto text = proxmox::mcp::testing::text_of(r);
        EXPECT_NE(text.find("confirm: true"), std::string::npos) << text;
        EXPECT_NE(text.find("\"requests\""), std::string::npos) << text;
        EXPECT_EQ(writes().size(), before) << tool << " wrote without confirm";
    }
};

// ---- proxmox-clone-vm ---------------------------------------------------------------------------

TEST_F(VmTools, CloneOfTheTemplateIsThenListed) {
    auto out = ok(
        "proxmox-clone-vm",
        {{"source_vmid", 9000}, {"new_vmid", 150}, {"name", "web-new"}, {"confirm", true}, {"wait", true}});
    EXPECT_EQ(out.at("vmid"), 150);
    EXPECT_EQ(out.at("task").at("exitstatus"), "OK");
    auto vm = listed_vm(150);
    ASSERT_FALSE(vm.empty()) << "the clone is not listed";
    EXPECT_EQ(vm.at("name"), "web-new");
    EXPECT_EQ(vm.at("node"), "pve");
    EXPECT_EQ(vm.at("template"), false);
    ASSERT_EQ(writes().size(), 1u);
    EXPECT_EQ(writes()[0].path, "/nodes/pve/qemu/9000/clone");
}

TEST_F(VmTools, CloneOntoAUsedVmidFailsInThePlanAndSendsNothing) {
    auto text = err("proxmox-clone-vm", {{"source_vmid", 9000}, {"new_vmid", 100}, {"confirm", true}});
    EXPECT_NE(text.find("vmid 100 is in use"), std::string::npos) << text;
    EXPECT_NE(text.find("web01"), std::string::npos) << text;
    auto preview = ok("proxmox-clone-vm", {{"source_vmid", 9000}, {"new_vmid", 100}, {"dry_run", true}});
    EXPECT_EQ(preview.at("would_run"), false);
    EXPECT_TRUE(writes().empty());
}

TEST_F(VmTools, CloneWithoutConfirmShowsThePlanAndSendsNothing) {
    expect_refused_without_confirm("proxmox-clone-vm", {{"source_vmid", 9000}, {"new_vmid", 150}});
    EXPECT_TRUE(listed_vm(150).empty());
}

TEST_F(VmTools, ClonePreviewIsWhatTheConfirmedCallSends) {
    expect_preview_matches(
        "proxmox-clone-vm",
        {{"source_vmid", 9001}, {"new_vmid", 151}, {"name", "u1"}, {"storage", "local-lvm"}});
}

TEST_F(VmTools, CloneToAnotherNodeFromLocalDisksSaysToMigrateInstead) {
    auto text = err("proxmox-clone-vm",
                    {{"source_vmid", 9000}, {"new_vmid", 150}, {"target_node", "pve2"}, {"confirm", true}});
    EXPECT_NE(text.find("local"), std::string::npos) << text;
    EXPECT_NE(text.find("proxmox-migrate-vm"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
}

TEST_F(VmTools, CloneOfAnUnknownSourceNamesTheFix) {
    auto text = err("proxmox-clone-vm", {{"source_vmid", 4242}, {"new_vmid", 150}, {"confirm", true}});
    EXPECT_NE(text.find("source_vmid"), std::string::npos) << text;
    EXPECT_NE(text.find("proxmox-list-vms"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
}

TEST_F(VmTools, CloneOutsideTheVmidAllowListIsRefused) {
    start_server({{"PROXMOX_ALLOWED_VMIDS", "100-199,9000-9001"}});
    auto text = err("proxmox-clone-vm", {{"source_vmid", 9000}, {"new_vmid", 500}, {"confirm", true}});
    EXPECT_NE(text.find("PROXMOX_ALLOWED_VMIDS"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
}

// ---- proxmox-create-vm --------------------------------------------------------------------------

TEST_F(VmTools, CreateBuildsTheVmWithDiskNicAndIso) {
    auto out = ok("proxmox-create-vm", {{"vmid", 150},
                                        {"name", "new1"},
                                        {"cores", 4},
                                        {"memory_mb", 4096},
                                        {"disk_gb", 10},
                                        {"iso", "debian-13.1.0-amd64-netinst.iso"},
                                        {"confirm", true},
                                        {"wait", true}});
    EXPECT_EQ(out.at("task").at("exitstatus"), "OK");
    auto vm = listed_vm(150);
    ASSERT_FALSE(vm.empty());
    EXPECT_EQ(vm.at("name"), "new1");
    auto c = config("pve", 150);
    EXPECT_EQ(c.get("cores"), "4");
    EXPECT_EQ(c.get("memory"), "4096");
    auto disks = c.disks();
    ASSERT_TRUE(disks);
    ASSERT_TRUE(disks->contains("scsi0"));
    EXPECT_EQ(disks->at("scsi0").volume.substr(0, 10), "local-lvm:");
    EXPECT_EQ(disks->at("scsi0").size, "10G");
    ASSERT_TRUE(disks->contains("ide2"));
    EXPECT_EQ(disks->at("ide2").volume, "local:iso/debian-13.1.0-amd64-netinst.iso");
    auto nets = c.nets();
    ASSERT_TRUE(nets && nets->contains(0));
    EXPECT_EQ(nets->at(0).bridge, "vmbr0");
}

TEST_F(VmTools, CreateChecksStorageBridgeAndIsoBeforeSending) {
    auto text = err("proxmox-create-vm", {{"vmid", 150},
                                          {"name", "new1"},
                                          {"storage", "local"},
                                          {"bridge", "vmbr9"},
                                          {"iso", "debian.iso"},
                                          {"confirm", true}});
    EXPECT_NE(text.find("does not hold VM disks"), std::string::npos) << text;
    EXPECT_NE(text.find("local-lvm"), std::string::npos) << text; // the storage to use
    EXPECT_NE(text.find("bridges on pve: vmbr0"), std::string::npos) << text;
    EXPECT_NE(text.find("local:iso/debian-13.1.0-amd64-netinst.iso"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
}

TEST_F(VmTools, CreateOnAUsedVmidFailsInThePlan) {
    auto text = err("proxmox-create-vm", {{"vmid", 101}, {"name", "x"}, {"confirm", true}});
    EXPECT_NE(text.find("vmid 101 is in use"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
}

TEST_F(VmTools, CreateRefusesANameThatIsNoDnsName) {
    auto text = err("proxmox-create-vm", {{"vmid", 150}, {"name", "my vm"}, {"confirm", true}});
    EXPECT_NE(text.find("DNS name"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
}

TEST_F(VmTools, CreatePreviewIsWhatTheConfirmedCallSends) {
    expect_preview_matches("proxmox-create-vm", {{"vmid", 152}, {"name", "new2"}, {"node", "pve3"}});
    expect_refused_without_confirm("proxmox-create-vm", {{"vmid", 153}, {"name", "new3"}});
}

// ---- proxmox-delete-vm --------------------------------------------------------------------------

TEST_F(VmTools, DeleteRemovesAStoppedVm) {
    ASSERT_FALSE(listed_vm(101).empty());
    auto out = ok("proxmox-delete-vm", {{"vmid", 101}, {"confirm", true}, {"wait", true}});
    EXPECT_EQ(out.at("task").at("exitstatus"), "OK");
    EXPECT_EQ(out.at("purge"), true);
    EXPECT_TRUE(listed_vm(101).empty()) << "VM 101 is still listed";
    EXPECT_NE(last_params("DELETE", "/nodes/pve2/qemu/101").find("purge"), std::string::npos);
}

TEST_F(VmTools, DeleteRefusesARunningVmAndSaysToStopIt) {
    auto text = err("proxmox-delete-vm", {{"vmid", 100}, {"confirm", true}});
    EXPECT_NE(text.find("stop it first with proxmox-stop-vm"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
    EXPECT_FALSE(listed_vm(100).empty());
}

TEST_F(VmTools, DeleteRefusesAProtectedVm) {
    ok("proxmox-configure-vm",
       {{"vmid", 101}, {"params", {{"protection", true}}}, {"confirm", true}, {"wait", true}});
    const auto before = writes().size();
    auto text = err("proxmox-delete-vm", {{"vmid", 101}, {"confirm", true}});
    EXPECT_NE(text.find("protection"), std::string::npos) << text;
    EXPECT_EQ(writes().size(), before);
}

TEST_F(VmTools, DeletePreviewIsWhatTheConfirmedCallSends) {
    expect_refused_without_confirm("proxmox-delete-vm", {{"vmid", 101}});
    expect_preview_matches("proxmox-delete-vm", {{"vmid", 101}, {"purge", false}});
}

// ---- proxmox-migrate-vm -------------------------------------------------------------------------

TEST_F(VmTools, MigrateMovesARunningVmLive) {
    auto out = ok("proxmox-migrate-vm", {{"vmid", 100}, {"target_node", "pve2"}, {"confirm", true}});
    EXPECT_EQ(out.at("waited"), true); // this tool waits unless told not to
    EXPECT_EQ(out.at("task").at("exitstatus"), "OK");
    EXPECT_EQ(out.at("live"), true);
    auto vm = listed_vm(100);
    EXPECT_EQ(vm.at("node"), "pve2");
    EXPECT_EQ(vm.at("status"), "running");
    auto params = last_params("POST", "/nodes/pve/qemu/100/migrate");
    EXPECT_NE(params.find("\"online\""), std::string::npos) << params;
    EXPECT_NE(params.find("with-local-disks"), std::string::npos) << params;
}

TEST_F(VmTools, MigrateToAnUnknownNodeListsTheNodes) {
    auto text = err("proxmox-migrate-vm", {{"vmid", 100}, {"target_node", "pve9"}, {"confirm", true}});
    EXPECT_NE(text.find("pve, pve2, pve3"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
}

TEST_F(VmTools, MigrateToItsOwnNodeIsAlreadyDone) {
    auto out = ok("proxmox-migrate-vm", {{"vmid", 100}, {"target_node", "pve"}, {"confirm", true}});
    EXPECT_EQ(out.at("already"), true);
    EXPECT_TRUE(writes().empty());
}

TEST_F(VmTools, MigratePreviewIsWhatTheConfirmedCallSends) {
    expect_refused_without_confirm("proxmox-migrate-vm", {{"vmid", 101}, {"target_node", "pve3"}});
    expect_preview_matches("proxmox-migrate-vm", {{"vmid", 101}, {"target_node", "pve3"}});
    EXPECT_EQ(listed_vm(101).at("node"), "pve3");
}

// ---- proxmox-resize-vm-disk ---------------------------------------------------------------------

TEST_F(VmTools, ResizeGrowsTheDisk) {
    auto before = config("pve2", 101).disks();
    ASSERT_TRUE(before && before->contains("scsi0"));
    EXPECT_EQ(before->at("scsi0").size, "32G");
    auto out = ok("proxmox-resize-vm-disk", {{"vmid", 101}, {"grow_gb", 10}, {"confirm", true}});
    EXPECT_EQ(out.at("old_size"), "32G");
    EXPECT_EQ(out.at("size"), "42G");
    auto after = config("pve2", 101).disks();
    ASSERT_TRUE(after && after->contains("scsi0"));
    EXPECT_EQ(after->at("scsi0").size, "42G");
    EXPECT_NE(last_params("PUT", "/nodes/pve2/qemu/101/resize").find("+10G"), std::string::npos);
}

TEST_F(VmTools, ResizeOfAMissingDiskNamesTheVmsDisks) {
    auto text = err("proxmox-resize-vm-disk",
                    {{"vmid", 101}, {"disk", "virtio3"}, {"grow_gb", 5}, {"confirm", true}});
    EXPECT_NE(text.find("its disks: scsi0"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
}

TEST_F(VmTools, ResizeRefusesToShrink) {
    auto text = err("proxmox-resize-vm-disk", {{"vmid", 101}, {"grow_gb", 0}, {"confirm", true}});
    EXPECT_NE(text.find("grow_gb"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
}

TEST_F(VmTools, ResizePreviewIsWhatTheConfirmedCallSends) {
    expect_refused_without_confirm("proxmox-resize-vm-disk", {{"vmid", 101}, {"grow_gb", 1}});
    expect_preview_matches("proxmox-resize-vm-disk", {{"vmid", 101}, {"grow_gb", 1}});
}

// ---- proxmox-template-vm ------------------------------------------------------------------------

TEST_F(VmTools, TemplateConvertsAStoppedVm) {
    auto out = ok("proxmox-template-vm", {{"vmid", 101}, {"confirm", true}});
    wait_for(out);
    EXPECT_EQ(listed_vm(101).at("template"), true);
    auto again = ok("proxmox-template-vm", {{"vmid", 101}, {"confirm", true}});
    EXPECT_EQ(again.at("already"), true);
    EXPECT_EQ(writes().size(), 1u);
}

TEST_F(VmTools, TemplateRefusesARunningVm) {
    auto text = err("proxmox-template-vm", {{"vmid", 100}, {"confirm", true}});
    EXPECT_NE(text.find("proxmox-stop-vm"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
    EXPECT_EQ(listed_vm(100).at("template"), false);
}

TEST_F(VmTools, TemplatePreviewIsWhatTheConfirmedCallSends) {
    expect_refused_without_confirm("proxmox-template-vm", {{"vmid", 101}});
    expect_preview_matches("proxmox-template-vm", {{"vmid", 101}});
}

// ---- proxmox-configure-vm -----------------------------------------------------------------------

TEST_F(VmTools, ConfigureSetsAndDeletesKeys) {
    auto out = ok("proxmox-configure-vm",
                  {{"vmid", 101},
                   {"params", {{"cores", 4}, {"memory", 4096}, {"onboot", true}, {"delete", "ide2"}}},
                   {"confirm", true},
                   {"wait", true}});
    EXPECT_EQ(out.at("task").at("exitstatus"), "OK");
    auto c = config("pve2", 101);
    EXPECT_EQ(c.get("cores"), "4");
    EXPECT_EQ(c.get("memory"), "4096");
    EXPECT_EQ(c.get("onboot"), "1");
    EXPECT_FALSE(c.contains("ide2"));
    // the same change again: nothing to do
    const auto before = writes().size();
    auto again = ok("proxmox-configure-vm",
                    {{"vmid", 101}, {"params", {{"cores", 4}, {"delete", "ide2"}}}, {"confirm", true}});
    EXPECT_EQ(again.at("already"), true);
    EXPECT_EQ(writes().size(), before);
}

TEST_F(VmTools, ConfigureNamesEveryUnknownKey) {
    auto text =
        err("proxmox-configure-vm",
            {{"vmid", 101}, {"params", {{"cores", 2}, {"corez", 4}, {"memroy", 1}}}, {"confirm", true}});
    EXPECT_NE(text.find("'corez'"), std::string::npos) << text;
    EXPECT_NE(text.find("'memroy'"), std::string::npos) << text;
    EXPECT_EQ(text.find("'cores'"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
}

TEST_F(VmTools, ConfigurePreviewIsWhatTheConfirmedCallSends) {
    expect_refused_without_confirm("proxmox-configure-vm", {{"vmid", 100}, {"params", {{"cores", 1}}}});
    expect_preview_matches(
        "proxmox-configure-vm",
        {{"vmid", 100}, {"params", {{"cores", 1}, {"description", "web"}}}, {"wait", true}});
    EXPECT_EQ(config("pve", 100).get("description"), "web");
}

// ---- proxmox-cloudinit-set ----------------------------------------------------------------------

TEST_F(VmTools, CloudinitSetWritesTheSettingsAndNeverShowsThePassword) {
    const std::string keys =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 alice@laptop\nssh-rsa AAAAB3NzaC1yc2E bob@desk";
    json::object args{{"vmid", 101},
                      {"ipconfig0", "ip=192.168.1.50/24,gw=192.168.1.1"},
                      {"sshkeys", keys},
                      {"ciuser", "admin"},
                      {"cipassword", "Sup3r-s3cret"}};
    auto preview_args = args;
    preview_args["dry_run"] = true;
    auto preview = call("proxmox-cloudinit-set", preview_args);
    EXPECT_EQ(proxmox::mcp::testing::text_of(preview).find("Sup3r-s3cret"), std::string::npos);
    auto refused = call("proxmox-cloudinit-set", args);
    EXPECT_EQ(proxmox::mcp::testing::text_of(refused).find("Sup3r-s3cret"), std::string::npos);
    EXPECT_TRUE(writes().empty());

    args["confirm"] = true;
    auto out = ok("proxmox-cloudinit-set", args);
    EXPECT_EQ(json::serialize(out).find("Sup3r-s3cret"), std::string::npos);
    auto c = config("pve2", 101);
    EXPECT_EQ(c.get("ciuser"), "admin");
    auto ip = c.ipconfigs();
    ASSERT_TRUE(ip && ip->contains(0));
    EXPECT_EQ(ip->at(0).ip, "192.168.1.50/24");
    EXPECT_EQ(ip->at(0).gw, "192.168.1.1");
    auto stored = proxmox::decode_ssh_keys(c.get("sshkeys").value_or(""));
    EXPECT_EQ(stored, (std::vector<std::string>{"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 alice@laptop",
                                                "ssh-rsa AAAAB3NzaC1yc2E bob@desk"}));
    EXPECT_TRUE(c.contains("cipassword"));
}

TEST_F(VmTools, CloudinitSetNeedsASettingAndAValidIp) {
    auto text = err("proxmox-cloudinit-set", {{"vmid", 101}, {"confirm", true}});
    EXPECT_NE(text.find("ipconfig0"), std::string::npos) << text;
    text = err("proxmox-cloudinit-set", {{"vmid", 101}, {"ipconfig0", "ip=10.0.0.5"}, {"confirm", true}});
    EXPECT_NE(text.find("ip=192.168.1.50/24"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
}

TEST_F(VmTools, CloudinitSetPreviewIsWhatTheConfirmedCallSends) {
    expect_preview_matches("proxmox-cloudinit-set",
                           {{"vmid", 101}, {"ciuser", "ops"}, {"ipconfig0", "ip=dhcp"}});
}

// ---- proxmox-vm-nic-add / -remove ---------------------------------------------------------------

TEST_F(VmTools, NicAddTakesTheLowestFreeSlotAndNicRemoveTakesItAway) {
    auto out = ok("proxmox-vm-nic-add", {{"vmid", 101}, {"vlan", 20}, {"confirm", true}});
    EXPECT_EQ(out.at("nic"), "net1");
    auto nets = config("pve2", 101).nets();
    ASSERT_TRUE(nets && nets->contains(1));
    EXPECT_EQ(nets->at(1).bridge, "vmbr0");
    EXPECT_EQ(nets->at(1).tag, 20u);
    EXPECT_EQ(nets->at(1).model, "virtio");

    auto removed = ok("proxmox-vm-nic-remove", {{"vmid", 101}, {"slot", 1}, {"confirm", true}});
    EXPECT_EQ(removed.at("nic"), "net1");
    EXPECT_FALSE(config("pve2", 101).contains("net1"));
    EXPECT_TRUE(config("pve2", 101).contains("net0"));
}

TEST_F(VmTools, NicAddOnAnUnknownBridgeListsTheNodesBridges) {
    auto text = err("proxmox-vm-nic-add", {{"vmid", 101}, {"bridge", "vmbr7"}, {"confirm", true}});
    EXPECT_NE(text.find("bridges on pve2: vmbr0"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
}

TEST_F(VmTools, NicRemoveOfAnAbsentSlotNamesTheVmsNics) {
    auto text = err("proxmox-vm-nic-remove", {{"vmid", 101}, {"slot", 3}, {"confirm", true}});
    EXPECT_NE(text.find("net0 (slot 0)"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
}

TEST_F(VmTools, NicPreviewsAreWhatTheConfirmedCallsSend) {
    expect_refused_without_confirm("proxmox-vm-nic-add", {{"vmid", 101}});
    expect_preview_matches("proxmox-vm-nic-add", {{"vmid", 101}, {"model", "e1000"}});
    expect_refused_without_confirm("proxmox-vm-nic-remove", {{"vmid", 101}, {"slot", 1}});
    expect_preview_matches("proxmox-vm-nic-remove", {{"vmid", 101}, {"slot", 1}});
}

// ---- proxmox-vm-firewall-set --------------------------------------------------------------------

TEST_F(VmTools, FirewallSetEnablesAndAddsRulesInOrder) {
    auto out = ok(
        "proxmox-vm-firewall-set",
        {{"vmid", 101},
         {"enable", true},
         {"rules", json::array{json::object{{"type", "in"},
                                            {"action", "ACCEPT"},
                                            {"proto", "tcp"},
                                            {"dport", "22"},
                                            {"comment", "ssh"}},
                               json::object{{"type", "in"}, {"action", "DROP"}, {"source", "10.0.0.0/8"}}}},
         {"confirm", true}});
    EXPECT_EQ(out.at("rules_added"), 2);
    auto fw = pve().async().node("pve2").qemu(101).firewall();
    auto options = pve().run(fw.async_options());
    ASSERT_TRUE(options);
    EXPECT_EQ(options->enable, true);
    auto rules = pve().run(fw.async_rules());
    ASSERT_TRUE(rules);
    ASSERT_EQ(rules->size(), 2u);
    EXPECT_EQ((*rules)[0].dport, "22");
    EXPECT_TRUE((*rules)[0].enable);
    EXPECT_EQ((*rules)[1].action, "DROP");
    EXPECT_TRUE((*rules)[1].enable);

    const auto before = writes().size();
    auto again = ok("proxmox-vm-firewall-set", {{"vmid", 101}, {"enable", true}, {"confirm", true}});
    EXPECT_EQ(again.at("already"), true);
    EXPECT_EQ(writes().size(), before);
}

TEST_F(VmTools, FirewallSetWantsAProtocolForAPort) {
    auto text =
        err("proxmox-vm-firewall-set",
            {{"vmid", 101},
             {"rules", json::array{json::object{{"type", "in"}, {"action", "ACCEPT"}, {"dport", "22"}}}},
             {"confirm", true}});
    EXPECT_NE(text.find("dport needs proto"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
    text = err("proxmox-vm-firewall-set", {{"vmid", 101}, {"confirm", true}});
    EXPECT_NE(text.find("enable"), std::string::npos) << text;
}

TEST_F(VmTools, FirewallSetPreviewIsWhatTheConfirmedCallSends) {
    json::object args{
        {"vmid", 100},
        {"enable", true},
        {"rules", json::array{json::object{{"type", "out"}, {"action", "REJECT"}, {"dest", "1.2.3.4"}}}}};
    expect_refused_without_confirm("proxmox-vm-firewall-set", args);
    expect_preview_matches("proxmox-vm-firewall-set", args);
}

} // namespace
