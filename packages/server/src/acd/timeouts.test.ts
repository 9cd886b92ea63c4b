import { describe, expect, it } from 'vitest';
import { AcdHarness } from './test-support/acd-harness.js';

const of = AcdHarness.of;

describe('ring timeout', () => {
  it('moves an unanswered offer to the next agent and tells the first one (autoTransfer)', () => {
    const h = new AcdHarness();
    h.group(1, { ringTimeoutMs: 15_000 });
    h.agent('a', [1]);
    h.now += 1;
    h.agent('b', [1]);
    const queued = h.call('c1', 1);
    expect(of(queued, 'offer')[0]).toMatchObject({ agentIds: ['a'], timeoutMs: 15_000 });
    expect(h.advance(14_999)).toEqual([]);
    const fired = h.advance(1);
    expect(fired.filter((c) => c.type === 'autoTransfer' || c.type === 'offer')).toEqual([
      { type: 'autoTransfer', callId: 'c1', agentIds: ['a'] },
      { type: 'offer', callId: 'c1', groupId: 1, agentIds: ['b'], timeoutMs: 15_000 },
    ]);
    // a is free again and takes the next call.
    h.call('c2', 1);
    expect(h.offeredTo('c2')).toEqual(['a']);
  });

  it('offers the call again to agents who missed it, after the retry delay, when nobody else is eligible', () => {
    const h = new AcdHarness();
    h.group(1, { ringTimeoutMs: 10_000, retryDelayMs: 3_000 });
    h.agent('a', [1]);
    h.call('c1', 1);
    h.advance(10_000);
    expect(of(h.log, 'offer')).toHaveLength(1);
    h.advance(2_999);
    expect(of(h.log, 'offer')).toHaveLength(1);
    h.advance(1);
    expect(of(h.log, 'offer')).toHaveLength(2);
    expect(h.offeredTo('c1')).toEqual(['a']);
  });

  it('a new agent gets a call at once even while it waits for a retry', () => {
    const h = new AcdHarness();
    h.group(1, { ringTimeoutMs: 10_000 });
    h.agent('a', [1]);
    h.call('c1', 1);
    h.send({ type: 'offerDeclined', callId: 'c1', agentId: 'a' });
    const commands = h.agent('b', [1]);
    expect(of(commands, 'offer')).toMatchObject([{ callId: 'c1', agentIds: ['b'] }]);
    // The retry timer is gone with the offer.
    expect([...h.state.timers()].map((t) => t.kind)).toEqual(['ring']);
  });

  it('a ring timeout of 0 rings until answered', () => {
    const h = new AcdHarness();
    h.group(1, { ringTimeoutMs: 0 });
    h.agent('a', [1]);
    const commands = h.call('c1', 1);
    expect(of(commands, 'schedule')).toEqual([]);
    expect(h.advance(3_600_000)).toEqual([]);
  });

  it('a declined offer moves on at once', () => {
    const h = new AcdHarness();
    h.group(1);
    h.agent('a', [1]);
    h.now += 1;
    h.agent('b', [1]);
    h.call('c1', 1);
    const commands = h.send({ type: 'offerDeclined', callId: 'c1', agentId: 'a' });
    expect(of(commands, 'offer')).toMatchObject([{ callId: 'c1', agentIds: ['b'] }]);
    expect(of(commands, 'autoTransfer')).toEqual([]);
  });

  it('a ring-all offer times out for every agent together', () => {
    const h = new AcdHarness();
    h.group(1, { policy: 'ringAll', ringTimeoutMs: 5_000 });
    h.agent('a', [1]);
    h.agent('b', [1]);
    h.call('c1', 1);
    h.send({ type: 'offerDeclined', callId: 'c1', agentId: 'a' });
    const fired = h.advance(5_000);
    expect(of(fired, 'autoTransfer')).toEqual([{ type: 'autoTransfer', callId: 'c1', agentIds: ['b'] }]);
    expect(h.state.getCall('c1')?.phase).toBe('queued');
  });
});

