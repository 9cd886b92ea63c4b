/**
 * The storage contract: behaviour every adapter of the ports in `../ports.ts`
 * must show. An adapter's test file calls `describeStoreContract` with a
 * factory that opens a fresh, empty, migrated store; each test gets its own.
 *
 * Only behaviour the ports promise is asserted. Where the ports leave
 * something open (list order, boundaries of `modifiedSince`, the case of the
 * keys of `memberships`), the tests avoid depending on it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TelCdrInfo } from 'tencentcloud-sdk-nodejs/tencentcloud/services/ccc/v20200210/ccc_models.js';
import type { ApiKey, CallRecordQuery, Credential, IvrPromptQuery, CredentialKind, Membership, NewStaff, Staff, StatusHistoryEntry, Store } from '../ports.js';

export type OpenStore = () => Promise<{ store: Store; cleanup: () => Promise<void> }>;

const APP = 1400000001;
const OTHER_APP = 1400000002;
const T0 = 1_700_000_000_000;

function newStaff(sdkAppId: number, mail: string, overrides: Partial<NewStaff> = {}): NewStaff {
  return {
    sdkAppId,
    mail,
    name: `Name of ${mail}`,
    staffNumber: `no-${mail}`,
    phone: '+8613800000000',
    nick: `nick-${mail}`,
    userId: `user-${mail}`,
    role: 3,
    extensionNumber: '1001',
    passwordHash: `hash-${mail}`,
    useMobileCallOut: false,
    useMobileAccept: 0,
    forwardingConfig: null,
    ...overrides,
  };
}

function apiKey(secretId: string, overrides: Partial<ApiKey> = {}): ApiKey {
  return {
    secretId,
    secretKeySealed: Buffer.from(`sealed-${secretId}`),
    policy: null,
    status: 'enabled',
    description: `key ${secretId}`,
    createdAt: T0,
    requireSignedAction: false,
    singleUseSignatures: false,
    ...overrides,
  };
}

function credential(hash: string, overrides: Partial<Credential> = {}): Credential {
  return {
    kind: 'sdk-token',
    hash,
    sdkAppId: APP,
    mail: 'agent@example.com',
    onlyOnce: false,
    expiresAt: T0 + 60_000,
    createdAt: T0,
    usedAt: null,
    ...overrides,
  };
}

function historyEntry(at: number, overrides: Partial<StatusHistoryEntry> = {}): StatusHistoryEntry {
  return { sdkAppId: APP, mail: 'agent@example.com', status: 'free', reason: '', sessionId: '', at, ...overrides };
}

const sorted = (values: string[]): string[] => [...values].sort();
const byMail = (items: Staff[]): string[] => sorted(items.map((s) => s.mail));
const groupIds = (ms: Membership[] | undefined): number[] => (ms ?? []).map((m) => m.skillGroupId);

export function describeStoreContract(name: string, open: OpenStore): void {
  describe(`store contract: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await open());
    });

    afterEach(async () => {
      await cleanup();
    });

    async function withInstances(...ids: number[]): Promise<void> {
      for (const id of ids) await store.instances.create({ sdkAppId: id, name: `instance ${id}`, createdAt: T0 });
    }

    async function group(sdkAppId: number, groupName: string, now = T0, type = 1, maxConcurrency = 1): Promise<number> {
      const id = await store.skillGroups.create({ sdkAppId, name: groupName, type, maxConcurrency }, now);
      if (id === undefined) throw new Error(`skill group ${groupName} was not created`);
      return id;
    }

    async function membershipsOf(sdkAppId: number, mail: string): Promise<Membership[]> {
      const map = await store.staff.memberships(sdkAppId, [mail]);
      return map.get(mail) ?? [];
    }

    // ---------------------------------------------------------------- instances
    describe('instances', () => {
      it('creates and gets an instance', async () => {
        await store.instances.create({ sdkAppId: APP, name: 'Main', createdAt: T0 });
        expect(await store.instances.get(APP)).toEqual({ sdkAppId: APP, name: 'Main', createdAt: T0 });
      });

      it('returns undefined for an unknown instance', async () => {
        await withInstances(APP);
        expect(await store.instances.get(OTHER_APP)).toBeUndefined();
      });

      it('lists every instance', async () => {
        expect(await store.instances.list()).toEqual([]);
        await store.instances.create({ sdkAppId: OTHER_APP, name: 'B', createdAt: T0 + 1 });
        await store.instances.create({ sdkAppId: APP, name: 'A', createdAt: T0 });
        const list = await store.instances.list();
        expect([...list].sort((a, b) => a.sdkAppId - b.sdkAppId)).toEqual([
          { sdkAppId: APP, name: 'A', createdAt: T0 },
          { sdkAppId: OTHER_APP, name: 'B', createdAt: T0 + 1 },
        ]);
      });

      it('rejects a duplicate SdkAppId and keeps the original', async () => {
        await store.instances.create({ sdkAppId: APP, name: 'first', createdAt: T0 });
        await expect(store.instances.create({ sdkAppId: APP, name: 'second', createdAt: T0 + 1 })).rejects.toThrow();
        expect(await store.instances.get(APP)).toEqual({ sdkAppId: APP, name: 'first', createdAt: T0 });
        expect(await store.instances.list()).toHaveLength(1);
      });
    });

    // ----------------------------------------------------------------- api keys
    describe('apiKeys', () => {
      it('round-trips a main-account key with a null policy', async () => {
        const key = apiKey('AKIDmain');
        await store.apiKeys.create(key);
        const got = await store.apiKeys.get('AKIDmain');
        expect(got).toEqual(key);
        expect(got?.policy).toBeNull();
      });

      it('round-trips policy objects, with and without an instance list', async () => {
        const all = apiKey('AKIDall', { policy: { actions: ['Describe*', 'CreateStaff'], sdkAppIds: null } });
        const some = apiKey('AKIDsome', { policy: { actions: ['*'], sdkAppIds: [APP, OTHER_APP] } });
        const none = apiKey('AKIDnone', { policy: { actions: [], sdkAppIds: [] } });
        await store.apiKeys.create(all);
        await store.apiKeys.create(some);
        await store.apiKeys.create(none);
        expect((await store.apiKeys.get('AKIDall'))?.policy).toEqual({ actions: ['Describe*', 'CreateStaff'], sdkAppIds: null });
        expect((await store.apiKeys.get('AKIDsome'))?.policy).toEqual({ actions: ['*'], sdkAppIds: [APP, OTHER_APP] });
        expect((await store.apiKeys.get('AKIDnone'))?.policy).toEqual({ actions: [], sdkAppIds: [] });
      });

      it('round-trips the sealed secret byte for byte', async () => {
        const bytes = Buffer.alloc(512);
        for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 37 + 11) % 256;
        bytes[0] = 0x00;
        bytes[1] = 0xff;
        bytes[bytes.length - 1] = 0x00;
        await store.apiKeys.create(apiKey('AKIDbytes', { secretKeySealed: Buffer.from(bytes) }));
        const got = await store.apiKeys.get('AKIDbytes');
        expect(got).toBeDefined();
        expect(Buffer.isBuffer(got?.secretKeySealed)).toBe(true);
        expect(got?.secretKeySealed.length).toBe(512);
        expect(Buffer.compare(got?.secretKeySealed ?? Buffer.alloc(0), bytes)).toBe(0);
      });

      it('returns undefined for an unknown key', async () => {
        await store.apiKeys.create(apiKey('AKIDa'));
        expect(await store.apiKeys.get('AKIDb')).toBeUndefined();
      });

      it('lists every key', async () => {
        expect(await store.apiKeys.list()).toEqual([]);
        const a = apiKey('AKIDa', { createdAt: T0 + 5, policy: { actions: ['*'], sdkAppIds: [APP] } });
        const b = apiKey('AKIDb', { createdAt: T0, status: 'disabled', description: 'über 🔑' });
        await store.apiKeys.create(a);
        await store.apiKeys.create(b);
        const list = await store.apiKeys.list();
        expect([...list].sort((x, y) => x.secretId.localeCompare(y.secretId))).toEqual([a, b]);
      });

      it('sets the status of an existing key only', async () => {
        await store.apiKeys.create(apiKey('AKIDa'));
        await store.apiKeys.create(apiKey('AKIDb'));
        expect(await store.apiKeys.setStatus('AKIDa', 'disabled')).toBe(true);
        expect(await store.apiKeys.get('AKIDa')).toEqual(apiKey('AKIDa', { status: 'disabled' }));
        expect((await store.apiKeys.get('AKIDb'))?.status).toBe('enabled');
        expect(await store.apiKeys.setStatus('AKIDa', 'enabled')).toBe(true);
        expect((await store.apiKeys.get('AKIDa'))?.status).toBe('enabled');
        expect(await store.apiKeys.setStatus('AKIDmissing', 'disabled')).toBe(false);
        expect(await store.apiKeys.get('AKIDmissing')).toBeUndefined();
      });

      it('round-trips the signature options, off unless set', async () => {
        await store.apiKeys.create(apiKey('AKIDplain'));
        await store.apiKeys.create(apiKey('AKIDstrict', { requireSignedAction: true, singleUseSignatures: true }));
        expect(await store.apiKeys.get('AKIDplain')).toMatchObject({ requireSignedAction: false, singleUseSignatures: false });
        expect(await store.apiKeys.get('AKIDstrict')).toMatchObject({ requireSignedAction: true, singleUseSignatures: true });
      });

      it('changes only the options given, of an existing key only', async () => {
        await store.apiKeys.create(apiKey('AKIDa'));
        await store.apiKeys.create(apiKey('AKIDb'));
        expect(await store.apiKeys.setOptions('AKIDa', { singleUseSignatures: true })).toBe(true);
        expect(await store.apiKeys.get('AKIDa')).toEqual(apiKey('AKIDa', { singleUseSignatures: true }));
        expect(await store.apiKeys.setOptions('AKIDa', { requireSignedAction: true })).toBe(true);
        expect(await store.apiKeys.get('AKIDa')).toEqual(apiKey('AKIDa', { singleUseSignatures: true, requireSignedAction: true }));
        expect(await store.apiKeys.setOptions('AKIDa', { requireSignedAction: false, singleUseSignatures: false })).toBe(true);
        expect(await store.apiKeys.get('AKIDa')).toEqual(apiKey('AKIDa'));
        expect(await store.apiKeys.setOptions('AKIDa', {})).toBe(true);
        expect(await store.apiKeys.get('AKIDb')).toEqual(apiKey('AKIDb'));
        expect(await store.apiKeys.setOptions('AKIDmissing', { singleUseSignatures: true })).toBe(false);
        expect(await store.apiKeys.get('AKIDmissing')).toBeUndefined();
      });

      it('deletes a key and reports whether it existed', async () => {
        await store.apiKeys.create(apiKey('AKIDa'));
        await store.apiKeys.create(apiKey('AKIDb'));
        expect(await store.apiKeys.delete('AKIDa')).toBe(true);
        expect(await store.apiKeys.get('AKIDa')).toBeUndefined();
        expect(await store.apiKeys.delete('AKIDa')).toBe(false);
        expect(await store.apiKeys.delete('AKIDmissing')).toBe(false);
        expect((await store.apiKeys.list()).map((k) => k.secretId)).toEqual(['AKIDb']);
      });
    });

    // -------------------------------------------------------------------- staff
    describe('staff', () => {
      beforeEach(async () => {
        await withInstances(APP, OTHER_APP);
      });

      it('creates staff and round-trips every field', async () => {
        const plain = newStaff(APP, 'a@example.com');
        const rich = newStaff(APP, 'b@example.com', {
          role: 1,
          useMobileCallOut: true,
          useMobileAccept: 2,
          forwardingConfig: { Enabled: true, Condition: 1, Target: { Type: 2, StaffUserId: 'x@example.com', SkillGroupId: 7, Extension: '8001' } },
        });
        expect(await store.staff.createMany([plain, rich], [[], []], T0)).toEqual([true, true]);
        expect(await store.staff.get(APP, 'a@example.com')).toEqual({ ...plain, forcedOffline: false, createdAt: T0, modifiedAt: T0 });
        expect(await store.staff.get(APP, 'b@example.com')).toEqual({ ...rich, forcedOffline: false, createdAt: T0, modifiedAt: T0 });
      });

      it('accepts an empty batch', async () => {
        expect(await store.staff.createMany([], [], T0)).toEqual([]);
      });

      it('refuses only the rows whose mail exists in the instance', async () => {
        await store.staff.createMany([newStaff(APP, 'taken@example.com', { name: 'Original' })], [[]], T0);
        const result = await store.staff.createMany(
          [newStaff(APP, 'new1@example.com'), newStaff(APP, 'taken@example.com', { name: 'Intruder' }), newStaff(APP, 'new2@example.com')],
          [[], [], []],
          T0 + 10,
        );
        expect(result).toEqual([true, false, true]);
        const taken = await store.staff.get(APP, 'taken@example.com');
        expect(taken?.name).toBe('Original');
        expect(taken?.createdAt).toBe(T0);
        expect(taken?.modifiedAt).toBe(T0);
        expect(await store.staff.get(APP, 'new1@example.com')).toBeDefined();
        expect(await store.staff.get(APP, 'new2@example.com')).toBeDefined();
        expect((await store.staff.list(APP, { limit: 100, offset: 0 })).total).toBe(3);
      });

      it('refuses a mail repeated within one batch', async () => {
        const result = await store.staff.createMany(
          [newStaff(APP, 'dup@example.com', { name: 'First' }), newStaff(APP, 'dup@example.com', { name: 'Second' })],
          [[], []],
          T0,
        );
        expect(result).toEqual([true, false]);
        expect((await store.staff.get(APP, 'dup@example.com'))?.name).toBe('First');
      });

      it('treats mails differing only in case as the same mail', async () => {
        expect(await store.staff.createMany([newStaff(APP, 'Mixed.Case@Example.com')], [[]], T0)).toEqual([true]);
        expect(await store.staff.createMany([newStaff(APP, 'mixed.case@example.com')], [[]], T0)).toEqual([false]);
        expect(await store.staff.createMany([newStaff(APP, 'MIXED.CASE@EXAMPLE.COM')], [[]], T0)).toEqual([false]);
        expect((await store.staff.list(APP, { limit: 100, offset: 0 })).total).toBe(1);
      });

      it('allows the same mail in another instance', async () => {
        expect(await store.staff.createMany([newStaff(APP, 'shared@example.com', { name: 'In A' })], [[]], T0)).toEqual([true]);
        expect(await store.staff.createMany([newStaff(OTHER_APP, 'shared@example.com', { name: 'In B' })], [[]], T0)).toEqual([true]);
        expect((await store.staff.get(APP, 'shared@example.com'))?.name).toBe('In A');
        expect((await store.staff.get(OTHER_APP, 'shared@example.com'))?.name).toBe('In B');
      });

      it('grants memberships only to the rows it creates', async () => {
        const g1 = await group(APP, 'g1');
        const g2 = await group(APP, 'g2');
        await store.staff.createMany([newStaff(APP, 'old@example.com')], [[{ skillGroupId: g1, priority: 1 }]], T0);
        const result = await store.staff.createMany(
          [newStaff(APP, 'old@example.com'), newStaff(APP, 'new@example.com')],
          [[{ skillGroupId: g2, priority: 1 }], [{ skillGroupId: g2, priority: 2 }, { skillGroupId: g1, priority: 1 }]],
          T0 + 1,
        );
        expect(result).toEqual([false, true]);
        expect(groupIds(await membershipsOf(APP, 'old@example.com'))).toEqual([g1]);
        expect(groupIds(await membershipsOf(APP, 'new@example.com'))).toEqual([g1, g2]);
      });

      it('gets staff case-insensitively and only from its instance', async () => {
        await store.staff.createMany([newStaff(APP, 'alice@example.com')], [[]], T0);
        expect((await store.staff.get(APP, 'ALICE@Example.COM'))?.name).toBe('Name of alice@example.com');
        expect(await store.staff.get(OTHER_APP, 'alice@example.com')).toBeUndefined();
        expect(await store.staff.get(APP, 'bob@example.com')).toBeUndefined();
      });

      it('lists staff in pages with a total', async () => {
        const mails = ['s1@example.com', 's2@example.com', 's3@example.com', 's4@example.com', 's5@example.com'];
        await store.staff.createMany(mails.map((m) => newStaff(APP, m)), mails.map(() => []), T0);
        await store.staff.createMany([newStaff(OTHER_APP, 'elsewhere@example.com')], [[]], T0);

        const p1 = await store.staff.list(APP, { limit: 2, offset: 0 });
        const p2 = await store.staff.list(APP, { limit: 2, offset: 2 });
        const p3 = await store.staff.list(APP, { limit: 2, offset: 4 });
        const p4 = await store.staff.list(APP, { limit: 2, offset: 6 });
        expect([p1.total, p2.total, p3.total, p4.total]).toEqual([5, 5, 5, 5]);
        expect([p1.items.length, p2.items.length, p3.items.length, p4.items.length]).toEqual([2, 2, 1, 0]);
        expect(sorted([...p1.items, ...p2.items, ...p3.items].map((s) => s.mail))).toEqual(mails);

        const all = await store.staff.list(APP, { limit: 100, offset: 0 });
        expect(all.total).toBe(5);
        expect(byMail(all.items)).toEqual(mails);
        expect(all.items.every((s) => s.sdkAppId === APP)).toBe(true);
      });

      it('filters the list by mail, case-insensitively', async () => {
        await store.staff.createMany([newStaff(APP, 'a@example.com'), newStaff(APP, 'b@example.com')], [[], []], T0);
        const hit = await store.staff.list(APP, { mail: 'B@EXAMPLE.com', limit: 10, offset: 0 });
        expect(hit.total).toBe(1);
        expect(hit.items.map((s) => s.mail.toLowerCase())).toEqual(['b@example.com']);
        const miss = await store.staff.list(APP, { mail: 'c@example.com', limit: 10, offset: 0 });
        expect(miss).toEqual({ total: 0, items: [] });
        const otherInstance = await store.staff.list(OTHER_APP, { mail: 'a@example.com', limit: 10, offset: 0 });
        expect(otherInstance).toEqual({ total: 0, items: [] });
      });

      it('filters the list by modification time', async () => {
        await store.staff.createMany(
          [newStaff(APP, 'old@example.com'), newStaff(APP, 'touched@example.com'), newStaff(APP, 'late@example.com')],
          [[], [], []],
          T0,
        );
        expect(await store.staff.update(APP, 'touched@example.com', { nick: 'new' }, T0 + 5_000)).toBe(true);
        await store.staff.createMany([newStaff(APP, 'newer@example.com')], [[]], T0 + 6_000);

        const recent = await store.staff.list(APP, { modifiedSince: T0 + 1_000, limit: 10, offset: 0 });
        expect(recent.total).toBe(2);
        expect(byMail(recent.items)).toEqual(['newer@example.com', 'touched@example.com']);

        const newest = await store.staff.list(APP, { modifiedSince: T0 + 5_500, limit: 10, offset: 0 });
        expect(byMail(newest.items)).toEqual(['newer@example.com']);

        expect((await store.staff.list(APP, { modifiedSince: T0 - 1, limit: 10, offset: 0 })).total).toBe(4);
        expect((await store.staff.list(APP, { modifiedSince: T0 + 10_000, limit: 10, offset: 0 })).total).toBe(0);
      });

      it('filters the list by skill group, with paging', async () => {
        const g1 = await group(APP, 'g1');
        const g2 = await group(APP, 'g2');
        await store.staff.createMany(
          [newStaff(APP, 'a@example.com'), newStaff(APP, 'b@example.com'), newStaff(APP, 'c@example.com'), newStaff(APP, 'd@example.com')],
          [
            [{ skillGroupId: g1, priority: 1 }],
            [{ skillGroupId: g2, priority: 1 }],
            [
              { skillGroupId: g1, priority: 2 },
              { skillGroupId: g2, priority: 1 },
            ],
            [],
          ],
          T0,
        );
        const inG1 = await store.staff.list(APP, { skillGroupId: g1, limit: 10, offset: 0 });
        expect(inG1.total).toBe(2);
        expect(byMail(inG1.items)).toEqual(['a@example.com', 'c@example.com']);

        const firstOfG2 = await store.staff.list(APP, { skillGroupId: g2, limit: 1, offset: 0 });
        const secondOfG2 = await store.staff.list(APP, { skillGroupId: g2, limit: 1, offset: 1 });
        expect(firstOfG2.total).toBe(2);
        expect(secondOfG2.total).toBe(2);
        expect(byMail([...firstOfG2.items, ...secondOfG2.items])).toEqual(['b@example.com', 'c@example.com']);

        const combined = await store.staff.list(APP, { skillGroupId: g2, mail: 'C@example.com', limit: 10, offset: 0 });
        expect(combined.total).toBe(1);
        expect(combined.items.map((s) => s.mail)).toEqual(['c@example.com']);

        expect(await store.staff.list(APP, { skillGroupId: g2 + g1 + 1000, limit: 10, offset: 0 })).toEqual({ total: 0, items: [] });
      });

      it('updates only the given fields and the modification time', async () => {
        const original = newStaff(APP, 'a@example.com', { useMobileCallOut: true, useMobileAccept: 1 });
        await store.staff.createMany([original, newStaff(APP, 'b@example.com')], [[], []], T0);
        const before = await store.staff.get(APP, 'a@example.com');
        const untouched = await store.staff.get(APP, 'b@example.com');

        expect(await store.staff.update(APP, 'a@example.com', { nick: 'Ally', phone: '+8613911111111' }, T0 + 100)).toBe(true);
        expect(await store.staff.get(APP, 'a@example.com')).toEqual({ ...before, nick: 'Ally', phone: '+8613911111111', modifiedAt: T0 + 100 });
        expect(await store.staff.get(APP, 'b@example.com')).toEqual(untouched);
      });

      it('updates every patchable field, including falsy values and null', async () => {
        await store.staff.createMany(
          [newStaff(APP, 'a@example.com', { useMobileCallOut: true, useMobileAccept: 2, forwardingConfig: { Enabled: true, Condition: 1 } })],
          [[]],
          T0,
        );
        const patch = {
          name: 'Renamed',
          phone: '',
          nick: 'N',
          staffNumber: '42',
          extensionNumber: '',
          passwordHash: 'new-hash',
          useMobileCallOut: false,
          useMobileAccept: 0,
          forwardingConfig: null,
          forcedOffline: true,
        };
        expect(await store.staff.update(APP, 'a@example.com', patch, T0 + 1)).toBe(true);
        const after = await store.staff.get(APP, 'a@example.com');
        expect(after).toMatchObject({ ...patch, createdAt: T0, modifiedAt: T0 + 1 });
        expect(after?.forwardingConfig).toBeNull();

        const config = { Enabled: false, Condition: 2, Target: { Type: 1, Extension: '9000' } };
        expect(await store.staff.update(APP, 'a@example.com', { forwardingConfig: config, forcedOffline: false }, T0 + 2)).toBe(true);
        const again = await store.staff.get(APP, 'a@example.com');
        expect(again?.forwardingConfig).toEqual(config);
        expect(again?.forcedOffline).toBe(false);
        expect(again?.name).toBe('Renamed');
        expect(again?.modifiedAt).toBe(T0 + 2);
      });

      it('updates case-insensitively and only in the given instance', async () => {
        await store.staff.createMany([newStaff(APP, 'a@example.com')], [[]], T0);
        await store.staff.createMany([newStaff(OTHER_APP, 'a@example.com')], [[]], T0);
        expect(await store.staff.update(APP, 'A@EXAMPLE.COM', { name: 'Upper' }, T0 + 1)).toBe(true);
        expect((await store.staff.get(APP, 'a@example.com'))?.name).toBe('Upper');
        expect(await store.staff.get(OTHER_APP, 'a@example.com')).toMatchObject({ name: 'Name of a@example.com', modifiedAt: T0 });
      });

      it('returns false when updating unknown staff', async () => {
        await store.staff.createMany([newStaff(APP, 'a@example.com')], [[]], T0);
        expect(await store.staff.update(APP, 'nobody@example.com', { name: 'X' }, T0 + 1)).toBe(false);
        expect(await store.staff.update(OTHER_APP, 'a@example.com', { name: 'X' }, T0 + 1)).toBe(false);
        expect(await store.staff.get(OTHER_APP, 'nobody@example.com')).toBeUndefined();
        expect((await store.staff.get(APP, 'a@example.com'))?.name).toBe('Name of a@example.com');
      });

      it('deletes staff and returns only the mails it deleted', async () => {
        await store.staff.createMany(
          [newStaff(APP, 'a@example.com'), newStaff(APP, 'b@example.com'), newStaff(APP, 'c@example.com')],
          [[], [], []],
          T0,
        );
        await store.staff.createMany([newStaff(OTHER_APP, 'b@example.com')], [[]], T0);

        const deleted = await store.staff.delete(APP, ['a@example.com', 'missing@example.com', 'c@example.com']);
        expect(sorted(deleted.map((m) => m.toLowerCase()))).toEqual(['a@example.com', 'c@example.com']);
        expect(await store.staff.get(APP, 'a@example.com')).toBeUndefined();
        expect(await store.staff.get(APP, 'c@example.com')).toBeUndefined();
        expect(await store.staff.get(APP, 'b@example.com')).toBeDefined();

        expect(await store.staff.delete(APP, ['a@example.com'])).toEqual([]);
        expect(await store.staff.delete(APP, [])).toEqual([]);
        expect(await store.staff.delete(OTHER_APP, ['c@example.com'])).toEqual([]);

        expect((await store.staff.delete(OTHER_APP, ['B@example.COM'])).map((m) => m.toLowerCase())).toEqual(['b@example.com']);
        expect(await store.staff.get(OTHER_APP, 'b@example.com')).toBeUndefined();
        expect(await store.staff.get(APP, 'b@example.com')).toBeDefined();
      });

      it('reports memberships ordered by priority, with group details', async () => {
        const sales = await group(APP, 'Sales', T0, 1);
        const support = await group(APP, 'Support', T0, 3);
        const vip = await group(APP, 'VIP', T0, 2);
        await store.staff.createMany(
          [newStaff(APP, 'a@example.com'), newStaff(APP, 'b@example.com'), newStaff(APP, 'none@example.com')],
          [
            [
              { skillGroupId: sales, priority: 3 },
              { skillGroupId: support, priority: 1 },
              { skillGroupId: vip, priority: 2 },
            ],
            [{ skillGroupId: vip, priority: 5 }],
            [],
          ],
          T0,
        );
        const map = await store.staff.memberships(APP, ['a@example.com', 'b@example.com', 'none@example.com']);
        expect(map.get('a@example.com')).toEqual([
          { skillGroupId: support, skillGroupName: 'Support', skillGroupType: 3, priority: 1 },
          { skillGroupId: vip, skillGroupName: 'VIP', skillGroupType: 2, priority: 2 },
          { skillGroupId: sales, skillGroupName: 'Sales', skillGroupType: 1, priority: 3 },
        ]);
        expect(map.get('b@example.com')).toEqual([{ skillGroupId: vip, skillGroupName: 'VIP', skillGroupType: 2, priority: 5 }]);
        expect(map.get('none@example.com') ?? []).toEqual([]);
        expect((await store.staff.memberships(APP, [])).size).toBe(0);
        expect((await store.staff.memberships(OTHER_APP, ['a@example.com'])).get('a@example.com') ?? []).toEqual([]);
      });

      it('binds new groups and re-prioritises existing ones', async () => {
        const g1 = await group(APP, 'g1');
        const g2 = await group(APP, 'g2');
        const g3 = await group(APP, 'g3');
        await store.staff.createMany([newStaff(APP, 'a@example.com')], [[{ skillGroupId: g1, priority: 1 }]], T0);

        await store.staff.bind(APP, 'a@example.com', [{ skillGroupId: g2, priority: 2 }], T0 + 1);
        expect((await membershipsOf(APP, 'a@example.com')).map((m) => [m.skillGroupId, m.priority])).toEqual([
          [g1, 1],
          [g2, 2],
        ]);

        await store.staff.bind(
          APP,
          'a@example.com',
          [
            { skillGroupId: g1, priority: 5 },
            { skillGroupId: g3, priority: 3 },
          ],
          T0 + 2,
        );
        expect((await membershipsOf(APP, 'a@example.com')).map((m) => [m.skillGroupId, m.priority])).toEqual([
          [g2, 2],
          [g3, 3],
          [g1, 5],
        ]);
      });

      it('replaces all memberships with setGroups', async () => {
        const g1 = await group(APP, 'g1');
        const g2 = await group(APP, 'g2');
        const g3 = await group(APP, 'g3');
        await store.staff.createMany(
          [newStaff(APP, 'a@example.com'), newStaff(APP, 'b@example.com')],
          [
            [
              { skillGroupId: g1, priority: 1 },
              { skillGroupId: g2, priority: 2 },
            ],
            [{ skillGroupId: g1, priority: 1 }],
          ],
          T0,
        );
        await store.staff.setGroups(
          APP,
          'a@example.com',
          [
            { skillGroupId: g3, priority: 4 },
            { skillGroupId: g2, priority: 9 },
          ],
          T0 + 1,
        );
        expect((await membershipsOf(APP, 'a@example.com')).map((m) => [m.skillGroupId, m.priority])).toEqual([
          [g3, 4],
          [g2, 9],
        ]);
        expect(groupIds(await membershipsOf(APP, 'b@example.com'))).toEqual([g1]);

        await store.staff.setGroups(APP, 'a@example.com', [], T0 + 2);
        expect(await membershipsOf(APP, 'a@example.com')).toEqual([]);
        expect(groupIds(await membershipsOf(APP, 'b@example.com'))).toEqual([g1]);
      });

      it('unbinds the given groups only', async () => {
        const g1 = await group(APP, 'g1');
        const g2 = await group(APP, 'g2');
        const g3 = await group(APP, 'g3');
        const all = [
          { skillGroupId: g1, priority: 1 },
          { skillGroupId: g2, priority: 2 },
          { skillGroupId: g3, priority: 3 },
        ];
        await store.staff.createMany([newStaff(APP, 'a@example.com'), newStaff(APP, 'b@example.com')], [all, all], T0);
        await store.staff.unbind(APP, 'a@example.com', [g1, g3, g3 + 1000], T0 + 1);
        expect(groupIds(await membershipsOf(APP, 'a@example.com'))).toEqual([g2]);
        expect(groupIds(await membershipsOf(APP, 'b@example.com'))).toEqual([g1, g2, g3]);
        await store.staff.unbind(APP, 'a@example.com', [], T0 + 2);
        expect(groupIds(await membershipsOf(APP, 'a@example.com'))).toEqual([g2]);
      });

      it('finds the mails in a set of groups, without duplicates', async () => {
        const g1 = await group(APP, 'g1');
        const g2 = await group(APP, 'g2');
        const g3 = await group(APP, 'g3');
        await store.staff.createMany(
          [newStaff(APP, 'a@example.com'), newStaff(APP, 'b@example.com'), newStaff(APP, 'c@example.com'), newStaff(APP, 'd@example.com')],
          [
            [{ skillGroupId: g1, priority: 1 }],
            [{ skillGroupId: g2, priority: 1 }],
            [
              { skillGroupId: g1, priority: 1 },
              { skillGroupId: g2, priority: 2 },
            ],
            [],
          ],
          T0,
        );
        expect(sorted(await store.staff.mailsInGroups(APP, [g1]))).toEqual(['a@example.com', 'c@example.com']);
        expect(sorted(await store.staff.mailsInGroups(APP, [g1, g2]))).toEqual(['a@example.com', 'b@example.com', 'c@example.com']);
        expect(await store.staff.mailsInGroups(APP, [g3])).toEqual([]);
        expect(await store.staff.mailsInGroups(APP, [])).toEqual([]);
        expect(await store.staff.mailsInGroups(OTHER_APP, [g1, g2])).toEqual([]);
      });

      it('drops memberships when a skill group is deleted', async () => {
        const g1 = await group(APP, 'g1');
        const g2 = await group(APP, 'g2');
        await store.staff.createMany(
          [newStaff(APP, 'a@example.com'), newStaff(APP, 'b@example.com')],
          [
            [
              { skillGroupId: g1, priority: 1 },
              { skillGroupId: g2, priority: 2 },
            ],
            [{ skillGroupId: g1, priority: 1 }],
          ],
          T0,
        );
        expect(await store.skillGroups.delete(APP, g1)).toBe(true);
        expect(groupIds(await membershipsOf(APP, 'a@example.com'))).toEqual([g2]);
        expect(await membershipsOf(APP, 'b@example.com')).toEqual([]);
        expect(await store.staff.mailsInGroups(APP, [g1])).toEqual([]);
        expect(await store.staff.list(APP, { skillGroupId: g1, limit: 10, offset: 0 })).toEqual({ total: 0, items: [] });
        // The staff themselves survive.
        expect((await store.staff.list(APP, { limit: 10, offset: 0 })).total).toBe(2);
      });

      it('drops memberships when the staff is deleted', async () => {
        const g1 = await group(APP, 'g1');
        await store.staff.createMany(
          [newStaff(APP, 'a@example.com'), newStaff(APP, 'b@example.com')],
          [[{ skillGroupId: g1, priority: 1 }], [{ skillGroupId: g1, priority: 2 }]],
          T0,
        );
        expect(await store.staff.delete(APP, ['a@example.com'])).toHaveLength(1);
        expect(await store.staff.mailsInGroups(APP, [g1])).toEqual(['b@example.com']);
        expect((await store.staff.list(APP, { skillGroupId: g1, limit: 10, offset: 0 })).total).toBe(1);

        // A new staff with the same mail starts without the old memberships.
        expect(await store.staff.createMany([newStaff(APP, 'a@example.com')], [[]], T0 + 1)).toEqual([true]);
        expect(await membershipsOf(APP, 'a@example.com')).toEqual([]);
        expect(await store.staff.mailsInGroups(APP, [g1])).toEqual(['b@example.com']);
      });
    });

    // ------------------------------------------------------------- skill groups
    describe('skillGroups', () => {
      beforeEach(async () => {
        await withInstances(APP, OTHER_APP);
      });

      it('creates and gets a skill group', async () => {
        const id = await store.skillGroups.create({ sdkAppId: APP, name: 'Sales', type: 3, maxConcurrency: 4 }, T0);
        expect(typeof id).toBe('number');
        const got = await store.skillGroups.get(APP, id ?? -1);
        expect(got).toMatchObject({ id, sdkAppId: APP, name: 'Sales', type: 3, maxConcurrency: 4, createdAt: T0, modifiedAt: T0 });
        expect(typeof got?.ringAll).toBe('boolean');
        expect(typeof got?.usingLastSeat).toBe('boolean');
        expect(typeof got?.routePolicy).toBe('string');
        expect(typeof got?.alias).toBe('string');
      });

      it('gives distinct ids and refuses a name taken in the instance', async () => {
        const a = await group(APP, 'Sales');
        const b = await group(APP, 'Support');
        expect(a).not.toBe(b);
        expect(await store.skillGroups.create({ sdkAppId: APP, name: 'Sales', type: 2, maxConcurrency: 9 }, T0 + 1)).toBeUndefined();
        expect(await store.skillGroups.get(APP, a)).toMatchObject({ name: 'Sales', type: 1, maxConcurrency: 1, modifiedAt: T0 });
        expect((await store.skillGroups.list(APP, { limit: 10, offset: 0 })).total).toBe(2);

        const c = await store.skillGroups.create({ sdkAppId: OTHER_APP, name: 'Sales', type: 1, maxConcurrency: 1 }, T0);
        expect(c).toBeDefined();
        expect(c).not.toBe(a);
        expect(c).not.toBe(b);
      });

      it('gets a group only from its own instance', async () => {
        const id = await group(APP, 'Sales');
        expect(await store.skillGroups.get(OTHER_APP, id)).toBeUndefined();
        expect(await store.skillGroups.get(APP, id + 1000)).toBeUndefined();
      });

      it('looks groups up by name', async () => {
        const sales = await group(APP, 'Sales');
        const support = await group(APP, 'Support');
        await group(APP, 'VIP');
        await group(OTHER_APP, 'Sales');
        const found = await store.skillGroups.byNames(APP, ['Support', 'Sales', 'Missing']);
        expect(found.map((g) => g.id).sort((x, y) => x - y)).toEqual([sales, support].sort((x, y) => x - y));
        expect(found.every((g) => g.sdkAppId === APP)).toBe(true);
        expect(await store.skillGroups.byNames(APP, [])).toEqual([]);
        expect(await store.skillGroups.byNames(APP, ['Missing'])).toEqual([]);
      });

      it('lists groups in pages with a total', async () => {
        const ids: number[] = [];
        for (let i = 1; i <= 5; i++) ids.push(await group(APP, `group-${i}`));
        await group(OTHER_APP, 'elsewhere');

        const pages = await Promise.all([0, 2, 4, 6].map((offset) => store.skillGroups.list(APP, { limit: 2, offset })));
        expect(pages.map((p) => p.total)).toEqual([5, 5, 5, 5]);
        expect(pages.map((p) => p.items.length)).toEqual([2, 2, 1, 0]);
        const seen = pages.flatMap((p) => p.items.map((g) => g.id)).sort((x, y) => x - y);
        expect(seen).toEqual([...ids].sort((x, y) => x - y));
        expect(pages.every((p) => p.items.every((g) => g.sdkAppId === APP))).toBe(true);
      });

      it('filters the list by name substring', async () => {
        const east = await group(APP, 'sales-east');
        const pre = await group(APP, 'presales');
        await group(APP, 'support');
        await group(OTHER_APP, 'sales-other');
        const hit = await store.skillGroups.list(APP, { name: 'sales', limit: 10, offset: 0 });
        expect(hit.total).toBe(2);
        expect(hit.items.map((g) => g.id).sort((x, y) => x - y)).toEqual([east, pre].sort((x, y) => x - y));

        const paged = await store.skillGroups.list(APP, { name: 'sales', limit: 1, offset: 1 });
        expect(paged.total).toBe(2);
        expect(paged.items).toHaveLength(1);

        expect((await store.skillGroups.list(APP, { name: 'support', limit: 10, offset: 0 })).total).toBe(1);
        expect(await store.skillGroups.list(APP, { name: 'nothing', limit: 10, offset: 0 })).toEqual({ total: 0, items: [] });
      });

      it('filters the list by id', async () => {
        await group(APP, 'a');
        const b = await group(APP, 'b');
        const other = await group(OTHER_APP, 'c');
        const hit = await store.skillGroups.list(APP, { id: b, limit: 10, offset: 0 });
        expect(hit.total).toBe(1);
        expect(hit.items.map((g) => [g.id, g.name])).toEqual([[b, 'b']]);
        expect(await store.skillGroups.list(APP, { id: other, limit: 10, offset: 0 })).toEqual({ total: 0, items: [] });
        expect(await store.skillGroups.list(APP, { id: b, name: 'zzz', limit: 10, offset: 0 })).toEqual({ total: 0, items: [] });
      });

      it('updates only the given fields', async () => {
        const id = await group(APP, 'Sales', T0, 2, 3);
        const before = await store.skillGroups.get(APP, id);
        expect(await store.skillGroups.update(APP, id, { maxConcurrency: 7 }, T0 + 1)).toBe('ok');
        expect(await store.skillGroups.get(APP, id)).toEqual({ ...before, maxConcurrency: 7, modifiedAt: T0 + 1 });

        expect(await store.skillGroups.update(APP, id, { ringAll: true }, T0 + 2)).toBe('ok');
        expect(await store.skillGroups.get(APP, id)).toEqual({ ...before, maxConcurrency: 7, ringAll: true, modifiedAt: T0 + 2 });

        expect(await store.skillGroups.update(APP, id, { ringAll: false, name: 'Sales 2' }, T0 + 3)).toBe('ok');
        expect(await store.skillGroups.get(APP, id)).toEqual({ ...before, name: 'Sales 2', maxConcurrency: 7, ringAll: false, modifiedAt: T0 + 3 });
        expect((await store.skillGroups.byNames(APP, ['Sales'])).length).toBe(0);
        expect((await store.skillGroups.byNames(APP, ['Sales 2'])).map((g) => g.id)).toEqual([id]);
      });

      it('reports not-found for an unknown group or another instance', async () => {
        const id = await group(APP, 'Sales');
        expect(await store.skillGroups.update(APP, id + 1000, { name: 'x' }, T0 + 1)).toBe('not-found');
        expect(await store.skillGroups.update(OTHER_APP, id, { name: 'x' }, T0 + 1)).toBe('not-found');
        expect(await store.skillGroups.get(APP, id)).toMatchObject({ name: 'Sales', modifiedAt: T0 });
      });

      it('reports name-taken when renaming onto another group, and changes nothing', async () => {
        const sales = await group(APP, 'Sales', T0, 1, 1);
        await group(APP, 'Support');
        await group(OTHER_APP, 'Elsewhere');
        expect(await store.skillGroups.update(APP, sales, { name: 'Support', maxConcurrency: 9 }, T0 + 1)).toBe('name-taken');
        expect(await store.skillGroups.get(APP, sales)).toMatchObject({ name: 'Sales', maxConcurrency: 1, modifiedAt: T0 });
        // Renaming to its own name, or to a name used only in another instance, is fine.
        expect(await store.skillGroups.update(APP, sales, { name: 'Sales' }, T0 + 2)).toBe('ok');
        expect(await store.skillGroups.update(APP, sales, { name: 'Elsewhere' }, T0 + 3)).toBe('ok');
        expect((await store.skillGroups.get(APP, sales))?.name).toBe('Elsewhere');
      });

      it('shows a renamed group in memberships', async () => {
        const id = await group(APP, 'Old');
        await store.staff.createMany([newStaff(APP, 'a@example.com')], [[{ skillGroupId: id, priority: 1 }]], T0);
        expect(await store.skillGroups.update(APP, id, { name: 'New' }, T0 + 1)).toBe('ok');
        expect((await membershipsOf(APP, 'a@example.com')).map((m) => m.skillGroupName)).toEqual(['New']);
      });

      it('deletes a group and reports whether it existed', async () => {
        const a = await group(APP, 'a');
        const b = await group(APP, 'b');
        expect(await store.skillGroups.delete(OTHER_APP, a)).toBe(false);
        expect(await store.skillGroups.get(APP, a)).toBeDefined();
        expect(await store.skillGroups.delete(APP, a)).toBe(true);
        expect(await store.skillGroups.get(APP, a)).toBeUndefined();
        expect(await store.skillGroups.delete(APP, a)).toBe(false);
        expect((await store.skillGroups.list(APP, { limit: 10, offset: 0 })).items.map((g) => g.id)).toEqual([b]);
        // The freed name can be used again.
        expect(await store.skillGroups.create({ sdkAppId: APP, name: 'a', type: 1, maxConcurrency: 1 }, T0 + 1)).toBeDefined();
      });
    });

    // -------------------------------------------------------------- credentials
    describe('credentials', () => {
      it('issues and redeems a credential; firstUse only the first time', async () => {
        const c = credential('h1', { kind: 'login-ticket', onlyOnce: true, mail: 'Agent@Example.com' });
        await store.credentials.issue(c);
        const first = await store.credentials.redeem('login-ticket', 'h1', T0 + 10);
        expect(first?.firstUse).toBe(true);
        expect(first?.credential).toMatchObject({ kind: 'login-ticket', hash: 'h1', sdkAppId: APP, mail: 'Agent@Example.com', onlyOnce: true, expiresAt: c.expiresAt, createdAt: T0 });

        const second = await store.credentials.redeem('login-ticket', 'h1', T0 + 20);
        expect(second?.firstUse).toBe(false);
        expect(second?.credential.usedAt).toBe(T0 + 10);
        const third = await store.credentials.redeem('login-ticket', 'h1', T0 + 30);
        expect(third?.firstUse).toBe(false);
        expect(third?.credential.usedAt).toBe(T0 + 10);
      });

      it('round-trips onlyOnce false', async () => {
        await store.credentials.issue(credential('h2', { onlyOnce: false }));
        expect((await store.credentials.redeem('sdk-token', 'h2', T0))?.credential.onlyOnce).toBe(false);
      });

      it('returns undefined for an unknown hash or another kind', async () => {
        await store.credentials.issue(credential('h1', { kind: 'sdk-token' }));
        expect(await store.credentials.redeem('sdk-token', 'nope', T0)).toBeUndefined();
        expect(await store.credentials.redeem('admin-link', 'h1', T0)).toBeUndefined();
        // Probing another kind does not use up the real one.
        expect((await store.credentials.redeem('sdk-token', 'h1', T0))?.firstUse).toBe(true);
      });

      it('keeps credentials of different kinds with the same hash apart', async () => {
        const kinds: CredentialKind[] = ['sdk-token', 'admin-link', 'login-ticket'];
        for (const kind of kinds) await store.credentials.issue(credential('same', { kind, mail: `${kind}@example.com` }));
        for (const kind of kinds) {
          const r = await store.credentials.redeem(kind, 'same', T0);
          expect(r?.firstUse).toBe(true);
          expect(r?.credential.mail).toBe(`${kind}@example.com`);
        }
      });

      it('gives firstUse to exactly one of 20 concurrent redeems', async () => {
        await store.credentials.issue(credential('race', { kind: 'admin-link', onlyOnce: true }));
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.credentials.redeem('admin-link', 'race', T0 + i)));
        expect(results.every((r) => r !== undefined)).toBe(true);
        expect(results.filter((r) => r?.firstUse === true)).toHaveLength(1);
        expect((await store.credentials.redeem('admin-link', 'race', T0 + 100))?.firstUse).toBe(false);
      });

      it('extends a credential', async () => {
        await store.credentials.issue(credential('h1', { kind: 'login-ticket', expiresAt: T0 + 1_000 }));
        await store.credentials.extend('login-ticket', 'h1', T0 + 10_000);
        expect(await store.credentials.purgeExpired(T0 + 5_000)).toBe(0);
        expect((await store.credentials.redeem('login-ticket', 'h1', T0 + 5_000))?.credential.expiresAt).toBe(T0 + 10_000);
        // Extending an unknown credential is harmless.
        await store.credentials.extend('login-ticket', 'unknown', T0 + 10_000);
        expect(await store.credentials.redeem('login-ticket', 'unknown', T0)).toBeUndefined();
      });

      it('revokes a credential and only that one', async () => {
        await store.credentials.issue(credential('h1'));
        await store.credentials.issue(credential('h2'));
        await store.credentials.issue(credential('h1', { kind: 'admin-link' }));
        await store.credentials.revoke('sdk-token', 'h1');
        expect(await store.credentials.redeem('sdk-token', 'h1', T0)).toBeUndefined();
        expect(await store.credentials.redeem('sdk-token', 'h2', T0)).toBeDefined();
        expect(await store.credentials.redeem('admin-link', 'h1', T0)).toBeDefined();
        await store.credentials.revoke('sdk-token', 'h1');
      });

      it('purges only expired credentials and counts them', async () => {
        await store.credentials.issue(credential('old1', { expiresAt: T0 + 100 }));
        await store.credentials.issue(credential('old2', { kind: 'admin-link', expiresAt: T0 + 200 }));
        await store.credentials.issue(credential('fresh1', { expiresAt: T0 + 10_000 }));
        await store.credentials.issue(credential('fresh2', { kind: 'login-ticket', expiresAt: T0 + 20_000 }));

        expect(await store.credentials.purgeExpired(T0)).toBe(0);
        expect(await store.credentials.purgeExpired(T0 + 1_000)).toBe(2);
        expect(await store.credentials.redeem('sdk-token', 'old1', T0)).toBeUndefined();
        expect(await store.credentials.redeem('admin-link', 'old2', T0)).toBeUndefined();
        expect(await store.credentials.redeem('sdk-token', 'fresh1', T0)).toBeDefined();
        expect(await store.credentials.redeem('login-ticket', 'fresh2', T0)).toBeDefined();
        expect(await store.credentials.purgeExpired(T0 + 1_000)).toBe(0);
        expect(await store.credentials.purgeExpired(T0 + 15_000)).toBe(1);
        expect(await store.credentials.redeem('login-ticket', 'fresh2', T0)).toBeDefined();
      });
    });

    // ----------------------------------------------------------- status history
    describe('statusHistory', () => {
      it('lists the entries of one staff in a closed time window, oldest first', async () => {
        const a = 'agent@example.com';
        await store.statusHistory.append(historyEntry(100, { status: 'free', reason: 'login', sessionId: 's1' }));
        await store.statusHistory.append(historyEntry(200, { status: 'busy', sessionId: 's1' }));
        await store.statusHistory.append(historyEntry(300, { status: 'rest', reason: 'lunch', sessionId: 's1' }));
        await store.statusHistory.append(historyEntry(400, { status: 'offline', sessionId: 's1' }));
        await store.statusHistory.append(historyEntry(250, { mail: 'other@example.com' }));
        await store.statusHistory.append(historyEntry(250, { sdkAppId: OTHER_APP }));

        const all = await store.statusHistory.list(APP, a, 0, 10_000, 0, 100);
        expect(all.map((e) => e.at)).toEqual([100, 200, 300, 400]);
        expect(all[0]).toMatchObject({ sdkAppId: APP, mail: a, status: 'free', reason: 'login', sessionId: 's1', at: 100 });
        expect(all[2]).toMatchObject({ status: 'rest', reason: 'lunch' });

        const window = await store.statusHistory.list(APP, a, 200, 300, 0, 100);
        expect(window.map((e) => e.status)).toEqual(['busy', 'rest']);
        expect((await store.statusHistory.list(APP, a, 201, 299, 0, 100)).map((e) => e.at)).toEqual([]);
        expect((await store.statusHistory.list(APP, a, 401, 10_000, 0, 100)).map((e) => e.at)).toEqual([]);
        expect(await store.statusHistory.list(APP, 'nobody@example.com', 0, 10_000, 0, 100)).toEqual([]);
      });

      it('pages with the cursor and honours the limit', async () => {
        for (let i = 1; i <= 5; i++) await store.statusHistory.append(historyEntry(i * 10, { status: `s${i}` }));
        const mail = 'agent@example.com';

        const p1 = await store.statusHistory.list(APP, mail, 0, 1_000, 0, 2);
        expect(p1.map((e) => e.status)).toEqual(['s1', 's2']);
        const p2 = await store.statusHistory.list(APP, mail, 0, 1_000, p1[p1.length - 1]?.cursor ?? -1, 2);
        expect(p2.map((e) => e.status)).toEqual(['s3', 's4']);
        const p3 = await store.statusHistory.list(APP, mail, 0, 1_000, p2[p2.length - 1]?.cursor ?? -1, 2);
        expect(p3.map((e) => e.status)).toEqual(['s5']);
        const p4 = await store.statusHistory.list(APP, mail, 0, 1_000, p3[p3.length - 1]?.cursor ?? -1, 2);
        expect(p4).toEqual([]);

        const cursors = [...p1, ...p2, ...p3].map((e) => e.cursor);
        expect(new Set(cursors).size).toBe(5);

        // Cursor and window combine.
        const windowed = await store.statusHistory.list(APP, mail, 20, 40, p1[0]?.cursor ?? -1, 10);
        expect(windowed.map((e) => e.status)).toEqual(['s2', 's3', 's4']);
        const windowedPage = await store.statusHistory.list(APP, mail, 20, 40, p1[1]?.cursor ?? -1, 1);
        expect(windowedPage.map((e) => e.status)).toEqual(['s3']);
      });

      it('keeps entries appended in one batch', async () => {
        await Promise.all(Array.from({ length: 10 }, (_, i) => store.statusHistory.append(historyEntry(1_000 + i, { status: `s${i}` }))));
        const all = await store.statusHistory.list(APP, 'agent@example.com', 0, 10_000, 0, 100);
        expect(all).toHaveLength(10);
        expect(new Set(all.map((e) => e.status)).size).toBe(10);
      });
    });

    // ------------------------------------------------------------------ origins
    describe('origins', () => {
      it('adds, lists per instance, ignores duplicates and removes', async () => {
        await withInstances(APP, OTHER_APP);
        expect(await store.origins.list(APP)).toEqual([]);
        expect(await store.origins.add(APP, 'https://crm.example.com', T0)).toBe(true);
        expect(await store.origins.add(APP, 'https://crm.example.com', T0 + 1)).toBe(false);
        expect(await store.origins.add(APP, 'http://localhost:3000', T0 + 2)).toBe(true);
        expect(await store.origins.add(OTHER_APP, '*', T0)).toBe(true);
        expect(await store.origins.list(APP)).toEqual(['https://crm.example.com', 'http://localhost:3000']);
        expect(await store.origins.list(OTHER_APP)).toEqual(['*']);
        expect(await store.origins.remove(APP, 'https://crm.example.com')).toBe(true);
        expect(await store.origins.remove(APP, 'https://crm.example.com')).toBe(false);
        expect(await store.origins.list(APP)).toEqual(['http://localhost:3000']);
      });
    });

    describe('credentials: find', () => {
      it('finds a credential without marking it used', async () => {
        await store.credentials.issue(credential('f1', { kind: 'sdk-token', onlyOnce: true }));
        expect((await store.credentials.find('sdk-token', 'f1'))?.usedAt).toBeNull();
        expect(await store.credentials.find('login-ticket', 'f1')).toBeUndefined();
        expect((await store.credentials.redeem('sdk-token', 'f1', T0 + 5))?.firstUse).toBe(true);
        expect((await store.credentials.find('sdk-token', 'f1'))?.usedAt).toBe(T0 + 5);
      });
    });

    describe('credentials: revokeOthers', () => {
      it('revokes the staff\'s other credentials of that kind only', async () => {
        await store.credentials.issue(credential('keep', { kind: 'login-ticket', mail: 'a@example.com' }));
        await store.credentials.issue(credential('old1', { kind: 'login-ticket', mail: 'A@example.com' }));
        await store.credentials.issue(credential('other-staff', { kind: 'login-ticket', mail: 'b@example.com' }));
        await store.credentials.issue(credential('token', { kind: 'sdk-token', mail: 'a@example.com' }));
        expect(await store.credentials.revokeOthers('login-ticket', APP, 'a@example.com', 'keep')).toBe(1);
        expect(await store.credentials.find('login-ticket', 'keep')).toBeDefined();
        expect(await store.credentials.find('login-ticket', 'old1')).toBeUndefined();
        expect(await store.credentials.find('login-ticket', 'other-staff')).toBeDefined();
        expect(await store.credentials.find('sdk-token', 'token')).toBeDefined();
      });
    });

    describe('credentials: issueExclusive', () => {
      it('issues one and revokes the staff\'s others of that kind; of two at once, the later wins', async () => {
        await store.credentials.issue(credential('old', { kind: 'login-ticket', mail: 'a@example.com' }));
        await store.credentials.issue(credential('tok', { kind: 'sdk-token', mail: 'a@example.com' }));
        await Promise.all([
          store.credentials.issueExclusive(credential('first', { kind: 'login-ticket', mail: 'a@example.com' })),
          store.credentials.issueExclusive(credential('second', { kind: 'login-ticket', mail: 'A@example.com' })),
        ]);
        expect(await store.credentials.find('login-ticket', 'old')).toBeUndefined();
        expect(await store.credentials.find('login-ticket', 'first')).toBeUndefined();
        expect(await store.credentials.find('login-ticket', 'second')).toBeDefined();
        expect(await store.credentials.find('sdk-token', 'tok')).toBeDefined();
      });
    });

    describe('staff: deletion takes credentials along', () => {
      it('revokes every credential of a deleted staff, and only theirs', async () => {
        await withInstances(APP);
        await store.staff.createMany([newStaff(APP, 'gone@example.com'), newStaff(APP, 'stays@example.com')], [[], []], T0);
        await store.credentials.issue(credential('t1', { kind: 'login-ticket', mail: 'Gone@example.com' }));
        await store.credentials.issue(credential('t2', { kind: 'sdk-token', mail: 'gone@example.com' }));
        await store.credentials.issue(credential('t3', { kind: 'login-ticket', mail: 'stays@example.com' }));
        expect(await store.staff.delete(APP, ['gone@example.com'])).toEqual(['gone@example.com']);
        expect(await store.credentials.find('login-ticket', 't1')).toBeUndefined();
        expect(await store.credentials.find('sdk-token', 't2')).toBeUndefined();
        expect(await store.credentials.find('login-ticket', 't3')).toBeDefined();
      });
    });

    describe('staff: instance boundaries', () => {
      it('does not grant a skill group of another instance', async () => {
        await withInstances(APP, OTHER_APP);
        const foreign = await group(OTHER_APP, 'foreign');
        await store.staff.createMany([newStaff(APP, 'agent@example.com')], [[{ skillGroupId: foreign, priority: 1 }]], T0);
        await store.staff.bind(APP, 'agent@example.com', [{ skillGroupId: foreign, priority: 2 }], T0);
        expect(await membershipsOf(APP, 'agent@example.com')).toEqual([]);
      });
    });

    // ---------------------------------------------------------------- numbers
    describe('numbers', () => {
      const HOTLINE = '00864001234567';
      const FLOW = JSON.stringify({ version: 1, start: 'bye', nodes: { bye: { kind: 'hangup' } } });

      it('adds a number once across instances, finds and lists it with its route', async () => {
        await withInstances(APP, OTHER_APP);
        const sales = await group(APP, 'sales');
        expect(await store.numbers.add({ sdkAppId: APP, number: HOTLINE, route: { kind: 'skillGroup', skillGroupId: sales }, state: 'enabled' }, T0)).toBe(true);
        expect(await store.numbers.add({ sdkAppId: APP, number: HOTLINE, route: { kind: 'none' }, state: 'enabled' }, T0)).toBe(false);
        expect(await store.numbers.add({ sdkAppId: OTHER_APP, number: HOTLINE, route: { kind: 'none' }, state: 'enabled' }, T0)).toBe(false);
        expect(await store.numbers.find(HOTLINE)).toEqual({
          sdkAppId: APP,
          number: HOTLINE,
          route: { kind: 'skillGroup', skillGroupId: sales },
          state: 'enabled',
          callOutSkillGroupIds: [],
          createdAt: T0,
          modifiedAt: T0,
        });
        expect(await store.numbers.find('00869999999')).toBeUndefined();
        await store.numbers.add({ sdkAppId: APP, number: '00861088886666', route: { kind: 'ivr', flow: FLOW }, state: 'disabled' }, T0);
        const page = await store.numbers.list(APP, { limit: 1, offset: 0 });
        expect(page.total).toBe(2);
        expect(page.items.map((n) => n.number)).toEqual(['00861088886666']);
        expect(page.items[0]?.route).toEqual({ kind: 'ivr', flow: FLOW });
        expect(page.items[0]?.state).toBe('disabled');
        expect((await store.numbers.list(APP, { limit: 10, offset: 1 })).items.map((n) => n.number)).toEqual([HOTLINE]);
        expect(await store.numbers.list(OTHER_APP, { limit: 10, offset: 0 })).toEqual({ total: 0, items: [] });
      });

      it('changes routes and states only within the instance', async () => {
        await withInstances(APP, OTHER_APP);
        await store.numbers.add({ sdkAppId: APP, number: HOTLINE, route: { kind: 'none' }, state: 'enabled' }, T0);
        expect(await store.numbers.setRoute(OTHER_APP, HOTLINE, { kind: 'ivr', flow: FLOW }, T0 + 1)).toBe(false);
        expect(await store.numbers.setRoute(APP, HOTLINE, { kind: 'ivr', flow: FLOW }, T0 + 2)).toBe(true);
        expect(await store.numbers.find(HOTLINE)).toMatchObject({ route: { kind: 'ivr', flow: FLOW }, modifiedAt: T0 + 2 });
        expect(await store.numbers.setState(OTHER_APP, [HOTLINE], 'disabled', T0 + 3)).toEqual([]);
        expect(await store.numbers.setState(APP, [HOTLINE, '0086000000'], 'disabled', T0 + 4)).toEqual([HOTLINE]);
        expect(await store.numbers.find(HOTLINE)).toMatchObject({ state: 'disabled', modifiedAt: T0 + 4 });
        expect(await store.numbers.remove(OTHER_APP, HOTLINE)).toBe(false);
        expect(await store.numbers.remove(APP, HOTLINE)).toBe(true);
        expect(await store.numbers.find(HOTLINE)).toBeUndefined();
        expect(await store.numbers.remove(APP, HOTLINE)).toBe(false);
      });

      it('binds outbound skill groups of its own instance, in ascending order, and unbinds them', async () => {
        await withInstances(APP, OTHER_APP);
        const a = await group(APP, 'a');
        const b = await group(APP, 'b');
        const foreign = await group(OTHER_APP, 'foreign');
        await store.numbers.add({ sdkAppId: APP, number: HOTLINE, route: { kind: 'none' }, state: 'enabled' }, T0);
        expect(await store.numbers.bindCallOut(APP, HOTLINE, [b, a, foreign, b], T0 + 1)).toBe(true);
        expect((await store.numbers.find(HOTLINE))?.callOutSkillGroupIds).toEqual([a, b].sort((x, y) => x - y));
        expect(await store.numbers.bindCallOut(OTHER_APP, HOTLINE, [foreign], T0)).toBe(false);
        expect(await store.numbers.unbindCallOut(APP, HOTLINE, [a, 999_999], T0 + 2)).toBe(true);
        expect(await store.numbers.find(HOTLINE)).toMatchObject({ callOutSkillGroupIds: [b], modifiedAt: T0 + 2 });
        expect(await store.numbers.unbindCallOut(APP, '0086000000', [b], T0)).toBe(false);
      });

      it('drops a deleted skill group from routes and bindings', async () => {
        await withInstances(APP);
        const sales = await group(APP, 'sales');
        await store.numbers.add({ sdkAppId: APP, number: HOTLINE, route: { kind: 'skillGroup', skillGroupId: sales }, state: 'enabled' }, T0);
        await store.numbers.bindCallOut(APP, HOTLINE, [sales], T0);
        await store.skillGroups.delete(APP, sales);
        expect(await store.numbers.find(HOTLINE)).toMatchObject({ route: { kind: 'none' }, callOutSkillGroupIds: [] });
      });
    });

    // ---------------------------------------------------------------- call records
    describe('callRecords', () => {
      function cdr(sessionId: string, startSeconds: number, caller = '008613800000001', callee = '00864001234567'): TelCdrInfo & { SessionId: string } {
        return { SessionId: sessionId, Caller: caller, Callee: callee, Time: startSeconds, StartTimestamp: startSeconds, Direction: 0, CallType: 2, Duration: 30, EndStatus: 1, EndStatusString: 'ok' };
      }
      const S0 = T0 / 1000;
      const all: CallRecordQuery = { fromSeconds: 0, toSeconds: Number.MAX_SAFE_INTEGER, limit: 100, offset: 0 };

      it('keeps one record per session, the last written, and returns it as written', async () => {
        const record = { ...cdr('s-1', S0), IVRKeyPressedEx: [{ Key: '1', Label: '业务咨询', Timestamp: S0, NodeLabel: '主菜单' }] };
        expect(await store.callRecords.add(APP, { ...cdr('s-1', S0 + 5), EndStatus: 211 })).toBe(true);
        expect(await store.callRecords.add(APP, record)).toBe(false);
        expect(await store.callRecords.list(APP, all)).toEqual({ total: 1, items: [record] });
        expect((await store.callRecords.list(APP, { ...all, fromSeconds: S0 + 1 })).total).toBe(0);
        expect(await store.callRecords.list(OTHER_APP, all)).toEqual({ total: 0, items: [] });
      });

      it('filters by start time (both ends included), phones and session ids, ordered by start time, and pages', async () => {
        await store.callRecords.add(APP, cdr('c', S0 + 20, '008613800000003'));
        await store.callRecords.add(APP, cdr('a', S0));
        await store.callRecords.add(APP, cdr('b', S0 + 10, '00864001234567', '008613800000002'));
        const ids = async (q: Partial<CallRecordQuery>) => (await store.callRecords.list(APP, { ...all, ...q })).items.map((r) => r.SessionId);
        expect(await ids({})).toEqual(['a', 'b', 'c']);
        expect(await ids({ fromSeconds: S0 + 10, toSeconds: S0 + 20 })).toEqual(['b', 'c']);
        expect(await ids({ fromSeconds: S0 + 1, toSeconds: S0 + 19 })).toEqual(['b']);
        expect(await ids({ phones: ['008613800000002', '008613800000003'] })).toEqual(['b', 'c']);
        expect(await ids({ sessionIds: ['c', 'a', 'zz'] })).toEqual(['a', 'c']);
        expect(await ids({ sessionIds: ['a', 'b'], phones: ['008613800000002'] })).toEqual(['b']);
        const page = await store.callRecords.list(APP, { ...all, limit: 2, offset: 2 });
        expect(page.total).toBe(3);
        expect(page.items.map((r) => r.SessionId)).toEqual(['c']);
      });

      it('adds up line minutes by call type (each record rounded up) and distinct agents, over instances and a window spanning days', async () => {
        const DAY = 86_400;
        const seat = (mail: string) => ({ Name: mail, Mail: mail, StaffNumber: '1' });
        const served = (...mails: string[]) => mails.map((Mail, i) => ({ Sequence: i, Mail }));
        // Outbound: the conversation (Duration) counts, not the ringing before it. 61 s is 2 minutes.
        await store.callRecords.add(APP, { ...cdr('out-1', S0), CallType: 1, Duration: 61, EndedTimestamp: S0 + 300, SeatUser: seat('a@example.com'), ServeParticipants: served('a@example.com') });
        await store.callRecords.add(APP, { ...cdr('out-2', S0 + DAY), CallType: 1, Duration: 0, EndedTimestamp: S0 + DAY + 40, ServeParticipants: served('A@example.com') });
        // Inbound phone and VoIP: the whole call, from its start to its end. 60 s is 1 minute, 1 s is 1 minute.
        await store.callRecords.add(APP, { ...cdr('in-1', S0 + 2 * DAY), EndedTimestamp: S0 + 2 * DAY + 60, ServeParticipants: served('b@example.com', 'c@example.com') });
        await store.callRecords.add(APP, { ...cdr('in-2', S0 + 2 * DAY + 5), EndedTimestamp: S0 + 2 * DAY + 6 });
        await store.callRecords.add(APP, { ...cdr('voip-1', S0 + 3 * DAY), CallType: 3, EndedTimestamp: S0 + 3 * DAY + 125, SeatUser: seat('b@example.com') });
        // The same mail in another instance is another seat; records outside the window or of unlisted instances do not count.
        await store.callRecords.add(OTHER_APP, { ...cdr('other-1', S0 + DAY), EndedTimestamp: S0 + DAY + 30, ServeParticipants: served('a@example.com') });
        await store.callRecords.add(APP, { ...cdr('late', S0 + 10 * DAY), EndedTimestamp: S0 + 10 * DAY + 600, ServeParticipants: served('z@example.com') });

        const usage = await store.callRecords.usage([APP, OTHER_APP, APP], S0, S0 + 9 * DAY);
        expect(Object.fromEntries(usage.minutesByCallType)).toEqual({ 1: 2, 2: 3, 3: 3 });
        expect(usage.seats).toBe(4);
        const one = await store.callRecords.usage([APP], S0 + 2 * DAY, S0 + 2 * DAY + 5);
        expect(Object.fromEntries(one.minutesByCallType)).toEqual({ 2: 2 });
        expect(one.seats).toBe(2);
        expect(await store.callRecords.usage([APP], S0 + 20 * DAY, S0 + 30 * DAY)).toEqual({ minutesByCallType: new Map(), seats: 0 });
      });
    });

    // ---------------------------------------------------------------- IVR prompts
    describe('prompts', () => {
      const prompt = (sdkAppId: number, customName: string, fileName: string) => ({
        sdkAppId,
        customName,
        fileName,
        storedFile: `${sdkAppId}/${fileName}`,
        formatTag: 7,
        sampleRate: 8000,
        durationMs: 1500,
        bytes: 12_044,
        createdAt: T0,
      });

      it('adds prompts with increasing ids and lists them per instance, filtered and paged', async () => {
        await withInstances(APP, OTHER_APP);
        const first = await store.prompts.add(prompt(APP, 'welcome', 'welcome.wav'));
        const second = await store.prompts.add(prompt(APP, 'welcome', 'welcome-2.wav'));
        const third = await store.prompts.add(prompt(APP, 'bye', 'bye.wav'));
        await store.prompts.add(prompt(OTHER_APP, 'welcome', 'other.wav'));
        expect(second).toBeGreaterThan(first);
        expect(third).toBeGreaterThan(second);
        const all = await store.prompts.list(APP, { limit: 10, offset: 0 });
        expect(all.total).toBe(3);
        expect(all.items[0]).toEqual({ id: first, ...prompt(APP, 'welcome', 'welcome.wav') });
        const names = async (q: Partial<IvrPromptQuery>) => (await store.prompts.list(APP, { limit: 10, offset: 0, ...q })).items.map((p) => p.fileName);
        expect(await names({ customNames: ['welcome'] })).toEqual(['welcome.wav', 'welcome-2.wav']);
        expect(await names({ fileNames: ['bye.wav', 'other.wav'] })).toEqual(['bye.wav']);
        expect(await names({ ids: [third, first] })).toEqual(['welcome.wav', 'bye.wav']);
        expect(await names({ limit: 1, offset: 1 })).toEqual(['welcome-2.wav']);
      });
    });

    // ------------------------------------------------------------ groupRouting
    describe('groupRouting', () => {
      it('sets, replaces and gets a group\'s settings', async () => {
        await withInstances(APP);
        const sales = await group(APP, 'sales');
        const support = await group(APP, 'support');
        expect(await store.groupRouting.get(APP, sales)).toBeUndefined();
        const settings = { ringTimeoutSeconds: 45, maxWaitSeconds: 300, overflowGroupId: support, whenNoneOnline: 'queue' as const, afterCallWorkSeconds: 20 };
        expect(await store.groupRouting.set(APP, sales, settings, T0)).toBe(true);
        expect(await store.groupRouting.get(APP, sales)).toEqual({ skillGroupId: sales, settings, modifiedAt: T0 });
        expect(await store.groupRouting.set(APP, sales, { overflowGroupId: null }, T0 + 1)).toBe(true);
        expect(await store.groupRouting.get(APP, sales)).toEqual({ skillGroupId: sales, settings: { overflowGroupId: null }, modifiedAt: T0 + 1 });
      });

      it('keeps only the keys given: an undefined one is not stored', async () => {
        await withInstances(APP);
        const sales = await group(APP, 'sales');
        await store.groupRouting.set(APP, sales, { ringTimeoutSeconds: 10, maxWaitSeconds: undefined }, T0);
        const stored = await store.groupRouting.get(APP, sales);
        expect(stored?.settings).toEqual({ ringTimeoutSeconds: 10 });
        expect(Object.keys(stored?.settings ?? {})).toEqual(['ringTimeoutSeconds']);
      });

      it('removes the entry when set to empty settings', async () => {
        await withInstances(APP);
        const sales = await group(APP, 'sales');
        await store.groupRouting.set(APP, sales, { afterCallWorkSeconds: 5 }, T0);
        expect(await store.groupRouting.set(APP, sales, {}, T0 + 1)).toBe(true);
        expect(await store.groupRouting.get(APP, sales)).toBeUndefined();
        expect(await store.groupRouting.list(APP)).toEqual([]);
      });

      it('lists the instance\'s groups with settings, ascending by id', async () => {
        await withInstances(APP, OTHER_APP);
        const a = await group(APP, 'a');
        await group(APP, 'b');
        const c = await group(APP, 'c');
        const other = await group(OTHER_APP, 'a');
        await store.groupRouting.set(APP, c, { whenNoneOnline: 'exit' }, T0 + 2);
        await store.groupRouting.set(APP, a, { maxWaitSeconds: 0 }, T0 + 1);
        await store.groupRouting.set(OTHER_APP, other, { ringTimeoutSeconds: 600 }, T0);
        expect(await store.groupRouting.list(APP)).toEqual([
          { skillGroupId: a, settings: { maxWaitSeconds: 0 }, modifiedAt: T0 + 1 },
          { skillGroupId: c, settings: { whenNoneOnline: 'exit' }, modifiedAt: T0 + 2 },
        ]);
        expect((await store.groupRouting.list(OTHER_APP)).map((r) => r.skillGroupId)).toEqual([other]);
      });

      it('stays within the instance', async () => {
        await withInstances(APP, OTHER_APP);
        const sales = await group(APP, 'sales');
        expect(await store.groupRouting.set(OTHER_APP, sales, { ringTimeoutSeconds: 20 }, T0)).toBe(false);
        expect(await store.groupRouting.set(APP, 987_654, { ringTimeoutSeconds: 20 }, T0)).toBe(false);
        expect(await store.groupRouting.get(APP, sales)).toBeUndefined();
        await store.groupRouting.set(APP, sales, { ringTimeoutSeconds: 20 }, T0);
        expect(await store.groupRouting.get(OTHER_APP, sales)).toBeUndefined();
        expect(await store.groupRouting.list(OTHER_APP)).toEqual([]);
      });

      it('deletes a group\'s settings with the group', async () => {
        await withInstances(APP);
        const sales = await group(APP, 'sales');
        await store.groupRouting.set(APP, sales, { ringTimeoutSeconds: 20 }, T0);
        expect(await store.skillGroups.delete(APP, sales)).toBe(true);
        expect(await store.groupRouting.get(APP, sales)).toBeUndefined();
        expect(await store.groupRouting.list(APP)).toEqual([]);
      });
    });
  });
}
