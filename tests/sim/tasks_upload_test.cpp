// Task stop and task lists, storage content, and the streamed multipart upload.
#include "test_util.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <set>

namespace {

using namespace simtest;

reply del(client& c, const std::string& path) {
    request r;
    r.method = "DELETE";
    r.target = "/api2/json" + path;
    return c.send(r);
}

// --- tasks ----------------------------------------------------------------------------------

class SimTaskStop : public proxmox::testing::sim_fixture {
protected:
    void tune(proxmox::sim::options& o) override { o.task_seconds = 5; } // long enough to be stopped
};

TEST_F(SimTaskStop, StoppingARunningTaskEndsItWithReceivedInterrupt) {
    client c(info());
    auto [node, vmid] = stopped_vm(c);
    const auto upid =
        std::string(data(c.post("/nodes/" + node + "/qemu/" + vmid + "/status/start")).as_string());

    auto active = data(c.get("/nodes/" + node + "/tasks?source=active"));
    ASSERT_EQ(active.as_array().size(), 1u);
    EXPECT_EQ(text(active.as_array()[0], "upid"), upid);
    EXPECT_EQ(text(active.as_array()[0], "status"), "RUNNING");
    EXPECT_TRUE(data(c.get("/nodes/" + node + "/tasks")).as_array().empty())
        << "archive: finished tasks only";

    auto stopped = del(c, task_path(upid));
    EXPECT_EQ(stopped.status, 200u);
    EXPECT_TRUE(body_json(stopped).at("data").is_null());

    auto st = data(c.get(task_path(upid, "status")));
    EXPECT_EQ(text(st, "status"), "stopped");
    EXPECT_EQ(text(st, "exitstatus"), "received interrupt");
    const auto lines = task_lines(c, upid);
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines.back(), "TASK ERROR: received interrupt");
    EXPECT_EQ(text(data(c.get("/nodes/" + node + "/qemu/" + vmid + "/status/current")), "status"), "stopped")
        << "the worker was killed before it started the VM";

    auto archived = data(c.get("/nodes/" + node + "/tasks"));
    ASSERT_EQ(archived.as_array().size(), 1u);
    EXPECT_EQ(text(archived.as_array()[0], "status"), "received interrupt");
    EXPECT_GE(number(archived.as_array()[0], "endtime"), number(archived.as_array()[0], "starttime"));

    // stopping a stopped task changes nothing; an unknown task is a 400
    EXPECT_EQ(del(c, task_path(upid)).status, 200u);
    EXPECT_EQ(text(data(c.get(task_path(upid, "status"))), "exitstatus"), "received interrupt");
    auto unknown =
        del(c, "/nodes/" + node + "/tasks/" +
                   encode_segment("UPID:" + node + ":00001234:00ABCDEF:65000000:qmstart:100:root@pam:"));
    EXPECT_EQ(unknown.status, 400u);
    EXPECT_EQ(body_json(unknown).at("errors").at("upid"), "no such task");
}

class SimTaskLists : public proxmox::testing::sim_fixture {
protected:
    void SetUp() override {
        sim_fixture::SetUp();
        client c(info());
        auto [node, vmid] = stopped_vm(c);
        start_node = node;
        start_vmid = vmid;
        upids.push_back(
            std::string(data(c.post("/nodes/" + node + "/qemu/" + vmid + "/status/start")).as_string()));
        // starting it again fails once the first start is done
        wait_for_task(c, upids.back());
        upids.push_back(
            std::string(data(c.post("/nodes/" + node + "/qemu/" + vmid + "/status/start")).as_string()));
        upids.push_back(
            std::string(data(c.post("/nodes/" + node + "/qemu/" + vmid + "/status/stop")).as_string()));
        // and a task on another node
        auto other = find_resource(c, [&](const json::object& g) {
            return g.at("type") == "qemu" && g.at("status") == "running" && g.at("node").as_string() != node;
        });
        other_node = std::string(other.at("node").as_string());
        upids.push_back(
            std::string(data(c.post("/nodes/" + other_node + "/qemu/" +
                                    std::to_string(other.at("vmid").to_number<int>()) + "/status/stop"))
                            .as_string()));
        for (const auto& u : upids)
            wait_for_task(c, u);
    }

