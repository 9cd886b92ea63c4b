import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, uniqMail } from '../realtime/helpers.js';
import { AGENT_HZ, AudioTap, CALLEE_HZ, CUSTOMER_HZ, TestPhone, callCenter, eventually, newLine, recordOf, signedInAgent, statusIs, type CallCenter, type TestAgent } from './support.js';

let center: CallCenter;
const phones: TestPhone[] = [];
const agents: TestAgent[] = [];
let callers = 0;
let dialled = 0;

beforeAll(async () => {
  center = await callCenter({ flags: { 'ring-timeout': '5' } });
}, 60_000);

afterAll(async () => {
  for (const phone of phones) phone.close();
  for (const agent of agents) agent.hangupMedia();
  await center.close();
});

async function caller(): Promise<{ phone: TestPhone; tap: AudioTap; number: string }> {
  const number = `0086139400${String(++callers).padStart(5, '0')}`;
  const phone = await TestPhone.open(center.server.url, number);
  phones.push(phone);
  return { phone, tap: new AudioTap(phone.rtp, [AGENT_HZ]), number };
}

async function agentOf(groups: number[]): Promise<TestAgent> {
  const agent = await signedInAgent(center, groups);
  agents.push(agent);
  return agent;
}

/** A customer on a new line, answered by a new agent of its group. */
async function inConversation() {
  const line = await newLine(center);
  const agent = await agentOf([line.groupId]);
  const customer = await caller();
  const { callId } = await customer.phone.dial(line.hotline);
  const sessionId = (await agent.socket.nextEvent('callIn')).payload.sessionId;
  const heard = agent.hears(CUSTOMER_HZ);
  expect((await agent.accept(sessionId)).ok).toBe(true);
  await Promise.all([heard, customer.tap.hears(AGENT_HZ)]);
  return { line, agent, ...customer, callId, sessionId };
}

/** The live calls of the instance, as DescribePSTNActiveSessionList lists them. */
async function activeSessions() {
  const res = await center.client.DescribePSTNActiveSessionList({ SdkAppId: center.sdkAppId, Offset: 0, Limit: 25 });
  return res.Sessions ?? [];
}

