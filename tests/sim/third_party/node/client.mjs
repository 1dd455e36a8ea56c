// Drives proxmox-sim with the npm `proxmox-api` client (undici fetch; it only parses answers whose
// Content-Type is exactly PVE's `application/json;charset=UTF-8`), with TLS verification on: the
// simulator's CA is trusted through NODE_EXTRA_CA_CERTS.
//
//   node client.mjs PATH_TO_PROXMOX_SIM
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import assert from 'node:assert/strict';

async function startSim(simPath) {
  const sim = spawn(simPath, ['--task-seconds', '0.05', '--unauthorized-delay-ms', '50', '--user', 'alice@pve:wonderland'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const line = await new Promise((resolve, reject) => {
    const rl = createInterface({ input: sim.stdout });
    rl.once('line', resolve);
    sim.once('exit', (code) => reject(new Error(`proxmox-sim exited with ${code}`)));
  });
  return { sim, info: JSON.parse(line) };
}

async function waitTask(api, node, upid) {
  const deadline = Date.now() + 10000;
  for (;;) {
    const task = await api.nodes.$(node).tasks.$(upid).status.$get();
    if (task.status === 'stopped' || Date.now() > deadline) return task;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function checks(info) {
  const { default: proxmoxApi } = await import('proxmox-api');
  const url = new URL(info.url);
  const api = proxmoxApi({ host: url.hostname, port: Number(url.port), tokenID: info.token_id, tokenSecret: info.token_secret });

  const version = await api.version.$get();
  assert.match(version.release, /^9\./);
  const nodes = (await api.nodes.$get()).map((n) => n.node);
  assert.ok(['pve', 'pve2', 'pve3'].every((n) => nodes.includes(n)), `nodes ${nodes}`);

  const vms = await api.cluster.resources.$get({ type: 'vm' });
  const stopped = vms.find((v) => v.type === 'qemu' && v.status === 'stopped' && !v.template);
  const vm = api.nodes.$(stopped.node).qemu.$(stopped.vmid);
  const upid = await vm.status.start.$post();
  assert.equal((await waitTask(api, stopped.node, upid)).exitstatus, 'OK');
  assert.equal((await vm.status.current.$get()).status, 'running');

  // PVE's 400 reaches the caller as an error naming the status
  await assert.rejects(() => api.nodes.$(stopped.node).qemu.$get({ bogus: 1 }), /400/);

  // password login: ticket cookie + CSRF header on writes
  const alice = proxmoxApi({ host: url.hostname, port: Number(url.port), username: 'alice@pve', password: 'wonderland' });
  const stopUpid = await alice.nodes.$(stopped.node).qemu.$(stopped.vmid).status.stop.$post();
  assert.match(stopUpid, /:qmstop:.*:alice@pve:$/);
  assert.equal((await waitTask(alice, stopped.node, stopUpid)).exitstatus, 'OK');
}

if (process.argv[2] === '--checks') {
  await checks(JSON.parse(process.env.SIM_INFO));
  console.log('proxmox-api: all checks passed');
} else {
  const { sim, info } = await startSim(process.argv[2]);
  try {
    // Node reads NODE_EXTRA_CA_CERTS only at start-up: the checks run in a child that has it
    const child = spawn(process.execPath, [new URL(import.meta.url).pathname, '--checks'], {
      stdio: 'inherit',
      env: { ...process.env, NODE_EXTRA_CA_CERTS: info.ca_file, SIM_INFO: JSON.stringify(info) },
    });
    process.exitCode = await new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
  } finally {
    sim.stdin.end(); // proxmox-sim exits on stdin EOF
  }
}
