import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyseTones } from '../../packages/server/src/media/goertzel.js';
import { AudioTap, CUSTOMER_HZ, HOLD_MUSIC_HZ, TestPhone, endedOf, eventually, recordByPhone, recordOf, signedInAgent, type TestAgent } from '../calls/support.js';
import { Baresip } from './support/baresip.js';
import { findFreePort } from './support/ports.js';
import { SIPP_EXIT, startSipp } from './support/sipp.js';
import { sipCenter, type SipCenter } from './support/sip-center.js';

/**
 * A desk phone (baresip) registered as an agent's extension: calls offered to the agent ring it,
 * it answers and talks both ways, and the agent calls out from it over a carrier trunk.
 */

/** The desk phone's voice: apart from every tone the server plays (hold music and its overtones, ringback, beeps). */
const DESK_HZ = 1400;

let center: SipCenter;
let agent: TestAgent;
const phones: Baresip[] = [];
let uasPort: number;

beforeAll(async () => {
  center = await sipCenter();
  uasPort = await findFreePort();
  // The carrier's calls would come from 127.0.0.2; the desk phones are on 127.0.0.1, so they are not mistaken for it.
  await center.addTrunk({ name: 'carrier', allow: ['127.0.0.2/32'], outbound: { host: '127.0.0.1', port: uasPort, transport: 'udp' } });
  agent = await signedInAgent(center);
}, 60_000);

afterAll(async () => {
  await Promise.all(phones.map((phone) => phone.stop()));
  agent?.socket.ws.terminate();
  await center?.close();
});

/** Creates an extension through the Cloud API, bound to `relation` when given; its credentials come from DescribeExtension. */
async function extension(extensionId: string, relation?: string): Promise<{ domain: string; password: string }> {
  await center.client.CreateExtension({ SdkAppId: center.sdkAppId, ExtensionId: extensionId, ExtensionName: `Desk ${extensionId}`, ...(relation ? { Relation: relation } : {}) });
  const account = await center.client.DescribeExtension({ SdkAppId: center.sdkAppId, ExtensionId: extensionId });
  if (typeof account.ExtensionDomain !== 'string' || typeof account.Password !== 'string') throw new Error(`no credentials in ${JSON.stringify(account)}`);
  return { domain: account.ExtensionDomain, password: account.Password };
}

/**
 * Starts a desk phone on its own loopback address (`127.0.0.<host>`), as phones of different
 * offices would be: the flood guard counts every datagram per address. The phone that talks uses
 * 127.0.0.1, where baresip's RTP (bound to the wildcard address) really comes from.
 */
async function phone(extensionId: string, credentials: { domain: string; password: string }, host: number): Promise<Baresip> {
  const started = await Baresip.start({ user: extensionId, domain: credentials.domain, password: credentials.password, outboundProxy: center.sipTarget, toneHz: DESK_HZ, address: `127.0.0.${host}` });
  phones.push(started);
  return started;
}

/** Whether DescribeExtensions (with the live state) shows the extension registered. */
async function registered(extensionId: string): Promise<boolean> {
  const res = await center.client.DescribeExtensions({ SdkAppId: center.sdkAppId, PageNumber: 0, PageSize: 10, ExtensionIds: [extensionId], IsNeedStatus: true });
  return res.ExtensionList?.[0]?.Register === true;
}

/** The share of 200 ms blocks of `samples` in which `hz` is one of the tones heard. */
function shareWith(samples: Int16Array, hz: number): number {
  let blocks = 0;
  let hits = 0;
  for (let start = 0; start + 1600 <= samples.length; start += 1600) {
    blocks++;
    if (analyseTones(samples.subarray(start, start + 1600), [hz, DESK_HZ, CUSTOMER_HZ]).frequencies.includes(hz)) hits++;
  }
  return blocks === 0 ? 0 : hits / blocks;
}

