#!/usr/bin/env python3
"""Runs an example program against a fresh proxmox-sim, the way a user would:
start the simulator, export the PROXMOX_* variables from its JSON line, run the example,
and check its exit code and (optionally) that its output matches a regular expression."""
import json
import os
import re
import subprocess
import sys


def main() -> int:
    if len(sys.argv) < 3:
        print("usage: run_against_sim.py SIM EXAMPLE [EXPECTED_REGEX]", file=sys.stderr)
        return 2
    sim_path, example, expected = sys.argv[1], sys.argv[2], (sys.argv[3] if len(sys.argv) > 3 else None)
    sim = subprocess.Popen([sim_path, "--task-seconds", "0.05"], stdin=subprocess.PIPE,
                           stdout=subprocess.PIPE, text=True)
    try:
        info = json.loads(sim.stdout.readline())
        env = dict(os.environ, PROXMOX_API_URL=info["url"], PROXMOX_TOKEN_ID=info["token_id"],
                   PROXMOX_TOKEN_SECRET=info["token_secret"], PROXMOX_FINGERPRINT=info["fingerprint"])
        run = subprocess.run([example], env=env, capture_output=True, text=True, timeout=60)
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
