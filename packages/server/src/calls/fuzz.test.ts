import { describe, expect, it } from 'vitest';
import { buildTelCdr } from './cdr.js';
import { END_STATUS } from './end-status.js';
import { CallStateError } from './errors.js';
import { SessionState } from './session-state.js';
import type { AgentInfo, SessionCommand, SessionEvent, SessionRecord, SessionSpec } from './types.js';
import { agentLeg, alice, bob, carol, inboundSpec, internalSpec, outboundSpec, SessionDriver } from './test-support/session-harness.js';
import { seededRandom } from '../test-support/seeded-random.js';


const AGENTS = [alice, bob, carol];

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)]!;
}

function randomEvent(next: () => number): SessionEvent {
  const agent = pick(next, AGENTS);
  const events: Array<() => SessionEvent> = [
    () => ({ type: 'ivrStarted' }),
    () => ({ type: 'ivrKey', key: pick(next, ['1', '2', '#']), label: 'k', nodeLabel: 'n' }),
    () => ({ type: 'queued', groupId: pick(next, [1, 2]), groupName: 'g' }),
    () => ({ type: 'offered', agents: next() < 0.3 ? [alice, bob] : [agent], timeoutMs: 20_000 }),
    () => ({ type: 'offerTimedOut', agentIds: [agent.agentId] }),
    () => ({ type: 'offerDeclined', agentId: agent.agentId }),
    () => ({ type: 'offerCancelled', agentIds: [agent.agentId], reason: pick(next, ['answeredElsewhere', 'agentGone'] as const) }),
    () => ({ type: 'agentAccepted', agentId: agent.agentId, leg: agentLeg(agent) }),
    () => ({ type: 'calleeRinging' }),
    () => ({ type: 'calleeAnswered' }),
    () => ({ type: 'calleeFailed', failure: pick(next, ['busy', 'notAnswer', 'userReject'] as const) }),
    () => ({ type: 'hold', agentId: agent.agentId }),
    () => ({ type: 'unhold', agentId: agent.agentId }),
    () => ({ type: 'mute', agentId: agent.agentId }),
    () => ({ type: 'sendDigits', agentId: agent.agentId, digits: '1' }),
    () => ({
      type: 'transferRequested',
      agentId: agent.agentId,
      target: next() < 0.5 ? { type: 'group', groupId: 3, groupName: 'g3' } : { type: 'agent', agent: pick(next, AGENTS), timeoutMs: 10_000 },
    }),
    () => ({ type: 'hangup', side: pick(next, ['user', 'seat', 'seat', 'system', 'admin'] as const) }),
    () => ({ type: 'mediaTimeout', side: pick(next, ['user', 'seat'] as const) }),
  ];
  // Hang-ups are rare, so that runs reach the later states.
  const event = pick(next, events)();
  return event.type === 'hangup' || event.type === 'mediaTimeout' ? (next() < 0.3 ? event : { type: 'ivrKey', key: '1', label: '', nodeLabel: '' }) : event;
}

/** An event that fits the session's state more often than chance, so that runs go deep. */
function steeredEvent(next: () => number, session: Readonly<SessionRecord>): SessionEvent {
  const ringing = session.participants.filter((p) => p.outcome === 'ringing').map((p) => p.agent);
  const serving = session.participants.filter((p) => p.outcome === 'serving').map((p) => p.agent);
  const someone = pick(next, ringing.length > 0 ? ringing : serving.length > 0 ? serving : AGENTS);
  const byState: Record<SessionState, Array<() => SessionEvent>> = {
    created: [() => ({ type: 'ivrStarted' }), () => ({ type: 'queued', groupId: 1, groupName: 'g' }), () => ({ type: 'offered', agents: [pick(next, AGENTS)], timeoutMs: 1 })],
    ivr: [() => ({ type: 'ivrKey', key: '1', label: '', nodeLabel: '' }), () => ({ type: 'queued', groupId: 1, groupName: 'g' })],
    queued: [() => ({ type: 'offered', agents: [pick(next, AGENTS)], timeoutMs: 1 })],
    offering: [() => ({ type: 'agentAccepted', agentId: someone.agentId, leg: agentLeg(someone) }), () => ({ type: 'offerTimedOut', agentIds: [someone.agentId] })],
    dialing: [() => ({ type: 'calleeRinging' }), () => ({ type: 'calleeAnswered' })],
    calleeRinging: [() => ({ type: 'calleeAnswered' }), () => ({ type: 'calleeFailed', failure: 'busy' })],
    talking: [
      () => ({ type: 'hold', agentId: someone.agentId }),
      () => ({ type: 'hangup', side: 'seat', agentId: someone.agentId }),
      () => ({ type: 'transferRequested', agentId: someone.agentId, target: { type: 'group', groupId: 3, groupName: 'g3' } }),
    ],
    held: [() => ({ type: 'unhold', agentId: someone.agentId })],
    survey: [() => ({ type: 'ivrKey', key: '5', label: '', nodeLabel: '' }), () => ({ type: 'hangup', side: 'user' })],
    ended: [() => ({ type: 'hangup', side: 'user' })],
  };
  return pick(next, byState[session.state])();
}

