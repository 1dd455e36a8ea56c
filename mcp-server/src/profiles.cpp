#include "caller_text.hpp"
#include "config.hpp"

#include <boost/json/parse.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>

namespace proxmox::mcp {

namespace json = boost::json;

namespace {

bool is_profile_name(std::string_view name) {
    return !name.empty() && name.size() <= 32 && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
               c == '_';
    });
}

bool is_config_key(std::string_view key) {
    return key != "PROXMOX_PROFILES" &&
           std::find(config_keys.begin(), config_keys.end(), key) != config_keys.end();
}

/// A setting as text: strings as they are, booleans and numbers as written.
std::optional<std::string> setting_text(const json::value& v) {
    if (v.is_string())
        return std::string(v.get_string());
    if (v.is_bool())
        return v.get_bool() ? "true" : "false";
    if (v.is_int64())
        return std::to_string(v.get_int64());
    if (v.is_uint64())
        return std::to_string(v.get_uint64());
    return std::nullopt;
}

config_outcome failed(std::string message) {
    config_outcome out;
    out.error = std::move(message);
    return out;
}

} // namespace

config_outcome load_profiles(const std::string& path,
                             const env_lookup& env,
                             const std::optional<std::string>& env_file_text,
                             std::string_view env_file_name) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return failed(
            fmt::format("PROXMOX_PROFILES: cannot read {}: {}", quote_text(path, 256), std::strerror(errno)));
    std::string text(max_profile_file + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_profile_file)
        return failed(fmt::format("PROXMOX_PROFILES: {} is larger than {} bytes", quote_text(path, 256),
                                  max_profile_file));
    boost::system::error_code ec;
    json::value doc = json::parse(text, ec);
    const json::object* root = ec ? nullptr : doc.if_object();
    const json::value* clusters_value = root ? root->if_contains("clusters") : nullptr;
    const json::object* clusters = clusters_value ? clusters_value->if_object() : nullptr;
    std::string where = fmt::format("PROXMOX_PROFILES ({})", quote_text(path, 256));
    if (!clusters || clusters->empty())
        return failed(
            fmt::format("{} must be a JSON object with \"clusters\": {{\"NAME\": {{\"PROXMOX_API_URL\": "
                        "...}}, ...}}",
                        where));
    if (clusters->size() > max_profiles)
        return failed(fmt::format("{} names {} clusters; at most {} are served", where, clusters->size(),
                                  max_profiles));

    std::string default_name;
    if (const auto* d = root->if_contains("default")) {
        if (!d->is_string() || !clusters->contains(d->get_string()))
            return failed(fmt::format("{}: \"default\" must name one of its clusters", where));
        default_name = std::string(d->get_string());
    } else if (clusters->size() == 1) {
        default_name = std::string(clusters->begin()->key());
    } else {
        return failed(
            fmt::format("{}: name the cluster used without a cluster argument in \"default\"", where));
    }

    config_outcome out;
    for (const auto& [name, value] : *clusters) {
        if (!is_profile_name(name))
            return failed(fmt::format("{}: cluster names are 1-32 letters, digits, - or _; {} is not one",
                                      where, quote_text(name, 40)));
        const auto* settings = value.if_object();
        if (!settings)
            return failed(
                fmt::format("{}: cluster {} must be an object of settings", where, std::string_view(name)));
        std::map<std::string, std::string, std::less<>> own;
        for (const auto& [key, v] : *settings) {
            if (!is_config_key(key))
                return failed(fmt::format("{}: cluster {} sets {}, which is not a setting (see .env.example)",
                                          where, std::string_view(name), quote_text(key, 64)));
            auto text_value = setting_text(v);
            if (!text_value) // the value may be a secret: name only the key
                return failed(fmt::format("{}: cluster {}: {} must be a string, a boolean or a number", where,
                                          std::string_view(name), std::string_view(key)));
            own.emplace(std::string(key), std::move(*text_value));
        }
        if (!own.count("PROXMOX_API_URL"))
            return failed(
                fmt::format("{}: cluster {} needs its own PROXMOX_API_URL", where, std::string_view(name)));
        env_lookup overlay = [&own, &env](std::string_view key) -> std::optional<std::string> {
            if (auto it = own.find(key); it != own.end())
                return it->second;
            return env(key);
        };
        auto cluster = make_cluster_config(overlay, env_file_text, env_file_name, false);
        if (!cluster.config)
            return failed(fmt::format("{}: cluster {}: {}", where, std::string_view(name), cluster.error));
        cluster_profile profile{std::string(name), std::move(*cluster.config)};
        if (name == default_name)
            out.clusters.insert(out.clusters.begin(), std::move(profile));
        else
            out.clusters.push_back(std::move(profile));
    }
    out.config = out.clusters.front().config;
    return out;
}

} // namespace proxmox::mcp
