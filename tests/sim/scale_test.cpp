// proxmox::sim at scale: a 32-node cluster with 10000 guests is complete, consistent and the
// same for the same seed. (Start-up and list times are measured in tests/bench/bench_sim_scale.)
#include "client.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace {

using simtest::client;
using simtest::data;

using guest_row =
    std::tuple<std::int64_t, std::string, std::string, std::string, std::int64_t, std::string, std::int64_t>;

/// (vmid, type, name, node, template, status, maxmem) of every guest, in the order listed.
std::vector<guest_row> guests(client& c) {
    std::vector<guest_row> out;
    const auto all = data(c.get("/cluster/resources?type=vm")); // the loop below reads into it
    for (const auto& g : all.as_array()) {
        const auto& o = g.as_object();
        out.emplace_back(o.at("vmid").to_number<std::int64_t>(), std::string(o.at("type").as_string()),
                         std::string(o.at("name").as_string()), std::string(o.at("node").as_string()),
                         o.at("template").to_number<std::int64_t>(), std::string(o.at("status").as_string()),
                         o.at("maxmem").to_number<std::int64_t>());
    }
    return out;
}

proxmox::sim::options large(std::uint64_t seed) {
    auto o = simtest::quick_sim_options();
    o.nodes = 32;
    o.guests = 10000;
    o.seed = seed;
    return o;
}

TEST(SimScale, TenThousandGuestsOnThirtyTwoNodesAreConsistentAndDeterministic) {
    proxmox::sim::server a(large(7)), b(large(7)), other(large(8));
    client ca(a.start()), cb(b.start()), cother(other.start());

    const auto listed = guests(ca);
    ASSERT_EQ(listed.size(), 10000u);
    std::set<std::int64_t> ids;
    std::set<std::string> nodes;
    int templates = 0;
    for (const auto& [vmid, type, name, node, tmpl, status, maxmem] : listed) {
        ids.insert(vmid);
        nodes.insert(node);
        templates += tmpl == 1;
    }
    EXPECT_EQ(ids.size(), listed.size()) << "VMIDs are unique";
    EXPECT_EQ(nodes.size(), 32u) << "guests are spread over every node";
    EXPECT_EQ(templates, 2);
    EXPECT_EQ(data(ca.get("/nodes")).as_array().size(), 32u);

    // every node's own list agrees with the cluster view
    std::size_t per_node = 0;
    for (const auto& n : nodes)
        per_node += data(ca.get("/nodes/" + n + "/qemu")).as_array().size() +
                    data(ca.get("/nodes/" + n + "/lxc")).as_array().size();
    EXPECT_EQ(per_node, listed.size());

    EXPECT_EQ(guests(cb), listed) << "the same seed gives the same cluster";
    EXPECT_NE(guests(cother), listed) << "another seed gives another cluster (sizes, running guests)";

    // thin pools are large enough for their guests
    const auto storages = data(ca.get("/cluster/resources?type=storage"));
    for (const auto& s : storages.as_array()) {
        const auto& o = s.as_object();
        if (o.at("storage") == "local-lvm") {
            EXPECT_LT(o.at("disk").to_number<double>(), o.at("maxdisk").to_number<double>()) << o;
        }
    }
}

} // namespace
