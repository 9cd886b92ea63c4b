import type { LoginSuccess } from '@openccc/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createInstance } from '../../packages/server/src/bootstrap.js';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { officialClient, type CccClient } from '../../packages/server/src/test-support/sdk-client.js';
import { createAgent, credentialRows, expectRefusal, mintToken, postJson, sha256Hex, tokenLogin, uniqMail } from './helpers.js';

const HOST_PAGE = 'http://localhost:5555';

// The server clock runs `offset` ms ahead of the real one; tests move it instead of sleeping.
let offset = 0;
let server: TestServer;
let client: CccClient;

beforeAll(async () => {
  server = await startTestServer({ clock: () => Date.now() + offset });
  client = officialClient(server);
});

afterEach(() => {
  offset = 0;
});

afterAll(async () => {
  await server?.close();
});

describe('POST /sdk/v1/login', () => {
  it('exchanges a token for a 64-hex ticket and stores only its SHA-256', async () => {
    const mail = await createAgent(client, server.sdkAppId, uniqMail('ok'), 'Token Agent');
    const token = await mintToken(client, server.sdkAppId, mail);
    const before = Date.now();
    const res = await tokenLogin(server.url, { sdkAppId: server.sdkAppId, userId: mail, token });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = res.body as LoginSuccess;
    expect(body.ticket).toMatch(/^[0-9a-f]{64}$/);
    // The default ticket lifetime is 12 hours.
    expect(body.expiresAt).toBeGreaterThanOrEqual(before + 43_200_000);
    expect(body.expiresAt).toBeLessThanOrEqual(Date.now() + 43_200_000);
    expect(body.staff).toEqual({ sdkAppId: server.sdkAppId, mail, name: 'Token Agent', nick: expect.any(String), staffNumber: expect.any(String), role: expect.any(Number) });

    const rows = credentialRows(server.dataDir);
    const tickets = rows.filter((r) => r.kind === 'login-ticket' && r.mail === mail);
    expect(tickets).toEqual([expect.objectContaining({ hash: sha256Hex(body.ticket), sdk_app_id: server.sdkAppId, only_once: 0, expires_at: body.expiresAt })]);
    expect(rows.filter((r) => r.kind === 'sdk-token' && r.hash === sha256Hex(token))).toHaveLength(1);
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(body.ticket);
    expect(dump).not.toContain(token);
  });

  it('matches userId case-insensitively and lets a reusable token log in again', async () => {
    const mail = await createAgent(client, server.sdkAppId, uniqMail('case'));
    const token = await mintToken(client, server.sdkAppId, mail);
    const first = await tokenLogin(server.url, { sdkAppId: server.sdkAppId, userId: mail.toUpperCase(), token });
    const second = await tokenLogin(server.url, { sdkAppId: server.sdkAppId, userId: mail, token });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect((first.body as LoginSuccess).staff.mail).toBe(mail);
    expect((first.body as LoginSuccess).ticket).not.toBe((second.body as LoginSuccess).ticket);
  });

  it('refuses an unknown token with tokenInvalid (401)', async () => {
    const mail = await createAgent(client, server.sdkAppId);
    expectRefusal(await tokenLogin(server.url, { sdkAppId: server.sdkAppId, userId: mail, token: 'ab'.repeat(16) }), 401, 'tokenInvalid');
  });

  it('refuses a token that is not 32 hex characters with tokenInvalid (401)', async () => {
    const mail = await createAgent(client, server.sdkAppId);
    const token = await mintToken(client, server.sdkAppId, mail);
    expectRefusal(await tokenLogin(server.url, { sdkAppId: server.sdkAppId, userId: mail, token: token.toUpperCase() }), 401, 'tokenInvalid');
    expectRefusal(await tokenLogin(server.url, { sdkAppId: server.sdkAppId, userId: mail, token: `${token}0` }), 401, 'tokenInvalid');
  });

  it('refuses an unknown SdkAppId with tokenInvalid (401)', async () => {
    const mail = await createAgent(client, server.sdkAppId);
    const token = await mintToken(client, server.sdkAppId, mail);
    expectRefusal(await tokenLogin(server.url, { sdkAppId: server.sdkAppId + 1, userId: mail, token }), 401, 'tokenInvalid');
  });

  it("refuses another user's token with tokenMismatch (403)", async () => {
    const owner = await createAgent(client, server.sdkAppId);
    const other = await createAgent(client, server.sdkAppId);
    const token = await mintToken(client, server.sdkAppId, owner);
    expectRefusal(await tokenLogin(server.url, { sdkAppId: server.sdkAppId, userId: other, token }), 403, 'tokenMismatch');
    // The token itself is still good for its owner.
    expect((await tokenLogin(server.url, { sdkAppId: server.sdkAppId, userId: owner, token })).status).toBe(200);
  });

  it("refuses another instance's token with tokenMismatch (403)", async () => {
    const second = await createInstance(server.folder.store, 'second', Date.now());
    const mail = uniqMail('both');
    await createAgent(client, server.sdkAppId, mail);
    await createAgent(client, second.sdkAppId, mail);
    const token = await mintToken(client, second.sdkAppId, mail);
    expectRefusal(await tokenLogin(server.url, { sdkAppId: server.sdkAppId, userId: mail, token }), 403, 'tokenMismatch');
    const ok = await tokenLogin(server.url, { sdkAppId: second.sdkAppId, userId: mail, token });
    expect(ok.status).toBe(200);
    expect((ok.body as LoginSuccess).staff.sdkAppId).toBe(second.sdkAppId);
  });

  it('accepts a one-time token once, then tokenUsed (401)', async () => {
    const mail = await createAgent(client, server.sdkAppId);
    const token = await mintToken(client, server.sdkAppId, mail, true);
    expect((await tokenLogin(server.url, { sdkAppId: server.sdkAppId, userId: mail, token })).status).toBe(200);
    expectRefusal(await tokenLogin(server.url, { sdkAppId: server.sdkAppId, userId: mail, token }), 401, 'tokenUsed');
    const row = credentialRows(server.dataDir).find((r) => r.hash === sha256Hex(token));
    expect(row?.only_once).toBe(1);
    expect(row?.used_at).toBeTypeOf('number');
  });

  it('refuses a token older than its 600 s lifetime with tokenExpired (401)', async () => {
    const mail = await createAgent(client, server.sdkAppId);
    const fresh = await mintToken(client, server.sdkAppId, mail);
    const stale = await mintToken(client, server.sdkAppId, mail);
    offset = 598_000;
    expect((await tokenLogin(server.url, { sdkAppId: server.sdkAppId, userId: mail, token: fresh })).status).toBe(200);
    offset = 601_000;
    expectRefusal(await tokenLogin(server.url, { sdkAppId: server.sdkAppId, userId: mail, token: stale }), 401, 'tokenExpired');
  });

  it('refuses a host page origin that is not allowed with originNotAllowed (403), until it is added', async () => {
    const mail = await createAgent(client, server.sdkAppId);
    const token = await mintToken(client, server.sdkAppId, mail);
    const login = (parentOrigin: string) => tokenLogin(server.url, { sdkAppId: server.sdkAppId, userId: mail, token, parentOrigin });
    const message = expectRefusal(await login(HOST_PAGE), 403, 'originNotAllowed');
    expect(message).toContain(HOST_PAGE);
    expectRefusal(await login(''), 403, 'originNotAllowed');
    expect((await login(new URL(server.url).origin)).status).toBe(200);

    await server.folder.store.origins.add(server.sdkAppId, HOST_PAGE, Date.now());
    try {
      expect((await login(HOST_PAGE)).status).toBe(200);
      // The server's own origin stays allowed; others still are not.
      expect((await login(new URL(server.url).origin)).status).toBe(200);
      expectRefusal(await login('http://localhost:5556'), 403, 'originNotAllowed');
    } finally {
      await server.folder.store.origins.remove(server.sdkAppId, HOST_PAGE);
    }
  });

  it('refuses a staff forced offline with accountForcedOffline (403)', async () => {
    const mail = await createAgent(client, server.sdkAppId);
    const token = await mintToken(client, server.sdkAppId, mail);
    await client.ForceMemberOffline({ SdkAppId: server.sdkAppId, UserId: mail });
    expectRefusal(await tokenLogin(server.url, { sdkAppId: server.sdkAppId, userId: mail, token }), 403, 'accountForcedOffline');
    await client.RestoreMemberOnline({ SdkAppId: server.sdkAppId, UserId: mail });
    expect((await tokenLogin(server.url, { sdkAppId: server.sdkAppId, userId: mail, token })).status).toBe(200);
  });

  it('answers malformed bodies with invalidArgument (400)', async () => {
    const mail = await createAgent(client, server.sdkAppId);
    const token = await mintToken(client, server.sdkAppId, mail);
    const good = { sdkAppId: server.sdkAppId, userId: mail, token, parentOrigin: new URL(server.url).origin };
    const bodies: unknown[] = [
      '{not json',
      '[]',
      'null',
      '"text"',
      { ...good, sdkAppId: String(server.sdkAppId) },
      { ...good, sdkAppId: 1.5 },
      { ...good, sdkAppId: undefined },
      { ...good, userId: '' },
      { ...good, userId: 42 },
      { ...good, userId: 'x'.repeat(129) },
      { ...good, parentOrigin: undefined },
      { ...good, parentOrigin: 5 },
      { ...good, parentOrigin: `http://${'a'.repeat(600)}.com` },
      { ...good, padding: 'x'.repeat(20_000) },
    ];
    for (const body of bodies) {
      const res = await postJson(server.url, '/sdk/v1/login', typeof body === 'string' ? body : JSON.stringify(body));
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expectRefusal(res, 400, 'invalidArgument');
    }
    // The good body still works.
    expect((await postJson(server.url, '/sdk/v1/login', good)).status).toBe(200);
  });

  it('answers an internal failure with 500 internal, not invalidArgument', async () => {
    const mail = await createAgent(client, server.sdkAppId);
    const token = await mintToken(client, server.sdkAppId, mail);
    const credentials = server.folder.store.credentials;
    const find = credentials.find.bind(credentials);
    credentials.find = () => Promise.reject(new Error('disk on fire'));
    try {
      expectRefusal(await tokenLogin(server.url, { sdkAppId: server.sdkAppId, userId: mail, token }), 500, 'internal');
    } finally {
      credentials.find = find;
    }
  });
});
