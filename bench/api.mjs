#!/usr/bin/env node
// Cloud API throughput: validly signed CreateSDKLoginToken requests (signed once, and
// freshly signed per request so every signature is new to the server's signature ledger)
// vs an unsigned no-op route (GET /healthz) on the same server, over keep-alive connections,
// measured side by side in one run; then refused unauthenticated 1 MB POSTs with the
// server's peak RSS, and CreateStaff rows per second. The server runs in its own process.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { signRequest } from '@openccc/protocol/tc3';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'packages/server/dist/cli/main.js');
const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function signed(creds, port, action, payload, padding = '') {
  const body = JSON.stringify(payload) + padding;
  const timestamp = Math.floor(Date.now() / 1000);
  const authorization = signRequest({
    secretId: creds.secretId, secretKey: creds.secretKey, method: 'POST', host: '127.0.0.1', service: '127',
    timestamp, contentType: 'application/json', body,
  });
  return {
    method: 'POST', path: '/', body,
    headers: {
      host: `127.0.0.1:${port}`, 'content-type': 'application/json', authorization,
      'x-tc-action': action, 'x-tc-version': '2020-02-10', 'x-tc-timestamp': String(timestamp),
    },
  };
}

/** Server process CPU time (user + system) in ms, from /proc. */
function serverCpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

/** The server's current and peak resident set size in MB, from /proc. */
function serverRssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

function run(url, requests, label, expectError = false) {
  let errors = 0;
  const withCheck = requests.map((r) => ({ ...r, onResponse: (status, body) => { if (status !== 200 || body.includes('"Error"') !== expectError) errors++; } }));
  const cpu0 = serverCpuMs(server.pid);
  return new Promise((resolve, reject) => {
    autocannon({ url, connections, duration: seconds, pipelining: 1, requests: withCheck }, (err, result) => {
      if (err) return reject(err);
      const cpuMs = serverCpuMs(server.pid) - cpu0;
      resolve({ label, rps: result.requests.average, total: result.requests.total, p50: result.latency.p50, p99: result.latency.p99, errors: errors + result.non2xx + result.errors, cpuMs });
    });
  });
}

