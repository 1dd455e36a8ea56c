#!/usr/bin/env bash
# Installs the npm packages of the tests that drive our programs with independent clients: the
# official MCP TypeScript SDK (tests/mcp/node, against proxmox-mcp), the official MCP inspector
# CLI (tests/mcp/inspector), the MCP conformance suite with the Node 22 its runner needs
# (tests/mcp/conformance) and the proxmox-api client (tests/sim/third_party/node, against
# proxmox-sim). Skipped, with a note, when Node.js or the npm
# registry is not available: those tests are then simply not registered.
set -u
root="$(dirname "$0")/.."
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "note: Node.js not found; the npm client tests are skipped" >&2
    exit 0
fi
install() { # DIR MARKER-PACKAGE
    [ -f "$root/$1/node_modules/$2/package.json" ] && return 0
    npm ci --prefix "$root/$1" --no-audit --no-fund --loglevel=error >&2 ||
        echo "note: npm could not install $2; the test in $1 is skipped" >&2
}
install tests/mcp/node @modelcontextprotocol/sdk
install tests/mcp/inspector @modelcontextprotocol/inspector
install tests/mcp/conformance @modelcontextprotocol/conformance
install tests/sim/third_party/node proxmox-api
exit 0
