import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInstance } from '../../packages/server/src/bootstrap.js';
import { hashPassword } from '../../packages/server/src/crypto/passwords.js';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { officialClient } from '../../packages/server/src/test-support/sdk-client.js';
import { consoleErrorCode, consoleSignIn, type ConsoleClient } from './support/console-client.js';

let server: TestServer;
let admin: ConsoleClient;

interface KeyView {
  secretId: string;
  kind: string;
  actions: string[];
  status: string;
  lastUsedAt: number | null;
  manageable: boolean;
  reachesOthers: boolean;
}

async function keys(client: ConsoleClient): Promise<KeyView[]> {
  const res = await client.call('/keys');
  expect(res.status).toBe(200);
  return ((await res.json()) as { keys: KeyView[] }).keys;
}

beforeAll(async () => {
  server = await startTestServer();
  admin = await consoleSignIn(server.url, server.adminUser, server.adminPassword);
});
afterAll(async () => {
  await server.close();
});

describe('API keys in the console', () => {
  it('lists the first-run key without its SecretKey, and when it was last used', async () => {
    const before = (await keys(admin)).find((k) => k.secretId === server.secretId);
    expect(before).toMatchObject({ kind: 'main', status: 'enabled', manageable: true, reachesOthers: true });
    await officialClient(server).DescribeStaffInfoList({ SdkAppId: server.sdkAppId, PageNumber: 0, PageSize: 1 });
    const res = await admin.call('/keys');
    const text = await res.text();
    expect(text).not.toContain(server.secretKey);
    const after = (JSON.parse(text) as { keys: KeyView[] }).keys.find((k) => k.secretId === server.secretId);
    expect(after?.lastUsedAt).toBeGreaterThan(0);
  });

  it('creates a sub-account key for this instance whose SecretKey is shown once and works with the official SDK', async () => {
    const res = await admin.call('/keys', { method: 'POST', body: { kind: 'sub', actions: ['Describe*'], description: 'reporting' } });
    expect(res.status).toBe(200);
    const created = (await res.json()) as { secretId: string; secretKey: string };
    expect(created.secretKey).toMatch(/^\w{32}$/);
    const listed = (await keys(admin)).find((k) => k.secretId === created.secretId);
    expect(listed).toMatchObject({ kind: 'sub', actions: ['Describe*'], manageable: true, reachesOthers: false });
    const client = officialClient(server, { secretId: created.secretId, secretKey: created.secretKey });
    await expect(client.DescribeStaffInfoList({ SdkAppId: server.sdkAppId, PageNumber: 0, PageSize: 1 })).resolves.toBeDefined();
    await expect(client.DeleteStaff({ SdkAppId: server.sdkAppId, StaffList: [server.adminUser] })).rejects.toMatchObject({ code: 'AuthFailure.UnauthorizedOperation' });

    expect((await admin.call(`/keys/${created.secretId}/status`, { method: 'PUT', body: { status: 'disabled' } })).status).toBe(200);
    await expect(client.DescribeStaffInfoList({ SdkAppId: server.sdkAppId, PageNumber: 0, PageSize: 1 })).rejects.toMatchObject({ code: expect.stringMatching(/^AuthFailure/) });
    expect((await admin.call(`/keys/${created.secretId}`, { method: 'DELETE' })).status).toBe(204);
    expect((await keys(admin)).some((k) => k.secretId === created.secretId)).toBe(false);
  });

  it('answers bad input with the field at fault', async () => {
    for (const [body, field] of [
      [{ kind: 'root' }, 'kind'],
      [{ kind: 'sub', actions: [] }, 'actions'],
      [{ kind: 'sub', actions: ['Nope Action'] }, 'actions'],
      [{ kind: 'main', description: 'x'.repeat(201) }, 'description'],
    ] as const) {
      const res = await admin.call('/keys', { method: 'POST', body });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { field: string } }).error.field).toBe(field);
    }
  });

  it("keeps keys to their instance: another instance's administrator neither sees nor changes them", async () => {
    const other = await createInstance(server.folder.store, 'other', Date.now());
    const theirs = await consoleSignIn(server.url, other.adminUser, other.adminPassword, other.sdkAppId);
    const mine = (await (await admin.call('/keys', { method: 'POST', body: { kind: 'main' } })).json()) as { secretId: string };
    const seen = await keys(theirs);
    expect(seen.some((k) => k.secretId === mine.secretId)).toBe(false);
    // With two instances, the main-account key from the first run reaches both: shown, not managed.
    expect(seen.find((k) => k.secretId === server.secretId)).toMatchObject({ manageable: false });
    const disable = await theirs.call(`/keys/${server.secretId}/status`, { method: 'PUT', body: { status: 'disabled' } });
    expect(disable.status).toBe(403);
    expect((await theirs.call(`/keys/${mine.secretId}`, { method: 'DELETE' })).status).toBe(404);
    expect((await server.folder.store.apiKeys.get(mine.secretId))?.status).toBe('enabled');
    expect((await server.folder.store.apiKeys.get(server.secretId))?.status).toBe('enabled');
  });

  it('is for administrators only', async () => {
    const now = Date.now();
    await server.folder.store.staff.createMany(
      [{ sdkAppId: server.sdkAppId, mail: 'qa-keys@example.com', name: 'qa', staffNumber: '', phone: '', nick: '', userId: '', role: 2, extensionNumber: '', passwordHash: await hashPassword('Qa-pass-1'), useMobileCallOut: false, useMobileAccept: 0, forwardingConfig: null }],
      [[]],
      now,
    );
    const qa = await consoleSignIn(server.url, 'qa-keys@example.com', 'Qa-pass-1');
    const res = await qa.call('/keys');
    expect(res.status).toBe(403);
    expect(await consoleErrorCode(res)).toBe('forbidden');
    expect((await qa.call('/keys', { method: 'POST', body: { kind: 'main' } })).status).toBe(403);
  });
});

describe('allowed origins in the console', () => {
  it('adds, lists and removes origins, normalised as the CLI does', async () => {
    const add = await admin.call('/origins', { method: 'POST', body: { origin: 'HTTPS://CRM.Example.com:443' } });
    expect(add.status).toBe(200);
    expect(await add.json()).toEqual({ origin: 'https://crm.example.com', added: true });
    const list = (await (await admin.call('/origins')).json()) as { origins: string[]; serverOrigin: string };
    expect(list.origins).toEqual(['https://crm.example.com']);
    expect(list.serverOrigin).toBe(new URL(server.url).origin);
    const bad = await admin.call('/origins', { method: 'POST', body: { origin: 'https://crm.example.com/path' } });
    expect(bad.status).toBe(400);
    expect((await admin.call('/origins', { method: 'DELETE', body: { origin: 'https://crm.example.com' } })).status).toBe(204);
    expect((await admin.call('/origins', { method: 'DELETE', body: { origin: 'https://crm.example.com' } })).status).toBe(404);
  });
});
