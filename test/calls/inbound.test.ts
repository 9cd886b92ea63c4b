import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyseTones } from '../../packages/server/src/media/goertzel.js';
import { readWav } from '../../packages/server/src/media/wav.js';
import { AGENT_HZ, CUSTOMER_HZ, TestPhone, callCenter, signedInAgent, type CallCenter } from './support.js';

let center: CallCenter;
const phones: TestPhone[] = [];

beforeAll(async () => {
  center = await callCenter();
}, 120_000);

afterAll(async () => {
  for (const phone of phones) phone.close();
  await center.close();
});

async function phone(number: string): Promise<TestPhone> {
  const p = await TestPhone.open(center.server.url, number);
  phones.push(p);
  return p;
}

async function recordOf(sessionId: string) {
  for (;;) {
    const res = await center.client.DescribeTelCdr({ SdkAppId: center.sdkAppId, StartTimeStamp: Math.floor(Date.now() / 1000) - 3600, EndTimeStamp: Math.floor(Date.now() / 1000) + 60, PageSize: 100, PageNumber: 0, SessionIds: [sessionId] });
    const record = res.TelCdrList?.[0];
    if (record) return record;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('an inbound call', () => {
  it('is offered to a free agent of the group, answered, carries audio both ways, and leaves one record', async () => {
    const agent = await signedInAgent(center);
    const caller = await phone('008613900000001');
    const { callId, media } = await caller.dial(center.hotline);
    expect(media.type).toBe('media');
    // The queue picks up at once, as a hotline's IVR would; the agent answers later.
    expect(await caller.next('answered', callId)).toMatchObject({ by: 'system' });
    const callIn = await agent.socket.nextEvent('callIn');
    expect(callIn.payload).toMatchObject({ type: 'phone', callerPhoneNumber: '008613900000001', calleePhoneNumber: center.hotline, timeout: 5 });
    const sessionId = callIn.payload.sessionId;

    const reply = await agent.accept(sessionId);
    expect(reply.ok).toBe(true);
    await agent.socket.nextEvent('userAccessed');
    expect(await caller.next('answered', callId)).toMatchObject({ by: agent.mail });
    await Promise.all([agent.hears(CUSTOMER_HZ), caller.rtp.waitForTone(AGENT_HZ)]);
    // A second of conversation for the recording.
    await caller.rtp.waitForPackets(50);

    caller.send({ type: 'hangup', callId });
    const ended = await agent.socket.nextEvent('sessionEnded');
    expect(ended.payload).toMatchObject({ sessionId, closeBy: 'client', mainReason: 'ok' });
    agent.hangupMedia();
    const record = await recordOf(sessionId);
    expect(record).toMatchObject({ SessionId: sessionId, EndStatus: 1, EndStatusString: 'ok', HungUpSide: 'user', CallType: 2, Caller: '008613900000001', Callee: center.hotline });
    expect(record.SeatUser?.Mail).toBe(agent.mail);
    expect(record.ServeParticipants?.map((p) => p.Mail)).toEqual([agent.mail]);

    // The recording: a signed link to a stereo WAV, the customer's voice left and the agent's right.
    expect(record.RecordId).toBe(sessionId);
    expect(record.RecordURL).toMatch(new RegExp(`^${center.server.url}/recordings/v1/${center.sdkAppId}/\\d{4}-\\d\\d-\\d\\d/${sessionId}\\.wav\\?expires=\\d+&sig=`));
    const download = await fetch(record.RecordURL!);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('audio/wav');
    const wav = readWav(new Uint8Array(await download.arrayBuffer()));
    expect(wav.channels).toBe(2);
    const left = wav.samples.filter((_, i) => i % 2 === 0);
    const right = wav.samples.filter((_, i) => i % 2 === 1);
    expect(analyseTones(left, [CUSTOMER_HZ, AGENT_HZ]).frequencies[0]).toBe(CUSTOMER_HZ);
    expect(analyseTones(right, [CUSTOMER_HZ, AGENT_HZ]).frequencies[0]).toBe(AGENT_HZ);
    const tampered = await fetch(record.RecordURL!.replace(/sig=(.)/, (_, first: string) => `sig=${first === 'A' ? 'B' : 'A'}`));
    expect(tampered.status).toBe(403);
  }, 60_000);
});

describe('the satisfaction survey', () => {
  it('runs after the agent hangs up, and the key pressed is the record’s PostIVRKeyPressedEx', async () => {
    const surveyed = await callCenter({
      ivrFlow: (groupId: number) => ({
        version: 1,
        start: 'main',
        survey: { prompts: ['zh-CN/survey'], keys: { '1': { label: '满意' }, '2': { label: '不满意' } }, thanksPrompts: ['zh-CN/thanks'] },
        nodes: { main: { kind: 'queue', label: 'Queue', skillGroupId: groupId } },
      }),
    });
    try {
      const agent = await signedInAgent(surveyed);
      const caller = await TestPhone.open(surveyed.server.url, '008613900000002');
      phones.push(caller);
      const { callId } = await caller.dial(surveyed.hotline);
      const callIn = await agent.socket.nextEvent('callIn');
      const sessionId = callIn.payload.sessionId;
      expect((await agent.accept(sessionId)).ok).toBe(true);
      await caller.rtp.waitForTone(AGENT_HZ);
      expect((await agent.socket.request('Call.hungUp', { sessionId })).ok).toBe(true);
      expect((await agent.socket.nextEvent('sessionEnded')).payload).toMatchObject({ sessionId, closeBy: 'seat' });
      agent.hangupMedia();
      // The survey's prompt plays; the caller rates the call.
      await caller.rtp.waitForPackets(10);
      caller.rtp.sendDigit('1');
      await caller.next('ended', callId);
      const res = await surveyed.client.DescribeTelCdr({ SdkAppId: surveyed.sdkAppId, StartTimeStamp: Math.floor(Date.now() / 1000) - 600, EndTimeStamp: Math.floor(Date.now() / 1000) + 60, PageSize: 10, PageNumber: 0, SessionIds: [sessionId] });
      const record = res.TelCdrList?.[0];
      expect(record).toMatchObject({ EndStatus: 1, HungUpSide: 'seat' });
      expect(record?.PostIVRKeyPressedEx?.map((k) => [k.Key, k.Label])).toEqual([['1', '满意']]);
    } finally {
      await surveyed.close();
    }
  }, 60_000);
});

describe('the web phone page', () => {
  it('is served at /phone with its assets, and the landing page links it', async () => {
    const page = await fetch(`${center.server.url}/phone`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    const asset = /\/phone\/assets\/[^"]+\.js/.exec(html)?.[0];
    expect(asset).toBeDefined();
    expect((await fetch(`${center.server.url}${asset}`)).status).toBe(200);
    expect(await (await fetch(`${center.server.url}/`)).text()).toContain('href="/phone"');
  });
});
