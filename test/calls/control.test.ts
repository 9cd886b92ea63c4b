import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentSocket, loginAs, metricsOf } from '../realtime/helpers.js';
import {
  AGENT_HZ,
  AudioTap,
  CUSTOMER_HZ,
  HOLD_MUSIC_HZ,
  PEER_AGENT_HZ,
  TestAgent,
  TestPhone,
  ToneAgent,
  callCenter,
  eventually,
  newLine,
  recordOf,
  signedInAgent,
  statusIs,
  type CallCenter,
} from './support.js';

let center: CallCenter;
const phones: TestPhone[] = [];
const agents: TestAgent[] = [];
let callers = 0;

beforeAll(async () => {
  // A workbench that closes is given up after a second.
  center = await callCenter({ flags: { 'ring-timeout': '5', 'presence-grace': '1' } });
}, 60_000);

afterAll(async () => {
  for (const phone of phones) phone.close();
  for (const agent of agents) agent.hangupMedia();
  await center.close();
});

async function caller(): Promise<{ phone: TestPhone; tap: AudioTap; number: string }> {
  const number = `0086139300${String(++callers).padStart(5, '0')}`;
  const phone = await TestPhone.open(center.server.url, number);
  phones.push(phone);
  return { phone, tap: new AudioTap(phone.rtp, [AGENT_HZ, PEER_AGENT_HZ, ...HOLD_MUSIC_HZ]), number };
}

async function agentOf(groups: number[]): Promise<TestAgent> {
  const agent = await signedInAgent(center, groups);
  agents.push(agent);
  return agent;
}

/** A customer on a new line, answered by a new agent of its group; both hear each other. */
async function inConversation() {
  const line = await newLine(center);
  const agent = new ToneAgent(await agentOf([line.groupId]), AGENT_HZ, [CUSTOMER_HZ]);
  agents.push(agent);
  const customer = await caller();
  const { callId } = await customer.phone.dial(line.hotline);
  const callIn = await agent.socket.nextEvent('callIn');
  const sessionId = callIn.payload.sessionId;
  const heard = agent.hears(CUSTOMER_HZ);
  expect((await agent.accept(sessionId)).ok).toBe(true);
  await Promise.all([heard, customer.tap.hears(AGENT_HZ)]);
  return { line, agent, ...customer, callId, sessionId };
}

/** Resolves with the first 200 ms block the tap hears that passes `test`. */
async function blockWhere(tap: AudioTap, test: (frequencies: number[]) => boolean): Promise<number[]> {
  for (;;) {
    const [block] = await tap.blocks(1);
    if (block && test(block.frequencies)) return block.frequencies;
  }
}

const holdMusic = (frequencies: number[]) => frequencies.some((hz) => (HOLD_MUSIC_HZ as readonly number[]).includes(hz));

describe('hold', () => {
  it('takes the agent off the call and plays hold music to the customer; unHold brings them back', async () => {
    const { agent, tap, phone, callId, sessionId } = await inConversation();
    expect((await agent.socket.request('Call.hold', { sessionId })).ok).toBe(true);
    await blockWhere(tap, holdMusic);
    // A second of hold: the customer hears music and no agent, the agent hears nothing of the customer.
    const [held, agentHeard] = await Promise.all([tap.blocks(5), agent.listen(1000)]);
    expect(held.filter((b) => b.frequencies.includes(AGENT_HZ))).toEqual([]);
    expect(held.some((b) => holdMusic(b.frequencies))).toBe(true);
    expect(agentHeard.filter((tones) => tones.includes(CUSTOMER_HZ))).toEqual([]);
    // Held twice is out of place.
    expect(await agent.socket.request('Call.hold', { sessionId })).toMatchObject({ ok: false, error: { code: 'callNotAllowed' } });

    expect((await agent.socket.request('Call.unHold', { sessionId })).ok).toBe(true);
    await tap.hears(AGENT_HZ);
    await eventually(async () => ((await agent.listen(400)).some((tones) => tones.includes(CUSTOMER_HZ)) ? true : undefined));
    const back = await tap.blocks(3);
    expect(back.filter((b) => holdMusic(b.frequencies))).toEqual([]);
    expect(await agent.socket.request('Call.unHold', { sessionId })).toMatchObject({ ok: false, error: { code: 'callNotAllowed' } });

    phone.send({ type: 'hangup', callId });
    expect((await agent.socket.nextEvent('sessionEnded')).payload).toMatchObject({ sessionId, closeBy: 'client', mainReason: 'ok' });
    agent.hangupMedia();
    expect(await recordOf(center, sessionId)).toMatchObject({ EndStatus: 1, HungUpSide: 'user' });
  });
});