describe('a desk phone bound to an agent', () => {
  let desk: Baresip;

  it('registers with its Cloud API credentials', async () => {
    desk = await phone('1001', await extension('1001', agent.mail), 1);
    const registration = await desk.next(['REGISTER_OK', 'REGISTER_FAIL']);
    expect(registration.type, desk.log).toBe('REGISTER_OK');
    expect(await eventually(async () => ((await registered('1001')) ? true : undefined))).toBe(true);
  }, 30_000);

  it('rings for a queued call, answers, and talks both ways; the record names the agent on a desk phone and has a recording', async () => {
    const caller = await TestPhone.open(center.server.url, '13900000001');
    try {
      // 200 ms blocks: hold music, which the caller hears first, is told apart from the phone's voice.
      const callerHearsPhone = new AudioTap(caller.rtp, [DESK_HZ, CUSTOMER_HZ, ...HOLD_MUSIC_HZ]).hears(DESK_HZ);
      // With answermode=auto baresip answers at once: no CALL_INCOMING, straight to CALL_ESTABLISHED.
      const established = desk.next('CALL_ESTABLISHED');
      const dialled = await caller.dial(center.hotline);
      expect(dialled.media.type).toBe('media');
      expect((await established).direction).toBe('incoming');
      await callerHearsPhone;
      const closed = desk.next('CALL_CLOSED');
      // Two seconds of the caller's voice reach the phone before the caller hangs up.
      await new Promise<void>((resolve) => {
        let packets = 0;
        caller.rtp.on('packet', () => ++packets === 100 && resolve());
      });
      caller.send({ type: 'hangup', callId: dialled.callId });
      await endedOf(caller, dialled);
      await closed;
      const heard = await desk.heard();
      expect(heard.length).toBeGreaterThan(8000);
      expect(shareWith(heard, CUSTOMER_HZ)).toBeGreaterThan(0.5);

      const record = await recordByPhone(center, '13900000001');
      const served = record.ServeParticipants?.find((p) => p.Mail === agent.mail);
      expect(served, JSON.stringify(record)).toBeDefined();
      expect(served?.Type).toBe('staffExtensionSeat');
      expect(record.SeatUser?.Mail).toBe(agent.mail);
      expect(record.RecordId).not.toBe('');
      expect(record.RecordURL).not.toBe('');
    } finally {
      caller.close();
    }
  }, 60_000);

  it('calls out over the carrier trunk to a sipp UAS, and the record is the agent\'s outbound call', async () => {
    const uas = await startSipp(['-sn', 'uas', '-aa', '-rtp_echo', '-i', '127.0.0.1', '-p', String(uasPort), '-mi', '127.0.0.1', '-m', '1', '-timeout', '40s']);
    // No OPTIONS readiness ping: this sipp would count it as its one call. The INVITE's retransmissions cover a slow start.
    try {
      const callee = '13800138000';
      const established = desk.next(['CALL_ESTABLISHED', 'CALL_CLOSED']);
      // The phone's own leg is answered first (its audio, then the callee is dialled): the callee's answer is this event.
      const calleeAnswered = agent.socket.nextEvent('calloutAccepted');
      const dialled = await desk.command('dial', `sip:${callee}@${center.sdkAppId}.sip.test`);
      expect(dialled.ok, desk.log).toBe(true);
      const answer = await established;
      expect(answer.type, `${JSON.stringify(answer)}\n${desk.log.slice(-3000)}`).toBe('CALL_ESTABLISHED');
      const { sessionId } = (await calleeAnswered).payload;
      const closed = desk.next('CALL_CLOSED');
      expect((await desk.command('hangup')).ok).toBe(true);
      await closed;
      expect(await uas.exited, uas.stdout().slice(-3000)).toBe(SIPP_EXIT.allCallsSucceeded);
      expect(uas.stdout()).toMatch(/Successful call\s*\|\s*\d+\s*\|\s*1\b/);

      const record = await recordOf(center, sessionId);
      expect(record.Callee).toBe(`0086${callee}`);
      expect(record.CallType).toBe(1);
      expect(record.SeatUser?.Mail).toBe(agent.mail);
    } finally {
      await uas.stop();
    }
  }, 60_000);
});

describe('desk phones that may not', () => {
  it('never registers with a wrong password', async () => {
    const credentials = await extension('1003', agent.mail);
    const wrong = await phone('1003', { ...credentials, password: `${credentials.password}x` }, 13);
    const registration = await wrong.next(['REGISTER_OK', 'REGISTER_FAIL']);
    expect(registration.type).toBe('REGISTER_FAIL');
    expect(String(registration.param)).toContain('401');
    expect(await registered('1003')).toBe(false);
    await wrong.stop();
  }, 30_000);

  it('registers an extension bound to nobody, which cannot call out (403)', async () => {
    const unbound = await phone('1004', await extension('1004'), 14);
    expect((await unbound.next(['REGISTER_OK', 'REGISTER_FAIL'])).type).toBe('REGISTER_OK');
    const closed = unbound.next(['CALL_ESTABLISHED', 'CALL_CLOSED']);
    expect((await unbound.command('dial', `sip:13800138001@${center.sdkAppId}.sip.test`)).ok).toBe(true);
    const outcome = await closed;
    expect(outcome.type).toBe('CALL_CLOSED');
    expect(String(outcome.param)).toContain('403');
  }, 30_000);
});
