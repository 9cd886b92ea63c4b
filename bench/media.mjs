#!/usr/bin/env node
// Media: concurrent RTP↔RTP relayed calls through the media plane's worker threads, ramped until
// loss passes 1 % or the jitter the relay adds passes 20 ms. Each call is two RTP legs bridged in
// one worker plus two phones sending 50 packets/s of G.711 each way. The phones live in a separate
// process (the load generator), so they never share the threads being measured. Every step also
// runs a plain node:dgram relay (one worker thread, two sockets per call) for comparison, and
// reports the main thread's event-loop delay while the media plane carries the calls.
//
//   npm run bench:media                          default ramp, about two minutes at most
//   (each step: 2 s warm-up, then BENCH_MEDIA_SECONDS measured, for the media plane and for the plain relay)
//   BENCH_MEDIA_STEPS=100,500 BENCH_MEDIA_SECONDS=3 npm run bench:media
//   BENCH_MEDIA_WORKERS=2                         media workers (default: one per core)
import { fork } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ask, nextMessage } from './lib/async.mjs';
import { udpSocket } from './lib/net.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const FRAME_BYTES = 160;
const PACKET_BYTES = 12 + FRAME_BYTES;

// ─── load generator (child process) ─────────────────────────────────────────────────────────────
// Each stream is one phone: it sends an RTP packet every 20 ms to its leg, stamped with a marker,
// a sequence number and the send time, and it receives the other phone's packets through the
// relay. Jitter is RFC 3550's interarrival estimate per stream; loss counts packets sent inside
// the measured window that never came back out of the relay. Packets without the marker (a
// ringback or queue music the server plays before a call is bridged, a browser's audio) are
// counted as datagrams but not timed. `bench:engine` drives the same generator: it gives each
// stream its target as that call is set up (`targets`), and a stream without a target is silent.
const STAMP = 0x4f434342; // 'OCCB', at payload offset 0
async function generator() {
  let phones = [];
  let timers = [];
  let measuring = false;

  process.on('message', async (message) => {
    if (message.type === 'open') {
      phones = [];
      for (let i = 0; i < message.streams; i++) {
        const socket = await udpSocket();
        const phone = { socket, index: i, sequence: 0, sent: 0, windowSent: 0, received: 0, datagrams: 0, jitter: 0, lastTransit: undefined, target: undefined };
        socket.on('message', (packet) => {
          if (measuring) phone.datagrams++;
          if (packet.length < PACKET_BYTES || packet.readUInt32BE(12) !== STAMP) return;
          const sentAt = packet.readDoubleBE(20);
          const inWindow = packet[28] === 1;
          const transit = performance.now() - sentAt;
          if (phone.lastTransit !== undefined) phone.jitter += (Math.abs(transit - phone.lastTransit) - phone.jitter) / 16;
          phone.lastTransit = transit;
          if (inWindow && measuring) phone.received++;
        });
        phones.push(phone);
      }
      process.send({ type: 'opened', ports: phones.map((phone) => phone.socket.address().port) });
    } else if (message.type === 'targets') {
      // Targets of some streams, as their calls are set up: {index: port}.
      for (const [i, port] of Object.entries(message.targets)) phones[Number(i)].target = port;
      process.send({ type: 'targeted' });
    } else if (message.type === 'start') {
      // The other phone of the call receives what this one sends; the relay sends from the leg
      // the other phone talks to, so each phone's target is its own leg.
      (message.targets ?? []).forEach((port, i) => (phones[i].target = port));
      const ssrcBase = Math.floor(Math.random() * 1e9);
      const packet = Buffer.alloc(PACKET_BYTES, 0xff);
      packet.writeUInt32BE(STAMP, 12);
      // Spread the phones over four 5 ms slots so the generator sends evenly, not in one burst.
      for (let slot = 0; slot < 4; slot++) {
        const group = phones.filter((phone) => phone.index % 4 === slot);
        const start = () => {
          timers.push(
            setInterval(() => {
              for (const phone of group) {
                if (phone.target === undefined) continue;
                phone.sequence = (phone.sequence + 1) & 0xffff;
                packet[0] = 0x80;
                packet[1] = 0;
                packet.writeUInt16BE(phone.sequence, 2);
                packet.writeUInt32BE((phone.sequence * FRAME_BYTES) >>> 0, 4);
                packet.writeUInt32BE((ssrcBase + phone.index) >>> 0, 8);
                packet.writeDoubleBE(performance.now(), 20);
                packet[28] = measuring ? 1 : 0;
                if (measuring) phone.windowSent++;
                phone.socket.send(packet, phone.target, '127.0.0.1');
              }
            }, 20),
          );
        };
        timers.push(setTimeout(start, slot * 5));
      }
      process.send({ type: 'started' });
    } else if (message.type === 'measure') {
      for (const phone of phones) {
        phone.windowSent = 0;
        phone.received = 0;
        phone.datagrams = 0;
      }
      measuring = true;
      process.send({ type: 'measuring' });
    } else if (message.type === 'report') {
      measuring = false;
      // Let packets in flight arrive before counting.
      await new Promise((resolve) => setTimeout(resolve, 300));
      let sent = 0;
      let received = 0;
      let datagrams = 0;
      const jitters = [];
      for (let i = 0; i < phones.length; i++) {
        const partner = phones[i ^ 1];
        sent += phones[i].windowSent;
        received += partner?.received ?? 0;
        datagrams += phones[i].datagrams;
        if (phones[i].target !== undefined) jitters.push(phones[i].jitter);
      }
      jitters.sort((a, b) => a - b);
      process.send({
        type: 'report',
        sent,
        received,
        datagrams,
        jitterMeanMs: jitters.reduce((a, b) => a + b, 0) / Math.max(1, jitters.length),
        jitterP99Ms: jitters[Math.min(jitters.length - 1, Math.floor(jitters.length * 0.99))] ?? 0,
      });
    } else if (message.type === 'stop') {
      for (const timer of timers) clearInterval(timer);
      timers = [];
      for (const phone of phones) phone.socket.close();
      phones = [];
      process.send({ type: 'stopped' });
    } else if (message.type === 'exit') {
      process.exit(0);
    }
  });
  process.send({ type: 'ready' });
}

