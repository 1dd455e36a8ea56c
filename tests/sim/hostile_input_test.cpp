// proxmox::sim over plain HTTPS with hostile sizes: very long parameter values, path segments,
// query strings and headers, and bodies at and over pveproxy's limit. Each must get PVE's answer
// (or, where pveproxy sends none, none), and the server must keep serving.
#include "client.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace simtest;

/// Long texts in failure messages: the start and the end.
std::string shorten(const std::string& s) {
    if (s.size() <= 300)
        return s;
    return s.substr(0, 150) + "...(" + std::to_string(s.size()) + " characters)..." +
           s.substr(s.size() - 100);
}

/// A 400 from JSONSchema::validate with exactly one error, for `key`.
void expect_param_error(const reply& r, const std::string& key, const std::string& error) {
    EXPECT_EQ(r.status, 400u) << shorten(r.reason);
    EXPECT_EQ(r.reason, "Parameter verification failed.") << shorten(r.reason);
    const auto v = body_json(r);
    EXPECT_EQ(text(v, "message"), "Parameter verification failed.\n") << shorten(r.body);
    EXPECT_TRUE(error_of(r, key) == error)
        << "errors." << key << " is " << shorten(error_of(r, key)) << "\nexpected " << shorten(error);
    const auto* errors = v.is_object() ? v.as_object().if_contains("errors") : nullptr;
    EXPECT_TRUE(errors && errors->is_object() && errors->as_object().size() == 1) << shorten(r.body);
    EXPECT_EQ(r.header("connection"), "close");
}

/// Every byte the server sent for `r` on a fresh connection; empty when it closed the connection
/// (or reset it while the request was still being written) without answering.
std::string raw_answer(client& c, const request& r) {
    try {
        return c.send_raw(r);
    } catch (const std::exception&) {
        return {};
    }
}

/// The host:port the client sends in its Host header.
std::string host_port(const proxmox::sim::endpoint_info& info) {
    return info.url.substr(std::string("https://").size());
}

/// The header lines the test client writes for `r` (without the request line): Host,
/// Authorization, Content-Type, the extra headers and Content-Length, as client.cpp builds them.
std::vector<std::string> header_lines(const request& r, const proxmox::sim::endpoint_info& info) {
    std::vector<std::string> lines = {"Host: " + host_port(info)};
    if (r.auth)
        lines.push_back("Authorization: PVEAPIToken=" + info.token_id + "=" + info.token_secret);
    if (!r.content_type.empty())
        lines.push_back("Content-Type: " + r.content_type);
    for (const auto& [k, v] : r.headers)
        lines.push_back(k + ": " + v);
    if (!r.body.empty())
        lines.push_back("Content-Length: " + std::to_string(r.body.size()));
    return lines;
}

/// AnyEvent.pm unshift_read_header counts every header line and the empty line that ends the
/// header, and sums their lengths without the line ends.
std::size_t counted_lines(const request& r, const proxmox::sim::endpoint_info& info) {
    return header_lines(r, info).size() + 1;
}

std::size_t counted_bytes(const request& r, const proxmox::sim::endpoint_info& info) {
    std::size_t n = 0;
    for (const auto& l : header_lines(r, info))
        n += l.size();
    return n;
}

class SimHostileInput : public proxmox::testing::sim_fixture {
protected:
    void SetUp() override {
        sim_fixture::SetUp();
        c = std::make_unique<client>(info());
    }

    /// The server still answers a fresh connection.
    void expect_serving() {
        client fresh(info());
        EXPECT_EQ(fresh.get("/version").status, 200u) << "the server stopped serving";
    }

    std::string free_vmid() { return std::string(data(c->get("/cluster/nextid")).as_string()); }

    /// Log entries for `path` (the API path).
    std::vector<proxmox::sim::request_log_entry> logged(const std::string& path) {
        std::vector<proxmox::sim::request_log_entry> out;
        for (auto& e : server().request_log())
            if (e.path == path)
                out.push_back(e);
        return out;
    }

