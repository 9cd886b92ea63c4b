import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_HZ, AudioTap, CUSTOMER_HZ, TestPhone, callCenter, newLine, recordByPhone, recordOf, signedInAgent, type CallCenter } from './support.js';

let center: CallCenter;
const phones: TestPhone[] = [];
let callers = 0;

beforeAll(async () => {
  center = await callCenter();
}, 60_000);

afterAll(async () => {
  for (const phone of phones) phone.close();
  await center.close();
});

/** A phone with a fresh number, and a tap on what it hears. */
async function caller(): Promise<{ phone: TestPhone; tap: AudioTap; number: string }> {
  const number = `0086139100${String(++callers).padStart(5, '0')}`;
  const phone = await TestPhone.open(center.server.url, number);
  phones.push(phone);
  return { phone, tap: new AudioTap(phone.rtp, [AGENT_HZ]), number };
}

/** The main menu of docs/ivr.md's example, with the default prompts. */
function hotlineFlow(groupId: number, menu: Record<string, unknown> = {}) {
  return {
    version: 1,
    name: 'Hotline',
    start: 'main',
    nodes: {
      main: {
        kind: 'menu',
        label: '主菜单',
        prompts: ['zh-CN/welcome'],
        keys: {
          '1': { action: 'queue', skillGroupId: groupId, label: '业务咨询' },
          '9': { action: 'hangup', label: '结束' },
        },
        ...menu,
      },
    },
  };
}

/** A short menu (the shortest default prompt, the shortest timeout) for the retry paths. */
function shortMenu(groupId: number) {
  return hotlineFlow(groupId, {
    prompts: ['en-US/transferring'],
    timeoutMs: 1000,
    invalidKey: { prompts: ['en-US/invalid-key'], maxRetries: 1 },
    noInput: { maxRetries: 1 },
    fallback: { action: 'hangup' },
  });
}

