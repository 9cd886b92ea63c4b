#!/usr/bin/env node
// The call engine end to end, five figures side by side in one run:
//
//   acd     routing decisions per second and p99 decision time, 10,000 agents in 100 skill groups
//           (the distributor alone: bench/engine-acd.mjs)
//   offer   1,000 agents signed in on realtime WebSockets, calls arriving one at a time from a
//           virtual phone: dial → callIn on the agent's socket, and the engine's own "queued"
//           moment (its `call moved` log line) → callIn
//   cps     inbound calls per second through number → queue → a scripted agent's answer (RTP
//           agents), ramped; each call hung up after a short talk
//   media   concurrent RTP↔RTP calls bridged by the engine (virtual phone ↔ scripted agent),
//           ramped until loss > 1 % or jitter > 20 ms; server CPU, RSS and event-loop delay
//   webrtc  server CPU per agent WebRTC leg (werift peers standing in for browsers), against RTP
//           agents in the same number of calls
//
// Each part but acd gets a server of its own: `openccc start` in a child process (the compiled
// server, packages/server/dist) on a fresh data folder, with `--rtp-agents on` and a preload
// (bench/engine-preload.mjs) that reports its main thread's event-loop delay over IPC. After the
// part, the server at rest is measured again, with the call recordings still being written. The phones' and agents' signalling runs in this process; the RTP
// phones in a second process (bench/media.mjs's generator) and the werift peers in a third
// (bench/engine-webrtc-peers.mjs), so each one's CPU is counted apart from the server's.
//
//   npm run bench:engine                         everything, about four minutes
//   npm run bench:engine -- --only offer,cps     some parts (acd, offer, cps, media, webrtc)
//
// Knobs (environment): BENCH_ENGINE_AGENTS (1000), BENCH_ENGINE_OFFER_CALLS (300),
// BENCH_ENGINE_CPS_STEPS (25,50,100,150,200), BENCH_ENGINE_CPS_SECONDS (4), BENCH_ENGINE_TALK_MS (1000),
// BENCH_ENGINE_MEDIA_STEPS (100,250,500,750,1000), BENCH_ENGINE_MEDIA_SECONDS (3),
// BENCH_ENGINE_WEBRTC_STEPS (50,100), BENCH_ENGINE_WEBRTC_SECONDS (4), BENCH_ACD_DECISIONS (200000),
// BENCH_SERVER_NODE_FLAGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"), BENCH_DATA_PARENT (the
// data folder's parent; default the OS temp folder), BENCH_ENGINE_MEDIA_WORKERS (server default).
import { execFileSync, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { runAcdBench } from './engine-acd.mjs';
import { Floor } from './lib/agents.mjs';
import { ask, nextMessage, now, pool, sleep, withTimeout } from './lib/async.mjs';
import { parseOnly } from './lib/cli.mjs';
import { udpSocket } from './lib/net.mjs';
import { CpuWindow, rssMb } from './lib/process-stats.mjs';
import { ServerProcess } from './lib/server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const PARTS = ['acd', 'offer', 'cps', 'media', 'webrtc'];
/** The hotline into the floor's skill group. */
const HOTLINE = '00864008000800';

const env = (name, fallback) => process.env[name] ?? fallback;
const list = (text) => text.split(',').map(Number).filter((n) => n > 0);
const settings = {
  agents: Number(env('BENCH_ENGINE_AGENTS', 1000)),
  offerCalls: Number(env('BENCH_ENGINE_OFFER_CALLS', 300)),
  cpsSteps: list(env('BENCH_ENGINE_CPS_STEPS', '25,50,100,150,200')),
  cpsSeconds: Number(env('BENCH_ENGINE_CPS_SECONDS', 4)),
  talkMs: Number(env('BENCH_ENGINE_TALK_MS', 1000)),
  mediaSteps: list(env('BENCH_ENGINE_MEDIA_STEPS', '100,250,500,750,1000')),
  mediaSeconds: Number(env('BENCH_ENGINE_MEDIA_SECONDS', 3)),
  webrtcSteps: list(env('BENCH_ENGINE_WEBRTC_STEPS', '50,100')),
  webrtcSeconds: Number(env('BENCH_ENGINE_WEBRTC_SECONDS', 4)),
  acdDecisions: Number(env('BENCH_ACD_DECISIONS', 200_000)),
  mediaWorkers: process.env.BENCH_ENGINE_MEDIA_WORKERS,
  serverNodeFlags: env('BENCH_SERVER_NODE_FLAGS', '').split(' ').filter(Boolean),
  dataParent: env('BENCH_DATA_PARENT', tmpdir()),
};

function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

// ─── the server's recordings ────────────────────────────────────────────────────────────────────

/** Size of every call recording (WAV) in the data folder, by path. */
function recordingSizes(dataDir) {
  const sizes = new Map();
  const folder = join(dataDir, 'recordings');
  let names = [];
  try {
    names = readdirSync(folder, { recursive: true });
  } catch {
    return sizes;
  }
  for (const name of names) {
    if (!String(name).endsWith('.wav')) continue;
    try {
      sizes.set(String(name), statSync(join(folder, String(name))).size);
    } catch {
      // removed meanwhile
    }
  }
  return sizes;
}

// ─── virtual phones (signalling in this process) ────────────────────────────────────────────────

/** A virtual phone on /phone/v1; calls are told apart by the phone's own call ids. */
class Phone {
  static open(url, number) {
    const phone = new Phone();
    phone.number = number;
    phone.calls = new Map();
    return new Promise((resolve, reject) => {
      phone.ws = new WebSocket(url.replace(/^http/, 'ws') + '/phone/v1');
      phone.ws.on('error', reject);
      phone.ws.on('open', () => phone.send({ type: 'hello', v: 1, number }));
      phone.ws.on('message', (data) => {
        const at = now();
        const message = JSON.parse(String(data));
        if (message.type === 'welcome') return resolve(phone);
        if (message.type === 'error' && message.callId === undefined) return reject(new Error(`phone ${number}: ${message.code} ${message.message}`));
        const call = phone.calls.get(message.callId);
        if (!call) return;
        if (message.type === 'ended' || message.type === 'error') phone.calls.delete(message.callId);
        call(message, at);
      });
    });
  }

  send(message) {
    this.ws.send(JSON.stringify(message));
  }

  /** Dials; `listener(message, receivedAt)` gets the call's messages. Returns the call id and the time the dial was sent. */
  dial(to, rtpPort, listener) {
    const callId = randomUUID();
    this.calls.set(callId, listener);
    const sentAt = now();
    this.send({ type: 'dial', callId, to, media: { kind: 'rtp', address: '127.0.0.1', port: rtpPort } });
    return { callId, sentAt };
  }

  hangup(callId) {
    this.send({ type: 'hangup', callId });
  }

  close() {
    this.ws.close();
  }
}

async function openPhones(url, count, prefix) {
  const phones = [];
  await pool(
    Array.from({ length: count }, (_, i) => i),
    20,
    async (i) => (phones[i] = await Phone.open(url, `00861${prefix}${String(i).padStart(8, '0')}`)),
  );
  return phones;
}

// ─── offer latency ──────────────────────────────────────────────────────────────────────────────

async function offerPart(server, floor) {
  const sink = await udpSocket();
  const [phone] = await openPhones(server.url, 1, '39');
  const warmup = 20;
  const samples = [];
  let waiting = null;
  const ended = new Map();
  const off = floor.listen((agent, name, payload, at) => {
    if (name === 'callIn' && waiting) waiting({ agent, payload, at });
    if (name === 'sessionEnded') ended.get(payload.sessionId)?.();
  });
  const logOffset = server.logSize();
  const cpu = new CpuWindow([{ name: 'server', pid: server.pid }]);
  await server.loop(true);
  try {
    for (let i = 0; i < warmup + settings.offerCalls; i++) {
      const offered = new Promise((resolve) => (waiting = resolve));
      let phoneEnded;
      const phoneDone = new Promise((resolve) => (phoneEnded = resolve));
      let answeredBySystemAt = NaN;
      const { callId, sentAt } = phone.dial(HOTLINE, sink.address().port, (message, at) => {
        if (message.type === 'answered' && message.by === 'system') answeredBySystemAt = at;
        if (message.type === 'ended') phoneEnded(message);
      });
      const { payload, at } = await withTimeout(offered, 10_000, `callIn for call ${i}`);
      waiting = null;
      const sessionEnded = new Promise((resolve) => ended.set(payload.sessionId, resolve));
      phone.hangup(callId);
      await withTimeout(Promise.all([sessionEnded, phoneDone]), 10_000, `end of call ${i}`);
      ended.delete(payload.sessionId);
      if (i >= warmup) samples.push({ sessionId: payload.sessionId, dialToCallInMs: at - sentAt, callInAt: at, answeredBySystemAt });
      // The released agent is free again after its status write; let the next call find the floor settled.
      await sleep(5);
    }
  } finally {
    off();
    phone.close();
    sink.close();
  }
  const cores = cpu.end();
  const loop = await server.loop(true);
  // The engine's own moment: its info line `call moved … to: queued` (its clock, whole milliseconds).
  const queuedAt = new Map();
  for (const line of server.logLinesSince(logOffset)) {
    if (!line.includes('"call moved"') || !line.includes('"to":"queued"')) continue;
    const entry = JSON.parse(line);
    if (!queuedAt.has(entry.sessionId)) queuedAt.set(entry.sessionId, entry.time);
  }
  const engine = samples.map((s) => s.callInAt - queuedAt.get(s.sessionId)).filter((v) => Number.isFinite(v));
  const dial = samples.map((s) => s.dialToCallInMs);
  const result = {
    agents: floor.agents.length,
    calls: samples.length,
    dialToCallIn: { p50Ms: percentile(dial, 50), p99Ms: percentile(dial, 99), maxMs: Math.max(...dial) },
    queuedToCallIn: { matched: engine.length, p50Ms: percentile(engine, 50), p99Ms: percentile(engine, 99), maxMs: Math.max(...engine) },
    serverCores: cores.server,
    serverLoop: loop,
  };
  return result;
}

// ─── call setup rate ────────────────────────────────────────────────────────────────────────────

async function cpsPart(server, floor) {
  const phoneSink = await udpSocket();
  const agentSink = await udpSocket();
  const phones = await openPhones(server.url, 100, '38');
  const steps = [];
  const accepted = new Map(); // sessionId → {ok, ended}
  const off = floor.listen((agent, name, payload) => {
    if (name === 'callIn') {
      const entry = { ok: null, ended: false };
      accepted.set(payload.sessionId, entry);
      agent.request('Call.accept', { sessionId: payload.sessionId, rtp: { address: '127.0.0.1', port: agentSink.address().port } }).then(
        (reply) => (entry.ok = reply.ok ? true : reply.error?.code ?? 'refused'),
        () => (entry.ok = 'timeout'),
      );
    } else if (name === 'sessionEnded') {
      const entry = accepted.get(payload.sessionId);
      if (entry) entry.ended = true;
    }
  });
  try {
    for (const rate of settings.cpsSteps) {
      const total = Math.max(2, Math.round(rate * settings.cpsSeconds));
      const calls = [];
      let phoneCursor = 0;
      const pick = () => {
        for (let tries = 0; tries < phones.length; tries++) {
          const phone = phones[phoneCursor++ % phones.length];
          if (phone.calls.size < 8) return phone;
        }
        return null;
      };
      await server.loop(true);
      const cpu = new CpuWindow([{ name: 'server', pid: server.pid }, { name: 'serverMain', pid: server.pid, tid: server.pid }]);
      const start = now() + 20;
      const settled = [];
      for (let i = 0; i < total; i++) {
        const due = start + (i * 1000) / rate;
        while (now() < due) await sleep(Math.max(0, Math.min(4, due - now())));
        const phone = pick();
        const call = { dialAt: NaN, connectedAt: NaN, failure: null };
        calls.push(call);
        if (!phone) {
          call.failure = 'no free phone';
          continue;
        }
        settled.push(
          new Promise((resolve) => {
            const timer = setTimeout(() => {
              call.failure ??= 'no answer within 15 s';
              phone.hangup(callId);
              resolve();
            }, 15_000);
            const finish = (failure) => {
              if (failure) call.failure ??= failure;
              clearTimeout(timer);
              resolve();
            };
            const { callId, sentAt } = phone.dial(HOTLINE, phoneSink.address().port, (message, at) => {
              if (message.type === 'answered' && message.by !== 'system' && Number.isNaN(call.connectedAt)) {
                call.connectedAt = at;
                setTimeout(() => phone.hangup(callId), settings.talkMs);
              } else if (message.type === 'ended') {
                finish(Number.isNaN(call.connectedAt) ? `ended: ${message.reason}` : message.reason === 'hangup' ? null : `ended in talk: ${message.reason}`);
              } else if (message.type === 'error') {
                finish(`error: ${message.code}`);
              }
            });
            call.dialAt = sentAt;
          }),
        );
      }
      const lastDial = now();
      await Promise.all(settled);
      const connected = calls.filter((c) => !Number.isNaN(c.connectedAt));
      const lastConnect = Math.max(...connected.map((c) => c.connectedAt));
      const cores = cpu.end(); // up to the last hang-up
      const loop = await server.loop(true);
      const refused = [...accepted.values()].filter((e) => e.ok !== null && e.ok !== true).length;
      const failures = calls.filter((c) => c.failure !== null);
      const setup = connected.map((c) => c.connectedAt - c.dialAt);
      const firstDial = calls[0].dialAt;
      const step = {
        offeredCps: rate,
        calls: total,
        dialledCps: ((total - 1) * 1000) / (lastDial - firstDial),
        // Calls connected per second, from the first dial to the last connection.
        achievedCps: (connected.length * 1000) / (lastConnect - firstDial),
        connected: connected.length,
        failed: failures.length,
        failures: [...new Set(failures.map((c) => c.failure))].slice(0, 5),
        acceptRefused: refused,
        setupP50Ms: percentile(setup, 50),
        setupP99Ms: percentile(setup, 99),
        setupMaxMs: Math.max(...setup),
        serverCores: cores.server,
        serverMainCores: cores.serverMain,
        benchCores: cores.bench,
        serverLoop: loop,
      };
      steps.push(step);
      console.log(formatCpsStep(step));
      accepted.clear();
      // Every agent back to free before the next step.
      const counts = await floor.settle(10_000);
      if ((counts.free ?? 0) < floor.agents.length) console.log(`    after the step, not every agent is free: ${JSON.stringify(counts)}`);
      step.statusesAfter = counts;
      // Past two steps the server could not keep up with, more offered calls only queue.
      if (steps.length >= 2 && !sustained(step) && !sustained(steps.at(-2))) break;
      if (step.failed > total * 0.05) break;
    }
  } finally {
    off();
    for (const phone of phones) phone.close();
    phoneSink.close();
    agentSink.close();
  }
  return steps;
}

/** A step the server kept up with: no failed call, 95 % of the offered rate connected, and no queue building up (setup p99 under a second). */
function sustained(step) {
  return step.failed === 0 && step.achievedCps >= 0.95 * step.offeredCps && step.setupP99Ms < 1000;
}

function formatCpsStep(s) {
  return (
    `  ${String(s.offeredCps).padStart(4)} CPS offered: ${String(s.calls).padStart(4)} calls, achieved ${s.achievedCps.toFixed(1).padStart(6)} CPS, ` +
    `failed ${s.failed}${s.failures.length ? ` (${s.failures.join('; ')})` : ''}, setup p50 ${s.setupP50Ms.toFixed(1)} ms p99 ${s.setupP99Ms.toFixed(1)} ms, ` +
    `server ${s.serverCores.toFixed(2)} cores (main thread ${s.serverMainCores.toFixed(2)}), loop p99 ${s.serverLoop.p99Ms} ms${sustained(s) ? '' : '  (not sustained)'}`
  );
}

// ─── concurrent calls with audio (media and WebRTC parts) ───────────────────────────────────────

/**
 * Sets up `count` calls phone (generator stream 2k) → hotline → agent, the agent answering with an
 * RTP socket (generator stream 2k+1) or a werift peer; keeps them up while `measure` runs, then
 * hangs them all up. Calls are told apart at the agent by the caller's number: each phone has at
 * most one call in set-up at a time.
 */
async function withCalls({ server, floor, gen, peers, count, agentMedia }, measure) {
  const opened = await ask(gen, { type: 'open', streams: count * 2 }, 'opened');
  const ports = opened.ports;
  await ask(gen, { type: 'start', targets: [] }, 'started');
  // Calls set up at once: a WebRTC leg's ICE and DTLS handshakes time out when too many run together.
  const workers = agentMedia === 'webrtc' ? 5 : 40;
  const phonesPerWorker = Math.max(1, Math.ceil(count / workers / 6));
  const phones = await openPhones(server.url, workers * phonesPerWorker, '37');
  const pending = new Map(); // caller number → call index
  const sessions = new Map(); // sessionId → {ended}
  const calls = [];
  let failures = 0;
  const setTargets = (targets) => gen.send({ type: 'targets', targets });
  const off = floor.listen((agent, name, payload) => {
    if (name === 'sessionEnded') {
      const s = sessions.get(payload.sessionId);
      if (s) {
        s.ended = true;
        s.onEnded?.();
      }
      return;
    }
    if (name !== 'callIn') return;
    const k = pending.get(payload.callerPhoneNumber);
    if (k === undefined) return;
    pending.delete(payload.callerPhoneNumber);
    const sessionId = payload.sessionId;
    sessions.set(sessionId, { ended: false, onEnded: null });
    calls[k].sessionId = sessionId;
    const accept = async () => {
      if (agentMedia === 'rtp') {
        const reply = await agent.request('Call.accept', { sessionId, rtp: { address: '127.0.0.1', port: ports[2 * k + 1] } });
        if (!reply.ok) throw new Error(`Call.accept: ${JSON.stringify(reply.error)}`);
        setTargets({ [2 * k + 1]: reply.data.rtp.port });
      } else {
        const { sdp } = await ask(peers, { type: 'offer', id: sessionId }, 'offer', { match: (m) => m.id === sessionId });
        const reply = await agent.request('Call.accept', { sessionId, sdp });
        if (!reply.ok) throw new Error(`Call.accept: ${JSON.stringify(reply.error)}`);
        await ask(peers, { type: 'answer', id: sessionId, sdp: reply.data.sdp }, 'answered', { match: (m) => m.id === sessionId });
      }
    };
    accept().catch((error) => {
      failures++;
      console.error(`  call ${k}: ${error.message}`);
    });
  });
  const setupStart = now();
  try {
    const indices = Array.from({ length: count }, (_, k) => k);
    await pool(indices, workers, async (k) => {
      // Worker w takes calls k ≡ w (mod workers), so a phone (owned by one worker) sets up one call at a time.
      const phone = phones[(k % workers) * phonesPerWorker + (Math.floor(k / workers) % phonesPerWorker)];
      const call = { k, phone, callId: null, sessionId: null, connected: false };
      calls[k] = call;
      pending.set(phone.number, k);
      await withTimeout(
        new Promise((resolve, reject) => {
          const { callId } = phone.dial(HOTLINE, ports[2 * k], (message) => {
            if (message.type === 'media') setTargets({ [2 * k]: message.media.port });
            else if (message.type === 'answered' && message.by !== 'system') {
              call.connected = true;
              resolve();
            } else if (message.type === 'ended' || message.type === 'error') {
              call.ended = true;
              if (!call.connected) reject(new Error(`call ${k} ended before an answer: ${message.reason ?? message.code}`));
            }
          });
          call.callId = callId;
        }),
        20_000,
        `set-up of call ${k}`,
      ).catch((error) => {
        failures++;
        pending.delete(phone.number);
        console.error(`  ${error.message}`);
      });
    });
    const setupMs = now() - setupStart;
    const result = await measure({ setupMs, failures: () => failures, connected: calls.filter((c) => c.connected).length });
    return { ...result, setupMs, failed: failures };
  } finally {
    // Hang everything up and wait for the agents' ends.
    const endings = [];
    for (const call of calls) {
      if (!call?.callId || call.ended) continue;
      const s = call.sessionId && sessions.get(call.sessionId);
      if (s && !s.ended) endings.push(new Promise((resolve) => (s.onEnded = resolve)));
      call.phone.hangup(call.callId);
    }
    await withTimeout(Promise.all(endings), 30_000, 'the calls to end').catch((error) => console.error(`  ${error.message}`));
    off();
    if (agentMedia === 'webrtc') await Promise.all([...sessions.keys()].map((id) => ask(peers, { type: 'close', id }, 'closed', { match: (m) => m.id === id })));
    for (const phone of phones) phone.close();
    await ask(gen, { type: 'stop' }, 'stopped');
    // The agents' status writes land, so the next step starts with a free floor.
    const counts = await floor.settle(10_000);
    if ((counts.free ?? 0) < floor.agents.length) console.log(`    after the step, not every agent is free: ${JSON.stringify(counts)}`);
  }
}

function startGenerator() {
  const gen = fork(join(here, 'media.mjs'), ['--generator'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  gen.setMaxListeners(0);
  return nextMessage(gen, 'ready').then(() => gen);
}

async function mediaPart(server, floor) {
  const gen = await startGenerator();
  const rows = [];
  try {
    for (const count of settings.mediaSteps) {
      if (count > floor.agents.length) break;
      const row = await withCalls({ server, floor, gen, count, agentMedia: 'rtp' }, async ({ setupMs, connected }) => {
        await sleep(2000); // warm-up: the last calls' first packets, the JIT
        await server.loop(true);
        const cpu = new CpuWindow([
          { name: 'server', pid: server.pid },
          { name: 'serverMain', pid: server.pid, tid: server.pid },
          { name: 'generator', pid: gen.pid },
        ]);
        await ask(gen, { type: 'measure' }, 'measuring');
        await sleep(settings.mediaSeconds * 1000);
        const report = await ask(gen, { type: 'report' }, 'report');
        const cores = cpu.end();
        const loop = await server.loop(true);
        return {
          calls: count,
          connected,
          setupCps: (count * 1000) / setupMs,
          lossPct: report.sent === 0 ? 100 : (100 * Math.max(0, report.sent - report.received)) / report.sent,
          jitterMs: report.jitterMeanMs,
          jitterP99Ms: report.jitterP99Ms,
          serverCores: cores.server,
          serverMainCores: cores.serverMain,
          generatorCores: cores.generator,
          benchCores: cores.bench,
          serverRssMb: rssMb(server.pid),
          serverLoop: loop,
        };
      });
      rows.push(row);
      console.log(formatMediaRow(row));
      if (row.failed > 0 || row.lossPct > 1 || row.jitterMs > 20) {
        console.log(`  stopped at ${count} calls: ${row.failed > 0 ? `${row.failed} calls failed` : row.lossPct > 1 ? 'loss passed 1 %' : 'jitter passed 20 ms'}`);
        break;
      }
    }
  } finally {
    gen.send({ type: 'exit' });
  }
  return rows;
}

function formatMediaRow(r) {
  return (
    `  ${String(r.calls).padStart(5)} calls (set up at ${r.setupCps.toFixed(0)} CPS, ${r.failed} failed): loss ${r.lossPct.toFixed(2)} %, jitter ${r.jitterMs.toFixed(2)} ms (p99 stream ${r.jitterP99Ms.toFixed(1)}), ` +
    `server ${r.serverCores.toFixed(2)} cores (main thread ${r.serverMainCores.toFixed(2)}), RSS ${r.serverRssMb.toFixed(0)} MB, loop p99 ${r.serverLoop.p99Ms} ms max ${r.serverLoop.maxMs} ms; generator ${r.generatorCores.toFixed(2)} cores`
  );
}

async function webrtcPart(server, floor) {
  const gen = await startGenerator();
  const peers = fork(join(here, 'engine-webrtc-peers.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  peers.setMaxListeners(0);
  await nextMessage(peers, 'ready');
  const rows = [];
  try {
    for (const count of settings.webrtcSteps) {
      if (count > floor.agents.length) break;
      const row = { legs: count };
      for (const agentMedia of ['rtp', 'webrtc']) {
        row[agentMedia] = await withCalls({ server, floor, gen, peers, count, agentMedia }, async ({ connected }) => {
          if (agentMedia === 'webrtc') {
            const deadline = now() + 20_000;
            let states;
            while (now() < deadline) {
              const report = await ask(peers, { type: 'report' }, 'report');
              states = report.states;
              if (report.connected >= connected) break;
              await sleep(200);
            }
            if ((states.connected ?? 0) < connected) console.error(`  WebRTC peers not all connected after 20 s: ${JSON.stringify(states)}`);
          }
          await sleep(2000);
          await server.loop(true);
          const cpu = new CpuWindow([
            { name: 'server', pid: server.pid },
            { name: 'serverMain', pid: server.pid, tid: server.pid },
            { name: 'generator', pid: gen.pid },
            { name: 'peers', pid: peers.pid },
          ]);
          // Both sides start and stop counting together (the generator then waits 300 ms for packets in flight).
          await Promise.all([ask(gen, { type: 'measure' }, 'measuring'), ask(peers, { type: 'measure' }, 'measuring')]);
          const started = now();
          await sleep(settings.webrtcSeconds * 1000);
          const [report, peerReport] = await Promise.all([ask(gen, { type: 'report' }, 'report'), ask(peers, { type: 'report' }, 'report')]);
          const seconds = (now() - started) / 1000;
          const cores = cpu.end();
          const loop = await server.loop(true);
          // The share of the packets sent that reached the other side: phones → agents, agents → phones.
          return {
            connected,
            seconds,
            webrtcConnected: agentMedia === 'webrtc' ? peerReport.connected : null,
            toAgentPct: agentMedia === 'webrtc' ? (100 * peerReport.received) / Math.max(1, report.sent) : (100 * report.received) / Math.max(1, report.sent),
            toPhonePct: agentMedia === 'webrtc' ? (100 * report.datagrams) / Math.max(1, peerReport.sent) : (100 * report.received) / Math.max(1, report.sent),
            peersSentPerLegPerSecond: agentMedia === 'webrtc' ? peerReport.sent / count / seconds : null,
            serverCores: cores.server,
            serverMainCores: cores.serverMain,
            generatorCores: cores.generator,
            peersCores: cores.peers,
            serverRssMb: rssMb(server.pid),
            serverLoop: loop,
          };
        });
      }
      // Below 95 % of the audio delivered, the server (or a peer) did not get the CPU it needed, and its CPU figure says too little.
      row.starved = [row.rtp, row.webrtc].some((r) => r.toAgentPct < 95 || r.toPhonePct < 95) || row.webrtc.webrtcConnected < count;
      row.extraPerLegPctCore = (100 * (row.webrtc.serverCores - row.rtp.serverCores)) / count;
      row.perWebrtcCallPctCore = (100 * row.webrtc.serverCores) / count;
      row.perRtpCallPctCore = (100 * row.rtp.serverCores) / count;
      rows.push(row);
      console.log(
        `  ${String(count).padStart(4)} calls: RTP agents ${row.rtp.serverCores.toFixed(3)} cores (${row.perRtpCallPctCore.toFixed(2)} % per call), ` +
          `WebRTC agents ${row.webrtc.serverCores.toFixed(3)} cores (${row.perWebrtcCallPctCore.toFixed(2)} % per call, ${row.webrtc.webrtcConnected}/${count} connected, ` +
          `audio to agent ${row.webrtc.toAgentPct.toFixed(0)} %, to phone ${row.webrtc.toPhonePct.toFixed(0)} %): a WebRTC leg costs ${row.extraPerLegPctCore.toFixed(2)} % of a core more than an RTP leg; ` +
          `werift peers ${row.webrtc.peersCores.toFixed(2)} cores${row.starved ? '  (audio short or legs missing: CPU-starved, not a clean figure)' : ''}`,
      );
    }
  } finally {
    gen.send({ type: 'exit' });
    peers.send({ type: 'exit' });
  }
  return rows;
}

// ─── the run ────────────────────────────────────────────────────────────────────────────────────

const fmt = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '—');

function summaryRows(results) {
  const rows = [];
  const { acd, offer, cps, media, webrtc } = results;
  if (acd) {
    const p99 = Math.max(acd.arrivals.p99us, acd.backlog.p99us) / 1000;
    rows.push(['ACD: decisions/s (call arrives / agent comes free)', `${acd.arrivals.perSecond.toLocaleString('en')} / ${acd.backlog.perSecond.toLocaleString('en')}`, '', '']);
    rows.push([`ACD: p99 decision, ${acd.agents.toLocaleString('en')} agents in ${acd.groups} groups`, `${p99.toFixed(3)} ms`, '≤ 1 ms', p99 <= 1 ? 'met' : 'NOT met']);
  }
  const servers = Object.entries(results.servers ?? {});
  const rest = servers.find(([part]) => part === 'offer' || part === 'cps') ?? servers[0];
  if (rest) {
    const [, r] = rest;
    rows.push([`Server at rest, ${r.signedIn.agents} agents online`, `${fmt(r.atRestBefore.serverCores, 3)} cores, RSS ${fmt(r.atRestBefore.serverRssMb, 0)} MB, loop p99 ${r.atRestBefore.serverLoop.p99Ms} ms`, '', '']);
  }
  if (offer) {
    rows.push([`Offer: dial → callIn, ${offer.agents} agents online (p50 / p99)`, `${fmt(offer.dialToCallIn.p50Ms)} / ${fmt(offer.dialToCallIn.p99Ms)} ms`, '', '']);
    rows.push(['Offer: queued (engine) → callIn (p50 / p99)', `${fmt(offer.queuedToCallIn.p50Ms)} / ${fmt(offer.queuedToCallIn.p99Ms)} ms`, 'p99 ≤ 50 ms', offer.queuedToCallIn.p99Ms <= 50 ? 'met' : 'NOT met']);
  }
  if (cps) {
    const best = cps.filter(sustained).at(-1);
    const peak = cps.filter((s) => s.failed === 0).reduce((a, s) => (s.achievedCps > (a?.achievedCps ?? 0) ? s : a), null);
    rows.push([
      'Call setup: highest offered rate sustained (achieved, setup p50 / p99)',
      best ? `${best.offeredCps} CPS (${fmt(best.achievedCps)}, ${fmt(best.setupP50Ms)} / ${fmt(best.setupP99Ms)} ms)` : 'none',
      '≥ 100 CPS',
      best && best.offeredCps >= 100 ? 'met' : 'NOT met',
    ]);
    if (peak && peak !== best) rows.push(['Call setup: most calls connected per second, 0 failures', `${fmt(peak.achievedCps)} CPS at ${peak.offeredCps} offered (setup p50 ${fmt(peak.setupP50Ms, 0)} ms)`, '', '']);
  }
  if (media) {
    const within = media.filter((r) => r.failed === 0 && r.lossPct <= 1 && r.jitterMs <= 20);
    const top = within.at(-1);
    rows.push([
      'Media: most RTP↔RTP calls within 1 % loss and 20 ms jitter',
      top ? `${top.calls} (server ${fmt(top.serverCores, 2)} cores, RSS ${fmt(top.serverRssMb, 0)} MB, loop p99 ${top.serverLoop.p99Ms} ms)` : 'none',
      '',
      '',
    ]);
    const over = media.find((r) => !within.includes(r));
    if (over) rows.push([`Media: the step past it`, `${over.calls}: loss ${fmt(over.lossPct, 2)} %, jitter ${fmt(over.jitterMs)} ms, server ${fmt(over.serverCores, 2)} cores`, '', '']);
  }
  if (webrtc) {
    for (const row of webrtc) {
      rows.push([
        `WebRTC: server CPU per agent leg over an RTP leg (${row.legs} legs)`,
        `${fmt(row.extraPerLegPctCore, 2)} % of a core (${row.webrtc.webrtcConnected}/${row.legs} legs connected${row.starved ? ', CPU-starved' : ''})`,
        '≈ 0.5 %',
        '',
      ]);
    }
  }
  for (const [part, r] of servers) {
    if (r.atRestAfter.recordings === 0) continue;
    const leaked = r.atRestAfter.recordingsStillGrowing;
    rows.push([
      `Recordings still written after their calls ended (${part})`,
      `${leaked} of ${r.atRestAfter.recordings}; server at rest after ${fmt(r.atRestAfter.serverCores, 3)} cores (before ${fmt(r.atRestBefore.serverCores, 3)})`,
      '0',
      leaked === 0 ? 'met' : 'NOT met',
    ]);
  }
  return rows;
}

function printTable(rows) {
  const header = ['figure', 'value', 'target', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ').trimEnd();
  console.log(line(header));
  console.log(line(widths.map((w) => '─'.repeat(w))));
  for (const row of rows) console.log(line(row));
}

/** The commit measured, and whether the server's sources differ from it (the build includes uncommitted changes). */
function sourceVersion() {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'packages'], { cwd: root, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head} with uncommitted changes in packages/` : head;
  } catch {
    return 'unknown';
  }
}

async function main() {
  const parts = parseOnly(process.argv.slice(2), PARTS);
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown CPU',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
    date: new Date().toISOString(),
    commit: sourceVersion(),
  };
  console.log(`bench:engine — ${machine.cores} × ${machine.cpu}, ${machine.memoryGiB} GiB, Node ${machine.node}, load average ${machine.loadAverage.join(' ')}, commit ${machine.commit}`);
  console.log(`parts: ${parts.join(', ')}`);
  const results = {};
  const startedAt = now();

  if (parts.includes('acd')) {
    console.log('\nACD: the distributor alone, 10,000 agents in 100 skill groups');
    results.acd = await runAcdBench({ decisions: settings.acdDecisions });
    console.log(`  call arrives: ${results.acd.arrivals.perSecond} decisions/s, p99 ${results.acd.arrivals.p99us} µs; agent comes free: ${results.acd.backlog.perSecond}/s, p99 ${results.acd.backlog.p99us} µs`);
  }

  // Each part gets a server of its own, with a fresh floor of agents, so no part inherits another's calls.
  const agentsFor = {
    offer: settings.agents,
    cps: settings.agents,
    media: Math.max(...settings.mediaSteps),
    webrtc: Math.max(...settings.webrtcSteps),
  };
  const runners = {
    offer: async (server, floor) => {
      console.log(`\nOffer latency: ${settings.offerCalls} calls one at a time, ${floor.agents.length} agents online`);
      const o = await offerPart(server, floor);
      console.log(`  dial → callIn p50 ${fmt(o.dialToCallIn.p50Ms, 2)} ms, p99 ${fmt(o.dialToCallIn.p99Ms, 2)} ms, max ${fmt(o.dialToCallIn.maxMs, 1)} ms`);
      console.log(`  queued → callIn p50 ${fmt(o.queuedToCallIn.p50Ms, 2)} ms, p99 ${fmt(o.queuedToCallIn.p99Ms, 2)} ms, max ${fmt(o.queuedToCallIn.maxMs, 1)} ms (${o.queuedToCallIn.matched} calls matched in the log)`);
      console.log(`  server ${o.serverCores.toFixed(2)} cores, loop p99 ${o.serverLoop.p99Ms} ms, max ${o.serverLoop.maxMs} ms`);
      return o;
    },
    cps: async (server, floor) => {
      console.log(`\nCall setup rate: ${settings.cpsSeconds} s per step, talk ${settings.talkMs} ms, RTP agents`);
      return cpsPart(server, floor);
    },
    media: async (server, floor) => {
      console.log(`\nMedia through the engine: RTP phone ↔ RTP agent calls, ${settings.mediaSeconds} s measured per step after 2 s`);
      return mediaPart(server, floor);
    },
    webrtc: async (server, floor) => {
      console.log(`\nWebRTC legs: the same calls with RTP agents, then with werift agents; ${settings.webrtcSeconds} s measured`);
      return webrtcPart(server, floor);
    },
  };
  results.server = { mediaWorkers: settings.mediaWorkers ?? `default (${Math.min(cpus().length, 16)})`, logLevel: 'info', dataParent: settings.dataParent };
  results.servers = {};
  for (const part of parts.filter((p) => p !== 'acd')) {
    const server = await ServerProcess.start({
      name: 'openccc-bench-engine',
      logLevel: 'info',
      dataParent: settings.dataParent,
      nodeFlags: settings.serverNodeFlags,
      ...(settings.mediaWorkers ? { mediaWorkers: settings.mediaWorkers } : {}),
    });
    let floor;
    try {
      const needed = agentsFor[part];
      console.log(`\n[${part}] server pid ${server.pid} at ${server.url}; signing in ${needed} agents…`);
      const { groupName } = await server.hotline(HOTLINE, 'Bench floor');
      floor = await Floor.open(server, groupName, needed);
      const signedIn = { ...floor.setup, serverRssMb: rssMb(server.pid), serverLoop: await server.loop(true) };
      console.log(`  ${needed} agents created in ${(floor.setup.createMs / 1000).toFixed(1)} s, signed in and online in ${(floor.setup.signInMs / 1000).toFixed(1)} s; server RSS ${signedIn.serverRssMb.toFixed(0)} MB`);
      /** The server with every agent online and no call, over 3 s; and the recordings still growing meanwhile (their calls are over). */
      const atRest = async () => {
        const before = recordingSizes(server.dataDir);
        const cpu = new CpuWindow([{ name: 'server', pid: server.pid }]);
        await server.loop(true);
        await sleep(3000);
        const serverCores = cpu.end().server;
        const after = recordingSizes(server.dataDir);
        const growing = [...after].filter(([path, size]) => before.has(path) && before.get(path) !== size).length;
        return { serverCores, serverRssMb: rssMb(server.pid), serverLoop: await server.loop(true), recordings: after.size, recordingsStillGrowing: growing };
      };
      const before = await atRest();
      console.log(`  at rest: server ${before.serverCores.toFixed(3)} cores, RSS ${before.serverRssMb.toFixed(0)} MB, loop p99 ${before.serverLoop.p99Ms} ms`);
      results[part] = await runners[part](server, floor);
      // Once the calls are over, every agent should be free and the server back at rest.
      const started = now();
      const statuses = await floor.settle();
      const settledMs = Math.round(now() - started);
      if ((statuses.free ?? 0) < floor.agents.length) console.log(`  not every agent is free ${(settledMs / 1000).toFixed(1)} s after the last call: ${JSON.stringify(statuses)}`);
      const after = await atRest();
      console.log(
        `  at rest after: server ${after.serverCores.toFixed(3)} cores, RSS ${after.serverRssMb.toFixed(0)} MB, loop p99 ${after.serverLoop.p99Ms} ms; ` +
          `recordings ${after.recordings}, of which still being written with no call: ${after.recordingsStillGrowing}`,
      );
      results.servers[part] = { signedIn, atRestBefore: before, settledMs, statuses, atRestAfter: after };
    } finally {
      floor?.close();
      const exit = await server.stop();
      if (exit.code !== 0) console.error(`the server exited with ${exit.code ?? exit.signal}`);
    }
  }

  results.seconds = Math.round((now() - startedAt) / 1000);
  console.log(`\n${machine.cores} × ${machine.cpu}, Node ${machine.node}, load average at start ${machine.loadAverage.join(' ')}, ${results.seconds} s`);
  printTable(summaryRows(results));
  console.log(JSON.stringify({ bench: 'engine', machine, settings: { ...settings, serverNodeFlags: settings.serverNodeFlags.join(' ') }, results }));
}

await main();
