import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewSipTrunk } from '../ports.js';
import { openSqliteStore, type SqliteStore } from './sqlite-store.js';

const APP = 1400000001;
const OTHER = 1400000002;
const T0 = 1_700_000_000_000;

const IP_TRUNK: NewSipTrunk = {
  sdkAppId: APP,
  name: 'Carrier A',
  kind: 'ip',
  allow: ['192.0.2.0/24', '2001:db8::/32'],
  outbound: { host: 'sbc.carrier.example', port: 5080, transport: 'tcp' },
  register: null,
  callerIdNumbers: ['00864001234567'],
  dialPlan: { allow: ['86'], deny: ['979'] },
  maxConcurrentCalls: 30,
  enabled: true,
};

const REGISTER_TRUNK: NewSipTrunk = {
  ...IP_TRUNK,
  name: 'Carrier B',
  kind: 'register',
  allow: [],
  outbound: null,
  register: { registrar: 'reg.carrier.example:5060', username: 'acct', passwordSealed: Buffer.from([7, 8, 9]), realm: null, expires: 600 },
  callerIdNumbers: [],
  enabled: false,
};

describe('SQLite SIP trunks', () => {
  let store: SqliteStore;

  beforeEach(async () => {
    store = openSqliteStore(':memory:');
    await store.instances.create({ sdkAppId: APP, name: 'Main', createdAt: T0 });
    await store.instances.create({ sdkAppId: OTHER, name: 'Other', createdAt: T0 });
  });

  afterEach(async () => {
    await store.close();
  });

  it('stores both kinds and reads every setting back', async () => {
    const a = await store.sipTrunks.create(IP_TRUNK, T0);
    const b = await store.sipTrunks.create(REGISTER_TRUNK, T0 + 1);
    expect(a).toBeTypeOf('number');
    expect(await store.sipTrunks.get(APP, a ?? -1)).toEqual({ ...IP_TRUNK, id: a, createdAt: T0, modifiedAt: T0 });
    expect(await store.sipTrunks.get(APP, b ?? -1)).toEqual({ ...REGISTER_TRUNK, id: b, createdAt: T0 + 1, modifiedAt: T0 + 1 });
    expect(await store.sipTrunks.get(OTHER, a ?? -1)).toBeUndefined();
    expect((await store.sipTrunks.list(APP)).map((t) => t.name)).toEqual(['Carrier A', 'Carrier B']);
    expect(await store.sipTrunks.list(OTHER)).toEqual([]);
  });

  it('refuses a name taken in the instance (any case), not in another', async () => {
    await store.sipTrunks.create(IP_TRUNK, T0);
    expect(await store.sipTrunks.create({ ...IP_TRUNK, name: 'carrier a' }, T0)).toBeUndefined();
    expect(await store.sipTrunks.create({ ...IP_TRUNK, sdkAppId: OTHER }, T0)).toBeTypeOf('number');
  });

  it('replaces a trunk, refusing another trunk\'s name and another instance\'s trunk', async () => {
    const a = (await store.sipTrunks.create(IP_TRUNK, T0)) ?? -1;
    const b = (await store.sipTrunks.create(REGISTER_TRUNK, T0)) ?? -1;
    expect(await store.sipTrunks.replace(a, { ...IP_TRUNK, name: 'Carrier B' }, T0 + 1)).toBe('name-taken');
    expect(await store.sipTrunks.replace(a, { ...IP_TRUNK, sdkAppId: OTHER }, T0 + 1)).toBe('not-found');
    expect(await store.sipTrunks.replace(a, { ...REGISTER_TRUNK, name: 'Carrier A', enabled: true }, T0 + 2)).toBe('ok');
    expect(await store.sipTrunks.get(APP, a)).toEqual({ ...REGISTER_TRUNK, name: 'Carrier A', enabled: true, id: a, createdAt: T0, modifiedAt: T0 + 2 });
    expect(await store.sipTrunks.replace(b, { ...REGISTER_TRUNK, name: 'carrier b' }, T0 + 3)).toBe('ok');
  });

  it('lists the enabled trunks of every instance and deletes', async () => {
    const a = (await store.sipTrunks.create(IP_TRUNK, T0)) ?? -1;
    await store.sipTrunks.create(REGISTER_TRUNK, T0);
    const c = (await store.sipTrunks.create({ ...IP_TRUNK, sdkAppId: OTHER }, T0)) ?? -1;
    expect((await store.sipTrunks.listEnabled()).map((t) => t.id)).toEqual([a, c]);
    expect(await store.sipTrunks.delete(OTHER, a)).toBe(false);
    expect(await store.sipTrunks.delete(APP, a)).toBe(true);
    expect(await store.sipTrunks.delete(APP, a)).toBe(false);
    expect((await store.sipTrunks.listEnabled()).map((t) => t.id)).toEqual([c]);
  });
});
