import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricsOf } from '../realtime/helpers.js';
import { AGENT_HZ, AudioTap, CUSTOMER_HZ, TestPhone, callCenter, endedOf, eventually, newLine, recordByPhone, recordOf, signedInAgent, type CallCenter, type TestAgent } from './support.js';

const phones: TestPhone[] = [];
const agents: TestAgent[] = [];
let callers = 0;

afterAll(() => {
  for (const phone of phones) phone.close();
  for (const agent of agents) agent.hangupMedia();
});

async function caller(center: CallCenter): Promise<{ phone: TestPhone; number: string }> {
  const number = `0086139200${String(++callers).padStart(5, '0')}`;
  const phone = await TestPhone.open(center.server.url, number);
  phones.push(phone);
  return { phone, number };
}

async function agentOf(center: CallCenter, groupId: number): Promise<TestAgent> {
  const agent = await signedInAgent(center, [groupId]);
  agents.push(agent);
  return agent;
}

/** The calls waiting in the group's queue, as DescribeCallInMetrics counts them. */
async function queuedIn(center: CallCenter, groupId: number): Promise<number> {
  const res = await center.client.DescribeCallInMetrics({ SdkAppId: center.sdkAppId, EnabledSkillGroup: true, GroupIdList: [groupId] });
  return res.SkillGroupMetrics?.find((g) => g.SkillGroupId === groupId)?.Metrics?.QueueCount ?? 0;
}

/** Which of two agents is rung first; the other's wait for a callIn is kept for later. */
async function firstRung(a: TestAgent, b: TestAgent) {
  const rings = [a.socket.nextEvent('callIn'), b.socket.nextEvent('callIn')] as const;
  const first = await Promise.race(rings.map((ring, i) => ring.then((event) => ({ i, event }))));
  return { first: first.i === 0 ? a : b, callIn: first.event, second: first.i === 0 ? b : a, secondRing: rings[1 - first.i]! };
}