    std::unique_ptr<client> c;
};

// --- long values reaching the schema check ---------------------------------------------------

TEST_F(SimHostileInput, ThirtyThousandCharacterNameIsCheckedAsADnsName) {
    const std::string vmid = free_vmid();
    const std::string bad(29999, 'a');
    auto refused = send_form(*c, "POST", "/nodes/pve/qemu", "vmid=" + vmid + "&name=" + bad + "-");
    expect_param_error(refused, "name", "invalid format - value does not look like a valid DNS name\n");
    expect_serving();

    // qemu-server's `name` has no maxLength: a long valid DNS name is taken as it is
    const std::string good = std::string(20000, 'a') + "." + std::string(9999, 'b');
    auto created = send_form(*c, "POST", "/nodes/pve/qemu", "vmid=" + vmid + "&name=" + good);
    ASSERT_EQ(created.status, 200u) << created.reason;
    auto task = wait_for_task(*c, std::string(data(created).as_string()));
    EXPECT_EQ(text(task, "exitstatus"), "OK");
    EXPECT_EQ(text(data(c->get("/nodes/pve/qemu/" + vmid + "/config")), "name"), good);
}

TEST_F(SimHostileInput, ValuesFillingTheBodyAreCheckedWithPveTexts) {
    const auto [node, vmid] = stopped_vm(*c);
    const std::string config = "/nodes/" + node + "/qemu/" + vmid + "/config";

    // format urlencoded (JSONSchema.pm pve_verify_urlencoded) on 60,000 characters
    const std::string keys = std::string(60000, 'A') + " ";
    expect_param_error(send_form(*c, "PUT", config, "sshkeys=" + form_value(keys)), "sshkeys",
                       "invalid format - invalid urlencoded string: " + keys + "\n");

    // format dns-name: an empty last label
    const std::string name = std::string(60000, 'n') + ".";
    expect_param_error(send_form(*c, "PUT", config, "name=" + name), "name",
                       "invalid format - value does not look like a valid DNS name\n");

    // maxLength 8192
    expect_param_error(send_form(*c, "PUT", config, "description=" + std::string(60000, 'd')), "description",
                       "value may only be 8192 characters long");

    // format pve-tag-list, checked item by item
    const std::string tags = std::string(30000, 't') + ";" + std::string(30000, 'u') + "!";
    expect_param_error(send_form(*c, "PUT", config, "tags=" + form_value(tags)), "tags",
                       "invalid format - invalid characters in tag\n");
    expect_serving();
}

TEST_F(SimHostileInput, PatternsAreCheckedOnValuesOfAnyLength) {
    auto ct = find_resource(*c, [](const json::object& o) {
        return o.at("type") == "lxc" && o.at("template").to_number<int>() == 0;
    });
    const std::string resize = "/nodes/" + std::string(ct.at("node").as_string()) + "/lxc/" +
                               std::to_string(ct.at("vmid").to_number<int>()) + "/resize";
    // pattern \+?\d+(\.\d+)?[KMGT]?, anchored by JSONSchema.pm check_prop as m/^$pattern$/
    for (const std::string& size : {std::string("1X"), std::string(50000, '1') + "X"})
        expect_param_error(send_form(*c, "PUT", resize, "disk=rootfs&size=" + size), "size",
                           "value does not match the regex pattern");
    expect_serving();
}

TEST_F(SimHostileInput, BacktrackingPatternsEndAsNoMatch) {
    // The OCI reference pattern nests `[a-z\d]+` in `(?:[-]*[a-z\d]+)*`: a backtracking engine
    // tries exponentially many splits of a run of letters before it can fail on the '!'.
    for (const std::size_t n : {40u, 40000u}) {
        auto r = c->get("/nodes/pve/query-oci-repo-tags?reference=" + std::string(n, 'a') + "!");
        expect_param_error(r, "reference", "value does not match the regex pattern");
    }
    // a valid reference passes the pattern (the endpoint is validated, then not modelled)
    auto valid =
        c->get("/nodes/pve/query-oci-repo-tags?reference=docker.io/library/" + std::string(20000, 'a'));
    EXPECT_EQ(valid.status, 501u) << valid.reason;
    EXPECT_EQ(valid.reason, "proxmox-sim does not implement 'GET /nodes/{node}/query-oci-repo-tags' yet");
    expect_serving();
}

