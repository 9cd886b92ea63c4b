import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeStoreContract } from '../test-support/store-contract.js';
import Database from 'better-sqlite3';
import { migrate } from './migrations.js';
import { openSqliteStore } from './sqlite-store.js';
import type { SqliteStore } from './sqlite-store.js';

const APP = 1400000001;
const T0 = 1_700_000_000_000;

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'openccc-store-'));
}

describeStoreContract('sqlite (file)', async () => {
  const dir = tempDir();
  const store = openSqliteStore(path.join(dir, 'openccc.db'));
  return {
    store,
    cleanup: async () => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});

describeStoreContract('sqlite (:memory:)', async () => {
  const store = openSqliteStore(':memory:');
  return { store, cleanup: () => store.close() };
});

describe('sqlite store', () => {
  let dir: string;
  let file: string;
  const open: SqliteStore[] = [];

  function openStore(): SqliteStore {
    const store = openSqliteStore(file);
    open.push(store);
    return store;
  }

  beforeEach(() => {
    dir = tempDir();
    file = path.join(dir, 'openccc.db');
  });

  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps written data across close and reopen', async () => {
    const first = openStore();
    await first.instances.create({ sdkAppId: APP, name: 'Main', createdAt: T0 });
    const sealed = Buffer.from([0, 1, 2, 250, 255, 0]);
    await first.apiKeys.create({ secretId: 'AKID1', secretKeySealed: sealed, policy: { actions: ['Describe*'], sdkAppIds: [APP] }, status: 'enabled', description: 'd', createdAt: T0, requireSignedAction: false, singleUseSignatures: true });
    const groupId = await first.skillGroups.create({ sdkAppId: APP, name: 'Sales', type: 1, maxConcurrency: 2 }, T0);
    expect(groupId).toBeDefined();
    await first.staff.createMany(
      [
        {
          sdkAppId: APP,
          mail: 'a@example.com',
          name: 'A',
          staffNumber: '1',
          phone: '',
          nick: '',
          userId: 'u1',
          role: 3,
          extensionNumber: '',
          passwordHash: 'h',
          useMobileCallOut: false,
          useMobileAccept: 0,
          forwardingConfig: null,
        },
      ],
      [[{ skillGroupId: groupId ?? -1, priority: 2 }]],
      T0,
    );
    await first.credentials.issue({ kind: 'login-ticket', hash: 'th', sdkAppId: APP, mail: 'a@example.com', onlyOnce: true, expiresAt: T0 + 1_000, createdAt: T0, usedAt: null });
    await first.statusHistory.append({ sdkAppId: APP, mail: 'a@example.com', status: 'free', reason: '', sessionId: 's', at: T0 });
    // Queued but not yet committed when close() is called: close must still commit it.
    const late = first.instances.create({ sdkAppId: APP + 1, name: 'Late', createdAt: T0 + 1 });
    await first.close();
    await expect(late).resolves.toBeUndefined();

    const second = openStore();
    expect(await second.instances.get(APP)).toEqual({ sdkAppId: APP, name: 'Main', createdAt: T0 });
    expect(await second.instances.get(APP + 1)).toEqual({ sdkAppId: APP + 1, name: 'Late', createdAt: T0 + 1 });
    const key = await second.apiKeys.get('AKID1');
    expect(Buffer.compare(key?.secretKeySealed ?? Buffer.alloc(0), sealed)).toBe(0);
    expect(key?.policy).toEqual({ actions: ['Describe*'], sdkAppIds: [APP] });
    expect(key).toMatchObject({ requireSignedAction: false, singleUseSignatures: true });
    expect((await second.skillGroups.get(APP, groupId ?? -1))?.name).toBe('Sales');
    expect((await second.staff.get(APP, 'a@example.com'))?.name).toBe('A');
    expect((await second.staff.memberships(APP, ['a@example.com'])).get('a@example.com')?.map((m) => m.skillGroupId)).toEqual([groupId]);
    expect((await second.credentials.redeem('login-ticket', 'th', T0 + 1))?.firstUse).toBe(true);
    expect((await second.statusHistory.list(APP, 'a@example.com', 0, T0 + 1, 0, 10)).map((e) => e.status)).toEqual(['free']);
  });

  it('rejects writes after close', async () => {
    const store = openStore();
    await store.close();
    await expect(store.instances.create({ sdkAppId: APP, name: 'x', createdAt: T0 })).rejects.toThrow(/closed/);
    await store.close();
  });

  it('opens an already-migrated file without migrating again', async () => {
    const first = openStore();
    await first.instances.create({ sdkAppId: APP, name: 'Main', createdAt: T0 });
    await first.close();

    const second = openStore();
    expect(await second.instances.get(APP)).toEqual({ sdkAppId: APP, name: 'Main', createdAt: T0 });
    await second.instances.create({ sdkAppId: APP + 1, name: 'Second', createdAt: T0 });
    await second.close();

    const third = openStore();
    expect((await third.instances.list()).map((i) => i.sdkAppId).sort()).toEqual([APP, APP + 1]);
  });

  it('upgrades keys written before the signature options with both options off', async () => {
    // The schema of a build before the signature options: the first two migrations.
    const old = new Database(file);
    migrate(old, 2);
    old.prepare("INSERT INTO api_keys (secret_id, secret_key_sealed, policy, status, description, created_at) VALUES ('AKIDold', x'00ff', NULL, 'enabled', 'from an older build', ?)").run(T0);
    old.close();
    const store = openStore();
    expect(await store.apiKeys.get('AKIDold')).toMatchObject({ description: 'from an older build', requireSignedAction: false, singleUseSignatures: false });
  });

  it('upgrades a database from before group routing settings: its groups have none, and can get some', async () => {
    // The schema of a build before skill_group_routing: the first six migrations.
    const old = new Database(file);
    migrate(old, 6);
    old.prepare("INSERT INTO instances (sdk_app_id, name, created_at) VALUES (?, 'Main', ?)").run(APP, T0);
    old.prepare("INSERT INTO skill_groups (id, sdk_app_id, name, type, created_at, modified_at) VALUES (7, ?, 'Sales', 0, ?, ?)").run(APP, T0, T0);
    old.close();
    const store = openStore();
    expect(await store.groupRouting.get(APP, 7)).toBeUndefined();
    expect(await store.groupRouting.set(APP, 7, { ringTimeoutSeconds: 15 }, T0 + 1)).toBe(true);
    expect(await store.groupRouting.get(APP, 7)).toEqual({ skillGroupId: 7, settings: { ringTimeoutSeconds: 15 }, modifiedAt: T0 + 1 });
  });

  it('reads back only well-formed routing settings from a row edited by hand', async () => {
    const store = openStore();
    await store.instances.create({ sdkAppId: APP, name: 'Main', createdAt: T0 });
    const id = (await store.skillGroups.create({ sdkAppId: APP, name: 'Sales', type: 0, maxConcurrency: 1 }, T0)) ?? -1;
    const other = (await store.skillGroups.create({ sdkAppId: APP, name: 'Support', type: 0, maxConcurrency: 1 }, T0)) ?? -1;
    await store.close();
    const db = new Database(file);
    const put = db.prepare('INSERT OR REPLACE INTO skill_group_routing (skill_group_id, settings, modified_at) VALUES (?, ?, ?)');
    put.run(id, JSON.stringify({ ringTimeoutSeconds: '45', maxWaitSeconds: -1, afterCallWorkSeconds: 1.5, overflowGroupId: 'x', whenNoneOnline: 'wait', future: 1 }), T0);
    put.run(other, 'not json', T0);
    db.close();
    const reopened = openStore();
    expect((await reopened.groupRouting.get(APP, id))?.settings).toEqual({});
    expect((await reopened.groupRouting.get(APP, other))?.settings).toEqual({});
  });

  describe('group commit', () => {
    it('rejects only the failing write of a batch; the others commit', async () => {
      const store = openStore();
      await store.instances.create({ sdkAppId: APP, name: 'Existing', createdAt: T0 });

      // Same tick: all three land in one group-commit batch.
      const results = await Promise.allSettled([
        store.instances.create({ sdkAppId: APP + 1, name: 'Before', createdAt: T0 }),
        store.instances.create({ sdkAppId: APP, name: 'Duplicate', createdAt: T0 }),
        store.instances.create({ sdkAppId: APP + 2, name: 'After', createdAt: T0 }),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(await store.instances.get(APP)).toEqual({ sdkAppId: APP, name: 'Existing', createdAt: T0 });
      expect((await store.instances.list()).map((i) => i.sdkAppId).sort()).toEqual([APP, APP + 1, APP + 2]);

      await store.close();
      const reopened = openStore();
      expect((await reopened.instances.list()).map((i) => i.sdkAppId).sort()).toEqual([APP, APP + 1, APP + 2]);
    });

    it('rejects a duplicate created in the same batch as the original', async () => {
      const store = openStore();
      const results = await Promise.allSettled([
        store.instances.create({ sdkAppId: APP, name: 'First', createdAt: T0 }),
        store.instances.create({ sdkAppId: APP, name: 'Second', createdAt: T0 }),
        store.instances.create({ sdkAppId: APP + 1, name: 'Other', createdAt: T0 }),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((await store.instances.get(APP))?.name).toBe('First');
      expect((await store.instances.get(APP + 1))?.name).toBe('Other');
    });

    it('rolls back every change of a failing write, not just its last statement', async () => {
      const store = openStore();
      await store.instances.create({ sdkAppId: APP, name: 'Main', createdAt: T0 });
      const staffRow = (mail: string) => ({
        sdkAppId: APP,
        mail,
        name: mail,
        staffNumber: '',
        phone: '',
        nick: '',
        userId: '',
        role: 3,
        extensionNumber: '',
        passwordHash: 'h',
        useMobileCallOut: false,
        useMobileAccept: 0,
        forwardingConfig: null,
      });
      // The first write inserts a staff row, then fails on a second row whose
      // instance does not exist (foreign key).
      const results = await Promise.allSettled([
        store.staff.createMany([staffRow('doomed@example.com'), { ...staffRow('orphan@example.com'), sdkAppId: 1_499_999_998 }], [[], []], T0),
        store.staff.createMany([staffRow('fine@example.com')], [[]], T0),
      ]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
      expect(await store.staff.get(APP, 'doomed@example.com')).toBeUndefined();
      expect(await store.staff.get(APP, 'fine@example.com')).toBeDefined();
    });
  });
});
