#include "cli.hpp"

#include <fmt/format.h>

namespace proxmox::mcp {

cli_options parse_cli(std::span<const std::string_view> args) {
    cli_options o;
    auto fail = [&](std::string message) {
        o.what = cli_options::action::error;
        o.error = std::move(message);
        return o;
    };
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string_view a = args[i];
        if (a == "--help" || a == "-h") {
            o.what = cli_options::action::help;
        } else if (a == "--version" || a == "-V") {
            if (o.what == cli_options::action::serve)
                o.what = cli_options::action::version;
        } else if (a == "--list-tools-markdown") {
            if (o.what == cli_options::action::serve)
                o.what = cli_options::action::list_tools_markdown;
        } else if (a == "--demo") {
            o.demo = true;
        } else if (a == "--env-file") {
            if (i + 1 >= args.size())
                return fail("--env-file needs a path");
            o.env_file = std::string(args[++i]);
            o.env_file_given = true;
        } else if (a.substr(0, 11) == "--env-file=") {
            o.env_file = std::string(a.substr(11));
            o.env_file_given = true;
            if (o.env_file.empty())
                return fail("--env-file needs a path");
        } else if (a == "--http") {
            if (i + 1 >= args.size())
                return fail("--http needs ADDR:PORT, e.g. --http 127.0.0.1:8080");
            o.http = true;
            o.http_address = std::string(args[++i]);
        } else if (a.substr(0, 7) == "--http=") {
            o.http = true;
            o.http_address = std::string(a.substr(7));
            if (o.http_address.empty())
                return fail("--http needs ADDR:PORT, e.g. --http 127.0.0.1:8080");
        } else {
            return fail(fmt::format("unknown argument: {}", a));
        }
    }
    return o;
}

std::string usage_text() {
    return R"(Usage: proxmox-mcp [--demo] [--env-file PATH] [--http ADDR:PORT]
       proxmox-mcp --help | --version | --list-tools-markdown

An MCP (Model Context Protocol) server for Proxmox VE over stdio: newline-delimited JSON-RPC 2.0
on stdin/stdout (stdout carries protocol messages only; logs go to stderr). With --http it serves
MCP Streamable HTTP on http://ADDR:PORT/mcp instead.

Options:
  --demo                  serve a simulated in-process Proxmox VE cluster (nothing to configure)
  --env-file PATH         read configuration from PATH (default: ./.env, else
                          $XDG_CONFIG_HOME/proxmox-mcp/env, i.e. ~/.config/proxmox-mcp/env)
  --http ADDR:PORT        serve MCP Streamable HTTP on ADDR:PORT (127.0.0.1:8080, [::1]:8080,
                          localhost:8080; port 0 picks a free one, logged on stderr). Any address
                          beyond loopback (0.0.0.0:8080) needs PROXMOX_MCP_HTTP_TOKEN
  --list-tools-markdown   print the tool reference (docs/mcp-tools.md) and exit
  --version               print the version and exit
  --help                  print this help and exit

Configuration (the environment wins over the env file):
  PROXMOX_API_URL          https://host:8006 (required; no user:password@, no ?query)
  PROXMOX_TOKEN_ID         API token id, USER@REALM!TOKENID
  PROXMOX_TOKEN_SECRET     API token secret
  PROXMOX_USER             USER@REALM for ticket login instead of a token
  PROXMOX_PASSWORD         that user's password
  PROXMOX_VERIFY           true|false: verify the server certificate (default true)
  PROXMOX_FINGERPRINT      SHA-256 fingerprint of the node certificate to pin (AA:BB:...)
  PROXMOX_CA_FILE          CA certificate file (e.g. the cluster's pve-root-ca.pem)
  PROXMOX_TIMEOUT          seconds one API call may take, retries included (default 30)
  PROXMOX_CONNECT_TIMEOUT  seconds for TCP connect + TLS handshake (default 10)
  PROXMOX_DEFAULT_NODE     node used when a tool call names none
  PROXMOX_DEFAULT_STORAGE  default storage
  PROXMOX_DEFAULT_BRIDGE   default bridge
  PROXMOX_DEFAULT_LXC_PASSWORD  root password of new containers (never printed)
  PROXMOX_READ_ONLY        true: only reading tools; no request but GET is sent
  PROXMOX_ALLOWED_NODES    comma list of the only nodes tools may target
  PROXMOX_ALLOWED_VMIDS    ranges of the only guests tools may target, e.g. 100-199,9000
  PROXMOX_ALLOWED_POOLS    comma list: only guests in these pools
  PROXMOX_ALLOW_GUEST_EXEC true: offer proxmox-guest-exec (--demo sets it)
  PROXMOX_UPLOAD_DIR       the upload tools read local files only below this directory
  PROXMOX_AUDIT_LOG        file for one JSON line per executed write (default: stderr)

Streamable HTTP (--http; read from the environment only, never from the env file):
  PROXMOX_MCP_HTTP_TOKEN   bearer token clients must send (Authorization: Bearer <token>); at
                           least 16 visible characters, e.g. $(openssl rand -hex 32)
  PROXMOX_MCP_HTTP_ALLOWED_ORIGINS  comma list of web origins (https://app.example.com) allowed
                           besides http(s)://localhost, 127.0.0.1 and [::1]

A missing or malformed setting does not stop the server: every tool call answers it.
Exit status: 0 on stdin EOF or SIGTERM, 2 for a usage error (also an unusable --http address,
token or origin list, or an address beyond loopback without a token), 1 when the HTTP port
cannot be bound.
)";
}

} // namespace proxmox::mcp
