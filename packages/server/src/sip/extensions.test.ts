import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecretBox } from '../auth/secret-box.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqlite-store.js';
import {
  ExtensionService,
  PASSWORD_ALPHABET,
  PASSWORD_LENGTH,
  extensionHa1,
  extensionSecretContext,
  generateExtensionPassword,
  instanceOfSipDomain,
  instanceSipDomain,
} from './extensions.js';

const APP = 1400000001;

describe('extension passwords', () => {
  it('are 20 characters of an alphabet without look-alikes, drawn with the given source', () => {
    expect(PASSWORD_LENGTH).toBeGreaterThanOrEqual(16);
    for (const c of '0O1lI') expect(PASSWORD_ALPHABET).not.toContain(c);
    expect(new Set(PASSWORD_ALPHABET).size).toBe(PASSWORD_ALPHABET.length);
    const picks: number[] = [];
    const password = generateExtensionPassword((max) => {
      picks.push(max);
      return picks.length % max;
    });
    expect(password).toHaveLength(PASSWORD_LENGTH);
    expect(picks.every((max) => max === PASSWORD_ALPHABET.length)).toBe(true);
    expect(password.startsWith(PASSWORD_ALPHABET.slice(1, 4))).toBe(true);
  });

  it('differ each time by default', () => {
    const seen = new Set(Array.from({ length: 50 }, () => generateExtensionPassword()));
    expect(seen.size).toBe(50);
    for (const password of seen) expect(password).toMatch(/^[A-HJ-NP-Za-km-z2-9]{20}$/);
  });

  it('HA1 is RFC 2617\'s MD5 of user:realm:password', () => {
    expect(extensionHa1('Mufasa', 'testrealm@host.com', 'Circle Of Life')).toBe('939e7578ed9e3c518a452acee763bce9');
  });
});

describe('instance SIP domains', () => {
  it('prefix the SdkAppId to the server\'s domain and map back', () => {
    expect(instanceSipDomain(APP, 'SIP.Example.com')).toBe(`${APP}.sip.example.com`);
    expect(instanceOfSipDomain(`${APP}.SIP.example.COM`, 'sip.example.com')).toBe(APP);
    expect(instanceOfSipDomain('sip.example.com', 'sip.example.com')).toBeNull();
    expect(instanceOfSipDomain(`x${APP}.sip.example.com`, 'sip.example.com')).toBeNull();
    expect(instanceOfSipDomain(`${APP}.sip.example.org`, 'sip.example.com')).toBeNull();
    expect(instanceOfSipDomain(`0${APP}.sip.example.com`, 'sip.example.com')).toBeNull();
    expect(instanceOfSipDomain(`${APP}.evilsip.example.com`, 'sip.example.com')).toBeNull();
  });
});

describe('ExtensionService.digestCredentials', () => {
  let store: SqliteStore;
  const box = SecretBox.fromEncoded('22'.repeat(32));

  beforeEach(async () => {
    store = openSqliteStore(':memory:');
    await store.instances.create({ sdkAppId: APP, name: 'Main', createdAt: 0 });
  });

  afterEach(async () => {
    await store.close();
  });

  it('recomputes and stores the HA1 when the SIP domain changed since the extension was created', async () => {
    const before = new ExtensionService({ store, box, sip: { domain: 'old.example.com', outboundProxy: 'x:5060' }, generatePassword: () => 'Secret-Password-0001' });
    await before.create(APP, { extensionId: '8001', name: 'desk' });
    expect(await before.digestCredentials(APP, '8001')).toEqual({ ha1: extensionHa1('8001', `${APP}.old.example.com`, 'Secret-Password-0001'), realm: `${APP}.old.example.com` });

    const after = new ExtensionService({ store, box, sip: { domain: 'new.example.com', outboundProxy: 'x:5060' }, clock: () => 42 });
    const fresh = { ha1: extensionHa1('8001', `${APP}.new.example.com`, 'Secret-Password-0001'), realm: `${APP}.new.example.com` };
    expect(await after.digestCredentials(APP, '8001')).toEqual(fresh);
    expect(await store.sipExtensions.get(APP, '8001')).toMatchObject({ ...fresh, modifiedAt: 42 });
    expect((await after.account(APP, '8001')).password).toBe('Secret-Password-0001');
    expect(await after.digestCredentials(APP, '8002')).toBeUndefined();
  });

  it('rekeys every extension of every instance created under another domain, once', async () => {
    const other = APP + 1;
    await store.instances.create({ sdkAppId: other, name: 'Other', createdAt: 0 });
    let n = 0;
    const before = new ExtensionService({ store, box, sip: { domain: 'old.example.com', outboundProxy: 'x:5060' }, generatePassword: () => `Secret-Password-${String(++n).padStart(4, '0')}` });
    await before.create(APP, { extensionId: '8001', name: 'a' });
    await before.create(APP, { extensionId: '8002', name: 'b' });
    await before.create(other, { extensionId: '8001', name: 'c' });
    const after = new ExtensionService({ store, box, sip: { domain: 'new.example.com', outboundProxy: 'x:5060' } });
    await after.create(APP, { extensionId: '8003', name: 'already new' });
    expect(await after.rekeyRealms()).toBe(3);
    expect(await store.sipExtensions.get(APP, '8002')).toMatchObject({ realm: `${APP}.new.example.com`, ha1: extensionHa1('8002', `${APP}.new.example.com`, 'Secret-Password-0002') });
    expect(await store.sipExtensions.get(other, '8001')).toMatchObject({ realm: `${other}.new.example.com`, ha1: extensionHa1('8001', `${other}.new.example.com`, 'Secret-Password-0003') });
    expect(await after.rekeyRealms()).toBe(0);
  });

  it('seals the password for its extension only', async () => {
    const service = new ExtensionService({ store, box, sip: { domain: 'sip.example.com', outboundProxy: 'x:5060' }, generatePassword: () => 'Secret-Password-0002' });
    await service.create(APP, { extensionId: '8001', name: 'desk' });
    const sealed = (await store.sipExtensions.get(APP, '8001'))?.passwordSealed ?? Buffer.alloc(0);
    expect(box.open(sealed, extensionSecretContext(APP, '8001'))).toBe('Secret-Password-0002');
    expect(() => box.open(sealed, extensionSecretContext(APP, '8002'))).toThrow();
  });
});
