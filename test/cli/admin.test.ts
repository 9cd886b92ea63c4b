import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../packages/server/src/crypto/passwords.js';
import { openSqliteStore } from '../../packages/server/src/store/sqlite/sqlite-store.js';
import { cleanup, requireBuiltCli, runCli, runJson, tempDir, type InitOutput } from './helpers.js';

interface CreatedInstanceJson {
  sdkAppId: number;
  adminUser: string;
  adminPassword: string;
}

interface InstanceRow {
  sdkAppId: number;
  name: string;
  created: string;
}

interface StaffRow {
  mail: string;
  name: string;
  role: number;
  staffNumber: string;
}

const ADMIN = 'admin@openccc.local';

let dir: string;
let init: InitOutput;

beforeAll(requireBuiltCli);

beforeEach(async () => {
  dir = join(tempDir('openccc-admin-'), 'data');
  init = await runJson<InitOutput>(['init', '--data', dir]);
});

afterEach(cleanup);

const cli = (...args: string[]) => runCli([...args, '--data', dir]);
const json = <T>(...args: string[]) => runJson<T>([...args, '--data', dir]);

/** The stored password hash of `mail`, read straight from the data folder's database. */
async function storedHash(sdkAppId: number, mail: string): Promise<string> {
  const store = openSqliteStore(join(dir, 'openccc.db'));
  try {
    const staff = await store.staff.get(sdkAppId, mail);
    if (!staff) throw new Error(`no staff ${mail} in ${sdkAppId}`);
    return staff.passwordHash;
  } finally {
    await store.close();
  }
}

describe('openccc instances', () => {
  it('creates an instance with its own administrator', async () => {
    const created = await json<CreatedInstanceJson>('instances', 'create', '--name', 'Sales');
    expect(Number.isInteger(created.sdkAppId)).toBe(true);
    expect(created.sdkAppId).toBeGreaterThanOrEqual(1_400_000_000);
    expect(created.sdkAppId).toBeLessThanOrEqual(1_499_999_999);
    expect(created.sdkAppId).not.toBe(init.sdkAppId);
    expect(created.adminUser).toBe(ADMIN);
    expect(created.adminPassword).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(created.adminPassword).not.toBe(init.adminPassword);
    expect(await verifyPassword(created.adminPassword, await storedHash(created.sdkAppId, ADMIN))).toBe(true);
  });

  it('lists instances in creation order', async () => {
    const sales = await json<CreatedInstanceJson>('instances', 'create', '--name', 'Sales');
    const unnamed = await json<CreatedInstanceJson>('instances', 'create');
    const rows = await json<InstanceRow[]>('instances', 'list');
    expect(rows.map((r) => [r.sdkAppId, r.name])).toEqual([
      [init.sdkAppId, 'default'],
      [sales.sdkAppId, 'Sales'],
      [unnamed.sdkAppId, 'instance'],
    ]);
    for (const row of rows) expect(new Date(row.created).toISOString()).toBe(row.created);
    const text = await cli('instances', 'list');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^sdkAppId\s+name\s+created\n/);
    expect(text.stdout).toContain(String(sales.sdkAppId));
  });

  it('prints the new password once in text mode', async () => {
    const result = await cli('instances', 'create');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^SdkAppId: \d{10}\nAdministrator: admin@openccc\.local\nPassword: [A-Za-z0-9]{16}\n/);
  });

  it('rejects an unknown subcommand', async () => {
    const result = await cli('instances', 'delete');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^openccc: Usage: openccc instances create/);
  });
});

