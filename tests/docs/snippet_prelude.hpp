// What the C++ fragments in README.md and docs/*.md take for granted: the SDK's headers and the
// variables the pages use without declaring them. check_snippets.py includes this before the
// fragments of a page; whole programs (a snippet with its own #include lines and functions) are
// compiled without it, so they must include what they use.
//
// The names follow the docs. A page that needs another one adds it here, with the pages using it.
// The objects are only declared: the snippets are compiled with -fsyntax-only, never run.
#ifndef PROXMOX_TESTS_DOCS_SNIPPET_PRELUDE_HPP
#define PROXMOX_TESTS_DOCS_SNIPPET_PRELUDE_HPP

#include <proxmox/blocking_client.hpp>
#include <proxmox/client.hpp>
#include <proxmox/generated/api.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

namespace doc_snippet {

namespace gen = proxmox::gen;

extern proxmox::client pve;          // most pages
extern proxmox::client client;       // snapshots-and-backups.md, storage.md, codegen.md
extern proxmox::client_options opts; // auth.md, retries.md
extern proxmox::node_handle node;    // snapshots-and-backups.md
extern proxmox::qemu_handle vm;      // qemu.md
extern proxmox::lxc_handle ct;       // lxc.md
extern gen::api api;                 // codegen.md

extern proxmox::result<proxmox::qemu_config> cfg;   // qemu.md: what vm.async_config() gave
extern proxmox::result<proxmox::lxc_config> config; // lxc.md: what ct.async_config() gave

extern std::string secret;   // tls.md: a token secret
extern std::string stamp;    // snapshots-and-backups.md: a time stamp in a snapshot name
extern std::string volid;    // snapshots-and-backups.md: a VM backup's volume id
extern std::string ct_volid; // snapshots-and-backups.md: a container backup's volume id

std::string read_password();               // auth.md
std::string prompt(std::string_view what); // auth.md

} // namespace doc_snippet

#endif
