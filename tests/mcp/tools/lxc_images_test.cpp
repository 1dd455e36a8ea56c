// Tools of the lxc_images family against the simulator (see tool_fixture.hpp): create/delete/
// configure containers, uploads, snapshots, backups and restores.
#include "tool_fixture.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <utility>
#include <vector>

namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using proxmox::mcp::testing::tool_fixture;

constexpr const char* debian_template = "local:vztmpl/debian-13-standard_13.1-2_amd64.tar.zst";

using request_line = std::pair<std::string, std::string>; // method, path

class LxcImageTools : public tool_fixture {
protected:
    void TearDown() override {
        std::error_code ec;
        if (!scratch_.empty())
            fs::remove_all(scratch_, ec);
        tool_fixture::TearDown();
    }

    /// The method and path of each request of a dry_run preview.
    static std::vector<request_line> planned(const json::object& preview) {
        std::vector<request_line> out;
        EXPECT_EQ(preview.at("dry_run"), true);
        for (const auto& r : preview.at("requests").as_array())
            out.emplace_back(std::string(r.at("method").as_string()), std::string(r.at("path").as_string()));
        return out;
    }

    /// The method and path of each write the simulator saw.
    std::vector<request_line> sent() const {
        std::vector<request_line> out;
        for (const auto& e : writes())
            out.emplace_back(e.method, e.path);
        return out;
    }

    /// The preview of `args` sends nothing and lists exactly the writes a confirmed call then sends.
    json::object expect_preview_matches_writes(const char* tool, json::object args) {
        server().clear_request_log();
        auto preview_args = args;
        preview_args["dry_run"] = true;
        auto preview = ok(tool, preview_args);
        EXPECT_TRUE(writes().empty()) << tool << ": dry_run wrote";
        EXPECT_EQ(preview.at("would_run"), true) << json::serialize(preview);
        args["confirm"] = true;
        auto done = ok(tool, args);
        EXPECT_EQ(planned(preview), sent()) << tool << ": " << json::serialize(preview);
        return done;
    }

    /// Without confirm: an error that shows the plan, and no write.
    std::string expect_unconfirmed_refusal(const char* tool, json::object args, std::string_view path) {
        server().clear_request_log();
        auto text = err(tool, std::move(args));
        EXPECT_NE(text.find("confirm: true"), std::string::npos) << text;
        EXPECT_NE(text.find(path), std::string::npos) << text;
        EXPECT_TRUE(writes().empty()) << tool;
        return text;
    }

    /// Guests (vmid) listed by proxmox-list-vms / proxmox-list-lxc.
    std::vector<std::int64_t> listed_vmids(const char* tool, const char* key) {
        std::vector<std::int64_t> out;
        auto list = ok(tool, {{"limit", 1000}});
        for (const auto& g : list.at(key).as_array())
            out.push_back(g.at("vmid").as_int64());
        return out;
    }

    static bool has(const std::vector<std::int64_t>& v, std::int64_t x) {
        return std::find(v.begin(), v.end(), x) != v.end();
    }

    /// Names of the guest's snapshots, through proxmox-list-snapshots.
    std::vector<std::string> snapshot_names(std::int64_t vmid) {
        std::vector<std::string> out;
        auto list = ok("proxmox-list-snapshots", {{"vmid", vmid}});
        for (const auto& s : list.at("snapshots").as_array())
            out.emplace_back(s.at("name").as_string());
        return out;
    }

    /// Volume ids on a storage, through proxmox-storage-content.
    std::vector<std::string> volumes(const char* node, const char* storage) {
        std::vector<std::string> out;
        auto list = ok("proxmox-storage-content", {{"node", node}, {"storage", storage}, {"limit", 1000}});
        for (const auto& v : list.at("volumes").as_array())
            out.emplace_back(v.at("volid").as_string());
        return out;
    }

