import { describe, expect, it } from 'vitest';
import { Distributor } from './distributor.js';
import { InMemoryAcdState } from './acd-state.js';
import { defaultGroupSettings } from './defaults.js';
import { AcdStateError } from './errors.js';
import { AcdHarness } from './test-support/acd-harness.js';

const of = AcdHarness.of;

describe('who gets no offers', () => {
  it.each(['notReady', 'rest', 'busy', 'afterCallWork'] as const)('an agent in %s', (status) => {
    const h = new AcdHarness();
    h.group(1);
    h.agent('a', [1]);
    h.send({ type: 'agentStatus', agentId: 'a', status });
    expect(of(h.call('c1', 1), 'offer')).toEqual([]);
  });

  it('an agent offline, or never seen', () => {
    const h = new AcdHarness();
    h.group(1, { whenNoneOnline: 'queue' });
    h.agent('a', [1]);
    h.send({ type: 'agentStatus', agentId: 'a', status: 'offline' });
    h.send({ type: 'membershipChanged', agentId: 'b', groups: [{ groupId: 1, priority: 1 }] });
    expect(of(h.call('c1', 1), 'offer')).toEqual([]);
  });

  it('an agent in no group of the call', () => {
    const h = new AcdHarness();
    h.group(1);
    h.group(2, { whenNoneOnline: 'queue' });
    h.agent('a', [1]);
    expect(of(h.call('c1', 2), 'offer')).toEqual([]);
  });

  it('an agent removed from the group', () => {
    const h = new AcdHarness();
    h.group(1, { whenNoneOnline: 'queue' });
    h.agent('a', [1]);
    h.send({ type: 'membershipChanged', agentId: 'a', groups: [] });
    expect(of(h.call('c1', 1), 'offer')).toEqual([]);
  });
});

describe('never two offers to one agent', () => {
  it('an agent in several groups rings for one call; the other waits for the next free agent', () => {
    const h = new AcdHarness();
    h.group(1);
    h.group(2);
    h.agent('a', [1, 2]);
    h.call('c1', 1);
    expect(of(h.call('c2', 2), 'offer')).toEqual([]);
    const declined = h.send({ type: 'offerDeclined', callId: 'c1', agentId: 'a' });
    // a declined c1 and is eligible again: c2 (never offered to a) goes to a; c1 waits for its retry.
    expect(of(declined, 'offer')).toMatchObject([{ callId: 'c2', agentIds: ['a'] }]);
  });

  it('a ring-all group never rings an agent already ringing for another group', () => {
    const h = new AcdHarness();
    h.group(1);
    h.group(2, { policy: 'ringAll' });
    h.agent('a', [1, 2]);
    h.agent('b', [2]);
    h.call('c1', 1);
    expect(h.call('c2', 2).filter((c) => c.type === 'offer')).toMatchObject([{ agentIds: ['b'] }]);
  });
});

