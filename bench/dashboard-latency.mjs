#!/usr/bin/env node
/* global document, window, MutationObserver, HTMLElement -- the functions passed to page.evaluate run in the browser */
// Live dashboard: with 1,000 agents changing status, how long from the presence event on the
// server to the agent's row showing the new status in the dashboard page in headless Chromium,
// and (for comparison) to the update arriving on a plain WebSocket client in this process.
//
// Method. The server runs in this process. Just before each `presence.setStatus` the bench stamps
// `performance.timeOrigin + performance.now()`. In the page, a MutationObserver on the agent table
// stamps the same expression when a row's `data-status` changes (the DOM update, before paint).
// The two clocks are both the machine's, but each process fixes its time origin on its own, so
// the page's clock is aligned to this process's: the bench reads the page's clock over CDP 30
// times and keeps the reading with the shortest round trip (offset = page − midpoint; the error
// is at most half that round trip, printed). Each agent changes at most once every few seconds,
// far longer than any latency, so each change is matched to its own DOM update.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { WebSocket } from 'ws';
import { createLogger, initialize, openDataFolder, resolveServerConfig, startServer } from '@openccc/server';

const CYCLE = ['rest', 'notReady', 'afterCallWork', 'free'];
const now = () => performance.timeOrigin + performance.now();

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (v) => Math.round(v * 10) / 10;
  return { count: sorted.length, p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1) ?? NaN) };
}

