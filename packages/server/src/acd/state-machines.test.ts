import { describe, expect, it } from 'vitest';
import { assertAgentMove, type AgentPhase } from './agent-state.js';
import { assertCallMove, type CallPhase } from './call-state.js';
import { AcdStateError } from './errors.js';
import { AcdHarness } from './test-support/acd-harness.js';

describe('call phases', () => {
  it.each<[CallPhase, CallPhase]>([
    ['new', 'queued'],
    ['queued', 'ringing'],
    ['queued', 'queued'],
    ['queued', 'ended'],
    ['ringing', 'queued'],
    ['ringing', 'connected'],
    ['ringing', 'ended'],
    ['connected', 'ended'],
    ['connected', 'queued'],
  ])('%s → %s is allowed', (from, to) => {
    expect(() => assertCallMove('c1', from, to)).not.toThrow();
  });

  it.each<[CallPhase, CallPhase]>([
    ['new', 'ringing'],
    ['new', 'connected'],
    ['queued', 'connected'],
    ['connected', 'ringing'],
    ['ended', 'queued'],
    ['ended', 'ended'],
  ])('%s → %s throws', (from, to) => {
    expect(() => assertCallMove('c1', from, to)).toThrow(new AcdStateError(`Call c1 cannot go from ${from} to ${to}.`));
  });
});

describe('agent reservation phases', () => {
  it.each<[AgentPhase, AgentPhase]>([
    ['idle', 'serving'],
    ['idle', 'wrapUp'],
    ['idle', 'servingOffered'],
    ['offered', 'offered'],
    ['offered', 'wrapUp'],
    ['serving', 'offered'],
    ['wrapUp', 'offered'],
    ['wrapUp', 'serving'],
  ])('%s → %s throws', (from, to) => {
    expect(() => assertAgentMove('a', from, to)).toThrow(AcdStateError);
  });

  it('a busy run takes every path of both diagrams', () => {
    const h = new AcdHarness();
    h.group(1, { wrapUpMs: 1_000, ringTimeoutMs: 1_000 });
    h.group(2, { maxConcurrency: 2, policy: 'ringAll' });
    h.agent('a', [1, 2]);
    h.agent('b', [1, 2]);
    h.call('c1', 1);
    h.send({ type: 'offerAccepted', callId: 'c1', agentId: 'a' });
    h.call('c2', 2);
    h.send({ type: 'offerAccepted', callId: 'c2', agentId: 'b' });
    h.call('c3', 1);
    h.send({ type: 'callEnded', callId: 'c1' });
    h.advance(1_000);
    h.advance(1_000);
    h.advance(2_000);
    h.send({ type: 'offerAccepted', callId: 'c3', agentId: 'a' });
    h.call('c4', 2);
    h.send({ type: 'callEnded', callId: 'c2' });
    h.send({ type: 'callTransferred', callId: 'c3', groupId: 2 });
    const moves = new Set(h.transitions.map((t) => `${t.machine}:${t.from}→${t.to}`));
    expect([...moves].sort()).toEqual(
      [
        'agent:idle→offered',
        'agent:offered→idle',
        'agent:offered→serving',
        'agent:serving→servingOffered',
        'agent:servingOffered→serving',
        'agent:servingOffered→offered',
        'agent:serving→wrapUp',
        'agent:wrapUp→idle',
        'call:new→queued',
        'call:queued→ringing',
        'call:ringing→connected',
        'call:ringing→queued',
        'call:connected→ended',
        'call:connected→queued',
      ].sort(),
    );
  });
});