// ─── plain node:dgram relay (baseline, one worker thread) ───────────────────────────────────────
const BASELINE_RELAY = `
const dgram = require('node:dgram');
const { readFileSync } = require('node:fs');
const { parentPort } = require('node:worker_threads');
const cpuMs = () => {
  if (typeof process.threadCpuUsage === 'function') { const u = process.threadCpuUsage(); return (u.user + u.system) / 1000; }
  const f = readFileSync('/proc/thread-self/stat', 'utf8'); const p = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(p[11]) + Number(p[12])) * 10;
};
const sockets = [];
const bind = () => new Promise((resolve) => { const s = dgram.createSocket('udp4'); s.bind(0, '127.0.0.1', () => resolve(s)); });
parentPort.on('message', async (message) => {
  if (message.type === 'open') {
    // Two sockets per call; each relays what it receives out of the other, to the other's phone.
    for (let i = 0; i < message.phones.length; i += 2) {
      const a = await bind(); const b = await bind();
      const phoneA = message.phones[i]; const phoneB = message.phones[i + 1];
      a.on('message', (m) => b.send(m, phoneB, '127.0.0.1'));
      b.on('message', (m) => a.send(m, phoneA, '127.0.0.1'));
      sockets.push(a, b);
    }
    parentPort.postMessage({ type: 'opened', ports: sockets.map((s) => s.address().port) });
  } else if (message.type === 'cpu') {
    parentPort.postMessage({ type: 'cpu', cpuMs: cpuMs() });
  }
});
`;

/** Runs one step: N calls through `relay` for the measured window; returns the figures. */
async function runStep(gen, calls, seconds, relay) {
  const opened = await ask(gen, { type: 'open', streams: calls * 2 }, 'opened');
  const targets = await relay.setup(opened.ports);
  await ask(gen, { type: 'start', targets }, 'started');
  await new Promise((resolve) => setTimeout(resolve, 2000)); // warm-up: latching, JIT, the garbage of setting up
  const loop = monitorEventLoopDelay({ resolution: 10 });
  const cpuBefore = await relay.cpuMs();
  const startedAt = performance.now();
  loop.enable();
  await ask(gen, { type: 'measure' }, 'measuring');
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const report = await ask(gen, { type: 'report' }, 'report');
  loop.disable();
  const elapsed = performance.now() - startedAt;
  const cpuAfter = await relay.cpuMs();
  const rssMb = process.memoryUsage().rss / 1048576;
  await ask(gen, { type: 'stop' }, 'stopped');
  await relay.teardown();
  return {
    calls,
    lossPct: report.sent === 0 ? 100 : (100 * Math.max(0, report.sent - report.received)) / report.sent,
    jitterMs: report.jitterMeanMs,
    jitterP99Ms: report.jitterP99Ms,
    cpuCores: cpuBefore === null || cpuAfter === null ? null : (cpuAfter - cpuBefore) / elapsed,
    rssMb,
    loopP99Ms: loop.percentile(99) / 1e6,
  };
}