describe('agent gone (disconnect, crash, offline)', () => {
  it('mid-offer: the offer is withdrawn and the call offered to the next agent', () => {
    const h = new AcdHarness();
    h.group(1);
    h.agent('a', [1]);
    h.now += 1;
    h.agent('b', [1]);
    h.call('c1', 1);
    const gone = h.send({ type: 'agentGone', agentId: 'a' });
    expect(gone.filter((c) => c.type === 'cancelOffer' || c.type === 'offer')).toEqual([
      { type: 'cancelOffer', callId: 'c1', agentIds: ['a'], reason: 'agentGone' },
      { type: 'offer', callId: 'c1', groupId: 1, agentIds: ['b'], timeoutMs: 30_000 },
    ]);
    expect(h.state.getAgent('a')).toMatchObject({ phase: 'idle', offer: null, presence: 'offline' });
  });

  it('mid-call: the call is hung up and the agent released, with no after-call work', () => {
    const h = new AcdHarness();
    h.group(1, { wrapUpMs: 60_000 });
    h.agent('a', [1]);
    h.call('c1', 1);
    h.send({ type: 'offerAccepted', callId: 'c1', agentId: 'a' });
    const gone = h.send({ type: 'agentGone', agentId: 'a' });
    expect(gone).toEqual([{ type: 'hangup', callId: 'c1', reason: 'agentGone' }]);
    expect(h.state.getAgent('a')).toMatchObject({ phase: 'idle', sessions: [] });
    expect(h.state.getCall('c1')).toBeUndefined();
    // The engine's own callEnded for that call comes later and changes nothing.
    expect(h.send({ type: 'callEnded', callId: 'c1' })).toEqual([]);
  });

  it('during after-call work: the timer is cancelled', () => {
    const h = new AcdHarness();
    h.group(1, { wrapUpMs: 60_000 });
    h.agent('a', [1]);
    h.call('c1', 1);
    h.send({ type: 'offerAccepted', callId: 'c1', agentId: 'a' });
    h.send({ type: 'callEnded', callId: 'c1' });
    const gone = h.send({ type: 'agentStatus', agentId: 'a', status: 'offline' });
    expect(of(gone, 'cancelTimer')).toHaveLength(1);
    expect(h.timers.size).toBe(0);
  });

  it('an agent who comes back is offered calls again', () => {
    const h = new AcdHarness();
    h.group(1, { whenNoneOnline: 'queue' });
    h.agent('a', [1]);
    h.send({ type: 'agentGone', agentId: 'a' });
    h.call('c1', 1);
    const back = h.send({ type: 'agentStatus', agentId: 'a', status: 'free' });
    expect(of(back, 'offer')).toMatchObject([{ callId: 'c1', agentIds: ['a'] }]);
  });

  it('an agent who sets notReady while ringing has the offer withdrawn', () => {
    const h = new AcdHarness();
    h.group(1);
    h.agent('a', [1]);
    h.call('c1', 1);
    const changed = h.send({ type: 'agentStatus', agentId: 'a', status: 'notReady' });
    expect(changed[0]).toEqual({ type: 'cancelOffer', callId: 'c1', agentIds: ['a'], reason: 'agentUnavailable' });
    expect(h.state.getCall('c1')?.phase).toBe('queued');
  });
});

describe('ringing an agent outside the queues', () => {
  it('shows whether the agent is reserved; reporting them busy keeps offers away', () => {
    const h = new AcdHarness();
    h.group(1, { whenNoneOnline: 'queue' });
    h.agent('a', [1]);
    expect(h.acd.reservationOf('a')).toEqual({ phase: 'idle', presence: 'free', offer: null, sessions: [] });
    h.send({ type: 'agentStatus', agentId: 'a', status: 'busy' });
    expect(of(h.call('c1', 1), 'offer')).toEqual([]);
    expect(h.acd.reservationOf('a')).toMatchObject({ phase: 'idle', presence: 'busy' });
    expect(of(h.send({ type: 'agentStatus', agentId: 'a', status: 'free' }), 'offer')).toMatchObject([{ callId: 'c1' }]);
    expect(h.acd.reservationOf('a')).toMatchObject({ phase: 'offered', offer: 'c1' });
    expect(h.acd.reservationOf('nobody')).toBeUndefined();
  });
});

