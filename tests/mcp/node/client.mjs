// The official MCP TypeScript SDK client against `proxmox-mcp --demo`:
//   node client.mjs /path/to/proxmox-mcp
// Registered in ctest (mcp_node_sdk_client) only when node and node_modules/@modelcontextprotocol/sdk
// exist (npm install in this directory). The SDK validates every structuredContent against the
// tool's outputSchema itself.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const exe = process.argv[2];
if (!exe) {
  console.error("usage: node client.mjs PATH_TO_PROXMOX_MCP");
  process.exit(2);
}

let passed = 0;
let failed = 0;
function check(name, ok, detail = "") {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${ok || !detail ? "" : ": " + detail}`);
}

const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PROXMOX_")));
const transport = new StdioClientTransport({ command: exe, args: ["--demo"], env, stderr: "pipe" });
let stderr = "";
transport.stderr?.on("data", (d) => (stderr += d));
const client = new Client({ name: "node-sdk-test", version: "1.0.0" });

try {
  await client.connect(transport);
  const info = client.getServerVersion();
  check("serverInfo.name", info?.name === "proxmox-mcp", JSON.stringify(info));
  check("tools capability", client.getServerCapabilities()?.tools !== undefined);
  await client.ping();
  check("ping", true);

  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name).sort();
  check("five tools", names.length === 5, names.join(","));
  for (const t of tools) {
    const a = t.annotations ?? {};
    check(`${t.name} annotations`, ["readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"].every(
      (h) => typeof a[h] === "boolean"));
  }

  const nodes = await client.callTool({ name: "proxmox-list-nodes", arguments: {} });
  check("list-nodes", !nodes.isError && nodes.structuredContent.nodes.length === 3, JSON.stringify(nodes));

  const status = await client.callTool({ name: "proxmox-node-status", arguments: { node: "pve" } });
  check("node-status", !status.isError && status.structuredContent.node === "pve", JSON.stringify(status));

  const vms = await client.callTool({ name: "proxmox-list-vms", arguments: { status: "stopped" } });
  check("list-vms", !vms.isError && Array.isArray(vms.structuredContent.vms), JSON.stringify(vms));
  const stopped = vms.structuredContent.vms.find((v) => !v.template);
  check("a stopped VM exists", stopped !== undefined);

  if (stopped) {
    const start = await client.callTool({ name: "proxmox-start-vm", arguments: { vmid: stopped.vmid, wait: true } });
    check("start-vm wait", !start.isError && start.structuredContent.status?.exitstatus === "OK",
          JSON.stringify(start));
    const again = await client.callTool({ name: "proxmox-start-vm", arguments: { vmid: stopped.vmid, wait: true } });
    check("start of a running VM is an error", again.isError === true &&
          again.content[0].text.includes("already running"), JSON.stringify(again));
    const task = await client.callTool({ name: "proxmox-task-status",
                                         arguments: { upid: start.structuredContent.upid } });
    check("task-status", !task.isError && task.structuredContent.status === "stopped", JSON.stringify(task));
  }

  const bad = await client.callTool({ name: "proxmox-start-vm", arguments: { vmid: "abc" } });
  check("invalid arguments are a tool error", bad.isError === true, JSON.stringify(bad));

  let unknown = null;
  try {
    await client.callTool({ name: "proxmox-nope", arguments: {} });
  } catch (e) {
    unknown = e;
  }
  check("unknown tool is a protocol error", unknown !== null && unknown.code === -32602, String(unknown));
} catch (e) {
  check("no exception", false, String(e?.stack ?? e));
} finally {
  await client.close().catch(() => {});
}

if (failed) console.error(stderr);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