    std::vector<std::string> listed(client& c, const std::string& query, std::int64_t* total = nullptr) {
        auto r = c.get("/nodes/" + start_node + "/tasks" + query);
        auto body = body_json(r);
        if (total)
            *total = body.as_object().contains("total") ? body.at("total").to_number<std::int64_t>() : 0;
        std::vector<std::string> out;
        for (const auto& t : body.at("data").as_array())
            out.push_back(std::string(t.at("upid").as_string()));
        return out;
    }

    std::string start_node, start_vmid, other_node;
    std::vector<std::string> upids; // start OK, start error, stop OK (start_node), stop OK (other node)
};

TEST_F(SimTaskLists, NodeTasksFilterAndPageLikePve) {
    client c(info());
    std::int64_t total = 0;
    const auto all = listed(c, "", &total);
    EXPECT_EQ(all, (std::vector<std::string>{upids[2], upids[1], upids[0]})) << "newest first";
    EXPECT_EQ(total, 3);

    auto entries = data(c.get("/nodes/" + start_node + "/tasks"));
    const auto& first = entries.as_array()[0];
    EXPECT_EQ(text(first, "type"), "qmstop");
    EXPECT_EQ(text(first, "id"), start_vmid);
    EXPECT_EQ(text(first, "node"), start_node);
    EXPECT_EQ(text(first, "user"), "root@pam");
    EXPECT_EQ(text(first, "tokenid"), "sim");
    EXPECT_EQ(text(first, "status"), "OK");
    EXPECT_GT(number(first, "pid"), 0);
    EXPECT_GT(number(first, "pstart"), 0);
    EXPECT_GT(number(first, "endtime"), 0);
    EXPECT_EQ(text(entries.as_array()[1], "status"), "VM " + start_vmid + " already running");

    EXPECT_EQ(listed(c, "?errors=1"), (std::vector<std::string>{upids[1]}));
    EXPECT_EQ(listed(c, "?statusfilter=ok"), (std::vector<std::string>{upids[2], upids[0]}));
    EXPECT_EQ(listed(c, "?statusfilter=error,warning"), (std::vector<std::string>{upids[1]}));
    EXPECT_EQ(listed(c, "?typefilter=qmstart"), (std::vector<std::string>{upids[1], upids[0]}));
    EXPECT_EQ(listed(c, "?vmid=" + start_vmid).size(), 3u);
    EXPECT_TRUE(listed(c, "?userfilter=alice").empty());
    EXPECT_EQ(listed(c, "?userfilter=ROOT").size(), 3u) << "a case-insensitive substring";
    EXPECT_EQ(listed(c, "?start=1&limit=1", &total), (std::vector<std::string>{upids[1]}));
    EXPECT_EQ(total, 3) << "total counts every match";
    EXPECT_TRUE(listed(c, "?limit=0", &total).empty());
    EXPECT_EQ(total, 3);
    EXPECT_TRUE(listed(c, "?source=active").empty());
    EXPECT_EQ(listed(c, "?source=all").size(), 3u);

    server().advance_clock(std::chrono::hours(1));
    const auto later = std::to_string(std::time(nullptr) + 1800);
    EXPECT_TRUE(listed(c, "?since=" + later).empty());
    EXPECT_EQ(listed(c, "?until=" + later).size(), 3u);

    auto bad = c.get("/nodes/" + start_node + "/tasks?statusfilter=fine");
    EXPECT_EQ(bad.status, 400u);
}