TEST_F(SimHostileInput, PatternsAreAnchoredAsPerlAnchorsThem) {
    // m/^$pattern$/ pastes the anchors around the text: with a top-level `A|B` that is `^A` or
    // `B$` (path placeholders match \S+, so these have no white space)
    const std::string pci = "/nodes/pve/hardware/pci/";
    const std::string pci_not_modelled =
        "proxmox-sim does not implement 'GET /nodes/{node}/hardware/pci/{pci-id-or-mapping}' yet";
    for (const std::string passes : {"00:1f.2", "00:1f.2-and-more!", "!more-and-mapping"}) {
        auto r = c->get(pci + encode_segment(passes));
        EXPECT_EQ(r.status, 501u) << passes << ": " << r.reason;
        EXPECT_EQ(r.reason, pci_not_modelled) << passes;
    }
    for (const std::string& refused : {std::string("!mapping!"), std::string(20000, '!') + "00:1f.2"})
        expect_param_error(c->get(pci + encode_segment(refused)), "pci-id-or-mapping",
                           "value does not match the regex pattern");

    // Perl's `$` also matches before a final newline, only one
    const std::string tags = "/nodes/pve/query-oci-repo-tags?reference=";
    auto newline = c->get(tags + encode_segment("debian\n"));
    EXPECT_EQ(newline.status, 501u) << newline.reason;
    EXPECT_EQ(newline.reason, "proxmox-sim does not implement 'GET /nodes/{node}/query-oci-repo-tags' yet");
    expect_param_error(c->get(tags + encode_segment("debian\n\n")), "reference",
                       "value does not match the regex pattern");
}

// --- long request lines ----------------------------------------------------------------------

TEST_F(SimHostileInput, LongPathSegmentsAndQueryValuesReachValidation) {
    const std::string digits(40000, '7');
    expect_param_error(c->get("/nodes/pve/qemu/" + digits + "/config"), "vmid",
                       "invalid format - value does not look like a valid VM ID\n");
    expect_param_error(c->get("/cluster/nextid?vmid=" + digits), "vmid",
                       "invalid format - value does not look like a valid VM ID\n");
    // characters an ACL path may hold (else the permission check fails first), but no valid ID
    const std::string storage = std::string(40000, 's') + "-";
    expect_param_error(c->get("/nodes/pve/storage/" + storage + "/content"), "storage",
                       "invalid format - storage ID '" + storage + "' contains illegal characters\n");
    expect_serving();
}

TEST_F(SimHostileInput, ARequestLineThatOverflowsTheReadBufferGetsNoAnswer) {
    // AnyEvent::Handle rbuf_max 64 KiB: a line that does not end within it is a fatal read error
    request r;
    r.target = "/api2/json/cluster/nextid?vmid=" + std::string(150000, '7');
    EXPECT_EQ(raw_answer(*c, r), "");
    EXPECT_TRUE(logged("/cluster/nextid").empty()) << "no request line was read";
    expect_serving();
}

// --- header limits ---------------------------------------------------------------------------