function randomSpec(next: () => number): SessionSpec {
  return pick(next, [inboundSpec(), inboundSpec({ survey: true }), inboundSpec({ survey: true }), inboundSpec({ channel: 'voip' }), outboundSpec(), internalSpec()]);
}

const RUNS = 300;

const count = (commands: readonly SessionCommand[], type: SessionCommand['type']) => commands.filter((c) => c.type === type).length;

describe('random event streams', () => {
  const seed = Number(process.env.OPENCCC_FUZZ_SEED ?? 20_260_101);

  it(`keep every invariant (seed ${seed})`, () => {
    const next = seededRandom(seed);
    let ended = 0;
    const visited = new Set<string>();
    const codes = new Set<number>();
    for (let run = 0; run < RUNS; run++) {
      const call = new SessionDriver(randomSpec(next));
      let seconds = 0;
      for (let step = 0; step < 60 && call.record === undefined; step++) {
        const before = JSON.stringify(call.session);
        const event = next() < 0.4 ? steeredEvent(next, call.session) : randomEvent(next);
        seconds += Math.floor(next() * 5);
        try {
          call.send(event, seconds);
        } catch (error) {
          if (!(error instanceof CallStateError)) throw error;
          // A refused event changes nothing.
          if (JSON.stringify(call.session) !== before) throw new Error(`run ${run}: ${event.type} threw but changed the session`);
          continue;
        }
        // Plain checks here: this runs thousands of times.
        const session = call.session;
        const history = session.history;
        if (history.some((h, i) => i > 0 && h.at < history[i - 1]!.at)) throw new Error(`run ${run}: history out of order`);
        if (history.at(-1)?.to !== session.state) throw new Error(`run ${run}: the last history entry is not the state`);
        const ringing = session.participants.filter((p) => p.outcome === 'ringing').map((p) => p.agent.agentId);
        if (new Set(ringing).size !== ringing.length) throw new Error(`run ${run}: an agent rings twice`);
      }
      if (call.record === undefined) call.send({ type: 'hangup', side: 'admin' }, seconds + 1);
      const record = call.ended();
      ended++;
      expect(count(call.log, 'writeRecord')).toBe(1);
      // Every participant is released exactly once, and every leg closed once.
      expect(count(call.log, 'releaseAgent'), `run ${run}`).toBe(record.participants.length);
      expect(count(call.log, 'closeLeg'), `run ${run}`).toBe(record.legs.length);
      expect(record.participants.every((p) => p.outcome !== 'ringing' && p.outcome !== 'serving' && p.endedAt !== null)).toBe(true);
      expect(record.legs.every((l) => !l.open)).toBe(true);
      const cdr = buildTelCdr(record);
      for (const entry of record.history) visited.add(entry.to);
      codes.add(cdr.EndStatus ?? 0);
      expect(Object.values(END_STATUS)).toContain(cdr.EndStatus);
      expect(cdr.Duration).toBeGreaterThanOrEqual(0);
      expect(cdr.ServeParticipants).toHaveLength(record.participants.length);
      const agentsRung = new Set<AgentInfo['agentId']>(record.participants.map((p) => p.agent.agentId));
      for (const agentId of agentsRung) {
        const last = call.log.filter((c) => c.type === 'notifyAgent' && c.agentId === agentId).at(-1);
        // Whatever happened, each agent's last word about the session is that it is over for them.
        expect(last?.type === 'notifyAgent' ? last.event : undefined, `run ${run}: ${agentId}`).toMatch(/^(sessionEnded|autoTransfer|transfer)$|^callIn$/);
      }
    }
    expect(ended).toBe(RUNS);
    // The streams reach every state and a spread of endings, or the test proves little.
    expect([...visited].sort()).toEqual(Object.values(SessionState).sort());
    expect(codes.size).toBeGreaterThanOrEqual(12);
  });
});
