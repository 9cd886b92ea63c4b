import type { AgentCallView, ServerEvent } from '@openccc/protocol';
import { describe, expect, it } from 'vitest';
import { CallDesk } from './call-desk.js';
import { recentKey } from './recent-calls.js';
import { MemoryStorage, fakeMedia } from './testing/fake-media.js';

const owner = { sdkAppId: 1400000001, mail: 'alice@example.com' };
const ev = <E extends ServerEvent>(name: E['name'], payload: E['payload']) => ({ type: 'event', name, payload }) as ServerEvent;
const offer = (sessionId: string) =>
  ev('callIn', {
    sessionId,
    type: 'phone',
    timeout: 20,
    calleePhoneNumber: '4001234567',
    callerPhoneNumber: '13800138000',
    callerLocation: '',
    remark: '',
    ivrPath: [],
    protectedCaller: '',
    protectedCallee: '',
    serverType: 'staffSeat',
  });

function setup() {
  const fake = fakeMedia();
  const storage = new MemoryStorage();
  let clock = 1_000_000;
  let changes = 0;
  const desk = new CallDesk({ media: fake.deps, storage, now: () => clock, onChange: () => changes++ });
  desk.signIn(owner);
  const requests: Array<{ params: Record<string, unknown> }> = [];
  /** A server that answers every request with `reply` (plus an SDP answer when offered one). */
  const server =
    (reply: Record<string, unknown> = {}) =>
    (params: Record<string, unknown>) => {
      requests.push({ params });
      return Promise.resolve('sdp' in params ? { ...reply, sdp: 'v=0 answer' } : reply);
    };
  return { fake, storage, desk, requests, server, tick: (ms: number) => (clock += ms), changes: () => changes };
}

