#!/usr/bin/env node
// Data push throughput through the durable outbox: N call records queued (acknowledged once on
// disk: in bursts as the engine writes them, and one at a time), then delivered to a local receiver
// (a separate process answering {"ErrCode":0}) with 1 and with 8 requests in flight, side by side.
// Each delivery is settled in the outbox (one durable write) before it counts. At the end, if
// bench/dashboard-latency.mjs exists, it runs too, so one run prints both.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'packages/server/dist');
const { openSqliteStore } = await import(join(dist, 'store/sqlite/sqlite-store.js'));
const { PushService } = await import(join(dist, 'push/push-service.js'));
const { SecretBox } = await import(join(dist, 'auth/secret-box.js'));
const { createLogger } = await import(join(dist, 'log.js'));
const { systemScheduler } = await import(join(dist, 'realtime/scheduler.js'));
const { nodeFetch } = await import(join(dist, 'push/node-fetch.js'));

const PUSHES = Number(process.env.BENCH_PUSHES ?? 10_000);
const ONE_BY_ONE = Number(process.env.BENCH_ONE_BY_ONE ?? 1_000);
const BURST = 500;
const APP = 1400000001;

/** The receiver, in its own process so that it does not share the outbox's event loop. */
async function startReceiver() {
  const code = `
    const http = require('node:http');
    let count = 0;
    const ack = JSON.stringify({ ErrCode: 0, ErrMsg: '' });
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => { count++; res.writeHead(200, { 'content-type': 'application/json' }).end(ack); });
    });
    server.keepAliveTimeout = 60000;
    server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: server.address().port }) + '\\n'));
  `;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    child.stdout.once('data', (data) => resolve(JSON.parse(String(data)).port));
    child.once('exit', (status) => reject(new Error(`the receiver exited (${status})`)));
  });
  return { url: `http://127.0.0.1:${port}/push`, stop: () => child.kill() };
}

function record(i) {
  const now = Math.floor(Date.now() / 1000);
  return {
    SessionId: `bench-${i}-${now}`,
    Caller: '008613800000000',
    Callee: '008640000001',
    Time: now - 120,
    StartTimestamp: now - 120,
    RingTimestamp: now - 118,
    AcceptTimestamp: now - 110,
    EndedTimestamp: now,
    Direction: 0,
    CallType: 2,
    Duration: 110,
    EndStatus: 1,
    EndStatusString: 'ok',
    HungUpSide: 'user',
    RecordId: '',
    RecordURL: '',
    SkillGroup: 'Support',
    SkillGroupId: 1,
    SeatUser: { Name: 'Li Lei', Mail: 'lilei@example.com', StaffNumber: '1001', UserId: 'lilei' },
    ServeParticipants: [{ Mail: 'lilei@example.com', Phone: '', RingTimestamp: now - 118, AcceptTimestamp: now - 110, EndedTimestamp: now, RecordId: '', Type: 'staffSeat', TransferFrom: '', TransferTo: '', Sequence: 0, StartTimestamp: now - 118, SkillGroupId: 1, SkillGroupName: 'Support' }],
    IVRKeyPressed: ['1'],
    IVRKeyPressedEx: [{ Key: '1', Label: 'support' }],
    StartStatus: 1,
    Uui: '',
  };
}

