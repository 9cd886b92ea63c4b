import { describe, expect, it } from 'vitest';
import { AcdHarness } from './test-support/acd-harness.js';

const of = AcdHarness.of;

describe('routing policies', () => {
  it('longest-idle (the default) offers the agent free the longest, one at a time', () => {
    const h = new AcdHarness();
    h.group(1);
    h.agent('a', [1]);
    h.now += 1000;
    h.agent('b', [1]);
    h.now += 1000;
    h.agent('c', [1]);
    const commands = h.call('c1', 1);
    expect(of(commands, 'offer')).toEqual([{ type: 'offer', callId: 'c1', groupId: 1, agentIds: ['a'], timeoutMs: 30_000 }]);
    h.call('c2', 1);
    expect(h.offeredTo('c2')).toEqual(['b']);
  });

  it('longest-idle counts from the end of the last call, not from sign-in', () => {
    const h = new AcdHarness();
    h.group(1);
    h.agent('a', [1]);
    h.agent('b', [1]);
    h.call('c1', 1);
    h.send({ type: 'offerAccepted', callId: 'c1', agentId: 'a' });
    h.now += 5000;
    h.send({ type: 'callEnded', callId: 'c1' });
    h.send({ type: 'agentStatus', agentId: 'a', status: 'free' });
    h.call('c2', 1);
    expect(h.offeredTo('c2')).toEqual(['b']);
  });

  it('round-robin walks the members in a fixed cycle, skipping those not eligible', () => {
    const h = new AcdHarness();
    h.group(1, { policy: 'roundRobin' });
    for (const id of ['a', 'b', 'c']) h.agent(id, [1]);
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      h.call(`c${i}`, 1);
      const [agentId] = h.offeredTo(`c${i}`);
      order.push(agentId!);
      h.send({ type: 'offerAccepted', callId: `c${i}`, agentId: agentId! });
      h.send({ type: 'callEnded', callId: `c${i}` });
      h.send({ type: 'agentStatus', agentId: agentId!, status: 'free' });
      if (i === 2) h.send({ type: 'agentStatus', agentId: 'b', status: 'rest' });
    }
    expect(order).toEqual(['a', 'b', 'c', 'a', 'c', 'a']);
  });

  it('fewest-calls-today offers the agent who answered fewest calls today, and counts afresh each day', () => {
    const h = new AcdHarness();
    h.group(1, { policy: 'fewestCallsToday' });
    h.agent('a', [1]);
    h.agent('b', [1]);
    const serve = (callId: string) => {
      h.call(callId, 1);
      const [agentId] = h.offeredTo(callId);
      h.send({ type: 'offerAccepted', callId, agentId: agentId! });
      h.now += 1000;
      h.send({ type: 'callEnded', callId });
      h.send({ type: 'agentStatus', agentId: agentId!, status: 'free' });
      return agentId;
    };
    expect(serve('c1')).toBe('a');
    expect(serve('c2')).toBe('b');
    h.send({ type: 'agentStatus', agentId: 'b', status: 'notReady' });
    expect(serve('c3')).toBe('a');
    expect(serve('c4')).toBe('a');
    h.send({ type: 'agentStatus', agentId: 'b', status: 'free' });
    // a: 3 calls, b: 1.
    expect(serve('c5')).toBe('b');
    expect(serve('c6')).toBe('b');
    // 3 each: the longer idle first.
    expect(serve('c7')).toBe('a');
    expect(serve('c8')).toBe('b');
    h.send({ type: 'agentStatus', agentId: 'a', status: 'notReady' });
    expect(serve('c9')).toBe('b');
    h.now += 1000;
    h.send({ type: 'agentStatus', agentId: 'a', status: 'free' });
    // a: 4 calls, b: 5, and b has been idle longer. The next day both count 0, so idle time decides.
    h.now += 86_400_000;
    expect(serve('c10')).toBe('b');
    expect(serve('c11')).toBe('a');
  });

  it('ring-all offers every eligible agent at once; the first accept wins and the others are cancelled', () => {
    const h = new AcdHarness();
    h.group(1, { policy: 'ringAll' });
    for (const id of ['a', 'b', 'c']) h.agent(id, [1]);
    h.send({ type: 'agentStatus', agentId: 'c', status: 'notReady' });
    h.call('c1', 1);
    expect(h.offeredTo('c1')).toEqual(['a', 'b']);
    const commands = h.send({ type: 'offerAccepted', callId: 'c1', agentId: 'b' });
    expect(commands.filter((c) => c.type === 'cancelOffer' || c.type === 'connected')).toEqual([
      { type: 'cancelOffer', callId: 'c1', agentIds: ['a'], reason: 'answeredElsewhere' },
      { type: 'connected', callId: 'c1', agentId: 'b', groupId: 1 },
    ]);
    const late = h.send({ type: 'offerAccepted', callId: 'c1', agentId: 'a' });
    expect(late).toEqual([{ type: 'acceptRefused', callId: 'c1', agentId: 'a', reason: 'offerGone' }]);
  });

  it('ring-all: an agent freed by the winner is offered the next waiting call at once', () => {
    const h = new AcdHarness();
    h.group(1, { policy: 'ringAll' });
    h.agent('a', [1]);
    h.agent('b', [1]);
    h.call('c1', 1);
    h.call('c2', 1);
    expect(h.offeredTo('c2')).toEqual([]);
    const commands = h.send({ type: 'offerAccepted', callId: 'c1', agentId: 'a' });
    expect(of(commands, 'offer')).toEqual([{ type: 'offer', callId: 'c2', groupId: 1, agentIds: ['b'], timeoutMs: 30_000 }]);
  });

  it('ring-all rings the best priority level that has eligible agents', () => {
    const h = new AcdHarness();
    h.group(1, { policy: 'ringAll' });
    h.agent('p1a', [[1, 1]]);
    h.agent('p1b', [[1, 1]]);
    h.agent('p2', [[1, 2]]);
    h.call('c1', 1);
    expect(h.offeredTo('c1')).toEqual(['p1a', 'p1b']);
    h.advance(30_000);
    expect(h.offeredTo('c1')).toEqual(['p2']);
  });
});

