import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricsOf } from '../realtime/helpers.js';
import { AGENT_HZ, CALLEE_HZ, CUSTOMER_HZ, TestPhone, callCenter, recordOf, signedInAgent, statusIs, type CallCenter, type TestAgent } from './support.js';

/** The numbers the instance calls out with, besides its hotline; OUT sorts first, so it is the instance's first number. */
const OUT = '0086100000001';
const BOUND = '0086800000001';

let center: CallCenter;
const phones: TestPhone[] = [];
const agents: TestAgent[] = [];
let dialled = 0;

beforeAll(async () => {
  // A callee who lets it ring gives up after 2 s.
  center = await callCenter({ virtualNoAnswerMs: 2_000 });
  await center.server.server.services.numbers.add(center.sdkAppId, OUT, {});
}, 60_000);

afterAll(async () => {
  for (const phone of phones) phone.close();
  for (const agent of agents) agent.hangupMedia();
  await center.close();
});

/** A free agent in no skill group (unless given), so that no queue rings them. */
async function agentOf(on: CallCenter = center, groups: number[] = []): Promise<TestAgent> {
  const agent = await signedInAgent(on, groups);
  agents.push(agent);
  return agent;
}

/** A scripted number of behaviour `digit` (`0086555<digit>…`), new to this file. */
function scripted(digit: string): string {
  return `0086555${digit}${String(++dialled).padStart(6, '0')}`;
}

type Outbound = { sessionId: string; calleePhoneNumber: string; callerPhoneNumber: string; serverType: string; remark: string; sdp: string };

/** `Call.startOutboundCall` with the agent's offer; applies the server's answer when the call is placed. */
async function callOut(agent: TestAgent, phoneNumber: string, params: Record<string, unknown> = {}) {
  const sdp = await agent.offer();
  const reply = await agent.socket.request('Call.startOutboundCall', { phoneNumber, sdp, ...params });
  if (reply.ok) await agent.answer(reply.data);
  return reply;
}

/** Places the call; it must be accepted. */
async function placed(agent: TestAgent, phoneNumber: string, params: Record<string, unknown> = {}): Promise<Outbound> {
  const reply = await callOut(agent, phoneNumber, params);
  if (!reply.ok) throw new Error(`Call.startOutboundCall failed: ${JSON.stringify(reply.error)}`);
  return reply.data as Outbound;
}

