// Builds against the installed headers and library; checks an option error comes back as a result.
#include <proxmox/blocking_client.hpp>

#include <cstdio>

int main() {
    proxmox::client_options options;
    options.url = "http://not-https.example";
    options.token = {"root@pam!ci", "secret"};
    proxmox::blocking_client pve(options);
    auto version = pve.version();
    if (version || version.error().code != proxmox::errc::invalid_argument) return 1;
    std::puts(version.error().to_string().c_str());
    return 0;
}
