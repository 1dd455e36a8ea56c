#!/usr/bin/env bash
# Installs the official MCP TypeScript SDK for the optional end-to-end test that drives
# proxmox-mcp with an independent client (tests/mcp/node). Skipped, with a note, when Node.js
# or the npm registry is not available: the test is then simply not registered.
set -u
dir="$(dirname "$0")/../tests/mcp/node"
[ -f "$dir/node_modules/@modelcontextprotocol/sdk/package.json" ] && exit 0
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "note: Node.js not found; the MCP TypeScript SDK client test is skipped" >&2
    exit 0
fi
if ! npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error >&2; then
    echo "note: npm could not install @modelcontextprotocol/sdk; the MCP TypeScript SDK client test is skipped" >&2
fi
exit 0
