import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, uniqMail } from '../realtime/helpers.js';
import { AGENT_HZ, PEER_AGENT_HZ, ToneAgent, callCenter, recordOf, signedInAgent, statusIs, type CallCenter } from './support.js';

let center: CallCenter;
const agents: ToneAgent[] = [];

beforeAll(async () => {
  center = await callCenter({ flags: { 'ring-timeout': '5' } });
}, 60_000);

afterAll(async () => {
  for (const agent of agents) agent.hangupMedia();
  await center.close();
});

/** The calling agent: speaks AGENT_HZ, listens for the peer (and ringback). */
async function caller(): Promise<ToneAgent> {
  const agent = new ToneAgent(await signedInAgent(center, []), AGENT_HZ, [PEER_AGENT_HZ, 450]);
  agents.push(agent);
  return agent;
}

/** The agent called: speaks PEER_AGENT_HZ, listens for the caller. */
async function peer(): Promise<ToneAgent> {
  const agent = new ToneAgent(await signedInAgent(center, []), PEER_AGENT_HZ, [AGENT_HZ]);
  agents.push(agent);
  return agent;
}

/** `Call.startInternalCall` with the agent's offer; applies the server's answer when the call is placed. */
async function callAgent(from: ToneAgent, calleeUserId: string) {
  const sdp = await from.offer();
  const reply = await from.socket.request('Call.startInternalCall', { calleeUserId, sdp });
  if (reply.ok) await from.answer(reply.data);
  else from.hangupMedia();
  return reply;
}

async function placed(from: ToneAgent, to: ToneAgent): Promise<string> {
  const reply = await callAgent(from, to.mail);
  if (!reply.ok) throw new Error(`Call.startInternalCall failed: ${JSON.stringify(reply.error)}`);
  const { sessionId } = reply.data as { sessionId: string };
  return sessionId;
}

