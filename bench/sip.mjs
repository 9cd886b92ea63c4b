#!/usr/bin/env node
// The SIP gateway measured end to end, in one run against one OpenCCC server (`openccc start --sip
// on`, in a child process, with an IP trunk for the carrier at 127.0.0.2 and scripted RTP agents):
//
//   cps       signalling: sipp's built-in `uac` (INVITE with SDP, ACK, BYE after a hold, no RTP)
//             over the trunk to a hotline into an IVR menu (OpenCCC answers at once and plays its
//             welcome); steps of rising rate until calls fail or sipp retransmits. Per step: offered
//             and achieved CPS, calls, retransmissions, SIP datagrams the kernel dropped at the
//             server's socket, server CPU, RSS, event-loop delay p99.
//   media     concurrent relayed calls, carrier ↔ scripted agent: N and N/2 calls, each carrier
//             leg sending 50 packets/s of G.711 µ-law and each agent leg answering with the same,
//             the gateway bridging the two RTP legs in its media workers. The carrier side is a
//             small Node load generator (raw SIP over UDP plus RTP, bench/sip-load.mjs) rather
//             than sipp: sipp's rtp_stream delivered 22,000–47,000 of the 50,000 packets/s of
//             1,000 calls on a 2-core machine (and SIPp#615: pcap play overloads near 500 calls).
//             The agents' RTP sockets live in a second generator process. Packets are counted at
//             both ends.
//   phones    SIP ↔ SIP: carrier calls to agents whose desk phones are registered extensions
//             (bound to them by CreateExtension's Relation), rung by the gateway and answered at
//             once; the phones (bench/sip-load.mjs --phones: REGISTER with digest, 200 OK to the
//             late-offer INVITE, RTP echoed as sipp -rtp_echo does) are one Node process rather
//             than sipp, because the gateway sends a phone's calls to the flow its REGISTER came
//             from, which a sipp UAS registered by a second sipp process is not. Round-trip loss
//             (carrier → gateway → phone → gateway → carrier), server CPU.
//   kamailio  the cps steps again through the Kamailio edge (deploy/kamailio/run-local.sh), with
//             the Record-Route-aware scenario deploy/kamailio/test/uac-rr.xml, next to the direct
//             figures.
//   relay     the media plane alone (bench/sip-relay.mjs: N bridged RTP legs without SIP or
//             engine), for the cost of the rest next to it. Not in the default run.
//
//   npm run bench:sip                          cps, media, phones, kamailio: about four minutes
//   npm run bench:sip -- --only cps,kamailio   some parts (cps, media, phones, kamailio, relay)
//
// Knobs (environment): BENCH_SIP_CPS_STEPS (100,200,400,800,1600), BENCH_SIP_CPS_SECONDS (10: calls per step =
// rate × seconds), BENCH_SIP_HOLD_MS (1000), BENCH_SIP_CALLS (1000: N of the media part, also N/2),
// BENCH_SIP_MEDIA_SECONDS (10), BENCH_SIP_SETUP_CPS (100: the media calls' set-up rate),
// BENCH_SIP_PHONES (N/2: desk phones, one call each),
// BENCH_SIP_EDGE_STEPS (the cps steps), BENCH_SIP_EDGE_SHM_MB (Kamailio's shared memory; default
// run-local.sh's 64 MB), BENCH_SIP_MEDIA_WORKERS (server default: one per core),
// BENCH_DATA_PARENT (the data folder's parent), BENCH_SERVER_NODE_FLAGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"),
// BENCH_KEEP_DATA (keep the server's data folder). Figures are printed, never asserted.
import { fork, spawn } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Floor } from './lib/agents.mjs';
import { ask, nextMessage, now, pool, sleep, withTimeout } from './lib/async.mjs';
import { parseOnly } from './lib/cli.mjs';
import { freePort } from './lib/net.mjs';
import { rssMb, udpCounters, udpSocketDrops } from './lib/process-stats.mjs';
import { SipServer } from './sip-server.mjs';
import { Edge, sippStep, sippVersion } from './sip-sipp.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const PARTS = ['cps', 'media', 'phones', 'kamailio', 'relay'];
const DEFAULT_PARTS = ['cps', 'media', 'phones', 'kamailio'];
/** The carrier's address: the trunk trusts it, and nothing else comes from it. */
const CARRIER = '127.0.0.2';
const IVR_HOTLINE = '00864008000801';
const AGENT_HOTLINE = '00864008000802';
const DESK_HOTLINE = '00864008000803';

