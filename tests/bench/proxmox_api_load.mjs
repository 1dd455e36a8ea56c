// npm proxmox-api (the client tests/sim/third_party/node installs) doing GET /nodes/pve/status
// at a given concurrency against a running proxmox-sim; prints {"concurrency", "rps"}.
//   node proxmox_api_load.mjs INFO_JSON CONCURRENCY REQUESTS
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "../sim/third_party/node/package.json"));
const proxmoxApi = require("proxmox-api").default;

const info = JSON.parse(process.argv[2]);
const concurrency = Number(process.argv[3]);
let remaining = Number(process.argv[4]);
const total = remaining;
const url = new URL(info.url);
const api = proxmoxApi({ host: url.hostname, port: Number(url.port), tokenID: info.token_id, tokenSecret: info.token_secret });
let failures = 0;
async function worker() {
  while (remaining > 0) {
    remaining--;
    try {
      await api.nodes.$("pve").status.$get();
    } catch {
      failures++;
    }
  }
}
const start = performance.now();
await Promise.all(Array.from({ length: concurrency }, worker));
const seconds = (performance.now() - start) / 1000;
console.log(JSON.stringify({ concurrency, rps: Math.round(total / seconds), failures }));