describe('call gone', () => {
  it('abandoned while ringing: every ringing agent is cancelled and free again', () => {
    const h = new AcdHarness();
    h.group(1, { policy: 'ringAll', maxWaitMs: 60_000 });
    h.agent('a', [1]);
    h.agent('b', [1]);
    h.call('c1', 1);
    const gone = h.send({ type: 'callAbandoned', callId: 'c1' });
    expect(of(gone, 'cancelOffer')).toEqual([{ type: 'cancelOffer', callId: 'c1', agentIds: ['a', 'b'], reason: 'callGone' }]);
    expect(of(gone, 'cancelTimer')).toHaveLength(2);
    expect(h.timers.size).toBe(0);
    expect(h.call('c2', 1).filter((c) => c.type === 'offer')).toMatchObject([{ agentIds: ['a', 'b'] }]);
  });

  it('abandoned while queued: it leaves the queue and its wait timer', () => {
    const h = new AcdHarness();
    h.group(1, { maxWaitMs: 60_000 });
    h.agent('a', [1], 'rest');
    h.call('c1', 1);
    h.send({ type: 'callAbandoned', callId: 'c1' });
    expect(h.timers.size).toBe(0);
    expect(of(h.send({ type: 'agentStatus', agentId: 'a', status: 'free' }), 'offer')).toEqual([]);
  });

  it('late and repeated events for a finished call are ignored or refused, never thrown', () => {
    const h = new AcdHarness();
    h.group(1, { ringTimeoutMs: 1_000 });
    h.agent('a', [1]);
    h.call('c1', 1);
    const [ringTimer] = [...h.timers.keys()];
    h.send({ type: 'callAbandoned', callId: 'c1' });
    expect(h.send({ type: 'callAbandoned', callId: 'c1' })).toEqual([]);
    expect(h.send({ type: 'callEnded', callId: 'c1' })).toEqual([]);
    expect(h.send({ type: 'offerDeclined', callId: 'c1', agentId: 'a' })).toEqual([]);
    expect(h.send({ type: 'timerFired', timerId: ringTimer! })).toEqual([]);
    expect(h.send({ type: 'offerAccepted', callId: 'c1', agentId: 'a' })).toEqual([{ type: 'acceptRefused', callId: 'c1', agentId: 'a', reason: 'offerGone' }]);
  });

  it('an accept after the ring timed out is refused', () => {
    const h = new AcdHarness();
    h.group(1, { ringTimeoutMs: 1_000 });
    h.agent('a', [1]);
    h.now += 1;
    h.agent('b', [1]);
    h.call('c1', 1);
    h.advance(1_000);
    expect(h.send({ type: 'offerAccepted', callId: 'c1', agentId: 'a' })).toEqual([{ type: 'acceptRefused', callId: 'c1', agentId: 'a', reason: 'offerGone' }]);
    expect(h.state.getCall('c1')?.offeredTo).toEqual(['b']);
  });

  it('a call to a group that does not exist is hung up', () => {
    const h = new AcdHarness();
    expect(h.call('c1', 99)).toEqual([{ type: 'hangup', callId: 'c1', reason: 'noSuchGroup' }]);
  });

  it('removing a group hangs up its waiting and ringing calls, and keeps connected ones', () => {
    const h = new AcdHarness();
    h.group(1);
    h.agent('a', [1]);
    h.agent('b', [1]);
    h.agent('c', [1], 'rest');
    h.call('connected', 1);
    h.send({ type: 'offerAccepted', callId: 'connected', agentId: 'a' });
    h.call('ringing', 1);
    h.call('waiting', 1);
    const removed = h.send({ type: 'groupRemoved', groupId: 1 });
    expect(of(removed, 'hangup').map((c) => c.callId).sort()).toEqual(['ringing', 'waiting']);
    expect(h.state.getCall('connected')?.phase).toBe('connected');
  });
});

