import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';

const HOST_PAGE = 'http://localhost:5555';
const SDK_BUNDLE = new URL('../../packages/sdk/dist/tccc.js', import.meta.url);

let server: TestServer;
let serverOrigin: string;

beforeAll(async () => {
  server = await startTestServer();
  serverOrigin = new URL(server.url).origin;
});

afterEach(async () => {
  await server.folder.store.origins.remove(server.sdkAppId, HOST_PAGE);
});

afterAll(async () => {
  await server?.close();
});

async function originCheck(query: string, origin?: string): Promise<{ res: Response; body: { allowed: boolean; origin: string } }> {
  const res = await fetch(`${server.url}/sdk/v1/origin-check${query}`, { headers: origin === undefined ? {} : { origin } });
  return { res, body: (await res.json()) as { allowed: boolean; origin: string } };
}

function frameAncestors(res: Response): string | undefined {
  const csp = res.headers.get('content-security-policy') ?? '';
  return csp
    .split(';')
    .map((d) => d.trim())
    .find((d) => d.startsWith('frame-ancestors '));
}

function injectedConfig(html: string): unknown {
  const match = /<script type="application\/json" id="openccc-config">(.*?)<\/script>/s.exec(html);
  expect(match).not.toBeNull();
  return JSON.parse(match?.[1] ?? 'null');
}

describe('GET /sdk/v1/origin-check', () => {
  it("answers {allowed} for the caller's Origin, readable from any page", async () => {
    const own = await originCheck(`?sdkAppId=${server.sdkAppId}`, serverOrigin);
    expect(own.res.status).toBe(200);
    expect(own.res.headers.get('access-control-allow-origin')).toBe('*');
    expect(own.res.headers.get('cache-control')).toBe('no-store');
    expect(own.body).toMatchObject({ allowed: true });

    expect((await originCheck(`?sdkAppId=${server.sdkAppId}`, HOST_PAGE)).body).toMatchObject({ allowed: false });
    await server.folder.store.origins.add(server.sdkAppId, HOST_PAGE, Date.now());
    const added = await originCheck(`?sdkAppId=${server.sdkAppId}`, HOST_PAGE);
    expect(added.body).toMatchObject({ allowed: true });
    expect(added.res.headers.get('access-control-allow-origin')).toBe('*');
    expect((await originCheck(`?sdkAppId=${server.sdkAppId}`, 'http://localhost:5556')).body).toMatchObject({ allowed: false });
  });

  it('answers allowed false without an Origin or a valid sdkAppId', async () => {
    expect((await originCheck(`?sdkAppId=${server.sdkAppId}`)).body).toMatchObject({ allowed: false });
    const bad = await originCheck('?sdkAppId=abc', serverOrigin);
    expect(bad.res.status).toBe(200);
    expect(bad.res.headers.get('access-control-allow-origin')).toBe('*');
    expect(bad.body).toMatchObject({ allowed: false });
  });
});

describe('GET /sdk/v1/tccc.js', () => {
  it('serves the SDK bundle to any origin with an ETag, and 304 on If-None-Match', async () => {
    const res = await fetch(`${server.url}/sdk/v1/tccc.js`, { headers: { origin: HOST_PAGE } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('content-type')).toMatch(/^application\/javascript/);
    expect(await res.text()).toBe(readFileSync(SDK_BUNDLE, 'utf8'));
    const etag = res.headers.get('etag');
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);

    const again = await fetch(`${server.url}/sdk/v1/tccc.js`, { headers: { 'if-none-match': etag ?? '' } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(await again.text()).toBe('');

    const stale = await fetch(`${server.url}/sdk/v1/tccc.js`, { headers: { 'if-none-match': '"other"' } });
    expect(stale.status).toBe(200);
    await stale.arrayBuffer();
  });

  it('serves the type declarations too', async () => {
    const res = await fetch(`${server.url}/sdk/v1/tccc.d.ts`);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('etag')).toBeTruthy();
    await res.text();
  });
});

describe('GET /workbench/', () => {
  it("embedded for an instance: frame-ancestors 'self' plus the allowed origins, also injected as config", async () => {
    const url = `${server.url}/workbench/?embed=1&sdkAppId=${server.sdkAppId}`;
    const before = await fetch(url);
    expect(before.status).toBe(200);
    expect(frameAncestors(before)).toBe("frame-ancestors 'self'");
    expect(injectedConfig(await before.text())).toEqual({ sdkAppId: server.sdkAppId, allowedOrigins: [serverOrigin], embedded: true });

    await server.folder.store.origins.add(server.sdkAppId, HOST_PAGE, Date.now());
    const after = await fetch(url);
    expect(frameAncestors(after)).toBe(`frame-ancestors 'self' ${HOST_PAGE}`);
    expect(after.headers.get('cache-control')).toBe('no-store');
    // Sockets only to this host (both schemes: a TLS proxy may sit in front).
    const host = new URL(server.url).host;
    expect(after.headers.get('content-security-policy')).toContain(`connect-src 'self' ws://${host} wss://${host};`);
    const config = injectedConfig(await after.text()) as { allowedOrigins: string[] };
    expect(config).toMatchObject({ sdkAppId: server.sdkAppId, embedded: true });
    expect(config.allowedOrigins).toContain(HOST_PAGE);
  });

  it("standalone: frame-ancestors 'self' and no instance", async () => {
    await server.folder.store.origins.add(server.sdkAppId, HOST_PAGE, Date.now());
    for (const path of ['/workbench/', `/workbench/?sdkAppId=${server.sdkAppId}`]) {
      const res = await fetch(server.url + path);
      expect(res.status).toBe(200);
      expect(frameAncestors(res)).toBe("frame-ancestors 'self'");
      expect(injectedConfig(await res.text())).toEqual({ sdkAppId: null, allowedOrigins: [], embedded: false });
    }
  });
});