describe('maximum queue wait', () => {
  it('hangs up a call that waited too long (queueTimeout)', () => {
    const h = new AcdHarness();
    h.group(1, { maxWaitMs: 60_000 });
    h.agent('a', [1], 'rest');
    h.call('c1', 1);
    const fired = h.advance(60_000);
    expect(of(fired, 'hangup')).toEqual([{ type: 'hangup', callId: 'c1', reason: 'queueTimeout' }]);
    expect(h.state.getCall('c1')).toBeUndefined();
  });

  it('overflows to the configured group, whose own wait then starts', () => {
    const h = new AcdHarness();
    h.group(1, { maxWaitMs: 60_000, onQueueExit: { action: 'overflow', groupId: 2 } });
    h.group(2, { maxWaitMs: 30_000 });
    h.agent('a', [1], 'rest');
    h.agent('b', [2], 'notReady');
    h.call('c1', 1);
    const fired = h.advance(60_000);
    expect(of(fired, 'overflow')).toEqual([{ type: 'overflow', callId: 'c1', fromGroupId: 1, toGroupId: 2 }]);
    expect(h.state.getCall('c1')?.groupId).toBe(2);
    const freed = h.send({ type: 'agentStatus', agentId: 'b', status: 'free' });
    expect(of(freed, 'offer')).toMatchObject([{ callId: 'c1', groupId: 2, agentIds: ['b'] }]);
    h.send({ type: 'offerDeclined', callId: 'c1', agentId: 'b' });
    h.send({ type: 'agentStatus', agentId: 'b', status: 'notReady' });
    expect(of(h.advance(30_000), 'hangup')).toEqual([{ type: 'hangup', callId: 'c1', reason: 'queueTimeout' }]);
  });

  it('never overflows back into a group the call has been in', () => {
    const h = new AcdHarness();
    h.group(1, { maxWaitMs: 10_000, onQueueExit: { action: 'overflow', groupId: 2 } });
    h.group(2, { maxWaitMs: 10_000, onQueueExit: { action: 'overflow', groupId: 1 } });
    h.agent('a', [1, 2], 'rest');
    h.call('c1', 1);
    expect(of(h.advance(10_000), 'overflow')).toHaveLength(1);
    expect(of(h.advance(10_000), 'hangup')).toEqual([{ type: 'hangup', callId: 'c1', reason: 'queueTimeout' }]);
  });

  it('lets a ringing offer finish, and leaves only if it is not answered', () => {
    const h = new AcdHarness();
    h.group(1, { maxWaitMs: 20_000, ringTimeoutMs: 15_000 });
    h.agent('a', [1], 'rest');
    h.call('c1', 1);
    h.advance(10_000);
    h.send({ type: 'agentStatus', agentId: 'a', status: 'free' });
    expect(h.advance(10_000)).toEqual([]);
    const fired = h.advance(5_000);
    expect(fired.filter((c) => c.type === 'autoTransfer' || c.type === 'hangup')).toEqual([
      { type: 'autoTransfer', callId: 'c1', agentIds: ['a'] },
      { type: 'hangup', callId: 'c1', reason: 'queueTimeout' },
    ]);
  });

  it('stops counting once the call is answered', () => {
    const h = new AcdHarness();
    h.group(1, { maxWaitMs: 20_000 });
    h.agent('a', [1]);
    h.call('c1', 1);
    h.send({ type: 'offerAccepted', callId: 'c1', agentId: 'a' });
    expect(h.timers.size).toBe(0);
    expect(h.advance(60_000)).toEqual([]);
  });

  it('a call to a group with no member online leaves at once (noSeatOnline), or waits if the group says so', () => {
    const h = new AcdHarness();
    h.group(1);
    h.group(2, { whenNoneOnline: 'queue' });
    h.group(3, { onQueueExit: { action: 'overflow', groupId: 4 } });
    h.group(4);
    h.agent('d', [4]);
    h.send({ type: 'membershipChanged', agentId: 'x', groups: [{ groupId: 1, priority: 1 }] });
    expect(h.call('c1', 1)).toEqual([{ type: 'hangup', callId: 'c1', reason: 'noSeatOnline' }]);
    expect(h.call('c2', 2)).toEqual([]);
    expect(h.state.getCall('c2')?.phase).toBe('queued');
    const overflowed = h.call('c3', 3);
    expect(overflowed.filter((c) => c.type !== 'schedule')).toMatchObject([{ type: 'overflow', toGroupId: 4 }, { type: 'offer', agentIds: ['d'] }]);
  });

  it('agents in rest or notReady count as online: the call waits for them', () => {
    const h = new AcdHarness();
    h.group(1);
    h.agent('a', [1], 'rest');
    expect(h.call('c1', 1)).toEqual([]);
  });
});

