import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveServerConfig } from '../../packages/server/src/config/config.js';
import { openDataFolder } from '../../packages/server/src/data-folder.js';
import { createLogger } from '../../packages/server/src/log.js';
import { startServer } from '../../packages/server/src/server.js';
import { officialClient } from '../../packages/server/src/test-support/sdk-client.js';
import { cleanup, requireBuiltCli, runCli, runJson, tempDir, type InitOutput } from './helpers.js';

beforeAll(requireBuiltCli);
afterEach(cleanup);

function dataDir(): string {
  return join(tempDir(), 'data');
}

/** Every file of the SQLite database (the main file and, if present, its WAL and journal). */
function databaseBytes(dir: string): Buffer {
  const files = ['openccc.db', 'openccc.db-wal', 'openccc.db-journal'].map((f) => join(dir, f)).filter((f) => existsSync(f));
  expect(files).toContain(join(dir, 'openccc.db'));
  return Buffer.concat(files.map((f) => readFileSync(f)));
}

describe('openccc init', () => {
  it('prints one JSON object with the first instance, administrator and main key', async () => {
    const dir = dataDir();
    const result = await runCli(['init', '--data', dir, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout) as InitOutput;
    expect(Number.isInteger(out.sdkAppId)).toBe(true);
    expect(out.sdkAppId).toBeGreaterThanOrEqual(1_400_000_000);
    expect(out.sdkAppId).toBeLessThanOrEqual(1_499_999_999);
    expect(out.secretId).toMatch(/^AKID[A-Za-z0-9]{32}$/);
    expect(out.secretId).toHaveLength(36);
    expect(out.secretKey).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(out.adminUser).toBe('admin@openccc.local');
    expect(typeof out.adminPassword).toBe('string');
    expect(out.adminPassword.length).toBeGreaterThanOrEqual(12);
    expect(out.url).toBe('http://127.0.0.1:8080');
    expect(out.dataDir).toBe(dir);
  });

  it('refuses a second init on the same folder without printing secrets', async () => {
    const dir = dataDir();
    const first = await runJson<InitOutput>(['init', '--data', dir]);
    const second = await runCli(['init', '--data', dir, '--json']);
    expect(second.code).not.toBe(0);
    expect(second.stderr).toMatch(/already initialised/);
    expect(second.stdout).toBe('');
    expect(second.stdout + second.stderr).not.toMatch(/AKID|SecretKey|secretKey|adminPassword/);
    // Still exactly one instance and one key: nothing was half-created.
    expect(await runJson<unknown[]>(['instances', 'list', '--data', dir])).toHaveLength(1);
    const keys = await runJson<Array<{ secretId: string }>>(['keys', 'list', '--data', dir]);
    expect(keys.map((k) => k.secretId)).toEqual([first.secretId]);
  });

  it('also refuses a second init in text mode', async () => {
    const dir = dataDir();
    await runJson<InitOutput>(['init', '--data', dir]);
    const second = await runCli(['init', '--data', dir]);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/^openccc: .*already initialised/);
    expect(second.stdout).not.toMatch(/SecretKey|Password/);
  });

  it('creates master.key with mode 0600 in a private data folder', async () => {
    const dir = dataDir();
    await runJson<InitOutput>(['init', '--data', dir]);
    const keyFile = join(dir, 'master.key');
    expect(existsSync(keyFile)).toBe(true);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyFile, 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(dir).mode & 0o077).toBe(0);
  });

  it('stores neither the SecretKey nor the admin password in clear', async () => {
    const dir = dataDir();
    const out = await runJson<InitOutput>(['init', '--data', dir]);
    const created = await runJson<{ secretKey: string }>(['keys', 'create', '--data', dir]);
    const bytes = databaseBytes(dir);
    expect(bytes.includes(out.secretId)).toBe(true); // sanity: the search does find stored strings
    for (const secret of [out.secretKey, out.adminPassword, created.secretKey]) {
      expect(bytes.includes(Buffer.from(secret, 'utf8'))).toBe(false);
      expect(bytes.includes(Buffer.from(secret, 'utf16le'))).toBe(false);
    }
  });

  describe('with OPENCCC_MASTER_KEY', () => {
    const masterKey = randomBytes(32).toString('hex');

    it('writes no master.key and the key opens the secrets in later commands', async () => {
      const dir = dataDir();
      const env = { OPENCCC_MASTER_KEY: masterKey };
      const out = await runJson<InitOutput>(['init', '--data', dir], env);
      expect(existsSync(join(dir, 'master.key'))).toBe(false);
      const created = await runJson<{ secretId: string; secretKey: string }>(['keys', 'create', '--data', dir], env);
      expect(existsSync(join(dir, 'master.key'))).toBe(false);

      // A server given the same master key verifies both keys' signatures, so it can decrypt them.
      const config = resolveServerConfig({ data: dir, host: '127.0.0.1', port: '0' }, env);
      const folder = openDataFolder(config.dataDir, config.masterKey);
      const server = await startServer({ config, store: folder.store, box: folder.box, log: createLogger('silent') });
      try {
        for (const key of [out, created]) {
          const client = officialClient({ port: server.port, secretId: key.secretId, secretKey: key.secretKey });
          const list = await client.DescribeStaffInfoList({ SdkAppId: out.sdkAppId, PageSize: 10, PageNumber: 0 });
          expect(list.StaffList?.map((s) => s.Mail)).toEqual(['admin@openccc.local']);
        }
      } finally {
        await server.close();
      }
      expect(existsSync(join(dir, 'master.key'))).toBe(false);
    });

    it('rejects a malformed master key with a message', async () => {
      const result = await runCli(['init', '--data', dataDir(), '--json'], { OPENCCC_MASTER_KEY: 'abc' });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/master key must be 32 bytes/);
      expect(result.stdout).toBe('');
    });

    it('reports a malformed master key as a one-line message, not a stack trace', async () => {
      const result = await runCli(['init', '--data', dataDir()], { OPENCCC_MASTER_KEY: 'abc' });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe('openccc: OPENCCC_MASTER_KEY: The master key must be 32 bytes, given as 64 hex characters or base64.\n');
    });
  });
});

describe('openccc usage', () => {
  it.each([['--help'], ['-h'], []])('%s prints usage and exits 0', async (...args: string[]) => {
    const result = await runCli(args);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: openccc <command> \[options\]/);
    for (const command of ['init', 'start', 'keys', 'instances', 'staff']) expect(result.stdout).toContain(`  ${command} `);
    expect(result.stderr).toBe('');
  });

  it('init --help prints usage and initialises nothing', async () => {
    const dir = dataDir();
    const result = await runCli(['init', '--help', '--data', dir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: openccc/);
    expect(existsSync(dir)).toBe(false);
  });

  it('rejects an unknown command with a message and the usage', async () => {
    const result = await runCli(['frobnicate']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^openccc: Unknown command "frobnicate"/);
    expect(result.stderr).toContain('Usage: openccc');
    expect(result.stdout).toBe('');
  });

  it('rejects an unknown flag with a message and no stack trace', async () => {
    const dir = dataDir();
    const result = await runCli(['init', '--data', dir, '--frobnicate']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^openccc: Unknown option '--frobnicate'/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(dir)).toBe(false);
  });

  it('rejects a string flag without its value', async () => {
    const result = await runCli(['init', '--data']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^openccc: .*--data/);
  });
});
