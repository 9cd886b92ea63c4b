import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_PASSWORD_HASH } from '../../packages/server/src/crypto/passwords.js';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { postJson } from '../realtime/helpers.js';
import { clientFor, uniq } from './helpers.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

describe('CreateStaff and passwords', () => {
  it('creates 100 staff without hashing any password: none has one until it is set', async () => {
    const client = clientFor(server, 'POST');
    const prefix = uniq('bulk');
    const mails = Array.from({ length: 100 }, (_, i) => `${prefix}-${i}@example.com`);
    // Ten calls of ten rows, the most one call takes.
    for (let call = 0; call < 10; call++) {
      const batch = mails.slice(call * 10, call * 10 + 10);
      const res = await client.CreateStaff({ SdkAppId: server.sdkAppId, Staffs: batch.map((Mail, i) => ({ Mail, Name: `Agent ${i}`, StaffNumber: String(i) })) });
      expect(res.ErrorStaffList ?? []).toEqual([]);
    }
    for (const mail of mails) expect((await server.folder.store.staff.get(server.sdkAppId, mail))?.passwordHash).toBe(NO_PASSWORD_HASH);

    // Such a staff cannot sign in with a password, and the refusal reads like any wrong password.
    const refused = await postJson(server.url, '/workbench/api/login', { mail: mails[0], password: 'any-password-1' });
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ error: { code: 'badCredentials' } });

    // Once set, the password works.
    await client.ModifyStaffPassword({ SdkAppId: server.sdkAppId, Email: mails[1] as string, Password: 'First-Password-1' });
    expect((await postJson(server.url, '/workbench/api/login', { mail: mails[1], password: 'First-Password-1' })).status).toBe(200);
  });
});