describe('after-call work', () => {
  it('keeps the agent in after-call work for the group’s time, then frees them', () => {
    const h = new AcdHarness();
    h.group(1, { wrapUpMs: 30_000 });
    h.agent('a', [1]);
    h.call('c1', 1);
    h.send({ type: 'offerAccepted', callId: 'c1', agentId: 'a' });
    h.send({ type: 'agentStatus', agentId: 'a', status: 'busy' });
    const ended = h.send({ type: 'callEnded', callId: 'c1' });
    expect(of(ended, 'wrapUp')).toEqual([{ type: 'wrapUp', agentId: 'a', callId: 'c1', until: h.now + 30_000 }]);
    h.send({ type: 'agentStatus', agentId: 'a', status: 'afterCallWork' });
    h.call('c2', 1);
    expect(h.offeredTo('c2')).toEqual([]);
    expect(of(h.advance(29_999), 'agentFree')).toEqual([]);
    expect(of(h.advance(1), 'agentFree')).toEqual([{ type: 'agentFree', agentId: 'a' }]);
    // The engine records the agent free; then the waiting call is offered.
    const freed = h.send({ type: 'agentStatus', agentId: 'a', status: 'free' });
    expect(of(freed, 'offer')).toMatchObject([{ callId: 'c2', agentIds: ['a'] }]);
  });

  it('ends early when the agent sets free', () => {
    const h = new AcdHarness();
    h.group(1, { wrapUpMs: 30_000, whenNoneOnline: 'queue' });
    h.agent('a', [1]);
    h.call('c1', 1);
    h.send({ type: 'offerAccepted', callId: 'c1', agentId: 'a' });
    h.send({ type: 'callEnded', callId: 'c1' });
    h.call('c2', 1);
    h.now += 5_000;
    const freed = h.send({ type: 'agentStatus', agentId: 'a', status: 'free' });
    expect(of(freed, 'cancelTimer')).toHaveLength(1);
    expect(of(freed, 'offer')).toMatchObject([{ callId: 'c2', agentIds: ['a'] }]);
  });

  it('without after-call work the agent is free at once', () => {
    const h = new AcdHarness();
    h.group(1);
    h.agent('a', [1]);
    h.call('c1', 1);
    h.send({ type: 'offerAccepted', callId: 'c1', agentId: 'a' });
    expect(of(h.send({ type: 'callEnded', callId: 'c1' }), 'agentFree')).toEqual([{ type: 'agentFree', agentId: 'a' }]);
  });

  it('an agent who chose rest during after-call work stays out of offers after it ends', () => {
    const h = new AcdHarness();
    h.group(1, { wrapUpMs: 10_000, whenNoneOnline: 'queue' });
    h.agent('a', [1]);
    h.call('c1', 1);
    h.send({ type: 'offerAccepted', callId: 'c1', agentId: 'a' });
    h.send({ type: 'callEnded', callId: 'c1' });
    h.send({ type: 'agentStatus', agentId: 'a', status: 'rest' });
    h.call('c2', 1);
    const fired = h.advance(10_000);
    expect(of(fired, 'agentFree')).toHaveLength(1);
    expect(of(fired, 'offer')).toEqual([]);
  });
});

describe('transfer to a group', () => {
  it('frees the transferring agent (after-call work) and queues the call in the target group', () => {
    const h = new AcdHarness();
    h.group(1, { wrapUpMs: 5_000 });
    h.group(2);
    h.agent('a', [1, 2]);
    h.agent('b', [2]);
    h.call('c1', 1);
    h.send({ type: 'offerAccepted', callId: 'c1', agentId: 'a' });
    const moved = h.send({ type: 'callTransferred', callId: 'c1', groupId: 2 });
    expect(moved.filter((c) => c.type === 'wrapUp' || c.type === 'offer')).toMatchObject([
      { type: 'wrapUp', agentId: 'a', callId: 'c1' },
      { type: 'offer', callId: 'c1', groupId: 2, agentIds: ['b'] },
    ]);
  });
});
