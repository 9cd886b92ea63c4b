import { afterEach, describe, expect, it, vi } from 'vitest';
import { createResponse } from '../message/build.js';
import { parseNameAddr } from '../message/name-addr.js';
import { createHarness, recordingHandlers } from '../test-support/layer-harness.js';
import { requestFixture } from '../test-support/sip-fixtures.js';
import { topVia } from '../message/via.js';
import type { SipRequest } from '../types.js';
import { MAGIC_COOKIE } from './keys.js';

/** Client transactions over a memory wire whose far side (`b`) is a bare transport the test drives. */
describe('transaction layer: client transactions', () => {
  afterEach(() => vi.restoreAllMocks());

  /** The times (ms) at which side `b` received each request of `method`. */
  function arrivals(h: ReturnType<typeof createHarness>, method: string): { times: number[]; requests: SipRequest[] } {
    const times: number[] = [];
    const requests: SipRequest[] = [];
    h.b.onMessage((received) => {
      if (received.message.kind === 'request' && received.message.method === method) {
        times.push(h.scheduler.now);
        requests.push(received.message);
      }
    });
    return { times, requests };
  }

  it('retransmits an INVITE with Timer A doubling from T1 until a provisional response, then stops', () => {
    const h = createHarness();
    const uac = h.layer(h.a);
    const got = arrivals(h, 'INVITE');
    const handlers = recordingHandlers();
    const invite = requestFixture({ branch: uac.newBranch() });
    uac.request(invite, h.b.endpoint, handlers);
    h.scheduler.advance(4_000);
    expect(got.times).toEqual([0, 500, 1_500, 3_500]);

    h.b.send(createResponse(invite, 180), h.a.endpoint);
    h.scheduler.advance(60_000);
    expect(got.times).toHaveLength(4);
    expect(handlers.seen.provisional).toEqual([180]);
    expect(handlers.seen.failed).toEqual([]);
    expect(uac.size).toBe(1); // Proceeding waits for the final answer (the TU owns the ring timeout).
  });

  it('fails an unanswered INVITE with a timeout at Timer B (64·T1) and frees it', () => {
    const h = createHarness();
    const uac = h.layer(h.a);
    const got = arrivals(h, 'INVITE');
    const handlers = recordingHandlers();
    uac.request(requestFixture({ branch: uac.newBranch() }), h.b.endpoint, handlers);
    h.scheduler.advance(31_999);
    expect(handlers.seen.failed).toEqual([]);
    h.scheduler.advance(1);
    expect(handlers.seen.failed).toEqual(['timeout']);
    expect(got.times).toEqual([0, 500, 1_500, 3_500, 7_500, 15_500, 31_500]);
    expect(uac.size).toBe(0);
    expect(h.scheduler.pending).toBe(0);
  });

  it('sends an INVITE once over TCP and still times out at Timer B', () => {
    const h = createHarness({ transport: 'tcp' });
    const uac = h.layer(h.a);
    const got = arrivals(h, 'INVITE');
    const handlers = recordingHandlers();
    uac.request(requestFixture({ branch: uac.newBranch(), transport: 'TCP' }), h.b.endpoint, handlers);
    h.scheduler.advance(32_000);
    expect(got.times).toEqual([0]);
    expect(handlers.seen.failed).toEqual(['timeout']);
    expect(uac.size).toBe(0);
  });

  it('passes a 2xx and its retransmissions up, sends no ACK itself, and frees the transaction after Timer M', () => {
    const h = createHarness();
    const uac = h.layer(h.a);
    const acks = arrivals(h, 'ACK');
    const handlers = recordingHandlers();
    const invite = requestFixture({ branch: uac.newBranch() });
    uac.request(invite, h.b.endpoint, handlers);
    const ok = createResponse(invite, 200, undefined, { toTag: 'bob-1' });
    h.b.send(ok, h.a.endpoint);
    h.scheduler.advance(0);
    expect(handlers.seen.final).toEqual([200]);
    h.b.send(ok, h.a.endpoint);
    h.scheduler.advance(1_000);
    expect(handlers.seen.final).toEqual([200, 200]);
    expect(acks.times).toEqual([]);
    h.scheduler.advance(31_000);
    expect(uac.size).toBe(0);
    expect(h.scheduler.pending).toBe(0);
  });

  it('acknowledges a non-2xx final response with the INVITE’s Request-URI, Via, From, Call-ID, CSeq number and Route and the response’s To', () => {
    const h = createHarness();
    const uac = h.layer(h.a);
    const acks = arrivals(h, 'ACK');
    const handlers = recordingHandlers();
    const route = ['<sip:edge.example.com;lr>', '<sip:core.example.com;lr>'];
    const invite = requestFixture({ branch: uac.newBranch(), cseq: 7, route, uri: 'sip:bob@127.0.0.2;transport=udp' });
    uac.request(invite, h.b.endpoint, handlers);
    const busy = createResponse(invite, 486, undefined, { toTag: 'bob-busy' });
    h.b.send(busy, h.a.endpoint);
    h.scheduler.advance(0);
    expect(handlers.seen.final).toEqual([486]);
    expect(acks.requests).toHaveLength(1);
    const ack = acks.requests[0]!;
    expect(ack.uri).toBe('sip:bob@127.0.0.2;transport=udp');
    expect(ack.headers.getAll('Via')).toEqual([invite.headers.get('Via')]);
    expect(ack.headers.get('From')).toBe(invite.headers.get('From'));
    expect(ack.headers.get('Call-ID')).toBe(invite.headers.get('Call-ID'));
    expect(ack.headers.get('CSeq')).toBe('7 ACK');
    expect(ack.headers.getAll('Route')).toEqual(route);
    expect(parseNameAddr(ack.headers.get('To') ?? '')?.params['tag']).toBe('bob-busy');
    expect(ack.headers.get('Max-Forwards')).toBe('70');

    // A retransmitted 486 is acknowledged again but not passed up.
    h.b.send(busy, h.a.endpoint);
    h.scheduler.advance(0);
    expect(acks.requests).toHaveLength(2);
    expect(handlers.seen.final).toEqual([486]);
    h.scheduler.advance(32_000); // Timer D
    expect(uac.size).toBe(0);
  });

  it('retransmits a non-INVITE request with Timer E doubling up to T2, then fails at Timer F', () => {
    const h = createHarness();
    const uac = h.layer(h.a);
    const got = arrivals(h, 'OPTIONS');
    const handlers = recordingHandlers();
    uac.request(requestFixture({ method: 'OPTIONS', branch: uac.newBranch() }), h.b.endpoint, handlers);
    h.scheduler.advance(32_000);
    expect(got.times).toEqual([0, 500, 1_500, 3_500, 7_500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500]);
    expect(handlers.seen.failed).toEqual(['timeout']);
    expect(uac.size).toBe(0);
  });

  it('retransmits a non-INVITE request every T2 once a provisional came, then waits Timer K after the final', () => {
    const h = createHarness();
    const uac = h.layer(h.a);
    const got = arrivals(h, 'REGISTER');
    const handlers = recordingHandlers();
    const register = requestFixture({ method: 'REGISTER', branch: uac.newBranch() });
    uac.request(register, h.b.endpoint, handlers);
    h.b.send(createResponse(register, 100), h.a.endpoint);
    h.scheduler.advance(12_000);
    expect(got.times).toEqual([0, 500, 4_500, 8_500]);
    expect(handlers.seen.provisional).toEqual([100]);
    h.b.send(createResponse(register, 200), h.a.endpoint);
    h.scheduler.advance(0);
    h.b.send(createResponse(register, 200), h.a.endpoint);
    h.scheduler.advance(4_999);
    expect(handlers.seen.final).toEqual([200]);
    expect(uac.size).toBe(1);
    h.scheduler.advance(1);
    expect(uac.size).toBe(0);
    expect(got.times).toHaveLength(4);
  });

  it('fails a transaction whose destination the transport cannot reach', () => {
    const h = createHarness();
    const uac = h.layer(h.a);
    const handlers = recordingHandlers();
    const elsewhere = recordingHandlers();
    uac.request(requestFixture({ method: 'OPTIONS', branch: uac.newBranch() }), { transport: 'udp', address: '192.0.2.7', port: 5060 }, handlers);
    uac.request(requestFixture({ method: 'OPTIONS', branch: uac.newBranch() }), h.b.endpoint, elsewhere);
    h.scheduler.advance(0);
    expect(handlers.seen.failed).toEqual(['transportError']);
    expect(elsewhere.seen.failed).toEqual([]);
    expect(uac.size).toBe(1);
  });

  it('drops a response that matches no transaction, by branch or by CSeq method', () => {
    const h = createHarness();
    const uac = h.layer(h.a);
    const handlers = recordingHandlers();
    const invite = requestFixture({ branch: uac.newBranch() });
    uac.request(invite, h.b.endpoint, handlers);
    h.b.send(createResponse(requestFixture({ branch: uac.newBranch() }), 180), h.a.endpoint);
    h.b.send(createResponse(requestFixture({ method: 'BYE', branch: topVia(invite.headers)?.params['branch'] ?? '' }), 200), h.a.endpoint);
    h.scheduler.advance(0);
    expect(handlers.seen).toMatchObject({ provisional: [], final: [] });
  });

  it('refuses requests it cannot track: an ACK, a branch without the magic cookie, a branch in use', () => {
    const h = createHarness();
    const uac = h.layer(h.a);
    const branch = uac.newBranch();
    expect(() => uac.request(requestFixture({ method: 'ACK', branch }), h.b.endpoint, recordingHandlers())).toThrow(/sendStateless/);
    expect(() => uac.request(requestFixture({ branch: 'abc123' }), h.b.endpoint, recordingHandlers())).toThrow(/newBranch/);
    uac.request(requestFixture({ branch }), h.b.endpoint, recordingHandlers());
    expect(() => uac.request(requestFixture({ branch }), h.b.endpoint, recordingHandlers())).toThrow(/already running/);
  });

  it('makes branches with the magic cookie and at least 64 random bits', () => {
    const h = createHarness();
    const uac = h.layer(h.a);
    const branches = new Set(Array.from({ length: 1_000 }, () => uac.newBranch()));
    expect(branches.size).toBe(1_000);
    for (const branch of branches) {
      expect(branch.startsWith(MAGIC_COOKIE)).toBe(true);
      expect(Buffer.from(branch.slice(MAGIC_COOKIE.length), 'base64url').length * 8).toBeGreaterThanOrEqual(64);
    }
  });

  it('sends stateless messages as they are, without a transaction', () => {
    const h = createHarness();
    const uac = h.layer(h.a);
    const got = arrivals(h, 'ACK');
    uac.sendStateless(requestFixture({ method: 'ACK', branch: uac.newBranch(), toTag: 'bob-1' }), h.b.endpoint);
    h.scheduler.advance(10_000);
    expect(got.times).toEqual([0]);
    expect(uac.size).toBe(0);
  });

  it('isolates a TU handler that throws', () => {
    const h = createHarness();
    const uac = h.layer(h.a);
    const invite = requestFixture({ branch: uac.newBranch() });
    uac.request(invite, h.b.endpoint, {
      final: () => {
        throw new Error('TU bug');
      },
      failed: () => undefined,
    });
    h.b.send(createResponse(invite, 404), h.a.endpoint);
    h.scheduler.advance(0);
    expect(h.a.sentRequests('ACK')).toHaveLength(1);
    expect(h.warnings.some((w) => String(w['msg']).includes('handler threw'))).toBe(true);
    h.scheduler.advance(32_000);
    expect(uac.size).toBe(0);
  });

  it('never sets a real timer: time moves only with the manual scheduler', () => {
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    const setIntervalSpy = vi.spyOn(globalThis, 'setInterval');
    const h = createHarness();
    const uac = h.layer(h.a);
    const uas = h.layer(h.b);
    uas.onRequest((transaction) => transaction.respond(createResponse(transaction.request, 486, undefined, { toTag: 'x' })));
    const handlers = recordingHandlers();
    uac.request(requestFixture({ branch: uac.newBranch() }), h.b.endpoint, handlers);
    h.scheduler.runAll();
    expect(handlers.seen.final).toEqual([486]);
    expect(setTimeoutSpy).not.toHaveBeenCalled();
    expect(setIntervalSpy).not.toHaveBeenCalled();
    expect(uac.size + uas.size).toBe(0);
  });
});
