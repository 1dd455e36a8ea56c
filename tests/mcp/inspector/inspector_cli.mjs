// The official MCP inspector's CLI (@modelcontextprotocol/inspector --cli) against
// `proxmox-mcp --demo` (the simulated cluster): lists the tools, resources and prompts, and calls
// every tool once, each in a fresh server. Reading tools must succeed; writing tools are called
// without confirm and must answer a refusal, or `already: true` when there is nothing to do.
//   node inspector_cli.mjs /path/to/proxmox-mcp
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { absentUpid, seedArguments } from "../sample_arguments.mjs";

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

// The seed's arguments; the tools that read a task get one that does not exist.
const sample = {
  ...seedArguments,
  "proxmox-task-status": { upid: absentUpid },
  "proxmox-wait-task": { upid: absentUpid, timeout: 5 },
};
// Reading tools whose sample targets nothing that exists: they must still answer a clear error.
const may_fail = new Set(["proxmox-task-status", "proxmox-wait-task"]);

// `--tool-arg key=value` pairs; the inspector converts them by the tool's schema, objects as JSON.
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
