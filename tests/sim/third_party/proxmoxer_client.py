#!/usr/bin/env python3
"""Drives proxmox-sim with proxmoxer (Debian's python3-proxmoxer), the most used Python client
for Proxmox VE: token and password logins, reads, a task-starting write, and PVE's errors as
proxmoxer reports them. Run it with the interpreter that has proxmoxer (/usr/bin/python3).

usage: proxmoxer_client.py PATH_TO_PROXMOX_SIM
"""
import sys
import time
from urllib.parse import urlparse

from proxmoxer import ProxmoxAPI
from proxmoxer.core import ResourceException

from sim_process import SimProcess, check


def wait_task(api, node, upid):
    deadline = time.monotonic() + 10
    while True:
        task = api.nodes(node).tasks(upid).status.get()
        if task["status"] == "stopped" or time.monotonic() > deadline:
            return task
        time.sleep(0.05)


def main() -> int:
    with SimProcess(sys.argv[1], ["--user", "alice@pve:wonderland"]) as sim:
        url = urlparse(sim.info["url"])
        user, token_name = sim.info["token_id"].split("!")
        api = ProxmoxAPI(url.hostname, port=url.port, user=user, token_name=token_name,
                         token_value=sim.info["token_secret"], verify_ssl=sim.info["ca_file"])

        check(api.version.get()["release"].startswith("9."), "version")
        nodes = {n["node"] for n in api.nodes.get()}
        check(nodes >= {"pve", "pve2", "pve3"}, f"nodes {nodes}")
        status = api.nodes("pve").status.get()
        check(status["cpuinfo"]["cpus"] > 0 and status["memory"]["total"] > 0, f"node status {status}")

        vms = api.cluster.resources.get(type="vm")
        stopped = next(v for v in vms if v["type"] == "qemu" and v["status"] == "stopped" and not v["template"])
        node, vmid = stopped["node"], stopped["vmid"]
        listed = {v["vmid"] for v in api.nodes(node).qemu.get()}
        check(vmid in listed, f"{vmid} not in the node's list {listed}")

        upid = api.nodes(node).qemu(vmid).status.start.post()
        task = wait_task(api, node, upid)
        check(task["exitstatus"] == "OK", f"start task {task}")
        check(api.nodes(node).qemu(vmid).status.current.get()["status"] == "running", "VM not running")

        # a second start fails in its task, as on PVE
        task = wait_task(api, node, api.nodes(node).qemu(vmid).status.start.post())
        check(task["exitstatus"] == f"VM {vmid} already running", f"second start {task}")

        # PVE's 400, as proxmoxer raises it (1.2.0 reads `errors` from `data`, which PVE sets to
        # null, so only the status line reaches the caller)
        try:
            api.nodes(node).qemu.get(bogus=1)
            check(False, "unknown parameter accepted")
        except ResourceException as e:
            check(e.status_code == 400 and "Parameter verification failed." in str(e), f"unknown parameter: {e}")

        # password login (ticket + CSRF handled by proxmoxer)
        alice = ProxmoxAPI(url.hostname, port=url.port, user="alice@pve", password="wonderland",
                           verify_ssl=sim.info["ca_file"])
        upid = alice.nodes(node).qemu(vmid).status.stop.post()
        check(upid.endswith(":alice@pve:"), upid)
        check(wait_task(alice, node, upid)["exitstatus"] == "OK", "stop as alice")
    print("proxmoxer: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
