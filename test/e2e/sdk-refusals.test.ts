import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInstance } from '../../packages/server/src/bootstrap.js';
import type { TestServer } from '../../packages/server/src/test-support/harness.js';
import { officialClient, type CccClient } from '../../packages/server/src/test-support/sdk-client.js';
import { launchChromium } from './support/browser.js';
import { agentWithToken, events, openSeedPage, startE2eServer, waitForEvent, workbench } from './support/fixtures.js';
import { startHostSite, type HostSite } from './support/host-site.js';

describe('refusals at SDK initialisation', () => {
  let browser: Browser;
  let site: HostSite;
  let server: TestServer;
  let client: CccClient;
  let now = Date.now();

  beforeAll(async () => {
    browser = await launchChromium();
    site = await startHostSite();
    ({ server, client } = await startE2eServer(site, { clock: () => now }));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await site?.close();
  });

  it('an expired token fires tokenExpired and nothing else', async () => {
    const mail = 'expired@example.com';
    const { token, sdkUrl } = await agentWithToken(client, server.sdkAppId, mail);
    now += 601_000;
    try {
      const page = await openSeedPage(browser, site, { token, sdkAppId: server.sdkAppId, userId: mail, sdkUrl });
      await waitForEvent(page, 'tokenExpired');
      await workbench(page).locator('main[data-phase="failed"]').waitFor();
      expect((await events(page)).map((e) => e.name)).toEqual(['tokenExpired']);
      expect(await page.evaluate(() => window.tccc.Agent.getStatus())).toBe('offline');

      // The page fetches a new token and loads the SDK again: same user, new token → ready.
      now = Date.now();
      const fresh = await client.CreateSDKLoginToken({ SdkAppId: server.sdkAppId, SeatUserId: mail });
      await page.evaluate(
        ({ token, sdkAppId, userId, sdkUrl }) => (window as unknown as { injectTcccScript: (o: object) => Promise<void> }).injectTcccScript({ token, sdkAppId, userId, sdkUrl }),
        { token: fresh.Token as string, sdkAppId: String(server.sdkAppId), userId: mail, sdkUrl },
      );
      await waitForEvent(page, 'ready');
      await page.close();
    } finally {
      now = Date.now();
    }
  });

  it('a one-time token works once; the second page is refused with tokenUsed', async () => {
    const mail = 'once@example.com';
    const { token, sdkUrl } = await agentWithToken(client, server.sdkAppId, mail, true);
    const first = await openSeedPage(browser, site, { token, sdkAppId: server.sdkAppId, userId: mail, sdkUrl });
    await waitForEvent(first, 'ready');
    const context = await browser.newContext();
    const second = await openSeedPage(context, site, { token, sdkAppId: server.sdkAppId, userId: mail, sdkUrl });
    const refused = await waitForEvent(second, 'error');
    expect(refused.payload).toMatchObject({ errorCode: 'tokenUsed' });
    expect((await events(second)).some((e) => e.name === 'ready')).toBe(false);
    await context.close();
    await first.close();
  });

  it("another user's token is refused with tokenMismatch", async () => {
    const { token, sdkUrl } = await agentWithToken(client, server.sdkAppId, 'owner@example.com');
    await agentWithToken(client, server.sdkAppId, 'intruder@example.com');
    const page = await openSeedPage(browser, site, { token, sdkAppId: server.sdkAppId, userId: 'intruder@example.com', sdkUrl });
    const refused = await waitForEvent(page, 'error');
    expect(refused.payload.errorCode).toBe('tokenMismatch');
    expect(String(refused.payload.errorMsg)).toMatch(/another user or instance/);
    await page.close();
  });

  it("another instance's token is refused with tokenMismatch", async () => {
    const other = await createInstance(server.folder.store, 'second', Date.now());
    await server.folder.store.origins.add(other.sdkAppId, site.origin, Date.now());
    const otherClient = officialClient(server);
    const minted = await otherClient.CreateSDKLoginToken({ SdkAppId: other.sdkAppId, SeatUserId: other.adminUser });
    const page = await openSeedPage(browser, site, { token: minted.Token as string, sdkAppId: server.sdkAppId, userId: other.adminUser, sdkUrl: minted.SdkURL as string });
    const refused = await waitForEvent(page, 'error');
    expect(refused.payload.errorCode).toBe('tokenMismatch');
    await page.close();
  });

  it('a page on an origin that is not allowed is refused, and the workbench cannot be framed there', async () => {
    const mail = 'origin@example.com';
    const { token, sdkUrl } = await agentWithToken(client, server.sdkAppId, mail);
    await server.folder.store.origins.remove(server.sdkAppId, site.origin);
    try {
      const page = await openSeedPage(browser, site, { token, sdkAppId: server.sdkAppId, userId: mail, sdkUrl });
      const refused = await waitForEvent(page, 'error');
      expect(refused.payload.errorCode).toBe('originNotAllowed');
      expect(String(refused.payload.errorMsg)).toContain(`openccc origins add ${site.origin}`);
      expect(await page.locator('iframe[data-openccc="frame"]').count()).toBe(0);

      // Framing the workbench directly is stopped by the browser (CSP frame-ancestors).
      const direct = await browser.newPage();
      const blocked = new Promise<boolean>((resolve) => {
        direct.on('console', (m) => {
          if (/frame-ancestors/.test(m.text())) resolve(true);
        });
      });
      await direct.goto(site.url('embed-direct.html', { workbench: `${server.url}/workbench/?embed=1&sdkAppId=${server.sdkAppId}` }));
      expect(await blocked).toBe(true);
      const frame = direct.frames().find((f) => f !== direct.mainFrame());
      expect(await frame?.locator('main').count().catch(() => 0)).toBe(0);
      await direct.close();
      await page.close();
    } finally {
      await server.folder.store.origins.add(server.sdkAppId, site.origin, Date.now());
    }
  });

  it('a staff forced offline is signed out and cannot sign in until restored', async () => {
    const mail = 'forced@example.com';
    const { token, sdkUrl } = await agentWithToken(client, server.sdkAppId, mail);
    const page = await openSeedPage(browser, site, { token, sdkAppId: server.sdkAppId, userId: mail, sdkUrl });
    await waitForEvent(page, 'ready');
    await client.ForceMemberOffline({ SdkAppId: server.sdkAppId, UserId: mail });
    const out = await waitForEvent(page, 'signedOut');
    expect(out.payload.reason).toBe('forced');
    await workbench(page).locator('main[data-phase="signedOut"]').waitFor();
    expect(await workbench(page).getByTestId('signed-out').textContent()).toContain('管理员已将您的账号下线');
    expect(await page.evaluate(() => window.tccc.Agent.getStatus())).toBe('offline');

    const again = await client.CreateSDKLoginToken({ SdkAppId: server.sdkAppId, SeatUserId: mail });
    const retry = await openSeedPage(browser, site, { token: again.Token as string, sdkAppId: server.sdkAppId, userId: mail, sdkUrl });
    expect((await waitForEvent(retry, 'error')).payload.errorCode).toBe('accountForcedOffline');
    await client.RestoreMemberOnline({ SdkAppId: server.sdkAppId, UserId: mail });
    const third = await client.CreateSDKLoginToken({ SdkAppId: server.sdkAppId, SeatUserId: mail });
    const ok = await openSeedPage(browser, site, { token: third.Token as string, sdkAppId: server.sdkAppId, userId: mail, sdkUrl });
    await waitForEvent(ok, 'ready');
    await Promise.all([page.close(), retry.close(), ok.close()]);
  });

  it('an incomplete script tag reports which attribute is missing', async () => {
    const page = await openSeedPage(browser, site, { token: '', sdkAppId: server.sdkAppId, userId: 'x@example.com', sdkUrl: `${server.url}/sdk/v1/tccc.js` });
    const refused = await waitForEvent(page, 'error');
    expect(refused.payload).toMatchObject({ errorCode: 'invalidArgument' });
    expect(String(refused.payload.errorMsg)).toContain('data-token');
    await page.close();
  });
});
