import { describe, expect, it } from 'vitest';
import { createResponse } from '../message/build.js';
import { parseNameAddr } from '../message/name-addr.js';
import { createHarness } from '../test-support/layer-harness.js';
import { requestFixture } from '../test-support/sip-fixtures.js';
import type { ServerTransaction, SipRequest, SipResponse } from '../types.js';
import { SipStack } from './sip-stack.js';
import { UasCall, type UasEnd } from './uas-call.js';

const T1 = 500;

/** A caller on side `a` and a UasCall on side `b` for the INVITE it sends. */
function setup(options: { t1?: number; recordRoute?: string[] } = {}) {
  const h = createHarness();
  const peer = h.layer(h.a);
  const layer = h.layer(h.b);
  const stack = new SipStack(h.b, layer);
  const ended: UasEnd[] = [];
  const responses: SipResponse[] = [];
  const peerRequests: ServerTransaction[] = [];
  peer.onRequest((tx) => {
    peerRequests.push(tx);
    tx.respond(createResponse(tx.request, 200));
  });
  let call: UasCall | null = null;
  const byes: ServerTransaction[] = [];
  layer.onRequest((tx) => {
    if (tx.request.method === 'BYE') return byes.push(tx);
    call = new UasCall(stack, tx, h.scheduler, { ended: (why) => ended.push(why) }, '4001', options.t1 !== undefined ? { t1: options.t1 } : {});
  });
  const invite: SipRequest = requestFixture({ branch: peer.newBranch(), callId: 'uas-1@127.0.0.1' });
  for (const rr of options.recordRoute ?? []) invite.headers.append('Record-Route', rr);
  const transaction = peer.request(invite, h.b.endpoint, { provisional: (r) => responses.push(r), final: (r) => responses.push(r), failed: () => undefined });
  h.scheduler.advance(0);
  if (!call) throw new Error('no call');
  const sentResponses = (status: number) => h.b.sent.filter((m): m is SipResponse => m.kind === 'response' && m.status === status && m.headers.get('CSeq') === '1 INVITE');
  /** A BYE from the caller in the call's dialog. */
  const sendBye = (toTag: string, cseq = 2) => {
    const bye = requestFixture({ method: 'BYE', branch: peer.newBranch(), callId: 'uas-1@127.0.0.1', toTag, cseq });
    const finals: number[] = [];
    peer.request(bye, h.b.endpoint, { final: (r) => finals.push(r.status), failed: () => undefined });
    h.scheduler.advance(0);
    return finals;
  };
  return { h, call: call as UasCall, ended, responses, transaction, peerRequests, byes, sentResponses, sendBye };
}

const toTagOf = (response: SipResponse | undefined) => parseNameAddr(response?.headers.get('To') ?? '')?.params['tag'];