const dataDir = mkdtempSync(join(process.env.BENCH_DATA_PARENT ?? tmpdir(), 'openccc-bench-'));
const port = await freePort();
const creds = JSON.parse(execFileSync(process.execPath, [cli, 'init', '--data', dataDir, '--json'], { encoding: 'utf8' }));
const nodeFlags = (process.env.BENCH_SERVER_NODE_FLAGS ?? '').split(' ').filter(Boolean);
const server = spawn(process.execPath, [...nodeFlags, cli, 'start', '--data', dataDir, '--port', String(port), '--rate-limit', '10000000', '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'inherit'] });
try {
  await new Promise((resolve, reject) => {
    server.stdout.on('data', (chunk) => { if (String(chunk).includes('OpenCCC is running')) resolve(); });
    server.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  const agent = 'bench@example.com';
  const create = signed(creds, port, 'CreateStaff', { SdkAppId: creds.sdkAppId, Staffs: [{ Name: 'Bench', Mail: agent, StaffNumber: '1' }] });
  const created = await (await fetch(url, { method: 'POST', headers: create.headers, body: create.body })).json();
  if (created.Response.Error || created.Response.ErrorStaffList.length) throw new Error(JSON.stringify(created));

  const tokenRequests = Array.from({ length: 16 }, () => signed(creds, port, 'CreateSDKLoginToken', { SdkAppId: creds.sdkAppId, SeatUserId: agent }));
  const noop = [{ method: 'GET', path: '/healthz' }];
  // For reference: the same POST body through the Cloud API route, refused at its first check (no X-TC-Action).
  const refused = [{ method: 'POST', path: '/', body: tokenRequests[0].body, headers: { 'content-type': 'application/json' } }];
  // Warm up both paths (JIT, caches), then alternate to spread machine noise over both.
  await run(url, noop, 'warmup');
  await run(url, tokenRequests, 'warmup');
  await run(url, refused, 'warmup', true);
  // Each request signed anew, its body padded with a counter's worth of JSON whitespace, so that no
  // two requests share a signature: every one is a new entry in the server's signature ledger.
  let fresh = 0;
  const freshRequests = [{
    setupRequest: (req) => {
      fresh += 1;
      const next = signed(creds, port, 'CreateSDKLoginToken', { SdkAppId: creds.sdkAppId, SeatUserId: agent }, ' '.repeat(fresh % 4096) + '\n'.repeat(Math.floor(fresh / 4096)));
      return { ...req, ...next };
    },
  }];
  await run(url, freshRequests, 'warmup');
  const results = { noop: [], signed: [], fresh: [], refused: [] };
  for (let i = 0; i < rounds; i++) {
    results.noop.push(await run(url, noop, 'noop'));
    results.signed.push(await run(url, tokenRequests, 'signed'));
    results.fresh.push(await run(url, freshRequests, 'fresh'));
    results.refused.push(await run(url, refused, 'refused', true));
  }
  const summarise = (list) => ({
    rps: list.reduce((a, r) => a + r.total, 0) / (list.length * seconds),
    p50: Math.max(...list.map((r) => r.p50)),
    p99: Math.max(...list.map((r) => r.p99)),
    total: list.reduce((a, r) => a + r.total, 0),
    errors: list.reduce((a, r) => a + r.errors, 0),
    cpuUs: (list.reduce((a, r) => a + r.cpuMs, 0) * 1000) / list.reduce((a, r) => a + r.total, 0),
  });
  const n = summarise(results.noop);
  const s = summarise(results.signed);
  const f = summarise(results.fresh);
  const r = summarise(results.refused);
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`machine: ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
  console.log(`load: ${connections} keep-alive connections, ${rounds} × ${seconds} s per route, alternating; server and load generator share the machine`);
  console.log('route                                   req/s     p50 ms  p99 ms  requests  errors  server CPU µs/req');
  const row = (name, r) =>
    console.log(`${name.padEnd(38)} ${r.rps.toFixed(0).padStart(7)} ${String(r.p50).padStart(9)} ${String(r.p99).padStart(7)} ${String(r.total).padStart(9)} ${String(r.errors).padStart(7)} ${r.cpuUs.toFixed(0).padStart(12)}`);
  row('GET /healthz (unsigned no-op)', n);
  row('POST / CreateSDKLoginToken (TC3)', s);
  row('  same, each request freshly signed', f);
  row('POST / unsigned, refused (reference)', r);
  console.log(`ratio signed/no-op: ${(s.rps / n.rps).toFixed(2)} in req/s, ${(n.cpuUs / s.cpuUs).toFixed(2)} in server CPU per request`);
  console.log(`signed / refused POST: ${(s.rps / r.rps).toFixed(2)} in req/s, ${(r.cpuUs / s.cpuUs).toFixed(2)} in server CPU per request`);
  console.log(`freshly signed / signed once: ${(f.rps / s.rps).toFixed(2)} in req/s, ${(s.cpuUs / f.cpuUs).toFixed(2)} in server CPU per request`);

  // Unauthenticated 1 MB POSTs with no Cloud API headers: refused from the headers, bodies never buffered.
  const megabyte = Buffer.alloc(1024 * 1024, 0x61);
  const garbage = [{ method: 'POST', path: '/', body: megabyte, headers: { 'content-type': 'application/json' } }];
  const before = serverRssMb(server.pid);
  const g = summarise([await run(url, garbage, 'garbage', true)]);
  const after = serverRssMb(server.pid);
  console.log(`refused unauthenticated 1 MB POSTs: ${g.rps.toFixed(0)} req/s (${(g.rps).toFixed(0)} MB/s offered), p99 ${g.p99} ms, errors ${g.errors}; server RSS ${before.rss.toFixed(0)} MB before, ${after.rss.toFixed(0)} MB after, peak over the whole run ${after.peak.toFixed(0)} MB`);

  // CreateStaff: 10 rows per request (the action's maximum), 4 requests in flight.
  const batches = 100;
  const started = process.hrtime.bigint();
  let next = 0;
  let failed = 0;
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < batches) {
      const b = next++;
      const staffs = Array.from({ length: 10 }, (_, i) => ({ Name: `Agent ${b}-${i}`, Mail: `agent-${b}-${i}@bench.example.com`, StaffNumber: `${b * 10 + i}` }));
      const req = signed(creds, port, 'CreateStaff', { SdkAppId: creds.sdkAppId, Staffs: staffs });
      const res = await (await fetch(url, { method: 'POST', headers: req.headers, body: req.body })).json();
      if (res.Response.Error || res.Response.ErrorStaffList.length) failed++;
    }
  }));
  const staffSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`CreateStaff: ${batches * 10} rows in ${staffSeconds.toFixed(2)} s = ${((batches * 10) / staffSeconds).toFixed(0)} rows/s (10 rows per request, 4 in flight), failed requests ${failed}`);
  if (s.errors > 0 || n.errors > 0 || r.errors > 0 || f.errors > 0 || g.errors > 0 || failed > 0) { console.error('errors during the run'); process.exitCode = 1; }
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  rmSync(dataDir, { recursive: true, force: true });
}