TEST_F(SimHostileInput, SixtyFourHeaderLinesAreTooMany) {
    request r;
    r.target = "/api2/json/version";
    for (int i = 0; counted_lines(r, info()) < 63; ++i)
        r.headers.emplace_back("X-Line-" + std::to_string(i), "x");
    ASSERT_EQ(counted_lines(r, info()), 63u);
    EXPECT_EQ(c->send(r).status, 200u) << "63 lines (with the empty one) are fine";

    // a line more (a body brings Content-Type and Content-Length, one X- line goes): pveproxy dies
    // in its header callback and never answers; the connection ends when the client is idle for
    // 5 s or has sent more than its 64 KiB read buffer holds
    r.method = "POST";
    r.target = "/api2/json/nodes/pve/qemu";
    r.content_type = "application/x-www-form-urlencoded";
    r.body = "vmid=" + free_vmid() + "&description=" + std::string(70000, 'd');
    r.headers.pop_back();
    ASSERT_EQ(counted_lines(r, info()), 64u);
    EXPECT_EQ(raw_answer(*c, r), "");
    const auto e = logged("/nodes/pve/qemu");
    ASSERT_EQ(e.size(), 1u);
    EXPECT_EQ(e[0].method, "POST");
    EXPECT_EQ(e[0].status, 0u);
    expect_serving();
}

TEST_F(SimHostileInput, HeaderOf8KiBIsTooLarge) {
    request r;
    r.target = "/api2/json/version";
    r.headers.emplace_back("X-Pad", "");
    r.headers.back().second.assign(8191 - counted_bytes(r, info()), 'p');
    ASSERT_EQ(counted_bytes(r, info()), 8191u);
    EXPECT_EQ(c->send(r).status, 200u) << "8191 bytes of header lines are fine";

    r.method = "POST";
    r.target = "/api2/json/nodes/pve/qemu";
    r.content_type = "application/x-www-form-urlencoded";
    r.body = "vmid=" + free_vmid() + "&description=" + std::string(70000, 'd');
    r.headers.back().second.clear();
    r.headers.back().second.assign(8192 - counted_bytes(r, info()), 'p');
    ASSERT_EQ(counted_bytes(r, info()), 8192u);
    EXPECT_EQ(raw_answer(*c, r), "");
    const auto e = logged("/nodes/pve/qemu");
    ASSERT_EQ(e.size(), 1u);
    EXPECT_EQ(e[0].status, 0u);
    expect_serving();
}

TEST_F(SimHostileInput, LongHeaderValuesWithinTheLimitAreAnswered) {
    request r;
    r.target = "/api2/json/version";
    r.auth = false;
    r.headers = {{"Cookie", "PVEAuthCookie=PVE:root@pam:" + std::string(7000, 'A')}};
    auto ticket = c->send(r);
    EXPECT_EQ(ticket.status, 401u);
    EXPECT_EQ(ticket.reason, "permission denied - invalid PVE ticket");
    EXPECT_EQ(ticket.body, "");

    r.headers = {{"Authorization", "PVEAPIToken=root@pam!sim=" + std::string(7000, 'S')}};
    auto token = c->send(r);
    EXPECT_EQ(token.status, 401u);
    EXPECT_EQ(token.reason, "Authentication failed!");
    expect_serving();
}

// --- body limit ------------------------------------------------------------------------------

TEST_F(SimHostileInput, BodiesOver64KiBAre501ForDataTooLarge) {
    const auto [node, vmid] = stopped_vm(*c);
    const std::string config = "/nodes/" + node + "/qemu/" + vmid + "/config";
    const std::string key = "description=";

    // AnyEvent.pm: $len > $limit_max_post (64 KiB) is refused, 64 KiB itself is read
    auto at_limit = send_form(*c, "PUT", config, key + std::string(64 * 1024 - key.size(), 'd'));
    expect_param_error(at_limit, "description", "value may only be 8192 characters long");

    // decided on the header: the body is never read, so the request announces it and sends none
    for (const std::size_t size : {64u * 1024 + 1, 100u * 1024}) {
        request r;
        r.method = "PUT";
        r.target = "/api2/json" + config;
        r.content_type = "application/x-www-form-urlencoded";
        r.headers = {{"Content-Length", std::to_string(size)}};
        auto over = c->send(r);
        EXPECT_EQ(over.status, 501u);
        EXPECT_EQ(over.reason, "for data too large");
        EXPECT_EQ(over.header("connection"), "close");
    }
    expect_serving();
}

} // namespace