describe('an outbound call to a scripted number', () => {
  it('that answers: callOuted, then calloutAccepted, the agent hears the callee, and the record is ok (1)', async () => {
    const agent = await agentOf();
    const callee = scripted('0');
    const startedAt = Date.now();
    const call = await placed(agent, callee, { phoneDesc: 'renewal' });
    expect(call).toMatchObject({ calleePhoneNumber: callee, callerPhoneNumber: OUT, serverType: 'staffSeat', remark: 'renewal', sdp: expect.stringMatching(/^v=0/) });
    const { sessionId } = call;
    const heard = agent.hears(CALLEE_HZ);
    expect((await agent.socket.nextEvent('callOuted')).payload).toEqual({ sessionId, calleePhoneNumber: callee, callerPhoneNumber: OUT, protectedCallee: '', remark: 'renewal' });
    await statusIs(center, agent.mail, 'busy');
    expect((await agent.socket.nextEvent('calloutAccepted')).payload).toEqual({ sessionId });
    // The scripted callee rings 2 s first.
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1_500);
    await heard;

    expect((await agent.socket.request('Call.hungUp', { sessionId })).ok).toBe(true);
    expect((await agent.socket.nextEvent('sessionEnded')).payload).toMatchObject({ sessionId, closeBy: 'seat', mainReason: 'ok', type: 'phone' });
    agent.hangupMedia();
    const record = await recordOf(center, sessionId);
    expect(record).toMatchObject({ SessionId: sessionId, EndStatus: 1, EndStatusString: 'ok', HungUpSide: 'seat', CallType: 1, Direction: 1, Caller: OUT, Callee: callee, Remark: 'renewal' });
    expect(record.SeatUser?.Mail).toBe(agent.mail);
    expect(record.RingTimestamp).toBeGreaterThan(0);
    expect(record.AcceptTimestamp).toBeGreaterThanOrEqual(record.RingTimestamp!);
    expect(record.ServeParticipants?.map((p) => [p.Mail, p.EndStatusString])).toEqual([[agent.mail, 'ok']]);
    await statusIs(center, agent.mail, 'free');
  });

  it.each([
    ['1', 206, 'busy', true],
    ['2', 202, 'notAnswer', true],
    ['3', 203, 'userReject', true],
    ['4', 210, 'notInService', false],
    ['5', 204, 'powerOff', false],
    ['6', 205, 'numberNotExist', false],
  ] as const)('0086555%s…: ends as %i %s, with the agent told and freed', async (digit, endStatus, reason, rings) => {
    const agent = await agentOf();
    const callee = scripted(digit);
    const { sessionId } = await placed(agent, callee);
    expect((await agent.socket.nextEvent('callOuted')).payload).toMatchObject({ sessionId, calleePhoneNumber: callee });
    expect((await agent.socket.nextEvent('sessionEnded')).payload).toEqual({ sessionId, closeBy: 'client', mainReason: reason, type: 'phone', duration: 0 });
    agent.hangupMedia();
    expect(agent.socket.received.some((m) => m.type === 'event' && m.name === 'calloutAccepted')).toBe(false);
    const record = await recordOf(center, sessionId);
    expect(record).toMatchObject({ EndStatus: endStatus, EndStatusString: reason, HungUpSide: 'user', CallType: 1, Caller: OUT, Callee: callee, AcceptTimestamp: 0, Duration: 0 });
    // Only a number that rang has a ring time.
    if (rings) expect(record.RingTimestamp).toBeGreaterThan(0);
    else expect(record.RingTimestamp).toBe(0);
    expect(record.ServeParticipants?.map((p) => [p.Mail, p.EndStatusString])).toEqual([[agent.mail, reason]]);
    await statusIs(center, agent.mail, 'free');
  });

  it('0086555 7…: answers, then hangs up by itself after 10 s: ok, hung up by the user', async () => {
    const agent = await agentOf();
    const callee = scripted('7');
    const { sessionId } = await placed(agent, callee);
    const heard = agent.hears(CALLEE_HZ);
    await agent.socket.nextEvent('calloutAccepted');
    const answeredAt = Date.now();
    await heard;
    const ended = await agent.socket.nextEvent('sessionEnded');
    expect(ended.payload).toMatchObject({ sessionId, closeBy: 'client', mainReason: 'ok' });
    expect(Date.now() - answeredAt).toBeGreaterThanOrEqual(9_000);
    expect(ended.payload.duration).toBeGreaterThanOrEqual(9);
    agent.hangupMedia();
    const record = await recordOf(center, sessionId);
    expect(record).toMatchObject({ EndStatus: 1, EndStatusString: 'ok', HungUpSide: 'user', Callee: callee });
    expect(record.Duration).toBeGreaterThanOrEqual(9);
    expect(record.Duration).toBeLessThanOrEqual(11);
  }, 30_000);
});

describe('the agent’s status around an outbound call', () => {
  it('goes back to rest, with its reason, when the agent called out while resting', async () => {
    const agent = await agentOf();
    expect((await agent.socket.request('Agent.setStatus', { status: 'rest', restReason: 'lunch' })).ok).toBe(true);
    await statusIs(center, agent.mail, 'rest');
    const { sessionId } = await placed(agent, scripted('6'));
    expect((await agent.socket.nextEvent('sessionEnded')).payload).toMatchObject({ sessionId, mainReason: 'numberNotExist' });
    agent.hangupMedia();
    await recordOf(center, sessionId);
    // The status after the call, once it has left busy (or 3 s later).
    const deadline = Date.now() + 3_000;
    let back = await metricsOf(center.client, center.sdkAppId, agent.mail);
    while (back.Status === 'busy' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      back = await metricsOf(center.client, center.sdkAppId, agent.mail);
    }
    expect(back).toMatchObject({ Status: 'rest', Reason: 'lunch' });
  });

  it('goes back to free for an agent who was free', async () => {
    const agent = await agentOf();
    const { sessionId } = await placed(agent, scripted('6'));
    await agent.socket.nextEvent('sessionEnded');
    agent.hangupMedia();
    await recordOf(center, sessionId);
    await statusIs(center, agent.mail, 'free');
  });
});

