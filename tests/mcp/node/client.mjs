// The official MCP TypeScript SDK client against proxmox-mcp, as an agent drives it:
//   node client.mjs /path/to/proxmox-mcp [/path/to/proxmox-sim]
// Against `proxmox-mcp --demo`, and (when the proxmox-sim executable is given) against a separate
// simulator process the server is configured for. Every one of the 53 tools is called with the
// seed's arguments; progress notifications and cancellation go through the SDK's own machinery.
// Registered in ctest (mcp_node_sdk_client) only when node and node_modules/@modelcontextprotocol/sdk
// exist (npm install in this directory). The SDK validates every structuredContent against the
// tool's outputSchema itself.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

const exe = process.argv[2];
const simExe = process.argv[3];
if (!exe) {
  console.error("usage: node client.mjs PATH_TO_PROXMOX_MCP [PATH_TO_PROXMOX_SIM]");
  process.exit(2);
}

let passed = 0;
let failed = 0;
function check(name, ok, detail = "") {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${ok || !detail ? "" : ": " + String(detail).slice(0, 600)}`);
}

// The seed's arguments for every tool (TOOLS.md), aimed at the simulated cluster.
const seedArguments = {
  "proxmox-list-nodes": {},
  "proxmox-node-status": { node: "pve" },
  "proxmox-list-vms": { status: "stopped" },
  "proxmox-vm-info": { vmid: 100 },
  "proxmox-list-lxc": {},
  "proxmox-lxc-info": { vmid: 200 },
  "proxmox-list-storage": {},
  "proxmox-storage-content": { node: "pve", storage: "local" },
  "proxmox-list-bridges": { node: "pve" },
  "proxmox-list-tasks": { limit: 5 },
  "proxmox-task-status": null, // needs a UPID: called below
  "proxmox-clone-vm": { source_vmid: 9000, new_vmid: 150, name: "clone1", full: true },
  "proxmox-create-vm": { vmid: 151, name: "new1", cores: 2, memory_mb: 2048, disk_gb: 20 },
  "proxmox-delete-vm": { vmid: 104, purge: true },
  "proxmox-start-vm": { vmid: 101 },
  "proxmox-stop-vm": { vmid: 100, hard: false },
  "proxmox-reboot-vm": { vmid: 100 },
  "proxmox-shutdown-vm": { vmid: 100 },
  "proxmox-migrate-vm": { vmid: 101, target_node: "pve", live: true },
  "proxmox-resize-vm-disk": { vmid: 101, disk: "scsi0", grow_gb: 1 },
  "proxmox-configure-vm": { vmid: 101, params: { cores: 4 } },
  "proxmox-create-lxc": { vmid: 250, hostname: "ct1", ostemplate: "local:vztmpl/debian-13-standard_13.1-2_amd64.tar.zst" },
  "proxmox-delete-lxc": { vmid: 202, purge: true },
  "proxmox-start-lxc": { vmid: 200 },
  "proxmox-stop-lxc": { vmid: 200 },
  "proxmox-configure-lxc": { vmid: 200, params: { cores: 2 } },
  "proxmox-cloudinit-set": { vmid: 101, ciuser: "admin" },
  "proxmox-vm-nic-add": { vmid: 101, model: "virtio" },
  "proxmox-vm-nic-remove": { vmid: 101, slot: 0 },
  "proxmox-vm-firewall-get": { vmid: 100 },
  "proxmox-vm-firewall-set": { vmid: 101, enable: true },
  "proxmox-upload-iso": { file_path: "/tmp/x.iso" },
  "proxmox-upload-template": { file_path: "/tmp/x.tar.zst" },
  "proxmox-template-vm": { vmid: 101 },
  "proxmox-list-snapshots": { vmid: 100 },
  "proxmox-create-snapshot": { vmid: 101, snapname: "s1", vmstate: false },
  "proxmox-delete-snapshot": { vmid: 101, snapname: "s1" },
  "proxmox-rollback-snapshot": { vmid: 101, snapname: "s1" },
  "proxmox-backup-vm": { vmid: 101, mode: "snapshot", compress: "zstd" },
  "proxmox-restore-vm": { vmid: 152, archive: "local:backup/vzdump-qemu-101-2026_01_01-00_00_00.vma.zst" },
  "proxmox-vm-metrics": { vmid: 100, timeframe: "hour", cf: "AVERAGE" },
  "proxmox-node-metrics": { node: "pve", timeframe: "hour", cf: "AVERAGE" },
  "proxmox-list-pools": {},
  "proxmox-create-pool": { poolid: "p1" },
  "proxmox-delete-pool": { poolid: "p1" },
  "proxmox-pool-add": { poolid: "p1", vmid: 101, type_: "qemu" },
  "proxmox-pool-remove": { poolid: "p1", vmid: 101, type_: "qemu" },
  "proxmox-list-users": {},
  "proxmox-list-roles": {},
  "proxmox-assign-permission": { path: "/vms/101", roles: "PVEVMUser", users: "root@pam", propagate: true },
  "proxmox-wait-task": null, // needs a UPID: called below
  "proxmox-register-vm-as-host": { vmid: 100, ssh_user: "root" },
  "proxmox-guest-exec": { vmid: 100, command: "uptime" },
};

async function exercise(label, transport, stderrOf) {
  const client = new Client({ name: "node-sdk-test", version: "1.0.0" });
  try {
    await client.connect(transport);
    check(`${label}: serverInfo.name`, client.getServerVersion()?.name === "proxmox-mcp");
    await client.ping();

    const { tools } = await client.listTools();
    check(`${label}: 53 tools`, tools.length === 53, tools.map((t) => t.name).join(","));
    for (const t of tools) {
      const a = t.annotations ?? {};
      check(`${label}: ${t.name} annotations`,
            ["readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"].every((h) => typeof a[h] === "boolean"));
    }

    // Every tool answers the seed's arguments: reads with a result, writes with the confirm refusal
    // (nothing sent) and with a dry_run preview. The pool the pool tools name exists first.
    const pool = await client.callTool({ name: "proxmox-create-pool", arguments: { poolid: "p1", confirm: true } });
    check(`${label}: create-pool`, !pool.isError, JSON.stringify(pool));
    for (const t of tools) {
      const args = seedArguments[t.name];
      if (args === null) continue;
      if (args === undefined) { check(`${label}: ${t.name} has seed arguments`, false); continue; }
      const r = await client.callTool({ name: t.name, arguments: args });
      if (t.annotations.readOnlyHint) {
        check(`${label}: ${t.name}`, !r.isError, JSON.stringify(r));
      } else {
        // Without confirm: an error that sends nothing (the plan, or why it would fail), or success
        // for a guest already in the wanted state.
        const text = r.content?.[0]?.text ?? "";
        check(`${label}: ${t.name} sends nothing without confirm`,
              r.isError === true ? text.includes("Nothing was sent") : r.structuredContent?.already === true,
              JSON.stringify(r));
        const preview = await client.callTool({ name: t.name, arguments: { ...args, dry_run: true } });
        check(`${label}: ${t.name} dry_run answers`, preview.content?.length > 0, JSON.stringify(preview));
      }
    }

    // A confirmed start with wait and a progress token: progress notifications, then the result.
    const progress = [];
    const start = await client.callTool(
      { name: "proxmox-start-vm", arguments: { vmid: 101, confirm: true, wait: true, poll_interval: 0.5 } },
      undefined, { onprogress: (p) => progress.push(p), timeout: 60000 });
    check(`${label}: start-vm waits`, !start.isError && start.structuredContent.task?.exitstatus === "OK",
          JSON.stringify(start));
    check(`${label}: progress notifications`, progress.length >= 1, JSON.stringify(progress));
    check(`${label}: progress increases`, progress.every((p, i) => i === 0 || p.progress > progress[i - 1].progress),
          JSON.stringify(progress));
    const upid = start.structuredContent.upid;
    const status = await client.callTool({ name: "proxmox-task-status", arguments: { upid } });
    check(`${label}: task-status`, !status.isError && status.structuredContent.exitstatus === "OK", JSON.stringify(status));
    const waited = await client.callTool({ name: "proxmox-wait-task", arguments: { upid } });
    check(`${label}: wait-task`, !waited.isError, JSON.stringify(waited));
    const again = await client.callTool({ name: "proxmox-start-vm", arguments: { vmid: 101, confirm: true } });
    check(`${label}: starting a running VM is an idempotent success`, !again.isError && again.structuredContent.already === true,
          JSON.stringify(again));

    // Cancellation: the SDK sends notifications/cancelled; the wait stops, the PVE task goes on.
    const controller = new AbortController();
    const cancelled = client.callTool(
      { name: "proxmox-stop-vm", arguments: { vmid: 101, confirm: true, wait: true, hard: true, poll_interval: 0.5 } },
      undefined, { signal: controller.signal, timeout: 60000 });
    setTimeout(() => controller.abort("test"), 300);
    let aborted = false;
    try { await cancelled; } catch (e) { aborted = true; }
    check(`${label}: a cancelled call rejects in the client`, aborted);
    await client.ping();
    let stopped = false;
    for (let i = 0; i < 40 && !stopped; i++) {
      const vms = await client.callTool({ name: "proxmox-list-vms", arguments: { fields: ["vmid", "status"] } });
      stopped = vms.structuredContent.vms.some((v) => v.vmid === 101 && v.status === "stopped");
      if (!stopped) await new Promise((r) => setTimeout(r, 250));
    }
    check(`${label}: the cancelled wait left the task running to its end`, stopped);
    check(`${label}: stderr says the task keeps running`, stderrOf().includes("keeps running"), stderrOf().slice(-800));

    const bad = await client.callTool({ name: "proxmox-start-vm", arguments: { vmid: "abc" } });
    check(`${label}: invalid arguments are a tool error`, bad.isError === true, JSON.stringify(bad));
  } catch (e) {
    check(`${label}: no exception`, false, String(e?.stack ?? e));
  } finally {
    await client.close().catch(() => {});
  }
}

const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PROXMOX_")));

{
  const transport = new StdioClientTransport({ command: exe, args: ["--demo"], env: baseEnv, stderr: "pipe" });
  let stderr = "";
  transport.stderr?.on("data", (d) => (stderr += d));
  await exercise("demo", transport, () => stderr);
  if (failed) console.error(stderr.slice(-4000));
}

if (simExe) {
  const sim = spawn(simExe, ["--task-seconds", "1"], { stdio: ["pipe", "pipe", "inherit"] });
  const first = await new Promise((resolve) => createInterface({ input: sim.stdout }).once("line", resolve));
  const info = JSON.parse(first);
  const env = { ...baseEnv, PROXMOX_API_URL: info.url, PROXMOX_TOKEN_ID: info.token_id,
                PROXMOX_TOKEN_SECRET: info.token_secret, PROXMOX_FINGERPRINT: info.fingerprint,
                PROXMOX_DEFAULT_NODE: "pve", PROXMOX_DEFAULT_STORAGE: "local-lvm", PROXMOX_DEFAULT_BRIDGE: "vmbr0",
                PROXMOX_ALLOW_GUEST_EXEC: "true" };
  const transport = new StdioClientTransport({ command: exe, args: ["--env-file", "/dev/null"], env, stderr: "pipe" });
  let stderr = "";
  transport.stderr?.on("data", (d) => (stderr += d));
  await exercise("proxmox-sim", transport, () => stderr);
  if (failed) console.error(stderr.slice(-4000));
  sim.stdin.end();
  sim.kill("SIGTERM");
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
