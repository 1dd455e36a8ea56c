#!/usr/bin/env python3
"""Runs an example program against a fresh proxmox-sim, the way a user would:
start the simulator, export the PROXMOX_* variables from its JSON line, run the example,
and check its exit code and (optionally) that its output matches a regular expression.

usage: run_against_sim.py SIM EXAMPLE [EXPECTED_REGEX] [--repeat N] [-- EXAMPLE_ARGS...]
--repeat runs the example N times against the same cluster; the last output is matched."""
import json
import os
import re
import subprocess
import sys


def main() -> int:
    argv = sys.argv[1:]
    example_args = []
    if "--" in argv:
        example_args = argv[argv.index("--") + 1:]
        argv = argv[:argv.index("--")]
    repeat = 1
    if "--repeat" in argv:
        i = argv.index("--repeat")
        repeat = int(argv[i + 1])
        del argv[i:i + 2]
    if len(argv) < 2:
        print(__doc__.splitlines()[-3], file=sys.stderr)
        return 2
    sim_path, example, expected = argv[0], argv[1], (argv[2] if len(argv) > 2 else None)
    sim = subprocess.Popen([sim_path, "--task-seconds", "0.05"], stdin=subprocess.PIPE,
                           stdout=subprocess.PIPE, text=True)
    try:
        info = json.loads(sim.stdout.readline())
        env = dict(os.environ, PROXMOX_API_URL=info["url"], PROXMOX_TOKEN_ID=info["token_id"],
                   PROXMOX_TOKEN_SECRET=info["token_secret"], PROXMOX_FINGERPRINT=info["fingerprint"])
        for _ in range(repeat):
            run = subprocess.run([example, *example_args], env=env, capture_output=True, text=True, timeout=60)
            sys.stdout.write(run.stdout)
            sys.stderr.write(run.stderr)
            if run.returncode != 0:
                print(f"{example} exited with {run.returncode}", file=sys.stderr)
                return 1
        if expected and not re.search(expected, run.stdout, re.MULTILINE):
            print(f"{example} output does not match {expected!r}", file=sys.stderr)
            return 1
        return 0
    finally:
        sim.stdin.close()  # the simulator exits on stdin EOF
        try:
            sim.wait(timeout=10)
        except subprocess.TimeoutExpired:
            sim.kill()


if __name__ == "__main__":
    sys.exit(main())
