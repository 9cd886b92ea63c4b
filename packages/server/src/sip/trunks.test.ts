import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecretBox } from '../auth/secret-box.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqlite-store.js';
import { DEFAULT_DIAL_PLAN } from './security/dial-plan.js';
import { SipTrunks, TrunkError, trunkSecretContext, trunkView, validateTrunk, type TrunkInput } from './trunks.js';

const APP = 1400000001;
const OTHER = 1400000002;

function errorOf(run: () => unknown): TrunkError {
  try {
    run();
  } catch (error) {
    if (error instanceof TrunkError) return error;
    throw error;
  }
  throw new Error('expected a TrunkError');
}

const IP: TrunkInput = { name: 'Carrier', kind: 'ip', allow: ['192.0.2.10'] };

describe('validateTrunk', () => {
  it('fills the defaults: enabled, 30 calls, the default dial plan, no outbound', () => {
    expect(validateTrunk(APP, IP)).toEqual({
      sdkAppId: APP,
      name: 'Carrier',
      kind: 'ip',
      allow: ['192.0.2.10/32'],
      outbound: null,
      register: null,
      callerIdNumbers: [],
      dialPlan: { allow: [...DEFAULT_DIAL_PLAN.allow], deny: [...DEFAULT_DIAL_PLAN.deny] },
      maxConcurrentCalls: 30,
      enabled: true,
    });
  });

  it('normalises addresses, outbound, caller ids and prefixes', () => {
    const trunk = validateTrunk(APP, {
      ...IP,
      name: '  Carrier  ',
      allow: ['192.0.2.0/24', '2001:DB8::/48', '::ffff:198.51.100.7', '192.0.2.0/24'],
      outbound: { host: 'SBC.Carrier.example' },
      callerIdNumbers: ['+86 400-123-4567', '00864001234567'],
      dialPlan: { allow: ['+86', '0086 10'], deny: [''] },
    });
    expect(trunk).toMatchObject({
      name: 'Carrier',
      allow: ['192.0.2.0/24', '2001:db8::/48', '198.51.100.7/32'],
      outbound: { host: 'sbc.carrier.example', port: 5060, transport: 'udp' },
      callerIdNumbers: ['00864001234567'],
      dialPlan: { allow: ['+86', '008610'], deny: [''] },
    });
  });

  it('says what to fix, naming the field', () => {
    const cases: Array<[TrunkInput, string, RegExp]> = [
      [{ ...IP, name: ' ' }, 'name', /1 to 64/],
      [{ ...IP, kind: 'sip' as 'ip' }, 'kind', /ip .*or register/],
      [{ ...IP, allow: [] }, 'allow', /addresses its calls come from/],
      [{ ...IP, allow: ['192.0.2.300'] }, 'allow', /CIDRs such as/],
      [{ ...IP, allow: ['0.0.0.0/0'] }, 'allow', /too wide/],
      [{ ...IP, allow: ['2000::/16'] }, 'allow', /at least \/32/],
      [{ ...IP, register: { registrar: 'r.example', username: 'u', password: 'p' } }, 'register', /does not register/],
      [{ name: 'R', kind: 'register' }, 'register', /registrar, username and password/],
      [{ name: 'R', kind: 'register', register: { registrar: 'r.example:99999', username: 'u', password: 'p' } }, 'register.registrar', /port from 1 to 65535/],
      [{ name: 'R', kind: 'register', register: { registrar: 'bad host', username: 'u', password: 'p' } }, 'register.registrar', /host name or an IP address/],
      [{ name: 'R', kind: 'register', register: { registrar: 'r.example', username: 'u', password: 'has space' } }, 'register.password', /without spaces/],
      [{ name: 'R', kind: 'register', register: { registrar: 'r.example', username: 'u', password: 'p', expires: 10 } }, 'register.expires', /60 to 86400/],
      [{ ...IP, outbound: { host: 'sbc.example', port: 0 } }, 'outbound.port', /1 to 65535/],
      [{ ...IP, outbound: { host: 'sbc.example', transport: 'tls' as 'udp' } }, 'outbound.transport', /udp or tcp/],
      [{ ...IP, callerIdNumbers: ['+1 555 0100'] }, 'callerIdNumbers', /not a mainland China number/],
      [{ ...IP, dialPlan: { allow: ['86*'] } }, 'dialPlan.allow', /prefixes such as/],
      [{ ...IP, maxConcurrentCalls: 0 }, 'maxConcurrentCalls', /1 to 100000/],
    ];
    for (const [input, field, message] of cases) {
      const error = errorOf(() => validateTrunk(APP, input));
      expect({ field: error.field, code: error.code }).toEqual({ field, code: 'invalid' });
      expect(error.message).toMatch(message);
    }
  });

  it('accepts a registration with an IPv6 registrar and keeps its port', () => {
    const trunk = validateTrunk(APP, { name: 'R', kind: 'register', register: { registrar: '[2001:db8::1]:5080', username: 'acct', password: 'pw', realm: ' carrier ' } });
    expect(trunk.register).toEqual({ registrar: '[2001:db8::1]:5080', username: 'acct', password: 'pw', realm: 'carrier', expires: 3600 });
  });
});

