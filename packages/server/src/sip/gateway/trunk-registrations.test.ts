import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createResponse } from '../message/build.js';
import { createHarness } from '../test-support/layer-harness.js';
import type { ServerTransaction } from '../types.js';
import { SipDirectory } from './directory.js';
import { SipStack } from './sip-stack.js';
import { TrunkRegistrations } from './trunk-registrations.js';
import { EPOCH, trunkFixture } from './test-support/gateway-harness.js';
import type { GatewayTrunk } from './directory.js';

const registerTrunk = (overrides: Partial<GatewayTrunk> = {}): GatewayTrunk =>
  trunkFixture({ kind: 'register', allow: [], outbound: null, register: { registrar: 'sip:127.0.0.1', username: 'acct', password: 'pw', expires: 600 }, ...overrides });

/** Trunk registrations on side `b` (127.0.0.2) with the carrier's registrar on side `a` (127.0.0.1). */
function setup(initial: GatewayTrunk[]) {
  const h = createHarness();
  const carrier = h.layer(h.a);
  const layer = h.layer(h.b);
  const now = () => EPOCH + h.scheduler.now;
  let trunks = initial;
  const directory = new SipDirectory({ trunks: () => Promise.resolve(trunks), extension: () => Promise.resolve(null), extensionOfStaff: () => Promise.resolve(null), numberOwner: () => Promise.resolve(null), realmOf: () => 'x', instanceOfDomain: () => null }, now);
  const registrations = new TrunkRegistrations({ stack: new SipStack(h.b, layer), directory, scheduler: h.scheduler, now, log: pino({ level: 'silent' }) });
  const registers: ServerTransaction[] = [];
  carrier.onRequest((tx) => registers.push(tx));
  const flush = async () => {
    for (let i = 0; i < 10; i++) {
      h.scheduler.advance(0);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };
  const ok = (tx: ServerTransaction, expires = 600) => tx.respond(createResponse(tx.request, 200, 'OK', { toTag: 'reg', headers: [['Contact', `${tx.request.headers.get('Contact') ?? ''};expires=${expires}`]] }));
  const change = (next: GatewayTrunk[]) => {
    trunks = next;
    directory.invalidate();
  };
  return { h, registrations, registers, flush, ok, change };
}

describe('TrunkRegistrations', () => {
  it('registers each registration trunk with its registrar, and takes calls from that address only', async () => {
    const s = setup([registerTrunk(), trunkFixture({ id: 2 })]);
    await s.registrations.reconcile();
    await s.flush();
    expect(s.registers).toHaveLength(1);
    const register = s.registers[0]!.request;
    expect(register.uri).toBe('sip:127.0.0.1');
    expect(register.headers.get('To')).toBe('<sip:acct@127.0.0.1>');
    expect(register.headers.get('Contact')).toBe('<sip:acct@127.0.0.2:5060>');
    expect(register.headers.get('Expires')).toBe('600');
    expect(s.registrations.trunkFrom('127.0.0.1')?.id).toBe(1);
    expect(s.registrations.trusted('127.0.0.1')).toBe(true);
    expect(s.registrations.trunkFrom('127.0.0.9')).toBeNull();
    expect(s.registrations.statuses()).toEqual([{ trunkId: 1, state: 'registering', until: null, reason: null }]);
  });

  it('reports the registration with the time it runs until', async () => {
    const s = setup([registerTrunk()]);
    await s.registrations.reconcile();
    await s.flush();
    s.ok(s.registers[0]!, 300);
    await s.flush();
    expect(s.registrations.statuses()).toEqual([{ trunkId: 1, state: 'registered', until: EPOCH + 300_000, reason: null }]);
  });

  it("sends REGISTERs to the trunk's outbound proxy when it has one, and trusts that address", async () => {
    const s = setup([registerTrunk({ outbound: { host: '127.0.0.1', port: 5060, transport: 'udp' }, register: { registrar: 'sip:carrier.example', username: 'acct', password: 'pw', expires: 600 } })]);
    await s.registrations.reconcile();
    await s.flush();
    expect(s.registers.map((tx) => tx.request.uri)).toEqual(['sip:carrier.example']);
    expect(s.registers[0]?.request.headers.get('To')).toBe('<sip:acct@carrier.example>');
    expect(s.registrations.trunkFrom('127.0.0.1')?.id).toBe(1);
  });

  it('runs one reconcile at a time: calls made together register once', async () => {
    const s = setup([registerTrunk()]);
    await Promise.all([s.registrations.reconcile(), s.registrations.reconcile()]);
    await s.registrations.reconcile();
    await s.flush();
    expect(s.registers).toHaveLength(1);
  });

  it('unregisters a removed trunk and forgets its address', async () => {
    const s = setup([registerTrunk()]);
    await s.registrations.reconcile();
    await s.flush();
    s.ok(s.registers[0]!);
    await s.flush();
    s.change([]);
    await s.registrations.reconcile();
    await s.flush();
    expect(s.registers.map((tx) => tx.request.headers.get('Expires'))).toEqual(['600', '0']);
    expect(s.registrations.trunkFrom('127.0.0.1')).toBeNull();
    expect(s.registrations.statuses()).toEqual([]);
  });

  it('registers again when a trunk’s credentials change, and leaves an unchanged one alone', async () => {
    const s = setup([registerTrunk()]);
    await s.registrations.reconcile();
    await s.flush();
    s.ok(s.registers[0]!);
    await s.flush();
    s.change([registerTrunk({ name: 'renamed' })]);
    await s.registrations.reconcile();
    await s.flush();
    expect(s.registers).toHaveLength(1);
    s.change([registerTrunk({ register: { registrar: 'sip:127.0.0.1', username: 'acct2', password: 'pw2', expires: 600 } })]);
    await s.registrations.reconcile();
    await s.flush();
    const sent = s.registers.map((tx) => [tx.request.headers.get('To'), tx.request.headers.get('Expires')]);
    expect(sent).toEqual([
      ['<sip:acct@127.0.0.1>', '600'],
      ['<sip:acct@127.0.0.1>', '0'],
      ['<sip:acct2@127.0.0.1>', '600'],
    ]);
    expect(s.registrations.statuses().map((r) => r.state)).toEqual(['registering']);
  });

  it('unregisters every trunk on close and starts none after', async () => {
    const s = setup([registerTrunk(), registerTrunk({ id: 3, register: { registrar: 'sip:127.0.0.1', username: 'other', password: 'pw', expires: 600 } })]);
    await s.registrations.reconcile();
    await s.flush();
    for (const tx of [...s.registers]) s.ok(tx);
    await s.flush();
    const closed = s.registrations.close();
    await s.flush();
    for (const tx of s.registers.slice(2)) s.ok(tx);
    await s.flush();
    await closed;
    expect(s.registers.map((tx) => tx.request.headers.get('Expires'))).toEqual(['600', '600', '0', '0']);
    await s.registrations.reconcile();
    await s.flush();
    expect(s.registers).toHaveLength(4);
    expect(s.registrations.statuses()).toEqual([]);
  });
});
