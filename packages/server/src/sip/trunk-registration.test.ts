import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { DigestServer, digestHa1 } from './digest.js';
import { parseAuthHeader } from './message/auth-params.js';
import { createResponse } from './message/build.js';
import { parseCSeq } from './message/cseq.js';
import { createMemoryTransportPair, type MemoryTransport } from './test-support/memory-transport.js';
import { ManualScheduler } from './test-support/manual-scheduler.js';
import { TransactionLayer } from './transaction/transaction-layer.js';
import { TrunkRegistration, type TrunkRegistrationEvent, type TrunkRegistrationOptions } from './trunk-registration.js';
import { DEFAULT_TIMERS, type SipRequest, type SipTransactions } from './types.js';

const USER = 'trunk-7';
const PASSWORD = 'correct horse battery staple';
const REALM = 'carrier.example';
const CONTACT = 'sip:+4930123456@127.0.0.1:5060';
const log = pino({ level: 'silent' });

/** How the carrier's registrar behaves; each test changes what it needs. */
interface CarrierRules {
  /** Seconds granted, written in our Contact's expires (or in Expires when `grantInHeader`). */
  grant: number;
  grantInHeader: boolean;
  /** A non-zero expiry below this is refused with 423. */
  minExpires: number;
  /** Answer with this status instead (after authentication). */
  refuseWith: number | null;
  /** Challenge as a proxy: 407 and Proxy-Authorization. */
  asProxy: boolean;
}

function setup(options: { password?: string; nonceTtlMs?: number; rules?: Partial<CarrierRules> } = {}) {
  const scheduler = new ManualScheduler();
  const { a, b, wire } = createMemoryTransportPair({ scheduler, latencyMs: 5 });
  const ours = layer(a, scheduler);
  const carrier = layer(b, scheduler);
  const rules: CarrierRules = { grant: 120, grantInHeader: false, minExpires: 0, refuseWith: null, asProxy: false, ...options.rules };
  const digest = new DigestServer({ realm: REALM, secret: Buffer.alloc(32, 7), now: () => scheduler.now, nonceTtlMs: options.nonceTtlMs ?? 300_000 });
  const received: SipRequest[] = [];
  carrier.onRequest((transaction) => {
    const request = transaction.request;
    received.push(request);
    const [status, challengeHeader, credentialsHeader] = rules.asProxy ? [407, 'Proxy-Authenticate', 'Proxy-Authorization'] : [401, 'WWW-Authenticate', 'Authorization'];
    const verdict = digest.verify({ method: request.method, authorization: request.headers.get(credentialsHeader) }, (username, realm) =>
      username === USER ? digestHa1('MD5', username, realm, PASSWORD) : undefined,
    );
    if (verdict.result !== 'ok') {
      transaction.respond(createResponse(request, status, undefined, { toTag: 'c1', headers: [[challengeHeader, digest.challenge({ stale: verdict.result === 'stale' })]] }));
      return;
    }
    const expires = Number(request.headers.get('Expires'));
    if (expires > 0 && expires < rules.minExpires) {
      transaction.respond(createResponse(request, 423, undefined, { toTag: 'c1', headers: [['Min-Expires', String(rules.minExpires)]] }));
      return;
    }
    if (rules.refuseWith !== null) {
      transaction.respond(createResponse(request, rules.refuseWith, undefined, { toTag: 'c1' }));
      return;
    }
    const granted = expires === 0 ? 0 : Math.min(expires, rules.grant);
    const headers: Array<[string, string]> = rules.grantInHeader
      ? [['Expires', String(granted)]]
      : [
          ['Contact', `<sip:other-node@192.0.2.1>;expires=3000`],
          ['Contact', `<${CONTACT}>;expires=${granted}`],
        ];
    transaction.respond(createResponse(request, 200, undefined, { toTag: 'c1', headers }));
  });
  const events: Array<TrunkRegistrationEvent & { at: number }> = [];
  const trunkOptions: TrunkRegistrationOptions = {
    transactions: ours,
    scheduler,
    now: () => scheduler.now,
    target: b.endpoint,
    registrar: `sip:${REALM}`,
    aor: `sip:${USER}@${REALM}`,
    contact: CONTACT,
    username: USER,
    password: options.password ?? PASSWORD,
    expires: 300,
    via: () => `SIP/2.0/UDP 127.0.0.1:5060;branch=${ours.newBranch()};rport`,
    log,
    onState: (event) => events.push({ ...event, at: scheduler.now }),
  };
  const trunk = new TrunkRegistration(trunkOptions);
  return { scheduler, wire, trunk, events, received, rules, a };
}