describe('UasCall', () => {
  it('rings with a tagged 180 carrying Contact and Record-Route, and answers with the same tag', () => {
    const s = setup({ recordRoute: ['<sip:edge.example;lr>'] });
    s.call.ringing();
    s.call.accept('v=0\r\n');
    s.h.scheduler.advance(0);
    const [ringing, ok] = s.responses;
    expect([ringing?.status, ok?.status]).toEqual([180, 200]);
    expect(toTagOf(ringing)).toBe(s.call.localTag);
    expect(toTagOf(ok)).toBe(s.call.localTag);
    expect(ringing?.headers.getAll('Record-Route')).toEqual(['<sip:edge.example;lr>']);
    expect(ok?.headers.get('Contact')).toBe('<sip:4001@127.0.0.2:5060>');
    expect(ok?.headers.get('Content-Type')).toBe('application/sdp');
    expect(s.call.answered).toBe(true);
  });

  it('resends its 200 at T1, 2·T1, 4·T1 until acknowledged', () => {
    const s = setup();
    s.call.accept('v=0\r\n');
    s.h.scheduler.advance(0);
    for (const at of [T1, 2 * T1, 4 * T1]) s.h.scheduler.advance(at);
    expect(s.sentResponses(200)).toHaveLength(4);
    s.call.acknowledged();
    s.h.scheduler.advance(64 * T1);
    expect(s.sentResponses(200)).toHaveLength(4);
    expect(s.ended).toEqual([]);
    expect(s.h.b.sentRequests('BYE')).toHaveLength(0);
  });

  it('gives up on a 200 never acknowledged at 64·T1 (of its own timers): BYE in the dialog, ended once', () => {
    const s = setup({ t1: 100 });
    s.call.accept('v=0\r\n');
    s.h.scheduler.advance(64 * 100 - 1);
    expect(s.ended).toEqual([]);
    s.h.scheduler.advance(1);
    expect(s.ended).toEqual(['ackTimeout']);
    s.h.scheduler.advance(0);
    const [bye] = s.peerRequests.map((tx) => tx.request);
    expect(bye?.method).toBe('BYE');
    expect(bye?.uri).toBe('sip:alice@127.0.0.1:5060');
    expect(parseNameAddr(bye?.headers.get('From') ?? '')?.params['tag']).toBe(s.call.localTag);
    expect(parseNameAddr(bye?.headers.get('To') ?? '')?.params['tag']).toBe('alice-1');
    s.h.scheduler.advance(64 * T1);
    expect(s.ended).toEqual(['ackTimeout']);
  });

  it('answers a BYE 200 and ends once; a later BYE is still answered but ends nothing', () => {
    const s = setup();
    s.call.accept('v=0\r\n');
    s.call.acknowledged();
    s.h.scheduler.advance(0);
    const first = s.sendBye(s.call.localTag, 2);
    s.call.byeReceived(s.byes[0]!);
    s.h.scheduler.advance(0);
    expect(first).toEqual([200]);
    expect(s.ended).toEqual(['bye']);
    expect(s.call.ended).toBe(true);
    const second = s.sendBye(s.call.localTag, 3);
    s.call.byeReceived(s.byes[1]!);
    s.h.scheduler.advance(0);
    expect(second).toEqual([200]);
    expect(s.ended).toEqual(['bye']);
  });

  it('answers 480 when it hangs up before answering, and sends BYE without ending itself after', () => {
    const before = setup();
    before.call.hangup();
    before.h.scheduler.advance(0);
    expect(before.responses.map((r) => r.status)).toEqual([480]);
    expect(before.call.ended).toBe(true);
    const after = setup();
    after.call.accept('v=0\r\n');
    after.call.acknowledged();
    after.call.hangup();
    after.h.scheduler.advance(0);
    expect(after.peerRequests.map((tx) => tx.request.method)).toEqual(['BYE']);
    expect(after.ended).toEqual([]);
    after.call.hangup();
    after.h.scheduler.advance(0);
    expect(after.peerRequests).toHaveLength(1);
  });

  it('answers a CANCEL before the answer with 487, ends with cancel, and answers nothing after', () => {
    const s = setup();
    s.call.ringing();
    s.h.scheduler.advance(0);
    s.transaction.cancel();
    s.h.scheduler.advance(0);
    expect(s.ended).toEqual(['cancel']);
    s.call.accept('v=0\r\n');
    s.call.reject(486, 'Busy Here');
    s.h.scheduler.advance(0);
    expect(s.responses.map((r) => r.status)).toEqual([180, 487]);
  });

  it('ignores a CANCEL once answered', () => {
    const s = setup();
    s.call.ringing();
    s.h.scheduler.advance(0);
    s.call.accept('v=0\r\n');
    s.transaction.cancel();
    s.h.scheduler.advance(0);
    expect(s.ended).toEqual([]);
    expect(s.sentResponses(487)).toEqual([]);
  });

  it('rejects with its status and headers, once', () => {
    const s = setup();
    s.call.reject(503, 'Service Unavailable', [['Retry-After', '5']]);
    s.call.reject(486, 'Busy Here');
    s.call.accept('v=0\r\n');
    s.h.scheduler.advance(0);
    expect(s.responses.map((r) => r.status)).toEqual([503]);
    expect(s.responses[0]?.headers.get('Retry-After')).toBe('5');
    expect(s.call.ended).toBe(true);
  });
});