describe('an inbound call through an IVR', () => {
  it('queues on key 1; the agent sees the key in ivrPath, and the record keeps it', async () => {
    const line = await newLine(center, { ivrFlow: (groupId) => hotlineFlow(groupId) });
    const agent = await signedInAgent(center, [line.groupId]);
    const { phone, tap, number } = await caller();
    const { callId, media } = await phone.dial(line.hotline);
    expect(media.type).toBe('media');
    expect(await phone.next('answered', callId)).toMatchObject({ by: 'system' });
    phone.rtp.sendDigit('1');

    const callIn = await agent.socket.nextEvent('callIn');
    expect(callIn.payload).toMatchObject({ type: 'phone', callerPhoneNumber: number, calleePhoneNumber: line.hotline, ivrPath: [{ key: '1', label: '业务咨询' }] });
    const sessionId = callIn.payload.sessionId;
    expect((await agent.accept(sessionId)).ok).toBe(true);
    await Promise.all([agent.hears(CUSTOMER_HZ), tap.hears(AGENT_HZ)]);

    phone.send({ type: 'hangup', callId });
    expect((await agent.socket.nextEvent('sessionEnded')).payload).toMatchObject({ sessionId, closeBy: 'client', mainReason: 'ok' });
    agent.hangupMedia();
    const record = await recordOf(center, sessionId);
    expect(record).toMatchObject({ EndStatus: 1, EndStatusString: 'ok', HungUpSide: 'user', CallType: 2, Caller: number, Callee: line.hotline, QueuedSkillGroupId: line.groupId, IVRKeyPressed: ['1'] });
    expect(record.IVRKeyPressedEx).toEqual([{ Key: '1', Label: '业务咨询', NodeLabel: '主菜单', Timestamp: expect.any(Number) }]);
    const pressedAt = record.IVRKeyPressedEx![0]!.Timestamp!;
    // Unix milliseconds, between the call's start and its queueing.
    expect(pressedAt).toBeGreaterThanOrEqual(record.StartTimestamp! * 1000);
    expect(pressedAt).toBeLessThan((record.QueuedTimestamp! + 1) * 1000);
    expect(record.QueuedTimestamp).toBeGreaterThanOrEqual(record.StartTimestamp!);
    expect(record.ServeParticipants?.map((p) => p.Mail)).toEqual([agent.mail]);
  });

  it('plays the welcome to the caller, and a key pressed during it barges in', async () => {
    // A caller who hears nothing is let go after a second.
    const line = await newLine(center, { ivrFlow: (groupId) => hotlineFlow(groupId, { timeoutMs: 1000, noInput: { maxRetries: 0 } }) });
    const agent = await signedInAgent(center, [line.groupId]);
    const { phone, tap } = await caller();
    const { callId } = await phone.dial(line.hotline);
    expect(await heardBeforeEnd(phone, callId, tap)).toBe('heard');
    const heardAt = Date.now();
    phone.rtp.sendDigit('1');
    const callIn = await agent.socket.nextEvent('callIn');
    expect(callIn.payload).toMatchObject({ ivrPath: [{ key: '1', label: '业务咨询' }] });
    // zh-CN/welcome lasts 7 s: the key did not wait for its end.
    expect(Date.now() - heardAt).toBeLessThan(5_000);
    expect((await agent.socket.request('Call.hungUp', { sessionId: callIn.payload.sessionId })).ok).toBe(true);
  });

  it('replays the menu after a wrong key, and hangs up as ivrEnd (107) after one wrong key too many', async () => {
    const line = await newLine(center, { ivrFlow: shortMenu });
    const { phone, tap, number } = await caller();
    const { callId } = await phone.dial(line.hotline);
    let endedEarly = false;
    const ended = phone.next('ended', callId).then((message) => ((endedEarly = true), message));
    expect(await Promise.race([tap.sound().then(() => 'heard'), ended.then(() => 'ended')])).toBe('heard');
    phone.rtp.sendDigit('5');
    // The wrong key's prompt, then the menu again: the call is still in the IVR.
    await tap.sound();
    await tap.blocks(5);
    expect(endedEarly).toBe(false);
    phone.rtp.sendDigit('5');
    expect(await ended).toMatchObject({ reason: 'remoteHangup', message: 'ivrEnd' });

    const record = await recordByPhone(center, number);
    expect(record).toMatchObject({ EndStatus: 107, EndStatusString: 'ivrEnd', HungUpSide: 'system', Callee: line.hotline });
    // Wrong keys are not recorded.
    expect(record.IVRKeyPressed ?? []).toEqual([]);
    expect(record.IVRKeyPressedEx ?? []).toEqual([]);
    expect(record.ServeParticipants ?? []).toEqual([]);
  });

  it('waits for a key again after silence, and hangs up as ivrEnd (107) after the retries', async () => {
    const line = await newLine(center, { ivrFlow: (groupId) => hotlineFlow(groupId, { prompts: ['en-US/transferring'], timeoutMs: 1000, noInput: { maxRetries: 1 } }) });
    const { phone, number } = await caller();
    const { callId } = await phone.dial(line.hotline);
    const answeredAt = Date.now();
    expect(await phone.next('ended', callId)).toMatchObject({ reason: 'remoteHangup', message: 'ivrEnd' });
    // The 1.7 s menu and a second's wait, twice: not only once.
    expect(Date.now() - answeredAt).toBeGreaterThanOrEqual(4_500);
    const record = await recordByPhone(center, number);
    expect(record).toMatchObject({ EndStatus: 107, EndStatusString: 'ivrEnd', HungUpSide: 'system', QueuedTimestamp: 0 });
    expect(record.IVRDuration).toBeGreaterThanOrEqual(4);
  });

  it('records a caller who hangs up in the IVR as ivrGiveUp (102)', async () => {
    const line = await newLine(center, { ivrFlow: (groupId) => hotlineFlow(groupId) });
    const { phone, number } = await caller();
    const { callId } = await phone.dial(line.hotline);
    expect(await phone.next('answered', callId)).toMatchObject({ by: 'system' });
    phone.send({ type: 'hangup', callId });
    expect(await phone.next('ended', callId)).toMatchObject({ reason: 'hangup' });
    const record = await recordByPhone(center, number);
    expect(record).toMatchObject({ EndStatus: 102, EndStatusString: 'ivrGiveUp', HungUpSide: 'user', QueuedTimestamp: 0, Callee: line.hotline });
  });

  it('ends a call outside the schedule as notWorkTime (106), and rings nobody', async () => {
    const line = await newLine(center, { ivrFlow: (groupId) => ({ ...hotlineFlow(groupId), workTime: closedToday([]) }) });
    const agent = await signedInAgent(center, [line.groupId]);
    const { phone, number } = await caller();
    const { callId, media } = await phone.dial(line.hotline);
    // The phone protocol: the server's side of the audio first, then how the call goes.
    expect(media.type).toBe('media');
    expect(await phone.next('ended', callId)).toMatchObject({ reason: 'remoteHangup', message: 'notWorkTime' });
    const record = await recordByPhone(center, number);
    expect(record).toMatchObject({ EndStatus: 106, EndStatusString: 'notWorkTime', HungUpSide: 'system', QueuedTimestamp: 0 });
    // The free agent of the group was never rung.
    expect(record.ServeParticipants ?? []).toEqual([]);
    expect(agent.socket.received.filter((m) => m.type === 'event' && m.name === 'callIn')).toEqual([]);
  });

  it('plays the closed-hours prompts before it ends the call as notWorkTime (106)', async () => {
    const line = await newLine(center, { ivrFlow: (groupId) => ({ ...hotlineFlow(groupId), workTime: closedToday(['en-US/goodbye']) }) });
    const { phone, tap, number } = await caller();
    const { callId, media } = await phone.dial(line.hotline);
    expect(media.type).toBe('media');
    expect(await heardBeforeEnd(phone, callId, tap)).toBe('heard');
    expect(await phone.next('ended', callId)).toMatchObject({ reason: 'remoteHangup', message: 'notWorkTime' });
    expect(await recordByPhone(center, number)).toMatchObject({ EndStatus: 106, EndStatusString: 'notWorkTime' });
  });
});

/** Whether the caller hears a prompt before the call ends (the phone's `ended` is left for the test to take). */
function heardBeforeEnd(phone: TestPhone, callId: string, tap: AudioTap): Promise<'heard' | 'ended'> {
  return new Promise((resolve) => {
    const onMessage = (data: unknown) => {
      const message = JSON.parse(String(data)) as { type: string; callId?: string };
      if (message.type === 'ended' && message.callId === callId) done('ended');
    };
    const done = (how: 'heard' | 'ended') => {
      phone.ws.off('message', onMessage);
      resolve(how);
    };
    phone.ws.on('message', onMessage);
    void tap.sound().then(() => done('heard'));
  });
}

/** Open all week, but today (and the days either side, for a call at midnight) is a holiday. */
function closedToday(closedPrompts: string[]) {
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  return { timeZone: 'UTC', weekly: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }], holidays: [day(-1), day(0), day(1)], closedPrompts };
}
