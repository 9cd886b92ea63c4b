import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInstance } from '../../packages/server/src/bootstrap.js';
import { hashPassword } from '../../packages/server/src/crypto/passwords.js';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';

let server: TestServer;

interface Signed {
  cookie: string;
  csrf: string;
}

async function signIn(mail: string, password: string, sdkAppId?: number): Promise<Signed> {
  const res = await fetch(`${server.url}/console/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mail, password, ...(sdkAppId ? { sdkAppId } : {}) }),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { csrfToken: string };
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] as string;
  return { cookie, csrf: body.csrfToken };
}

function api(path: string, who: Signed | null, init: { method?: string; body?: unknown; csrf?: string | null; origin?: string } = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  if (who) headers['cookie'] = who.cookie;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const csrf = init.csrf === undefined ? who?.csrf : init.csrf;
  if (csrf) headers['x-csrf-token'] = csrf;
  if (init.origin) headers['origin'] = init.origin;
  return fetch(`${server.url}/console/api/v1${path}`, { method: init.method ?? 'GET', headers, ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}) });
}

async function addStaff(sdkAppId: number, mail: string, role: number, password: string): Promise<void> {
  const now = Date.now();
  await server.folder.store.staff.createMany(
    [{ sdkAppId, mail, name: mail, staffNumber: '', phone: '', nick: '', userId: '', role, extensionNumber: '', passwordHash: await hashPassword(password), useMobileCallOut: false, useMobileAccept: 0, forwardingConfig: null }],
    [[]],
    now,
  );
}

async function errorCode(res: Response): Promise<string> {
  return ((await res.json()) as { error: { code: string } }).error.code;
}

let admin: Signed;

beforeAll(async () => {
  server = await startTestServer();
  admin = await signIn(server.adminUser, server.adminPassword);
});
afterAll(async () => {
  await server.close();
});

describe('console sign-in', () => {
  it('signs the first-run administrator in with a session cookie and a CSRF token, and never returns the password', async () => {
    const res = await fetch(`${server.url}/console/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mail: server.adminUser, password: server.adminPassword }),
    });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^openccc_console=[0-9a-f]{64}; Path=\/console; HttpOnly; SameSite=Strict$/);
    const text = await res.text();
    expect(text).not.toContain(server.adminPassword);
    const body = JSON.parse(text) as { user: { mail: string; role: number; sdkAppId: number }; csrfToken: string };
    expect(body.user).toEqual({ mail: server.adminUser, name: expect.any(String), role: 1, sdkAppId: server.sdkAppId });
    expect(body.csrfToken).toMatch(/^[\w-]{43}$/);
    const secret = /openccc_console=([0-9a-f]{64})/.exec(cookie)?.[1] as string;
    const rows = JSON.stringify(await server.folder.store.credentials.find('console-session', (await import('../../packages/server/src/crypto/secrets.js')).hashSecret(secret)));
    expect(rows).not.toContain(secret);
  });

  it('refuses a wrong password, an unknown account and an agent alike', async () => {
    const mail = 'agent-console@example.com';
    await addStaff(server.sdkAppId, mail, 3, 'Agent-pass-1');
    for (const [who, password] of [
      [server.adminUser, 'wrong'],
      ['nobody@example.com', 'whatever'],
      [mail, 'Agent-pass-1'],
    ] as const) {
      const res = await fetch(`${server.url}/console/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mail: who, password }) });
      expect(res.status).toBe(401);
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(await errorCode(res)).toBe('bad-credentials');
    }
  });

  it('answers bad bodies with the console error envelope', async () => {
    const missing = await fetch(`${server.url}/console/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ error: { code: 'invalid', message: expect.any(String), field: 'mail' } });
    const broken = await fetch(`${server.url}/console/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"mail":' });
    expect(broken.status).toBe(400);
    expect(await errorCode(broken)).toBe('invalid');
    const unknown = await api('/no-such-route', null);
    expect(unknown.status).toBe(404);
    expect(await errorCode(unknown)).toBe('not-found');
  });

  it('refuses a sign-in posted from another origin', async () => {
    const res = await fetch(`${server.url}/console/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ mail: server.adminUser, password: server.adminPassword }),
    });
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('csrf');
  });
});