function planeRelay(plane) {
  let legs = [];
  return {
    async setup(phonePorts) {
      legs = [];
      const targets = [];
      for (let i = 0; i < phonePorts.length; i += 2) {
        const session = `bench-${i / 2}`;
        const a = await plane.createLeg(session, { kind: 'rtp', remote: { address: '127.0.0.1', port: phonePorts[i] } }, { mediaTimeoutMs: 0 });
        const b = await plane.createLeg(session, { kind: 'rtp', remote: { address: '127.0.0.1', port: phonePorts[i + 1] } }, { mediaTimeoutMs: 0 });
        await plane.bridge(a.leg, b.leg);
        legs.push(a.leg, b.leg);
        targets.push(a.localPort, b.localPort);
      }
      return targets;
    },
    async cpuMs() {
      const stats = await plane.stats();
      return stats.some((s) => s.cpuMs === null) ? null : stats.reduce((sum, s) => sum + s.cpuMs, 0);
    },
    async teardown() {
      await Promise.all(legs.map((leg) => plane.destroyLeg(leg)));
      legs = [];
    },
  };
}

function baselineRelay() {
  let worker;
  return {
    async setup(phonePorts) {
      worker = new Worker(BASELINE_RELAY, { eval: true });
      const opened = nextMessage(worker, 'opened');
      worker.postMessage({ type: 'open', phones: phonePorts });
      // Phone 2k talks to socket 2k (which relays out of socket 2k+1 to phone 2k+1), and back.
      return (await opened).ports;
    },
    async cpuMs() {
      const reply = nextMessage(worker, 'cpu');
      worker.postMessage({ type: 'cpu' });
      return (await reply).cpuMs;
    },
    async teardown() {
      await worker.terminate();
    },
  };
}

const format = (figures) =>
  `loss ${figures.lossPct.toFixed(2).padStart(6)} %  jitter ${figures.jitterMs.toFixed(2).padStart(6)} ms (p99 stream ${figures.jitterP99Ms.toFixed(1).padStart(5)})  ` +
  `cpu ${figures.cpuCores === null ? '   n/a' : figures.cpuCores.toFixed(2).padStart(5)} cores  rss ${figures.rssMb.toFixed(0).padStart(4)} MB  main loop p99 ${figures.loopP99Ms.toFixed(1).padStart(5)} ms`;

/** Ramps RTP↔RTP calls through the media plane and a plain relay; returns one row per step. */
export async function runMediaBench({ steps, seconds, workers, log = console.log }) {
  const { MediaPlane } = await import(pathToFileURL(join(root, 'packages/server/dist/media/index.js')).href);
  const gen = fork(fileURLToPath(import.meta.url), ['--generator'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await nextMessage(gen, 'ready');
  const plane = new MediaPlane({ workers, portRange: { min: 30000, max: 39999 }, bindAddress: '127.0.0.1' });
  await plane.stats();
  const rows = [];
  try {
    for (const calls of steps) {
      const media = await runStep(gen, calls, seconds, planeRelay(plane));
      const baseline = await runStep(gen, calls, seconds, baselineRelay());
      rows.push({ calls, media, baseline });
      log(`${String(calls).padStart(5)} calls  media plane: ${format(media)}`);
      log(`${' '.repeat(12)} plain relay: ${format(baseline)}`);
      if (media.lossPct > 1 || media.jitterMs > 20) {
        log(`stopped: the media plane passed ${media.lossPct > 1 ? '1 % loss' : '20 ms jitter'} at ${calls} calls`);
        break;
      }
    }
  } finally {
    await plane.close();
    gen.send({ type: 'exit' });
  }
  return rows;
}

if (process.argv.includes('--generator')) {
  await generator();
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const steps = (process.env.BENCH_MEDIA_STEPS ?? '100,250,500,750,1000,1250,1500').split(',').map(Number);
  const seconds = Number(process.env.BENCH_MEDIA_SECONDS ?? 3);
  const workers = Number(process.env.BENCH_MEDIA_WORKERS ?? cpus().length);
  console.log(`bench:media — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}, Node ${process.version}`);
  console.log(`each call: 2 RTP legs bridged in one of ${workers} media workers, 2 phones × 50 packets/s of G.711; ${seconds} s measured per step`);
  await runMediaBench({ steps, seconds, workers });
}
