#!/usr/bin/env python3
"""Drives proxmox-sim with curl, the way shell scripts and the PVE docs use the API: token
header, ticket cookie + CSRF header, form-encoded writes, task polling. Every check is on what
curl received (status line, headers, JSON), so the simulator is judged by an HTTP client we did
not write.

usage: curl_client.py PATH_TO_PROXMOX_SIM
"""
import json
import subprocess
import sys
import time
import urllib.parse

from sim_process import SimProcess, check


def curl(sim, method, path, *, token=True, data=None, cookie=None, csrf=None):
    """Runs curl and returns (status, headers dict with lower-case names, body text)."""
    cmd = ["curl", "-sS", "--cacert", sim.info["ca_file"], "-X", method, "-D", "-",
           "--max-time", "20", sim.info["url"] + "/api2/json" + path]
    if token:
        cmd += ["-H", f"Authorization: PVEAPIToken={sim.info['token_id']}={sim.info['token_secret']}"]
    if cookie:
        cmd += ["-b", f"PVEAuthCookie={cookie}"]
    if csrf:
        cmd += ["-H", f"CSRFPreventionToken: {csrf}"]
    for key, value in (data or {}).items():
        cmd += ["--data-urlencode", f"{key}={value}"]
    # bytes, not text mode: universal newlines would turn the header's CRLFs into LFs
    out = subprocess.run(cmd, capture_output=True, timeout=30, check=True).stdout.decode()
    head, _, body = out.partition("\r\n\r\n")
    lines = head.split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, body


def data_of(result):
    status, _, body = result
    check(status == 200, f"expected 200, got {status}: {body}")
    return json.loads(body)["data"]


def main() -> int:
    with SimProcess(sys.argv[1], ["--user", "alice@pve:wonderland"]) as sim:
        # token auth, envelope, content type
        status, headers, body = curl(sim, "GET", "/version")
        check(status == 200, f"GET /version: {status}")
        check(headers.get("content-type") == "application/json;charset=UTF-8",
              f"content type {headers.get('content-type')}")
        check(json.loads(body)["data"]["release"].startswith("9."), body)

        # no credentials: 401 with an empty body
        status, _, body = curl(sim, "GET", "/nodes", token=False)
        check(status == 401 and body == "", f"unauthenticated GET /nodes: {status} {body!r}")

        nodes = data_of(curl(sim, "GET", "/nodes"))
        check({n["node"] for n in nodes} >= {"pve", "pve2", "pve3"}, f"nodes: {nodes}")

        # a parameter the schema does not know: 400 with `errors`
        status, _, body = curl(sim, "GET", "/nodes/pve/qemu?bogus=1")
        check(status == 400 and "bogus" in json.loads(body)["errors"], f"unknown parameter: {status} {body}")

        # a write: start a stopped VM, poll its task to the end
        vms = data_of(curl(sim, "GET", "/cluster/resources?type=vm"))
        stopped = next(v for v in vms if v["type"] == "qemu" and v["status"] == "stopped" and not v["template"])
        upid = data_of(curl(sim, "POST", f"/nodes/{stopped['node']}/qemu/{stopped['vmid']}/status/start"))
        check(upid.startswith(f"UPID:{stopped['node']}:"), upid)
        quoted = urllib.parse.quote(upid, safe="")
        deadline = time.monotonic() + 10
        while True:
            task = data_of(curl(sim, "GET", f"/nodes/{stopped['node']}/tasks/{quoted}/status"))
            if task["status"] == "stopped" or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        check(task.get("exitstatus") == "OK", f"start task: {task}")
        current = data_of(curl(sim, "GET", f"/nodes/{stopped['node']}/qemu/{stopped['vmid']}/status/current"))
        check(current["status"] == "running", f"after start: {current}")

        # ticket login, cookie, CSRF on writes
        login = data_of(curl(sim, "POST", "/access/ticket", token=False,
                             data={"username": "alice@pve", "password": "wonderland"}))
        ticket, csrf = login["ticket"], login["CSRFPreventionToken"]
        check(ticket.startswith("PVE:alice@pve:"), ticket)
        data_of(curl(sim, "GET", "/nodes", token=False, cookie=ticket))
        path = f"/nodes/{stopped['node']}/qemu/{stopped['vmid']}/status/stop"
        status, _, _ = curl(sim, "POST", path, token=False, cookie=ticket)
        check(status == 401, f"write without CSRF token: {status}")
        upid = data_of(curl(sim, "POST", path, token=False, cookie=ticket, csrf=csrf))
        check(":qmstop:" in upid and upid.endswith(":alice@pve:"), upid)

        status, _, _ = curl(sim, "POST", "/access/ticket", token=False,
                            data={"username": "alice@pve", "password": "wrong"})
        check(status == 401, f"wrong password: {status}")
    print("curl: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
