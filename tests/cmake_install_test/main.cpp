// Builds against the installed headers and libraries and uses each target once: the SDK reports
// an option error as a result, lists the nodes of an in-process proxmox::sim, reads a scripted
// answer through proxmox::testing, and the installed proxmox-sim prints its version.
#include <proxmox/blocking_client.hpp>
#include <proxmox/sim/server.hpp>
#include <proxmox/testing/scripted_transport.hpp>

#include <chrono>
#include <cstdio>
#include <string>

namespace {

int fail(const std::string& what) {
    std::fprintf(stderr, "consumer: %s\n", what.c_str());
    return 1;
}

} // namespace

int main() {
    proxmox::client_options bad;
    bad.url = "http://not-https.example";
    bad.token = {"root@pam!ci", "secret"};
    auto refused = proxmox::blocking_client(bad).version();
    if (refused || refused.error().code != proxmox::errc::invalid_argument)
        return fail("an http:// URL was not refused as invalid_argument");

    proxmox::sim::options sim_options;
    sim_options.unauthorized_delay = std::chrono::milliseconds(0);
    proxmox::sim::server sim(sim_options);
    const auto& ep = sim.start();
    proxmox::client_options options;
    options.url = ep.url;
    options.token = {ep.token_id, ep.token_secret};
    options.tls.ca_file = ep.ca_file;
    proxmox::blocking_client pve(options);
    auto nodes = pve.nodes();
    if (!nodes)
        return fail("listing the simulator's nodes: " + nodes.error().to_string());
    if (nodes->size() != 3 || (*nodes)[0].node != "pve")
        return fail("the simulator did not list its three nodes pve, pve2, pve3");

    proxmox::http_response answer{200, "OK", "application/json;charset=UTF-8",
                                  R"({"data":{"version":"9.1.9","release":"9.1","repoid":"3ae8f5d7"}})"};
    proxmox::testing::scripted_client scripted({answer});
    auto version = scripted.pve->version();
    if (!version || version->release != "9.1")
        return fail("the scripted answer did not come back as version_info");
    if (scripted.transport->sent.size() != 1 || scripted.transport->sent[0].target != "/api2/json/version")
        return fail("the scripted transport did not record GET /api2/json/version");

    std::FILE* tool = ::popen(PROXMOX_SIM_EXE " --version", "r");
    if (!tool)
        return fail("cannot run " PROXMOX_SIM_EXE);
    std::string out;
    char buf[256];
    while (std::fgets(buf, sizeof buf, tool)) // to the end, so the tool never writes into a closed pipe
        out += buf;
    const int status = ::pclose(tool);
    const std::string first_line = out.substr(0, out.find('\n'));
    if (status != 0 || first_line != "proxmox-sim " + proxmox::sim::version().simulator)
        return fail(PROXMOX_SIM_EXE " --version printed '" + out + "', exit status " +
                    std::to_string(status));

    std::printf("nodes: %zu, scripted release: %s, %s\n", nodes->size(), version->release.c_str(),
                first_line.c_str());
    return 0;
}
