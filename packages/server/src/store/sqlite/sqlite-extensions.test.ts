import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewSipExtension, NewStaff } from '../ports.js';
import { openSqliteStore, type SqliteStore } from './sqlite-store.js';

const APP = 1400000001;
const OTHER = 1400000002;
const T0 = 1_700_000_000_000;

function staff(sdkAppId: number, mail: string, name: string): NewStaff {
  return { sdkAppId, mail, name, staffNumber: '1', phone: '', nick: '', userId: '', role: 3, extensionNumber: '', passwordHash: 'h', useMobileCallOut: false, useMobileAccept: 0, forwardingConfig: null };
}

function extension(extensionId: string, extra: Partial<NewSipExtension> = {}): NewSipExtension {
  return { sdkAppId: APP, extensionId, name: `desk ${extensionId}`, skillGroupIds: [], relation: null, ha1: 'a'.repeat(32), realm: `${APP}.sip.example.com`, passwordSealed: Buffer.from([1, 2, 3]), ...extra };
}

describe('SQLite SIP extensions', () => {
  let store: SqliteStore;

  beforeEach(async () => {
    store = openSqliteStore(':memory:');
    await store.instances.create({ sdkAppId: APP, name: 'Main', createdAt: T0 });
    await store.instances.create({ sdkAppId: OTHER, name: 'Other', createdAt: T0 });
    await store.staff.createMany([staff(APP, 'ada@example.com', 'Ada'), staff(APP, 'grace@example.com', 'Grace'), staff(OTHER, 'ada@example.com', 'Other Ada')], [[], [], []], T0);
  });

  afterEach(async () => {
    await store.close();
  });

  it('creates an extension once per instance and reads it back with its credentials and groups', async () => {
    const group = (await store.skillGroups.create({ sdkAppId: APP, name: 'Desk', type: 0, maxConcurrency: 1 }, T0)) ?? -1;
    const foreign = (await store.skillGroups.create({ sdkAppId: OTHER, name: 'Desk', type: 0, maxConcurrency: 1 }, T0)) ?? -1;
    expect(await store.sipExtensions.create(extension('8001', { skillGroupIds: [group, foreign] }), T0)).toBe('ok');
    expect(await store.sipExtensions.create(extension('8001'), T0 + 1)).toBe('exists');
    expect(await store.sipExtensions.create(extension('8001', { sdkAppId: OTHER }), T0)).toBe('ok');
    const read = await store.sipExtensions.get(APP, '8001');
    expect(read).toEqual({
      sdkAppId: APP,
      extensionId: '8001',
      name: 'desk 8001',
      skillGroupIds: [group],
      relation: null,
      ha1: 'a'.repeat(32),
      realm: `${APP}.sip.example.com`,
      passwordSealed: Buffer.from([1, 2, 3]),
      createdAt: T0,
      modifiedAt: T0,
    });
    expect(await store.sipExtensions.get(APP, '8002')).toBeUndefined();
  });

  it('binds staff through their extension number, in both directions', async () => {
    expect(await store.sipExtensions.create(extension('8001', { relation: 'nobody@example.com' }), T0)).toBe('no-staff');
    expect(await store.sipExtensions.get(APP, '8001')).toBeUndefined();
    expect(await store.sipExtensions.create(extension('8001', { relation: 'ADA@example.com' }), T0)).toBe('ok');
    expect((await store.sipExtensions.get(APP, '8001'))?.relation).toEqual({ mail: 'ada@example.com', name: 'Ada' });
    expect((await store.staff.get(APP, 'ada@example.com'))?.extensionNumber).toBe('8001');
    // The other instance's Ada is untouched.
    expect((await store.staff.get(OTHER, 'ada@example.com'))?.extensionNumber).toBe('');

    expect(await store.sipExtensions.update(APP, '8001', { relation: 'grace@example.com' }, T0 + 5)).toBe('ok');
    expect((await store.sipExtensions.get(APP, '8001'))?.relation?.mail).toBe('grace@example.com');
    const ada = await store.staff.get(APP, 'ada@example.com');
    expect(ada).toMatchObject({ extensionNumber: '', modifiedAt: T0 + 5 });

    // A staff row naming the extension (ModifyStaff) is the relation too.
    await store.staff.update(APP, 'grace@example.com', { extensionNumber: '' }, T0 + 6);
    await store.staff.update(APP, 'ada@example.com', { extensionNumber: '8001' }, T0 + 7);
    expect((await store.sipExtensions.get(APP, '8001'))?.relation?.mail).toBe('ada@example.com');

    expect(await store.sipExtensions.update(APP, '8001', { relation: null }, T0 + 8)).toBe('ok');
    expect((await store.sipExtensions.get(APP, '8001'))?.relation).toBeNull();
    expect((await store.staff.get(APP, 'ada@example.com'))?.extensionNumber).toBe('');

    await store.sipExtensions.update(APP, '8001', { relation: 'grace@example.com' }, T0 + 9);
    expect(await store.sipExtensions.delete(APP, '8001', T0 + 10)).toBe(true);
    expect((await store.staff.get(APP, 'grace@example.com'))?.extensionNumber).toBe('');
    expect(await store.sipExtensions.delete(APP, '8001', T0 + 11)).toBe(false);
  });

  it('updates name and groups, reports unknown extensions and staff, and changes credentials', async () => {
    const group = (await store.skillGroups.create({ sdkAppId: APP, name: 'Desk', type: 0, maxConcurrency: 1 }, T0)) ?? -1;
    await store.sipExtensions.create(extension('8001', { skillGroupIds: [group] }), T0);
    expect(await store.sipExtensions.update(APP, '8002', { name: 'x' }, T0)).toBe('not-found');
    expect(await store.sipExtensions.update(OTHER, '8001', { name: 'x' }, T0)).toBe('not-found');
    expect(await store.sipExtensions.update(APP, '8001', { relation: 'nobody@example.com', name: 'ignored' }, T0 + 1)).toBe('no-staff');
    expect((await store.sipExtensions.get(APP, '8001'))?.name).toBe('desk 8001');
    expect(await store.sipExtensions.update(APP, '8001', { name: 'Reception', skillGroupIds: [] }, T0 + 2)).toBe('ok');
    expect(await store.sipExtensions.get(APP, '8001')).toMatchObject({ name: 'Reception', skillGroupIds: [], modifiedAt: T0 + 2 });

    expect(await store.sipExtensions.setCredentials(APP, '8001', { ha1: 'b'.repeat(32), realm: 'r', passwordSealed: Buffer.from([9]) }, T0 + 3)).toBe(true);
    expect(await store.sipExtensions.get(APP, '8001')).toMatchObject({ ha1: 'b'.repeat(32), realm: 'r', passwordSealed: Buffer.from([9]), modifiedAt: T0 + 3 });
    expect(await store.sipExtensions.setCredentials(OTHER, '8001', { ha1: 'c', realm: 'r', passwordSealed: Buffer.from([9]) }, T0)).toBe(false);

    // A deleted skill group leaves the extension.
    await store.skillGroups.delete(APP, group);
    await store.sipExtensions.update(APP, '8001', { skillGroupIds: [group] }, T0 + 4);
    expect((await store.sipExtensions.get(APP, '8001'))?.skillGroupIds).toEqual([]);
  });

  it('lists in numeric order, paged, filtered by ids and by a keyword over id, name and the bound staff', async () => {
    for (const id of ['10', '9', '100', '8001']) await store.sipExtensions.create(extension(id), T0);
    await store.sipExtensions.create(extension('8002', { name: '50%_off', relation: 'grace@example.com' }), T0);
    await store.sipExtensions.create(extension('7', { sdkAppId: OTHER }), T0);

    const all = await store.sipExtensions.list(APP, { limit: 100, offset: 0 });
    expect(all.total).toBe(5);
    expect(all.items.map((e) => e.extensionId)).toEqual(['9', '10', '100', '8001', '8002']);
    const page = await store.sipExtensions.list(APP, { limit: 2, offset: 2 });
    expect(page).toMatchObject({ total: 5 });
    expect(page.items.map((e) => e.extensionId)).toEqual(['100', '8001']);
    expect((await store.sipExtensions.list(APP, { extensionIds: ['10', '7', 'x'], limit: 10, offset: 0 })).items.map((e) => e.extensionId)).toEqual(['10']);

    const keyword = async (text: string) => (await store.sipExtensions.list(APP, { keyword: text, limit: 10, offset: 0 })).items.map((e) => e.extensionId);
    expect(await keyword('800')).toEqual(['8001', '8002']);
    expect(await keyword('GRACE')).toEqual(['8002']);
    expect(await keyword('%_')).toEqual(['8002']);
    expect(await keyword('_')).toEqual(['8002']);
    expect(await keyword('desk 1')).toEqual(['10', '100']);
    expect((await store.sipExtensions.list(APP, { keyword: '800', limit: 1, offset: 0 })).total).toBe(2);
  });
});
