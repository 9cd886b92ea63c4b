import { describe, expect, it } from 'vitest';
import { digestHa1, DigestServer } from '../digest.js';
import { createInDialogRequest, dialogFromUasInvite } from '../dialog.js';
import { createResponse } from '../message/build.js';
import { createHarness } from '../test-support/layer-harness.js';
import type { ServerTransaction, SipRequest, SipResponse } from '../types.js';
import { SipStack } from './sip-stack.js';
import { UacCall, type UacCallSpec } from './uac-call.js';

const T1 = 500;
const OFFER = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 30000 RTP/AVP 0\r\n';

/** A UacCall on side `b` calling a callee on side `a` that answers as the test says. */
function setup(spec: Partial<UacCallSpec> = {}, answer: (offer: string) => Promise<string | null> = () => Promise.resolve('v=0\r\nanswer\r\n')) {
  const h = createHarness();
  const callee = h.layer(h.a);
  const layer = h.layer(h.b);
  const stack = new SipStack(h.b, layer);
  const received: ServerTransaction[] = [];
  const acks: SipRequest[] = [];
  const events: string[] = [];
  callee.onRequest((tx) => received.push(tx));
  callee.onAck((ack) => acks.push(ack));
  layer.onRequest((tx) => {
    if (tx.request.method === 'BYE') call.byeReceived(tx);
  });
  const call = new UacCall(
    stack,
    {
      requestUri: 'sip:008613912345678@127.0.0.1',
      fromUri: 'sip:02188880000@127.0.0.2',
      toUri: 'sip:008613912345678@127.0.0.1',
      peer: { endpoint: h.a.endpoint },
      contactUser: '02188880000',
      ...spec,
    },
    {
      ringing: () => events.push('ringing'),
      answered: (offer) => {
        events.push('answered');
        return answer(offer);
      },
      failed: (status) => events.push(`failed:${status}`),
      hungUp: () => events.push('hungUp'),
    },
    'uac-1@127.0.0.2',
  );
  const toTag = 'callee-tag';
  const respond = (tx: ServerTransaction, status: number, options: { sdp?: string; headers?: Array<[string, string]> } = {}): SipResponse => {
    const response = createResponse(tx.request, status, undefined, {
      ...(status > 100 ? { toTag } : {}),
      headers: [...(status < 300 && status > 100 ? ([['Contact', '<sip:callee@127.0.0.1:5060>']] as Array<[string, string]>) : []), ...(options.headers ?? [])],
      ...(options.sdp ? { body: Buffer.from(options.sdp), contentType: 'application/sdp' } : {}),
    });
    tx.respond(response);
    return response;
  };
  const flush = async () => {
    for (let i = 0; i < 5; i++) {
      h.scheduler.advance(0);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };
  const invites = () => received.filter((tx) => tx.request.method === 'INVITE');
  const requests = (method: string) => received.filter((tx) => tx.request.method === method);
  return { h, callee, call, events, acks, respond, flush, invites, requests, toTag };
}

describe('UacCall', () => {
  it('sends a late-offer INVITE with our identity, a Contact, no To tag and the extra headers', async () => {
    const s = setup({ headers: [['P-Asserted-Identity', '<sip:02188880000@127.0.0.2>']] });
    s.call.start();
    await s.flush();
    const invite = s.invites()[0]?.request;
    expect(invite?.uri).toBe('sip:008613912345678@127.0.0.1');
    expect(invite?.body.length).toBe(0);
    expect(invite?.headers.get('From')).toMatch(/^<sip:02188880000@127\.0\.0\.2>;tag=\w+/);
    expect(invite?.headers.get('To')).toBe('<sip:008613912345678@127.0.0.1>');
    expect(invite?.headers.get('Contact')).toBe('<sip:02188880000@127.0.0.2:5060>');
    expect(invite?.headers.get('P-Asserted-Identity')).toBe('<sip:02188880000@127.0.0.2>');
    expect(invite?.headers.get('Call-ID')).toBe('uac-1@127.0.0.2');
  });

  it('reports ringing once for 180 and 183, then the offer, and sends the answer in the ACK', async () => {
    let offered = '';
    const s = setup({}, (offer) => {
      offered = offer;
      return Promise.resolve('v=0\r\nanswer\r\n');
    });
    s.call.start();
    await s.flush();
    const tx = s.invites()[0]!;
    s.respond(tx, 180);
    await s.flush();
    expect(s.call.answered).toBe(false);
    s.respond(tx, 183);
    s.respond(tx, 200, { sdp: OFFER });
    await s.flush();
    expect(s.events).toEqual(['ringing', 'answered']);
    expect(offered).toBe(OFFER);
    expect(s.acks).toHaveLength(1);
    expect(s.acks[0]?.uri).toBe('sip:callee@127.0.0.1:5060');
    expect(s.acks[0]?.headers.get('CSeq')).toBe('1 ACK');
    expect(s.acks[0]?.headers.get('Content-Type')).toBe('application/sdp');
    expect(s.acks[0]?.body.toString('utf8')).toBe('v=0\r\nanswer\r\n');
  });

  it('sends the same ACK again for a retransmitted 200', async () => {
    const s = setup();
    s.call.start();
    await s.flush();
    const tx = s.invites()[0]!;
    const ok = s.respond(tx, 200, { sdp: OFFER });
    await s.flush();
    s.h.a.send(ok, s.h.b.endpoint);
    await s.flush();
    expect(s.acks).toHaveLength(2);
    expect(s.acks[1]?.headers.get('Via')).toBe(s.acks[0]?.headers.get('Via'));
    expect(s.events).toEqual(['answered']);
  });

  it.each([
    ['no answer', () => Promise.resolve(null)],
    ['a failed answer', () => Promise.reject(new Error('no leg'))],
  ])('acknowledges and hangs up with BYE on %s', async (_label, answer) => {
    const s = setup({}, answer);
    s.call.start();
    await s.flush();
    s.respond(s.invites()[0]!, 200, { sdp: OFFER });
    await s.flush();
    expect(s.acks).toHaveLength(1);
    expect(s.acks[0]?.body.length).toBe(0);
    expect(s.requests('BYE')).toHaveLength(1);
    expect(s.call.ended).toBe(true);
  });

  it('cancels only once the callee has answered provisionally, then fails with 487', async () => {
    const s = setup();
    s.call.start();
    await s.flush();
    s.call.hangup();
    await s.flush();
    expect(s.h.b.sentRequests('CANCEL')).toHaveLength(0);
    const tx = s.invites()[0]!;
    s.respond(tx, 180);
    await s.flush();
    expect(s.h.b.sentRequests('CANCEL')).toHaveLength(1);
    s.respond(tx, 487);
    await s.flush();
    expect(s.events).toEqual(['ringing', 'failed:487']);
  });

  it('acknowledges and ends a 200 that crosses its CANCEL, without reporting an answer', async () => {
    const s = setup();
    s.call.start();
    await s.flush();
    const tx = s.invites()[0]!;
    s.respond(tx, 180);
    await s.flush();
    s.call.hangup();
    s.respond(tx, 200, { sdp: OFFER });
    await s.flush();
    expect(s.acks).toHaveLength(1);
    expect(s.requests('BYE')).toHaveLength(1);
    expect(s.events).toEqual(['ringing']);
  });

  it('fails with 408 when nothing answers the INVITE within 64·T1', async () => {
    const s = setup();
    s.h.wire.drop = (message, from) => from === 'b' && message.kind === 'request';
    s.call.start();
    await s.flush();
    s.h.scheduler.advance(64 * T1 - 1);
    await s.flush();
    expect(s.events).toEqual([]);
    s.h.scheduler.advance(1);
    await s.flush();
    expect(s.events).toEqual(['failed:408']);
  });

  it('fails with 503 when the INVITE cannot be sent', async () => {
    const s = setup({ peer: { endpoint: { transport: 'udp', address: '192.0.2.1', port: 5060 } } });
    s.call.start();
    await s.flush();
    expect(s.events).toEqual(['failed:503']);
  });

  it('answers a 407 once with Proxy-Authorization in a new INVITE, and fails on the next', async () => {
    const s = setup({ credentials: { username: 'acct', password: 'pw' } });
    const digest = new DigestServer({ realm: 'carrier.example', secret: Buffer.alloc(32, 5), now: () => 0 });
    s.call.start();
    await s.flush();
    s.respond(s.invites()[0]!, 407, { headers: [['Proxy-Authenticate', digest.challenge()]] });
    await s.flush();
    const retry = s.invites()[1]?.request;
    expect(retry?.headers.get('CSeq')).toBe('2 INVITE');
    expect(digest.verify({ method: 'INVITE', authorization: retry?.headers.get('Proxy-Authorization') }, () => digestHa1('MD5', 'acct', 'carrier.example', 'pw')).result).toBe('ok');
    s.respond(s.invites()[1]!, 407, { headers: [['Proxy-Authenticate', digest.challenge()]] });
    await s.flush();
    expect(s.invites()).toHaveLength(2);
    expect(s.events).toEqual(['failed:407']);
  });

  it('fails on a challenge when it has no credentials', async () => {
    const s = setup();
    const digest = new DigestServer({ realm: 'carrier.example', secret: Buffer.alloc(32, 5), now: () => 0 });
    s.call.start();
    await s.flush();
    s.respond(s.invites()[0]!, 401, { headers: [['WWW-Authenticate', digest.challenge()]] });
    await s.flush();
    expect(s.invites()).toHaveLength(1);
    expect(s.events).toEqual(['failed:401']);
  });

  it('reports a BYE from the callee once, and sends no BYE of its own after', async () => {
    const s = setup();
    s.call.start();
    await s.flush();
    const tx = s.invites()[0]!;
    s.respond(tx, 200, { sdp: OFFER });
    await s.flush();
    expect(s.call.answered).toBe(true);
    const dialog = dialogFromUasInvite(tx.request, s.toTag);
    const bye = createInDialogRequest(dialog, 'BYE', { via: `SIP/2.0/UDP 127.0.0.1:5060;branch=${s.callee.newBranch()}` }).request;
    const finals: number[] = [];
    s.callee.request(bye, s.h.b.endpoint, { final: (r) => finals.push(r.status), failed: () => undefined });
    await s.flush();
    expect(finals).toEqual([200]);
    expect(s.events).toEqual(['answered', 'hungUp']);
    expect([s.call.answered, s.call.ended]).toEqual([false, true]);
    s.call.hangup();
    await s.flush();
    expect(s.h.b.sentRequests('BYE')).toHaveLength(0);
  });
});
