// The two ways to reach any endpoint, blocking for brevity:
// - a generated typed call (proxmox/generated/api.hpp): every endpoint of the schema, typed
//   parameters, a task_handle for calls that start a task;
// - the raw escape hatch, client::async_request(method, path, params), for anything newer than
//   the SDK's schema.
//
//   PROXMOX_API_URL=... PROXMOX_TOKEN_ID=... PROXMOX_TOKEN_SECRET=... PROXMOX_FINGERPRINT=... ./raw_request

#include <proxmox/blocking_client.hpp>
#include <proxmox/generated/api.hpp>

#include <boost/json/serialize.hpp>

#include <cstdio>

int main() {
    auto options = proxmox::client_options_from_env();
    if (!options) {
        std::fprintf(stderr, "%s\n", options.error().message.c_str());
        return 2;
    }
    proxmox::blocking_client pve(*options);
    proxmox::gen::api api(pve.async());

    // typed: GET /cluster/resources?type=storage
    auto storages = pve.run(api.async_cluster_resources_get(
        {.type = proxmox::gen::cluster_resources_get_params::type_enum::storage}));
    if (!storages) {
        std::fprintf(stderr, "error: %s\n", storages.error().to_string().c_str());
        return 1;
    }
    for (const auto& s : storages->data.as_array())
        std::printf("storage %s on %s: %s\n", s.at("storage").as_string().c_str(),
                    s.at("node").as_string().c_str(), s.at("status").as_string().c_str());

    // raw: GET /nodes/{node}/status with the JSON as PVE sent it
    const std::string node(storages->data.as_array().at(0).at("node").as_string());
    auto status = pve.run(pve.async().async_request(proxmox::http_method::get, "/nodes/" + node + "/status"));
    if (!status) {
        std::fprintf(stderr, "error: %s\n", status.error().to_string().c_str());
        return 1;
    }
    std::printf("raw /nodes/%s/status: pveversion=%s\n", node.c_str(),
                boost::json::serialize(status->data.at("pveversion")).c_str());
    return 0;
}