describe('Call.sendDigits', () => {
  it('reaches the customer’s phone as RFC 4733 events, in order', async () => {
    const { agent, phone, callId, sessionId } = await inConversation();
    const digits: string[] = [];
    phone.rtp.on('dtmf', (digit) => digits.push(digit));
    const first = phone.rtp.nextDigit();
    expect((await agent.socket.request('Call.sendDigits', { sessionId, dtmfText: '5' })).ok).toBe(true);
    expect(await first).toBe('5');
    expect((await agent.socket.request('Call.sendDigits', { sessionId, dtmfText: '12#' })).ok).toBe(true);
    await eventually(() => Promise.resolve(digits.length >= 4 ? true : undefined));
    expect(digits).toEqual(['5', '1', '2', '#']);
    expect(await agent.socket.request('Call.sendDigits', { sessionId, dtmfText: '5x' })).toMatchObject({ ok: false, error: { code: 'invalidArgument' } });
    phone.send({ type: 'hangup', callId });
    await agent.socket.nextEvent('sessionEnded');
    agent.hangupMedia();
  });
});

describe('a blind transfer', () => {
  it('to another agent: transfer, B rings and answers, the customer hears B; both serve in the record', async () => {
    const { agent: a, tap, phone, callId, sessionId, line } = await inConversation();
    const b = new ToneAgent(await agentOf([]), PEER_AGENT_HZ, [CUSTOMER_HZ]);
    agents.push(b);
    expect((await a.socket.request('Call.transfer', { sessionId, userId: b.mail })).ok).toBe(true);
    expect((await a.socket.nextEvent('transfer')).payload).toEqual({ sessionId, userId: b.mail });
    expect((await a.socket.nextEvent('sessionEnded')).payload).toMatchObject({ sessionId, closeBy: 'seat', mainReason: 'transfer' });
    a.hangupMedia();
    const callIn = await b.socket.nextEvent('callIn');
    expect(callIn.payload).toMatchObject({ sessionId, type: 'phone', timeout: 5, calleePhoneNumber: line.hotline });
    const bHears = b.hears(CUSTOMER_HZ);
    expect((await b.accept(sessionId)).ok).toBe(true);
    await Promise.all([bHears, tap.hears(PEER_AGENT_HZ)]);
    await statusIs(center, a.mail, 'free');

    phone.send({ type: 'hangup', callId });
    expect((await b.socket.nextEvent('sessionEnded')).payload).toMatchObject({ sessionId, closeBy: 'client', mainReason: 'ok' });
    b.hangupMedia();
    const record = await recordOf(center, sessionId);
    expect(record).toMatchObject({ EndStatus: 1, HungUpSide: 'user', SeatUser: { Mail: b.mail } });
    expect(record.ServeParticipants?.map((p) => [p.Mail, p.TransferFrom ?? '', p.TransferTo ?? ''])).toEqual([
      [a.mail, '', b.mail],
      [b.mail, a.mail, ''],
    ]);
    await statusIs(center, b.mail, 'free');
  });

  it('to a skill group: the call waits in that group’s queue and is offered to its agent', async () => {
    const { agent: a, tap, phone, callId, sessionId, line } = await inConversation();
    const other = await newLine(center);
    const b = new ToneAgent(await agentOf([other.groupId]), PEER_AGENT_HZ, [CUSTOMER_HZ]);
    agents.push(b);
    expect((await b.socket.request('Agent.setStatus', { status: 'rest' })).ok).toBe(true);
    await statusIs(center, b.mail, 'rest');

    expect((await a.socket.request('Call.transfer', { sessionId, skillGroupId: String(other.groupId) })).ok).toBe(true);
    expect((await a.socket.nextEvent('transfer')).payload).toEqual({ sessionId, skillGroupId: String(other.groupId) });
    expect((await a.socket.nextEvent('sessionEnded')).payload).toMatchObject({ sessionId, mainReason: 'transfer' });
    a.hangupMedia();
    // Queued in the other group: the customer hears the queue's music.
    await eventually(async () => {
      const res = await center.client.DescribeCallInMetrics({ SdkAppId: center.sdkAppId, GroupIdList: [other.groupId] });
      return res.SkillGroupMetrics?.find((g) => g.SkillGroupId === other.groupId)?.Metrics?.QueueCount === 1 ? true : undefined;
    });
    await blockWhere(tap, holdMusic);

    expect((await b.socket.request('Agent.setStatus', { status: 'free' })).ok).toBe(true);
    const callIn = await b.socket.nextEvent('callIn');
    expect(callIn.payload).toMatchObject({ sessionId, type: 'phone' });
    const bHears = b.hears(CUSTOMER_HZ);
    expect((await b.accept(sessionId)).ok).toBe(true);
    await Promise.all([bHears, tap.hears(PEER_AGENT_HZ)]);

    phone.send({ type: 'hangup', callId });
    await b.socket.nextEvent('sessionEnded');
    b.hangupMedia();
    const record = await recordOf(center, sessionId);
    expect(record).toMatchObject({ EndStatus: 1, QueuedSkillGroupId: line.groupId, SkillGroupId: other.groupId, SeatUser: { Mail: b.mail } });
    expect(record.ServeParticipants?.map((p) => [p.Mail, p.SkillGroupId, p.TransferFrom ?? '', p.TransferTo ?? ''])).toEqual([
      [a.mail, line.groupId, '', b.mail],
      [b.mail, other.groupId, a.mail, ''],
    ]);
  });
});