const env = (name, fallback) => process.env[name] ?? fallback;
const list = (text) => String(text).split(',').map(Number).filter((n) => n > 0);
const settings = {
  cpsSteps: list(env('BENCH_SIP_CPS_STEPS', '100,200,400,800,1600')),
  cpsSeconds: Number(env('BENCH_SIP_CPS_SECONDS', 10)),
  holdMs: Number(env('BENCH_SIP_HOLD_MS', 1000)),
  calls: Number(env('BENCH_SIP_CALLS', 1000)),
  mediaSeconds: Number(env('BENCH_SIP_MEDIA_SECONDS', 10)),
  setupCps: Number(env('BENCH_SIP_SETUP_CPS', 100)),
  phones: Number(env('BENCH_SIP_PHONES', Math.floor(Number(env('BENCH_SIP_CALLS', 1000)) / 2))),
  edgeSteps: list(env('BENCH_SIP_EDGE_STEPS', env('BENCH_SIP_CPS_STEPS', '100,200,400,800,1600'))),
  edgeShmMb: Number(env('BENCH_SIP_EDGE_SHM_MB', 0)),
  mediaWorkers: process.env.BENCH_SIP_MEDIA_WORKERS,
  serverNodeFlags: env('BENCH_SERVER_NODE_FLAGS', '').split(' ').filter(Boolean),
  dataParent: process.env.BENCH_DATA_PARENT,
};

const fmt = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '—');
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? `${(a / b).toFixed(2)}×` : '—');

function printTable(head, rows) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i]).length)));
  const line = (cells) => cells.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '─'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

// ─── signalling: CPS steps (direct, or through the edge) ────────────────────────────────────────

/** Runs the CPS steps against `target`, stopping after the first step with failures or retransmissions. */
async function cpsSteps(server, { target, steps, scenario, edge }) {
  const rows = [];
  for (const rate of steps) {
    await server.loop(true);
    const serverCpu = server.cpuWindow();
    const edgeCpu = edge?.cpuWindow();
    const sipDropsBefore = udpSocketDrops(server.sipPort);
    let rssPeak = 0;
    const step = await sippStep({
      target,
      service: IVR_HOTLINE,
      rate,
      calls: Math.max(1, Math.round(rate * settings.cpsSeconds)),
      holdMs: settings.holdMs,
      localAddress: CARRIER,
      ...(scenario ? { scenario } : {}),
      watch: () => (rssPeak = Math.max(rssPeak, rssMb(server.pid))),
    });
    const cores = serverCpu.end();
    const sipDrops = udpSocketDrops(server.sipPort) - sipDropsBefore;
    const row = {
      ...step,
      ...cores,
      ...(edgeCpu ? edgeCpu.end() : {}),
      rssPeakMb: rssPeak,
      loop: await server.loop(true),
      // SIP datagrams the kernel dropped on the server's full UDP receive buffer over the step.
      sipDrops,
    };
    const edgeErrors = edge?.takeErrors() ?? [];
    if (edgeErrors.length > 0) row.edgeErrors = { count: edgeErrors.length, first: edgeErrors[0].slice(0, 300) };
    rows.push(row);
    console.log(
      `  ${String(rate).padStart(4)} CPS offered: ${row.successful}/${row.calls} successful, ${row.failed} failed, ${row.retransmissions} retransmissions, ` +
        `achieved ${fmt(row.achievedCps)} CPS, SIP datagrams dropped at the server's socket ${row.sipDrops}, server ${fmt(row.serverCores, 2)} cores (main ${fmt(row.mainCores, 2)}), RSS peak ${fmt(rssPeak, 0)} MB, loop p99 ${row.loop.p99Ms} ms` +
        `${row.edgeCores === undefined ? '' : `, edge ${fmt(row.edgeCores, 2)} cores`}, sipp ${fmt(row.sippCores, 2)} cores, machine ${fmt(row.machineCores, 2)} of ${cpus().length} cores busy${row.firstError ? `\n    first error: ${row.firstError}` : ''}` +
        `${row.edgeErrors ? `\n    Kamailio logged ${row.edgeErrors.count} errors, the first: ${row.edgeErrors.first}` : ''}`,
    );
    // Let the last calls' transactions and legs wind down before the next step.
    await sleep(2000);
    if (row.failed > 0 || row.retransmissions > 0) break;
  }
  return rows;
}

