import { describe, expect, it } from 'vitest';
import { createResponse } from '../message/build.js';
import { pino } from 'pino';
import { createHarness } from '../test-support/layer-harness.js';
import { requestFixture } from '../test-support/sip-fixtures.js';
import type { Received, ServerTransaction, SipRequest } from '../types.js';
import { TransactionLayer } from './transaction-layer.js';

/** Server transactions over a memory wire whose near side (`a`) is a bare transport the test drives. */
describe('transaction layer: server transactions', () => {
  function setup(options: Parameters<typeof createHarness>[0] = {}) {
    const h = createHarness(options);
    const uas = h.layer(h.b);
    const transactions: ServerTransaction[] = [];
    const acks: SipRequest[] = [];
    uas.onRequest((transaction) => transactions.push(transaction));
    uas.onAck((ack) => acks.push(ack));
    /** The times (ms) at which side `a` received each response of `status`. */
    const responses = (status: number): number[] => {
      const times: number[] = [];
      h.a.onMessage((received: Received) => {
        if (received.message.kind === 'response' && received.message.status === status) times.push(h.scheduler.now);
      });
      return times;
    };
    const send = (request: SipRequest): void => {
      h.a.send(request, h.b.endpoint);
      h.scheduler.advance(0);
    };
    return { ...h, uas, transactions, acks, responses, send };
  }

  it('retransmits the final response on INVITE retransmission and on Timer G (doubling to T2) until the ACK, then frees after Timer I', () => {
    const s = setup();
    const busy = s.responses(486);
    const invite = requestFixture({ branch: 'z9hG4bK-ist-1' });
    s.send(invite);
    expect(s.transactions).toHaveLength(1);
    s.transactions[0]!.respond(createResponse(invite, 486, undefined, { toTag: 'bob-1' }));
    s.scheduler.advance(8_000);
    expect(busy).toEqual([0, 500, 1_500, 3_500, 7_500]);
    s.send(invite);
    expect(busy).toEqual([0, 500, 1_500, 3_500, 7_500, 8_000]);
    expect(s.transactions).toHaveLength(1);

    s.send(requestFixture({ method: 'ACK', branch: 'z9hG4bK-ist-1', toTag: 'bob-1' }));
    s.scheduler.advance(4_999);
    expect(busy).toHaveLength(6);
    expect(s.acks).toEqual([]); // the non-2xx ACK is the transaction's
    expect(s.uas.size).toBe(1);
    s.scheduler.advance(1); // Timer I = T4
    expect(s.uas.size).toBe(0);
  });

  it('gives up at Timer H (64·T1) when no ACK comes', () => {
    const s = setup();
    const busy = s.responses(603);
    const invite = requestFixture({ branch: 'z9hG4bK-ist-2' });
    s.send(invite);
    s.transactions[0]!.respond(createResponse(invite, 603, undefined, { toTag: 'bob-1' }));
    s.scheduler.advance(31_999);
    expect(s.uas.size).toBe(1);
    s.scheduler.advance(1);
    expect(s.uas.size).toBe(0);
    expect(busy).toEqual([0, 500, 1_500, 3_500, 7_500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500]);
    expect(s.scheduler.pending).toBe(0);
  });

  it('does not retransmit the final response over TCP, and ends at the ACK', () => {
    const s = setup({ transport: 'tcp' });
    const busy = s.responses(486);
    const invite = requestFixture({ branch: 'z9hG4bK-ist-3', transport: 'TCP' });
    s.send(invite);
    s.transactions[0]!.respond(createResponse(invite, 486, undefined, { toTag: 'bob-1' }));
    s.scheduler.advance(10_000);
    expect(busy).toEqual([0]);
    s.send(requestFixture({ method: 'ACK', branch: 'z9hG4bK-ist-3', transport: 'TCP', toTag: 'bob-1' }));
    expect(s.uas.size).toBe(0);
  });

  it('sends 100 Trying after 200 ms when the TU has not answered, and not when it has', () => {
    const s = setup();
    const trying = s.responses(100);
    s.send(requestFixture({ branch: 'z9hG4bK-ist-4' }));
    s.scheduler.advance(199);
    expect(trying).toEqual([]);
    s.scheduler.advance(1);
    expect(trying).toEqual([200]);

    const answered = requestFixture({ branch: 'z9hG4bK-ist-5', callId: 'call-5' });
    s.send(answered);
    s.transactions[1]!.respond(createResponse(answered, 180, undefined, { toTag: 'bob-5' }));
    s.scheduler.advance(1_000);
    expect(trying).toEqual([200]);
  });

  it('answers a retransmitted INVITE with the last provisional response, or 100 Trying at once when none was sent', () => {
    const s = setup();
    const trying = s.responses(100);
    const ringing = s.responses(180);
    const invite = requestFixture({ branch: 'z9hG4bK-ist-6' });
    s.send(invite);
    s.send(invite);
    expect(trying).toEqual([0]);
    s.scheduler.advance(300);
    expect(trying).toEqual([0]); // the 200 ms timer was stopped
    s.transactions[0]!.respond(createResponse(invite, 180, undefined, { toTag: 'bob-6' }));
    s.send(invite);
    expect(ringing).toEqual([300, 300]);
    expect(s.transactions).toHaveLength(1);
  });

  it('keeps an answered INVITE for 64·T1 (RFC 6026): retransmissions are absorbed, the TU’s 2xx retransmissions go out, the 2xx ACK goes to onAck', () => {
    const s = setup();
    const ok = s.responses(200);
    const invite = requestFixture({ branch: 'z9hG4bK-ist-7' });
    s.send(invite);
    const answer = createResponse(invite, 200, undefined, { toTag: 'bob-7' });
    s.transactions[0]!.respond(answer);
    s.send(invite);
    expect(s.transactions).toHaveLength(1);
    expect(ok).toEqual([0]); // a retransmitted INVITE does not resend the 2xx: the TU does that
    s.scheduler.advance(500);
    s.transactions[0]!.respond(answer);
    s.scheduler.advance(0);
    expect(ok).toEqual([0, 500]);

    s.send(requestFixture({ method: 'ACK', branch: 'z9hG4bK-ack-7', toTag: 'bob-7' }));
    expect(s.acks).toHaveLength(1);
    s.scheduler.advance(31_500);
    expect(s.uas.size).toBe(0);
  });

  it('answers a non-INVITE once and replays that answer to retransmissions until Timer J', () => {
    const s = setup();
    const ok = s.responses(200);
    const options = requestFixture({ method: 'OPTIONS', branch: 'z9hG4bK-nist-1' });
    s.send(options);
    s.send(options); // before the answer: absorbed
    expect(ok).toEqual([]);
    s.transactions[0]!.respond(createResponse(options, 200, undefined, { toTag: 'bob-o' }));
    s.scheduler.advance(1_000);
    s.send(options);
    expect(ok).toEqual([0, 1_000]);
    expect(s.transactions).toHaveLength(1);
    s.scheduler.advance(31_000);
    expect(s.uas.size).toBe(0);
    s.send(options); // after Timer J it is a new request
    expect(s.transactions).toHaveLength(2);
  });

  it('answers 482 to a merged request (same From tag, Call-ID and CSeq, another branch) without the TU', () => {
    const s = setup();
    const loop = s.responses(482);
    s.send(requestFixture({ branch: 'z9hG4bK-fork-1' }));
    s.send(requestFixture({ branch: 'z9hG4bK-fork-2' }));
    expect(s.transactions).toHaveLength(1);
    expect(loop).toEqual([0]);
    // Another CSeq is a new request, not a merge.
    s.send(requestFixture({ branch: 'z9hG4bK-fork-3', cseq: 2 }));
    expect(s.transactions).toHaveLength(2);
  });

  it('matches RFC 2543 requests (no magic cookie) by Request-URI, From tag, Call-ID, CSeq and Via, with their ACK', () => {
    const s = setup();
    const busy = s.responses(486);
    const invite = requestFixture({ branch: 'old-1' });
    s.send(invite);
    s.send(invite);
    expect(s.transactions).toHaveLength(1);
    s.transactions[0]!.respond(createResponse(invite, 486, undefined, { toTag: 'bob-2543' }));
    s.send(requestFixture({ method: 'ACK', branch: 'old-1', toTag: 'bob-2543' }));
    s.scheduler.advance(10_000);
    expect(busy).toEqual([0]);
    expect(s.acks).toEqual([]);
    // Without a branch at all, too.
    const bare = requestFixture({ method: 'OPTIONS', branch: 'x', callId: 'call-bare' });
    bare.headers.set('Via', 'SIP/2.0/UDP 127.0.0.1:5060');
    s.send(bare);
    s.send(bare);
    expect(s.transactions).toHaveLength(2);
  });

  it('sends responses to the endpoint responseTarget names, over the request’s flow', () => {
    const h = createHarness();
    const flows: Array<string | undefined> = [];
    const targets: string[] = [];
    const send = h.b.send.bind(h.b);
    h.b.send = (message, to, flowId) => {
      flows.push(flowId);
      targets.push(`${to.address}:${to.port}`);
      send(message, to, flowId);
    };
    const uas = h.layer(h.b);
    let flow: string | undefined;
    h.b.onMessage((received) => (flow = received.flowId));
    uas.onRequest((transaction) => transaction.respond(createResponse(transaction.request, 200, undefined, { toTag: 't' })));
    h.a.send(requestFixture({ method: 'OPTIONS', branch: 'z9hG4bK-target', sentBy: '198.51.100.1:5999' }), h.b.endpoint);
    h.scheduler.advance(0);
    expect(targets).toEqual(['127.0.0.1:5060']); // the source, not the Via's sent-by
    expect(flows).toEqual([flow]);
  });

  it('ends a server transaction whose target the transport cannot reach', () => {
    const h = createHarness();
    const unreachable = { transport: 'udp' as const, address: '192.0.2.8', port: 5060 };
    const uas = new TransactionLayer({ transport: h.b, scheduler: h.scheduler, log: pino({ level: 'silent' }), responseTarget: () => unreachable });
    const transactions: ServerTransaction[] = [];
    uas.onRequest((transaction) => transactions.push(transaction));
    h.a.send(requestFixture({ method: 'OPTIONS', branch: 'z9hG4bK-gone' }), h.b.endpoint);
    h.scheduler.advance(0);
    transactions[0]!.respond(createResponse(transactions[0]!.request, 180));
    expect(uas.size).toBe(1);
    h.scheduler.advance(0);
    expect(uas.size).toBe(0);
  });

  it('logs and drops a response the state machine refuses (a second final answer)', () => {
    const s = setup();
    const ok = s.responses(200);
    const options = requestFixture({ method: 'OPTIONS', branch: 'z9hG4bK-twice' });
    s.send(options);
    s.transactions[0]!.respond(createResponse(options, 200, undefined, { toTag: 'a' }));
    s.transactions[0]!.respond(createResponse(options, 200, undefined, { toTag: 'b' }));
    s.scheduler.advance(0);
    expect(ok).toEqual([0]);
    expect(s.warnings.some((w) => String(w['msg']).includes("NIST: no transition from 'completed' on respond 200"))).toBe(true);
  });
});