describe('reset and recovery', () => {
  function busyFloor() {
    const h = new AcdHarness('node-a');
    h.group(1, { wrapUpMs: 30_000, maxWaitMs: 60_000 });
    for (const id of ['a', 'b', 'c', 'd']) h.agent(id, [1]);
    h.call('connected', 1);
    h.send({ type: 'offerAccepted', callId: 'connected', agentId: 'a' });
    h.call('done', 1);
    h.send({ type: 'offerAccepted', callId: 'done', agentId: 'b' });
    h.send({ type: 'callEnded', callId: 'done' });
    h.call('ringing', 1);
    h.send({ type: 'agentStatus', agentId: 'd', status: 'rest' });
    h.call('waiting', 1);
    return h;
  }

  it('releases every call and reservation; nobody is left reserved or busy, no timer is left', () => {
    const h = busyFloor();
    const commands = h.send({ type: 'reset' });
    expect(of(commands, 'hangup').map((c) => c.callId).sort()).toEqual(['connected', 'ringing', 'waiting']);
    expect(of(commands, 'cancelOffer')).toEqual([{ type: 'cancelOffer', callId: 'ringing', agentIds: ['c'], reason: 'reset' }]);
    expect(of(commands, 'agentFree').map((c) => c.agentId).sort()).toEqual(['a', 'b']);
    expect([...h.state.calls()]).toEqual([]);
    expect([...h.state.agents()].map((a) => a.phase)).toEqual(['idle', 'idle', 'idle', 'idle']);
    expect(h.timers.size).toBe(0);
  });

  it('releases only the calls of a node that died', () => {
    const h = busyFloor();
    const other = h.acd.handle({ type: 'callQueued', callId: 'elsewhere', groupId: 1 }, h.now);
    expect(of(other, 'offer')).toEqual([]);
    h.state.getCall('elsewhere')!.ownerNode = 'node-b';
    h.state.getCall('ringing')!.ownerNode = 'node-b';
    const commands = h.acd.handle({ type: 'reset', ownerNode: 'node-b' }, h.now);
    expect(of(commands, 'hangup').map((c) => c.callId).sort()).toEqual(['elsewhere', 'ringing']);
    expect(h.state.getCall('connected')?.phase).toBe('connected');
  });

  it('a distributor started on existing state rebuilds its indexes and re-arms its timers (resume)', () => {
    const h = busyFloor();
    const taken = new Distributor({ state: h.state });
    const resumed = taken.handle({ type: 'resume' }, h.now);
    expect(new Set(of(resumed, 'schedule').map((c) => c.timerId))).toEqual(new Set(h.timers.keys()));
    // The waiting call goes to the agent who comes back from rest.
    const back = taken.handle({ type: 'agentStatus', agentId: 'd', status: 'free' }, h.now);
    expect(of(back, 'offer')).toMatchObject([{ callId: 'waiting', agentIds: ['d'] }]);
  });

  it('a reset of an empty state (after a restart) does nothing', () => {
    const acd = new Distributor();
    expect(acd.handle({ type: 'reset' }, 0)).toEqual([]);
  });
});

describe('bugs in the caller throw', () => {
  it('queueing the same call twice', () => {
    const h = new AcdHarness();
    h.group(1);
    h.agent('a', [1]);
    h.call('c1', 1);
    expect(() => h.acd.handle({ type: 'callQueued', callId: 'c1', groupId: 1 }, h.now)).toThrow(AcdStateError);
  });

  it('a membership priority outside 1–5', () => {
    const acd = new Distributor();
    const groups = [{ groupId: 1, priority: 7 as 1 }];
    expect(() => acd.handle({ type: 'membershipChanged', agentId: 'a', groups }, 0)).toThrow(/toPriority/);
  });

  it('transferring a call that is not connected', () => {
    const h = new AcdHarness();
    h.group(1);
    h.group(2);
    h.agent('a', [1]);
    h.call('c1', 1);
    expect(() => h.acd.handle({ type: 'callTransferred', callId: 'c1', groupId: 2 }, h.now)).toThrow(/only a connected call/);
  });

  it('handling an event from inside the transition observer', () => {
    const nested: unknown[] = [];
    const acd: Distributor = new Distributor({
      onTransition: () => {
        try {
          acd.handle({ type: 'resume' }, 0);
        } catch (error) {
          nested.push(error);
        }
      },
    });
    acd.handle({ type: 'groupConfigured', group: { ...defaultGroupSettings, groupId: 1, whenNoneOnline: 'queue' } }, 0);
    acd.handle({ type: 'callQueued', callId: 'c1', groupId: 1 }, 0);
    expect(nested).toHaveLength(1);
    expect(nested[0]).toBeInstanceOf(AcdStateError);
  });

  it('a throwing observer does not break the distributor', () => {
    const acd = new Distributor({
      state: new InMemoryAcdState(10),
      onTransition: () => {
        throw new Error('observer failed');
      },
    });
    acd.handle({ type: 'groupConfigured', group: { ...defaultGroupSettings, groupId: 1 } }, 0);
    acd.handle({ type: 'membershipChanged', agentId: 'a', groups: [{ groupId: 1, priority: 3 }] }, 0);
    acd.handle({ type: 'agentStatus', agentId: 'a', status: 'free' }, 0);
    expect(acd.handle({ type: 'callQueued', callId: 'c1', groupId: 1 }, 0)).toContainEqual(expect.objectContaining({ type: 'offer', agentIds: ['a'] }));
  });
});
