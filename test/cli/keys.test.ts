import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resolveServerConfig } from '../../packages/server/src/config/config.js';
import { openDataFolder } from '../../packages/server/src/data-folder.js';
import { createLogger } from '../../packages/server/src/log.js';
import { startServer, type RunningServer } from '../../packages/server/src/server.js';
import { officialClient } from '../../packages/server/src/test-support/sdk-client.js';
import { buildSignedRequest } from '../cloudapi-raw/signed-fetch.js';
import { cleanup, requireBuiltCli, runCli, runJson, tempDir, type InitOutput } from './helpers.js';

interface CreatedKeyJson {
  secretId: string;
  secretKey: string;
  kind: 'main' | 'sub';
  policy: { actions: string[]; sdkAppIds: number[] | null } | null;
}

interface KeyRow {
  secretId: string;
  kind: string;
  status: string;
  actions: string;
  instances: string;
  requireSignedAction: boolean;
  singleUseSignatures: boolean;
  created: string;
  description: string;
}

const SUB_ACTIONS = 'Describe*,CreateSDKLoginToken';

let dir: string;
let init: InitOutput;
let server: RunningServer | null = null;

beforeAll(requireBuiltCli);

beforeEach(async () => {
  dir = join(tempDir('openccc-keys-'), 'data');
  init = await runJson<InitOutput>(['init', '--data', dir]);
});

afterEach(async () => {
  await server?.close();
  server = null;
  await cleanup();
});

const keys = (...args: string[]) => runCli(['keys', ...args, '--data', dir]);
const keysJson = <T>(...args: string[]) => runJson<T>(['keys', ...args, '--data', dir]);
const createSub = () => keysJson<CreatedKeyJson>('create', '--sub', '--actions', SUB_ACTIONS, '--instances', String(init.sdkAppId));
const list = () => keysJson<KeyRow[]>('list');

