import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { officialClient, type CccClient } from '../../packages/server/src/test-support/sdk-client.js';
import { launchChromium } from './support/browser.js';
import { agentWithToken, waitForEvent, workbench, type PageEvent } from './support/fixtures.js';

interface HostPage {
  lang: string | null;
  token: string;
  sdkAppId: number;
  userId: string;
  sdkUrl: string;
}

const attr = (value: string | number) => String(value).replace(/[&"<>]/g, '');

/** The page as a customer writes it: the SdkURL script tag, then its handlers. */
function hostHtml(page: HostPage): string {
  return `<!doctype html>
<html${page.lang === null ? '' : ` lang="${page.lang}"`}><head><meta charset="utf-8"><title>CRM</title></head>
<body><h1>CRM</h1>
<script>window.events = [];</script>
<script src="${attr(page.sdkUrl)}" data-token="${attr(page.token)}" data-sdk-app-id="${attr(page.sdkAppId)}" data-userid="${attr(page.userId)}"></script>
<script>Object.keys(tccc.events).forEach(function (name) { tccc.on(tccc.events[name], function (payload) { window.events.push({ name: name, payload: payload }); }); });</script>
</body></html>`;
}

/** A customer's site on its own origin (localhost, OpenCCC is on 127.0.0.1): serves each page it is told to. */
async function startCustomerSite(): Promise<{ origin: string; serve(path: string, html: string): string; close(): Promise<void> }> {
  const pages = new Map<string, string>();
  const site: Server = createServer((req, res) => {
    const html = pages.get(req.url ?? '');
    if (html === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  const address = site.address();
  const origin = `http://localhost:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    origin,
    serve(path, html) {
      pages.set(path, html);
      return `${origin}${path}`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        site.closeAllConnections();
        site.close(() => resolve());
      }),
  };
}

describe('a page whose origin may not embed the workbench', () => {
  let browser: Browser;
  let server: TestServer;
  let client: CccClient;
  let site: Awaited<ReturnType<typeof startCustomerSite>>;
  let hostOrigin: string;

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startTestServer();
    client = officialClient(server);
    site = await startCustomerSite();
    hostOrigin = site.origin;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await site?.close();
  });

  /** Opens the host page in a fresh context; also collects what the page logs to its console. */
  async function open(locale: string, lang: string | null, mail: string): Promise<{ context: BrowserContext; page: Page; consoleErrors: string[] }> {
    const { token, sdkUrl } = await agentWithToken(client, server.sdkAppId, mail);
    const context = await browser.newContext({ locale });
    const url = site.serve(`/${encodeURIComponent(mail)}.html`, hostHtml({ lang, token, sdkAppId: server.sdkAppId, userId: mail, sdkUrl }));
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    await page.goto(url);
    return { context, page, consoleErrors };
  }

  it('shows the agent, in the panel, why in Chinese; the developer still gets the error event and the console message', async () => {
    const { context, page, consoleErrors } = await open('en-US', 'zh-CN', 'refused-zh@example.com');
    const refused = await waitForEvent(page, 'error');
    expect(refused.payload.errorCode).toBe('originNotAllowed');

    const notice = page.locator('[data-openccc="panel"] [data-openccc="notice"]');
    await notice.waitFor({ state: 'visible' });
    expect(await notice.getAttribute('role')).toBe('alert');
    const text = await notice.textContent();
    expect(text).toContain('未获准嵌入坐席工作台');
    expect(text).toContain(hostOrigin);
    expect(await page.locator('[data-openccc="panel"]').getAttribute('aria-label')).toBe('坐席工作台');
    expect(await page.locator('iframe[data-openccc="frame"]').count()).toBe(0);
    expect(consoleErrors.some((line) => line.includes('originNotAllowed') && line.includes(`openccc origins add ${hostOrigin}`))).toBe(true);

    // The float button still folds the panel away and back.
    await page.locator('[data-openccc="float-button"]').click();
    await notice.waitFor({ state: 'hidden' });
    await page.locator('[data-openccc="float-button"]').click();
    await notice.waitFor({ state: 'visible' });
    await context.close();
  });

  it('speaks English on an English page', async () => {
    const { context, page } = await open('zh-CN', 'en', 'refused-en@example.com');
    await waitForEvent(page, 'error');
    const notice = page.locator('[data-openccc="notice"]');
    await notice.waitFor({ state: 'visible' });
    expect(await notice.textContent()).toContain(`This page (${hostOrigin}) is not allowed to embed the agent workbench`);
    expect(await page.locator('[data-openccc="panel"]').getAttribute('aria-label')).toBe('Agent workbench');
    await context.close();
  });

  it("follows the browser's language when the page names none", async () => {
    const { context, page } = await open('en-GB', null, 'refused-browser@example.com');
    await waitForEvent(page, 'error');
    await page.locator('[data-openccc="notice"]').waitFor({ state: 'visible' });
    expect(await page.locator('[data-openccc="notice"]').textContent()).toContain('is not allowed to embed');
    await context.close();
  });

  it('once the origin is allowed, loading the SDK again replaces the notice with the workbench', async () => {
    const mail = 'refused-then-allowed@example.com';
    const { context, page } = await open('zh-CN', 'zh-CN', mail);
    await waitForEvent(page, 'error');
    await page.locator('[data-openccc="notice"]').waitFor({ state: 'visible' });

    await server.folder.store.origins.add(server.sdkAppId, hostOrigin, Date.now());
    try {
      const fresh = await client.CreateSDKLoginToken({ SdkAppId: server.sdkAppId, SeatUserId: mail });
      await page.evaluate(
        ({ token, sdkAppId, userId, sdkUrl }) => {
          const script = document.createElement('script');
          script.dataset['token'] = token;
          script.dataset['sdkAppId'] = sdkAppId;
          script.dataset['userid'] = userId;
          script.src = sdkUrl;
          document.body.appendChild(script);
        },
        { token: fresh.Token as string, sdkAppId: String(server.sdkAppId), userId: mail, sdkUrl: fresh.SdkURL as string },
      );
      await waitForEvent(page, 'ready');
      await page.locator('[data-openccc="notice"]').waitFor({ state: 'detached' });
      await workbench(page).locator('main[data-phase="ready"]').waitFor();
      const names = (await page.evaluate(() => (window as unknown as { events: PageEvent[] }).events)).map((e) => e.name);
      expect(names).toEqual(['error', 'ready']);
    } finally {
      await server.folder.store.origins.remove(server.sdkAppId, hostOrigin);
    }
    await context.close();
  });
});

describe('the size of tccc.js', () => {
  it('stays within its budget of 12 KB gzipped (docs/benchmarks.md)', () => {
    const bundle = readFileSync(new URL('../../packages/sdk/dist/tccc.js', import.meta.url));
    expect(gzipSync(bundle, { level: 9 }).length).toBeLessThanOrEqual(12 * 1024);
  });
});