describe('an outbound call the agent cancels', () => {
  it('while the callee rings: callerCancelWhileRing (220), and the callee’s phone stops ringing', async () => {
    const agent = await agentOf();
    const number = '008613700000001';
    const phone = await TestPhone.open(center.server.url, number);
    phones.push(phone);
    const { sessionId } = await placed(agent, number);
    expect(await phone.next('incoming')).toMatchObject({ callId: sessionId, from: OUT, to: number });
    expect((await agent.socket.request('Call.hungUp', { sessionId })).ok).toBe(true);
    expect((await agent.socket.nextEvent('sessionEnded')).payload).toMatchObject({ sessionId, closeBy: 'seat', mainReason: 'callerCancelWhileRing', duration: 0 });
    expect(await phone.next('ended', sessionId)).toMatchObject({ reason: 'remoteHangup' });
    agent.hangupMedia();
    const record = await recordOf(center, sessionId);
    expect(record).toMatchObject({ EndStatus: 220, EndStatusString: 'callerCancelWhileRing', HungUpSide: 'seat', AcceptTimestamp: 0 });
    expect(record.RingTimestamp).toBeGreaterThan(0);
    await statusIs(center, agent.mail, 'free');
  });

  it('before the callee rings: callerCancelWithoutRing (221)', async () => {
    const agent = await agentOf();
    // Unreachable: it never rings, and fails only after 500 ms.
    const { sessionId } = await placed(agent, scripted('4'));
    expect((await agent.socket.request('Call.hungUp', { sessionId })).ok).toBe(true);
    expect((await agent.socket.nextEvent('sessionEnded')).payload).toMatchObject({ sessionId, closeBy: 'seat', mainReason: 'callerCancelWithoutRing', duration: 0 });
    agent.hangupMedia();
    const record = await recordOf(center, sessionId);
    expect(record).toMatchObject({ EndStatus: 221, EndStatusString: 'callerCancelWithoutRing', HungUpSide: 'seat', RingTimestamp: 0, AcceptTimestamp: 0 });
    await statusIs(center, agent.mail, 'free');
  });
});

describe('an outbound call to a virtual phone', () => {
  it('rings the phone that uses the number; it answers, and audio goes both ways', async () => {
    const agent = await agentOf();
    const number = '008613700000002';
    const phone = await TestPhone.open(center.server.url, number);
    phones.push(phone);
    const { sessionId } = await placed(agent, number);
    const incoming = await phone.next('incoming');
    expect(incoming).toMatchObject({ from: OUT, to: number });
    expect((await agent.socket.nextEvent('callOuted')).payload).toMatchObject({ sessionId, calleePhoneNumber: number });
    const agentHears = agent.hears(CUSTOMER_HZ);
    const phoneHears = phone.rtp.waitForTone(AGENT_HZ);
    await phone.answer(incoming.callId);
    expect((await agent.socket.nextEvent('calloutAccepted')).payload).toEqual({ sessionId });
    await Promise.all([agentHears, phoneHears]);

    expect((await agent.socket.request('Call.hungUp', { sessionId })).ok).toBe(true);
    expect((await agent.socket.nextEvent('sessionEnded')).payload).toMatchObject({ sessionId, closeBy: 'seat', mainReason: 'ok' });
    expect(await phone.next('ended', incoming.callId)).toMatchObject({ reason: 'remoteHangup' });
    agent.hangupMedia();
    const record = await recordOf(center, sessionId);
    expect(record).toMatchObject({ EndStatus: 1, HungUpSide: 'seat', CallType: 1, Caller: OUT, Callee: number, RecordId: sessionId });
    expect(record.AcceptTimestamp).toBeGreaterThan(0);
  });

  it('ends as userReject (203) when the phone rejects it', async () => {
    const agent = await agentOf();
    const number = '008613700000003';
    const phone = await TestPhone.open(center.server.url, number);
    phones.push(phone);
    const { sessionId } = await placed(agent, number);
    const incoming = await phone.next('incoming');
    phone.send({ type: 'reject', callId: incoming.callId });
    expect((await agent.socket.nextEvent('sessionEnded')).payload).toMatchObject({ sessionId, closeBy: 'client', mainReason: 'userReject' });
    agent.hangupMedia();
    expect(await recordOf(center, sessionId)).toMatchObject({ EndStatus: 203, HungUpSide: 'user' });
  });
});

