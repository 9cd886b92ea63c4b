import type { LoginSuccess } from '@openccc/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { credentialRows, expectRefusal, postJson, sha256Hex, type JsonResponse } from './helpers.js';

// Password logins are limited to five a minute per address and account, and every
// request here comes from 127.0.0.1: each test starts ten minutes after the last one.
let offset = 0;
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ clock: () => Date.now() + offset });
});

beforeEach(() => {
  offset += 600_000;
});

afterAll(async () => {
  await server?.close();
});

function login(mail: string, password: string, sdkAppId?: number): Promise<JsonResponse> {
  return postJson(server.url, '/workbench/api/login', { mail, password, ...(sdkAppId === undefined ? {} : { sdkAppId }) });
}

describe('POST /workbench/api/login', () => {
  it('logs the administrator in with the right password', async () => {
    const res = await login(server.adminUser, server.adminPassword);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = res.body as LoginSuccess;
    expect(body.ticket).toMatch(/^[0-9a-f]{64}$/);
    expect(body.staff).toMatchObject({ sdkAppId: server.sdkAppId, mail: server.adminUser, role: 1 });
    expect(credentialRows(server.dataDir).some((r) => r.kind === 'login-ticket' && r.hash === sha256Hex(body.ticket))).toBe(true);
  });

  it('accepts the mail in any case and an explicit SdkAppId', async () => {
    const res = await login(server.adminUser.toUpperCase(), server.adminPassword, server.sdkAppId);
    expect(res.status).toBe(200);
    expect((res.body as LoginSuccess).staff.mail).toBe(server.adminUser);
  });

  it('answers a wrong password exactly like an unknown mail (401 badCredentials)', async () => {
    const wrong = expectRefusal(await login(server.adminUser, `${server.adminPassword}x`), 401, 'badCredentials');
    const unknown = expectRefusal(await login('nobody@example.com', server.adminPassword), 401, 'badCredentials');
    expect(wrong).toBe(unknown);
    const otherInstance = expectRefusal(await login(server.adminUser, server.adminPassword, server.sdkAppId + 1), 401, 'badCredentials');
    expect(otherInstance).toBe(unknown);
  });

  it('refuses the sixth attempt in a row for one mail with 429 rateLimited, even with the right password', async () => {
    for (let i = 0; i < 5; i++) expectRefusal(await login(server.adminUser, `wrong-${i}`), 401, 'badCredentials');
    expectRefusal(await login(server.adminUser, server.adminPassword), 429, 'rateLimited');
    // One attempt comes back every twelve seconds.
    offset += 12_000;
    expect((await login(server.adminUser, server.adminPassword)).status).toBe(200);
    expectRefusal(await login(server.adminUser, server.adminPassword), 429, 'rateLimited');
  });

  it('answers malformed bodies with invalidArgument (400)', async () => {
    const bodies: unknown[] = [
      '{',
      '[]',
      {},
      { mail: server.adminUser },
      { password: server.adminPassword },
      { mail: '', password: 'x' },
      { mail: server.adminUser, password: '' },
      { mail: 5, password: 'x' },
      { mail: 'x'.repeat(129), password: 'x' },
      { mail: server.adminUser, password: 'x'.repeat(257) },
      { mail: server.adminUser, password: server.adminPassword, sdkAppId: 'abc' },
      { mail: server.adminUser, password: server.adminPassword, sdkAppId: 1.5 },
    ];
    for (const body of bodies) {
      const res = await postJson(server.url, '/workbench/api/login', typeof body === 'string' ? body : JSON.stringify(body));
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expectRefusal(res, 400, 'invalidArgument');
    }
  });
});

describe('POST /workbench/api/login behind a reverse proxy', () => {
  // Time stands still here unless a test moves it, so no bucket refills while scrypt runs.
  let proxyNow = Date.now();
  let proxied: TestServer;
  beforeAll(async () => {
    proxied = await startTestServer({ flags: { 'trust-proxy': 'loopback' }, clock: () => proxyNow });
  });
  beforeEach(() => {
    proxyNow += 3_600_000;
  });
  afterAll(async () => {
    await proxied?.close();
  });

  it('limits attempts per client address from X-Forwarded-For, not per proxy', async () => {
    const attempt = (ip: string, i: number) =>
      postJson(proxied.url, '/workbench/api/login', { mail: `nobody-${ip}-${i}@example.com`, password: 'wrong' }, { 'x-forwarded-for': ip });
    // Twenty attempts at once from one address, whatever the accounts.
    for (let i = 0; i < 20; i++) expectRefusal(await attempt('203.0.113.7', i), 401, 'badCredentials');
    expectRefusal(await attempt('203.0.113.7', 20), 429, 'rateLimited');
    // Another client behind the same proxy is not affected.
    expectRefusal(await attempt('198.51.100.9', 0), 401, 'badCredentials');
  });

  it('cannot be fooled by addresses the client prepends to X-Forwarded-For', async () => {
    // The proxy appends the real address; only trusted hops are skipped, from the right.
    const spoofed = (i: number) => postJson(proxied.url, '/workbench/api/login', { mail: `spoof-${i}@example.com`, password: 'wrong' }, { 'x-forwarded-for': `10.9.8.${i}, 192.0.2.44` });
    for (let i = 0; i < 20; i++) expectRefusal(await spoofed(i), 401, 'badCredentials');
    expectRefusal(await spoofed(20), 429, 'rateLimited');
  });
  it('keeps an agent able to sign in from an address they used before, however many addresses guess their password', async () => {
    const login = (ip: string, password: string) => postJson(proxied.url, '/workbench/api/login', { mail: proxied.adminUser, password }, { 'x-forwarded-for': ip });
    expect((await login('192.0.2.10', proxied.adminPassword)).status).toBe(200);
    // Nineteen more unknown addresses, one guess each: the account's twenty for unknown addresses are spent.
    for (let i = 0; i < 19; i++) expectRefusal(await login(`203.0.113.${i}`, `guess-${i}`), 401, 'badCredentials');
    expectRefusal(await login('203.0.113.99', 'guess-99'), 429, 'rateLimited');
    expectRefusal(await login('198.51.100.1', proxied.adminPassword), 429, 'rateLimited');
    // The agent's own address is not held back.
    expect((await login('192.0.2.10', proxied.adminPassword)).status).toBe(200);
  });
});