function layer(transport: MemoryTransport, scheduler: ManualScheduler): SipTransactions {
  return new TransactionLayer({ transport, scheduler, timers: DEFAULT_TIMERS, log, responseTarget: (_request, received) => received.source });
}

function cseqOf(request: SipRequest): number {
  return parseCSeq(request.headers.get('CSeq') ?? '')?.seq ?? -1;
}

describe('TrunkRegistration', () => {
  it('answers the challenge once and registers for the time the registrar granted our Contact', () => {
    const { scheduler, trunk, events, received } = setup();
    trunk.start();
    scheduler.advance(100);
    expect(events).toEqual([{ state: 'registered', expiresAt: expect.any(Number), at: expect.any(Number) }]);
    expect(events[0]!.state === 'registered' && events[0]!.expiresAt - events[0]!.at).toBe(120_000);
    expect(trunk.current).toBe('registered');
    expect(received).toHaveLength(2);
    const [first, second] = received as [SipRequest, SipRequest];
    expect(first.headers.has('Authorization')).toBe(false);
    expect(first.headers.get('Expires')).toBe('300');
    expect(first.headers.get('Contact')).toBe(`<${CONTACT}>`);
    expect(first.uri).toBe(`sip:${REALM}`);
    expect(parseAuthHeader(second.headers.get('Authorization') ?? '')?.params).toMatchObject({ username: USER, realm: REALM, uri: `sip:${REALM}`, nc: '00000001' });
    expect(second.headers.get('Call-ID')).toBe(first.headers.get('Call-ID'));
    expect(cseqOf(second)).toBe(cseqOf(first) + 1);
  });

  it('answers a proxy challenge with Proxy-Authorization', () => {
    const { scheduler, trunk, events, received } = setup({ rules: { asProxy: true } });
    trunk.start();
    scheduler.advance(100);
    expect(events.map((event) => event.state)).toEqual(['registered']);
    expect(received[1]?.headers.has('Proxy-Authorization')).toBe(true);
    expect(received[1]?.headers.has('Authorization')).toBe(false);
  });

  it('refreshes at half the granted time with the same Call-ID, a higher CSeq and the next nonce count', () => {
    const { scheduler, trunk, events, received } = setup();
    trunk.start();
    scheduler.advance(100);
    const registeredAt = events[0]!.at;
    scheduler.advance(60_000 - 100 - 1);
    expect(received).toHaveLength(2);
    scheduler.advance(100);
    expect(received).toHaveLength(3);
    const refresh = received[2]!;
    expect(refresh.headers.get('Call-ID')).toBe(received[0]!.headers.get('Call-ID'));
    expect(cseqOf(refresh)).toBe(3);
    expect(parseAuthHeader(refresh.headers.get('Authorization') ?? '')?.params.nc).toBe('00000002');
    expect(events.map((event) => event.state)).toEqual(['registered', 'registered']);
    expect(events[1]!.at).toBeGreaterThanOrEqual(registeredAt + 60_000);
  });

  it('takes the granted time from Expires when the answer lists no Contact of ours', () => {
    const { scheduler, trunk, events } = setup({ rules: { grant: 90, grantInHeader: true } });
    trunk.start();
    scheduler.advance(100);
    expect(events[0]!.state === 'registered' && events[0]!.expiresAt - events[0]!.at).toBe(90_000);
  });

  it('answers a stale nonce again on refresh and stays registered', () => {
    const { scheduler, trunk, events, received } = setup({ nonceTtlMs: 30_000 });
    trunk.start();
    scheduler.advance(60_100);
    expect(events.map((event) => event.state)).toEqual(['registered', 'registered']);
    expect(received).toHaveLength(4);
    expect(parseAuthHeader(received[2]!.headers.get('Authorization') ?? '')?.params.nc).toBe('00000002');
    expect(parseAuthHeader(received[3]!.headers.get('Authorization') ?? '')?.params.nc).toBe('00000001');
  });

  it('gives up on a registrar that calls every answer stale', () => {
    const { scheduler, trunk, events, received } = setup({ nonceTtlMs: 1 });
    trunk.start();
    scheduler.advance(100);
    expect(events).toEqual([expect.objectContaining({ state: 'failed', reason: '401: the registrar keeps calling its nonces stale' })]);
    expect(received).toHaveLength(5);
  });

  it('fails when the registrar refuses the credentials, then retries with growing delays up to ten minutes', () => {
    const { scheduler, trunk, events, received } = setup({ password: 'wrong' });
    trunk.start();
    scheduler.advance(100);
    expect(received).toHaveLength(2);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ state: 'failed', reason: expect.stringContaining(`refused the credentials of ${USER}`) });
    expect(trunk.current).toBe('failed');
    scheduler.advance(60 * 60_000);
    const delays = events.map((event) => (event.state === 'failed' ? event.retryAt - event.at : null));
    expect(delays.slice(0, 7)).toEqual([30_000, 60_000, 120_000, 240_000, 480_000, 600_000, 600_000]);
    // Each attempt: the REGISTER, its challenge answered once, the refusal.
    expect(received).toHaveLength(events.length * 2);
  });

  it('fails after Timer F when the registrar never answers, and registers once it does', () => {
    const { scheduler, trunk, events, wire } = setup();
    wire.drop = () => true;
    trunk.start();
    scheduler.advance(64 * DEFAULT_TIMERS.t1 + 100);
    expect(events).toEqual([expect.objectContaining({ state: 'failed', reason: 'no answer from the registrar' })]);
    wire.drop = null;
    scheduler.advance(30_000);
    expect(events.map((event) => event.state)).toEqual(['failed', 'registered']);
  });

  it('asks again for the Min-Expires of a 423 and keeps it for refreshes', () => {
    const { scheduler, trunk, events, received } = setup({ rules: { minExpires: 600, grant: 3600 } });
    trunk.start();
    scheduler.advance(100);
    expect(events).toEqual([expect.objectContaining({ state: 'registered' })]);
    expect(received.map((request) => request.headers.get('Expires'))).toEqual(['300', '300', '600']);
    scheduler.advance(300_000);
    expect(received.at(-1)?.headers.get('Expires')).toBe('600');
  });

  it('reports another refusal with its status and backs off', () => {
    const { scheduler, trunk, events } = setup({ rules: { refuseWith: 403 } });
    trunk.start();
    scheduler.advance(100);
    expect(events).toEqual([expect.objectContaining({ state: 'failed', reason: '403 Forbidden', retryAt: events[0]!.at + 30_000 })]);
  });

  it('unregisters with Expires: 0 on stop, then stays quiet', async () => {
    const { scheduler, trunk, events, received } = setup();
    trunk.start();
    scheduler.advance(100);
    const stopped = trunk.stop();
    scheduler.advance(100);
    await stopped;
    expect(events.map((event) => event.state)).toEqual(['registered', 'unregistered']);
    const last = received.at(-1)!;
    expect(last.headers.get('Expires')).toBe('0');
    expect(last.headers.has('Authorization')).toBe(true);
    expect(trunk.current).toBe('unregistered');
    const count = received.length;
    scheduler.advance(3_600_000);
    expect(received).toHaveLength(count);
    expect(trunk.stop()).toBe(stopped);
  });

  it('stops at once, sending nothing, when it never registered', async () => {
    const { scheduler, trunk, events, received } = setup({ password: 'wrong' });
    trunk.start();
    scheduler.advance(100);
    await trunk.stop();
    expect(events.map((event) => event.state)).toEqual(['failed', 'unregistered']);
    scheduler.advance(3_600_000);
    expect(received).toHaveLength(2);
  });
});
