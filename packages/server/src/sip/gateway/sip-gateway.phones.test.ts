import { afterEach, describe, expect, it } from 'vitest';
import { answerChallenge } from '../digest.js';
import { dialogFromUacResponse } from '../dialog.js';
import { serializeSipMessage } from '../message/serialize.js';
import type { SipRequest, SipResponse } from '../types.js';
import { aorKey } from './sip-gateway.js';
import { AGENT, GatewayHarness, REALM, SDK_APP_ID, sdpOffer, sdpTarget, trunkFixture, type PeerRequest } from './test-support/gateway-harness.js';

const PASSWORD = 'Wq7pZr4kT9mXb2Nc8vYd';
const EXTENSIONS = [
  { extensionId: '1001', password: PASSWORD, relation: AGENT.mail },
  { extensionId: '1002', password: 'Hk3sLp9qRt2Vw6Xy4Zb8', relation: null },
];

describe('SipGateway: desk phones', () => {
  let h: GatewayHarness;
  afterEach(() => h.close());

  /** The phone is at 127.0.0.1, which no trunk trusts. */
  const start = () => (h = new GatewayHarness({ extensions: EXTENSIONS, trunks: [trunkFixture({ allow: ['192.0.2.0/24'] })] }));

  let registrations = 0;
  const bindings = (extensionId: string) => h.registrar.lookup(aorKey(SDK_APP_ID, extensionId));

  /** A REGISTER answered 401, then again with `password` for `username`. */
  async function registerWith(extensionId: string, options: { username?: string; password: string; aorUser?: string }): Promise<SipResponse | undefined> {
    const callId = `reg-${++registrations}@127.0.0.1`;
    const challenged = await h.request(h.register(options.aorUser ?? extensionId, { callId, cseq: 1 }));
    const challenge = challenged.finals[0];
    expect(challenge?.status).toBe(401);
    const answered = await h.request(h.register(extensionId, { callId, cseq: 2, challenge: challenge!, password: options.password, ...(options.username ? { username: options.username } : {}), ...(options.aorUser ? { aorUser: options.aorUser } : {}) }));
    return answered.finals[0];
  }

  describe('REGISTER', () => {
    it('challenges a REGISTER without credentials with 401 for the instance realm', async () => {
      start();
      const call = await h.request(h.register('1001'));
      expect(call.finals.map((r) => r.status)).toEqual([401]);
      expect(call.finals[0]?.headers.get('WWW-Authenticate')).toMatch(new RegExp(`^Digest .*realm="${REALM.replace(/\./g, '\\.')}"`));
      expect(bindings('1001')).toEqual([]);
    });

    it('binds the contact on the right password and answers 200 with the binding', async () => {
      start();
      const ok = await registerWith('1001', { password: PASSWORD });
      expect(ok?.status).toBe(200);
      expect(ok?.headers.get('Contact')).toMatch(/^<sip:1001@127\.0\.0\.1:5060>;expires=\d+/);
      expect(bindings('1001').map((b) => [b.contact, b.source.address])).toEqual([['sip:1001@127.0.0.1:5060', '127.0.0.1']]);
    });

    it('challenges again on a wrong password and binds nothing', async () => {
      start();
      const answer = await registerWith('1001', { password: 'wrong' });
      expect(answer?.status).toBe(401);
      expect(answer?.headers.get('WWW-Authenticate')).toMatch(/nonce="/);
      expect(bindings('1001')).toEqual([]);
    });

    it('answers 404 to a domain that names no instance', async () => {
      start();
      const call = await h.request(h.register('1001', { domain: 'elsewhere.example' }));
      expect(call.finals.map((r) => r.status)).toEqual([404]);
    });

    it('answers 403 when an extension registers another extension’s address', async () => {
      start();
      const answer = await registerWith('1001', { password: PASSWORD, aorUser: '1002' });
      expect(answer?.status).toBe(403);
      expect(bindings('1002')).toEqual([]);
      expect(bindings('1001')).toEqual([]);
    });

    it('answers a banned source the same 401 even with the right password', async () => {
      start();
      for (let i = 0; i < 5; i++) expect((await registerWith('1001', { password: `guess-${i}` }))?.status).toBe(401);
      const answer = await registerWith('1001', { password: PASSWORD });
      expect(answer?.status).toBe(401);
      expect(answer?.headers.get('WWW-Authenticate')).toMatch(/^Digest /);
      expect(bindings('1001')).toEqual([]);
    });

    it('answers an unknown username exactly as a known one with a wrong password, apart from nonces and tags', async () => {
      start();
      const normalised = (response: SipResponse | undefined) =>
        serializeSipMessage(response!)
          .toString('utf8')
          .replace(/branch=[^;\s]+/g, 'branch=B')
          .replace(/tag=[^;\s]+/g, 'tag=T')
          .replace(/nonce="[^"]*"/g, 'nonce="N"')
          .replace(/Call-ID: \S+/g, 'Call-ID: C');
      const known = await registerWith('1001', { password: 'wrong' });
      const unknown = await registerWith('1001', { username: '1999', password: 'wrong' });
      expect(known?.status).toBe(401);
      expect(normalised(unknown)).toBe(normalised(known));
    });
  });

  describe('calling out from a desk phone', () => {
    const NUMBER = '008613800000000';

    function phoneInvite(extensionId: string, challenge?: SipResponse): SipRequest {
      const password = EXTENSIONS.find((e) => e.extensionId === extensionId)?.password ?? '';
      const uri = `sip:${NUMBER}@${REALM}`;
      const invite = h.newRequest('INVITE', { uri, from: `<sip:${extensionId}@${REALM}>`, to: `<${uri}>`, callId: `out-${extensionId}@127.0.0.1`, cseq: challenge ? 2 : 1, sdp: sdpOffer({ address: '192.168.1.20', port: 30_000 }) });
      if (challenge) invite.headers.set('Proxy-Authorization', answerChallenge(challenge.headers.get('Proxy-Authenticate') ?? '', { username: extensionId, password }, { method: 'INVITE', uri }));
      return invite;
    }

    async function authenticatedInvite(extensionId: string) {
      const first = await h.request(phoneInvite(extensionId));
      expect(first.finals.map((r) => r.status)).toEqual([407]);
      const invite = phoneInvite(extensionId, first.finals[0]);
      return { invite, call: await h.request(invite) };
    }

    it('challenges an INVITE without credentials with 407 and does not call out', async () => {
      start();
      const call = await h.request(phoneInvite('1001'));
      expect(call.finals.map((r) => r.status)).toEqual([407]);
      expect(call.finals[0]?.headers.get('Proxy-Authenticate')).toMatch(/^Digest /);
      expect(h.engine.outbounds).toEqual([]);
    });

    it('calls out for the bound agent with an RTP leg that latches behind NAT, and answers from its leg', async () => {
      start();
      const { call } = await authenticatedInvite('1001');
      expect(h.engine.outbounds).toEqual([{ agent: { sdkAppId: SDK_APP_ID, mail: AGENT.mail }, phoneNumber: NUMBER, media: { kind: 'rtp', remote: { address: '127.0.0.1', port: 30_000, latch: true }, codec: 'PCMU', telephoneEventPayloadType: 101 } }]);
      const ok = call.finals[0];
      expect(ok?.status).toBe(200);
      expect(sdpTarget(ok?.body.toString('utf8') ?? '')).toMatchObject({ address: '127.0.0.2', port: 42_002 });
    });

    it('answers 403 to an extension bound to no agent', async () => {
      start();
      const { call } = await authenticatedInvite('1002');
      expect(call.finals.map((r) => r.status)).toEqual([403]);
      expect(h.engine.outbounds).toEqual([]);
    });

    it('hangs up for the agent when the phone sends BYE', async () => {
      start();
      const { invite, call } = await authenticatedInvite('1001');
      const ok = call.finals[0]!;
      h.sendRaw(h.ackFor(invite, ok));
      const bye = await h.request(h.inDialog(dialogFromUacResponse(invite, ok), 'BYE').request);
      expect(bye.finals.map((r) => r.status)).toEqual([200]);
      expect(h.engine.agentHangUps).toEqual([{ agent: { sdkAppId: SDK_APP_ID, mail: AGENT.mail }, sessionId: 'out-1' }]);
      expect(h.gateway.callCount).toBe(0);
    });
  });

  describe('calling out from a desk phone: setup and teardown', () => {
    const NUMBER = '008613800000000';

    async function authenticated(): Promise<SipRequest> {
      const uri = `sip:${NUMBER}@${REALM}`;
      const build = (cseq: number) => h.newRequest('INVITE', { uri, from: `<sip:1001@${REALM}>`, to: `<${uri}>`, callId: 'out-x@127.0.0.1', cseq, sdp: sdpOffer({ address: '127.0.0.1', port: 30_000 }) });
      const first = await h.request(build(1));
      const invite = build(2);
      invite.headers.set('Proxy-Authorization', answerChallenge(first.finals[0]?.headers.get('Proxy-Authenticate') ?? '', { username: '1001', password: PASSWORD }, { method: 'INVITE', uri }));
      return invite;
    }

    it('answers 403 with the reason when the engine refuses the call', async () => {
      start();
      h.engine.outboundAnswer = () => Promise.reject(new Error('The agent is "busy" on another call.'));
      const call = await h.request(await authenticated());
      expect(call.finals.map((r) => r.status)).toEqual([403]);
      expect(call.finals[0]?.headers.get('Warning')).toBe(`399 openccc "The agent is 'busy' on another call."`);
      expect(h.gateway.callCount).toBe(0);
    });

    it('answers a CANCEL while the engine sets up with 487, and hangs up for the agent once the session exists', async () => {
      start();
      let started!: (value: { sessionId: string; rtp: { address: string; port: number } }) => void;
      h.engine.outboundAnswer = () => new Promise((resolve) => (started = resolve));
      const call = await h.request(await authenticated());
      await h.advance(200);
      call.transaction.cancel();
      await h.flush();
      expect(call.finals.map((r) => r.status)).toEqual([487]);
      expect(h.engine.agentHangUps).toEqual([]);
      started({ sessionId: 'out-late', rtp: { address: '127.0.0.2', port: 42_000 } });
      await h.flush();
      expect(h.engine.agentHangUps).toEqual([{ agent: AGENT, sessionId: 'out-late' }]);
      expect(h.gateway.callCount).toBe(0);
      // Nothing of the call is kept: the phone can be rung for that session like for any other.
      expect((await h.registerExtension('1001')).status).toBe(200);
      h.engine.notify(AGENT, 'out-late', 'callIn');
      await h.flush();
      expect(h.gatewayRequests('INVITE')).toHaveLength(1);
    });

    it('sends BYE to the phone when the engine ends its call, without hanging up for the agent again', async () => {
      start();
      const invite = await authenticated();
      const call = await h.request(invite);
      h.sendRaw(h.ackFor(invite, call.finals[0]!));
      await h.flush();
      h.engine.notify(AGENT, 'out-1', 'sessionEnded');
      await h.flush();
      expect(h.peerReceived('BYE')).toHaveLength(1);
      expect(h.engine.agentHangUps).toEqual([]);
      expect(h.gateway.callCount).toBe(0);
    });
  });

  describe('ringing a desk phone', () => {
    const SESSION = 'session-ring';

    /** Registers 1001, offers a call to its agent, and returns the INVITE the phone got. */
    async function ring(): Promise<PeerRequest> {
      expect((await h.registerExtension('1001')).status).toBe(200);
      h.engine.notify(AGENT, SESSION, 'callIn');
      await h.flush();
      const [invite] = h.peerReceived('INVITE');
      if (!invite) throw new Error('the phone was not rung');
      return invite;
    }

    it('rings the registered contact with an INVITE without SDP', async () => {
      start();
      const invite = await ring();
      expect(invite.request.uri).toBe('sip:1001@127.0.0.1:5060');
      expect(invite.request.body.length).toBe(0);
      expect(invite.request.headers.get('To')).toBe(`<sip:1001@${REALM}>`);
    });

    it('does not ring an agent whose extension is not registered', async () => {
      start();
      h.engine.notify(AGENT, SESSION, 'callIn');
      await h.flush();
      expect(h.gatewayRequests('INVITE')).toEqual([]);
    });

    it("accepts the call for the agent in the phone's preferred codec when it answers, and sends the engine leg's answer in the ACK", async () => {
      start();
      const invite = await ring();
      h.answer(invite, 180);
      h.answer(invite, 200, { sdp: sdpOffer({ address: '127.0.0.1', port: 33_000, codecs: ['PCMA', 'PCMU'] }) });
      await h.flush();
      expect(h.engine.accepts).toEqual([{ agent: AGENT, sessionId: SESSION, media: { kind: 'rtp', remote: { address: '127.0.0.1', port: 33_000 }, codec: 'PCMA', telephoneEventPayloadType: 101 } }]);
      const [ack] = h.peerAcks;
      expect(ack?.headers.get('Content-Type')).toBe('application/sdp');
      expect(sdpTarget(ack?.body.toString('utf8') ?? '')).toMatchObject({ address: '127.0.0.2', port: 44_000, codecs: '8 101' });
    });

    it.each(['autoTransfer', 'sessionEnded'] as const)('cancels the ringing on %s and does not decline for the agent', async (name) => {
      start();
      const invite = await ring();
      h.answer(invite, 180);
      await h.flush();
      h.engine.notify(AGENT, SESSION, name);
      await h.flush();
      expect(invite.cancelled).toBe(true);
      h.answer(invite, 487);
      await h.flush();
      expect(h.engine.agentHangUps).toEqual([]);
      expect(h.gateway.callCount).toBe(0);
    });

    it('hangs up a phone whose answer crosses the CANCEL, without accepting for the agent', async () => {
      start();
      const invite = await ring();
      h.answer(invite, 180);
      await h.flush();
      h.engine.notify(AGENT, SESSION, 'autoTransfer');
      h.answer(invite, 200, { sdp: sdpOffer({ address: '127.0.0.1', port: 33_000 }) });
      await h.flush();
      expect(h.gatewayRequests('CANCEL')).toHaveLength(1);
      expect(h.peerAcks).toHaveLength(1);
      expect(h.peerReceived('BYE')).toHaveLength(1);
      expect(h.engine.accepts).toEqual([]);
      expect(h.engine.agentHangUps).toEqual([]);
    });

    it('does not decline for the agent when the phone declines a call it was already told to stop ringing', async () => {
      start();
      const invite = await ring();
      h.answer(invite, 180);
      await h.flush();
      h.engine.notify(AGENT, SESSION, 'autoTransfer');
      h.answer(invite, 603);
      await h.flush();
      expect(h.engine.agentHangUps).toEqual([]);
    });

    it('does not decline for the agent when an unreachable phone times out after its ringing was stopped', async () => {
      start();
      expect((await h.registerExtension('1001')).status).toBe(200);
      h.wire.drop = (_message, from) => from === 'a';
      h.engine.notify(AGENT, SESSION, 'callIn');
      await h.flush();
      h.engine.notify(AGENT, SESSION, 'autoTransfer');
      await h.advance(64 * 500);
      expect(h.gatewayRequests('INVITE').length).toBeGreaterThan(1);
      expect(h.engine.agentHangUps).toEqual([]);
      expect(h.gateway.callCount).toBe(0);
    });

    it('declines for the agent when an unreachable phone times out while it rings', async () => {
      start();
      expect((await h.registerExtension('1001')).status).toBe(200);
      h.wire.drop = (_message, from) => from === 'a';
      h.engine.notify(AGENT, SESSION, 'callIn');
      await h.flush();
      await h.advance(64 * 500);
      expect(h.engine.agentHangUps).toEqual([{ agent: AGENT, sessionId: SESSION }]);
      expect(h.gateway.callCount).toBe(0);
    });

    it('ignores a notification for another agent', async () => {
      start();
      const invite = await ring();
      h.answer(invite, 180);
      await h.flush();
      h.engine.notify({ sdkAppId: SDK_APP_ID, mail: 'someone.else@example.com' }, SESSION, 'sessionEnded');
      await h.flush();
      expect(invite.cancelled).toBe(false);
    });

    it('declines for the agent when the phone is busy', async () => {
      start();
      const invite = await ring();
      h.answer(invite, 486);
      await h.flush();
      expect(h.engine.agentHangUps).toEqual([{ agent: AGENT, sessionId: SESSION }]);
      expect(h.gateway.callCount).toBe(0);
    });

    it('hangs up a phone that answers with audio it cannot take, and declines for the agent', async () => {
      start();
      const invite = await ring();
      const g722 = ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 33000 RTP/AVP 9', 'a=rtpmap:9 G722/8000', ''].join('\r\n');
      h.answer(invite, 200, { sdp: g722 });
      await h.flush();
      expect(h.peerAcks).toHaveLength(1);
      expect(h.peerReceived('BYE')).toHaveLength(1);
      expect(h.engine.accepts).toEqual([]);
      expect(h.engine.agentHangUps).toEqual([{ agent: AGENT, sessionId: SESSION }]);
      expect(h.gateway.callCount).toBe(0);
    });

    it('hangs up a phone that answers a call the engine no longer offers, and forgets the call', async () => {
      start();
      h.engine.acceptAnswer = () => Promise.reject(new Error('the call is gone'));
      const invite = await ring();
      h.answer(invite, 200, { sdp: sdpOffer({ address: '127.0.0.1', port: 33_000 }) });
      await h.flush();
      expect(h.peerReceived('BYE')).toHaveLength(1);
      expect(h.engine.agentHangUps).toEqual([]);
      expect(h.gateway.callCount).toBe(0);
      expect(h.errors()).toEqual([]);
    });

    it('stops ringing when the agent answers elsewhere (the workbench), without hanging up for them', async () => {
      start();
      const invite = await ring();
      h.answer(invite, 180);
      await h.flush();
      h.engine.notify(AGENT, SESSION, 'userAccessed');
      await h.flush();
      expect(invite.cancelled).toBe(true);
      h.answer(invite, 487);
      await h.flush();
      expect(h.engine.agentHangUps).toEqual([]);
      expect(h.gateway.callCount).toBe(0);
    });

    it('goes on with the call when the engine tells the agent of the answer the phone gave', async () => {
      start();
      h.engine.acceptAnswer = () => {
        h.engine.notify(AGENT, SESSION, 'userAccessed');
        return Promise.resolve({ rtp: { address: '127.0.0.2', port: 44_000 } });
      };
      const invite = await ring();
      h.answer(invite, 180);
      h.answer(invite, 200, { sdp: sdpOffer({ address: '127.0.0.1', port: 33_000 }) });
      await h.flush();
      expect(invite.cancelled).toBe(false);
      expect(h.peerAcks[0]?.body.length).toBeGreaterThan(0);
      expect(h.peerReceived('BYE')).toEqual([]);
      expect(h.gateway.callCount).toBe(1);
    });

    it('hangs up for the agent when the phone sends BYE after answering', async () => {
      start();
      const invite = await ring();
      h.answer(invite, 200, { sdp: sdpOffer({ address: '127.0.0.1', port: 33_000 }) });
      await h.flush();
      expect(h.peerAcks).toHaveLength(1);
      const bye = await h.request(h.inDialog(h.uasDialog(invite), 'BYE').request);
      expect(bye.finals.map((r) => r.status)).toEqual([200]);
      expect(h.engine.agentHangUps).toEqual([{ agent: AGENT, sessionId: SESSION }]);
      expect(h.gateway.callCount).toBe(0);
    });
  });
});
