#!/usr/bin/env bash
# Runs every libFuzzer target of build/fuzz one after another for SECONDS each, with its seed
# corpus and dictionary (make fuzz / make fuzz-smoke). New corpus entries go to
# build/fuzz/corpus-<name>, crash inputs to build/fuzz/artifacts/<name>/, logs to
# build/fuzz/logs/. Exits non-zero when a target found a crash, a leak, a timeout or a broken
# invariant; the other targets still run. With FUZZ_RUNS=N in the environment a target also stops
# after N executions, whichever comes first (long runs: FUZZ_RUNS=10000000 with SECONDS=3600).
#   tests/fuzz/run_fuzzers.sh SECONDS [TARGET...]
set -uo pipefail
seconds=${1:?usage: run_fuzzers.sh SECONDS [TARGET...]}
shift
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$root/build/fuzz
src=$root/tests/fuzz

# -max_len: what one input can sensibly be (a message line, a .env file, a request header...)
declare -A max_len=(
    [jsonrpc]=8192 [session]=16384 [tool_arguments]=4096 [dotenv]=8192 [upid]=2048 [credentials]=4096
    [property_string]=4096 [envelope]=16384 [sim_request]=16384 [sim_header]=70000)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(jsonrpc session tool_arguments dotenv upid credentials property_string envelope
                                     sim_request sim_header)

mkdir -p "$build/logs"
failed=()
printf '%-16s %9s %12s  %s\n' target seconds executions result
for name in "${targets[@]}"; do
    exe=$build/tests/fuzz/${name}_fuzzer
    if [ ! -x "$exe" ]; then
        echo "$name: $exe missing (cmake --build --preset fuzz)" >&2
        failed+=("$name")
        continue
    fi
    mkdir -p "$build/corpus-$name" "$build/artifacts/$name"
    log=$build/logs/$name.log
    dict=()
    [ -f "$src/dict/$name.dict" ] && dict=(-dict="$src/dict/$name.dict")
    runs=()
    [ -n "${FUZZ_RUNS:-}" ] && runs=(-runs="$FUZZ_RUNS")
    start=$(date +%s)
    # the first directory receives new inputs; the committed corpus is only read
    "$exe" "$build/corpus-$name" "$src/corpus/$name" "${dict[@]}" "${runs[@]}" -max_len="${max_len[$name]:-4096}" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$build/artifacts/$name/" >"$log" 2>&1
    rc=$?
    elapsed=$(( $(date +%s) - start ))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    result=ok
    if [ $rc -ne 0 ]; then
        result="FAILED (exit $rc): $(ls -t "$build/artifacts/$name" | head -1) - see $log"
        failed+=("$name")
    fi
    printf '%-16s %9s %12s  %s\n' "$name" "$elapsed" "${execs:-?}" "$result"
done
if [ ${#failed[@]} -ne 0 ]; then
    echo "fuzzing failed: ${failed[*]}; replay an input with build/fuzz/tests/fuzz/<name>_fuzzer FILE" >&2
    exit 1
fi
