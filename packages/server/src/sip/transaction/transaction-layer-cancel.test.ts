import { describe, expect, it } from 'vitest';
import { createResponse } from '../message/build.js';
import { parseCSeq } from '../message/cseq.js';
import { createHarness, recordingHandlers } from '../test-support/layer-harness.js';
import { requestFixture } from '../test-support/sip-fixtures.js';
import type { Received, ServerTransaction, SipMessage } from '../types.js';

const cseqMethod = (message: SipMessage): string | undefined => parseCSeq(message.headers.get('CSeq') ?? '')?.method;

describe('transaction layer: CANCEL', () => {
  /** A UAC layer on side `a` and a UAS layer on side `b` whose TU rings and answers 487 to a CANCEL. */
  function twoLayers() {
    const h = createHarness();
    const uac = h.layer(h.a);
    const uas = h.layer(h.b);
    const cancelled: ServerTransaction[] = [];
    uas.onRequest((transaction) => {
      transaction.onCancel(() => {
        cancelled.push(transaction);
        transaction.respond(createResponse(transaction.request, 487, undefined, { toTag: 'bob-1' }));
      });
    });
    return { ...h, uac, uas, cancelled };
  }

  it('cancels a ringing INVITE: the UAS layer answers the CANCEL 200, the TU answers 487, the UAC acknowledges it, and every transaction ends', () => {
    const t = twoLayers();
    t.uas.onRequest((transaction) => transaction.respond(createResponse(transaction.request, 180, undefined, { toTag: 'bob-1' })));
    const handlers = recordingHandlers();
    const invite = requestFixture({ branch: t.uac.newBranch(), route: ['<sip:edge.example.com;lr>'] });
    const transaction = t.uac.request(invite, t.b.endpoint, handlers);
    t.scheduler.advance(0);
    expect(handlers.seen.provisional).toEqual([180]);

    transaction.cancel('SIP;cause=200;text="Call completed elsewhere"');
    transaction.cancel(); // only once
    t.scheduler.advance(0);
    const cancels = t.a.sentRequests('CANCEL');
    expect(cancels).toHaveLength(1);
    const cancel = cancels[0]!;
    expect(cancel.kind === 'request' && cancel.uri).toBe(invite.uri);
    for (const name of ['Via', 'From', 'To', 'Call-ID', 'Route']) expect(cancel.headers.getAll(name)).toEqual(invite.headers.getAll(name));
    expect(cancel.headers.get('CSeq')).toBe('1 CANCEL');
    expect(cancel.headers.get('Reason')).toBe('SIP;cause=200;text="Call completed elsewhere"');

    expect(t.cancelled).toHaveLength(1);
    const okToCancel = t.b.sentResponses(200).filter((r) => cseqMethod(r) === 'CANCEL');
    expect(okToCancel).toHaveLength(1);
    expect(okToCancel[0]!.headers.get('To')).toContain('tag=bob-1');
    expect(handlers.seen.final).toEqual([487]);
    expect(t.a.sentRequests('ACK')).toHaveLength(1);

    t.scheduler.runAll();
    expect(t.uac.size).toBe(0);
    expect(t.uas.size).toBe(0);
  });

  it('holds a CANCEL until a provisional response arrives (here the UAS layer’s own 100 Trying at 200 ms)', () => {
    const t = twoLayers();
    const handlers = recordingHandlers();
    const transaction = t.uac.request(requestFixture({ branch: t.uac.newBranch() }), t.b.endpoint, handlers);
    transaction.cancel();
    t.scheduler.advance(199);
    expect(t.a.sentRequests('CANCEL')).toHaveLength(0);
    t.scheduler.advance(1);
    expect(handlers.seen.provisional).toEqual([100]);
    expect(t.a.sentRequests('CANCEL')).toHaveLength(1);
    t.scheduler.advance(0);
    expect(t.cancelled).toHaveLength(1);
    expect(handlers.seen.final).toEqual([487]);
    t.scheduler.runAll();
    expect(t.uac.size + t.uas.size).toBe(0);
  });

  it('sends no CANCEL when the final response came first', () => {
    const h = createHarness();
    const uac = h.layer(h.a);
    const handlers = recordingHandlers();
    const invite = requestFixture({ branch: uac.newBranch() });
    const transaction = uac.request(invite, h.b.endpoint, handlers);
    transaction.cancel();
    h.b.send(createResponse(invite, 486, undefined, { toTag: 'x' }), h.a.endpoint);
    h.scheduler.advance(0);
    h.scheduler.runAll();
    expect(h.a.sentRequests('CANCEL')).toHaveLength(0);
    expect(handlers.seen.final).toEqual([486]);
  });

  it('gives the INVITE up 64·T1 after a CANCEL that brought no final response, and frees both transactions', () => {
    const h = createHarness();
    const uac = h.layer(h.a);
    const handlers = recordingHandlers();
    const invite = requestFixture({ branch: uac.newBranch() });
    const transaction = uac.request(invite, h.b.endpoint, handlers);
    h.b.send(createResponse(invite, 180, undefined, { toTag: 'x' }), h.a.endpoint);
    h.scheduler.advance(1_000);
    transaction.cancel();
    expect(uac.size).toBe(2);
    h.scheduler.advance(31_999);
    expect(handlers.seen.failed).toEqual([]);
    h.scheduler.advance(1);
    expect(handlers.seen.failed).toEqual(['timeout']);
    expect(uac.size).toBe(0);
    expect(h.scheduler.pending).toBe(0);
  });

  it('answers 481 to a CANCEL that matches no INVITE, and absorbs its retransmission', () => {
    const h = createHarness();
    const uas = h.layer(h.b);
    const requests: ServerTransaction[] = [];
    uas.onRequest((transaction) => requests.push(transaction));
    const gone = (): number => h.b.sentResponses(481).length;
    const cancel = requestFixture({ method: 'CANCEL', branch: 'z9hG4bK-nothing' });
    h.a.send(cancel, h.b.endpoint);
    h.scheduler.advance(0);
    expect(gone()).toBe(1);
    h.a.send(cancel, h.b.endpoint);
    h.scheduler.advance(0);
    expect(gone()).toBe(2); // the same 481, replayed by its transaction
    expect(requests).toHaveLength(0);
    expect(uas.size).toBe(1);
    h.scheduler.runAll();
    expect(uas.size).toBe(0);
  });

  it('answers 200 to a CANCEL after the final response without asking the TU for a 487', () => {
    const t = twoLayers();
    t.uas.onRequest((transaction) => transaction.respond(createResponse(transaction.request, 200, undefined, { toTag: 'bob-1' })));
    const invite = requestFixture({ branch: 'z9hG4bK-late' });
    t.a.send(invite, t.b.endpoint);
    t.scheduler.advance(0);
    t.a.send(createCancelLike(invite), t.b.endpoint);
    t.scheduler.advance(0);
    expect(t.cancelled).toHaveLength(0);
    expect(t.b.sentResponses(200).filter((r) => cseqMethod(r) === 'CANCEL')).toHaveLength(1);
  });

  it('tells a TU that listens for CANCEL late, while the INVITE is still unanswered', () => {
    const h = createHarness();
    const uas = h.layer(h.b);
    let invite: ServerTransaction | undefined;
    uas.onRequest((transaction) => (invite = transaction));
    const request = requestFixture({ branch: 'z9hG4bK-early-cancel' });
    h.a.send(request, h.b.endpoint);
    h.a.send(createCancelLike(request), h.b.endpoint);
    h.scheduler.advance(0);
    let told = 0;
    invite!.onCancel(() => told++);
    expect(told).toBe(1);
  });
});

