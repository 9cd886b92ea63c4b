import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { phonePageCsp, registerPhonePageRoutes } from './phone-page-routes.js';
import { registerSecurityHeaders } from './security-headers.js';
import { makeAsset, type Asset } from './static-assets.js';

const INDEX = '<!doctype html><html lang="zh-CN"><head><script type="module" src="/phone/assets/index-abc.js"></script></head><body><div id="app"></div></body></html>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(2000))});`;

function built(): Map<string, Asset> {
  return new Map([
    ['index.html', makeAsset(Buffer.from(INDEX), 'text/html; charset=utf-8')],
    ['assets/index-abc.js', makeAsset(Buffer.from(SCRIPT), 'application/javascript; charset=utf-8')],
  ]);
}

let app: FastifyInstance;

async function appWith(assets: Map<string, Asset> | null): Promise<FastifyInstance> {
  app = Fastify();
  registerSecurityHeaders(app);
  registerPhonePageRoutes(app, assets);
  await app.ready();
  return app;
}

afterEach(async () => {
  await app.close();
});

describe('the web phone page', () => {
  it('serves /phone and /phone/ with its own policy: sockets to this host, microphone, no framing', async () => {
    await appWith(built());
    for (const url of ['/phone', '/phone/']) {
      const response = await app.inject({ url, headers: { host: 'ccc.example.com:8443' } });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.body).toBe(INDEX);
      expect(response.headers['content-security-policy']).toBe(
        "default-src 'self'; connect-src 'self' ws://ccc.example.com:8443 wss://ccc.example.com:8443; img-src 'self' data:; style-src 'self'; media-src 'self' blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      );
      expect(response.headers).toMatchObject({
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'x-content-type-options': 'nosniff',
        'permissions-policy': 'microphone=(self), autoplay=(self)',
        'cache-control': 'no-store',
      });
    }
  });

  it('serves its hashed assets for a year, gzipped when asked, and revalidates by ETag', async () => {
    await appWith(built());
    const response = await app.inject({ url: '/phone/assets/index-abc.js', headers: { 'accept-encoding': 'gzip' } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(response.headers['content-type']).toBe('application/javascript; charset=utf-8');
    const again = await app.inject({ url: '/phone/assets/index-abc.js', headers: { 'if-none-match': String(response.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expect((await app.inject({ url: '/phone/assets/missing.js' })).statusCode).toBe(404);
  });

  it('says when the page is not built', async () => {
    await appWith(null);
    for (const url of ['/phone', '/phone/assets/index-abc.js']) {
      const response = await app.inject({ url });
      expect(response.statusCode).toBe(503);
      expect(response.body).toContain('The web phone is not built; run `npm run build`.');
    }
  });
});

describe('phonePageCsp', () => {
  it('names only a well-formed host in connect-src', () => {
    expect(phonePageCsp('LOCALHOST:8080')).toContain("connect-src 'self' ws://localhost:8080 wss://localhost:8080;");
    expect(phonePageCsp('[::1]:8080')).toContain("connect-src 'self' ws://[::1]:8080 wss://[::1]:8080;");
    expect(phonePageCsp("evil.com; script-src 'unsafe-inline'")).toContain("connect-src 'self';");
    expect(phonePageCsp('')).toContain("connect-src 'self';");
  });
});
