import type { AgentCallView, ServerEvent } from '@openccc/protocol';
import { describe, expect, it } from 'vitest';
import { applyCallEvent, endReason, fromWelcome, markHeld, placed, type EndedCall, type TrackedCall } from './call-state.js';

const ev = <E extends ServerEvent>(name: E['name'], payload: E['payload']) => ({ type: 'event', name, payload }) as ServerEvent;

const phoneOffer = ev('callIn', {
  sessionId: 's1',
  type: 'phone',
  timeout: 30,
  calleePhoneNumber: '4001234567',
  callerPhoneNumber: '13800138000',
  callerLocation: '',
  remark: 'VIP',
  ivrPath: [{ key: '1', label: 'Sales' }],
  protectedCaller: '',
  protectedCallee: '',
  serverType: 'staffSeat',
});

function run(events: ServerEvent[], start: TrackedCall[] = [], times: number[] = []) {
  let calls = start;
  const ended: EndedCall[] = [];
  events.forEach((event, i) => {
    const change = applyCallEvent(calls, event, times[i] ?? 1000 * (i + 1));
    calls = change.calls;
    if (change.ended) ended.push(change.ended);
  });
  return { calls, ended };
}

describe('call state from events', () => {
  it('an offer rings with its numbers, IVR path, remark and ring deadline', () => {
    const { calls } = run([phoneOffer], [], [10_000]);
    expect(calls).toEqual([
      {
        sessionId: 's1',
        type: 'phone',
        direction: 'in',
        state: 'ringing',
        peer: '13800138000',
        callerPhoneNumber: '13800138000',
        calleePhoneNumber: '4001234567',
        remark: 'VIP',
        ivrPath: [{ key: '1', label: 'Sales' }],
        startedAt: 10_000,
        answeredAt: null,
        ringUntil: 40_000,
      },
    ]);
  });

  it('an offer without a timeout rings without a deadline; an internal offer names the other agent', () => {
    const { calls } = run([ev('callIn', { ...(phoneOffer.payload as object), timeout: 0 } as never), ev('callIn', { sessionId: 's2', type: 'internal', timeout: 15, peerUserId: 'bob@example.com' })]);
    expect(calls[0]?.ringUntil).toBeNull();
    expect(calls[1]).toMatchObject({ sessionId: 's2', type: 'internal', direction: 'in', state: 'ringing', peer: 'bob@example.com', ringUntil: 2000 + 15_000 });
  });

  it('answering starts the conversation; sessionEnded removes it with the server duration and the reason', () => {
    const { calls, ended } = run([phoneOffer, ev('userAccessed', { sessionId: 's1' }), ev('sessionEnded', { sessionId: 's1', closeBy: 'client', type: 'phone', duration: 42 })]);
    expect(calls).toEqual([]);
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatchObject({ reason: 'peerHungUp', duration: 42, call: { state: 'talking', answeredAt: 2000, ringUntil: null } });
  });

  it('an outbound call dials, then talks when the callee answers', () => {
    const dialing = run([ev('callOuted', { sessionId: 'o1', calleePhoneNumber: '13900139000', callerPhoneNumber: '4001234567', protectedCallee: '', remark: '' })]).calls;
    expect(dialing).toEqual([expect.objectContaining({ sessionId: 'o1', direction: 'out', state: 'dialing', peer: '13900139000', callerPhoneNumber: '4001234567', startedAt: 1000 })]);
    const talking = run([ev('calloutAccepted', { sessionId: 'o1' })], dialing, [5000]).calls;
    expect(talking[0]).toMatchObject({ state: 'talking', answeredAt: 5000, startedAt: 1000 });
  });

  it('callOuted after the reply keeps the call and its start time', () => {
    const fromReply = placed([], { sessionId: 'o1', type: 'phone', peer: '139' }, 500);
    const { calls } = run([ev('callOuted', { sessionId: 'o1', calleePhoneNumber: '139', callerPhoneNumber: '400', protectedCallee: '', remark: 'r' })], fromReply, [900]);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ startedAt: 500, callerPhoneNumber: '400', remark: 'r', state: 'dialing' });
  });

  it('autoTransfer is a missed offer; transfer leaves with the time talked', () => {
    const missed = run([phoneOffer, ev('autoTransfer', { sessionId: 's1' })]);
    expect(missed.calls).toEqual([]);
    expect(missed.ended[0]).toMatchObject({ reason: 'missed', duration: 0 });
    const moved = run([phoneOffer, ev('userAccessed', { sessionId: 's1' }), ev('transfer', { sessionId: 's1', userId: 'bob@example.com' })], [], [1000, 2000, 32_500]);
    expect(moved.ended[0]).toMatchObject({ reason: 'transferred', duration: 30 });
  });

  it('events for unknown sessions change nothing', () => {
    const { calls, ended } = run([ev('userAccessed', { sessionId: 'x' }), ev('sessionEnded', { sessionId: 'x', closeBy: 'seat', type: 'phone', duration: 1 })]);
    expect(calls).toEqual([]);
    expect(ended).toEqual([]);
  });

  it('hold and resume move between talking and held only', () => {
    const talking = run([phoneOffer, ev('userAccessed', { sessionId: 's1' })]).calls;
    const held = markHeld(talking, 's1', true);
    expect(held[0]?.state).toBe('held');
    expect(markHeld(held, 's1', true)[0]?.state).toBe('held');
    expect(markHeld(held, 's1', false)[0]?.state).toBe('talking');
  });
});

