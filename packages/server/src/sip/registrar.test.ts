import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { parseNameAddr } from './message/name-addr.js';
import { registerResponse, Registrar, type Binding, type RegistrarOptions } from './registrar.js';
import { SipHeaders, type Endpoint, type Received, type SipRequest } from './types.js';

const AOR = 'sip:1001@pbx.example.com';
const PHONE: Endpoint = { transport: 'udp', address: '203.0.113.5', port: 40_000 };
const INSTANCE = '"<urn:uuid:00000000-0000-1000-8000-00a0c91e6bf6>"';

function register(contacts: string[], options: { callId?: string; cseq?: number; expires?: string } = {}): SipRequest {
  const headers = new SipHeaders([
    ['Via', 'SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bKr1;rport'],
    ['From', `<${AOR}>;tag=f1`],
    ['To', `<${AOR}>`],
    ['Call-ID', options.callId ?? 'reg-1'],
    ['CSeq', `${options.cseq ?? 1} REGISTER`],
  ]);
  for (const contact of contacts) headers.append('Contact', contact);
  if (options.expires !== undefined) headers.append('Expires', options.expires);
  return { kind: 'request', method: 'REGISTER', uri: 'sip:pbx.example.com', headers, body: Buffer.alloc(0) };
}

function from(source: Endpoint = PHONE, flowId = `udp:${source.address}:${source.port}`): Received {
  return { message: register([]), source, local: { transport: 'udp', address: '10.0.0.1', port: 5060 }, flowId };
}

function setup(options: Partial<RegistrarOptions> = {}): { registrar: Registrar; clock: { now: number }; changes: Array<[string, Binding[]]> } {
  const clock = { now: 1_700_000_000_000 };
  const registrar = new Registrar({ now: () => clock.now, log: pino({ level: 'silent' }), ...options });
  const changes: Array<[string, Binding[]]> = [];
  registrar.on('changed', (aor, bindings) => changes.push([aor, bindings]));
  return { registrar, clock, changes };
}

