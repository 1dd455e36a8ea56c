// The official MCP inspector's CLI (@modelcontextprotocol/inspector --cli) against
// `proxmox-mcp --demo` (the simulated cluster): lists the tools, resources and prompts, and calls
// every tool once, each in a fresh server. Reading tools must succeed; writing tools are called
// without confirm and must answer a refusal, or `already: true` when there is nothing to do.
//   node inspector_cli.mjs /path/to/proxmox-mcp
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import path from "node:path";

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, "node_modules/@modelcontextprotocol/inspector/cli/build/index.js");
const server = process.argv[2];
if (!server) {
  console.error("usage: node inspector_cli.mjs /path/to/proxmox-mcp");
  process.exit(2);
}

let failures = 0;
function check(what, ok, detail = "") {
  if (!ok) {
    failures++;
    console.error(`FAIL ${what}${detail ? ": " + detail : ""}`);
  }
}

async function inspect(args) {
  const { stdout } = await run(process.execPath, [cli, server, "--demo", "--env-file", "/dev/null", ...args], {
    timeout: 60000,
    maxBuffer: 64 << 20,
  });
  return JSON.parse(stdout);
}

// The seed's arguments (tests/mcp/node/client.mjs uses the same); objects go as JSON text.
const sample = {
  "proxmox-node-status": { node: "pve" },
  "proxmox-list-vms": { status: "stopped" },
  "proxmox-vm-info": { vmid: 100 },
  "proxmox-lxc-info": { vmid: 200 },
  "proxmox-storage-content": { node: "pve", storage: "local" },
  "proxmox-list-bridges": { node: "pve" },
  "proxmox-list-tasks": { limit: 5 },
  "proxmox-task-status": { upid: "UPID:pve:000A1B2C:0BADF00D:6900A000:qmstart:100:root@pam:" },
  "proxmox-clone-vm": { source_vmid: 9000, new_vmid: 150, name: "clone1" },
  "proxmox-create-vm": { vmid: 151, name: "new1", cores: 2, memory_mb: 2048, disk_gb: 20 },
  "proxmox-delete-vm": { vmid: 104 },
  "proxmox-start-vm": { vmid: 101 },
  "proxmox-stop-vm": { vmid: 100 },
  "proxmox-reboot-vm": { vmid: 100 },
  "proxmox-shutdown-vm": { vmid: 100 },
  "proxmox-migrate-vm": { vmid: 101, target_node: "pve" },
  "proxmox-resize-vm-disk": { vmid: 101, disk: "scsi0", grow_gb: 1 },
  "proxmox-configure-vm": { vmid: 101, params: { cores: 4 } },
  "proxmox-create-lxc": { vmid: 250, hostname: "ct1", ostemplate: "local:vztmpl/debian-13-standard_13.1-2_amd64.tar.zst" },
  "proxmox-delete-lxc": { vmid: 202 },
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
  "proxmox-create-snapshot": { vmid: 101, snapname: "s1" },
  "proxmox-delete-snapshot": { vmid: 101, snapname: "s1" },
  "proxmox-rollback-snapshot": { vmid: 101, snapname: "s1" },
  "proxmox-backup-vm": { vmid: 101 },
  "proxmox-restore-vm": { vmid: 152, archive: "local:backup/vzdump-qemu-101-2026_01_01-00_00_00.vma.zst" },
  "proxmox-vm-metrics": { vmid: 100 },
  "proxmox-node-metrics": { node: "pve" },
  "proxmox-create-pool": { poolid: "p1" },
  "proxmox-delete-pool": { poolid: "p1" },
  "proxmox-pool-add": { poolid: "p1", vmid: 101 },
  "proxmox-pool-remove": { poolid: "p1", vmid: 101 },
  "proxmox-assign-permission": { path: "/vms/101", roles: "PVEVMUser", users: "root@pam" },
  "proxmox-wait-task": { upid: "UPID:pve:000A1B2C:0BADF00D:6900A000:qmstart:100:root@pam:", timeout: 5 },
  "proxmox-register-vm-as-host": { vmid: 100 },
  "proxmox-guest-exec": { vmid: 100, command: "uptime" },
};
// Reading tools whose sample targets nothing that exists: they must still answer a clear error.
const may_fail = new Set(["proxmox-task-status", "proxmox-wait-task"]);

function tool_args(args) {
  const out = [];
  for (const [k, v] of Object.entries(args ?? {}))
    out.push("--tool-arg", `${k}=${typeof v === "object" ? JSON.stringify(v) : String(v)}`);
  return out;
}

const listed = await inspect(["--method", "tools/list"]);
const tools = listed.tools ?? [];
check("tools/list lists the 53 tools", tools.length === 53, `got ${tools.length}`);
const resources = await inspect(["--method", "resources/list"]);
check("resources/list", resources.resources?.some((r) => r.uri === "proxmox://cluster/resources"));
const templates = await inspect(["--method", "resources/templates/list"]);
check("resources/templates/list", templates.resourceTemplates?.length === 4, JSON.stringify(templates).slice(0, 200));
const read = await inspect(["--method", "resources/read", "--uri", "proxmox://guests/100/config"]);
check("resources/read", JSON.parse(read.contents?.[0]?.text ?? "{}").vmid === 100);
const prompts = await inspect(["--method", "prompts/list"]);
check("prompts/list", prompts.prompts?.length === 3);
const prompt = await inspect(["--method", "prompts/get", "--prompt-name", "diagnose-guest-start", "--prompt-args", "guest=web01"]);
check("prompts/get", prompt.messages?.length === 2);

// Calls run a few at a time: each spawns its own server.
const queue = [...tools];
let called = 0;
async function worker() {
  for (let tool = queue.shift(); tool; tool = queue.shift()) {
    const name = tool.name;
    let result;
    try {
      result = await inspect(["--method", "tools/call", "--tool-name", name, ...tool_args(sample[name])]);
    } catch (e) {
      check(`${name}: the inspector got a result`, false, String(e.stderr || e.message).slice(0, 300));
      continue;
    }
    called++;
    const text = result.content?.[0]?.text ?? "";
    check(`${name}: content`, Array.isArray(result.content) && text.length > 0, JSON.stringify(result).slice(0, 200));
    if (tool.annotations?.readOnlyHint) {
      if (!may_fail.has(name))
        check(`${name}: succeeds`, !result.isError, text.slice(0, 300));
      else
        check(`${name}: a clear error`, !result.isError || text.length > 20, text.slice(0, 300));
      if (!result.isError && tool.outputSchema)
        check(`${name}: structuredContent`, typeof result.structuredContent === "object");
    } else {
      // Without confirm nothing is written: a refusal showing the plan or what would fail, or a
      // success that had nothing to do (already: true).
      if (result.isError)
        check(`${name}: says what was not done`, /Not done|Refused|Cannot|Nothing was sent/.test(text), text.slice(0, 300));
      else
        check(`${name}: nothing to do`, result.structuredContent?.already === true, text.slice(0, 300));
    }
  }
}
await Promise.all([worker(), worker()]);
check("every tool was called", called === tools.length, `${called} of ${tools.length}`);
console.log(`inspector CLI: ${tools.length} tools listed, ${called} called, ${failures} failures`);
process.exit(failures ? 1 : 0);
