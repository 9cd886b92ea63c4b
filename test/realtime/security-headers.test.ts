import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_CSP } from '../../packages/server/src/http/security-headers.js';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

function directive(csp: string, name: string): string | undefined {
  return csp
    .split(';')
    .map((d) => d.trim())
    .find((d) => d === name || d.startsWith(`${name} `));
}

describe('security headers', () => {
  it.each([
    ['/sdk/v1/tccc.js'],
    ['/sdk/v1/tccc.d.ts'],
    ['/sdk/v1/origin-check?sdkAppId=1'],
    ['/workbench/'],
    ['/healthz'],
    ['/metrics'],
    ['/console/login?code=0'],
    ['/'],
    ['/no-such-page'],
  ])('GET %s carries X-Content-Type-Options: nosniff', async (path) => {
    const res = await fetch(server.url + path);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('sends nosniff on login answers and Cloud API envelopes too', async () => {
    const login = await fetch(`${server.url}/sdk/v1/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(login.headers.get('x-content-type-options')).toBe('nosniff');
    const api = await fetch(`${server.url}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(api.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it.each([['/'], ['/console/login'], ['/console/login?code=00000000000000000000000000000000']])(
    'the HTML page %s has a CSP that forbids framing and scripts',
    async (path) => {
      const res = await fetch(server.url + path);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toBe(PAGE_CSP);
      expect(directive(csp, 'frame-ancestors')).toBe("frame-ancestors 'none'");
      expect(directive(csp, 'default-src')).toBe("default-src 'none'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    },
  );

  it('leaves the workbench its own CSP, whose frame-ancestors come from the allowed origins', async () => {
    await server.folder.store.origins.add(server.sdkAppId, 'https://crm.example.com', Date.now());
    const res = await fetch(`${server.url}/workbench/?embed=1&sdkAppId=${server.sdkAppId}`);
    await server.folder.store.origins.remove(server.sdkAppId, 'https://crm.example.com');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(directive(csp, 'frame-ancestors')).toBe("frame-ancestors 'self' https://crm.example.com");
    expect(res.headers.get('x-frame-options')).toBeNull();
  });
});

describe('the workbench CSP and the Host header', () => {
  const workbench = (host: string) => server.server.app.inject({ method: 'GET', url: '/workbench/', headers: { host } });

  it('names the request host in connect-src when it is a well-formed host', async () => {
    for (const host of ['ccc.example.com', 'ccc.example.com:8443', '10.0.0.5:8080', '[::1]:8080', 'localhost']) {
      const csp = String((await workbench(host)).headers['content-security-policy']);
      expect(directive(csp, 'connect-src')).toBe(`connect-src 'self' ws://${host} wss://${host}`);
    }
  });

  it('falls back to the public URL for any other Host, so a header cannot rewrite the policy', async () => {
    const publicHost = new URL(server.url).host;
    for (const host of ["a; script-src * 'unsafe-inline'; x", 'a b', "evil.example.com 'unsafe-eval'", 'x,y', 'host/path', 'a;b']) {
      const res = await workbench(host);
      expect(res.statusCode).toBe(200);
      const csp = String(res.headers['content-security-policy']);
      expect(directive(csp, 'connect-src')).toBe(`connect-src 'self' ws://${publicHost} wss://${publicHost}`);
      expect(directive(csp, 'script-src')).toBeUndefined();
      expect(csp).not.toContain('unsafe-inline; x');
      expect(csp).not.toContain('unsafe-eval');
      expect(csp.split(';').map((d) => d.trim().split(' ')[0])).toEqual(['default-src', 'connect-src', 'img-src', 'style-src', 'media-src', 'frame-ancestors']);
    }
  });
});
