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
import { seedArguments } from "../sample_arguments.mjs";
import { check, finish, tally } from "./check.mjs";

const exe = process.argv[2];
const simExe = process.argv[3];
if (!exe) {
  console.error("usage: node client.mjs PATH_TO_PROXMOX_MCP [PATH_TO_PROXMOX_SIM]");
  process.exit(2);
}



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
  if (tally.failed) console.error(stderr.slice(-4000));
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
  if (tally.failed) console.error(stderr.slice(-4000));
  sim.stdin.end();
  sim.kill("SIGTERM");
}

finish();
