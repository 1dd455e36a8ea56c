#!/usr/bin/python3
"""Throughput of GET /nodes/pve/status against one separate proxmox-sim process, side by side in
one run: wrk (the server's ceiling), the SDK (bench_sdk_throughput --external), Debian's
python3-proxmoxer and npm proxmox-api, at concurrency 1, 8 and 64. Prints a Markdown table.

usage: compare_clients.py PROXMOX_SIM BENCH_SDK_THROUGHPUT [requests=50000] [seconds=5]
"""
import json
import os
import re
import subprocess
import sys
import threading
import time
from urllib.parse import urlparse

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "sim", "third_party"))
from sim_process import SimProcess  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
LEVELS = (1, 8, 64)


def wrk(info, concurrency, seconds):
    out = subprocess.run(
        ["wrk", "-t", str(min(2, concurrency)), "-c", str(concurrency), "-d", f"{seconds}s",
         "-H", f"Authorization: PVEAPIToken={info['token_id']}={info['token_secret']}",
         info["url"] + "/api2/json/nodes/pve/status"],
        capture_output=True, text=True, check=True).stdout
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def proxmoxer(info, concurrency, requests):
    from proxmoxer import ProxmoxAPI
    url = urlparse(info["url"])
    user, token_name = info["token_id"].split("!")
    remaining = [requests]
    lock = threading.Lock()

    def worker():
        api = ProxmoxAPI(url.hostname, port=url.port, user=user, token_name=token_name,
                         token_value=info["token_secret"], verify_ssl=info["ca_file"])
        while True:
            with lock:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
            api.nodes("pve").status.get()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return requests / (time.monotonic() - start)


def proxmox_api(info, concurrency, requests):
    env = dict(os.environ, NODE_TLS_REJECT_UNAUTHORIZED="0")  # loopback benchmark only
    out = subprocess.run(["node", os.path.join(HERE, "proxmox_api_load.mjs"), json.dumps(info),
                          str(concurrency), str(requests)],
                         capture_output=True, text=True, check=True, env=env).stdout
    return json.loads(out)["rps"]


def sdk(bench, info, requests):
    out = subprocess.run([bench, "--external", info["url"], info["token_id"], info["token_secret"],
                          info["fingerprint"], str(requests)], capture_output=True, text=True, check=True).stdout
    return {r["concurrency"]: r["rps"] for r in map(json.loads, out.splitlines())}


def main():
    sim_path, bench = sys.argv[1], sys.argv[2]
    requests = int(sys.argv[3]) if len(sys.argv) > 3 else 50000
    seconds = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    with SimProcess(sim_path) as sim:
        info = sim.info
        ours = sdk(bench, info, requests)
        rows = []
        for c in LEVELS:
            ceiling = wrk(info, c, seconds)
            py = proxmoxer(info, c, max(200, requests // 50))
            js = proxmox_api(info, c, max(500, requests // 20))
            rows.append((c, ceiling, ours[c], py, js))
    print(f"GET /nodes/pve/status against one proxmox-sim process ({requests} requests per SDK run)\n")
    print("| concurrency | wrk req/s | SDK req/s | SDK / wrk | proxmoxer req/s | SDK / proxmoxer | proxmox-api req/s | SDK / proxmox-api |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for c, ceiling, ours_c, py, js in rows:
        print(f"| {c} | {ceiling:.0f} | {ours_c:.0f} | {ours_c / ceiling:.2f} | {py:.0f} | {ours_c / py:.1f}x | "
              f"{js:.0f} | {ours_c / js:.1f}x |")


if __name__ == "__main__":
    main()