describe('transaction layer: loss, duplication and leaks', () => {
  it('absorbs duplicated requests and responses: the TU sees each once', () => {
    const h = createHarness();
    const uac = h.layer(h.a);
    const uas = h.layer(h.b);
    h.wire.duplicate = () => true;
    let requests = 0;
    uas.onRequest((transaction) => {
      requests++;
      transaction.respond(createResponse(transaction.request, 200, undefined, { toTag: 'd' }));
    });
    const handlers = recordingHandlers();
    uac.request(requestFixture({ method: 'OPTIONS', branch: uac.newBranch() }), h.b.endpoint, handlers);
    h.scheduler.runAll();
    expect(requests).toBe(1);
    expect(handlers.seen.final).toEqual([200]);
    expect(uac.size + uas.size).toBe(0);
  });

  it('recovers from lost requests and lost responses through retransmission', () => {
    const h = createHarness();
    const uac = h.layer(h.a);
    const uas = h.layer(h.b);
    const lost = { request: 2, response: 1 };
    h.wire.drop = (message) => {
      if (message.kind === 'request' && message.method === 'INVITE' && lost.request > 0) return lost.request-- > 0;
      if (message.kind === 'response' && message.status === 486 && lost.response > 0) return lost.response-- > 0;
      return false;
    };
    const received: Received[] = [];
    uas.onRequest((transaction) => {
      received.push(transaction.received);
      transaction.respond(createResponse(transaction.request, 486, undefined, { toTag: 'l' }));
    });
    const handlers = recordingHandlers();
    uac.request(requestFixture({ branch: uac.newBranch() }), h.b.endpoint, handlers);
    h.scheduler.advance(1_499);
    expect(received).toHaveLength(0);
    h.scheduler.advance(1); // third INVITE at 1.5 s gets through; its 486 is lost, Timer G resends it at 2 s
    expect(received).toHaveLength(1);
    expect(handlers.seen.final).toEqual([]);
    h.scheduler.advance(500);
    expect(handlers.seen.final).toEqual([486]);
    h.scheduler.runAll();
    expect(uac.size + uas.size).toBe(0);
    expect(h.scheduler.pending).toBe(0);
  });

  it('frees every transaction of a busy mix (answered, rejected, cancelled while ringing, some messages lost) once the timers have run', () => {
    const h = createHarness();
    const uac = h.layer(h.a);
    const uas = h.layer(h.b);
    let n = 0;
    uas.onRequest((transaction) => {
      const request = transaction.request;
      if (request.method !== 'INVITE') {
        transaction.respond(createResponse(request, n++ % 2 === 0 ? 200 : 404, undefined, { toTag: `m${n}` }));
        return;
      }
      const status = [200, 486, 180][n++ % 3]!;
      transaction.onCancel(() => transaction.respond(createResponse(request, 487, undefined, { toTag: `i${n}` })));
      transaction.respond(createResponse(request, status, undefined, { toTag: `i${n}` }));
    });
    let sent = 0;
    h.wire.drop = () => sent++ % 5 === 4;
    const outcomes: string[] = [];
    for (let i = 0; i < 40; i++) {
      const method = i % 2 === 0 ? 'INVITE' : 'MESSAGE';
      const transaction = uac.request(requestFixture({ method, branch: uac.newBranch(), callId: `mix-${i}` }), h.b.endpoint, {
        final: (response) => outcomes.push(`${method} ${response.status}`),
        failed: (failure) => outcomes.push(`${method} ${failure}`),
      });
      if (method === 'INVITE') transaction.cancel(); // rings forever otherwise: the TU's ring timeout
    }
    expect(uac.size).toBe(40);
    h.scheduler.runAll();
    expect(uac.size).toBe(0);
    expect(uas.size).toBe(0);
    expect(h.scheduler.pending).toBe(0);
    expect(outcomes.filter((o) => o.startsWith('INVITE 487'))).not.toHaveLength(0);
  });

  it('closes idempotently: timers stop, transactions are forgotten, later messages are ignored', () => {
    const h = createHarness();
    const uac = h.layer(h.a);
    const handlers = recordingHandlers();
    const invite = requestFixture({ branch: uac.newBranch() });
    uac.request(invite, h.b.endpoint, handlers);
    h.scheduler.advance(0); // the INVITE is on the wire
    uac.close();
    uac.close();
    expect(uac.size).toBe(0);
    expect(h.scheduler.pending).toBe(0);
    h.b.send(createResponse(invite, 200, undefined, { toTag: 'c' }), h.a.endpoint);
    h.scheduler.runAll();
    expect(handlers.seen.final).toEqual([]);
    expect(() => uac.request(requestFixture({ branch: uac.newBranch() }), h.b.endpoint, handlers)).toThrow(/closed/);
  });
});

/** The CANCEL a peer sends for `invite` (same branch and Call-ID, CSeq method CANCEL). */
function createCancelLike(invite: ReturnType<typeof requestFixture>): ReturnType<typeof requestFixture> {
  const cancel = requestFixture({ method: 'CANCEL', branch: 'unused' });
  cancel.uri = invite.uri;
  for (const name of ['Via', 'From', 'To', 'Call-ID']) cancel.headers.set(name, invite.headers.get(name) ?? '');
  cancel.headers.set('CSeq', `${parseCSeq(invite.headers.get('CSeq') ?? '')?.seq ?? 1} CANCEL`);
  return cancel;
}
