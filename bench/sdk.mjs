#!/usr/bin/env node
/* global document, window -- the function passed to tab.evaluate runs in the browser */
// Agent SDK: sizes of tccc.js and the workbench bundle next to two well-known
// contact-centre browser SDKs, and the time from appending the SDK script to
// the `ready` event in headless Chromium (fresh browser context each run).
import { readFileSync, readdirSync, statSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import tencentcloud from 'tencentcloud-sdk-nodejs';
import { createLogger, initialize, openDataFolder, resolveServerConfig, startServer } from '@openccc/server';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.env.BENCH_RUNS ?? 15);

function size(files) {
  const bodies = files.map((f) => readFileSync(f));
  const raw = bodies.reduce((a, b) => a + b.length, 0);
  const gzip = bodies.reduce((a, b) => a + gzipSync(b, { level: 9 }).length, 0);
  return { raw, gzip };
}

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const sizes = [
  ['OpenCCC tccc.js (host-page SDK)', size([join(root, 'packages/sdk/dist/tccc.js')])],
  ['OpenCCC workbench (html+js+css)', size(walk(join(root, 'packages/workbench/dist')).filter((f) => /\.(js|css|html)$/.test(f)))],
  ['@twilio/voice-sdk dist/twilio.min.js', size([join(root, 'node_modules/@twilio/voice-sdk/dist/twilio.min.js')])],
  ['amazon-connect-streams connect-streams-min.js', size([join(root, 'node_modules/amazon-connect-streams/release/connect-streams-min.js')])],
];

const dataDir = mkdtempSync(join(tmpdir(), 'openccc-bench-sdk-'));
const folder = openDataFolder(dataDir, null);
const creds = await initialize(folder.store, folder.box, Date.now());
const config = resolveServerConfig({ data: dataDir, host: '127.0.0.1', port: '0', 'rate-limit': '0' }, {});
const server = await startServer({ config, store: folder.store, box: folder.box, log: createLogger('warn') });
const page = '<!doctype html><html><head><meta charset="utf-8"><title>bench</title></head><body></body></html>';
const site = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(page));
await new Promise((resolve) => site.listen(0, '127.0.0.1', resolve));
const siteOrigin = `http://localhost:${site.address().port}`;
await folder.store.origins.add(creds.sdkAppId, siteOrigin, Date.now());
const client = new tencentcloud.ccc.v20200210.Client({
  credential: { secretId: creds.secretId, secretKey: creds.secretKey },
  region: '',
  profile: { httpProfile: { endpoint: `127.0.0.1:${server.port}`, protocol: 'http://' } },
});

const browser = await chromium.launch({
  executablePath: process.env.OPENCCC_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const times = [];
try {
  for (let i = 0; i < runs + 1; i++) {
    const mail = `bench${i}@example.com`;
    await client.CreateStaff({ SdkAppId: creds.sdkAppId, Staffs: [{ Name: `bench${i}`, Mail: mail, StaffNumber: String(i) }] });
    const { Token, SdkURL } = await client.CreateSDKLoginToken({ SdkAppId: creds.sdkAppId, SeatUserId: mail });
    const context = await browser.newContext();
    const tab = await context.newPage();
    await tab.goto(siteOrigin);
    const ms = await tab.evaluate(
      ({ token, sdkAppId, userId, sdkUrl }) =>
        new Promise((resolve, reject) => {
          const t0 = performance.now();
          const script = document.createElement('script');
          script.dataset.token = token;
          script.dataset.sdkAppId = String(sdkAppId);
          script.dataset.userid = userId;
          script.src = sdkUrl;
          script.addEventListener('load', () => {
            window.tccc.on('ready', () => resolve(performance.now() - t0));
            window.tccc.on('error', (e) => reject(new Error(e.errorMsg)));
          });
          document.body.appendChild(script);
        }),
      { token: Token, sdkAppId: creds.sdkAppId, userId: mail, sdkUrl: SdkURL },
    );
    if (i > 0) times.push(ms); // the first run warms the server's JIT
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
  site.close();
  rmSync(dataDir, { recursive: true, force: true });
}

times.sort((a, b) => a - b);
const pct = (p) => times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)];
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, Chromium ${browser.version()}`);
console.log('\nsizes                                            raw        gzip   gzip vs tccc.js');
const base = sizes[0][1].gzip;
for (const [name, s] of sizes) console.log(`${name.padEnd(46)} ${kb(s.raw).padStart(10)} ${kb(s.gzip).padStart(10)} ${(s.gzip / base).toFixed(1).padStart(8)}×`);
console.log(`\nappend <script> → ready, ${times.length} runs (fresh browser context each, localhost):`);
console.log(`median ${pct(50).toFixed(0)} ms, p90 ${pct(90).toFixed(0)} ms, min ${times[0].toFixed(0)} ms, max ${times[times.length - 1].toFixed(0)} ms`);