describe('the queue (ring timeout 5 s)', () => {
  let center: CallCenter;
  beforeAll(async () => {
    center = await callCenter({ flags: { 'ring-timeout': '5' } });
  }, 60_000);
  afterAll(() => center.close());

  it('ends a call to a group with nobody online as noSeatOnline (105)', async () => {
    const line = await newLine(center);
    const { phone, number } = await caller(center);
    const dialled = await phone.dial(line.hotline);
    expect(await endedOf(phone, dialled)).toMatchObject({ reason: 'remoteHangup', message: 'noSeatOnline' });
    const record = await recordByPhone(center, number);
    expect(record).toMatchObject({ EndStatus: 105, EndStatusString: 'noSeatOnline', HungUpSide: 'system', Callee: line.hotline, QueuedSkillGroupId: line.groupId });
    expect(record.ServeParticipants ?? []).toEqual([]);
  });

  it('keeps a call waiting while the only agent rests, and records the caller who gives up as waitingGiveUp (103)', async () => {
    const line = await newLine(center);
    const agent = await agentOf(center, line.groupId);
    expect((await agent.socket.request('Agent.setStatus', { status: 'rest', restReason: 'lunch' })).ok).toBe(true);
    expect((await metricsOf(center.client, center.sdkAppId, agent.mail)).Status).toBe('rest');
    const { phone, number } = await caller(center);
    const { callId, media } = await phone.dial(line.hotline);
    expect(media.type).toBe('media');
    await eventually(async () => ((await queuedIn(center, line.groupId)) === 1 ? true : undefined));
    phone.send({ type: 'hangup', callId });
    expect(await phone.next('ended', callId)).toMatchObject({ reason: 'hangup' });
    const record = await recordByPhone(center, number);
    expect(record).toMatchObject({ EndStatus: 103, EndStatusString: 'waitingGiveUp', HungUpSide: 'user', QueuedSkillGroupId: line.groupId });
    expect(record.ServeParticipants ?? []).toEqual([]);
    expect(agent.socket.received.filter((m) => m.type === 'event' && m.name === 'callIn')).toEqual([]);
    expect(await queuedIn(center, line.groupId)).toBe(0);
  });

  it('records a caller who hangs up while the agent rings as ringingGiveUp (104); the agent is told and freed', async () => {
    const line = await newLine(center);
    const agent = await agentOf(center, line.groupId);
    const { phone, number } = await caller(center);
    const { callId } = await phone.dial(line.hotline);
    const callIn = await agent.socket.nextEvent('callIn');
    const sessionId = callIn.payload.sessionId;
    expect(await phone.next('ringing', callId)).toMatchObject({ type: 'ringing' });
    phone.send({ type: 'hangup', callId });
    expect((await agent.socket.nextEvent('sessionEnded')).payload).toMatchObject({ sessionId, closeBy: 'client', mainReason: 'ringingGiveUp', duration: 0 });
    const record = await recordOf(center, sessionId);
    expect(record).toMatchObject({ EndStatus: 104, EndStatusString: 'ringingGiveUp', HungUpSide: 'user', Caller: number, Duration: 0, AcceptTimestamp: 0 });
    expect(record.ServeParticipants?.map((p) => [p.Mail, p.EndStatusString])).toEqual([[agent.mail, 'ringingGiveUp']]);
    expect(record.RingTimestamp).toBeGreaterThan(0);
    await eventually(async () => ((await metricsOf(center.client, center.sdkAppId, agent.mail)).Status === 'free' ? true : undefined));
    // Accepting now is refused: the offer is gone.
    expect((await agent.accept(sessionId)).ok).toBe(false);
  });

  it('moves a call whose ring times out on to the next agent (autoTransfer), who answers', async () => {
    const line = await newLine(center);
    const a = await agentOf(center, line.groupId);
    const b = await agentOf(center, line.groupId);
    const { phone } = await caller(center);
    const tap = new AudioTap(phone.rtp, [AGENT_HZ]);
    const { callId } = await phone.dial(line.hotline);
    const { first, callIn, second, secondRing } = await firstRung(a, b);
    const sessionId = callIn.payload.sessionId;
    const rungAt = Date.now();
    expect(callIn.payload).toMatchObject({ timeout: 5 });
    expect((await first.socket.nextEvent('autoTransfer')).payload).toEqual({ sessionId });
    expect(Date.now() - rungAt).toBeGreaterThanOrEqual(4_500);
    const next = await secondRing;
    expect(next.payload).toMatchObject({ sessionId, type: 'phone' });
    // Too late for the first agent.
    expect((await first.accept(sessionId)).ok).toBe(false);
    first.hangupMedia();
    expect((await second.accept(sessionId)).ok).toBe(true);
    await Promise.all([second.hears(CUSTOMER_HZ), tap.hears(AGENT_HZ)]);
    phone.send({ type: 'hangup', callId });
    expect((await second.socket.nextEvent('sessionEnded')).payload).toMatchObject({ sessionId, closeBy: 'client' });
    const record = await recordOf(center, sessionId);
    expect(record).toMatchObject({ EndStatus: 1, SeatUser: { Mail: second.mail } });
    expect(record.ServeParticipants?.map((p) => [p.Mail, p.EndStatusString])).toEqual([
      [first.mail, 'notAnswer'],
      [second.mail, 'ok'],
    ]);
  }, 45_000);

  it('moves a declined call on to the next agent at once', async () => {
    const line = await newLine(center);
    const a = await agentOf(center, line.groupId);
    const b = await agentOf(center, line.groupId);
    const { phone } = await caller(center);
    const { callId } = await phone.dial(line.hotline);
    const { first, callIn, second, secondRing } = await firstRung(a, b);
    const sessionId = callIn.payload.sessionId;
    const declinedAt = Date.now();
    expect((await first.socket.request('Call.hungUp', { sessionId })).ok).toBe(true);
    expect((await secondRing).payload).toMatchObject({ sessionId });
    // Well before the 5 s ring timeout.
    expect(Date.now() - declinedAt).toBeLessThan(4_000);
    phone.send({ type: 'hangup', callId });
    expect((await second.socket.nextEvent('sessionEnded')).payload).toMatchObject({ sessionId, closeBy: 'client', mainReason: 'ringingGiveUp' });
    const record = await recordOf(center, sessionId);
    expect(record).toMatchObject({ EndStatus: 104 });
    expect(record.ServeParticipants?.map((p) => [p.Mail, p.EndStatusString])).toEqual([
      [first.mail, 'userReject'],
      [second.mail, 'ringingGiveUp'],
    ]);
  });
});