/** An outbound call from a new agent to a new virtual phone, answered; both hear each other. */
async function outboundInConversation() {
  const agent = await agentOf([]);
  const customer = await caller();
  const sdp = await agent.offer();
  const reply = await agent.socket.request('Call.startOutboundCall', { phoneNumber: customer.number, sdp });
  if (!reply.ok) throw new Error(`Call.startOutboundCall failed: ${JSON.stringify(reply.error)}`);
  await agent.answer(reply.data);
  const { sessionId } = reply.data as { sessionId: string };
  const incoming = await customer.phone.next('incoming');
  const heard = agent.hears(CUSTOMER_HZ);
  await customer.phone.answer(incoming.callId);
  await agent.socket.nextEvent('calloutAccepted');
  await Promise.all([heard, customer.tap.hears(AGENT_HZ)]);
  return { agent, ...customer, callId: incoming.callId, sessionId };
}

/** `promise`, or a failure naming `what` after `ms`. */
function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms))]);
}

describe('a blind transfer of an outbound call', () => {
  it('to another agent: B answers and talks to the customer already on the line; the phone does not ring again', async () => {
    const { agent: a, tap, phone, callId, sessionId } = await outboundInConversation();
    const b = new ToneAgent(await agentOf([]), PEER_AGENT_HZ, [CUSTOMER_HZ]);
    agents.push(b);
    expect((await a.socket.request('Call.transfer', { sessionId, userId: b.mail })).ok).toBe(true);
    expect((await a.socket.nextEvent('sessionEnded')).payload).toMatchObject({ sessionId, mainReason: 'transfer' });
    a.hangupMedia();
    expect((await b.socket.nextEvent('callIn')).payload).toMatchObject({ sessionId, type: 'phone' });
    const rangAgain = phone.next('incoming').then((m) => `the customer's phone rang again: ${JSON.stringify(m)}`);
    expect((await b.accept(sessionId)).ok).toBe(true);
    expect(await Promise.race([within(5_000, tap.hears(PEER_AGENT_HZ), 'agent B on the line').then(() => 'the customer hears B'), rangAgain])).toBe('the customer hears B');
    expect(b.socket.received.some((m) => m.type === 'event' && m.name === 'callOuted')).toBe(false);

    phone.send({ type: 'hangup', callId });
    expect((await b.socket.nextEvent('sessionEnded')).payload).toMatchObject({ sessionId, closeBy: 'client', mainReason: 'ok' });
    b.hangupMedia();
    const record = await recordOf(center, sessionId);
    expect(record).toMatchObject({ EndStatus: 1, HungUpSide: 'user', SeatUser: { Mail: b.mail } });
    expect(record.ServeParticipants?.map((p) => [p.Mail, p.TransferFrom ?? '', p.TransferTo ?? ''])).toEqual([
      [a.mail, '', b.mail],
      [b.mail, a.mail, ''],
    ]);
  });

  it('to a skill group: the call is offered to the group’s agent, who talks to the customer', async () => {
    const { agent: a, tap, phone, callId, sessionId } = await outboundInConversation();
    const other = await newLine(center);
    const b = new ToneAgent(await agentOf([other.groupId]), PEER_AGENT_HZ, [CUSTOMER_HZ]);
    agents.push(b);
    expect((await a.socket.request('Call.transfer', { sessionId, skillGroupId: String(other.groupId) })).ok).toBe(true);
    expect((await a.socket.nextEvent('sessionEnded')).payload).toMatchObject({ sessionId, mainReason: 'transfer' });
    a.hangupMedia();
    try {
      expect((await within(4_000, b.socket.nextEvent('callIn'), 'callIn for the group’s agent')).payload).toMatchObject({ sessionId });
      expect((await b.accept(sessionId)).ok).toBe(true);
      await within(5_000, tap.hears(PEER_AGENT_HZ), 'agent B on the line');
    } finally {
      phone.send({ type: 'hangup', callId });
    }
    await b.socket.nextEvent('sessionEnded');
    b.hangupMedia();
    const record = await recordOf(center, sessionId);
    expect(record).toMatchObject({ EndStatus: 1, CallType: 1, QueuedSkillGroupId: other.groupId, SkillGroupId: other.groupId, SeatUser: { Mail: b.mail } });
  });
});