/** Runs the bench; resolves with its figures. */
export async function runDashboardLatencyBench({ agents = 1000, changesPerSecond = 200, seconds = 20 } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'openccc-bench-dashboard-'));
  const folder = openDataFolder(dataDir, null);
  const creds = await initialize(folder.store, folder.box, Date.now());
  const config = resolveServerConfig({ data: dataDir, host: '127.0.0.1', port: '0', 'rate-limit': '0', 'virtual-phones': 'off' }, {});
  const server = await startServer({ config, store: folder.store, box: folder.box, log: createLogger('warn') });
  const { presence } = server.services;
  const sdkAppId = creds.sdkAppId;
  const browser = await chromium.launch({
    executablePath: process.env.OPENCCC_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  let socket = null;
  try {
    const mails = Array.from({ length: agents }, (_, i) => `agent${String(i).padStart(4, '0')}@bench.example`);
    const rows = mails.map((mail, i) => ({ sdkAppId, mail, name: `Agent ${i}`, staffNumber: String(1000 + i), phone: '', nick: '', userId: '', role: 3, extensionNumber: '', passwordHash: '', useMobileCallOut: false, useMobileAccept: 0, forwardingConfig: null }));
    await folder.store.staff.createMany(rows, rows.map(() => []), Date.now());
    for (const mail of mails) presence.setStatus(sdkAppId, mail, 'free', '', Date.now());

    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const signIn = await context.request.post(`${server.url}/console/api/v1/session`, { data: { mail: creds.adminUser, password: creds.adminPassword } });
    if (!signIn.ok()) throw new Error(`console sign-in failed: ${signIn.status()}`);
    const page = await context.newPage();
    await page.goto(`${server.url}/console/#/dashboard`);
    await page.locator('[data-live-state="live"]').waitFor({ timeout: 30_000 });
    await page.waitForFunction((n) => document.querySelectorAll('[role="row"][data-mail]').length === n, agents + 1, { timeout: 30_000 });
    await page.evaluate(() => {
      const seen = [];
      window.__dashboardBench = seen;
      const table = document.querySelector('[role="row"][data-mail]')?.closest('[role="table"]');
      new MutationObserver((records) => {
        const at = performance.timeOrigin + performance.now();
        for (const record of records) {
          const row = record.target;
          if (record.type === 'attributes' && row instanceof HTMLElement) seen.push([row.dataset.mail, row.dataset.status, at]);
        }
      }).observe(table, { subtree: true, attributes: true, attributeFilter: ['data-status'] });
    });

    // The page's clock against this process's, from the reading with the shortest round trip.
    let best = { rtt: Infinity, offset: 0 };
    for (let i = 0; i < 30; i++) {
      const before = now();
      const pageAt = await page.evaluate(() => performance.timeOrigin + performance.now());
      const after = now();
      if (after - before < best.rtt) best = { rtt: after - before, offset: pageAt - (before + after) / 2 };
    }

    // A plain WebSocket client with the same session, for the time to the wire.
    const cookie = (await context.cookies()).find((c) => c.name === 'openccc_console');
    const wire = [];
    socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/console/api/v1/live`, { headers: { cookie: `${cookie.name}=${cookie.value}`, origin: server.url } });
    socket.on('message', (data) => {
      const at = now();
      const message = JSON.parse(String(data));
      for (const row of message.agents ?? []) wire.push([row.mail, row.status, at]);
    });
    await new Promise((resolve, reject) => {
      socket.once('message', resolve);
      socket.once('error', reject);
    });
    wire.length = 0;

    // The load: `changesPerSecond` changes, spread over every agent in turn, paced by the clock (every 10 ms).
    const changes = [];
    const total = changesPerSecond * seconds;
    let next = 0;
    const started = now();
    await new Promise((resolve) => {
      const timer = setInterval(() => {
        const due = Math.min(total, Math.floor(((now() - started) / 1000) * changesPerSecond));
        while (next < due) {
          const mail = mails[next % agents];
          const status = CYCLE[Math.floor(next / agents) % CYCLE.length];
          const at = now();
          presence.setStatus(sdkAppId, mail, status, status === 'rest' ? 'bench' : '', Date.now());
          changes.push([mail, status, at]);
          next++;
        }
        if (next >= total) {
          clearInterval(timer);
          resolve();
        }
      }, 10);
    });
    const elapsed = (now() - started) / 1000;
    // Let the last updates arrive.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const dom = await page.evaluate(() => window.__dashboardBench);

    const latencies = (seen, offset) => {
      const byKey = new Map();
      for (const [mail, status, at] of seen) {
        const key = `${mail}\u0000${status}`;
        const list = byKey.get(key) ?? [];
        list.push(at - offset);
        byKey.set(key, list);
      }
      const values = [];
      let missing = 0;
      for (const [mail, status, at] of changes) {
        const list = byKey.get(`${mail}\u0000${status}`) ?? [];
        const index = list.findIndex((t) => t >= at);
        if (index < 0) missing++;
        else values.push(list.splice(index, 1)[0] - at);
      }
      return { ...summary(values), missing };
    };
    return {
      agents,
      changes: changes.length,
      changesPerSecond: Math.round(changes.length / elapsed),
      clockErrorMs: Math.round((best.rtt / 2) * 100) / 100,
      dom: latencies(dom, best.offset),
      wire: latencies(wire, 0),
    };
  } finally {
    socket?.terminate();
    await browser.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await runDashboardLatencyBench({
    agents: Number(process.env.BENCH_DASHBOARD_AGENTS ?? 1000),
    changesPerSecond: Number(process.env.BENCH_DASHBOARD_RATE ?? 200),
    seconds: Number(process.env.BENCH_DASHBOARD_SECONDS ?? 20),
  });
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`Live dashboard, ${result.agents} agents, ${result.changes} status changes at ${result.changesPerSecond}/s, Node ${process.version}, ${cpus().length} × ${cpu}, load average ${loadavg()[0].toFixed(1)}`);
  const row = (name, s) => console.log(`${name.padEnd(44)} p50 ${s.p50} ms   p99 ${s.p99} ms   max ${s.max} ms   (${s.count} seen, ${s.missing} missing)`);
  row('presence event → update on a WebSocket client', result.wire);
  row('presence event → agent row updated in the page', result.dom);
  console.log(`page clock aligned to the server's within ±${result.clockErrorMs} ms; updates are coalesced per instance, at most one every 250 ms`);
  if (process.argv.includes('--json')) console.log(JSON.stringify(result));
}