TEST_F(SimTaskLists, ClusterTasksCoverEveryNode) {
    client c(info());
    auto tasks = data(c.get("/cluster/tasks"));
    std::set<std::string> seen, nodes;
    for (const auto& t : tasks.as_array()) {
        seen.insert(text(t, "upid"));
        nodes.insert(text(t, "node"));
        EXPECT_EQ(text(t, "saved"), "1");
        EXPECT_EQ(text(t, "user"), "root@pam");
        EXPECT_EQ(text(t, "tokenid"), "sim");
        EXPECT_FALSE(text(t, "status").empty());
    }
    for (const auto& u : upids)
        EXPECT_TRUE(seen.contains(u)) << u;
    EXPECT_TRUE(nodes.contains(start_node));
    EXPECT_TRUE(nodes.contains(other_node));
}

// --- storage content and uploads -----------------------------------------------------------

std::string sha256_hex(const std::string& data) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
    std::string out;
    char buf[3];
    for (unsigned i = 0; i < len; ++i) {
        std::snprintf(buf, sizeof buf, "%02x", md[i]);
        out += buf;
    }
    return out;
}

/// Deterministic binary data (no boundary can appear in it by chance).
std::string file_data(std::size_t size) {
    std::string out(size, '\0');
    std::uint64_t x = 0x9e3779b97f4a7c15ULL;
    for (auto& ch : out) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        ch = static_cast<char>(x >> 56);
    }
    return out;
}

const std::string boundary = "------------------------sim0123456789abcdef";

std::string field(const std::string& name, const std::string& value) {
    return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value +
           "\r\n";
}

std::string file_part(const std::string& name, const std::string& filename, const std::string& content) {
    return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" +
           filename + "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + content + "\r\n";
}

std::string closing() {
    return "--" + boundary + "--\r\n";
}

reply upload(client& c, const std::string& node, const std::string& storage, const std::string& body) {
    request r;
    r.method = "POST";
    r.target = "/api2/json/nodes/" + node + "/storage/" + storage + "/upload";
    r.content_type = "multipart/form-data; boundary=" + boundary;
    r.body = body;
    return c.send(r);
}

class SimUpload : public proxmox::testing::sim_fixture {
protected:
    void tune(proxmox::sim::options& o) override {
        if (test_is("NoCsrfTokenNeededWithATicketAndNoAnswerWithoutMultipart"))
            o.users = {{"alice@pve", "pw", ""}};
    }
};

TEST_F(SimUpload, StreamsTwentyMebibytesAndTheFileAppearsInTheContent) {
    client c(info());
    const std::string content = file_data(20 * 1024 * 1024);
    const std::string sum = sha256_hex(content);
    auto r = upload(c, "pve2", "local",
                    field("content", "iso") + field("checksum-algorithm", "sha256") + field("checksum", sum) +
                        file_part("filename", "big test.iso", content) + closing());
    ASSERT_EQ(r.status, 200u) << r.reason;
    EXPECT_EQ(r.header("connection"), "close") << "pveproxy ends the connection after an upload";
    const auto upid = std::string(body_json(r).at("data").as_string());
    EXPECT_TRUE(std::regex_match(
        upid, std::regex(R"(^UPID:pve:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:imgcopy::root@pam!sim:$)")))
        << upid << " (it runs where the client is connected)";
    EXPECT_EQ(text(wait_for_task(c, upid), "exitstatus"), "OK");
    const auto lines = task_lines(c, upid);
    const std::set<std::string> have(lines.begin(), lines.end());
    EXPECT_TRUE(have.contains("calculating checksum...OK, checksum verified"));
    EXPECT_TRUE(have.contains("target node: pve2"));
    EXPECT_TRUE(have.contains("target file: /var/lib/vz/template/iso/big_test.iso"))
        << "the name is normalized";
    EXPECT_TRUE(have.contains("file size is: 20971520"));
    EXPECT_EQ(lines.back(), "TASK OK");

    auto isos = data(c.get("/nodes/pve2/storage/local/content?content=iso"));
    bool found = false;
    for (const auto& v : isos.as_array()) {
        if (text(v, "volid") != "local:iso/big_test.iso")
            continue;
        found = true;
        EXPECT_EQ(number(v, "size"), 20 * 1024 * 1024);
        EXPECT_EQ(text(v, "format"), "iso");
        EXPECT_EQ(text(v, "content"), "iso");
        EXPECT_GT(number(v, "ctime"), 0);
    }
    EXPECT_TRUE(found);
    const auto pve3_content = data(c.get("/nodes/pve3/storage/local/content"));
    for (const auto& v : pve3_content.as_array())
        EXPECT_NE(text(v, "volid"), "local:iso/big_test.iso") << "local storage is per node";

    bool logged = false;
    for (const auto& entry : server().request_log())
        if (entry.path == "/nodes/pve2/storage/local/upload") {
            logged = true;
            EXPECT_NE(entry.params.find(R"("filename":"big test.iso")"), std::string::npos) << entry.params;
            EXPECT_LT(entry.params.size(), 1000u) << "no file data in the log";
            EXPECT_EQ(entry.status, 200u);
        }
    EXPECT_TRUE(logged);
}