describe('end reasons', () => {
  const call = (patch: Partial<TrackedCall>): TrackedCall => ({ ...(run([phoneOffer]).calls[0] as TrackedCall), ...patch });
  it.each([
    [{ answeredAt: 5, state: 'talking' }, 'client', undefined, 'peerHungUp'],
    [{ answeredAt: 5, state: 'held' }, 'seat', undefined, 'agentHungUp'],
    [{ answeredAt: 5, state: 'talking' }, 'timer', undefined, 'timeout'],
    [{ answeredAt: 5, state: 'talking' }, 'admin', undefined, 'admin'],
    [{ answeredAt: 5, state: 'talking' }, 'seat', 'transfer', 'transferred'],
    [{}, 'seat', undefined, 'declined'],
    [{}, 'client', undefined, 'missed'],
    [{}, 'timer', 'answeredElsewhere', 'answeredElsewhere'],
    [{ direction: 'out', state: 'dialing' }, 'seat', undefined, 'cancelled'],
    [{ direction: 'out', state: 'dialing' }, 'client', undefined, 'noAnswer'],
  ] as const)('%j closed by %s (%s) is %s', (patch, closeBy, mainReason, reason) => {
    expect(endReason(call(patch as Partial<TrackedCall>), closeBy, mainReason)).toBe(reason);
  });
});

describe('welcome.sessions', () => {
  it('are moved to this browser’s clock', () => {
    const view: AgentCallView = {
      sessionId: 'w1',
      type: 'phone',
      direction: 'in',
      state: 'held',
      peer: '13800138000',
      callerPhoneNumber: '13800138000',
      calleePhoneNumber: '400',
      remark: '',
      ivrPath: [{ key: '2', label: 'Support' }],
      startedAt: 100_000,
      answeredAt: 110_000,
      ringUntil: null,
    };
    const [call] = fromWelcome([view, { ...view, sessionId: 'w2', state: 'ringing', answeredAt: null, ringUntil: 130_000 }], 60_000);
    expect(call).toEqual({ ...view, startedAt: 40_000, answeredAt: 50_000 });
    expect(fromWelcome([{ ...view, answeredAt: null, ringUntil: 130_000 }], 60_000)[0]?.ringUntil).toBe(70_000);
  });
});