/** A fresh outbox on disk (WAL, synchronous FULL, as the server runs it) with push on to the receiver. */
async function outbox(receiverUrl, concurrency) {
  const dir = mkdtempSync(join(tmpdir(), 'openccc-bench-push-'));
  const store = openSqliteStore(join(dir, 'openccc.db'));
  await store.instances.create({ sdkAppId: APP, name: 'bench', createdAt: Date.now() });
  const push = new PushService({
    repo: store.push,
    box: SecretBox.fromEncoded('22'.repeat(32)),
    log: createLogger('silent'),
    clock: Date.now,
    scheduler: systemScheduler,
    links: () => undefined,
    publicUrl: () => 'http://127.0.0.1',
    options: { concurrency },
  });
  await push.saveSettings(APP, { url: receiverUrl, cdr: true, record: false });
  return {
    store,
    push,
    async close() {
      await push.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Queues `count` records in bursts of BURST (all of a burst written in the same turn, as the engine's listeners do). */
async function enqueueBursts(push, count) {
  const started = performance.now();
  for (let i = 0; i < count; i += BURST) {
    const burst = [];
    for (let j = i; j < Math.min(count, i + BURST); j++) burst.push(push.enqueue(APP, record(j), false));
    await Promise.all(burst);
  }
  return count / ((performance.now() - started) / 1000);
}

async function enqueueOneByOne(push, count) {
  const started = performance.now();
  for (let i = 0; i < count; i++) await push.enqueue(APP, record(i), false);
  return count / ((performance.now() - started) / 1000);
}

/** The same receiver without the outbox: `count` plain POSTs with `concurrency` in flight, as a baseline. */
async function plainPosts(url, count, concurrency) {
  const fetchFn = nodeFetch();
  const body = JSON.stringify({ ...record(0), SdkAppId: APP });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < count) await (await fetchFn(url, { method: 'POST', headers: { 'content-type': 'application/json;charset=utf8' }, body })).text();
    }),
  );
  fetchFn.close();
  return count / ((performance.now() - started) / 1000);
}

async function delivered(store) {
  return (await store.push.list(APP, { state: 'delivered', limit: 1, offset: 0 })).total;
}

async function deliverAll(box, count) {
  const started = performance.now();
  box.push.start();
  for (;;) {
    const done = await delivered(box.store);
    if (done >= count) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return count / ((performance.now() - started) / 1000);
}

const commit = (() => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).toString().trim();
  } catch {
    return 'unknown';
  }
})();
console.log(`bench:push — ${PUSHES} pushes through the durable outbox; Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GB, commit ${commit}`);

const receiver = await startReceiver();
const results = [];
try {
  for (const concurrency of [1, 8]) {
    const box = await outbox(receiver.url, concurrency);
    try {
      const burstRate = await enqueueBursts(box.push, PUSHES);
      const deliverRate = await deliverAll(box, PUSHES);
      const plainRate = await plainPosts(receiver.url, Math.min(PUSHES, 2_000), concurrency);
      results.push({ concurrency, burstRate, deliverRate, plainRate });
    } finally {
      await box.close();
    }
  }
  const single = await outbox(receiver.url, 1);
  let oneByOne;
  try {
    oneByOne = await enqueueOneByOne(single.push, ONE_BY_ONE);
  } finally {
    await single.close();
  }
  const pad = (s, n) => String(s).padEnd(n);
  console.log('');
  console.log(`${pad('', 38)}${results.map((r) => pad(`concurrency ${r.concurrency}`, 16)).join('')}`);
  console.log(`${pad('queued/s (bursts of ' + BURST + ')', 38)}${results.map((r) => pad(Math.round(r.burstRate), 16)).join('')}`);
  console.log(`${pad('delivered/s (acknowledged, settled)', 38)}${results.map((r) => pad(Math.round(r.deliverRate), 16)).join('')}`);
  console.log(`${pad('plain POSTs/s, no outbox (baseline)', 38)}${results.map((r) => pad(Math.round(r.plainRate), 16)).join('')}`);
  console.log(`queued/s one at a time (each awaited, ${ONE_BY_ONE} records): ${Math.round(oneByOne)}`);
} finally {
  receiver.stop();
}

const dashboard = join(root, 'bench/dashboard-latency.mjs');
if (existsSync(dashboard)) {
  console.log('');
  const child = spawn(process.execPath, [dashboard], { stdio: 'inherit', cwd: root });
  const status = await new Promise((resolve) => child.once('exit', resolve));
  if (status !== 0) process.exitCode = status ?? 1;
}