TEST_F(SimUpload, AWrongChecksumFailsTheTask) {
    client c(info());
    const std::string content = file_data(70000);
    auto r = upload(c, "pve", "local",
                    field("content", "vztmpl") + field("checksum-algorithm", "md5") +
                        field("checksum", "00000000000000000000000000000000") +
                        file_part("filename", "debian.tar.gz", content) + closing());
    const auto upid = std::string(data(r).as_string());
    const auto st = wait_for_task(c, upid);
    EXPECT_TRUE(text(st, "exitstatus").starts_with("checksum mismatch: got '")) << text(st, "exitstatus");
    EXPECT_TRUE(text(st, "exitstatus").ends_with("' != expect '00000000000000000000000000000000'"));
    const auto local_content = data(c.get("/nodes/pve/storage/local/content"));
    for (const auto& v : local_content.as_array())
        EXPECT_NE(text(v, "volid"), "local:vztmpl/debian.tar.gz");

    // without a checksum the template lands, with the format pve-storage derives from its name
    r = upload(c, "localhost", "local",
               field("content", "vztmpl") + file_part("filename", "debian.tar.gz", content) + closing());
    EXPECT_EQ(text(wait_for_task(c, std::string(data(r).as_string())), "exitstatus"), "OK");
    bool found = false;
    const auto templates = data(c.get("/nodes/pve/storage/local/content?content=vztmpl"));
    for (const auto& v : templates.as_array())
        if (text(v, "volid") == "local:vztmpl/debian.tar.gz") {
            found = true;
            EXPECT_EQ(text(v, "format"), "tgz");
            EXPECT_EQ(number(v, "size"), 70000);
        }
    EXPECT_TRUE(found);
}

TEST_F(SimUpload, FieldsInTheWrongOrderOrWithWrongNamesAreRejectedLikePveproxy) {
    client c(info());
    const std::string content = file_data(1000);
    // checksum fields before `content`: the content pattern spans parts, pveproxy dies with a
    // multi-line message, which its response() turns into a bare 400
    auto r = upload(c, "pve", "local",
                    field("checksum-algorithm", "sha256") + field("checksum", sha256_hex(content)) +
                        field("content", "iso") + file_part("filename", "x.iso", content) + closing());
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(r.reason, "Bad Request");
    EXPECT_EQ(r.body, "");

    // the file before `content`: everything after the file part is file data, content is missing
    r = upload(c, "pve", "local",
               file_part("filename", "x.iso", content) + field("content", "iso") + closing());
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(body_json(r).at("errors").at("content"), "property is missing and it is not optional");

    r = upload(c, "pve", "local", field("content", "iso") + file_part("file", "x.iso", content) + closing());
    EXPECT_EQ(r.status, 501u);
    EXPECT_EQ(r.reason, "wrong field name 'file' for file upload, expected 'filename'");

    r = upload(c, "pve", "local",
               field("content", "iso") + file_part("filename", "x.txt", content) + closing());
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(body_json(r).at("errors").at("filename"), "wrong file extension");

    r = upload(c, "pve", "local",
               field("content", "iso") + file_part("filename", "x.iso", content)); // no end
    EXPECT_EQ(r.status, 501u);
    EXPECT_EQ(r.reason, "upload failed");

    r = upload(c, "pve", "local-lvm",
               field("content", "iso") + file_part("filename", "x.iso", content) + closing());
    EXPECT_EQ(r.status, 500u);
    EXPECT_EQ(r.reason, "can't upload to storage type 'lvmthin'");

    r = upload(c, "pve", "local",
               field("content", "import") + file_part("filename", "x.qcow2", content) + closing());
    EXPECT_EQ(r.status, 500u);
    EXPECT_EQ(r.reason, "storage 'local' does not support 'import' content");
}