describe('openccc keys', () => {
  it('creates a main-account key', async () => {
    const key = await keysJson<CreatedKeyJson>('create', '--description', 'backend');
    expect(key.secretId).toMatch(/^AKID[A-Za-z0-9]{32}$/);
    expect(key.secretKey).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(key.kind).toBe('main');
    expect(key.policy).toBeNull();
    expect(key.secretId).not.toBe(init.secretId);
  });

  it('creates a sub-account key limited to actions and instances', async () => {
    const key = await createSub();
    expect(key.secretId).toMatch(/^AKID[A-Za-z0-9]{32}$/);
    expect(key.secretKey).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(key.kind).toBe('sub');
    expect(key.policy).toEqual({ actions: ['Describe*', 'CreateSDKLoginToken'], sdkAppIds: [init.sdkAppId] });
  });

  it('lists every key without its SecretKey', async () => {
    const main = await keysJson<CreatedKeyJson>('create', '--description', 'backend');
    const sub = await createSub();
    const result = await keys('list', '--json');
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.stdout) as KeyRow[];
    expect(rows.map((r) => r.secretId).sort()).toEqual([init.secretId, main.secretId, sub.secretId].sort());
    expect(rows.find((r) => r.secretId === main.secretId)).toMatchObject({ kind: 'main', status: 'enabled', actions: '*', instances: '*', description: 'backend' });
    expect(rows.find((r) => r.secretId === sub.secretId)).toMatchObject({ kind: 'sub', status: 'enabled', actions: SUB_ACTIONS, instances: String(init.sdkAppId) });
    for (const row of rows) {
      expect(Object.keys(row)).not.toContain('secretKey');
      expect(new Date(row.created).toISOString()).toBe(row.created);
    }
    const text = await keys('list');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(sub.secretId);
    for (const secret of [init.secretKey, main.secretKey, sub.secretKey]) {
      expect(result.stdout).not.toContain(secret);
      expect(text.stdout).not.toContain(secret);
    }
  });

  it('disables, enables and deletes a key', async () => {
    const key = await createSub();
    const status = async () => (await list()).find((r) => r.secretId === key.secretId)?.status;

    expect(await keysJson('disable', key.secretId)).toEqual({ secretId: key.secretId, result: 'disabled' });
    expect(await status()).toBe('disabled');
    expect(await keysJson('enable', key.secretId)).toEqual({ secretId: key.secretId, result: 'enabled' });
    expect(await status()).toBe('enabled');
    const text = await keys('disable', key.secretId);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`${key.secretId} disabled`);
    expect(await keysJson('delete', key.secretId)).toEqual({ secretId: key.secretId, result: 'deleted' });
    expect((await list()).map((r) => r.secretId)).toEqual([init.secretId]);
  });

  it('creates keys with the signature options off unless asked, and shows them in the list', async () => {
    const plain = await keysJson<CreatedKeyJson & KeyRow>('create');
    expect(plain).toMatchObject({ requireSignedAction: false, singleUseSignatures: false });
    const strict = await keysJson<CreatedKeyJson & KeyRow>('create', '--require-signed-action', 'on', '--single-use-signatures', 'on');
    expect(strict).toMatchObject({ kind: 'main', requireSignedAction: true, singleUseSignatures: true });
    const sub = await keysJson<CreatedKeyJson & KeyRow>('create', '--sub', '--actions', 'Describe*', '--single-use-signatures', 'on');
    expect(sub).toMatchObject({ kind: 'sub', requireSignedAction: false, singleUseSignatures: true });

    const rows = await list();
    expect(rows.find((r) => r.secretId === init.secretId)).toMatchObject({ requireSignedAction: false, singleUseSignatures: false });
    expect(rows.find((r) => r.secretId === strict.secretId)).toMatchObject({ requireSignedAction: true, singleUseSignatures: true });
    expect(rows.find((r) => r.secretId === sub.secretId)).toMatchObject({ requireSignedAction: false, singleUseSignatures: true });

    const text = await keys('list');
    expect(text.code).toBe(0);
    const [head, ...lines] = text.stdout.trimEnd().split('\n');
    expect(head).toMatch(/requireSignedAction\s+singleUseSignatures/);
    expect(lines.find((l) => l.startsWith(strict.secretId))).toMatch(/\son\s+on\s/);
    expect(lines.find((l) => l.startsWith(plain.secretId))).toMatch(/\soff\s+off\s/);
    const created = await keys('create', '--single-use-signatures', 'on');
    expect(created.stdout).toContain('Each signature is accepted once.');
  });

  it('updates the signature options of an existing key, one at a time or both', async () => {
    const key = await createSub();
    const row = async () => (await list()).find((r) => r.secretId === key.secretId);
    expect(await keysJson('update', key.secretId, '--single-use-signatures', 'on')).toEqual({
      secretId: key.secretId,
      requireSignedAction: false,
      singleUseSignatures: true,
    });
    expect(await keysJson('update', key.secretId, '--require-signed-action', 'on')).toMatchObject({ requireSignedAction: true, singleUseSignatures: true });
    expect(await row()).toMatchObject({ requireSignedAction: true, singleUseSignatures: true, kind: 'sub', actions: SUB_ACTIONS });
    const text = await keys('update', key.secretId, '--require-signed-action', 'off', '--single-use-signatures', 'off');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`${key.secretId}: require-signed-action off, single-use-signatures off`);
  });

  describe('errors exit 1 with a message on stderr and change nothing', () => {
    const cases: Array<[string, () => string[], RegExp]> = [
      ['disable of an unknown id', () => ['disable', 'AKIDnope'], /No key AKIDnope/],
      ['enable of an unknown id', () => ['enable', 'AKIDnope'], /No key AKIDnope/],
      ['delete of an unknown id', () => ['delete', 'AKIDnope'], /No key AKIDnope/],
      ['disable without an id', () => ['disable'], /Usage: openccc keys disable <SecretId>/],
      ['an unknown subcommand', () => ['rotate'], /Usage: openccc keys create/],
      ['--sub without --actions', () => ['create', '--sub'], /needs --actions/],
      ['--sub with an empty --actions', () => ['create', '--sub', '--actions', ' , '], /needs --actions/],
      ['a bad action pattern', () => ['create', '--sub', '--actions', 'Describe*,drop table'], /"drop table" is not an action name or pattern/],
      ['a wildcard inside an action', () => ['create', '--sub', '--actions', 'Desc*ribe'], /"Desc\*ribe" is not an action name or pattern/],
      ['an unknown instance id', () => ['create', '--sub', '--actions', 'Describe*', '--instances', String(otherAppId())], /No instance \d+ in this data folder/],
      ['a non-numeric instance id', () => ['create', '--sub', '--actions', 'Describe*', '--instances', 'abc'], /"abc" is not one/],
      ['--actions without --sub', () => ['create', '--actions', 'Describe*'], /add --sub/],
      ['an empty --instances (must not mean every instance)', () => ['create', '--sub', '--actions', 'Describe*', '--instances', ''], /--instances needs at least one SdkAppId/],
      ['a signature option that is not on or off', () => ['create', '--single-use-signatures', 'maybe'], /--single-use-signatures must be on or off, not "maybe"/],
      ['update of an unknown id', () => ['update', 'AKIDnope', '--single-use-signatures', 'on'], /No key AKIDnope/],
      ['update without an option', () => ['update', 'AKIDnope'], /Usage: openccc keys update <SecretId>/],
      ['update with a bad value', () => ['update', 'AKIDnope', '--require-signed-action', 'yes please'], /--require-signed-action must be on or off/],
    ];

    it.each(cases)('%s', async (_name, args, message) => {
      const result = await keys(...args(), '--json');
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^openccc: /);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(result.stdout).toBe('');
      expect((await list()).map((r) => r.secretId)).toEqual([init.secretId]);
    });
  });
});

/** Sends a request built once, byte for byte. */
async function sendBuilt(port: number, request: ReturnType<typeof buildSignedRequest>): Promise<{ Response: { Error?: { Code: string } } }> {
  const { host: _host, ...headers } = request.headers;
  const res = await fetch(`http://127.0.0.1:${port}${request.path}`, { method: request.method, headers, body: request.body });
  return (await res.json()) as { Response: { Error?: { Code: string } } };
}