describe('an internal call', () => {
  it('rings the peer (callIn internal with peerUserId), who answers; both hear each other; the record is CallType 6', async () => {
    const a = await caller();
    const b = await peer();
    const sessionId = await placed(a, b);
    const callIn = await b.socket.nextEvent('callIn');
    expect(callIn.payload).toEqual({ sessionId, type: 'internal', timeout: 5, peerUserId: a.mail });
    // The peer is reserved for the call while it rings, the caller is in it.
    await statusIs(center, b.mail, 'busy');
    await statusIs(center, a.mail, 'busy');

    const aHears = a.hears(PEER_AGENT_HZ);
    const bHears = b.hears(AGENT_HZ);
    expect((await b.accept(sessionId)).ok).toBe(true);
    expect((await b.socket.nextEvent('userAccessed')).payload).toEqual({ sessionId });
    expect((await a.socket.nextEvent('userAccessed')).payload).toEqual({ sessionId });
    await Promise.all([aHears, bHears]);

    expect((await a.socket.request('Call.hungUp', { sessionId })).ok).toBe(true);
    expect((await b.socket.nextEvent('sessionEnded')).payload).toMatchObject({ sessionId, closeBy: 'seat', mainReason: 'ok', type: 'internal' });
    expect((await a.socket.nextEvent('sessionEnded')).payload).toMatchObject({ sessionId, closeBy: 'seat', mainReason: 'ok', type: 'internal' });
    a.hangupMedia();
    b.hangupMedia();
    const record = await recordOf(center, sessionId);
    expect(record).toMatchObject({ SessionId: sessionId, CallType: 6, Direction: 1, EndStatus: 1, EndStatusString: 'ok', HungUpSide: 'seat', Caller: a.mail, Callee: b.mail });
    expect(record.AcceptTimestamp).toBeGreaterThan(0);
    expect(record.ServeParticipants?.map((p) => p.Mail)).toEqual([a.mail, b.mail]);
    await Promise.all([statusIs(center, a.mail, 'free'), statusIs(center, b.mail, 'free')]);
  });

  it('declined by the peer: userReject (203), hung up by the seat; both are free again', async () => {
    const a = await caller();
    const b = await peer();
    const sessionId = await placed(a, b);
    await b.socket.nextEvent('callIn');
    expect((await b.socket.request('Call.hungUp', { sessionId })).ok).toBe(true);
    expect((await a.socket.nextEvent('sessionEnded')).payload).toMatchObject({ sessionId, mainReason: 'userReject', duration: 0 });
    a.hangupMedia();
    const record = await recordOf(center, sessionId);
    expect(record).toMatchObject({ CallType: 6, EndStatus: 203, EndStatusString: 'userReject', HungUpSide: 'seat', AcceptTimestamp: 0 });
    expect(record.ServeParticipants?.find((p) => p.Mail === b.mail)?.EndStatusString).toBe('userReject');
    await Promise.all([statusIs(center, a.mail, 'free'), statusIs(center, b.mail, 'free')]);
  });

  it('cancelled by the caller while the peer rings: callerCancelWhileRing (220); the peer is told', async () => {
    const a = await caller();
    const b = await peer();
    const sessionId = await placed(a, b);
    await b.socket.nextEvent('callIn');
    expect((await a.socket.request('Call.hungUp', { sessionId })).ok).toBe(true);
    expect((await b.socket.nextEvent('sessionEnded')).payload).toMatchObject({ sessionId, closeBy: 'seat', mainReason: 'callerCancelWhileRing' });
    a.hangupMedia();
    expect(await recordOf(center, sessionId)).toMatchObject({ CallType: 6, EndStatus: 220, HungUpSide: 'seat' });
    await Promise.all([statusIs(center, a.mail, 'free'), statusIs(center, b.mail, 'free')]);
  });

  it('that rings out (--ring-timeout 5): notAnswer (202), hung up by the system', async () => {
    const a = await caller();
    const b = await peer();
    const sessionId = await placed(a, b);
    const rungAt = Date.now();
    expect((await b.socket.nextEvent('callIn')).payload).toMatchObject({ timeout: 5 });
    expect((await b.socket.nextEvent('autoTransfer')).payload).toEqual({ sessionId });
    expect(Date.now() - rungAt).toBeGreaterThanOrEqual(4_500);
    expect((await a.socket.nextEvent('sessionEnded')).payload).toMatchObject({ sessionId, mainReason: 'notAnswer' });
    a.hangupMedia();
    expect(await recordOf(center, sessionId)).toMatchObject({ CallType: 6, EndStatus: 202, EndStatusString: 'notAnswer', HungUpSide: 'system' });
    // Too late to answer.
    expect((await b.accept(sessionId)).ok).toBe(false);
    b.hangupMedia();
    await Promise.all([statusIs(center, a.mail, 'free'), statusIs(center, b.mail, 'free')]);
  });
});

describe('an internal call nobody can take', () => {
  it('to a peer already in a call: peerUnavailable, and the caller stays free', async () => {
    const c = await caller();
    const b = await peer();
    const first = await placed(c, b);
    await b.socket.nextEvent('callIn');
    expect((await b.accept(first)).ok).toBe(true);
    await statusIs(center, b.mail, 'busy');

    const a = await caller();
    expect(await callAgent(a, b.mail)).toMatchObject({ ok: false, error: { code: 'peerUnavailable' } });
    await statusIs(center, a.mail, 'free');
    expect(b.socket.received.filter((m) => m.type === 'event' && m.name === 'callIn')).toHaveLength(1);
    expect((await c.socket.request('Call.hungUp', { sessionId: first })).ok).toBe(true);
    await b.socket.nextEvent('sessionEnded');
  });

  it('to a peer who is not signed in, or who does not exist: peerUnavailable', async () => {
    const a = await caller();
    const offline = await createAgent(center.client, center.sdkAppId, uniqMail('offline'));
    expect(await callAgent(a, offline)).toMatchObject({ ok: false, error: { code: 'peerUnavailable' } });
    expect(await callAgent(a, uniqMail('nobody'))).toMatchObject({ ok: false, error: { code: 'peerUnavailable' } });
    await statusIs(center, a.mail, 'free');
  });

  it('to a peer who rests: peerUnavailable', async () => {
    const a = await caller();
    const b = await peer();
    expect((await b.socket.request('Agent.setStatus', { status: 'rest', restReason: 'lunch' })).ok).toBe(true);
    expect(await callAgent(a, b.mail)).toMatchObject({ ok: false, error: { code: 'peerUnavailable' } });
    await statusIs(center, b.mail, 'rest');
  });
});