describe('the caller id of an outbound call', () => {
  it('is callerPhoneNumber when the instance owns it', async () => {
    const agent = await agentOf();
    const call = await placed(agent, scripted('6'), { callerPhoneNumber: center.hotline });
    expect(call.callerPhoneNumber).toBe(center.hotline);
    expect((await agent.socket.nextEvent('callOuted')).payload).toMatchObject({ callerPhoneNumber: center.hotline });
    await agent.socket.nextEvent('sessionEnded');
    agent.hangupMedia();
    expect(await recordOf(center, call.sessionId)).toMatchObject({ Caller: center.hotline });
  });

  it('refuses a callerPhoneNumber the instance does not own with noCallerNumber, and leaves the agent free', async () => {
    const agent = await agentOf();
    const reply = await callOut(agent, scripted('0'), { callerPhoneNumber: '0086999000111' });
    agent.hangupMedia();
    expect(reply).toMatchObject({ ok: false, error: { code: 'noCallerNumber' } });
    expect(agent.socket.received.some((m) => m.type === 'event' && m.name === 'callOuted')).toBe(false);
    await statusIs(center, agent.mail, 'free');
  });

  it('is a number bound to the agent’s skill group (BindNumberCallOutSkillGroup), or to the skillGroupId given', async () => {
    const group = await center.client.CreateCCCSkillGroup({ SdkAppId: center.sdkAppId, SkillGroupName: 'Outbound', SkillGroupType: 0, MaxConcurrency: 1 });
    const groupId = group.SkillGroupId as number;
    await center.server.server.services.numbers.add(center.sdkAppId, BOUND, {});
    await center.client.BindNumberCallOutSkillGroup({ SdkAppId: center.sdkAppId, Number: BOUND, SkillGroupIds: [groupId] });

    const member = await agentOf(center, [groupId]);
    const one = await placed(member, scripted('6'));
    expect(one.callerPhoneNumber).toBe(BOUND);
    await member.socket.nextEvent('sessionEnded');
    member.hangupMedia();

    // An agent of no group, naming the group.
    const other = await agentOf();
    const two = await placed(other, scripted('6'), { skillGroupId: String(groupId) });
    expect(two.callerPhoneNumber).toBe(BOUND);
    await other.socket.nextEvent('sessionEnded');
    // Without it: the instance's first number.
    await statusIs(center, other.mail, 'free');
    const three = await placed(other, scripted('6'));
    expect(three.callerPhoneNumber).toBe(OUT);
    await other.socket.nextEvent('sessionEnded');
    other.hangupMedia();
    expect(await recordOf(center, one.sessionId)).toMatchObject({ Caller: BOUND });
  });
});

describe('an instance with no number', () => {
  let bare: CallCenter;
  beforeAll(async () => {
    bare = await callCenter();
    await bare.server.server.services.numbers.remove(bare.sdkAppId, bare.hotline);
  }, 60_000);
  afterAll(() => bare.close());

  it('cannot call out: noCallerNumber, and the agent stays free', async () => {
    const agent = await agentOf(bare);
    const reply = await callOut(agent, scripted('0'));
    agent.hangupMedia();
    expect(reply).toMatchObject({ ok: false, error: { code: 'noCallerNumber' } });
    await statusIs(bare, agent.mail, 'free');
  });
});
