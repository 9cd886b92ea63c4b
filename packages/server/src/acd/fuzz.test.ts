import { describe, expect, it } from 'vitest';
import type { ServerStatus } from '@openccc/protocol';
import type { AcdCommand, AcdEvent, RoutePolicy } from './types.js';
import { AcdHarness } from './test-support/acd-harness.js';
import { seededRandom } from '../test-support/seeded-random.js';


const STATUSES: ServerStatus[] = ['free', 'free', 'free', 'notReady', 'rest', 'busy', 'afterCallWork', 'offline'];
const POLICIES: RoutePolicy[] = ['longestIdle', 'roundRobin', 'fewestCallsToday', 'ringAll'];

describe('random event streams', () => {
  const seen = new Set<AcdCommand['type']>();

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('seed %i: no agent is offered two calls, no reservation outlives its call, timers match', (seed) => {
    const random = seededRandom(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const h = new AcdHarness();
    const groups = [1, 2, 3, 4];
    for (const groupId of groups) {
      h.group(groupId, {
        policy: pick(POLICIES),
        usingLastSeat: random() < 0.5,
        maxConcurrency: groupId === 4 ? 2 : 1,
        ringTimeoutMs: pick([0, 5_000, 15_000]),
        maxWaitMs: pick([0, 20_000, 60_000]),
        onQueueExit: random() < 0.5 ? { action: 'hangup' } : { action: 'overflow', groupId: pick(groups) },
        whenNoneOnline: random() < 0.5 ? 'queue' : 'exit',
        wrapUpMs: pick([0, 3_000]),
        retryDelayMs: 2_000,
      });
    }
    const agents = Array.from({ length: 12 }, (_, i) => `agent${i}`);
    for (const agentId of agents) {
      const memberships = groups.filter(() => random() < 0.5).map((groupId) => [groupId, pick([1, 2, 3, 4, 5] as const)] as [number, 1 | 2 | 3 | 4 | 5]);
      h.agent(agentId, memberships, pick(['free', 'notReady', 'rest'] as const));
    }
    let calls = 0;
    for (let step = 0; step < 3000; step++) {
      const live = [...h.state.calls()];
      const ringing = live.filter((c) => c.phase === 'ringing');
      const connected = live.filter((c) => c.phase === 'connected');
      const roll = random();
      let event: AcdEvent | undefined;
      if (roll < 0.2) event = { type: 'callQueued', callId: `call${++calls}`, groupId: pick(groups), callerNumber: `00861380000${Math.floor(random() * 5)}` };
      else if (roll < 0.35 && ringing.length > 0) {
        const call = pick(ringing);
        event = { type: 'offerAccepted', callId: call.callId, agentId: pick(call.offeredTo) };
      } else if (roll < 0.42 && ringing.length > 0) {
        const call = pick(ringing);
        event = { type: 'offerDeclined', callId: call.callId, agentId: pick(call.offeredTo) };
      } else if (roll < 0.55 && connected.length > 0) event = { type: 'callEnded', callId: pick(connected).callId };
      else if (roll < 0.6 && live.length > 0) event = { type: 'callAbandoned', callId: pick(live).callId };
      else if (roll < 0.62 && connected.length > 0) event = { type: 'callTransferred', callId: pick(connected).callId, groupId: pick(groups) };
      else if (roll < 0.75) event = { type: 'agentStatus', agentId: pick(agents), status: pick(STATUSES) };
      else if (roll < 0.77) event = { type: 'agentGone', agentId: pick(agents) };
      else if (roll < 0.78) event = { type: 'offerAccepted', callId: `call${Math.floor(random() * (calls + 1))}`, agentId: pick(agents) };
      else if (roll < 0.785) event = { type: 'reset' };
      if (event) h.send(event);
      else h.advance(Math.floor(random() * 10_000));
    }
    for (const command of h.log) seen.add(command.type);
    h.send({ type: 'reset' });
    expect([...h.state.calls()]).toEqual([]);
    expect([...h.state.agents()].every((a) => a.phase === 'idle' && a.offer === null && a.sessions.length === 0)).toBe(true);
    expect(h.timers.size).toBe(0);
  });

  it('together reach every command', () => {
    const all: Array<AcdCommand['type']> = ['offer', 'autoTransfer', 'cancelOffer', 'acceptRefused', 'connected', 'overflow', 'hangup', 'wrapUp', 'agentFree', 'schedule', 'cancelTimer'];
    expect([...seen].sort()).toEqual(all.sort());
  });
});