describe('Registrar', () => {
  it('binds a contact with the default expiry, where the REGISTER came from, and its instance', () => {
    const { registrar, clock, changes } = setup();
    const result = registrar.handle(register([`<sip:1001@192.168.1.20:5060>;+sip.instance=${INSTANCE}`]), from(), AOR);
    const binding: Binding = {
      aor: AOR,
      contact: 'sip:1001@192.168.1.20:5060',
      expiresAt: clock.now + 3600_000,
      callId: 'reg-1',
      cseq: 1,
      instance: '<urn:uuid:00000000-0000-1000-8000-00a0c91e6bf6>',
      source: PHONE,
      flowId: 'udp:203.0.113.5:40000',
    };
    expect(result).toEqual({ status: 200, contacts: [binding] });
    expect(registrar.lookup(AOR)).toEqual([binding]);
    expect(changes).toEqual([[AOR, [binding]]]);
  });

  it("takes a contact's expires parameter over the Expires header, and shortens expiries past the maximum", () => {
    const { registrar, clock } = setup({ maxExpires: 1800, defaultExpires: 900 });
    const result = registrar.handle(register(['<sip:a@192.168.1.20>;expires=120', '<sip:b@192.168.1.20>', '<sip:c@192.168.1.20>;expires=7200'], { expires: '300' }), from(), AOR);
    expect(result.status === 200 && result.contacts.map((b) => [b.contact, (b.expiresAt - clock.now) / 1000])).toEqual([
      ['sip:a@192.168.1.20', 120],
      ['sip:b@192.168.1.20', 300],
      ['sip:c@192.168.1.20', 1800],
    ]);
  });

  it('refuses an expiry below the minimum with 423 and Min-Expires, binding nothing', () => {
    const { registrar } = setup({ minExpires: 60 });
    expect(registrar.handle(register(['<sip:a@192.168.1.20>;expires=30']), from(), AOR)).toEqual({ status: 423, reason: 'Interval Too Brief', minExpires: 60 });
    expect(registrar.lookup(AOR)).toEqual([]);
  });

  it('removes one contact with expires=0 and all of them with Contact * and Expires: 0', () => {
    const { registrar, changes } = setup();
    registrar.handle(register(['<sip:a@192.168.1.20>', '<sip:b@192.168.1.21>']), from(), AOR);
    const afterOne = registrar.handle(register(['<sip:a@192.168.1.20>;expires=0'], { cseq: 2 }), from(), AOR);
    expect(afterOne.status === 200 && afterOne.contacts.map((b) => b.contact)).toEqual(['sip:b@192.168.1.21']);
    expect(registrar.handle(register(['*'], { cseq: 3, expires: '0' }), from(), AOR)).toEqual({ status: 200, contacts: [] });
    expect(registrar.lookup(AOR)).toEqual([]);
    expect(registrar.size).toBe(0);
    expect(changes.map(([, bindings]) => bindings.length)).toEqual([2, 1, 0]);
  });

  it('refuses Contact * without Expires: 0 or beside another contact', () => {
    const { registrar } = setup();
    expect(registrar.handle(register(['*'], { expires: '60' }), from(), AOR)).toMatchObject({ status: 400 });
    expect(registrar.handle(register(['*', '<sip:a@192.168.1.20>'], { expires: '0' }), from(), AOR)).toMatchObject({ status: 400 });
  });

  it('refuses a REGISTER of the same Call-ID whose CSeq is not higher, and leaves the binding as it was', () => {
    const { registrar } = setup();
    registrar.handle(register(['<sip:a@192.168.1.20>'], { cseq: 5 }), from(), AOR);
    const before = registrar.lookup(AOR);
    for (const cseq of [5, 4]) {
      expect(registrar.handle(register(['<sip:a@192.168.1.20>;expires=0'], { cseq }), from(), AOR)).toEqual({ status: 400, reason: 'Out-of-order REGISTER' });
      expect(registrar.handle(register(['*'], { cseq, expires: '0' }), from(), AOR)).toMatchObject({ status: 400 });
    }
    expect(registrar.lookup(AOR)).toEqual(before);
    // Another Call-ID (the phone restarted) starts its own sequence.
    expect(registrar.handle(register(['<sip:a@192.168.1.20>'], { callId: 'reg-2', cseq: 1 }), from(), AOR)).toMatchObject({ status: 200, contacts: [{ callId: 'reg-2', cseq: 1 }] });
  });

  it('keeps the last of a contact listed twice in one REGISTER', () => {
    const { registrar, clock } = setup();
    const result = registrar.handle(register(['<sip:a@192.168.1.20>;expires=60', '<sip:a@192.168.1.20>;expires=120']), from(), AOR);
    expect(result.status === 200 && result.contacts.map((b) => b.expiresAt - clock.now)).toEqual([120_000]);
  });

  it('replaces the binding of the same instance when the phone comes back from another address', () => {
    const { registrar, changes } = setup();
    registrar.handle(register([`<sip:1001@192.168.1.20:5060>;+sip.instance=${INSTANCE}`]), from(), AOR);
    const moved: Endpoint = { transport: 'tcp', address: '198.51.100.9', port: 50_123 };
    const result = registrar.handle(register([`<sip:1001@10.8.0.4:5060;transport=tcp>;+sip.instance=${INSTANCE}`], { callId: 'reg-9' }), from(moved, 'tcp-7'), AOR);
    expect(result.status === 200 && result.contacts.map((b) => [b.contact, b.source, b.flowId])).toEqual([['sip:1001@10.8.0.4:5060;transport=tcp', moved, 'tcp-7']]);
    expect(registrar.size).toBe(1);
    expect(changes).toHaveLength(2);
  });

  it('answers a REGISTER without Contact with the current bindings, changing nothing', () => {
    const { registrar, changes } = setup();
    registrar.handle(register(['<sip:a@192.168.1.20>']), from(), AOR);
    const query = registrar.handle(register([], { cseq: 2 }), from(), AOR);
    expect(query.status === 200 && query.contacts.map((b) => b.contact)).toEqual(['sip:a@192.168.1.20']);
    expect(changes).toHaveLength(1);
  });

  it('does not report a refresh of the same contact from the same flow as a change', () => {
    const { registrar, clock, changes } = setup();
    registrar.handle(register(['<sip:a@192.168.1.20>'], { expires: '600' }), from(), AOR);
    clock.now += 300_000;
    const refreshed = registrar.handle(register(['<sip:a@192.168.1.20>'], { cseq: 2, expires: '600' }), from(), AOR);
    expect(refreshed.status === 200 && refreshed.contacts[0]?.expiresAt).toBe(clock.now + 600_000);
    expect(changes).toHaveLength(1);
  });

  it('hides expired bindings from lookup and drops them on sweep, reporting the AOR', () => {
    const { registrar, clock, changes } = setup();
    registrar.handle(register(['<sip:a@192.168.1.20>'], { expires: '60' }), from(), AOR);
    registrar.handle(register(['<sip:b@192.168.1.20>'], { expires: '120' }), from(), 'sip:1002@pbx.example.com');
    clock.now += 60_000;
    expect(registrar.lookup(AOR)).toEqual([]);
    expect(registrar.size).toBe(2);
    expect(registrar.sweep()).toBe(1);
    expect(registrar.size).toBe(1);
    expect(changes.at(-1)).toEqual([AOR, []]);
    expect(registrar.lookup('sip:1002@pbx.example.com')).toHaveLength(1);
  });

  it('refuses a contact beyond the per-AOR limit with 503, while refreshes at the limit still pass', () => {
    const { registrar } = setup({ maxContactsPerAor: 2 });
    registrar.handle(register(['<sip:a@192.168.1.20>', '<sip:b@192.168.1.20>']), from(), AOR);
    expect(registrar.handle(register(['<sip:c@192.168.1.20>'], { cseq: 2 }), from(), AOR)).toMatchObject({ status: 503, retryAfter: 60 });
    expect(registrar.handle(register(['<sip:a@192.168.1.20>'], { cseq: 3 }), from(), AOR)).toMatchObject({ status: 200 });
    expect(registrar.lookup(AOR)).toHaveLength(2);
  });

  it('refuses new bindings with 503 when full, after sweeping the expired ones', () => {
    const { registrar, clock } = setup({ maxBindings: 2 });
    registrar.handle(register(['<sip:a@192.168.1.20>'], { expires: '60' }), from(), 'sip:1@pbx.example.com');
    registrar.handle(register(['<sip:b@192.168.1.20>'], { expires: '3600' }), from(), 'sip:2@pbx.example.com');
    expect(registrar.handle(register(['<sip:c@192.168.1.20>']), from(), 'sip:3@pbx.example.com')).toMatchObject({ status: 503, reason: 'Registrar full' });
    clock.now += 61_000;
    expect(registrar.handle(register(['<sip:c@192.168.1.20>']), from(), 'sip:3@pbx.example.com')).toMatchObject({ status: 200 });
    expect(registrar.size).toBe(2);
  });

  it('refuses malformed Expires and Contact values with 400', () => {
    const { registrar } = setup();
    expect(registrar.handle(register(['<sip:a@192.168.1.20>'], { expires: 'soon' }), from(), AOR)).toMatchObject({ status: 400, reason: 'Malformed Expires' });
    expect(registrar.handle(register(['<sip:a@192.168.1.20>;expires=-1']), from(), AOR)).toMatchObject({ status: 400 });
    expect(registrar.handle(register(['<not a uri']), from(), AOR)).toMatchObject({ status: 400, reason: 'Malformed Contact' });
  });

  it('removes every binding of an AOR on request', () => {
    const { registrar, changes } = setup();
    registrar.handle(register(['<sip:a@192.168.1.20>']), from(), AOR);
    registrar.remove(AOR);
    expect(registrar.lookup(AOR)).toEqual([]);
    expect(changes.at(-1)).toEqual([AOR, []]);
  });

  it('keeps its bindings whole when a change listener throws', () => {
    const { registrar } = setup();
    registrar.on('changed', () => {
      throw new Error('listener failure');
    });
    expect(registrar.handle(register(['<sip:a@192.168.1.20>']), from(), AOR)).toMatchObject({ status: 200 });
    expect(registrar.lookup(AOR)).toHaveLength(1);
  });

  it('refuses expiry options out of order', () => {
    expect(() => setup({ minExpires: 600, defaultExpires: 300 })).toThrow(RangeError);
  });
});