describe('live calls through the Cloud API', () => {
  it('DescribeTelSession and DescribePSTNActiveSessionList show a call while an agent rings and while they talk', async () => {
    const line = await newLine(center);
    const agent = await agentOf([line.groupId]);
    const { phone, number } = await caller();
    const { callId } = await phone.dial(line.hotline);
    const sessionId = (await agent.socket.nextEvent('callIn')).payload.sessionId;

    const ringing = await center.client.DescribeTelSession({ SdkAppId: center.sdkAppId, SessionId: sessionId });
    expect(ringing.Session).toMatchObject({ SessionID: sessionId, Caller: number, Callee: line.hotline, SessionStatus: 'seatJoining', Direction: 0, AcceptTimestamp: 0 });
    expect(ringing.Session?.RingTimestamp).toBeGreaterThan(0);

    expect((await agent.accept(sessionId)).ok).toBe(true);
    await agent.socket.nextEvent('userAccessed');
    const talking = await center.client.DescribeTelSession({ SdkAppId: center.sdkAppId, SessionId: sessionId });
    expect(talking.Session).toMatchObject({ SessionID: sessionId, SessionStatus: 'inProgress', StaffEmail: agent.mail });
    expect(talking.Session?.AcceptTimestamp).toBeGreaterThan(0);
    const listed = (await activeSessions()).find((s) => s.SessionID === sessionId);
    expect(listed).toMatchObject({ Caller: number, Callee: line.hotline, SessionStatus: 'inProgress', StaffEmail: agent.mail, Direction: 0 });
    // The official model's types: StartTimestamp and AcceptTimestamp as decimal strings, RingTimestamp a number.
    expect(listed?.StartTimestamp).toBe(String(talking.Session?.StartTimestamp));
    expect(listed?.AcceptTimestamp).toBe(String(talking.Session?.AcceptTimestamp));
    expect(listed?.RingTimestamp).toBe(talking.Session?.RingTimestamp);

    phone.send({ type: 'hangup', callId });
    await agent.socket.nextEvent('sessionEnded');
    agent.hangupMedia();
    await recordOf(center, sessionId);
    expect((await activeSessions()).some((s) => s.SessionID === sessionId)).toBe(false);
    // An ended call is answered from its record.
    const ended = await center.client.DescribeTelSession({ SdkAppId: center.sdkAppId, SessionId: sessionId });
    expect(ended.Session).toMatchObject({ SessionID: sessionId, SessionStatus: 'finished' });
  });

  it('HangUpCall ends a call: the agent hears closeBy admin, the record is hung up by the system', async () => {
    const { agent, phone, callId, sessionId } = await inConversation();
    await center.client.HangUpCall({ SdkAppId: center.sdkAppId, SessionId: sessionId });
    expect((await agent.socket.nextEvent('sessionEnded')).payload).toMatchObject({ sessionId, closeBy: 'admin', mainReason: 'ok' });
    expect(await phone.next('ended', callId)).toMatchObject({ reason: 'remoteHangup' });
    agent.hangupMedia();
    expect(await recordOf(center, sessionId)).toMatchObject({ EndStatus: 1, EndStatusString: 'ok', HungUpSide: 'system' });
    // Once over, there is nothing to hang up.
    await expect(center.client.HangUpCall({ SdkAppId: center.sdkAppId, SessionId: sessionId })).rejects.toMatchObject({ code: 'FailedOperation.SessionNotExists' });
  });

  it('DescribeCallInMetrics counts a call waiting in a queue (QueueCount 1), by group and by number', async () => {
    const line = await newLine(center);
    const agent = await agentOf([line.groupId]);
    expect((await agent.socket.request('Agent.setStatus', { status: 'rest' })).ok).toBe(true);
    await statusIs(center, agent.mail, 'rest');
    const { phone } = await caller();
    const { callId } = await phone.dial(line.hotline);
    const metrics = await eventually(async () => {
      const res = await center.client.DescribeCallInMetrics({ SdkAppId: center.sdkAppId, EnabledSkillGroup: true, EnabledNumber: true, GroupIdList: [line.groupId] });
      return res.SkillGroupMetrics?.find((g) => g.SkillGroupId === line.groupId)?.Metrics?.QueueCount === 1 ? res : undefined;
    });
    expect(metrics.SkillGroupMetrics).toHaveLength(1);
    expect(metrics.NumberMetrics?.find((n) => n.Number === line.hotline)?.Metrics).toMatchObject({ QueueCount: 1, RingCount: 0, AcceptCount: 0 });
    expect(metrics.TotalMetrics?.QueueCount).toBeGreaterThanOrEqual(1);

    phone.send({ type: 'hangup', callId });
    await eventually(async () => {
      const res = await center.client.DescribeCallInMetrics({ SdkAppId: center.sdkAppId, GroupIdList: [line.groupId] });
      return res.SkillGroupMetrics?.[0]?.Metrics?.QueueCount === 0 ? true : undefined;
    });
  });
});