function cpsTable(rows) {
  printTable(
    ['offered CPS', 'achieved CPS', 'calls', 'successful', 'failed', 'retrans', 'SIP drops', 'server cores', 'main thread', 'RSS peak MB', 'loop p99 ms', 'sipp cores', 'edge cores', 'machine busy'],
    rows.map((r) => [
      r.offeredCps,
      fmt(r.achievedCps),
      r.calls,
      r.successful,
      r.failed,
      r.retransmissions,
      r.sipDrops,
      fmt(r.serverCores, 2),
      fmt(r.mainCores, 2),
      fmt(r.rssPeakMb, 0),
      fmt(r.loop.p99Ms, 1),
      fmt(r.sippCores, 2),
      r.edgeCores === undefined ? '—' : fmt(r.edgeCores, 2),
      fmt(r.machineCores, 2),
    ]),
  );
}

function edgeTable(direct, edge) {
  const rates = [...new Set([...direct.map((r) => r.offeredCps), ...edge.map((r) => r.offeredCps)])].sort((a, b) => a - b);
  printTable(
    ['offered CPS', 'direct CPS', 'via edge CPS', 'edge/direct', 'failed direct', 'failed via edge', 'retrans direct', 'retrans via edge', 'server cores direct', 'via edge', 'edge cores'],
    rates.map((rate) => {
      const d = direct.find((r) => r.offeredCps === rate);
      const e = edge.find((r) => r.offeredCps === rate);
      return [
        rate,
        fmt(d?.achievedCps),
        fmt(e?.achievedCps),
        ratio(e?.achievedCps, d?.achievedCps),
        d?.failed ?? '—',
        e?.failed ?? '—',
        d?.retransmissions ?? '—',
        e?.retransmissions ?? '—',
        fmt(d?.serverCores, 2),
        fmt(e?.serverCores, 2),
        fmt(e?.edgeCores, 2),
      ];
    }),
  );
}

// ─── media: concurrent relayed calls, carrier ↔ scripted agent ──────────────────────────────────

