#!/usr/bin/env bash
# Runs the official MCP conformance suite's server scenarios against the fixture server (our
# session and Streamable HTTP transport). Fails on any scenario that fails and is not listed,
# with its reason, in baseline.yml.
#
#     run_conformance.sh FIXTURE_EXE
set -u
here="$(cd "$(dirname "$0")" && pwd)"
fixture="$1"
node="$here/node_modules/.bin/node" # Node 22 from npm: the suite's runner needs it
runner="$here/node_modules/@modelcontextprotocol/conformance/dist/index.js"
work="$(mktemp -d)"
trap 'exec 3>&- 2>/dev/null; kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$work"' EXIT

mkfifo "$work/in"
"$fixture" <"$work/in" >"$work/url" 2>"$work/fixture.log" &
pid=$!
exec 3>"$work/in" # holding stdin open keeps the fixture running
for _ in $(seq 100); do
    [ -s "$work/url" ] && break
    sleep 0.1
done
url="$(head -n1 "$work/url")"
if [ -z "$url" ]; then
    echo "the fixture server did not start:" >&2
    cat "$work/fixture.log" >&2
    exit 1
fi
echo "fixture at $url"
cd "$work"
"$node" "$runner" server --url "$url" --suite all --expected-failures "$here/baseline.yml"
status=$?
if [ $status -ne 0 ]; then
    echo "--- fixture log (tail) ---" >&2
    tail -n 50 "$work/fixture.log" >&2
fi
exit $status