describe('an agent whose workbench goes away mid-call (--presence-grace 1)', () => {
  it('ends the call as clientError (211), hung up by the system, and leaves the agent offline, then free after signing in again', async () => {
    const { agent, phone, callId, sessionId, line } = await inConversation();
    // The browser's audio goes on: only the grace running out ends the call.
    agent.socket.ws.terminate();
    const closedAt = Date.now();
    expect(await phone.next('ended', callId)).toMatchObject({ reason: 'remoteHangup' });
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(900);
    agent.hangupMedia();
    const record = await recordOf(center, sessionId);
    expect(record).toMatchObject({ EndStatus: 211, EndStatusString: 'clientError', HungUpSide: 'system' });
    expect(record.ServeParticipants?.map((p) => p.Mail)).toEqual([agent.mail]);
    await statusIs(center, agent.mail, 'offline');

    // Signed in again: free, and the queue offers them the next call.
    const login = await loginAs(center.server.url, center.client, center.sdkAppId, agent.mail);
    const socket = new AgentSocket(center.server.url);
    const welcome = await socket.hello(login.ticket);
    expect(welcome.sessions ?? []).toEqual([]);
    expect((await socket.request('Agent.online')).ok).toBe(true);
    const again = new TestAgent(agent.mail, socket);
    agents.push(again);
    await statusIs(center, agent.mail, 'free');
    expect((await metricsOf(center.client, center.sdkAppId, agent.mail)).Status).toBe('free');
    const next = await caller();
    const dialled = await next.phone.dial(line.hotline);
    expect((await socket.nextEvent('callIn')).payload).toMatchObject({ callerPhoneNumber: next.number });
    next.phone.send({ type: 'hangup', callId: dialled.callId });
    await socket.nextEvent('sessionEnded');
  });
});

describe('Call.accept out of place', () => {
  it('is refused for a call that rings someone else (callNotAllowed) and for no call at all (sessionNotFound)', async () => {
    const line = await newLine(center);
    const rung = await agentOf([line.groupId]);
    const other = await agentOf([]);
    const { phone } = await caller();
    const { callId } = await phone.dial(line.hotline);
    const sessionId = (await rung.socket.nextEvent('callIn')).payload.sessionId;
    expect(await other.accept(sessionId)).toMatchObject({ ok: false, error: { code: 'callNotAllowed' } });
    other.hangupMedia();
    expect(await other.accept('00000000-0000-4000-8000-000000000000')).toMatchObject({ ok: false, error: { code: 'sessionNotFound' } });
    other.hangupMedia();
    // Nor may they control it.
    expect(await other.socket.request('Call.hold', { sessionId })).toMatchObject({ ok: false, error: { code: 'sessionNotFound' } });
    expect(await other.socket.request('Call.hungUp', { sessionId })).toMatchObject({ ok: false, error: { code: 'sessionNotFound' } });
    // The call still rings for its agent, who takes it.
    expect((await rung.accept(sessionId)).ok).toBe(true);
    phone.send({ type: 'hangup', callId });
    expect((await rung.socket.nextEvent('sessionEnded')).payload).toMatchObject({ sessionId, mainReason: 'ok' });
    rung.hangupMedia();
  });
});
