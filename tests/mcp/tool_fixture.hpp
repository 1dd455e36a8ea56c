// The fixture of the per-tool tests (tests/mcp/tools): a fresh simulated cluster per test and a
// `proxmox-mcp` child process configured for it (token, pinned fingerprint), so a test can call
// tools as an agent does and read the simulator's request log to prove what was sent.
//
//     class VmTools : public proxmox::mcp::testing::tool_fixture {};
//     TEST_F(VmTools, StartsAStoppedVm) {
//         auto out = ok("proxmox-start-vm", {{"vmid", 101}, {"confirm", true}, {"wait", true}});
//         EXPECT_EQ(out.at("task").at("exitstatus"), "OK");
//     }
#ifndef PROXMOX_TESTS_MCP_TOOL_FIXTURE_HPP
#define PROXMOX_TESTS_MCP_TOOL_FIXTURE_HPP

#include "mcp_client.hpp"
#include "schema_validation.hpp"
#include "sim_fixture.hpp"

#include <proxmox/blocking_client.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace proxmox::mcp::testing {

class tool_fixture : public proxmox::testing::sim_fixture {
protected:
    void tune(proxmox::sim::options& o) override { o.task_seconds = 0.1; }

    /// The environment of a correctly configured server, with `extra` on top.
    std::map<std::string, std::string> env(std::map<std::string, std::string> extra = {}) const {
        std::map<std::string, std::string> e{{"PROXMOX_API_URL", info().url},
                                             {"PROXMOX_TOKEN_ID", info().token_id},
                                             {"PROXMOX_TOKEN_SECRET", info().token_secret},
                                             {"PROXMOX_FINGERPRINT", info().fingerprint},
                                             {"PROXMOX_DEFAULT_NODE", "pve"},
                                             {"PROXMOX_DEFAULT_STORAGE", "local-lvm"},
                                             {"PROXMOX_DEFAULT_BRIDGE", "vmbr0"}};
        for (auto& [k, v] : extra)
            e[k] = v;
        return e;
    }

    /// (Re)starts the server with env(extra) and initializes it; later calls go to it.
    mcp_client& start_server(std::map<std::string, std::string> extra = {},
                             boost::json::object client_capabilities = {}) {
        client_ = std::make_unique<mcp_client>(std::vector<std::string>{"--env-file", "/dev/null"},
                                               env(std::move(extra)));
        auto init = client_->initialize("2025-11-25", std::move(client_capabilities));
        EXPECT_TRUE(init.is_object() && init.as_object().contains("result")) << client_->proc().stderr_text();
        tools_ = client_->tools();
        return *client_;
    }

    /// The running server (started with the default environment on first use).
    mcp_client& mcp() {
        if (!client_)
            start_server();
        return *client_;
    }

    /// tools/call: the whole result object.
    boost::json::object call(const char* tool, boost::json::object args = {}) {
        return mcp().call(tool, std::move(args));
    }

    /// A call that must succeed: its structuredContent, checked against the tool's outputSchema and
    /// against the text block.
    boost::json::object ok(const char* tool, boost::json::object args = {}) {
        auto r = call(tool, std::move(args));
        if (is_error(r)) {
            ADD_FAILURE() << tool << " failed: " << text_of(r);
            return {};
        }
        if (!r.contains("structuredContent")) {
            ADD_FAILURE() << tool << ": no structuredContent";
            return {};
        }
        const auto& structured = r.at("structuredContent");
        auto it = tools_.find(tool);
        if (it == tools_.end()) {
            ADD_FAILURE() << tool << " is not listed";
        } else if (const auto* schema = it->second.if_contains("outputSchema")) {
            auto problem = proxmox::mcp::validate_result(schema->as_object(), structured);
            EXPECT_FALSE(problem) << tool << ": result breaks its outputSchema at "
                                  << (problem ? problem->path : "") << ": "
                                  << (problem ? problem->message : "");
        }
        EXPECT_EQ(boost::json::parse(text_of(r)), structured) << tool;
        return structured.as_object();
    }

    /// A call that must fail: its text.
    std::string err(const char* tool, boost::json::object args = {}) {
        auto r = call(tool, std::move(args));
        EXPECT_TRUE(is_error(r)) << tool << " should have failed: " << boost::json::serialize(r);
        return text_of(r);
    }

    /// Requests in the simulator's log that are not GET (writes), oldest first.
    std::vector<proxmox::sim::request_log_entry> writes() const {
        std::vector<proxmox::sim::request_log_entry> out;
        for (auto& e : server().request_log())
            if (e.method != "GET")
                out.push_back(e);
        return out;
    }

    /// The listed tools of the running server, by name.
    const std::map<std::string, boost::json::object>& listed() {
        mcp();
        return tools_;
    }

    /// An SDK client on the same simulator, to set up and read state the tools do not show.
    proxmox::blocking_client& pve() {
        if (!pve_) {
            proxmox::client_options o;
            o.url = info().url;
            o.token = {info().token_id, info().token_secret};
            o.tls.fingerprint = info().fingerprint;
            pve_.emplace(std::move(o));
        }
        return *pve_;
    }

private:
    std::unique_ptr<mcp_client> client_;
    std::map<std::string, boost::json::object> tools_;
    std::optional<proxmox::blocking_client> pve_;
};

} // namespace proxmox::mcp::testing

#endif