TEST_F(SimUpload, NoCsrfTokenNeededWithATicketAndNoAnswerWithoutMultipart) {
    client c(info());
    const auto ticket = text(data(ticket_login(c, "username=alice@pve&password=pw")), "ticket");

    request r;
    r.method = "POST";
    r.target = "/api2/json/nodes/pve/storage/local/upload";
    r.auth = false;
    r.headers = {{"Cookie", "PVEAuthCookie=" + encode_segment(ticket)}};
    r.content_type = "multipart/form-data; boundary=" + boundary;
    r.body = field("content", "iso") + file_part("filename", "t.iso", "abc") + closing();
    auto ok = c.send(r);
    ASSERT_EQ(ok.status, 200u) << ok.reason;
    EXPECT_TRUE(std::string(body_json(ok).at("data").as_string()).ends_with(":imgcopy::alice@pve:"));

    // a form body to the upload path: pveproxy dies in its header callback and never answers
    r.content_type = "application/x-www-form-urlencoded";
    r.body = "content=iso&filename=t.iso&junk=" + std::string(100 * 1024, 'x');
    EXPECT_ANY_THROW(c.send(r));
}

TEST_F(SimUpload, ContentListsGuestVolumesIsosAndTemplates) {
    client c(info());
    auto lvm = data(c.get("/nodes/pve/storage/local-lvm/content"));
    ASSERT_FALSE(lvm.as_array().empty());
    std::set<std::string> contents;
    for (const auto& v : lvm.as_array()) {
        contents.insert(text(v, "content"));
        EXPECT_EQ(text(v, "format"), "raw");
        EXPECT_GT(number(v, "size"), 0);
        EXPECT_GE(number(v, "vmid"), 100);
        EXPECT_TRUE(text(v, "volid").starts_with("local-lvm:"));
    }
    EXPECT_TRUE(contents.contains("images"));

    auto images = data(c.get("/nodes/pve/storage/local-lvm/content?content=images"));
    for (const auto& v : images.as_array())
        EXPECT_EQ(text(v, "content"), "images");
    const auto vmid = number(images.as_array()[0], "vmid");
    auto one = data(c.get("/nodes/pve/storage/local-lvm/content?vmid=" + std::to_string(vmid)));
    for (const auto& v : one.as_array())
        EXPECT_EQ(number(v, "vmid"), vmid);

    auto local = data(c.get("/nodes/pve/storage/local/content"));
    std::set<std::string> volids;
    for (const auto& v : local.as_array())
        volids.insert(text(v, "volid"));
    EXPECT_TRUE(volids.contains("local:iso/debian-13.1.0-amd64-netinst.iso"));
    EXPECT_TRUE(volids.contains("local:vztmpl/debian-13-standard_13.1-2_amd64.tar.zst"));
    EXPECT_TRUE(data(c.get("/nodes/pve/storage/local/content?content=images")).as_array().empty());

    auto missing = c.get("/nodes/pve/storage/nope/content");
    EXPECT_EQ(missing.status, 500u);
    EXPECT_EQ(missing.reason, "storage 'nope' does not exist");
    EXPECT_EQ(c.get("/nodes/pve/storage/local/content?content=junk").status, 400u);
}

} // namespace