describe('CreateCallOutSession', () => {
  it('rings the agent’s workbench first; when they accept, the callee is dialled and answers', async () => {
    const agent = await agentOf([]);
    const callee = `00865550${String(++dialled).padStart(6, '0')}`;
    const { SessionId: sessionId } = await center.client.CreateCallOutSession({ SdkAppId: center.sdkAppId, UserId: agent.mail, Callee: callee, Callers: [center.hotline], IsForceUseMobile: true });
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    const callIn = await agent.socket.nextEvent('callIn');
    expect(callIn.payload).toMatchObject({ sessionId, type: 'phone', calleePhoneNumber: callee, callerPhoneNumber: center.hotline, timeout: 5 });
    await statusIs(center, agent.mail, 'busy');
    // Nothing is dialled before the agent accepts.
    expect((await center.client.DescribeTelSession({ SdkAppId: center.sdkAppId, SessionId: sessionId! })).Session).toMatchObject({ SessionStatus: 'seatJoining', AcceptTimestamp: 0 });

    const heard = agent.hears(CALLEE_HZ);
    expect((await agent.accept(sessionId!)).ok).toBe(true);
    expect((await agent.socket.nextEvent('callOuted')).payload).toMatchObject({ sessionId, calleePhoneNumber: callee, callerPhoneNumber: center.hotline });
    expect((await agent.socket.nextEvent('calloutAccepted')).payload).toEqual({ sessionId });
    await heard;

    expect((await agent.socket.request('Call.hungUp', { sessionId })).ok).toBe(true);
    expect((await agent.socket.nextEvent('sessionEnded')).payload).toMatchObject({ sessionId, closeBy: 'seat', mainReason: 'ok' });
    agent.hangupMedia();
    const record = await recordOf(center, sessionId!);
    expect(record).toMatchObject({ EndStatus: 1, HungUpSide: 'seat', CallType: 1, Direction: 1, Caller: center.hotline, Callee: callee, SeatUser: { Mail: agent.mail } });
    expect(record.ServeParticipants?.map((p) => p.Mail)).toEqual([agent.mail]);
    await statusIs(center, agent.mail, 'free');
  });

  it('declined by the agent: callerCancel (209), and nobody is dialled', async () => {
    const agent = await agentOf([]);
    const callee = `00865550${String(++dialled).padStart(6, '0')}`;
    const { SessionId: sessionId } = await center.client.CreateCallOutSession({ SdkAppId: center.sdkAppId, UserId: agent.mail, Callee: callee });
    await agent.socket.nextEvent('callIn');
    expect((await agent.socket.request('Call.hungUp', { sessionId })).ok).toBe(true);
    const record = await recordOf(center, sessionId!);
    expect(record).toMatchObject({ EndStatus: 209, EndStatusString: 'callerCancel', HungUpSide: 'seat', RingTimestamp: 0, AcceptTimestamp: 0 });
    expect(agent.socket.received.some((m) => m.type === 'event' && m.name === 'callOuted')).toBe(false);
    await statusIs(center, agent.mail, 'free');
  });

  it('for an agent who is not signed in: FailedOperation.CallOutFailed', async () => {
    const mail = await createAgent(center.client, center.sdkAppId, uniqMail('away'));
    await expect(center.client.CreateCallOutSession({ SdkAppId: center.sdkAppId, UserId: mail, Callee: '008655500000001' })).rejects.toMatchObject({ code: 'FailedOperation.CallOutFailed' });
  });
});

describe('TransferToManual', () => {
  it('takes a call out of the IVR into a skill group’s queue, where its agent answers', async () => {
    const target = await newLine(center);
    const agent = await agentOf([target.groupId]);
    // A menu that waits for a key a long while.
    const line = await newLine(center, {
      ivrFlow: (groupId) => ({
        version: 1,
        start: 'main',
        nodes: { main: { kind: 'menu', label: 'Menu', prompts: ['zh-CN/welcome'], timeoutMs: 20_000, keys: { '1': { action: 'queue', skillGroupId: groupId } } } },
      }),
    });
    const { phone, tap, number } = await caller();
    const { callId } = await phone.dial(line.hotline);
    const live = await eventually(async () => (await activeSessions()).find((s) => s.Caller === number));
    const sessionId = live.SessionID!;
    expect(live.SessionStatus).toBe('ringing');

    await center.client.TransferToManual({ SdkAppId: center.sdkAppId, SessionId: sessionId, SkillGroupId: target.groupId });
    const callIn = await agent.socket.nextEvent('callIn');
    expect(callIn.payload).toMatchObject({ sessionId, callerPhoneNumber: number, calleePhoneNumber: line.hotline, ivrPath: [] });
    const heard = agent.hears(CUSTOMER_HZ);
    expect((await agent.accept(sessionId)).ok).toBe(true);
    await Promise.all([heard, tap.hears(AGENT_HZ)]);
    // In conversation, it is no longer the IVR's to hand over.
    await expect(center.client.TransferToManual({ SdkAppId: center.sdkAppId, SessionId: sessionId, SkillGroupId: target.groupId })).rejects.toMatchObject({ code: 'FailedOperation.SessionNotInControlState' });

    phone.send({ type: 'hangup', callId });
    await agent.socket.nextEvent('sessionEnded');
    agent.hangupMedia();
    const record = await recordOf(center, sessionId);
    expect(record).toMatchObject({ EndStatus: 1, QueuedSkillGroupId: target.groupId, SkillGroupId: target.groupId, SeatUser: { Mail: agent.mail } });
    expect(record.IVRKeyPressed ?? []).toEqual([]);
  });
});