    /// A fresh directory for upload tests: `uploads/` (PROXMOX_UPLOAD_DIR) and `outside/`.
    fs::path scratch() {
        if (scratch_.empty()) {
            scratch_ =
                fs::temp_directory_path() / ("lxc_images_test_" + std::to_string(::getpid()) + "_" +
                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
            fs::remove_all(scratch_);
            fs::create_directories(scratch_ / "uploads");
            fs::create_directories(scratch_ / "outside");
        }
        return scratch_;
    }

    static void write_file(const fs::path& p, std::size_t bytes) {
        std::ofstream f(p, std::ios::binary);
        f << std::string(bytes, 'x');
    }

    /// A container 300 created and stopped on pve.
    void create_container_300() {
        auto out =
            ok("proxmox-create-lxc",
               {{"vmid", 300}, {"hostname", "web05"}, {"ostemplate", debian_template}, {"confirm", true}});
        ASSERT_EQ(out.at("task").at("exitstatus"), "OK") << json::serialize(out);
    }

private:
    fs::path scratch_;
};

// ---- proxmox-create-lxc ---------------------------------------------------------------------

TEST_F(LxcImageTools, CreateLxcMakesAContainerThatListLxcShows) {
    auto out = ok("proxmox-create-lxc", {{"vmid", 300},
                                         {"hostname", "web05"},
                                         {"ostemplate", debian_template},
                                         {"cores", 1},
                                         {"memory_mb", 512},
                                         {"rootfs_gb", 4},
                                         {"net_ip", "192.168.1.50/24"},
                                         {"confirm", true}});
    EXPECT_EQ(out.at("waited"), true); // the seed's create-lxc waits by default
    EXPECT_EQ(out.at("task").at("exitstatus"), "OK");
    EXPECT_EQ(out.at("storage"), "local-lvm"); // PROXMOX_DEFAULT_STORAGE holds rootdir

    auto list = ok("proxmox-list-lxc", {{"search", "web05"}});
    ASSERT_EQ(list.at("containers").as_array().size(), 1u) << json::serialize(list);
    const auto& ct = list.at("containers").as_array().at(0);
    EXPECT_EQ(ct.at("vmid"), 300);
    EXPECT_EQ(ct.at("node"), "pve");

    auto info = ok("proxmox-lxc-info", {{"vmid", 300}});
    EXPECT_EQ(info.at("cores"), 1);
    EXPECT_EQ(info.at("memory_mb"), 512);
    const auto& nic = info.at("nets").as_array().at(0);
    EXPECT_EQ(nic.at("bridge"), "vmbr0");
    EXPECT_EQ(nic.at("ip"), "192.168.1.50/24");
}

TEST_F(LxcImageTools, CreateLxcFindsATemplateByFileName) {
    auto out = ok("proxmox-create-lxc", {{"vmid", 301},
                                         {"hostname", "web06"},
                                         {"ostemplate", "debian-13-standard_13.1-2_amd64.tar.zst"},
                                         {"node", "pve2"},
                                         {"confirm", true}});
    EXPECT_EQ(out.at("ostemplate"), debian_template);
    EXPECT_TRUE(has(listed_vmids("proxmox-list-lxc", "containers"), 301));
}

TEST_F(LxcImageTools, CreateLxcDryRunListsTheWritesItMakes) {
    auto done = expect_preview_matches_writes(
        "proxmox-create-lxc", {{"vmid", 300}, {"hostname", "web05"}, {"ostemplate", debian_template}});
    EXPECT_EQ(done.at("task").at("exitstatus"), "OK");
    EXPECT_EQ(sent(), (std::vector<request_line>{{"POST", "/nodes/pve/lxc"}}));
}

TEST_F(LxcImageTools, CreateLxcWithoutConfirmShowsThePlanAndSendsNothing) {
    expect_unconfirmed_refusal("proxmox-create-lxc",
                               {{"vmid", 300}, {"hostname", "web05"}, {"ostemplate", debian_template}},
                               "/nodes/pve/lxc");
    EXPECT_FALSE(has(listed_vmids("proxmox-list-lxc", "containers"), 300));
}

TEST_F(LxcImageTools, CreateLxcChecksVmidTemplateStorageAndBridgeBeforeSending) {
    auto text = err("proxmox-create-lxc", {{"vmid", 200},
                                           {"hostname", "web05"},
                                           {"ostemplate", "local:vztmpl/nope.tar.zst"},
                                           {"storage", "local"},
                                           {"bridge", "vmbr9"},
                                           {"confirm", true}});
    EXPECT_NE(text.find("taken by container 200"), std::string::npos) << text;
    EXPECT_NE(text.find("next free"), std::string::npos) << text;
    EXPECT_NE(text.find("nope.tar.zst"), std::string::npos) << text;
    EXPECT_NE(text.find(debian_template), std::string::npos) << text; // what is there instead
    EXPECT_NE(text.find("with rootdir: local-lvm"), std::string::npos) << text;
    EXPECT_NE(text.find("bridges there: vmbr0"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
}

TEST_F(LxcImageTools, CreateLxcOnAnUnknownNodeNamesTheNodes) {
    auto text = err("proxmox-create-lxc", {{"vmid", 300},
                                           {"hostname", "web05"},
                                           {"ostemplate", debian_template},
                                           {"node", "pve9"},
                                           {"confirm", true}});
    EXPECT_NE(text.find("pve9"), std::string::npos) << text;
    EXPECT_NE(text.find("pve, pve2, pve3"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
}

TEST_F(LxcImageTools, CreateLxcRejectsABadHostnameAndNetIp) {
    auto text =
        err("proxmox-create-lxc",
            {{"vmid", 300}, {"hostname", "web_05!"}, {"ostemplate", debian_template}, {"confirm", true}});
    EXPECT_NE(text.find("hostname"), std::string::npos) << text;
    text = err("proxmox-create-lxc", {{"vmid", 300},
                                      {"hostname", "web05"},
                                      {"ostemplate", debian_template},
                                      {"net_ip", "10.0.0.300/24"},
                                      {"confirm", true}});
    EXPECT_NE(text.find("net_ip"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
}

TEST_F(LxcImageTools, CreateLxcSetsThePolicyPasswordWithoutShowingIt) {
    const std::string secret = "s3cret-root-pw";
    start_server({{"PROXMOX_DEFAULT_LXC_PASSWORD", secret}});
    auto preview =
        ok("proxmox-create-lxc",
           {{"vmid", 300}, {"hostname", "web05"}, {"ostemplate", debian_template}, {"dry_run", true}});
    const auto& params = preview.at("requests").as_array().at(0).at("params");
    EXPECT_EQ(params.at("password"), "***");
    EXPECT_EQ(json::serialize(preview).find(secret), std::string::npos);

    auto r = call("proxmox-create-lxc",
                  {{"vmid", 300}, {"hostname", "web05"}, {"ostemplate", debian_template}, {"confirm", true}});
    EXPECT_EQ(json::serialize(r).find(secret), std::string::npos);
    ASSERT_EQ(writes().size(), 1u);
    auto sent_params = json::parse(writes().at(0).params).as_object();
    EXPECT_TRUE(sent_params.contains("password")) << writes().at(0).params; // sent (the log redacts it)
}

TEST_F(LxcImageTools, CreateLxcRefusesAVmidOutsideTheAllowList) {
    start_server({{"PROXMOX_ALLOWED_VMIDS", "100-299"}});
    auto text =
        err("proxmox-create-lxc",
            {{"vmid", 300}, {"hostname", "web05"}, {"ostemplate", debian_template}, {"confirm", true}});
    EXPECT_NE(text.find("PROXMOX_ALLOWED_VMIDS"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());

    start_server({{"PROXMOX_ALLOWED_POOLS", "lab"}}); // a new guest would be in no pool
    text =
        err("proxmox-restore-vm", {{"vmid", 300}, {"archive", "local:backup/x.vma.zst"}, {"confirm", true}});
    EXPECT_NE(text.find("PROXMOX_ALLOWED_POOLS"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
}

// ---- proxmox-delete-lxc ---------------------------------------------------------------------

TEST_F(LxcImageTools, DeleteLxcRemovesAStoppedContainer) {
    create_container_300();
    auto done = expect_preview_matches_writes("proxmox-delete-lxc", {{"vmid", 300}, {"wait", true}});
    EXPECT_EQ(done.at("task").at("exitstatus"), "OK");
    EXPECT_EQ(sent(), (std::vector<request_line>{{"DELETE", "/nodes/pve/lxc/300"}}));
    EXPECT_NE(writes().at(0).params.find("purge"), std::string::npos); // the seed's purge=true
    EXPECT_FALSE(has(listed_vmids("proxmox-list-lxc", "containers"), 300));
}

TEST_F(LxcImageTools, DeleteLxcRefusesARunningContainer) {
    auto text = err("proxmox-delete-lxc", {{"vmid", 200}, {"confirm", true}});
    EXPECT_NE(text.find("running"), std::string::npos) << text;
    EXPECT_NE(text.find("proxmox-stop-lxc"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
    EXPECT_TRUE(has(listed_vmids("proxmox-list-lxc", "containers"), 200));
}

TEST_F(LxcImageTools, DeleteLxcWithoutConfirmSendsNothing) {
    create_container_300();
    expect_unconfirmed_refusal("proxmox-delete-lxc", {{"vmid", 300}}, "/nodes/pve/lxc/300");
    EXPECT_TRUE(has(listed_vmids("proxmox-list-lxc", "containers"), 300));
}

TEST_F(LxcImageTools, DeleteLxcOfAVmNamesTheVmTool) {
    auto text = err("proxmox-delete-lxc", {{"vmid", 101}, {"confirm", true}});
    EXPECT_NE(text.find("proxmox-delete-vm"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
}

// ---- proxmox-configure-lxc ------------------------------------------------------------------

TEST_F(LxcImageTools, ConfigureLxcChangesTheConfigAndIsIdempotent) {
    auto done = expect_preview_matches_writes(
        "proxmox-configure-lxc",
        {{"vmid", 200}, {"params", {{"cores", 3}, {"description", "dns resolver"}}}});
    EXPECT_EQ(sent(), (std::vector<request_line>{{"PUT", "/nodes/pve2/lxc/200/config"}}));
    EXPECT_EQ(done.at("changed"), (json::array{"cores", "description"}));
    EXPECT_FALSE(done.contains("upid")); // PUT config starts no task
    EXPECT_EQ(ok("proxmox-lxc-info", {{"vmid", 200}}).at("cores"), 3);

    server().clear_request_log();
    auto again = ok("proxmox-configure-lxc", {{"vmid", 200}, {"params", {{"cores", 3}}}, {"confirm", true}});
    EXPECT_EQ(again.at("already"), true);
    EXPECT_TRUE(writes().empty());
}

TEST_F(LxcImageTools, ConfigureLxcDeletesAKeyGivenAsNull) {
    ok("proxmox-configure-lxc", {{"vmid", 200}, {"params", {{"description", "temp"}}}, {"confirm", true}});
    server().clear_request_log();
    auto done = ok("proxmox-configure-lxc",
                   {{"vmid", 200}, {"params", {{"description", nullptr}}}, {"confirm", true}});
    EXPECT_EQ(done.at("deleted"), (json::array{"description"}));
    ASSERT_EQ(writes().size(), 1u);
    EXPECT_EQ(json::parse(writes().at(0).params).at("delete"), "description");
}

TEST_F(LxcImageTools, ConfigureLxcRejectsKeysPveDoesNotKnow) {
    auto text = err("proxmox-configure-lxc", {{"vmid", 200}, {"params", {{"cpus", 2}}}, {"confirm", true}});
    EXPECT_NE(text.find("cpus"), std::string::npos) << text;
    EXPECT_NE(text.find("is not a container config key"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
}

TEST_F(LxcImageTools, ConfigureLxcWithoutConfirmSendsNothing) {
    expect_unconfirmed_refusal("proxmox-configure-lxc", {{"vmid", 200}, {"params", {{"cores", 3}}}},
                               "/nodes/pve2/lxc/200/config");
    EXPECT_NE(ok("proxmox-lxc-info", {{"vmid", 200}}).at("cores"), 3);
}

// ---- proxmox-upload-iso, -upload-template ---------------------------------------------------

TEST_F(LxcImageTools, UploadIsRefusedWhenUploadDirIsUnset) {
    auto text = err("proxmox-upload-iso", {{"file_path", "/etc/hostname"}, {"confirm", true}});
    EXPECT_NE(text.find("PROXMOX_UPLOAD_DIR"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
}

TEST_F(LxcImageTools, UploadIsoPutsTheFileOnTheStorage) {
    const auto dir = scratch() / "uploads";
    write_file(dir / "tiny.iso", 4096);
    start_server({{"PROXMOX_UPLOAD_DIR", dir.string()}});
    auto done = expect_preview_matches_writes("proxmox-upload-iso", {{"file_path", "tiny.iso"}});
    EXPECT_EQ(sent(), (std::vector<request_line>{{"POST", "/nodes/pve/storage/local/upload"}}));
    EXPECT_EQ(done.at("volid"), "local:iso/tiny.iso");
    EXPECT_EQ(done.at("task").at("exitstatus"), "OK");
    auto vols = volumes("pve", "local");
    EXPECT_NE(std::find(vols.begin(), vols.end(), "local:iso/tiny.iso"), vols.end());

    // the same file again: already there, nothing sent
    server().clear_request_log();
    auto again = ok("proxmox-upload-iso", {{"file_path", (dir / "tiny.iso").string()}, {"confirm", true}});
    EXPECT_EQ(again.at("already"), true);
    EXPECT_TRUE(writes().empty());
}

TEST_F(LxcImageTools, UploadTemplateMakesItUsableForCreateLxc) {
    const auto dir = scratch() / "uploads";
    write_file(dir / "alpine-3.22-default_20250617_amd64.tar.xz", 2048);
    start_server({{"PROXMOX_UPLOAD_DIR", dir.string()}});
    auto done =
        ok("proxmox-upload-template",
           {{"file_path", "alpine-3.22-default_20250617_amd64.tar.xz"}, {"node", "pve2"}, {"confirm", true}});
    EXPECT_EQ(done.at("volid"), "local:vztmpl/alpine-3.22-default_20250617_amd64.tar.xz");
    auto created = ok("proxmox-create-lxc", {{"vmid", 300},
                                             {"hostname", "alp"},
                                             {"node", "pve2"},
                                             {"ostemplate", "alpine-3.22-default_20250617_amd64.tar.xz"},
                                             {"confirm", true}});
    EXPECT_EQ(created.at("task").at("exitstatus"), "OK");
}

TEST_F(LxcImageTools, UploadRefusesASymlinkOutOfTheUploadDir) {
    const auto root = scratch();
    write_file(root / "outside" / "secret.iso", 100);
    fs::create_symlink(root / "outside" / "secret.iso", root / "uploads" / "link.iso");
    fs::create_directory_symlink(root / "outside", root / "uploads" / "outdir");
    start_server({{"PROXMOX_UPLOAD_DIR", (root / "uploads").string()}});
    for (const auto& path : {std::string("link.iso"), (root / "uploads" / "link.iso").string(),
                             std::string("outdir/secret.iso")}) {
        auto text = err("proxmox-upload-iso", {{"file_path", path}, {"confirm", true}});
        EXPECT_NE(text.find("outside PROXMOX_UPLOAD_DIR"), std::string::npos) << path << ": " << text;
    }
    EXPECT_TRUE(writes().empty());
}

TEST_F(LxcImageTools, UploadRefusesDotDotOutOfTheUploadDir) {
    const auto root = scratch();
    write_file(root / "outside" / "secret.iso", 100);
    start_server({{"PROXMOX_UPLOAD_DIR", (root / "uploads").string()}});
    for (const auto& path :
         {std::string("../outside/secret.iso"), (root / "uploads" / ".." / "outside" / "secret.iso").string(),
          (root / "outside" / "secret.iso").string()}) {
        auto text = err("proxmox-upload-iso", {{"file_path", path}, {"confirm", true}});
        EXPECT_NE(text.find("outside PROXMOX_UPLOAD_DIR"), std::string::npos) << path << ": " << text;
    }
    auto text = err("proxmox-upload-iso",
                    {{"file_path", std::string("x.iso\0/../../outside/secret.iso", 31)}, {"confirm", true}});
    EXPECT_NE(text.find("control characters"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
}

TEST_F(LxcImageTools, UploadChecksTheNameFileAndStorage) {
    const auto dir = scratch() / "uploads";
    write_file(dir / "notes.txt", 10);
    write_file(dir / "tpl.tar.zst", 10);
    fs::create_directory(dir / "sub.iso");
    start_server({{"PROXMOX_UPLOAD_DIR", dir.string()}});
    auto text = err("proxmox-upload-template", {{"file_path", "notes.txt"}, {"confirm", true}});
    EXPECT_NE(text.find("does not end in .tar"), std::string::npos) << text;
    text = err("proxmox-upload-iso", {{"file_path", "missing.iso"}, {"confirm", true}});
    EXPECT_NE(text.find("does not exist"), std::string::npos) << text;
    text = err("proxmox-upload-iso", {{"file_path", "sub.iso"}, {"confirm", true}});
    EXPECT_NE(text.find("not a regular file"), std::string::npos) << text;
    text = err("proxmox-upload-template",
               {{"file_path", "tpl.tar.zst"}, {"storage", "local-lvm"}, {"confirm", true}});
    EXPECT_NE(text.find("holds vztmpl"), std::string::npos) << text;
    EXPECT_NE(text.find("with vztmpl: local"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
}

TEST_F(LxcImageTools, UploadWithoutConfirmSendsNothing) {
    const auto dir = scratch() / "uploads";
    write_file(dir / "tiny.iso", 10);
    start_server({{"PROXMOX_UPLOAD_DIR", dir.string()}});
    expect_unconfirmed_refusal("proxmox-upload-iso", {{"file_path", "tiny.iso"}},
                               "/nodes/pve/storage/local/upload");
    auto vols = volumes("pve", "local");
    EXPECT_EQ(std::find(vols.begin(), vols.end(), "local:iso/tiny.iso"), vols.end());
}

// ---- snapshots ------------------------------------------------------------------------------

TEST_F(LxcImageTools, SnapshotsOfAVmCanBeTakenRolledBackAndDeleted) {
    auto created = expect_preview_matches_writes(
        "proxmox-create-snapshot",
        {{"vmid", 101}, {"snapname", "before-upgrade"}, {"description", "pre"}, {"wait", true}});
    EXPECT_EQ(created.at("task").at("exitstatus"), "OK");
    EXPECT_EQ(sent(), (std::vector<request_line>{{"POST", "/nodes/pve2/qemu/101/snapshot"}}));
    auto list = ok("proxmox-list-snapshots", {{"vmid", 101}});
    ASSERT_EQ(list.at("snapshots").as_array().size(), 1u);
    EXPECT_EQ(list.at("snapshots").as_array().at(0).at("name"), "before-upgrade");
    EXPECT_EQ(list.at("snapshots").as_array().at(0).at("description"), "pre");
    EXPECT_EQ(list.at("current"), "before-upgrade");
    EXPECT_EQ(list.at("type"), "qemu");

    auto rolled = expect_preview_matches_writes("proxmox-rollback-snapshot",
                                                {{"vmid", 101}, {"snapname", "before-upgrade"}});
    EXPECT_EQ(rolled.at("waited"), true); // rollback waits by default
    EXPECT_EQ(rolled.at("task").at("exitstatus"), "OK");
    EXPECT_EQ(sent(),
              (std::vector<request_line>{{"POST", "/nodes/pve2/qemu/101/snapshot/before-upgrade/rollback"}}));

    auto deleted = expect_preview_matches_writes(
        "proxmox-delete-snapshot", {{"vmid", 101}, {"snapname", "before-upgrade"}, {"wait", true}});
    EXPECT_EQ(deleted.at("task").at("exitstatus"), "OK");
    EXPECT_EQ(sent(),
              (std::vector<request_line>{{"DELETE", "/nodes/pve2/qemu/101/snapshot/before-upgrade"}}));
    EXPECT_TRUE(snapshot_names(101).empty());
}

TEST_F(LxcImageTools, SnapshotsOfAContainerUseTheLxcEndpoints) {
    auto created = ok("proxmox-create-snapshot",
                      {{"name", "ct-dns01"}, {"snapname", "s1"}, {"confirm", true}, {"wait", true}});
    EXPECT_EQ(created.at("type"), "lxc");
    EXPECT_EQ(sent(), (std::vector<request_line>{{"POST", "/nodes/pve2/lxc/200/snapshot"}}));
    EXPECT_EQ(snapshot_names(200), (std::vector<std::string>{"s1"}));
    ok("proxmox-rollback-snapshot", {{"vmid", 200}, {"snapname", "s1"}, {"confirm", true}});
    ok("proxmox-delete-snapshot", {{"vmid", 200}, {"snapname", "s1"}, {"confirm", true}, {"wait", true}});
    EXPECT_TRUE(snapshot_names(200).empty());
}

TEST_F(LxcImageTools, CreateSnapshotRejectsABadNameATakenNameAndVmstateOnContainers) {
    auto text = err("proxmox-create-snapshot", {{"vmid", 101}, {"snapname", "1st"}, {"confirm", true}});
    EXPECT_NE(text.find("snapname"), std::string::npos) << text;
    ok("proxmox-create-snapshot", {{"vmid", 101}, {"snapname", "s1"}, {"confirm", true}, {"wait", true}});
    server().clear_request_log();
    text = err("proxmox-create-snapshot", {{"vmid", 101}, {"snapname", "s1"}, {"confirm", true}});
    EXPECT_NE(text.find("no snapshot named s1 yet"), std::string::npos) << text;
    EXPECT_NE(text.find("proxmox-delete-snapshot"), std::string::npos) << text;
    text = err("proxmox-create-snapshot",
               {{"vmid", 200}, {"snapname", "s2"}, {"vmstate", true}, {"confirm", true}});
    EXPECT_NE(text.find("vmstate is for VMs only"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
}

TEST_F(LxcImageTools, RollbackToAMissingSnapshotListsTheExistingOnes) {
    ok("proxmox-create-snapshot", {{"vmid", 101}, {"snapname", "s1"}, {"confirm", true}, {"wait", true}});
    server().clear_request_log();
    auto text = err("proxmox-rollback-snapshot", {{"vmid", 101}, {"snapname", "s9"}, {"confirm", true}});
    EXPECT_NE(text.find("snapshot s9 exists"), std::string::npos) << text;
    EXPECT_NE(text.find("its snapshots: s1"), std::string::npos) << text;
    text = err("proxmox-delete-snapshot", {{"vmid", 101}, {"snapname", "s9"}, {"confirm", true}});
    EXPECT_NE(text.find("its snapshots: s1"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
}

TEST_F(LxcImageTools, SnapshotWritesWithoutConfirmSendNothing) {
    expect_unconfirmed_refusal("proxmox-create-snapshot", {{"vmid", 101}, {"snapname", "s1"}},
                               "/nodes/pve2/qemu/101/snapshot");
    EXPECT_TRUE(snapshot_names(101).empty());
    ok("proxmox-create-snapshot", {{"vmid", 101}, {"snapname", "s1"}, {"confirm", true}, {"wait", true}});
    expect_unconfirmed_refusal("proxmox-rollback-snapshot", {{"vmid", 101}, {"snapname", "s1"}},
                               "/nodes/pve2/qemu/101/snapshot/s1/rollback");
    expect_unconfirmed_refusal("proxmox-delete-snapshot", {{"vmid", 101}, {"snapname", "s1"}},
                               "/nodes/pve2/qemu/101/snapshot/s1");
    EXPECT_EQ(snapshot_names(101), (std::vector<std::string>{"s1"}));
}

TEST_F(LxcImageTools, ListSnapshotsOfAnUnknownGuestSaysHowToFindOne) {
    auto text = err("proxmox-list-snapshots", {{"vmid", 4242}});
    EXPECT_NE(text.find("4242"), std::string::npos) << text;
    EXPECT_NE(text.find("proxmox-list-vms"), std::string::npos) << text;
}

// ---- proxmox-backup-vm, -restore-vm ---------------------------------------------------------

TEST_F(LxcImageTools, BackupAppearsInStorageContentAndRestoresToANewVmid) {
    auto backup = expect_preview_matches_writes("proxmox-backup-vm", {{"vmid", 101}});
    EXPECT_EQ(sent(), (std::vector<request_line>{{"POST", "/nodes/pve2/vzdump"}}));
    EXPECT_EQ(backup.at("task").at("exitstatus"), "OK"); // backups wait by default
    EXPECT_EQ(backup.at("storage"), "local");            // the node's storage with backup content
    const std::string archive(backup.at("archive").as_string());
    EXPECT_TRUE(archive.starts_with("local:backup/vzdump-qemu-101-")) << archive;
    auto vols = volumes("pve2", "local");
    EXPECT_NE(std::find(vols.begin(), vols.end(), archive), vols.end());

    auto restored = expect_preview_matches_writes("proxmox-restore-vm",
                                                  {{"node", "pve2"}, {"vmid", 150}, {"archive", archive}});
    EXPECT_EQ(sent(), (std::vector<request_line>{{"POST", "/nodes/pve2/qemu"}}));
    auto params = json::parse(writes().at(0).params).as_object();
    EXPECT_EQ(params.at("archive"), json::value(archive));
    EXPECT_EQ(params.at("unique"), "1"); // a copy beside the original gets new MAC addresses
    EXPECT_EQ(restored.at("task").at("exitstatus"), "OK");
    EXPECT_TRUE(has(listed_vmids("proxmox-list-vms", "vms"), 150));
    EXPECT_EQ(ok("proxmox-vm-info", {{"vmid", 150}}).at("node"), "pve2");
}

TEST_F(LxcImageTools, ContainerBackupRestoresAsAContainer) {
    auto backup = ok("proxmox-backup-vm", {{"vmid", 202}, {"confirm", true}});
    const std::string archive(backup.at("archive").as_string());
    EXPECT_NE(archive.find("vzdump-lxc-202-"), std::string::npos) << archive;
    server().clear_request_log();
    auto restored = ok("proxmox-restore-vm", {{"vmid", 302}, {"archive", archive}, {"confirm", true}});
    EXPECT_EQ(restored.at("type"), "lxc");
    EXPECT_EQ(sent(), (std::vector<request_line>{{"POST", "/nodes/pve/lxc"}}));
    EXPECT_TRUE(has(listed_vmids("proxmox-list-lxc", "containers"), 302));
}

TEST_F(LxcImageTools, BackupRefusesAStorageWithoutBackupContent) {
    auto text = err("proxmox-backup-vm", {{"vmid", 101}, {"storage", "local-lvm"}, {"confirm", true}});
    EXPECT_NE(text.find("holds backup"), std::string::npos) << text;
    EXPECT_NE(text.find("with backup: local"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
}

TEST_F(LxcImageTools, BackupWithoutConfirmSendsNothing) {
    expect_unconfirmed_refusal("proxmox-backup-vm", {{"vmid", 101}}, "/nodes/pve2/vzdump");
}

TEST_F(LxcImageTools, RestoreChecksTheArchiveAndTheVmid) {
    auto text =
        err("proxmox-restore-vm",
            {{"node", "pve2"}, {"vmid", 101}, {"archive", "local:backup/nope.vma.zst"}, {"confirm", true}});
    EXPECT_NE(text.find("archive local:backup/nope.vma.zst exists"), std::string::npos) << text;
    EXPECT_NE(text.find("taken by VM 101"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
}

TEST_F(LxcImageTools, RestoreWithForceOverwritesOnlyAStoppedGuestOfTheSameKind) {
    auto backup = ok("proxmox-backup-vm", {{"vmid", 101}, {"confirm", true}});
    const std::string archive(backup.at("archive").as_string());
    server().clear_request_log();
    // 200 is a container: no target for a VM archive
    auto text =
        err("proxmox-restore-vm",
            {{"node", "pve2"}, {"vmid", 200}, {"archive", archive}, {"force", true}, {"confirm", true}});
    EXPECT_NE(text.find("the archive is a VM backup"), std::string::npos) << text;
    EXPECT_TRUE(writes().empty());
    auto done =
        ok("proxmox-restore-vm",
           {{"node", "pve2"}, {"vmid", 101}, {"archive", archive}, {"force", true}, {"confirm", true}});
    EXPECT_EQ(done.at("task").at("exitstatus"), "OK");
}

TEST_F(LxcImageTools, RestoreWithoutConfirmSendsNothing) {
    auto backup = ok("proxmox-backup-vm", {{"vmid", 101}, {"confirm", true}});
    expect_unconfirmed_refusal("proxmox-restore-vm",
                               {{"node", "pve2"}, {"vmid", 150}, {"archive", backup.at("archive")}},
                               "/nodes/pve2/qemu");
    EXPECT_FALSE(has(listed_vmids("proxmox-list-vms", "vms"), 150));
}

} // namespace