describe('registerResponse', () => {
  it('lists each binding with its remaining seconds and instance, with a Date and a To tag', () => {
    const { registrar, clock } = setup();
    const request = register([`<sip:1001@192.168.1.20:5060>;+sip.instance=${INSTANCE}`, '<sip:b@192.168.1.21>;expires=600']);
    const result = registrar.handle(request, from(), AOR);
    clock.now += 10_500;
    const ok = registerResponse(request, result, clock.now);
    expect(ok.status).toBe(200);
    const contacts = ok.headers.getAll('Contact').map((value) => parseNameAddr(value));
    expect(contacts.map((contact) => [contact?.uri, contact?.params.expires, contact?.params['+sip.instance']])).toEqual([
      ['sip:1001@192.168.1.20:5060', '3590', INSTANCE],
      ['sip:b@192.168.1.21', '590', undefined],
    ]);
    expect(ok.headers.get('Date')).toBe(new Date(clock.now).toUTCString());
    expect(ok.headers.get('Date')).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    expect(parseNameAddr(ok.headers.get('To') ?? '')?.params.tag).toBeTruthy();
    expect(ok.headers.get('Call-ID')).toBe('reg-1');
  });

  it('answers 423 with Min-Expires and 503 with Retry-After', () => {
    const request = register(['<sip:a@192.168.1.20>;expires=5']);
    const brief = registerResponse(request, { status: 423, reason: 'Interval Too Brief', minExpires: 60 }, 0);
    expect([brief.status, brief.headers.get('Min-Expires')]).toEqual([423, '60']);
    const full = registerResponse(request, { status: 503, reason: 'Registrar full', retryAfter: 60 }, 0);
    expect([full.status, full.reason, full.headers.get('Retry-After')]).toEqual([503, 'Registrar full', '60']);
    const bad = registerResponse(request, { status: 400, reason: 'Malformed Expires' }, 0);
    expect([bad.status, bad.reason]).toEqual([400, 'Malformed Expires']);
  });
});
