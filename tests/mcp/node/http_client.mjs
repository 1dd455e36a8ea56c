// The official MCP TypeScript SDK's StreamableHTTPClientTransport against `proxmox-mcp --demo --http`:
//   node http_client.mjs /path/to/proxmox-mcp
// The server binds 127.0.0.1:0 and logs its URL on stderr; the client authenticates with a bearer
// token (PROXMOX_MCP_HTTP_TOKEN), lists the tools, calls proxmox-list-vms and a waiting start with a
// progress token, and terminates the session. Registered in ctest (mcp_node_sdk_http_client) only
// when node and node_modules/@modelcontextprotocol/sdk exist (npm install in this directory).
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { check, finish, tally } from "./check.mjs";

const exe = process.argv[2];
if (!exe) {
  console.error("usage: node http_client.mjs PATH_TO_PROXMOX_MCP");
  process.exit(2);
}


const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PROXMOX_")));
const token = randomBytes(24).toString("hex");

const server = spawn(exe, ["--demo", "--http", "127.0.0.1:0"], {
  env: { ...baseEnv, PROXMOX_MCP_HTTP_TOKEN: token },
  stdio: ["ignore", "ignore", "pipe"],
});
let stderr = "";
const exited = new Promise((resolve) => server.on("exit", (code, signal) => resolve({ code, signal })));
const url = await new Promise((resolve) => {
  const timer = setTimeout(() => resolve(null), 30000);
  server.stderr.on("data", (d) => {
    stderr += d;
    const m = stderr.match(/Streamable HTTP at (http:\/\/\S+\/mcp)/);
    if (m) {
      clearTimeout(timer);
      resolve(m[1]);
    }
  });
  server.on("exit", () => resolve(null));
});
check("the server logs its URL", url !== null, stderr.slice(-2000));

if (url) {
  check("the token is not logged", !stderr.includes(token));

  // Without the token: 401 with WWW-Authenticate.
  const refused = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
  });
  check("no token: 401", refused.status === 401, refused.status);
  check("no token: WWW-Authenticate: Bearer", refused.headers.get("www-authenticate") === "Bearer");
  await refused.body?.cancel();

  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
  const errors = [];
  const client = new Client({ name: "node-sdk-http-test", version: "1.0.0" });
  client.onerror = (e) => errors.push(String(e));
  try {
    await client.connect(transport);
    check("serverInfo.name", client.getServerVersion()?.name === "proxmox-mcp");
    check("a session id", /^[0-9a-f]{32}$/.test(transport.sessionId ?? ""), transport.sessionId);
    await client.ping();

    const { tools } = await client.listTools();
    check("tools are listed", tools.length > 0 && tools.some((t) => t.name === "proxmox-list-vms"),
          tools.map((t) => t.name).join(","));

    const vms = await client.callTool({ name: "proxmox-list-vms", arguments: {} });
    check("list-vms answers", !vms.isError && Array.isArray(vms.structuredContent?.vms) &&
          vms.structuredContent.vms.length > 0, JSON.stringify(vms).slice(0, 600));

    // Progress notifications arrive on the request's SSE stream before its response.
    const progress = [];
    const start = await client.callTool(
      { name: "proxmox-start-vm", arguments: { vmid: 101, confirm: true, wait: true, poll_interval: 0.5 } },
      undefined, { onprogress: (p) => progress.push(p), timeout: 60000 });
    check("start-vm waits for its task", !start.isError && start.structuredContent?.task?.exitstatus === "OK",
          JSON.stringify(start));
    check("progress notifications", progress.length >= 1, JSON.stringify(progress));
    check("progress increases", progress.every((p, i) => i === 0 || p.progress > progress[i - 1].progress),
          JSON.stringify(progress));

    // Several calls at once over the one session.
    const many = await Promise.all([1, 2, 3].map(() => client.callTool({ name: "proxmox-list-nodes", arguments: {} })));
    check("concurrent calls", many.every((r) => !r.isError), JSON.stringify(many).slice(0, 600));

    const sessionId = transport.sessionId;
    await transport.terminateSession();
    check("terminateSession forgets the id", transport.sessionId === undefined);
    const gone = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream",
                 authorization: `Bearer ${token}`, "mcp-session-id": sessionId },
      body: JSON.stringify({ jsonrpc: "2.0", id: 99, method: "ping" }),
    });
    check("the terminated session is gone (404)", gone.status === 404, gone.status);
    await gone.body?.cancel();
  } catch (e) {
    check("no exception", false, String(e?.stack ?? e));
  } finally {
    await client.close().catch(() => {});
  }
  check("no transport errors", errors.length === 0, errors.join("; "));

  server.kill("SIGTERM");
  const timeout = new Promise((resolve) => setTimeout(() => resolve(null), 10000));
  const end = await Promise.race([exited, timeout]);
  check("SIGTERM stops the server with status 0", end !== null && end.code === 0, JSON.stringify(end));
} else {
  server.kill("SIGKILL");
}

if (tally.failed) console.error(stderr.slice(-4000));
finish();
