#!/usr/bin/env node
// SIP relay: N bridged RTP↔RTP calls through the media plane, as the SIP gateway makes them for a
// carrier call answered on a desk phone. Each call is two RTP legs bridged in one media worker;
// both legs are fed by phones in a separate load-generator process, each sending 20 ms G.711 at
// real time (50 packets/s) and counting what comes back. Three runs of 20 s each:
//   N calls, pass-through (PCMU ↔ PCMU: payloads go through without decode or encode);
//   N/2 calls, pass-through;
//   N calls, transcoded (PCMU ↔ PCMA: every frame goes through the µ-law/A-law tables).
// It prints one table: packets/s into and out of the media plane, loss (what the phones sent
// against what came back to their partners), the media workers' CPU (from the plane's stats) and
// the generator's, and the RSS of both processes. Figures, not assertions.
//
//   npm run bench:sip-relay            N = 1000
//   npm run bench:sip-relay -- 200     N = 200
//   BENCH_SIP_SECONDS=20               measured seconds per run (default 20)
//   BENCH_SIP_WORKERS=2                media workers (default: the plane's default, one per core)
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ask, nextMessage } from './lib/async.mjs';
import { udpSocket } from './lib/net.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const FRAME_BYTES = 160;
const PAYLOAD_TYPE = { PCMU: 0, PCMA: 8 };
const WARM_UP_MS = 2_000;
/** Calls set up at once (each is three commands to a worker). */
const SETUP_BATCH = 50;

/** The built media plane (both processes use it: the generator for its G.711 frames). */
async function importMedia() {
  const entry = join(root, 'packages/server/dist/media/index.js');
  if (!existsSync(entry)) throw new Error('packages/server/dist is missing: run `npm run bench:sip-relay` (it builds the server first)');
  return import(pathToFileURL(entry).href);
}