describe('priorities', () => {
  it('offers priority 1 before 2 before 5, whatever the idle times', () => {
    const h = new AcdHarness();
    h.group(1);
    h.agent('p5', [[1, 5]]);
    h.agent('p2', [[1, 2]]);
    h.agent('p1', [[1, 1]]);
    h.call('c1', 1);
    h.call('c2', 1);
    h.call('c3', 1);
    expect([h.offeredTo('c1'), h.offeredTo('c2'), h.offeredTo('c3')]).toEqual([['p1'], ['p2'], ['p5']]);
  });

  it('an agent has a priority per group', () => {
    const h = new AcdHarness();
    h.group(1);
    h.group(2);
    h.agent('x', [[1, 1], [2, 5]]);
    h.agent('y', [[1, 5], [2, 1]]);
    h.call('c1', 2);
    expect(h.offeredTo('c1')).toEqual(['y']);
  });

  it('a freed agent takes the oldest waiting call across their groups', () => {
    const h = new AcdHarness();
    h.group(1, { whenNoneOnline: 'queue' });
    h.group(2, { whenNoneOnline: 'queue' });
    h.call('g2-old', 2);
    h.now += 1000;
    h.call('g1-new', 1);
    const commands = h.agent('a', [1, 2]);
    expect(of(commands, 'offer').map((o) => o.callId)).toEqual(['g2-old']);
  });
});