function startLoad(role) {
  const child = fork(join(here, 'sip-load.mjs'), [`--${role}`], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.setMaxListeners(0);
  return withTimeout(nextMessage(child, 'ready'), 10_000, `the ${role} generator`).then(() => child);
}

let windowId = 0;

/**
 * After a 2 s warm-up (the last calls' first packets), measures `settings.mediaSeconds` of calls
 * between the carrier generator and the far end's (agents or phones): both generators' reports,
 * the server's CPU, event-loop delay and RSS, the machine's UDP drops over the window; then, a
 * second later, the packets of the window each generator received late (a backlog, not a loss).
 */
async function measureWindow(server, carrier, far) {
  await sleep(2000);
  await server.loop(true);
  const cpu = server.cpuWindow();
  const udpBefore = udpCounters();
  const window = (windowId % 255) + 1;
  windowId++;
  await Promise.all([ask(carrier, { type: 'measure', window }, 'measuring'), ask(far, { type: 'measure', window }, 'measuring')]);
  await sleep(settings.mediaSeconds * 1000);
  const [c, f] = await Promise.all([ask(carrier, { type: 'report' }, 'report'), ask(far, { type: 'report' }, 'report')]);
  const cores = cpu.end();
  const udpAfter = udpCounters();
  const loop = await server.loop(true);
  const rss = rssMb(server.pid);
  await sleep(1000);
  const [cLate, fLate] = await Promise.all([ask(carrier, { type: 'late' }, 'late'), ask(far, { type: 'late' }, 'late')]);
  const udp = { rcvbufErrors: udpAfter.rcvbufErrors - udpBefore.rcvbufErrors, noPorts: udpAfter.noPorts - udpBefore.noPorts };
  return { c, f, cLate, fLate, cores, udp, loop, rss };
}

/** `count` calls through the gateway to agents who answer with RTP; measured for `seconds`. */
async function mediaRun(server, floor, count) {
  const [carrier, agents] = await Promise.all([startLoad('carrier'), startLoad('agents')]);
  const { ports } = await ask(agents, { type: 'open', count, bindAddress: '127.0.0.1' }, 'opened');
  let nextPort = 0;
  let accepted = 0;
  let acceptFailed = 0;
  const ended = new Set();
  const sessions = new Set();
  let allAccepted;
  const acceptedAll = new Promise((resolve) => (allAccepted = resolve));
  const off = floor.listen((agent, name, payload) => {
    if (name === 'sessionEnded' && sessions.has(payload.sessionId)) ended.add(payload.sessionId);
    if (name !== 'callIn') return;
    const j = nextPort++;
    sessions.add(payload.sessionId);
    agent.request('Call.accept', { sessionId: payload.sessionId, rtp: { address: '127.0.0.1', port: ports[j] } }).then(
      async (reply) => {
        if (!reply.ok) throw new Error(JSON.stringify(reply.error));
        await ask(agents, { type: 'targets', address: reply.data.rtp.address, targets: { [j]: reply.data.rtp.port } }, 'targeted');
        if (++accepted === count) allAccepted();
      },
    ).catch((error) => {
      acceptFailed++;
      if (acceptFailed <= 3) console.error(`  Call.accept failed: ${error.message}`);
      if (accepted + acceptFailed === count) allAccepted();
    });
  });
  try {
    const setupStart = now();
    const dialled = await ask(carrier, { type: 'dial', calls: count, target: { address: '127.0.0.1', port: server.sipPort }, to: AGENT_HOTLINE, cps: settings.setupCps, bindAddress: CARRIER }, 'dialled', { timeoutMs: 120_000 });
    if (dialled.failed > 0) console.error(`  ${dialled.failed} calls failed to set up: ${dialled.failures.join('; ')}`);
    if (dialled.established > 0) await withTimeout(acceptedAll, 30_000, 'the agents to answer').catch((error) => console.error(`  ${error.message} (${accepted} answered)`));
    const setupS = (now() - setupStart) / 1000;
    const { c, f: a, cLate, fLate: aLate, cores, udp, loop, rss } = await measureWindow(server, carrier, agents);
    const hungUp = await ask(carrier, { type: 'hangup' }, 'hungUp', { timeoutMs: 60_000 });
    // Every answered call's session ends at the agent once the carrier hangs up.
    const deadline = now() + 20_000;
    while (ended.size < accepted && now() < deadline) await sleep(200);
    return {
      calls: count,
      established: dialled.established,
      setupFailed: dialled.failed,
      answered: accepted,
      acceptFailed,
      setupCps: dialled.established / setupS,
      toAgentLossPct: c.sent === 0 ? NaN : (100 * Math.max(0, c.sent - a.received)) / c.sent,
      toCarrierLossPct: a.sent === 0 ? NaN : (100 * Math.max(0, a.sent - c.received)) / a.sent,
      // Of the packets counted lost, the share that came more than 300 ms late (within a second more).
      latePct: c.sent + a.sent === 0 ? NaN : (100 * (aLate.late + cLate.late)) / (c.sent + a.sent),
      packetsInPerS: (1000 * (c.sent + a.sent)) / c.elapsedMs,
      // Two legs per call, 50 packets/s each way: what the generators should offer, and the 20 ms rounds they gave up.
      nominalPerS: count * 100,
      skippedRounds: c.skippedTicks + a.skippedTicks,
      // Kernel drops on this machine over the window (every process's, the server's and the generators' sockets alike).
      udpRcvbufDrops: udp.rcvbufErrors,
      udpNoPort: udp.noPorts,
      packetsOutPerS: (1000 * (c.received + a.received)) / c.elapsedMs,
      ...cores,
      serverRssMb: rss,
      loop,
      carrierCores: c.cpuMs / c.elapsedMs,
      agentsCores: a.cpuMs / a.elapsedMs,
      byeEnded: hungUp.ended,
      byeFailed: hungUp.failed,
      sessionsEnded: ended.size,
    };
  } finally {
    off();
    await Promise.all([ask(carrier, { type: 'stop' }, 'stopped'), ask(agents, { type: 'stop' }, 'stopped')]).catch(() => undefined);
    carrier.send({ type: 'exit' });
    agents.send({ type: 'exit' });
  }
}

function formatMediaRow(r) {
  return (
    `  ${String(r.calls).padStart(5)} calls: ${r.established} set up at ${fmt(r.setupCps, 0)} CPS (${r.setupFailed} failed), ${r.answered} answered by agents; ` +
    `offered ${fmt(r.packetsInPerS, 0)} of ${r.nominalPerS} packets/s (${r.skippedRounds} late rounds skipped), UDP drops on full receive buffers ${r.udpRcvbufDrops}, to closed ports ${r.udpNoPort}; loss carrier→agent ${fmt(r.toAgentLossPct, 2)} %, agent→carrier ${fmt(r.toCarrierLossPct, 2)} % (of all sent, ${fmt(r.latePct, 2)} % came 0.3–1.3 s late); ` +
    `server ${fmt(r.serverCores, 2)} cores (main ${fmt(r.mainCores, 2)}, media workers and other threads ${fmt(r.otherCores, 2)}), RSS ${fmt(r.serverRssMb, 0)} MB, loop p99 ${r.loop.p99Ms} ms; ` +
    `generators: carrier ${fmt(r.carrierCores, 2)}, agents ${fmt(r.agentsCores, 2)} cores; machine ${fmt(r.machineCores, 2)} of ${cpus().length} cores busy; BYE ${r.byeEnded} ended, ${r.byeFailed} unanswered; ${r.sessionsEnded} agent sessions ended`
  );
}

/** The server's columns of the media and phones tables. */
const SERVER_HEAD = ['server cores', 'main thread', 'workers+other', 'RSS MB', 'loop p99 ms'];
const serverCells = (r) => [fmt(r.serverCores, 2), fmt(r.mainCores, 2), fmt(r.otherCores, 2), fmt(r.serverRssMb, 0), fmt(r.loop.p99Ms, 1)];

function mediaTable(rows) {
  printTable(
    ['calls', 'set up', 'answered', 'pkts/s nominal', 'pkts/s in', 'pkts/s out', 'loss →agent %', 'loss →carrier %', 'of it late %', ...SERVER_HEAD, 'carrier gen', 'agents gen', 'machine busy'],
    rows.map((r) => [
      r.calls,
      r.established,
      r.answered,
      r.nominalPerS,
      fmt(r.packetsInPerS, 0),
      fmt(r.packetsOutPerS, 0),
      fmt(r.toAgentLossPct, 2),
      fmt(r.toCarrierLossPct, 2),
      fmt(r.latePct, 2),
      ...serverCells(r),
      fmt(r.carrierCores, 2),
      fmt(r.agentsCores, 2),
      fmt(r.machineCores, 2),
    ]),
  );
  const [full, half] = rows;
  if (full && half) console.log(`N/2 → N: server CPU ${ratio(full.serverCores, half.serverCores)}, RSS ${ratio(full.serverRssMb, half.serverRssMb)} for ${ratio(full.calls, half.calls)} the calls`);
}

// ─── desk phones: carrier ↔ SIP extension ───────────────────────────────────────────────────────

/** `count` agents with registered desk phones; one carrier call each, rung on the phone, which answers and echoes. */
async function phonesPart(server, count) {
  const group = await server.hotline(DESK_HOTLINE, 'Bench desks');
  const t = now();
  const floor = await Floor.open(server, group.groupName, count, 'desk', '2');
  const [carrier, phones] = await Promise.all([startLoad('carrier'), startLoad('phones')]);
  try {
    const extensions = [];
    await pool(
      floor.mails.map((mail, i) => ({ mail, i })),
      8,
      async ({ mail, i }) => {
        const ExtensionId = String(700000 + i);
        await server.client.CreateExtension({ SdkAppId: server.creds.sdkAppId, ExtensionId, ExtensionName: `Desk ${i}`, Relation: mail });
        const account = await server.client.DescribeExtension({ SdkAppId: server.creds.sdkAppId, ExtensionId });
        extensions[i] = { id: ExtensionId, domain: account.ExtensionDomain, password: account.Password };
      },
    );
    // The phones register from 127.0.0.1, the address the server trusts as its SIP edge, so its per-address flood guard does not count them.
    const registered = await ask(phones, { type: 'register', target: { address: '127.0.0.1', port: server.sipPort }, extensions, cps: 200, bindAddress: '127.0.0.1' }, 'registered', { timeoutMs: 120_000 });
    console.log(`  ${count} desk agents signed in and ${registered.registered} phones registered (${registered.failed} failed${registered.failed ? `: ${registered.failures.join('; ')}` : ''}) in ${fmt((now() - t) / 1000)} s`);
    const setupStart = now();
    const dialled = await ask(carrier, { type: 'dial', calls: count, target: { address: '127.0.0.1', port: server.sipPort }, to: DESK_HOTLINE, cps: settings.setupCps, bindAddress: CARRIER }, 'dialled', { timeoutMs: 120_000 });
    if (dialled.failed > 0) console.error(`  ${dialled.failed} calls failed to set up: ${dialled.failures.join('; ')}`);
    // Every call rings its agent's phone, which answers at once.
    const deadline = now() + 30_000;
    let answered = 0;
    while (now() < deadline) {
      answered = (await ask(phones, { type: 'phones' }, 'phones')).answered;
      if (answered >= dialled.established) break;
      await sleep(250);
    }
    const setupS = (now() - setupStart) / 1000;
    const { c, f: p, cLate, cores, udp, loop, rss } = await measureWindow(server, carrier, phones);
    const hungUp = await ask(carrier, { type: 'hangup' }, 'hungUp', { timeoutMs: 60_000 });
    const endDeadline = now() + 20_000;
    let ended = 0;
    while (now() < endDeadline) {
      ended = (await ask(phones, { type: 'phones' }, 'phones')).ended;
      if (ended >= answered) break;
      await sleep(250);
    }
    return {
      calls: count,
      registered: registered.registered,
      established: dialled.established,
      answered,
      setupS,
      packetsInPerS: (1000 * c.sent) / c.elapsedMs,
      toPhoneLossPct: c.sent === 0 ? NaN : (100 * Math.max(0, c.sent - p.received)) / c.sent,
      roundTripLossPct: c.sent === 0 ? NaN : (100 * Math.max(0, c.sent - c.received)) / c.sent,
      latePct: c.sent === 0 ? NaN : (100 * cLate.late) / c.sent,
      skippedRounds: c.skippedTicks,
      udpRcvbufDrops: udp.rcvbufErrors,
      ...cores,
      serverRssMb: rss,
      loop,
      carrierCores: c.cpuMs / c.elapsedMs,
      phonesCores: p.cpuMs / p.elapsedMs,
      byeEnded: hungUp.ended,
      phonesEnded: ended,
    };
  } finally {
    floor.close();
    await Promise.all([ask(carrier, { type: 'stop' }, 'stopped'), ask(phones, { type: 'stop' }, 'stopped')]).catch(() => undefined);
    carrier.send({ type: 'exit' });
    phones.send({ type: 'exit' });
  }
}

function formatPhonesRow(r) {
  return (
    `  ${r.calls} calls: ${r.established} set up, ${r.answered} answered on desk phones in ${fmt(r.setupS)} s; carrier sent ${fmt(r.packetsInPerS, 0)} packets/s (${r.skippedRounds} late rounds skipped), ` +
    `loss carrier→phone ${fmt(r.toPhoneLossPct, 2)} %, round trip ${fmt(r.roundTripLossPct, 2)} % (${fmt(r.latePct, 2)} % came 0.3–1.3 s late), UDP drops on full buffers ${r.udpRcvbufDrops}; ` +
    `server ${fmt(r.serverCores, 2)} cores (main ${fmt(r.mainCores, 2)}, workers+other ${fmt(r.otherCores, 2)}), RSS ${fmt(r.serverRssMb, 0)} MB, loop p99 ${r.loop.p99Ms} ms; ` +
    `generators: carrier ${fmt(r.carrierCores, 2)}, phones ${fmt(r.phonesCores, 2)} cores; machine ${fmt(r.machineCores, 2)} of ${cpus().length} cores busy; BYE ${r.byeEnded} ended, ${r.phonesEnded} phone calls ended`
  );
}

function phonesTable(r, media) {
  const same = media?.find((m) => m.calls === r.calls);
  printTable(
    ['calls', 'registered', 'answered', 'pkts/s nominal', 'loss →phone %', 'round trip %', 'of it late %', ...SERVER_HEAD, 'machine busy', 'server cores vs RTP agents'],
    [[
      r.calls,
      r.registered,
      r.answered,
      r.calls * 100,
      fmt(r.toPhoneLossPct, 2),
      fmt(r.roundTripLossPct, 2),
      fmt(r.latePct, 2),
      ...serverCells(r),
      fmt(r.machineCores, 2),
      same ? ratio(r.serverCores, same.serverCores) : '—',
    ]],
  );
}

// ─── the media plane alone ──────────────────────────────────────────────────────────────────────

function relayPart() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(here, 'sip-relay.mjs'), String(settings.calls)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, BENCH_SIP_SECONDS: String(settings.mediaSeconds), ...(settings.mediaWorkers ? { BENCH_SIP_WORKERS: settings.mediaWorkers } : {}) },
    });
    let out = '';
    child.stdout.on('data', (data) => (out += data));
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`sip-relay.mjs exited with ${code}\n${out}`))));
  });
}