// ─── load generator (child process) ─────────────────────────────────────────────────────────────
// Phone 2k and phone 2k+1 are the two ends of call k. Each sends a packet every 20 ms to its own
// leg (sequence, timestamp and SSRC as a phone sets them) and counts the packets its leg sends
// back, which are what the partner phone sent, relayed. Sent and received are counted over the
// same window, so packets in flight at its start and at its end offset each other.
async function generator() {
  let phones = [];
  let timers = [];
  let measuring = false;
  let window;

  process.on('message', async (message) => {
    if (message.type === 'open') {
      phones = [];
      for (const codec of message.codecs) {
        const socket = await udpSocket();
        const phone = { socket, codec, sequence: 0, timestamp: 0, ssrc: (Math.random() * 0x1_0000_0000) >>> 0, sent: 0, received: 0, target: undefined };
        socket.on('message', () => {
          if (measuring) phone.received++;
        });
        phones.push(phone);
      }
      process.send({ type: 'opened', ports: phones.map((phone) => phone.socket.address().port) });
    } else if (message.type === 'start') {
      message.targets.forEach((port, i) => (phones[i].target = port));
      // A 1 kHz tone, per law, so the transcoder has real samples to map.
      const { encodeG711, toneSamples } = await importMedia();
      const samples = toneSamples({ frequencies: [1000], onMs: 20, offMs: 0, level: 0.25 }, 20);
      const tone = { PCMU: Buffer.from(encodeG711('PCMU', samples)), PCMA: Buffer.from(encodeG711('PCMA', samples)) };
      // Four 5 ms slots, so the generator sends evenly instead of in one burst every 20 ms.
      for (let slot = 0; slot < 4; slot++) {
        const group = phones.filter((_, index) => index % 4 === slot);
        timers.push(
          setTimeout(() => {
            timers.push(
              setInterval(() => {
                for (const phone of group) {
                  const packet = Buffer.allocUnsafe(12 + FRAME_BYTES);
                  phone.sequence = (phone.sequence + 1) & 0xffff;
                  phone.timestamp = (phone.timestamp + FRAME_BYTES) >>> 0;
                  packet[0] = 0x80;
                  packet[1] = PAYLOAD_TYPE[phone.codec];
                  packet.writeUInt16BE(phone.sequence, 2);
                  packet.writeUInt32BE(phone.timestamp, 4);
                  packet.writeUInt32BE(phone.ssrc, 8);
                  tone[phone.codec].copy(packet, 12);
                  if (measuring) phone.sent++;
                  phone.socket.send(packet, phone.target, '127.0.0.1');
                }
              }, 20),
            );
          }, slot * 5),
        );
      }
      process.send({ type: 'started' });
    } else if (message.type === 'measure') {
      for (const phone of phones) phone.sent = phone.received = 0;
      window = { cpu: process.cpuUsage(), at: performance.now() };
      measuring = true;
      process.send({ type: 'measuring' });
    } else if (message.type === 'report') {
      measuring = false;
      const cpu = process.cpuUsage(window.cpu);
      const elapsedMs = performance.now() - window.at;
      let sent = 0;
      let received = 0;
      for (const phone of phones) {
        sent += phone.sent;
        received += phone.received;
      }
      process.send({ type: 'report', sent, received, cpuMs: (cpu.user + cpu.system) / 1000, elapsedMs, rssMb: process.memoryUsage().rss / 1048576 });
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

// ─── the measured side ──────────────────────────────────────────────────────────────────────────
const sum = (stats, key) => stats.reduce((total, worker) => total + (worker[key] ?? 0), 0);

/** One run: `calls` bridged calls, legs of `codecs[0]` and `codecs[1]`, measured for `seconds`. */
async function run(plane, gen, calls, codecs, seconds) {
  const phoneCodecs = Array.from({ length: calls * 2 }, (_, i) => codecs[i % 2]);
  const { ports } = await ask(gen, { type: 'open', codecs: phoneCodecs }, 'opened');
  const legs = [];
  const targets = [];
  const setupStartedAt = performance.now();
  for (let first = 0; first < calls; first += SETUP_BATCH) {
    const batch = Array.from({ length: Math.min(SETUP_BATCH, calls - first) }, async (_, j) => {
      const call = first + j;
      const session = `sip-relay-${calls}-${codecs.join('-')}-${call}`;
      const [a, b] = await Promise.all(
        [0, 1].map((side) => plane.createLeg(session, { kind: 'rtp', remote: { address: '127.0.0.1', port: ports[2 * call + side] }, codec: codecs[side] }, { mediaTimeoutMs: 0 })),
      );
      await plane.bridge(a.leg, b.leg);
      legs.push(a.leg, b.leg);
      targets[2 * call] = a.localPort;
      targets[2 * call + 1] = b.localPort;
    });
    await Promise.all(batch);
  }
  const setupMs = performance.now() - setupStartedAt;
  await ask(gen, { type: 'start', targets }, 'started');
  await new Promise((resolve) => setTimeout(resolve, WARM_UP_MS));
  const before = await plane.stats();
  const startedAt = performance.now();
  await ask(gen, { type: 'measure' }, 'measuring');
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const generated = await ask(gen, { type: 'report' }, 'report');
  const after = await plane.stats();
  const elapsedS = (performance.now() - startedAt) / 1000;
  const rssMb = process.memoryUsage().rss / 1048576;
  await ask(gen, { type: 'stop' }, 'stopped');
  const teardownStartedAt = performance.now();
  for (let i = 0; i < legs.length; i += 200) await Promise.all(legs.slice(i, i + 200).map((leg) => plane.destroyLeg(leg)));
  const teardownMs = performance.now() - teardownStartedAt;
  const cpuKnown = after.every((worker) => worker.cpuMs !== null);
  return {
    calls,
    mode: codecs[0] === codecs[1] ? `${codecs[0]}↔${codecs[1]} pass-through` : `${codecs[0]}↔${codecs[1]} transcoded`,
    inPerS: (sum(after, 'packetsIn') - sum(before, 'packetsIn')) / elapsedS,
    outPerS: (sum(after, 'packetsOut') - sum(before, 'packetsOut')) / elapsedS,
    lossPct: generated.sent === 0 ? 100 : Math.max(0, (100 * (generated.sent - generated.received)) / generated.sent),
    mediaCores: cpuKnown ? (sum(after, 'cpuMs') - sum(before, 'cpuMs')) / 1000 / elapsedS : null,
    perWorker: cpuKnown ? after.map((worker, i) => ((worker.cpuMs - (before[i]?.cpuMs ?? 0)) / 1000 / elapsedS).toFixed(2)).join('+') : 'n/a',
    generatorCores: generated.cpuMs / generated.elapsedMs,
    rssMb,
    generatorRssMb: generated.rssMb,
    setupMs,
    teardownMs,
  };
}

function table(rows) {
  const head = ['calls', 'legs', 'relay', 'pkts/s in', 'pkts/s out', 'loss %', 'media CPU (cores, per worker)', 'generator CPU', 'RSS MB', 'generator RSS MB'];
  const body = rows.map((r) => [
    String(r.calls),
    String(r.calls * 2),
    r.mode,
    r.inPerS.toFixed(0),
    r.outPerS.toFixed(0),
    r.lossPct.toFixed(2),
    r.mediaCores === null ? 'n/a' : `${r.mediaCores.toFixed(2)} (${r.perWorker})`,
    r.generatorCores.toFixed(2),
    r.rssMb.toFixed(0),
    r.generatorRssMb.toFixed(0),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells) => cells.map((cell, i) => (i <= 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

async function main() {
  const calls = Number(process.argv[2] ?? 1000);
  if (!Number.isInteger(calls) || calls < 2) throw new Error(`the number of calls must be an integer of at least 2, got ${process.argv[2]}`);
  const seconds = Number(process.env.BENCH_SIP_SECONDS ?? 20);
  const { MediaPlane } = await importMedia();
  const workers = process.env.BENCH_SIP_WORKERS === undefined ? undefined : Number(process.env.BENCH_SIP_WORKERS);
  const plane = new MediaPlane({ ...(workers === undefined ? {} : { workers }), portRange: { min: 30000, max: 39999 }, bindAddress: '127.0.0.1' });
  const gen = fork(fileURLToPath(import.meta.url), ['--generator'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await nextMessage(gen, 'ready');
  const stats = await plane.stats();
  console.log(`bench:sip-relay — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}, Node ${process.version}`);
  console.log(`${stats.length} media workers; every call: 2 RTP legs bridged, 2 phones × 50 packets/s of 20 ms G.711 each way; ${WARM_UP_MS / 1000} s warm-up, ${seconds} s measured per run`);
  const benchStartedAt = performance.now();
  const half = Math.max(1, Math.floor(calls / 2));
  const rows = [];
  try {
    for (const [n, codecs] of [
      [calls, ['PCMU', 'PCMU']],
      [half, ['PCMU', 'PCMU']],
      [calls, ['PCMU', 'PCMA']],
    ]) {
      rows.push(await run(plane, gen, n, codecs, seconds));
      const row = rows.at(-1);
      console.log(`  ${n} calls ${codecs.join('↔')}: set up in ${row.setupMs.toFixed(0)} ms, ended in ${row.teardownMs.toFixed(0)} ms`);
    }
  } finally {
    await plane.close();
    gen.send({ type: 'exit' });
  }
  console.log(`\n${table(rows)}`);
  console.log(`\nfinished in ${((performance.now() - benchStartedAt) / 1000).toFixed(0)} s`);
  console.log('pkts/s in/out: RTP packets received and sent by the media plane\'s legs; loss: packets the phones sent that did not come back to their partner;');
  console.log('CPU in cores (1.00 = one core busy): media workers from their thread CPU time, the generator from its process; RSS of the media plane\'s process (workers included) and of the generator.');
}

if (process.argv.includes('--generator')) {
  await generator();
} else {
  await main();
}
