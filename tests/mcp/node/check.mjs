// The pass/fail tally the TypeScript SDK clients (client.mjs, http_client.mjs) print: one line per
// check, failures with their detail, and an exit status that says whether any failed.
export const tally = { passed: 0, failed: 0 };

export function check(name, ok, detail = "") {
  if (ok) tally.passed++;
  else tally.failed++;
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${ok || !detail ? "" : ": " + String(detail).slice(0, 600)}`);
}

// Prints the totals and exits: 1 when a check failed.
export function finish() {
  console.log(`${tally.passed} passed, ${tally.failed} failed`);
  process.exit(tally.failed ? 1 : 0);
}
