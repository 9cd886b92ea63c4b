#!/usr/bin/env node
// ACD: routing decisions per second and the time of one decision, with 10,000
// agents in 100 skill groups, on the distributor alone (no I/O). A decision is
// one event the distributor answers with an offer: a call arriving while agents
// are free, or an agent coming free while calls wait. `runAcdBench` is also
// what `bench:engine` runs next to its other figures.
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A small deterministic PRNG (mulberry32), so every run routes the same calls. */
function prng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summary(samplesNs) {
  const sorted = Float64Array.from(samplesNs).sort();
  const totalNs = sorted.reduce((a, b) => a + b, 0);
  const us = (ns) => Math.round(ns / 10) / 100;
  return {
    decisions: sorted.length,
    perSecond: Math.round(sorted.length / (totalNs / 1e9)),
    p50us: us(percentile(sorted, 50)),
    p99us: us(percentile(sorted, 99)),
    p999us: us(percentile(sorted, 99.9)),
    maxUs: us(sorted[sorted.length - 1]),
  };
}

/**
 * Builds a floor of `agents` agents in `groups` groups (each agent in 3 groups,
 * priorities 1–5; policies longest-idle, round-robin and fewest-calls-today in
 * turn, and four small ring-all groups), then measures:
 * - `arrivals`: calls arriving at about 80 % occupancy (agents free in every group);
 * - `backlog`: every agent busy and `backlog` calls waiting, then agents coming free one by one.
 */
export async function runAcdBench({ agents = 10_000, groups = 100, decisions = 200_000, backlog = 5_000, seed = 7 } = {}) {
  const { Distributor, defaultGroupSettings } = await import(pathToFileURL(join(root, 'packages/server/dist/acd/index.js')).href);
  const random = prng(seed);
  const acd = new Distributor();
  let now = Date.UTC(2026, 0, 1);
  const handle = (event) => acd.handle(event, (now += 1));

  const setupStart = process.hrtime.bigint();
  const ringAllGroups = Math.min(4, groups);
  const normalGroups = groups - ringAllGroups;
  const policies = ['longestIdle', 'roundRobin', 'fewestCallsToday'];
  for (let g = 1; g <= groups; g++) {
    const policy = g > normalGroups ? 'ringAll' : policies[g % policies.length];
    handle({ type: 'groupConfigured', group: { ...defaultGroupSettings, groupId: g, policy, ringTimeoutMs: 20_000, maxWaitMs: 0, whenNoneOnline: 'queue' } });
  }
  for (let a = 0; a < agents; a++) {
    const memberships = new Map();
    while (memberships.size < 3) memberships.set(1 + Math.floor(random() * normalGroups), 1 + Math.floor(random() * 5));
    // The first agents also sit in one small ring-all group (10 members each).
    if (a < ringAllGroups * 10) memberships.set(normalGroups + 1 + Math.floor(a / 10), 3);
    handle({ type: 'membershipChanged', agentId: `agent${a}`, groups: [...memberships].map(([groupId, priority]) => ({ groupId, priority })) });
    handle({ type: 'agentStatus', agentId: `agent${a}`, status: 'free' });
  }
  const setupMs = Number(process.hrtime.bigint() - setupStart) / 1e6;

  let callSeq = 0;
  const active = []; // [callId, agentId] of connected calls, oldest first
  let head = 0;
  const pickGroup = () => 1 + Math.floor(random() * groups);

  /** Carries out what matters of the commands: the offer is accepted by its first agent. */
  function settle(commands, samples, t0) {
    const t = process.hrtime.bigint() - t0;
    for (const command of commands) {
      if (command.type !== 'offer') continue;
      if (samples) samples.push(Number(t));
      const agentId = command.agentIds[0];
      handle({ type: 'offerAccepted', callId: command.callId, agentId });
      handle({ type: 'agentStatus', agentId, status: 'busy' });
      active.push([command.callId, agentId]);
    }
  }

  function endOldest(samples) {
    const [callId, agentId] = active[head++];
    handle({ type: 'callEnded', callId });
    const t0 = process.hrtime.bigint();
    settle(handle({ type: 'agentStatus', agentId, status: 'free' }), samples, t0);
  }

  function arrivals(count, samples) {
    const target = Math.floor(agents * 0.8);
    for (let i = 0; i < count; i++) {
      while (active.length - head > target) endOldest(samples);
      const t0 = process.hrtime.bigint();
      settle(handle({ type: 'callQueued', callId: `call${++callSeq}`, groupId: pickGroup() }), samples, t0);
    }
  }

  // Warm up the JIT, then measure.
  arrivals(Math.min(50_000, decisions), null);
  const arrivalSamples = [];
  arrivals(decisions, arrivalSamples);

  // Backlog: fill every agent, queue `backlog` calls, then free agents one at a time.
  for (let waiting = 0; waiting < backlog; ) {
    const t0 = process.hrtime.bigint();
    const commands = handle({ type: 'callQueued', callId: `call${++callSeq}`, groupId: pickGroup() });
    if (commands.some((c) => c.type === 'offer')) settle(commands, null, t0);
    else waiting++;
  }
  const backlogSamples = [];
  while (backlogSamples.length < backlog - groups && head < active.length) endOldest(backlogSamples);

  return {
    agents,
    groups,
    setupMs: Math.round(setupMs),
    arrivals: summary(arrivalSamples),
    backlog: summary(backlogSamples),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await runAcdBench({
    agents: Number(process.env.BENCH_ACD_AGENTS ?? 10_000),
    groups: Number(process.env.BENCH_ACD_GROUPS ?? 100),
    decisions: Number(process.env.BENCH_ACD_DECISIONS ?? 200_000),
  });
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`ACD distributor, ${result.agents} agents in ${result.groups} skill groups (3 groups per agent, priorities 1–5), Node ${process.version}, ${cpus().length} × ${cpu}, load average ${loadavg()[0].toFixed(1)}`);
  console.log(`setup (groups, memberships, sign-ins): ${result.setupMs} ms`);
  const row = (name, s) =>
    console.log(`${name.padEnd(34)} ${String(s.decisions).padStart(8)} decisions  ${String(s.perSecond).padStart(9)} /s   p50 ${s.p50us} µs   p99 ${s.p99us} µs   p99.9 ${s.p999us} µs   max ${s.maxUs} µs`);
  row('call arrives, agents free (80 %)', result.arrivals);
  row('agent comes free, calls waiting', result.backlog);
  const p99ms = Math.max(result.arrivals.p99us, result.backlog.p99us) / 1000;
  console.log(`p99 routing decision ${p99ms.toFixed(3)} ms (target ≤ 1 ms): ${p99ms <= 1 ? 'met' : 'NOT met'}`);
  if (process.argv.includes('--json')) console.log(JSON.stringify(result));
}
