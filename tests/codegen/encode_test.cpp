#include <proxmox/generated/all.hpp>

#include <gtest/gtest.h>

#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace gen = proxmox::gen;
using items_t = std::vector<std::pair<std::string, std::string>>;

TEST(Encode, QemuStatusStart) {
    gen::nodes_qemu_status_start_post_params p;
    p.node = "pve";
    p.vmid = 100;
    auto r = gen::encode(p);
    EXPECT_EQ(r.path, "/nodes/pve/qemu/100/status/start");
    EXPECT_TRUE(r.params.empty()); // unset optionals are not sent

    p.skiplock = true;
    p.timeout = 30;
    p.migration_type = gen::nodes_qemu_status_start_post_params::migration_type_enum::insecure;
    r = gen::encode(p);
    EXPECT_EQ(r.params.items(),
              (items_t{{"migration_type", "insecure"}, {"skiplock", "1"}, {"timeout", "30"}}));
}

TEST(Encode, PathPlaceholdersAreEncodedAsOneSegment) {
    gen::nodes_storage_content_volume_get_params p;
    p.node = "pve";
    p.storage = "local";
    p.volume = "local:iso/debian 12.iso"; // {volume} is routed as the rest of the path
    EXPECT_EQ(gen::encode(p).path, "/nodes/pve/storage/local/content/local%3Aiso/debian%2012.iso");
    p.node = "{storage}"; // a value that looks like a placeholder is not substituted again
    EXPECT_EQ(gen::encode(p).path, "/nodes/%7Bstorage%7D/storage/local/content/local%3Aiso/debian%2012.iso");
    EXPECT_TRUE(gen::encode(p).path_error.empty());
    p.node = "pve/qemu";
    EXPECT_NE(gen::encode(p).path_error.find("'node'"), std::string::npos);
}

TEST(Encode, QemuCreateWithNumberedKeysAndBooleans) {
    gen::nodes_qemu_post_params p;
    p.node = "pve2";
    p.vmid = 123;
    p.config.name = "web";
    p.config.net[1] = "virtio,bridge=vmbr1";
    p.config.net[0] = "virtio=BC:24:11:00:00:01,bridge=vmbr0";
    p.config.scsi[0] = "local-lvm:32";
    p.config.numa = false;
    p.config.numa_n[0] = "cpus=0-1,memory=1024";
    p.start = true;
    p.config.template_ = false;
    p.config.ostype = gen::qemu_config_fields::ostype_enum::l26;
    auto r = gen::encode(p);
    EXPECT_EQ(r.path, "/nodes/pve2/qemu");
    // the endpoint's own parameters first, then the config keys it shares with the config calls
    EXPECT_EQ(r.params.items(), (items_t{
                                    {"start", "1"},
                                    {"vmid", "123"},
                                    {"name", "web"},
                                    {"net0", "virtio=BC:24:11:00:00:01,bridge=vmbr0"},
                                    {"net1", "virtio,bridge=vmbr1"},
                                    {"numa", "0"},
                                    {"numa0", "cpus=0-1,memory=1024"},
                                    {"ostype", "l26"},
                                    {"scsi0", "local-lvm:32"},
                                    {"template", "0"},
                                }));
}

TEST(Encode, ClusterResourcesEnum) {
    using params = gen::cluster_resources_get_params;
    params p;
    EXPECT_EQ(gen::encode(p).path, "/cluster/resources");
    EXPECT_TRUE(gen::encode(p).params.empty());
    p.type = params::type_enum::vm;
    EXPECT_EQ(gen::encode(p).params.items(), (items_t{{"type", "vm"}}));
    EXPECT_TRUE(*p.type == "vm");
    p.type = "future-kind"; // extensible: values unknown to this schema are accepted
    EXPECT_EQ(gen::encode(p).params.items(), (items_t{{"type", "future-kind"}}));
}

TEST(Encode, ArraysAreRepeatedKeys) {
    gen::cluster_backup_post_params p;
    p.job.exclude_path = {"/tmp/*", "/var/cache/*"};
    auto r = gen::encode(p);
    items_t want{{"exclude-path", "/tmp/*"}, {"exclude-path", "/var/cache/*"}};
    EXPECT_EQ(r.params.items(), want);
}

TEST(Encode, KeywordMembersAndDelete) {
    gen::nodes_qemu_config_put_params p;
    p.node = "pve";
    p.vmid = 101;
    p.delete_ = "net1,scsi2";
    auto r = gen::encode(p);
    EXPECT_EQ(r.path, "/nodes/pve/qemu/101/config");
    EXPECT_EQ(r.params.items(), (items_t{{"delete", "net1,scsi2"}}));
}

TEST(Encode, SharedFieldGroupsAreOneType) {
    // create and both config calls hold the same config struct, so one value serves all three
    gen::qemu_config_fields config;
    config.cores = 4;
    config.memory = "4096";
    gen::nodes_qemu_config_put_params put{.node = "pve", .vmid = 100, .config = config};
    gen::nodes_qemu_config_post_params post{.node = "pve", .vmid = 100, .config = config};
    EXPECT_EQ(gen::encode(put).params.items(), gen::encode(post).params.items());
    EXPECT_EQ(gen::encode(put).params.items(), (items_t{{"cores", "4"}, {"memory", "4096"}}));
    static_assert(std::is_same_v<decltype(put.config), decltype(gen::nodes_qemu_post_params{}.config)>);
    static_assert(gen::nodes_qemu_config_post_params::endpoint.task == gen::task_kind::upid_or_null);
    static_assert(gen::nodes_qemu_config_put_params::endpoint.method == proxmox::http_method::put);
}