describe('console authorisation', () => {
  it('needs a session for every route', async () => {
    for (const [path, method] of [
      ['/session', 'GET'],
      ['/actions/DescribeStaffInfoList', 'POST'],
    ] as const) {
      const res = await api(path, null, { method, body: method === 'POST' ? {} : undefined });
      expect(res.status).toBe(401);
      expect(await errorCode(res)).toBe('unauthenticated');
    }
    const forged = await api('/session', { cookie: `openccc_console=${'a'.repeat(64)}`, csrf: '' });
    expect(forged.status).toBe(401);
  });

  it('changes nothing without the CSRF token or from a foreign origin', async () => {
    const create = { Staffs: [{ Name: 'x', Mail: 'csrf-victim@example.com', StaffNumber: '101' }] };
    const noToken = await api('/actions/CreateStaff', admin, { method: 'POST', body: create, csrf: null });
    expect(noToken.status).toBe(403);
    expect(await errorCode(noToken)).toBe('csrf');
    await addStaff(server.sdkAppId, 'admin-csrf@example.com', 1, 'Admin-csrf-1');
    const otherSession = await signIn('admin-csrf@example.com', 'Admin-csrf-1');
    const wrongToken = await api('/actions/CreateStaff', admin, { method: 'POST', body: create, csrf: otherSession.csrf });
    expect(wrongToken.status).toBe(403);
    const foreign = await api('/actions/CreateStaff', admin, { method: 'POST', body: create, origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(await server.folder.store.staff.get(server.sdkAppId, 'csrf-victim@example.com')).toBeUndefined();
    const ok = await api('/actions/CreateStaff', admin, { method: 'POST', body: create, origin: server.url });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ Response: { ErrorStaffList: [], RequestId: expect.any(String) } });
    expect(await server.folder.store.staff.get(server.sdkAppId, 'csrf-victim@example.com')).toBeDefined();
  });

  it('lets QA staff read and refuses their writes', async () => {
    await addStaff(server.sdkAppId, 'qa@example.com', 2, 'Qa-pass-1');
    const qa = await signIn('qa@example.com', 'Qa-pass-1');
    const read = await api('/actions/DescribeStaffInfoList', qa, { method: 'POST', body: { PageNumber: 0, PageSize: 10 } });
    expect(read.status).toBe(200);
    expect(((await read.json()) as { Response: { TotalCount: number } }).Response.TotalCount).toBeGreaterThan(0);
    const write = await api('/actions/DeleteStaff', qa, { method: 'POST', body: { StaffList: [server.adminUser] } });
    expect(write.status).toBe(403);
    expect(await errorCode(write)).toBe('forbidden');
    expect(await server.folder.store.staff.get(server.sdkAppId, server.adminUser)).toBeDefined();
    // DescribeExtension answers a desk phone's password: not for QA.
    await server.server.services.extensions.create(server.sdkAppId, { extensionId: '8001', name: 'desk' });
    expect((await api('/actions/DescribeExtensions', qa, { method: 'POST', body: { PageNumber: 0 } })).status).toBe(200);
    const secret = await api('/actions/DescribeExtension', qa, { method: 'POST', body: { ExtensionId: '8001' } });
    expect(secret.status).toBe(403);
    expect(await errorCode(secret)).toBe('forbidden');
  });

  it("keeps another instance's administrator in their own instance, whatever SdkAppId they send", async () => {
    const other = await createInstance(server.folder.store, 'other', Date.now());
    const theirs = await signIn(other.adminUser, other.adminPassword, other.sdkAppId);
    const res = await api('/actions/DescribeStaffInfoList', theirs, { method: 'POST', body: { SdkAppId: server.sdkAppId, PageNumber: 0, PageSize: 100 } });
    const body = (await res.json()) as { Response: { StaffList: Array<{ Mail: string }> } };
    expect(body.Response.StaffList.map((s) => s.Mail)).toEqual([other.adminUser]);
    const create = await api('/actions/CreateStaff', theirs, { method: 'POST', body: { SdkAppId: server.sdkAppId, Staffs: [{ Name: 'y', Mail: 'cross@example.com', StaffNumber: '102' }] } });
    expect(create.status).toBe(200);
    expect(await server.folder.store.staff.get(server.sdkAppId, 'cross@example.com')).toBeUndefined();
    expect(await server.folder.store.staff.get(other.sdkAppId, 'cross@example.com')).toBeDefined();
  });

  it('answers Cloud API errors in the Tencent envelope', async () => {
    const res = await api('/actions/DescribeStaffInfoList', admin, { method: 'POST', body: { PageNumber: 0, PageSize: 'x' } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { Response: { Error: { Code: string } } }).Response.Error.Code).toMatch(/^InvalidParameter/);
    const unknown = await api('/actions/NoSuchAction', admin, { method: 'POST', body: {} });
    expect(unknown.status).toBe(404);
  });

  it('ends the session on sign-out and when the account is deleted or demoted', async () => {
    await addStaff(server.sdkAppId, 'admin-out@example.com', 1, 'Admin-out-1');
    const leaving = await signIn('admin-out@example.com', 'Admin-out-1');
    const out = await api('/session', leaving, { method: 'DELETE' });
    expect(out.status).toBe(204);
    expect((await api('/session', leaving)).status).toBe(401);

    await addStaff(server.sdkAppId, 'admin2@example.com', 1, 'Admin2-pass');
    const second = await signIn('admin2@example.com', 'Admin2-pass');
    expect((await api('/session', second)).status).toBe(200);
    await server.folder.store.staff.delete(server.sdkAppId, ['admin2@example.com']);
    expect((await api('/session', second)).status).toBe(401);
  });
});
