import { afterEach, describe, expect, it } from 'vitest';
import type { InboundResult } from '../../engine/lines.js';
import { dialogFromUacResponse } from '../dialog.js';
import type { SipRequest, SipResponse } from '../types.js';
import { GatewayHarness, rtpReady, SDK_APP_ID, sdpOffer, sdpTarget, trunkFixture, type GatewayHarnessOptions, type PeerCall } from './test-support/gateway-harness.js';

const T1 = 500;

/** A promise the test resolves: the engine's answer held back. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('SipGateway: calls from carrier trunks', () => {
  let h: GatewayHarness;
  afterEach(() => h.close());

  const start = (options: GatewayHarnessOptions = {}) => (h = new GatewayHarness({ trunks: [trunkFixture()], ...options }));

  /** A carrier call answered by the gateway: the INVITE, what came back and the 200. */
  async function answeredCall(invite: SipRequest = h.trunkInvite()): Promise<{ invite: SipRequest; call: PeerCall; ok: SipResponse }> {
    const call = await h.request(invite);
    const ok = call.finals.find((r) => r.status === 200);
    if (!ok) throw new Error(`the call was answered ${call.finals.map((r) => r.status).join(', ') || 'nothing'}`);
    return { invite, call, ok };
  }

  describe('routing and media', () => {
    it('dials the Request-URI number of an IP trunk call, from the P-Asserted-Identity caller', async () => {
      start();
      await answeredCall(
        h.trunkInvite({ uri: 'sip:02161234567@127.0.0.2', to: '<sip:999@127.0.0.2>', headers: [['P-Asserted-Identity', '<sip:+8613912345678@carrier.example>']] }),
      );
      expect(h.engine.inboundCalls.map((c) => [c.from, c.to])).toEqual([['+8613912345678', '02161234567']]);
    });

    it('takes the caller from From when there is no P-Asserted-Identity', async () => {
      start();
      await answeredCall(h.trunkInvite({ number: '02161234567', from: '"Caller" <sip:013800001111@carrier.example>' }));
      expect(h.engine.inboundCalls[0]?.from).toBe('013800001111');
    });

    it('dials the To number of a call from a registration trunk (the Request-URI is our Contact)', async () => {
      start({ trunks: [], registeredTrunk: trunkFixture({ kind: 'register', allow: [], register: { registrar: 'sip:127.0.0.1', username: 'acct', password: 'pw', expires: 600 } }) });
      await answeredCall(h.trunkInvite({ uri: 'sip:5550001@127.0.0.2', to: '<sip:02161234567@carrier.example>' }));
      expect(h.engine.inboundCalls[0]?.to).toBe('02161234567');
    });

    it('sets up a PCMA leg for a PCMA-only offer with its telephone-event type and ptime, and answers from the engine leg', async () => {
      start();
      const { ok } = await answeredCall(h.trunkInvite({ sdp: sdpOffer({ address: '127.0.0.1', port: 31_000, codecs: ['PCMA'], telephoneEvent: 96, ptime: 30 }) }));
      expect(h.engine.inboundCalls[0]?.media).toEqual({ kind: 'rtp', remote: { address: '127.0.0.1', port: 31_000 }, codec: 'PCMA', telephoneEventPayloadType: 96, ptime: 30 });
      expect(ok.headers.get('Content-Type')).toBe('application/sdp');
      const answer = sdpTarget(ok.body.toString('utf8'));
      expect(answer).toMatchObject({ address: '127.0.0.2', port: rtpReady(1).localPort, codecs: '8 96' });
      expect(ok.body.toString('utf8')).toMatch(/^a=ptime:30\r?$/m);
    });

    it('copies the Record-Route of the INVITE into its 200, in order, and gives a Contact', async () => {
      start();
      const invite = h.trunkInvite();
      invite.headers.append('Record-Route', '<sip:edge1.example;lr>');
      invite.headers.append('Record-Route', '<sip:edge2.example;lr>');
      const { ok } = await answeredCall(invite);
      expect(ok.headers.getAll('Record-Route')).toEqual(['<sip:edge1.example;lr>', '<sip:edge2.example;lr>']);
      expect(ok.headers.get('Contact')).toMatch(/^<sip:4001@127\.0\.0\.2:5060>$/);
      expect(ok.headers.get('To')).toMatch(/;tag=/);
    });

    it('answers 404 when the engine has no route for the number, and holds nothing', async () => {
      start();
      h.engine.inboundAnswer = () => ({ ok: false, reason: 'noRoute', message: 'no such number' });
      const call = await h.request(h.trunkInvite());
      expect(call.finals.map((r) => r.status)).toEqual([404]);
      expect(h.gateway.callCount).toBe(0);
      expect(h.caps.count('trunk:1')).toBe(0);
      expect(h.rateCap.concurrent).toBe(0);
    });

    it('answers 488 to an offer without G.711, without asking the engine', async () => {
      start();
      const g722 = ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 30000 RTP/AVP 9', 'a=rtpmap:9 G722/8000', ''].join('\r\n');
      const call = await h.request(h.trunkInvite({ sdp: g722 }));
      expect(call.finals.map((r) => r.status)).toEqual([488]);
      expect(h.engine.inboundCalls).toHaveLength(0);
      expect(h.rateCap.concurrent).toBe(0);
    });

    it('answers 503 with Retry-After (another node may take it) and holds nothing when the engine fails to take the call', async () => {
      start();
      h.engine.inboundAnswer = () => Promise.reject(new Error('the media plane is gone'));
      const call = await h.request(h.trunkInvite());
      expect(call.finals.map((r) => [r.status, r.headers.get('Retry-After')])).toEqual([[503, '5']]);
      expect(h.gateway.callCount).toBe(0);
      expect(h.caps.count('trunk:1')).toBe(0);
      expect(h.rateCap.concurrent).toBe(0);
    });
  });

  describe('caps', () => {
    it('answers 503 with Retry-After to calls over the rate cap', async () => {
      start({ callsPerSecond: 2 });
      const calls = [h.send(h.trunkInvite()), h.send(h.trunkInvite()), h.send(h.trunkInvite())];
      await h.flush();
      expect(calls.map((c) => c.finals[0]?.status)).toEqual([200, 200, 503]);
      expect(calls[2]?.finals[0]?.headers.get('Retry-After')).toMatch(/^\d+$/);
      expect(h.engine.inboundCalls).toHaveLength(2);
    });

    it("answers 503 with Retry-After over the trunk's concurrent calls, and takes calls again once one ends", async () => {
      start({ trunks: [trunkFixture({ maxConcurrentCalls: 1 })] });
      const first = await answeredCall();
      const second = await h.request(h.trunkInvite());
      expect(second.finals.map((r) => r.status)).toEqual([503]);
      expect(second.finals[0]?.headers.get('Retry-After')).toMatch(/^\d+$/);
      expect(h.rateCap.concurrent).toBe(1);
      h.sendRaw(h.ackFor(first.invite, first.ok));
      await h.request(h.inDialog(dialogFromUacResponse(first.invite, first.ok), 'BYE').request);
      await answeredCall();
      expect(h.engine.inboundCalls).toHaveLength(2);
    });

    it('releases its caps however calls end: 100 calls through a one-call trunk leak nothing', async () => {
      start({ trunks: [trunkFixture({ maxConcurrentCalls: 1 })], maxCalls: 1 });
      const endings = ['bye', 'noRoute', 'engineEnds', 'cancel', 'ackTimeout'] as const;
      for (let i = 0; i < 100; i++) {
        const ending = endings[i % endings.length]!;
        const held = deferred<InboundResult>();
        h.engine.inboundAnswer = (_call, n) => (ending === 'noRoute' ? { ok: false, reason: 'noRoute', message: '' } : ending === 'cancel' ? held.promise : { ok: true, sessionId: `session-${n}`, media: rtpReady(n) });
        const invite = h.trunkInvite();
        const call = await h.request(invite);
        if (ending === 'cancel') {
          await h.advance(200);
          call.transaction.cancel();
          await h.flush();
          held.resolve({ ok: true, sessionId: `session-${i + 1}`, media: rtpReady(i + 1) });
          await h.flush();
          expect(call.finals.map((r) => r.status)).toEqual([487]);
          continue;
        }
        if (ending === 'noRoute') {
          expect(call.finals.map((r) => r.status)).toEqual([404]);
          continue;
        }
        const ok = call.finals[0];
        expect(ok?.status, `call ${i} (${ending})`).toBe(200);
        if (!ok) return;
        if (ending === 'ackTimeout') {
          await h.advance(64 * T1);
          continue;
        }
        h.sendRaw(h.ackFor(invite, ok));
        if (ending === 'bye') await h.request(h.inDialog(dialogFromUacResponse(invite, ok), 'BYE').request);
        else h.engine.inboundCalls.at(-1)?.line.ended('hangup', '');
        await h.flush();
      }
      expect(h.engine.inboundCalls).toHaveLength(100);
      expect(h.gateway.callCount).toBe(0);
      expect(h.caps.size).toBe(0);
      expect(h.rateCap.concurrent).toBe(0);
      expect(h.errors()).toEqual([]);
    });
  });

  describe('the call in progress', () => {
    it('answers a CANCEL before the answer with 487, and hangs up the session once the engine made it', async () => {
      start();
      const held = deferred<InboundResult>();
      h.engine.inboundAnswer = () => held.promise;
      const call = await h.request(h.trunkInvite());
      await h.advance(200);
      expect(call.provisional.map((r) => r.status)).toEqual([100]);
      call.transaction.cancel();
      await h.flush();
      expect(call.finals.map((r) => r.status)).toEqual([487]);
      expect(h.engine.callerHungUps).toEqual([]);
      held.resolve({ ok: true, sessionId: 'session-late', media: rtpReady(1) });
      await h.flush();
      expect(h.engine.callerHungUps).toEqual(['session-late']);
      expect(h.gatewaySent(200, call.request.headers.get('Call-ID')).filter((r) => r.headers.get('CSeq')?.endsWith('INVITE'))).toEqual([]);
      expect(h.gateway.callCount).toBe(0);
    });

    it('answers a BYE 200 and tells the engine the caller hung up', async () => {
      start();
      const { invite, ok } = await answeredCall();
      h.sendRaw(h.ackFor(invite, ok));
      const bye = await h.request(h.inDialog(dialogFromUacResponse(invite, ok), 'BYE').request);
      expect(bye.finals.map((r) => r.status)).toEqual([200]);
      expect(h.engine.callerHungUps).toEqual(['session-1']);
      expect(h.gateway.callCount).toBe(0);
    });

    it('sends its 200 again at T1, 2·T1… until the ACK, then never again', async () => {
      start();
      const { invite, ok } = await answeredCall();
      const callId = invite.headers.get('Call-ID');
      await h.advance(T1);
      await h.advance(2 * T1);
      expect(h.gatewaySent(200, callId)).toHaveLength(3);
      h.sendRaw(h.ackFor(invite, ok));
      await h.advance(64 * T1);
      expect(h.gatewaySent(200, callId)).toHaveLength(3);
      expect(h.gatewayRequests('BYE')).toHaveLength(0);
      expect(h.engine.callerHungUps).toEqual([]);
      expect(h.gateway.callCount).toBe(1);
    });

    it('ends a call whose 200 is never acknowledged with a BYE at 64·T1, and tells the engine', async () => {
      start();
      await answeredCall();
      await h.advance(64 * T1 - 1);
      expect(h.gatewayRequests('BYE')).toHaveLength(0);
      expect(h.engine.callerHungUps).toEqual([]);
      await h.advance(1);
      expect(h.peerReceived('BYE')).toHaveLength(1);
      expect(h.engine.callerHungUps).toEqual(['session-1']);
      expect(h.gateway.callCount).toBe(0);
    });

    it("sends a BYE when the engine ends the caller's line, without telling the engine back", async () => {
      start();
      const { invite, ok } = await answeredCall();
      h.sendRaw(h.ackFor(invite, ok));
      await h.flush();
      h.engine.inboundCalls[0]?.line.ended('hangup', 'the agent hung up');
      await h.flush();
      const [bye] = h.peerReceived('BYE');
      expect(bye?.request.headers.get('Call-ID')).toBe(invite.headers.get('Call-ID'));
      expect(bye?.request.uri).toBe('sip:peer@127.0.0.1:5060');
      expect(h.engine.callerHungUps).toEqual([]);
      expect(h.gateway.callCount).toBe(0);
    });

    it('answers 480 to the INVITE when the engine ends the line before it is answered', async () => {
      start();
      const held = deferred<InboundResult>();
      h.engine.inboundAnswer = () => held.promise;
      const call = await h.request(h.trunkInvite());
      h.engine.inboundCalls[0]?.line.ended('notAnswer', '');
      await h.flush();
      expect(call.finals.map((r) => r.status)).toEqual([480]);
      expect(h.caps.size).toBe(0);
      expect(h.rateCap.concurrent).toBe(0);
    });
  });

  it('refuses an INVITE that cannot make a dialog (no Contact) with 400, before the engine hears of it', async () => {
    h = new GatewayHarness({ trunks: [trunkFixture()] });
    const invite = h.trunkInvite();
    invite.headers.delete('Contact');
    const call = await h.request(invite);
    expect(call.finals.map((r) => [r.status, r.reason])).toEqual([[400, 'Missing Contact']]);
    expect(h.engine.inboundCalls).toEqual([]);
    expect(h.gateway.callCount).toBe(0);
  });

  it('takes a trunk\'s call only to its own instance\'s numbers', async () => {
    h = new GatewayHarness({ trunks: [trunkFixture()], numberOwner: (number) => (number.endsWith('9') ? 1_400_000_999 : SDK_APP_ID) });
    const foreign = await h.request(h.trunkInvite({ number: '02160000009' }));
    expect(foreign.finals.map((r) => r.status)).toEqual([404]);
    expect(h.engine.inboundCalls).toEqual([]);
    const own = await h.request(h.trunkInvite({ number: '02160000001' }));
    expect(own.finals.map((r) => r.status)).toEqual([200]);
  });

  describe('re-INVITE', () => {
    /** An answered, acknowledged call and the re-INVITE the peer sends in it. */
    async function reInvite(sdp: string): Promise<{ re: PeerCall; first: SipResponse; invite: SipRequest }> {
      const { invite, ok } = await answeredCall(h.trunkInvite({ sdp: sdpOffer({ address: '127.0.0.1', port: 30_000 }) }));
      h.sendRaw(h.ackFor(invite, ok));
      await h.flush();
      const dialog = dialogFromUacResponse(invite, ok);
      const re = await h.request(h.inDialog({ ...dialog, localSeq: 1 }, 'INVITE', sdp).request);
      return { re, first: ok, invite };
    }

    it('answers a refresh with the same address from the same leg, and stops resending once acknowledged', async () => {
      start();
      const { re, first } = await reInvite(sdpOffer({ address: '127.0.0.1', port: 30_000 }));
      const ok = re.finals[0];
      expect(ok?.status).toBe(200);
      if (!ok) return;
      expect(sdpTarget(ok.body.toString('utf8'))).toEqual({ ...sdpTarget(first.body.toString('utf8')), direction: 'sendrecv' });
      const callId = ok.headers.get('Call-ID');
      const reOks = () => h.gatewaySent(200, callId).filter((r) => r.headers.get('CSeq') === '2 INVITE');
      await h.advance(T1);
      expect(reOks()).toHaveLength(2);
      h.sendRaw(h.ackFor(re.request, ok));
      await h.advance(64 * T1);
      expect(reOks()).toHaveLength(2);
      expect(h.gatewayRequests('BYE')).toHaveLength(0);
      expect(h.gateway.callCount).toBe(1);
    });

    it.each([
      ['a=sendonly', sdpOffer({ address: '127.0.0.1', port: 30_000, direction: 'sendonly' })],
      ['c=0.0.0.0', sdpOffer({ address: '0.0.0.0', port: 30_000 })],
    ])('answers a hold (%s) with the same port and recvonly', async (_label, sdp) => {
      start();
      const { re, first } = await reInvite(sdp);
      const ok = re.finals[0];
      expect(ok?.status).toBe(200);
      const answer = sdpTarget(ok?.body.toString('utf8') ?? '');
      expect(answer.port).toBe(sdpTarget(first.body.toString('utf8')).port);
      expect(answer.direction).toBe('recvonly');
      expect(h.engine.inboundCalls).toHaveLength(1);
    });

    it('refuses a new media address with 488 and the call goes on', async () => {
      start();
      const { re, invite, first } = await reInvite(sdpOffer({ address: '127.0.0.1', port: 32_000 }));
      expect(re.finals.map((r) => r.status)).toEqual([488]);
      expect(h.gateway.callCount).toBe(1);
      expect(h.gatewayRequests('BYE')).toHaveLength(0);
      const bye = await h.request(h.inDialog({ ...dialogFromUacResponse(invite, first), localSeq: 2 }, 'BYE').request);
      expect(bye.finals.map((r) => r.status)).toEqual([200]);
      expect(h.engine.callerHungUps).toEqual(['session-1']);
    });

    it('offers the same leg to a refresh without SDP, with the next o= version', async () => {
      start();
      const { invite, ok: first } = await answeredCall(h.trunkInvite({ sdp: sdpOffer({ address: '127.0.0.1', port: 30_000 }) }));
      h.sendRaw(h.ackFor(invite, first));
      await h.flush();
      const re = await h.request(h.inDialog({ ...dialogFromUacResponse(invite, first), localSeq: 1 }, 'INVITE').request);
      const ok = re.finals[0];
      expect(ok?.status).toBe(200);
      const offer = ok?.body.toString('utf8') ?? '';
      expect(sdpTarget(offer)).toEqual({ ...sdpTarget(first.body.toString('utf8')), direction: 'sendrecv' });
      const version = (sdp: string) => Number(/^o=\S+ \S+ (\d+)/m.exec(sdp)?.[1]);
      expect(version(offer)).toBe(version(first.body.toString('utf8')) + 1);
    });

    it('answers an UPDATE: 200 alone without an offer, 200 with the answer to a hold offer, 488 to new media', async () => {
      start();
      const { invite, ok: first } = await answeredCall(h.trunkInvite({ sdp: sdpOffer({ address: '127.0.0.1', port: 30_000 }) }));
      h.sendRaw(h.ackFor(invite, first));
      await h.flush();
      const dialog = dialogFromUacResponse(invite, first);
      const refresh = await h.request(h.inDialog({ ...dialog, localSeq: 1 }, 'UPDATE').request);
      expect(refresh.finals.map((r) => [r.status, r.body.length])).toEqual([[200, 0]]);
      const hold = await h.request(h.inDialog({ ...dialog, localSeq: 2 }, 'UPDATE', sdpOffer({ address: '127.0.0.1', port: 30_000, direction: 'sendonly' })).request);
      expect(hold.finals[0]?.status).toBe(200);
      expect(sdpTarget(hold.finals[0]?.body.toString('utf8') ?? '')).toMatchObject({ port: sdpTarget(first.body.toString('utf8')).port, direction: 'recvonly' });
      const moved = await h.request(h.inDialog({ ...dialog, localSeq: 3 }, 'UPDATE', sdpOffer({ address: '127.0.0.1', port: 31_000 })).request);
      expect(moved.finals.map((r) => r.status)).toEqual([488]);
      expect(h.gateway.callCount).toBe(1);
    });
  });
});