describe('SipTrunks', () => {
  let store: SqliteStore;
  let trunks: SipTrunks;
  const box = SecretBox.fromEncoded('33'.repeat(32));

  beforeEach(async () => {
    store = openSqliteStore(':memory:');
    await store.instances.create({ sdkAppId: APP, name: 'Main', createdAt: 0 });
    await store.instances.create({ sdkAppId: OTHER, name: 'Other', createdAt: 0 });
    await store.numbers.add({ sdkAppId: APP, number: '00864001234567', route: { kind: 'none' }, state: 'enabled' }, 0);
    await store.numbers.add({ sdkAppId: OTHER, number: '00864007654321', route: { kind: 'none' }, state: 'enabled' }, 0);
    let now = 1_000;
    trunks = new SipTrunks({ store, box, clock: () => (now += 1) });
  });

  afterEach(async () => {
    await store.close();
  });

  it('seals the register password for its account and never shows it', async () => {
    const trunk = await trunks.add(APP, { name: 'R', kind: 'register', register: { registrar: 'reg.example', username: 'acct', password: 'carrier-secret' } });
    expect(trunk.register?.passwordSealed.includes(Buffer.from('carrier-secret'))).toBe(false);
    expect(trunks.password(trunk)).toBe('carrier-secret');
    expect(() => box.open(trunk.register?.passwordSealed ?? Buffer.alloc(0), trunkSecretContext(APP, 'other', 'reg.example'))).toThrow();
    expect(JSON.stringify(trunkView(trunk))).not.toContain('carrier-secret');
    expect(trunkView(trunk).register).toEqual({ registrar: 'reg.example', username: 'acct', realm: null, expires: 3600, passwordSet: true });
  });

  it('refuses caller ids of other instances and duplicate names', async () => {
    await trunks.add(APP, { ...IP, callerIdNumbers: ['4001234567'] });
    await expect(trunks.add(APP, { ...IP, name: 'Two', callerIdNumbers: ['00864007654321'] })).rejects.toMatchObject({ code: 'invalid', field: 'callerIdNumbers' });
    await expect(trunks.add(APP, { ...IP, name: 'carrier' })).rejects.toMatchObject({ code: 'conflict', field: 'name' });
  });

  it('updates only what the change names, keeping the password until a new one is given, resealed when the account moves', async () => {
    const trunk = await trunks.add(APP, { name: 'R', kind: 'register', register: { registrar: 'reg.example', username: 'acct', password: 'first' }, maxConcurrentCalls: 5 });
    const renamed = await trunks.update(APP, trunk.id, { name: 'Carrier R', register: { username: 'acct2' } });
    expect(renamed).toMatchObject({ name: 'Carrier R', maxConcurrentCalls: 5, register: { registrar: 'reg.example', username: 'acct2', expires: 3600 } });
    expect(trunks.password(renamed)).toBe('first');
    const repassworded = await trunks.update(APP, trunk.id, { register: { password: 'second' }, enabled: false });
    expect(trunks.password(repassworded)).toBe('second');
    expect(repassworded.enabled).toBe(false);
    expect(repassworded.modifiedAt).toBeGreaterThan(trunk.modifiedAt);

    const toIp = await trunks.update(APP, trunk.id, { kind: 'ip', register: null, allow: ['198.51.100.0/24'], outbound: { host: '198.51.100.1', transport: 'tcp' } });
    expect(toIp).toMatchObject({ kind: 'ip', register: null, allow: ['198.51.100.0/24'], outbound: { host: '198.51.100.1', port: 5060, transport: 'tcp' } });
    await expect(trunks.update(APP, trunk.id, { kind: 'register' })).rejects.toMatchObject({ field: 'register' });
    await expect(trunks.update(OTHER, trunk.id, { name: 'x' })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('removes a trunk of the instance only', async () => {
    const trunk = await trunks.add(APP, IP);
    await expect(trunks.remove(OTHER, trunk.id)).rejects.toMatchObject({ code: 'not-found' });
    await trunks.remove(APP, trunk.id);
    expect(await trunks.list(APP)).toEqual([]);
  });
});