describe('the call desk', () => {
  it('accepts with an offer, tracks the conversation, and closes its audio and records it when it ends', async () => {
    const { fake, desk, requests, server, tick, storage } = setup();
    desk.event(offer('s1'));
    expect(desk.calls).toEqual([expect.objectContaining({ sessionId: 's1', state: 'ringing', audio: 'none', muted: false })]);

    const data = await desk.request('Call.accept', { sessionId: 's1' }, server(), 'mic-1');
    expect(data).toBeUndefined();
    expect(requests[0]?.params).toEqual({ sessionId: 's1', sdp: expect.stringContaining('m=audio') });
    expect(fake.peers[0]?.remoteDescription).toEqual({ type: 'answer', sdp: 'v=0 answer' });
    expect(desk.calls[0]).toMatchObject({ state: 'talking', audio: 'connecting', answeredAt: 1_000_000 });

    desk.event(ev('userAccessed', { sessionId: 's1' }));
    tick(65_000);
    desk.event(ev('sessionEnded', { sessionId: 's1', closeBy: 'client', type: 'phone', duration: 64 }));
    expect(desk.calls).toEqual([]);
    expect(fake.peers[0]?.closed).toBe(true);
    expect(desk.recent).toEqual([{ sessionId: 's1', type: 'phone', direction: 'in', peer: '13800138000', startedAt: 1_000_000, duration: 64, reason: 'peerHungUp' }]);
    expect(JSON.parse(storage.getItem(recentKey(owner)) ?? '[]')).toEqual(desk.recent);
  });

  it('places an outbound call, strips the answer from the result, and follows it to talking', async () => {
    const { desk, requests, server } = setup();
    const data = await desk.request('Call.startOutboundCall', { phoneNumber: '13900139000' }, server({ sessionId: 'o1', calleePhoneNumber: '13900139000', callerPhoneNumber: '4001234567', serverType: 'staffSeat' }), '');
    expect(data).toEqual({ sessionId: 'o1', calleePhoneNumber: '13900139000', callerPhoneNumber: '4001234567', serverType: 'staffSeat' });
    expect(requests[0]?.params).toMatchObject({ phoneNumber: '13900139000', sdp: expect.any(String) });
    expect(desk.calls).toEqual([expect.objectContaining({ sessionId: 'o1', direction: 'out', state: 'dialing', peer: '13900139000', audio: 'connecting' })]);
    desk.event(ev('callOuted', { sessionId: 'o1', calleePhoneNumber: '13900139000', callerPhoneNumber: '4001234567', protectedCallee: '', remark: '' }));
    desk.event(ev('calloutAccepted', { sessionId: 'o1' }));
    expect(desk.calls).toHaveLength(1);
    expect(desk.calls[0]?.state).toBe('talking');
  });

  it('an internal call dials the other agent until they answer', async () => {
    const { desk, server } = setup();
    await desk.request('Call.startInternalCall', { calleeUserId: 'bob@example.com' }, server({ sessionId: 'i1' }), '');
    expect(desk.calls[0]).toMatchObject({ sessionId: 'i1', type: 'internal', direction: 'out', state: 'dialing', peer: 'bob@example.com' });
    desk.event(ev('userAccessed', { sessionId: 'i1' }));
    expect(desk.calls[0]?.state).toBe('talking');
  });

  it('a refused request closes its audio and adds no call', async () => {
    const { fake, desk } = setup();
    const refusal = { code: 'callsUnavailable', message: 'no engine' };
    await expect(desk.request('Call.startOutboundCall', { phoneNumber: '139' }, () => Promise.reject(refusal), '')).rejects.toBe(refusal);
    expect(fake.peers[0]?.closed).toBe(true);
    expect(desk.calls).toEqual([]);
  });

  it('a session that ended before its reply is not brought back', async () => {
    const { fake, desk } = setup();
    const reply = desk.request('Call.startOutboundCall', { phoneNumber: '139' }, (params) => {
      desk.event(ev('sessionEnded', { sessionId: 'o1', closeBy: 'client', type: 'phone', duration: 0 }));
      return Promise.resolve({ sessionId: 'o1', sdp: String(params['sdp']) });
    }, '');
    await expect(reply).resolves.toEqual({ sessionId: 'o1' });
    expect(desk.calls).toEqual([]);
    expect(fake.peers[0]?.closed).toBe(true);
  });

  it('declining an offer (hungUp while ringing) removes it as declined: no event follows', async () => {
    const { desk, fake, requests, server } = setup();
    desk.event(offer('s1'));
    await desk.request('Call.hungUp', { sessionId: 's1' }, server(), '');
    expect(requests[0]?.params).toEqual({ sessionId: 's1' });
    expect(fake.peers).toEqual([]);
    expect(desk.calls).toEqual([]);
    expect(desk.recent[0]).toMatchObject({ sessionId: 's1', reason: 'declined', duration: 0 });
  });

  it('hold and resume show on the call; hanging up records the agent’s end and takes the server’s duration after', async () => {
    const { desk, server, tick } = setup();
    desk.event(offer('s1'));
    await desk.request('Call.accept', { sessionId: 's1' }, server(), '');
    await desk.request('Call.hold', { sessionId: 's1' }, server(), '');
    expect(desk.calls[0]?.state).toBe('held');
    await desk.request('Call.unHold', { sessionId: 's1' }, server(), '');
    expect(desk.calls[0]?.state).toBe('talking');
    tick(10_400);
    await desk.request('Call.hungUp', { sessionId: 's1' }, server(), '');
    expect(desk.recent[0]).toMatchObject({ reason: 'agentHungUp', duration: 10 });
    desk.event(ev('sessionEnded', { sessionId: 's1', closeBy: 'seat', type: 'phone', duration: 11 }));
    expect(desk.recent).toHaveLength(1);
    expect(desk.recent[0]).toMatchObject({ reason: 'agentHungUp', duration: 11 });
  });

  it('a transfer leaves the list as transferred; the later sessionEnded settles its duration', async () => {
    const { desk, fake, server } = setup();
    desk.event(offer('s1'));
    await desk.request('Call.accept', { sessionId: 's1' }, server(), '');
    await desk.request('Call.transfer', { sessionId: 's1', userId: 'bob@example.com' }, server(), '');
    expect(desk.calls).toEqual([]);
    expect(fake.peers[0]?.closed).toBe(true);
    desk.event(ev('transfer', { sessionId: 's1', userId: 'bob@example.com' }));
    desk.event(ev('sessionEnded', { sessionId: 's1', closeBy: 'seat', mainReason: 'transfer', type: 'phone', duration: 33 }));
    expect(desk.recent).toEqual([expect.objectContaining({ sessionId: 's1', reason: 'transferred', duration: 33 })]);
  });

  it('a call transferred away and offered back under the same id gets its audio again', async () => {
    const { desk, fake, server } = setup();
    desk.event(offer('s1'));
    await desk.request('Call.accept', { sessionId: 's1' }, server(), '');
    desk.event(ev('transfer', { sessionId: 's1', skillGroupId: '7' }));
    desk.event(offer('s1'));
    await desk.request('Call.accept', { sessionId: 's1' }, server(), '');
    expect(fake.peers.map((p) => p.closed)).toEqual([true, false]);
    expect(desk.calls[0]).toMatchObject({ state: 'talking', audio: 'connecting' });
  });

  it('answers the microphone methods itself', async () => {
    const { desk, fake, server, requests } = setup();
    desk.event(offer('s1'));
    await desk.request('Call.accept', { sessionId: 's1' }, server(), '');
    expect(desk.local('Call.isMicMuted', { sessionId: 's1' })).toBe(false);
    expect(desk.local('Call.muteMic', { sessionId: 's1' })).toBeUndefined();
    expect(fake.tracks[0]?.enabled).toBe(false);
    expect(desk.local('Call.isMicMuted', { sessionId: 's1' })).toBe(true);
    expect(desk.calls[0]?.muted).toBe(true);
    desk.local('Call.unmuteMic', { sessionId: 's1' });
    expect(fake.tracks[0]?.enabled).toBe(true);
    expect(desk.calls[0]?.muted).toBe(false);
    expect(requests).toHaveLength(1);
  });

  it('refuses the microphone methods without a session this page has audio for', () => {
    const { desk } = setup();
    desk.event(offer('s1'));
    expect(() => desk.local('Call.muteMic', {})).toThrow(expect.objectContaining({ code: 'invalidArgument', message: 'Call.muteMic needs a sessionId.' }));
    expect(() => desk.local('Call.isMicMuted', { sessionId: 'nope' })).toThrow(expect.objectContaining({ code: 'sessionNotFound' }));
    // Ringing: no audio yet.
    expect(() => desk.local('Call.unmuteMic', { sessionId: 's1' })).toThrow(expect.objectContaining({ code: 'callNotAllowed' }));
  });

  it('refuses an accept without a session id before opening the microphone', async () => {
    const { desk, fake, requests, server } = setup();
    await expect(desk.request('Call.accept', {}, server(), '')).rejects.toMatchObject({ code: 'invalidArgument' });
    expect(fake.constraints).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('welcome shows the calls in progress; on reconnection, calls gone meanwhile are recorded and their audio closed', async () => {
    const { desk, fake, server } = setup();
    const view: AgentCallView = { sessionId: 'w1', type: 'phone', direction: 'in', state: 'talking', peer: '138', callerPhoneNumber: '138', calleePhoneNumber: '400', remark: '', ivrPath: [], startedAt: 1_000_000, answeredAt: 1_005_000, ringUntil: null };
    desk.welcome([view], 0);
    expect(desk.calls).toEqual([{ ...view, muted: false, audio: 'none', silent: false }]);

    desk.event(offer('s2'));
    await desk.request('Call.accept', { sessionId: 's2' }, server(), '');
    desk.welcome([view], 0);
    expect(desk.calls.map((c) => c.sessionId)).toEqual(['w1']);
    expect(fake.peers[0]?.closed).toBe(true);
    expect(desk.recent[0]).toMatchObject({ sessionId: 's2', reason: 'unknown' });
  });

  it('sign-out closes every call’s audio and clears the calls, keeping the recent list', async () => {
    const { desk, fake, server } = setup();
    desk.event(offer('s1'));
    await desk.request('Call.accept', { sessionId: 's1' }, server(), '');
    desk.stop();
    expect(fake.peers[0]?.closed).toBe(true);
    expect(desk.calls).toEqual([]);
    expect(() => desk.local('Call.isMicMuted', { sessionId: 's1' })).toThrow(expect.objectContaining({ code: 'sessionNotFound' }));
  });
});