describe('the longest wait (--max-wait 2)', () => {
  let center: CallCenter;
  beforeAll(async () => {
    center = await callCenter({ flags: { 'max-wait': '2' } });
  }, 60_000);
  afterAll(() => center.close());

  it('ends a call that waited too long as ivrEnd (107), hung up by the system', async () => {
    const line = await newLine(center);
    const agent = await agentOf(center, line.groupId);
    expect((await agent.socket.request('Agent.setStatus', { status: 'rest' })).ok).toBe(true);
    const { phone, number } = await caller(center);
    const { callId, media } = await phone.dial(line.hotline);
    expect(media.type).toBe('media');
    const queuedAt = Date.now();
    expect(await phone.next('ended', callId)).toMatchObject({ reason: 'remoteHangup' });
    expect(Date.now() - queuedAt).toBeGreaterThanOrEqual(1_500);
    const record = await recordByPhone(center, number);
    expect(record).toMatchObject({ EndStatus: 107, EndStatusString: 'ivrEnd', HungUpSide: 'system', QueuedSkillGroupId: line.groupId });
    expect(record.EndedTimestamp! - record.QueuedTimestamp!).toBeGreaterThanOrEqual(1);
  });
});

describe('after-call work (--after-call-work 2)', () => {
  let center: CallCenter;
  beforeAll(async () => {
    center = await callCenter({ flags: { 'after-call-work': '2' } });
  }, 60_000);
  afterAll(() => center.close());

  it('puts the agent in arrange until a given time, then free, and only then offers the next call', async () => {
    const line = await newLine(center);
    const agent = await agentOf(center, line.groupId);
    const first = await caller(center);
    const one = await first.phone.dial(line.hotline);
    const callIn = await agent.socket.nextEvent('callIn');
    expect((await agent.accept(callIn.payload.sessionId)).ok).toBe(true);
    await agent.hears(CUSTOMER_HZ);
    first.phone.send({ type: 'hangup', callId: one.callId });
    await agent.socket.nextEvent('sessionEnded');
    agent.hangupMedia();
    const endedAt = Date.now();
    const arrange = await nextStatus(agent, (s) => s !== 'busy');
    expect(arrange).toMatchObject({ status: 'arrange', until: expect.any(Number) });
    expect(arrange.until! - endedAt).toBeGreaterThan(1_000);
    expect(arrange.until! - endedAt).toBeLessThanOrEqual(2_500);
    expect((await metricsOf(center.client, center.sdkAppId, agent.mail)).Status).toBe('afterCallWork');

    // A call now waits for the agent's after-call work.
    const second = await caller(center);
    const two = await second.phone.dial(line.hotline);
    expect(two.media.type).toBe('media');
    // The agent is free again first, at the time announced; then the call is offered.
    const after = await agent.socket.next('event');
    expect(after).toMatchObject({ name: 'statusChanged', payload: { status: 'free' } });
    expect(Date.now()).toBeGreaterThanOrEqual(arrange.until! - 50);
    const next = await agent.socket.nextEvent('callIn');
    expect(next.payload).toMatchObject({ callerPhoneNumber: second.number });
    second.phone.send({ type: 'hangup', callId: two.callId });
    expect((await agent.socket.nextEvent('sessionEnded')).payload).toMatchObject({ mainReason: 'ringingGiveUp' });
  });
});

/** The agent's next statusChanged whose status passes `wanted` (others are skipped). */
async function nextStatus(agent: TestAgent, wanted: (status: string) => boolean): Promise<{ status: string; reason?: string; until?: number }> {
  for (;;) {
    const event = await agent.socket.nextEvent('statusChanged');
    if (wanted(event.payload.status)) return event.payload;
  }
}
