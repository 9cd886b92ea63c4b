import { request } from 'node:http';
import { ADMIN_MAIL } from '../../packages/server/src/bootstrap.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_CSP } from '../../packages/server/src/http/security-headers.js';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { requireBuiltCli, runJson } from '../cli/helpers.js';

let server: TestServer;
let noPhones: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  noPhones = await startTestServer({ flags: { 'virtual-phones': 'off' } });
});

afterAll(async () => {
  await server?.close();
  await noPhones?.close();
});

const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

/** A GET whose path is sent exactly as given (fetch would percent-encode it). */
function rawGet(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the landing page', () => {
  it('links the console, the workbench and the web phone, and says what the administrator account is for', async () => {
    const res = await fetch(`${server.url}/`, { headers: BROWSER });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toBe(PAGE_CSP);
    const html = await res.text();
    expect(html).toContain('href="/console/"');
    expect(html).toContain('href="/workbench/"');
    expect(html).toContain('href="/phone"');
    expect(html).toContain('admin@openccc.local');
    expect(html).toContain('staff reset-password admin@openccc.local');
    expect(html).toMatch(/管理控制台/);
    expect(html).toMatch(/sign in to the <a href="\/console\/">console<\/a> as administrator/);
  });

  it('the password reset it names lets the administrator sign in to the console', { timeout: 120_000 }, async () => {
    requireBuiltCli();
    const signIn = (password: string) =>
      fetch(`${server.url}/console/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mail: ADMIN_MAIL, password }) });
    expect((await signIn(server.adminPassword)).status).toBe(200);
    const reset = await runJson<{ mail: string; password: string }>(['staff', 'reset-password', ADMIN_MAIL, '--data', server.dataDir]);
    expect(reset.mail).toBe(ADMIN_MAIL);
    expect((await signIn(server.adminPassword)).status).not.toBe(200);
    const session = await signIn(reset.password);
    expect(session.status).toBe(200);
    expect(await session.json()).toMatchObject({ user: { mail: ADMIN_MAIL } });
  });

  it('leaves the web phone out when the virtual phone network is off', async () => {
    const html = await (await fetch(`${noPhones.url}/`, { headers: BROWSER })).text();
    expect(html).toContain('href="/console/"');
    expect(html).not.toContain('href="/phone"');
    expect((await fetch(`${noPhones.url}/phone`)).status).toBe(404);
  });
});

describe('unknown paths', () => {
  it('answer a browser with an HTML page in Chinese when Chinese is preferred', async () => {
    const res = await fetch(`${server.url}/no-such-page?x=1`, { headers: { ...BROWSER, 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^text\/html; charset=utf-8/);
    expect(res.headers.get('content-security-policy')).toBe(PAGE_CSP);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('vary')).toMatch(/Accept-Language/i);
    const html = await res.text();
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('页面不存在');
    expect(html).toContain('<code>/no-such-page</code>');
    expect(html).toContain('<a href="/">返回首页</a>');
  });

  it.each([
    ['English first', 'en-US,en;q=0.9,zh-CN;q=0.8'],
    ['Chinese weighted below English', 'zh;q=0.5,fr;q=0.7'],
    ['no Accept-Language', undefined],
  ])('answer in English with %s', async (_case, language) => {
    const res = await fetch(`${server.url}/workbench/no-such-page`, { headers: { ...BROWSER, ...(language ? { 'accept-language': language } : {}) } });
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('Page not found');
    expect(html).toContain('<a href="/">Go to the home page</a>');
  });

  it('show the path back only escaped', async () => {
    const res = await rawGet(server.port, `/"><script>alert('x')</script>`, { 'accept-language': 'en' });
    expect(res.status).toBe(404);
    expect(res.body).not.toContain('<script>');
    expect(res.body).toContain('&#34;&#62;&#60;script&#62;alert(&#39;x&#39;)&#60;/script&#62;');
  });

  it.each([['/sdk/v1/no-such-file'], ['/recordings/v1/1/2'], ['/phone/v1/x'], ['/realtime/v2'], ['/workbench/api/nothing']])('keep answering JSON under the API path %s', async (path) => {
    const res = await fetch(`${server.url}${path}`, { headers: BROWSER });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });

  it('keep the console API in its own error format', async () => {
    const res = await fetch(`${server.url}/console/api/no-such-route`, { headers: BROWSER });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('leave the Cloud API envelope on / alone', async () => {
    const res = await fetch(`${server.url}/`, { method: 'PUT', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { Response: { Error: { Code: string } } };
    expect(body.Response.Error.Code).toBe('UnsupportedProtocol');
  });
});
