import { afterEach, describe, expect, it } from 'vitest';
import type { CalleeEvents, CalleeLine, Dialer } from '../../engine/lines.js';
import { digestHa1, DigestServer } from '../digest.js';
import { parseNameAddr } from '../message/name-addr.js';
import { GatewayHarness, RecordingCallee, SDK_APP_ID, sdpOffer, sdpTarget, trunkFixture, type GatewayHarnessOptions, type PeerRequest } from './test-support/gateway-harness.js';
import type { GatewayTrunk } from './directory.js';

const NUMBER = '008613912345678';
const CALL = { sessionId: 'session-out', sdkAppId: SDK_APP_ID, from: '02188880000', to: NUMBER };
const G722_ONLY = ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 30000 RTP/AVP 9', 'a=rtpmap:9 G722/8000', ''].join('\r\n');

/** A dialer that records the calls given to it. */
class RecordingDialer implements Dialer {
  readonly calls: Array<{ call: typeof CALL; events: CalleeEvents }> = [];
  hangups = 0;

  dial(call: typeof CALL, events: CalleeEvents): CalleeLine {
    this.calls.push({ call, events });
    return { hangup: () => this.hangups++ };
  }
}

describe('SipGateway as the engine dialer', () => {
  let h: GatewayHarness;
  afterEach(() => h.close());

  const start = (trunk: Partial<GatewayTrunk> | null = {}, options: GatewayHarnessOptions = {}) => (h = new GatewayHarness({ trunks: trunk ? [trunkFixture(trunk)] : [], ...options }));

  /** Dials `CALL` (or `call`) and returns the callee's record, its line and the INVITE the carrier got. */
  async function dial(call = CALL): Promise<{ callee: RecordingCallee; line: CalleeLine; invite: PeerRequest | undefined }> {
    const callee = new RecordingCallee();
    const line = h.gateway.dial(call, callee);
    await h.flush();
    return { callee, line, invite: h.peerReceived('INVITE').at(-1) };
  }

  it('hands the call to the fallback dialer when the instance has no outbound trunk', async () => {
    const fallback = new RecordingDialer();
    start({ outbound: null }, { fallbackDialer: fallback });
    const { callee, line } = await dial();
    expect(fallback.calls.map((c) => c.call)).toEqual([CALL]);
    expect(fallback.calls[0]?.events).toBe(callee);
    line.hangup();
    expect(fallback.hangups).toBe(1);
    expect(h.gatewayRequests('INVITE')).toEqual([]);
  });

  it('fails the call as not in service when there is neither a trunk nor a fallback', async () => {
    start(null);
    const { callee } = await dial();
    expect(callee.log).toEqual(['failed:notInService']);
  });

  it('fails a number the dial plan denies without sending anything', async () => {
    start({ dialPlan: { allow: [''], deny: ['979'] } });
    const { callee } = await dial({ ...CALL, to: '+979123456' });
    expect(callee.log).toEqual(['failed:notInService']);
    expect(h.gatewayTransport.sent).toEqual([]);
    expect(h.caps.size).toBe(0);
  });

  it('sends a late-offer INVITE, reports ringing, and answers the callee offer in the ACK with the engine leg', async () => {
    start();
    const { callee, invite } = await dial();
    expect(invite?.request.uri).toBe(`sip:${NUMBER}@127.0.0.1`);
    expect(invite?.request.body.length).toBe(0);
    h.answer(invite!, 180);
    await h.flush();
    expect(callee.log).toEqual(['ringing']);
    h.answer(invite!, 200, { sdp: sdpOffer({ address: '127.0.0.1', port: 34_000, codecs: ['PCMA'], ptime: 20 }) });
    await h.flush();
    expect(callee.log).toEqual(['ringing', 'answered']);
    expect(callee.answers).toEqual([{ kind: 'leg', params: { kind: 'rtp', remote: { address: '127.0.0.1', port: 34_000 }, codec: 'PCMA', telephoneEventPayloadType: 101, ptime: 20 } }]);
    const [ack] = h.peerAcks;
    expect(sdpTarget(ack?.body.toString('utf8') ?? '')).toMatchObject({ address: '127.0.0.2', port: 46_000, codecs: '8 101' });
    expect(h.caps.count('trunk:1')).toBe(1);
  });

  it('presents a caller id the trunk allows in From and P-Asserted-Identity', async () => {
    start({ callerIdNumbers: ['02100000001', '02100000002'] });
    const user = (value: string | undefined) => /^sip:([^@]+)@/.exec(parseNameAddr(value ?? '')?.uri ?? '')?.[1];
    const { invite: other } = await dial();
    expect(user(other?.request.headers.get('From'))).toBe('02100000001');
    expect(user(other?.request.headers.get('P-Asserted-Identity'))).toBe('02100000001');
    const { invite: own } = await dial({ ...CALL, from: '02100000002' });
    expect(user(own?.request.headers.get('From'))).toBe('02100000002');
    expect(user(own?.request.headers.get('P-Asserted-Identity'))).toBe('02100000002');
  });

  it('presents the engine caller id on a trunk without a caller id list', async () => {
    start();
    const { invite } = await dial();
    expect(invite?.request.headers.get('From')).toMatch(/^<sip:02188880000@127\.0\.0\.2>;tag=/);
  });

  describe('a challenging carrier', () => {
    const carrierRealm = 'carrier.example';
    const registered = { kind: 'register' as const, allow: [], register: { registrar: 'sip:127.0.0.1', username: 'acct', password: 'carrier-pw', expires: 600 } };

    it('answers one challenge with the trunk credentials', async () => {
      start(registered);
      const digest = new DigestServer({ realm: carrierRealm, secret: Buffer.alloc(32, 3), now: h.now });
      const { callee, invite } = await dial();
      h.answer(invite!, 401, { headers: [['WWW-Authenticate', digest.challenge()]] });
      await h.flush();
      const invites = h.peerReceived('INVITE');
      expect(invites).toHaveLength(2);
      const retry = invites[1]!.request;
      expect(retry.headers.get('CSeq')).toBe('2 INVITE');
      expect(retry.headers.get('Call-ID')).toBe(invite?.request.headers.get('Call-ID'));
      const verdict = digest.verify({ method: 'INVITE', authorization: retry.headers.get('Authorization') }, (u) => (u === 'acct' ? digestHa1('MD5', 'acct', carrierRealm, 'carrier-pw') : undefined));
      expect(verdict.result).toBe('ok');
      expect(callee.log).toEqual([]);
    });

    it('fails the call on a second challenge without trying again', async () => {
      start(registered);
      const digest = new DigestServer({ realm: carrierRealm, secret: Buffer.alloc(32, 3), now: h.now });
      const { callee, invite } = await dial();
      h.answer(invite!, 401, { headers: [['WWW-Authenticate', digest.challenge()]] });
      await h.flush();
      h.answer(h.peerReceived('INVITE')[1]!, 401, { headers: [['WWW-Authenticate', digest.challenge()]] });
      await h.flush();
      expect(h.peerReceived('INVITE')).toHaveLength(2);
      expect(callee.log).toEqual(['failed:notInService']);
      expect(h.caps.size).toBe(0);
    });
  });

  it('cancels a callee who does not answer within the ring time and fails the call once', async () => {
    start({}, { calleeRingMs: 10_000 });
    const { callee, invite } = await dial();
    h.answer(invite!, 180);
    await h.advance(10_000 - 1);
    expect(invite?.cancelled).toBe(false);
    await h.advance(1);
    expect(invite?.cancelled).toBe(true);
    expect(callee.log).toEqual(['ringing', 'failed:notAnswer']);
    h.answer(invite!, 487);
    await h.advance(40_000);
    expect(callee.log).toEqual(['ringing', 'failed:notAnswer']);
    expect(h.caps.size).toBe(0);
    expect(h.gateway.callCount).toBe(0);
  });

  it('cancels the INVITE when the engine hangs up while it rings', async () => {
    start();
    const { callee, line, invite } = await dial();
    h.answer(invite!, 180);
    await h.flush();
    line.hangup();
    await h.flush();
    expect(invite?.cancelled).toBe(true);
    h.answer(invite!, 487);
    await h.flush();
    expect(callee.log).toEqual(['ringing']);
    expect(h.caps.size).toBe(0);
  });

  it('sends BYE when the engine hangs up an answered call', async () => {
    start();
    const { callee, line, invite } = await dial();
    h.answer(invite!, 200, { sdp: sdpOffer() });
    await h.flush();
    line.hangup();
    await h.flush();
    const [bye] = h.peerReceived('BYE');
    expect(bye?.request.headers.get('Call-ID')).toBe(invite?.request.headers.get('Call-ID'));
    expect(bye?.request.uri).toBe('sip:peer@127.0.0.1:5060');
    expect(callee.log).toEqual(['answered']);
    expect(h.caps.size).toBe(0);
  });

  it('reports the callee hanging up with a BYE', async () => {
    start();
    const { callee, invite } = await dial();
    h.answer(invite!, 200, { sdp: sdpOffer() });
    await h.flush();
    const bye = await h.request(h.inDialog(h.uasDialog(invite!), 'BYE').request);
    expect(bye.finals.map((r) => r.status)).toEqual([200]);
    expect(callee.log).toEqual(['answered', 'hungUp']);
    expect(h.caps.size).toBe(0);
    expect(h.gateway.callCount).toBe(0);
  });

  it.each([
    [486, 'busy'],
    [404, 'numberNotExist'],
    [480, 'notAnswer'],
    [603, 'userReject'],
    [500, 'notInService'],
  ])('fails the call on %i as %s', async (status, failure) => {
    start();
    const { callee, invite } = await dial();
    h.answer(invite!, status);
    await h.flush();
    expect(callee.log).toEqual([`failed:${failure}`]);
    expect(h.caps.size).toBe(0);
  });

  it('fails a call over the trunk cap as busy, and places it again once the first ends', async () => {
    start({ maxConcurrentCalls: 1 });
    const first = await dial();
    const second = await dial();
    expect(second.callee.log).toEqual(['failed:busy']);
    expect(h.peerReceived('INVITE')).toHaveLength(1);
    h.answer(first.invite!, 486);
    await h.flush();
    const third = await dial();
    expect(third.callee.log).toEqual([]);
    expect(h.peerReceived('INVITE')).toHaveLength(2);
  });

  it('hangs up a callee who answers with audio it cannot take, fails the call and holds nothing', async () => {
    start();
    const { callee, invite } = await dial();
    h.answer(invite!, 200, { sdp: G722_ONLY });
    await h.flush();
    expect(h.peerAcks).toHaveLength(1);
    expect(h.peerReceived('BYE')).toHaveLength(1);
    expect(callee.log).toEqual(['failed:notInService']);
    expect(h.caps.size).toBe(0);
    expect(h.gateway.callCount).toBe(0);
  });

  it('hangs up and tells the engine when its leg cannot be set up for the answered callee', async () => {
    start();
    const { callee, invite } = await dial();
    callee.ready = null;
    h.answer(invite!, 200, { sdp: sdpOffer() });
    await h.flush();
    expect(h.peerReceived('BYE')).toHaveLength(1);
    expect(callee.log).toEqual(['answered', 'hungUp']);
    expect(h.caps.size).toBe(0);
    expect(h.gateway.callCount).toBe(0);
  });
});