describe('UsingLastSeat', () => {
  function served(h: AcdHarness, callId: string, agentId: string, caller: string) {
    h.call(callId, 1, caller);
    expect(h.offeredTo(callId)).toEqual([agentId]);
    h.send({ type: 'offerAccepted', callId, agentId });
    h.now += 1000;
    h.send({ type: 'callEnded', callId });
    h.send({ type: 'agentStatus', agentId, status: 'free' });
  }

  it('offers a caller to the agent who last served that number, ahead of policy and priority', () => {
    const h = new AcdHarness();
    h.group(1, { usingLastSeat: true });
    h.agent('a', [[1, 1]]);
    h.agent('b', [[1, 2]]);
    h.send({ type: 'agentStatus', agentId: 'a', status: 'rest' });
    served(h, 'c1', 'b', '008613800000001');
    h.send({ type: 'agentStatus', agentId: 'a', status: 'free' });
    served(h, 'c2', 'b', '008613800000001');
    served(h, 'c3', 'a', '008613900000002');
  });

  it('falls back to the policy when that agent is not eligible, or misses the call', () => {
    const h = new AcdHarness();
    h.group(1, { usingLastSeat: true });
    h.agent('a', [1]);
    h.agent('b', [1]);
    h.agent('c', [1]);
    served(h, 'c1', 'a', '1001');
    // a is now the most recently idle; b is first by policy, but the caller's last seat is a.
    h.call('c2', 1, '1001');
    expect(h.offeredTo('c2')).toEqual(['a']);
    h.send({ type: 'offerDeclined', callId: 'c2', agentId: 'a' });
    expect(h.offeredTo('c2')).toEqual(['b']);
    h.send({ type: 'agentStatus', agentId: 'a', status: 'notReady' });
    h.call('c3', 1, '1001');
    expect(h.offeredTo('c3')).toEqual(['c']);
  });

  it('is off unless the group asks for it', () => {
    const h = new AcdHarness();
    h.group(1);
    h.agent('a', [1]);
    h.agent('b', [1]);
    served(h, 'c1', 'a', '1001');
    h.call('c2', 1, '1001');
    expect(h.offeredTo('c2')).toEqual(['b']);
  });
});

describe('MaxConcurrency (sessions per agent)', () => {
  it('a voice group (1) never offers an agent a second call while they serve one', () => {
    const h = new AcdHarness();
    h.group(1);
    h.agent('a', [1]);
    h.call('c1', 1);
    h.send({ type: 'offerAccepted', callId: 'c1', agentId: 'a' });
    h.send({ type: 'agentStatus', agentId: 'a', status: 'busy' });
    h.call('c2', 1);
    expect(h.offeredTo('c2')).toEqual([]);
  });

  it('an online group offers an agent up to its MaxConcurrency sessions, one offer at a time', () => {
    const h = new AcdHarness();
    h.group(7, { maxConcurrency: 2 });
    h.agent('a', [7]);
    h.call('s1', 7);
    h.call('s2', 7);
    expect(h.offeredTo('s1')).toEqual(['a']);
    expect(h.offeredTo('s2')).toEqual([]);
    const accepted = h.send({ type: 'offerAccepted', callId: 's1', agentId: 'a' });
    expect(of(accepted, 'offer')).toEqual([{ type: 'offer', callId: 's2', groupId: 7, agentIds: ['a'], timeoutMs: 30_000 }]);
    expect(h.state.getAgent('a')?.phase).toBe('servingOffered');
    h.send({ type: 'agentStatus', agentId: 'a', status: 'busy' });
    h.send({ type: 'offerAccepted', callId: 's2', agentId: 'a' });
    h.call('s3', 7);
    expect(h.offeredTo('s3')).toEqual([]);
    const ended = h.send({ type: 'callEnded', callId: 's1' });
    expect(of(ended, 'offer').map((o) => o.callId)).toEqual(['s3']);
  });

  it('a session from an online group keeps the agent out of voice groups', () => {
    const h = new AcdHarness();
    h.group(1);
    h.group(7, { maxConcurrency: 3 });
    h.agent('a', [1, 7]);
    h.call('chat', 7);
    h.send({ type: 'offerAccepted', callId: 'chat', agentId: 'a' });
    h.call('phone', 1);
    expect(h.offeredTo('phone')).toEqual([]);
  });
});

describe('queue queries', () => {
  it('tells a waiting call its place, and a group its load', () => {
    const h = new AcdHarness();
    h.group(1, { whenNoneOnline: 'queue' });
    h.group(2);
    h.agent('a', [1], 'rest');
    h.agent('b', [2]);
    h.call('c1', 1);
    h.call('c2', 1);
    h.call('c3', 2);
    expect([h.acd.queuePosition('c1'), h.acd.queuePosition('c2'), h.acd.queuePosition('c3'), h.acd.queuePosition('nope')]).toEqual([1, 2, undefined, undefined]);
    expect(h.acd.groupLoad(1)).toEqual({ waiting: 2, eligibleAgents: 0 });
    h.send({ type: 'agentStatus', agentId: 'a', status: 'free' });
    expect(h.acd.queuePosition('c2')).toBe(1);
    expect(h.acd.groupLoad(1)).toEqual({ waiting: 1, eligibleAgents: 0 });
    expect(h.acd.groupLoad(9)).toBeUndefined();
  });
});