// ─── the run ────────────────────────────────────────────────────────────────────────────────────

async function main() {
  const parts = parseOnly(process.argv.slice(2), PARTS, DEFAULT_PARTS);
  const machine = { cpu: cpus()[0]?.model ?? 'unknown CPU', cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, load: loadavg().map((l) => l.toFixed(2)).join(' ') };
  const sipp = sippVersion();
  console.log(`bench:sip — ${machine.cores} × ${machine.cpu}, ${machine.memoryGiB} GiB, Node ${machine.node}, load average ${machine.load}, ${sipp ?? 'sipp not installed'}`);
  console.log(`parts: ${parts.join(', ')}; ${new Date().toISOString()}`);
  if (!sipp && (parts.includes('cps') || parts.includes('kamailio'))) throw new Error('sipp is needed for the cps and kamailio parts (apt-get install sip-tester)');
  const startedAt = now();
  const results = {};
  const needsServer = parts.some((p) => p !== 'relay');
  const server = needsServer
    ? await SipServer.start({ carrierAddress: CARRIER, trustedProxies: '127.0.0.1', maxCalls: Math.max(settings.calls, 4000), nodeFlags: settings.serverNodeFlags, ...(settings.mediaWorkers ? { mediaWorkers: settings.mediaWorkers } : {}), ...(settings.dataParent ? { dataParent: settings.dataParent } : {}) })
    : null;
  let floor;
  try {
    if (server) {
      server.ivrHotline(IVR_HOTLINE);
      console.log(`server pid ${server.pid}, SIP at 127.0.0.1:${server.sipPort}, HTTP ${server.url}; the trunk trusts ${CARRIER}; SIP caps raised (--sip-cps 100000, --sip-max-calls ${Math.max(settings.calls, 4000) * 2})`);
    }
    if (parts.includes('cps')) {
      console.log(`\nSignalling: sipp uac → trunk → hotline → IVR menu (answered by OpenCCC at once, welcome prompt played), ${settings.cpsSeconds} s per step, hold ${settings.holdMs} ms, no RTP`);
      results.cps = await cpsSteps(server, { target: `127.0.0.1:${server.sipPort}`, steps: settings.cpsSteps });
    }
    if (parts.includes('kamailio')) {
      console.log(`\nThrough the Kamailio edge: sipp uac-rr.xml → Kamailio (record-route, dispatcher) → OpenCCC, same steps; Kamailio shared memory ${settings.edgeShmMb ? `${settings.edgeShmMb} MB` : "run-local.sh's (64 MB)"}`);
      let edge;
      try {
        edge = await Edge.start({ node: `127.0.0.1:${server.sipPort}`, carrier: CARRIER, port: await freePort(), ...(settings.edgeShmMb ? { shmMb: settings.edgeShmMb } : {}) });
        results.kamailio = await cpsSteps(server, { target: edge.address, steps: settings.edgeSteps, scenario: join(root, 'deploy/kamailio/test/uac-rr.xml'), edge });
      } catch (error) {
        console.error(`  the edge part did not run: ${error.message}`);
      } finally {
        await edge?.stop();
      }
    }
    if (parts.includes('media')) {
      const group = await server.hotline(AGENT_HOTLINE, 'Bench agents');
      const t = now();
      floor = await Floor.open(server, group.groupName, settings.calls);
      console.log(`\nRelayed calls: carrier (Node load generator, SIP + RTP) → trunk → hotline → ${settings.calls} scripted RTP agents; ${settings.calls} agents signed in in ${fmt((now() - t) / 1000)} s; calls set up at ${settings.setupCps} CPS, 2 s warm-up, ${settings.mediaSeconds} s measured`);
      results.media = [];
      for (const count of [settings.calls, Math.max(1, Math.floor(settings.calls / 2))]) {
        const row = await mediaRun(server, floor, count);
        results.media.push(row);
        console.log(formatMediaRow(row));
        await sleep(2000);
      }
    }
    if (parts.includes('phones')) {
      floor?.close();
      floor = undefined;
      console.log(`\nDesk phones: carrier (Node load generator) → trunk → hotline → ${settings.phones} agents, each rung on a registered extension (Node phones: answer at once, echo RTP); ${settings.mediaSeconds} s measured`);
      results.phones = await phonesPart(server, settings.phones);
      console.log(formatPhonesRow(results.phones));
    }
  } finally {
    floor?.close();
    if (server) {
      const exit = await server.stop();
      if (exit.code !== 0) console.error(`the server exited with ${exit.code ?? exit.signal}`);
    }
  }
  if (parts.includes('relay')) {
    console.log(`\nThe media plane alone (bench/sip-relay.mjs ${settings.calls}, ${settings.mediaSeconds} s per run):`);
    results.relay = await relayPart();
    console.log(results.relay.split('\n').map((line) => `  ${line}`).join('\n'));
  }

  console.log(`\n${machine.cores} × ${machine.cpu}, Node ${machine.node}, load average at start ${machine.load}, ${Math.round((now() - startedAt) / 1000)} s`);
  if (results.cps) {
    console.log('\n1. Signalling, sipp → OpenCCC (direct)');
    cpsTable(results.cps);
  }
  if (results.media) {
    console.log('\n2. Relayed G.711 calls, carrier ↔ scripted agent (two RTP legs per call, 50 packets/s each way per leg)');
    mediaTable(results.media);
  }
  if (results.phones) {
    console.log('\n3. Desk phones, carrier ↔ SIP extension (echoing), next to RTP agents at the same number of calls');
    phonesTable(results.phones, results.media);
  }
  if (results.kamailio) {
    console.log('\n4. Signalling through the Kamailio edge, next to direct');
    cpsTable(results.kamailio);
    if (results.cps) {
      console.log('');
      edgeTable(results.cps, results.kamailio);
    }
  }
  console.log(
    '\nCPU in cores (1.00 = one core busy) from /proc over the step or the measured window; "workers+other" = the server process less its main thread ' +
      '(media worker threads, plus GC and libuv helpers); "machine busy" = every process of the machine, ours and others\' (at ' +
      `${cpus().length}.00 the machine was full and every figure is starved). Loss: packets one side sent in the window that the other side had not ` +
      'received 300 ms after it; "of it late": those that came within a second more (a backlog, not a drop).',
  );
  console.log(JSON.stringify({ bench: 'sip', machine, sipp, settings, results }));
}

await main();