function otherAppId(): number {
  return init.sdkAppId === 1_499_999_999 ? 1_400_000_000 : 1_499_999_999;
}

describe('keys and a running server', () => {
  async function start(): Promise<RunningServer> {
    const config = resolveServerConfig({ data: dir, port: '0', host: '127.0.0.1' }, {});
    const folder = openDataFolder(config.dataDir, config.masterKey);
    server = await startServer({ config, store: folder.store, box: folder.box, log: createLogger('silent') });
    return server;
  }

  const describeStaff = (client: ReturnType<typeof officialClient>, sdkAppId = init.sdkAppId) =>
    client.DescribeStaffInfoList({ SdkAppId: sdkAppId, PageSize: 10, PageNumber: 0 });

  it('a sub key may call only its actions on its instances', async () => {
    const key = await createSub();
    const { port } = await start();
    const client = officialClient({ port, secretId: key.secretId, secretKey: key.secretKey });

    const staff = await describeStaff(client);
    expect(staff.TotalCount).toBe(1);
    const token = await client.CreateSDKLoginToken({ SdkAppId: init.sdkAppId, SeatUserId: init.adminUser });
    expect(token.Token).toMatch(/^[0-9a-f]{32}$/);
    await expect(
      client.CreateStaff({ SdkAppId: init.sdkAppId, Staffs: [{ Name: 'Ann', Mail: 'ann@example.com', StaffNumber: '7' }] }),
    ).rejects.toMatchObject({ code: 'AuthFailure.UnauthorizedOperation' });

    // An instance created by the CLI while the server runs is outside the key's --instances.
    const other = await runJson<{ sdkAppId: number }>(['instances', 'create', '--data', dir]);
    await expect(describeStaff(client, other.sdkAppId)).rejects.toMatchObject({ code: 'AuthFailure.UnauthorizedOperation' });

    // The init key (main account) may do both.
    const main = officialClient({ port, secretId: init.secretId, secretKey: init.secretKey });
    expect((await describeStaff(main, other.sdkAppId)).TotalCount).toBe(1);
    const created = await main.CreateStaff({ SdkAppId: init.sdkAppId, Staffs: [{ Name: 'Ann', Mail: 'ann@example.com', StaffNumber: '7' }] });
    expect(created.ErrorStaffList).toEqual([]);
  });

  it('disable, enable and delete apply to the next request without a restart', async () => {
    const key = await createSub();
    const { port } = await start();
    const client = officialClient({ port, secretId: key.secretId, secretKey: key.secretKey });
    expect((await describeStaff(client)).TotalCount).toBe(1);

    expect((await keys('disable', key.secretId)).code).toBe(0);
    await expect(describeStaff(client)).rejects.toMatchObject({ code: 'AuthFailure.SecretIdNotFound' });
    // Other keys are unaffected.
    const main = officialClient({ port, secretId: init.secretId, secretKey: init.secretKey });
    expect((await describeStaff(main)).TotalCount).toBe(1);

    expect((await keys('enable', key.secretId)).code).toBe(0);
    expect((await describeStaff(client)).TotalCount).toBe(1);

    expect((await keys('delete', key.secretId)).code).toBe(0);
    await expect(describeStaff(client)).rejects.toMatchObject({ code: 'AuthFailure.SecretIdNotFound' });
  });

  it('single-use signatures, switched on while the server runs, refuse a repeated request from the next request on', async () => {
    const { port } = await start();
    const key = await keysJson<CreatedKeyJson>('create');
    const body = JSON.stringify({ SdkAppId: init.sdkAppId, PageSize: 10, PageNumber: 0 });
    const request = buildSignedRequest({ port, ...key }, { action: 'DescribeStaffInfoList', body });
    const send = () => sendBuilt(port, request);
    expect((await send()).Response.Error).toBeUndefined();
    expect((await send()).Response.Error).toBeUndefined();
    expect((await keys('update', key.secretId, '--single-use-signatures', 'on')).code).toBe(0);
    expect((await send()).Response.Error?.Code).toBe('AuthFailure.SignatureFailure');
    expect((await keys('update', key.secretId, '--single-use-signatures', 'off')).code).toBe(0);
    expect((await send()).Response.Error).toBeUndefined();
  });

  it('a key created while the server runs works at once', async () => {
    const { port } = await start();
    const key = await keysJson<CreatedKeyJson>('create');
    const client = officialClient({ port, secretId: key.secretId, secretKey: key.secretKey });
    expect((await describeStaff(client)).TotalCount).toBe(1);
    // A wrong SecretKey for a known SecretId is a signature failure, not a lookup failure.
    const forged = officialClient({ port, secretId: key.secretId, secretKey: init.secretKey });
    await expect(describeStaff(forged)).rejects.toMatchObject({ code: 'AuthFailure.SignatureFailure' });
  });
});
