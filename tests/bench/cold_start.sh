#!/usr/bin/env bash
# Cold start of proxmox-mcp as a client sees it: spawn, initialize, tools/list, stdin EOF, exit,
# with a configured (token, pinned fingerprint) cluster that is never contacted. Times it with
# hyperfine and reports the peak RSS with GNU time.
#   tests/bench/cold_start.sh [path/to/proxmox-mcp]   (default: the Release build)
set -euo pipefail
exe=${1:-build/release/mcp-server/proxmox-mcp}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '%s\n' \
    '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}' \
    '{"jsonrpc":"2.0","method":"notifications/initialized"}' \
    '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' >"$work/in"
cat >"$work/run.sh" <<SCRIPT
#!/bin/sh
export PROXMOX_API_URL=https://127.0.0.1:1 PROXMOX_TOKEN_ID='root@pam!mcp' PROXMOX_TOKEN_SECRET=bench
export PROXMOX_FINGERPRINT=$(printf 'AB:%.0s' $(seq 31))AB
exec "$(realpath "$exe")" --env-file /dev/null <"$work/in" >"$work/out" 2>/dev/null
SCRIPT
chmod +x "$work/run.sh"
"$work/run.sh"
grep -q '"tools"' "$work/out" || { echo "proxmox-mcp did not list its tools" >&2; exit 1; }
hyperfine -N --warmup 5 --runs 100 "$work/run.sh" 2>&1 | grep -E 'Time|Range'
/usr/bin/time -f 'peak RSS: %M KiB' "$work/run.sh"
