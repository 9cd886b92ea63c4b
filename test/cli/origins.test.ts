import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, requireBuiltCli, runCli, runJson, tempDir, type InitOutput } from './helpers.js';

let dir: string;
let init: InitOutput;

beforeAll(requireBuiltCli);

beforeEach(async () => {
  dir = join(tempDir('openccc-origins-'), 'data');
  init = await runJson<InitOutput>(['init', '--data', dir]);
});

afterEach(cleanup);

describe('openccc origins', () => {
  it('adds (normalised), lists, ignores duplicates and removes', async () => {
    expect(await runJson(['origins', 'list', '--data', dir, '--json'])).toEqual({ sdkAppId: init.sdkAppId, origins: [] });
    expect(await runJson(['origins', 'add', 'HTTPS://CRM.Example.com:443', '--data', dir, '--json'])).toEqual({
      sdkAppId: init.sdkAppId,
      origin: 'https://crm.example.com',
      result: 'added',
    });
    expect(await runJson(['origins', 'add', 'https://crm.example.com', '--data', dir, '--json'])).toMatchObject({ result: 'unchanged' });
    await runJson(['origins', 'add', 'http://localhost:3000', '--instance', String(init.sdkAppId), '--data', dir, '--json']);
    expect(await runJson(['origins', 'list', '--data', dir, '--json'])).toEqual({ sdkAppId: init.sdkAppId, origins: ['https://crm.example.com', 'http://localhost:3000'] });
    expect(await runJson(['origins', 'remove', 'https://crm.example.com', '--data', dir, '--json'])).toMatchObject({ result: 'removed' });
    const text = await runCli(['origins', 'list', '--data', dir]);
    expect(text.stdout.trim()).toBe('http://localhost:3000');
  });

  it('explains an empty list in words', async () => {
    const text = await runCli(['origins', 'list', '--data', dir]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("only OpenCCC's own origin");
  });

  it.each([['https://crm.example.com/app'], ['crm.example.com'], ['ftp://crm.example.com'], ['https://*.example.com'], ['https://user:pw@crm.example.com']])(
    'refuses %s with a message and changes nothing',
    async (bad) => {
      const result = await runCli(['origins', 'add', bad, '--data', dir]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/is not an origin/);
      expect(await runJson(['origins', 'list', '--data', dir, '--json'])).toMatchObject({ origins: [] });
    },
  );

  it('allows * only when given explicitly, and refuses removing what is not there', async () => {
    expect(await runJson(['origins', 'add', '*', '--data', dir, '--json'])).toMatchObject({ origin: '*', result: 'added' });
    const missing = await runCli(['origins', 'remove', 'https://nope.example.com', '--data', dir]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('is not in the list');
    const unknown = await runCli(['origins', 'list', '--instance', '1499999999', '--data', dir]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No instance 1499999999');
  });
});