describe('openccc staff', () => {
  it('lists the staff of the first instance, or of --instance', async () => {
    expect(await json<StaffRow[]>('staff', 'list')).toEqual([{ mail: ADMIN, name: 'Administrator', role: 1, staffNumber: '0' }]);
    const other = await json<CreatedInstanceJson>('instances', 'create');
    expect(await json<StaffRow[]>('staff', 'list', '--instance', String(other.sdkAppId))).toEqual([
      { mail: ADMIN, name: 'Administrator', role: 1, staffNumber: '0' },
    ]);
  });

  it('reset-password prints a new password that verifies against the stored hash', async () => {
    expect(await verifyPassword(init.adminPassword, await storedHash(init.sdkAppId, ADMIN))).toBe(true);
    const out = await json<{ sdkAppId: number; mail: string; password: string }>('staff', 'reset-password', ADMIN);
    expect(out.sdkAppId).toBe(init.sdkAppId);
    expect(out.mail).toBe(ADMIN);
    expect(out.password).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(out.password).not.toBe(init.adminPassword);
    const hash = await storedHash(init.sdkAppId, ADMIN);
    expect(await verifyPassword(out.password, hash)).toBe(true);
    expect(await verifyPassword(init.adminPassword, hash)).toBe(false);
  });

  it('reset-password matches the mail case-insensitively', async () => {
    const out = await json<{ mail: string; password: string }>('staff', 'reset-password', ADMIN.toUpperCase());
    expect(out.mail).toBe(ADMIN);
    expect(await verifyPassword(out.password, await storedHash(init.sdkAppId, ADMIN))).toBe(true);
  });

  it('reset-password --password sets the given password and prints none', async () => {
    const chosen = 'Correct-Horse-9';
    const result = await cli('staff', 'reset-password', ADMIN, '--password', chosen, '--json');
    expect(result.code, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(out).toEqual({ sdkAppId: init.sdkAppId, mail: ADMIN });
    expect(result.stdout).not.toContain(chosen);
    expect(await verifyPassword(chosen, await storedHash(init.sdkAppId, ADMIN))).toBe(true);

    const text = await cli('staff', 'reset-password', ADMIN, '--password', 'Another-Pass-7');
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(`Password of ${ADMIN} changed.\n`);
  });

  it('reset-password acts on --instance only', async () => {
    const other = await json<CreatedInstanceJson>('instances', 'create');
    const out = await json<{ sdkAppId: number; password: string }>('staff', 'reset-password', ADMIN, '--instance', String(other.sdkAppId));
    expect(out.sdkAppId).toBe(other.sdkAppId);
    expect(await verifyPassword(out.password, await storedHash(other.sdkAppId, ADMIN))).toBe(true);
    expect(await verifyPassword(init.adminPassword, await storedHash(init.sdkAppId, ADMIN))).toBe(true);
  });

  describe('errors exit 1 with a message and change nothing', () => {
    const cases: Array<[string, () => string[], RegExp]> = [
      ['an unknown --instance (list)', () => ['staff', 'list', '--instance', '1234'], /No instance 1234 in this data folder \(instances: \d+\)/],
      ['an unknown --instance (reset-password)', () => ['staff', 'reset-password', ADMIN, '--instance', '1234'], /No instance 1234/],
      ['an unknown mail', () => ['staff', 'reset-password', 'nobody@example.com'], /No staff nobody@example\.com in instance \d+/],
      ['a missing mail', () => ['staff', 'reset-password'], /Usage: openccc staff reset-password <mail>/],
      ['a short --password', () => ['staff', 'reset-password', ADMIN, '--password', 'short'], /--password must be at least 8 characters/],
      ['an unknown subcommand', () => ['staff', 'fire', ADMIN], /Usage: openccc staff list/],
    ];

    it.each(cases)('%s', async (_name, args, message) => {
      const result = await cli(...args(), '--json');
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^openccc: /);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(result.stdout).toBe('');
      expect(await verifyPassword(init.adminPassword, await storedHash(init.sdkAppId, ADMIN))).toBe(true);
    });
  });

  it('says to run init first in an empty data folder', async () => {
    const empty = join(tempDir('openccc-admin-'), 'empty');
    const result = await runCli(['staff', 'list', '--data', empty]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no instance yet; run `openccc init` first/);
  });
});
