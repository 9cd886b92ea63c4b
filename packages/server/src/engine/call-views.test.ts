import { describe, expect, it } from 'vitest';
import { alice, bob, CUSTOMER, HOTLINE, scenarios, T0 } from '../calls/test-support/session-harness.js';
import { callView } from './agent-call-view.js';
import { callInMetrics } from './call-in-metrics.js';

describe('callView', () => {
  it('shows a ringing inbound call to the agent rung, with the caller and the IVR path', () => {
    const call = scenarios.inboundRinging();
    expect(callView(call.session, alice.agentId, true)).toMatchObject({ type: 'phone', direction: 'in', state: 'ringing', peer: CUSTOMER, calleePhoneNumber: HOTLINE, answeredAt: null });
  });

  it('shows a call in conversation with its answer time, and a held call as held', () => {
    const call = scenarios.inboundTalking();
    const view = callView(call.session, alice.agentId, false);
    expect(view).toMatchObject({ state: 'talking', answeredAt: T0 + 9000 });
    call.send({ type: 'hold', agentId: alice.agentId }, 12);
    expect(callView(call.session, alice.agentId, false).state).toBe('held');
  });

  it('shows an outbound call being dialled from the callee’s side', () => {
    const call = scenarios.outboundDialing();
    expect(callView(call.session, alice.agentId, false)).toMatchObject({ direction: 'out', state: 'dialing', peer: call.session.callee });
  });

  it('shows an internal call as the other agent', () => {
    const call = scenarios.internalRinging();
    expect(callView(call.session, bob.agentId, true)).toMatchObject({ type: 'internal', direction: 'in', peer: alice.mail });
    expect(callView(call.session, alice.agentId, false)).toMatchObject({ type: 'internal', direction: 'out', peer: bob.mail });
  });
});

describe('callInMetrics', () => {
  it('counts the inbound calls by state, in total, per hotline and per group, with the time in their state', () => {
    const queued = scenarios.inboundUntilQueued();
    const ringing = scenarios.inboundRinging();
    const talking = scenarios.inboundTalking();
    const outbound = scenarios.outboundDialing();
    const now = T0 + 20_000;
    const metrics = callInMetrics([queued.session, ringing.session, talking.session, outbound.session], now);
    expect(metrics.timestamp).toBe(Math.floor(now / 1000));
    expect(metrics.total).toMatchObject({ ivr: 0, queued: 1, ringing: 1, accepted: 1 });
    expect(metrics.numbers).toEqual([expect.objectContaining({ number: HOTLINE, queued: 1, ringing: 1, accepted: 1 })]);
    expect(metrics.total.maxAcceptDuration).toBe(11);
    expect(metrics.total.maxRingDuration).toBe(14);
    expect(metrics.groups.reduce((n, g) => n + g.queued + g.ringing + g.accepted, 0)).toBe(3);
  });

  it('reports zeros without calls', () => {
    expect(callInMetrics([], T0).total).toMatchObject({ ivr: 0, queued: 0, maxQueueDuration: 0, avgQueueDuration: 0 });
  });
});
